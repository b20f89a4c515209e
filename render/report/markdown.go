package report

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// MaxMarkdownDiags is how many diagnostics (with a baseline: new
// problems) Markdown lists before "and N more"; MaxMarkdownFixed how many
// fixed fingerprints; MaxTopThreats how many threats it shows per
// boundary.
const (
	MaxMarkdownDiags = 50
	MaxMarkdownFixed = 20
	MaxTopThreats    = 3
)

// NoBaselineNote is the line the Markdown summary carries without a
// baseline: everything is listed as found, and how to get new and fixed
// problems instead.
const NoBaselineNote = "No baseline: every problem is listed as found, none as new or fixed. " +
	"To list what a change brings and fixes, write a baseline on the base branch " +
	"(`tmc check --write-baseline .tmc-baseline.json`) and check the change with " +
	"`--baseline .tmc-baseline.json` (see docs/ci.md)."

// Markdown writes a compact summary for a pull-request comment: the model,
// a verdict, counts, the diagnostics (with a baseline: the new and fixed
// problems) and the top open threats per trust boundary.
func Markdown(w io.Writer, in Input) error {
	var b bytes.Buffer
	name := "threat model"
	if in.Model != nil && in.Model.Name != "" {
		name = in.Model.Name
	}
	fmt.Fprintf(&b, "## tmc: %s\n\n", EscapeMarkdown(name))

	// Against a baseline, the diagnostics are the new ones.
	newWord := ""
	if in.Baseline.Used {
		newWord = "new "
	}
	errs, warns := in.Diags.Count(diag.Error), in.Diags.Count(diag.Warning)
	if errs == 0 {
		fmt.Fprintf(&b, "✅ no %serrors", newWord)
	} else {
		fmt.Fprintf(&b, "❌ %s", plural(errs, newWord+"error"))
	}
	if warns > 0 {
		fmt.Fprintf(&b, ", %s", plural(warns, newWord+"warning"))
	}
	b.WriteString("\n\n")

	// Findings a threat claims or an acceptance covers are counted apart,
	// and dismissed ones (false positives) on their own: the open ones
	// are what needs work.
	findings, closed, dismissed := map[string]int{}, 0, 0
	for _, f := range in.Findings {
		switch {
		case f.Status == ir.Dismissed:
			dismissed++
		case f.Closed():
			closed++
		default:
			findings[f.Band]++
		}
	}
	open := map[string]int{}
	for _, t := range openThreats(in) {
		if !t.finding {
			open[t.band]++
		}
	}
	b.WriteString("| | count |\n| --- | ---: |\n")
	fmt.Fprintf(&b, "| %s | %d |\n", upper(newWord+"errors"), errs)
	fmt.Fprintf(&b, "| %s | %d |\n", upper(newWord+"warnings"), warns)
	fmt.Fprintf(&b, "| %s (critical / high / medium / low) | %s |\n", upper(newWord+"open findings"), byBand(findings))
	if closed > 0 {
		fmt.Fprintf(&b, "| %s claimed by a threat or accepted | %d |\n", upper(newWord+"findings"), closed)
	}
	if dismissed > 0 {
		fmt.Fprintf(&b, "| %s dismissed as false positives or not applicable | %d |\n", upper(newWord+"findings"), dismissed)
	}
	fmt.Fprintf(&b, "| Open declared threats (critical / high / medium / low) | %s |\n", byBand(open))
	if in.Below > 0 {
		fmt.Fprintf(&b, "\n%s below %s not listed (`--min-band %s`).\n", plural(in.Below, "finding"), in.MinBand, in.MinBand)
	}

	if in.Baseline.Used {
		newAndFixed(&b, in)
	} else {
		b.WriteString("\n" + NoBaselineNote + "\n")
		if len(in.Diags) > 0 {
			b.WriteString("\n### Diagnostics\n\n")
			for i, d := range in.Diags {
				if i == MaxMarkdownDiags {
					fmt.Fprintf(&b, "- and %d more\n", len(in.Diags)-MaxMarkdownDiags)
					break
				}
				b.WriteString(in.diagItem(d))
			}
		}
	}

	if in.Model != nil && len(in.Model.Boundaries) > 0 {
		var sections bytes.Buffer
		ts := openThreats(in)
		for _, bd := range in.Model.Boundaries {
			var top []threatRow
			for _, t := range ts {
				if t.on(bd) {
					top = append(top, t)
				}
			}
			if len(top) == 0 {
				continue
			}
			n := len(top)
			if n > MaxTopThreats {
				top = top[:MaxTopThreats]
			}
			fmt.Fprintf(&sections, "\n**%s** (%s, %d open)\n\n", EscapeMarkdown(bd.ID), EscapeMarkdown(bd.Trust), n)
			sections.WriteString("| threat | target | band | score | why |\n| --- | --- | --- | ---: | --- |\n")
			for _, t := range top {
				name := EscapeMarkdown(t.name)
				if t.finding {
					name += " (rule)"
				}
				fmt.Fprintf(&sections, "| %s | %s | %s | %d | %s |\n", name, EscapeMarkdown(t.target), t.band, t.score, EscapeMarkdown(t.why))
			}
		}
		if sections.Len() > 0 {
			b.WriteString("\n### Top open threats per boundary\n")
			b.Write(sections.Bytes())
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func (in *Input) diagItem(d *diag.Diagnostic) string {
	return fmt.Sprintf("- `%s` — %s %s — %s\n", codeSpan(in.position(d.Subject)),
		severityMark(d.Severity), d.Code, EscapeMarkdown(d.Summary))
}

// newAndFixed writes the section of a check against a baseline: the
// problems it does not record (diagnostics, then findings) and the
// recorded fingerprints that no longer occur.
func newAndFixed(b *bytes.Buffer, in Input) {
	bl := in.Baseline
	file := "the baseline"
	if bl.File != "" {
		file = "the baseline `" + codeSpan(bl.File) + "`"
	}
	nNew := len(in.Diags) + len(in.Findings)
	b.WriteString("\n### New and fixed problems\n\n")
	fmt.Fprintf(b, "Against %s: %d new, %d fixed, %d unchanged (not listed).\n", file, nNew, len(bl.Fixed), bl.Suppressed)

	if nNew == 0 {
		b.WriteString("\n**New**: none\n")
	} else {
		fmt.Fprintf(b, "\n**New** (%d)\n\n", nNew)
		i := 0
		for _, d := range in.Diags {
			if i == MaxMarkdownDiags {
				break
			}
			b.WriteString(in.diagItem(d))
			i++
		}
		for _, f := range in.Findings {
			if i == MaxMarkdownDiags {
				break
			}
			status := ""
			if f.Closed() {
				status = ", " + f.Status
			}
			why := ""
			if f.Why != "" {
				why = " (" + EscapeMarkdown(f.Why) + ")"
			}
			fmt.Fprintf(b, "- `%s` — finding %s (%s, score %d%s) — %s%s\n", codeSpan(in.position(f.Range)),
				f.Rule, f.Band, f.Score, status, EscapeMarkdown(f.Message), why)
			i++
		}
		if nNew > MaxMarkdownDiags {
			fmt.Fprintf(b, "- and %d more\n", nNew-MaxMarkdownDiags)
		}
	}

	if len(bl.Fixed) == 0 {
		b.WriteString("\n**Fixed**: none\n")
		return
	}
	fmt.Fprintf(b, "\n**Fixed** (%d): in the baseline, no longer found\n\n", len(bl.Fixed))
	for i, fp := range bl.Fixed {
		if i == MaxMarkdownFixed {
			fmt.Fprintf(b, "- and %d more\n", len(bl.Fixed)-MaxMarkdownFixed)
			break
		}
		fmt.Fprintf(b, "- `%s`\n", codeSpan(fp))
	}
}

// upper capitalises the first letter of an ASCII word.
func upper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func severityMark(s diag.Severity) string {
	switch s {
	case diag.Error:
		return "error"
	case diag.Warning:
		return "warning"
	}
	return "note"
}

func byBand(m map[string]int) string {
	parts := make([]string, len(bands))
	for i, b := range bands {
		parts[i] = fmt.Sprint(m[b])
	}
	return strings.Join(parts, " / ")
}

// position is "path:line", or the path alone.
func (in *Input) position(r diag.Range) string {
	p := in.uri(r.File)
	if p == "" {
		p = "(model)"
	}
	if r.Start.Line > 0 {
		p += fmt.Sprintf(":%d", r.Start.Line)
	}
	return p
}

// codeSpan makes s safe inside a one-backtick code span.
func codeSpan(s string) string {
	return strings.NewReplacer("`", "'", "\n", " ", "\r", " ").Replace(s)
}

// A threatRow is an open threat or finding, with what it is on.
type threatRow struct {
	name, target, band string
	score              int
	why                string // a finding's ir.Finding.Why; "declared" for a threat
	finding            bool   // a rule found it; else it is declared
	t                  ir.Target
}

// on reports whether the threat is on boundary b: its target is b, an
// element in b (or in a boundary nested in b) or a flow crossing b.
func (t threatRow) on(b *ir.Boundary) bool {
	switch {
	case t.t.Boundary != nil:
		return t.t.Boundary == b
	case t.t.Element != nil:
		return within(t.t.Element.Boundary, b)
	case t.t.Flow != nil:
		for _, c := range t.t.Flow.Crossings {
			if c.Boundary == b {
				return true
			}
		}
	}
	return false
}

func within(x, b *ir.Boundary) bool {
	for ; x != nil; x = x.Parent {
		if x == b {
			return true
		}
	}
	return false
}

// openThreats returns the open declared threats and the open findings
// of the model, by score,
// worst first, then by name.
func openThreats(in Input) []threatRow {
	if in.Model == nil {
		return nil
	}
	var out []threatRow
	for _, t := range in.Model.Threats {
		if t.Status != ir.Open {
			continue
		}
		out = append(out, threatRow{name: t.ID, target: t.Target.ID(), band: t.Band, score: t.Score, why: "declared", t: t.Target})
	}
	for _, f := range in.Model.Findings {
		if f.Status != "" && f.Status != ir.Open {
			continue
		}
		out = append(out, threatRow{name: f.Rule, target: f.Target.ID(), band: f.Band, score: f.Score, why: f.Why(), finding: true, t: f.Target})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		if out[i].name != out[j].name {
			return out[i].name < out[j].name
		}
		return out[i].target < out[j].target
	})
	return out
}

// EscapeMarkdown escapes user text for Markdown: backslash, |, *, _, `,
// <, >, [ and ]; line breaks become spaces.
func EscapeMarkdown(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '|', '*', '_', '`', '<', '>', '[', ']':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
