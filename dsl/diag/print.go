package diag

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// A Printer writes diagnostics for people (Text) or machines (JSON).
type Printer struct {
	// Source returns the text of a file named as in Range.File, or nil.
	Source func(file string) []byte
	// Path turns a Range.File into the path to show (for the terminal:
	// relative to the current folder). Nil shows Range.File as is.
	Path func(file string) string

	lines LineCache // line starts per file, indexed on first use
}

func (p *Printer) path(file string) string {
	if p.Path == nil || file == "" {
		return file
	}
	return p.Path(file)
}

// Text writes diagnostics like a compiler:
//
//	path:line:col: error[TM301]: message
//	   |
//	12 | flow webhook: psp -> shop.billing "Payment webhook" {
//	   |      ^^^^^^^
//	   = help: add `crosses vendor, cluster "<how trust is established>"`
func (p *Printer) Text(w io.Writer, ds Diagnostics) error {
	var b bytes.Buffer
	for _, d := range ds {
		p.text(&b, d)
	}
	errs, warns := ds.Count(Error), ds.Count(Warning)
	if errs+warns > 0 {
		fmt.Fprintf(&b, "%s, %s\n", plural(errs, "error"), plural(warns, "warning"))
	}
	_, err := w.Write(b.Bytes())
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func (p *Printer) text(b *bytes.Buffer, d *Diagnostic) {
	s := d.Subject
	if s.Start.IsValid() {
		fmt.Fprintf(b, "%s:%d:%d: ", p.path(s.File), s.Start.Line, s.Start.Col)
	} else if s.File != "" {
		fmt.Fprintf(b, "%s: ", p.path(s.File))
	}
	fmt.Fprintf(b, "%s[%s]: %s\n", d.Severity, d.Code, d.Summary)
	if line, ok := p.line(s.File, s.Start.Line); ok {
		gutter := len(fmt.Sprint(s.Start.Line))
		pad := strings.Repeat(" ", gutter)
		fmt.Fprintf(b, "%s |\n%d | %s\n%s | %s\n", pad, s.Start.Line, line, pad, caret(line, s))
	}
	if d.Detail != "" {
		for _, l := range strings.Split(d.Detail, "\n") {
			fmt.Fprintf(b, "  = note: %s\n", l)
		}
	}
	for _, n := range d.Related {
		fmt.Fprintf(b, "  = %s:%d:%d: %s\n", p.path(n.Range.File), n.Range.Start.Line, n.Range.Start.Col, n.Message)
	}
	if d.Fix != "" {
		fmt.Fprintf(b, "  = help: add `%s`\n", d.Fix)
	}
	b.WriteByte('\n')
}

// line returns source line n (1-based) of file, cleaned for a terminal.
func (p *Printer) line(file string, n int) (string, bool) {
	if p.Source == nil || n < 1 {
		return "", false
	}
	src, ok := p.lines.Line(file, n, p.Source)
	if !ok {
		return "", false
	}
	const max = 200
	var out strings.Builder
	count := 0
	for len(src) > 0 && count < max {
		r, size := utf8.DecodeRune(src)
		src = src[size:]
		count++
		switch {
		case r == '\t':
			out.WriteByte('\t')
		case r == utf8.RuneError && size == 1, r < 0x20, r == 0x7f, r == 0xFEFF:
			out.WriteRune('\uFFFD')
		default:
			out.WriteRune(r)
		}
	}
	if len(src) > 0 {
		out.WriteString("…")
	}
	return out.String(), true
}

// caret draws ^ under the subject on its first line, keeping tabs so the
// marks line up in a terminal.
func caret(line string, s Range) string {
	var b strings.Builder
	col := 1
	runes := []rune(line)
	for ; col < s.Start.Col && col-1 < len(runes); col++ {
		if runes[col-1] == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	n := 1
	if s.End.Line == s.Start.Line && s.End.Col > s.Start.Col {
		n = s.End.Col - s.Start.Col
	} else if s.End.Line > s.Start.Line {
		n = len(runes) - (s.Start.Col - 1)
	}
	if n < 1 {
		n = 1
	}
	b.WriteString(strings.Repeat("^", n))
	return b.String()
}

// JSONSchema names the format JSON writes.
const JSONSchema = "tmc/check/v1"

// JSONRelated is a related location in the tmc/check/v1 form.
type JSONRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// JSONDiagnostic is one diagnostic in the tmc/check/v1 form.
type JSONDiagnostic struct {
	Code      string        `json:"code"`
	Severity  string        `json:"severity"`
	File      string        `json:"file"`
	Line      int           `json:"line"`
	Column    int           `json:"column"`
	EndLine   int           `json:"end_line"`
	EndColumn int           `json:"end_column"`
	Message   string        `json:"message"`
	Help      string        `json:"help,omitempty"`
	Related   []JSONRelated `json:"related"`
}

type jsonReport struct {
	Schema      string           `json:"schema"`
	Diagnostics []JSONDiagnostic `json:"diagnostics"`
	Findings    any              `json:"findings,omitempty"`
	Summary     struct {
		Errors   int `json:"errors"`
		Warnings int `json:"warnings"`
	} `json:"summary"`
}

// JSON writes the tmc/check/v1 document. Diagnostics are written in the
// order given; callers sort first.
func (p *Printer) JSON(w io.Writer, ds Diagnostics) error {
	return p.JSONWith(w, ds, nil)
}

// JSONDiagnostics returns diagnostics in the tmc/check/v1 form, paths
// through p.Path (never nil, for a stable "[]").
func (p *Printer) JSONDiagnostics(ds Diagnostics) []JSONDiagnostic {
	out := []JSONDiagnostic{}
	for _, d := range ds {
		if d == nil {
			continue
		}
		j := JSONDiagnostic{
			Code: d.Code, Severity: d.Severity.String(), File: p.path(d.Subject.File),
			Line: d.Subject.Start.Line, Column: d.Subject.Start.Col,
			EndLine: d.Subject.End.Line, EndColumn: d.Subject.End.Col,
			Message: d.Summary, Related: []JSONRelated{},
		}
		if d.Fix != "" {
			j.Help = d.Fix
		} else if d.Detail != "" {
			j.Help = d.Detail
		}
		for _, n := range d.Related {
			j.Related = append(j.Related, JSONRelated{p.path(n.Range.File), n.Range.Start.Line, n.Range.Start.Col, n.Message})
		}
		out = append(out, j)
	}
	return out
}

// JSONWith is JSON with a "findings" member after the diagnostics (left
// out when findings is nil). The caller marshals findings; diag does not
// know what a finding is.
func (p *Printer) JSONWith(w io.Writer, ds Diagnostics, findings any) error {
	r := jsonReport{Schema: JSONSchema, Diagnostics: p.JSONDiagnostics(ds), Findings: findings}
	r.Summary.Errors, r.Summary.Warnings = ds.Count(Error), ds.Count(Warning)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
