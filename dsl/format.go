package dsl

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/tmc-dev/tmc/dsl/diag"
)

// The formatter prints a file's tokens again in one canonical layout, the
// one the bundled examples use:
//
//   - a block whose braces stand on one line stays on one line
//     (`boundary edge "Edge" { trust low }`) when it fits in Width columns;
//     any other block has one level of two-space indentation per depth and
//     its closing brace on a line of its own; an empty block is `{}`;
//   - statements keep the lines they were written on: a statement that
//     started a line still does, statements that shared a line still do,
//     separated by two spaces (`classification secret  credentials`);
//   - inside a statement tokens are separated by one space, with none
//     before "," ":" "." and none after ".";
//   - a list that would run past Width columns wraps after a comma, the
//     continuation indented four spaces past its statement;
//   - runs of blank lines become one blank line; blank lines right after
//     "{", before "}" and at the start and end of the file go;
//   - every comment stays where it was: a comment after code on its line
//     stays after that code, two spaces away; a comment on a line of its
//     own keeps its line, indented as the code around it;
//   - multi-line """ strings are printed as written.
//
// The statement structure comes from the AST (the Body of every block),
// so the formatter knows the grammar without repeating it. It prints the
// same tokens in the same order, so the formatted file parses to the same
// AST; only positions move.

// Width is the column the formatter keeps lines within, where it can:
// a long string or name is never split.
const Width = 120

// A SyntaxError is Format's refusal: the file does not parse, and Diags
// says why.
type SyntaxError struct {
	Diags diag.Diagnostics
}

func (e *SyntaxError) Error() string {
	var first *diag.Diagnostic
	for _, d := range e.Diags {
		if d.Severity == diag.Error {
			first = d
			break
		}
	}
	if first == nil {
		return "syntax error"
	}
	msg := fmt.Sprintf("%s: %s[%s]: %s", first.Subject, first.Severity, first.Code, first.Summary)
	if n := e.Diags.Count(diag.Error); n > 1 {
		msg += fmt.Sprintf(" (and %d more errors)", n-1)
	}
	return msg
}

// Format returns src in tmc's canonical layout. A file with syntax errors
// is not formatted: the error is a *SyntaxError holding the parse
// diagnostics. Formatting is idempotent, keeps every comment, and the
// result parses to the same AST as src.
func Format(filename string, src []byte) ([]byte, error) {
	p := &fileParser{file: &File{Name: filename, Src: src}, comments: true}
	ts := p.parse(src)
	if p.diags.HasErrors() || ts == nil {
		return nil, &SyntaxError{Diags: p.diags}
	}
	f := &formatter{toks: ts.t, comments: ts.comments, stmt: map[int]bool{}, top: map[int]bool{}}
	for i := range p.file.Decls {
		v := reflect.ValueOf(p.file.Decls[i])
		for j := 0; j < v.NumField(); j++ {
			if d := v.Field(j); !d.IsNil() {
				n := d.Elem().FieldByName("Node").Interface().(Node)
				f.top[n.Start().Offset] = true
				f.mark(d)
			}
		}
	}
	f.matchBraces()
	f.print()
	if f.written && bytes.HasPrefix(src, []byte("\uFEFF")) {
		return append([]byte("\uFEFF"), f.out.Bytes()...), nil // a byte-order mark stays
	}
	return f.out.Bytes(), nil
}

var nodeType = reflect.TypeFor[Node]()

// mark records the first token of every statement of every block in v:
// the elements of each Body field.
func (f *formatter) mark(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			f.mark(v.Elem())
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			f.mark(v.Index(i))
		}
	case reflect.Struct:
		pl := planOf(v.Type())
		if pl.body >= 0 {
			body := v.Field(pl.body)
			for k := 0; k < body.Len(); k++ {
				n := body.Index(k).Elem().Field(0).Interface().(Node) // Node comes first
				f.stmt[n.Start().Offset] = true
			}
		}
		for _, i := range pl.walk {
			f.mark(v.Field(i))
		}
	}
}

// A plan is what mark does with a struct type: the index of its Body
// field (or -1) and the fields that may hold blocks, found once per type.
type plan struct {
	body int
	walk []int
}

var plans sync.Map // reflect.Type -> *plan

func planOf(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	p := &plan{body: -1}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() || sf.Type == nodeType {
			continue
		}
		if sf.Name == "Body" && sf.Type.Kind() == reflect.Slice {
			if sf.Type.Elem().Kind() != reflect.Pointer || sf.Type.Elem().Elem().Field(0).Type != nodeType {
				panic("dsl: the statements of a Body must be pointers to structs that start with Node") // a grammar change broke the formatter
			}
			p.body = i
		}
		if holdsBlocks(sf.Type, map[reflect.Type]bool{}) {
			p.walk = append(p.walk, i)
		}
	}
	plans.Store(t, p)
	return p
}

// holdsBlocks reports whether a value of type t may hold a Body field.
func holdsBlocks(t reflect.Type, seen map[reflect.Type]bool) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice:
		return holdsBlocks(t.Elem(), seen)
	case reflect.Struct:
		if seen[t] {
			return false // being looked at further up
		}
		seen[t] = true
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if sf.IsExported() && (sf.Name == "Body" || holdsBlocks(sf.Type, seen)) {
				return true
			}
		}
	}
	return false
}

type formatter struct {
	toks     []lexer.Token
	comments []Comment
	stmt     map[int]bool // offsets of tokens that start a statement in a block
	top      map[int]bool // offsets of tokens that start a top-level declaration
	match    []int        // for "{": index of its "}"

	out      bytes.Buffer
	col      int  // columns on the current output line
	depth    int  // open blocks printed over several lines
	nl       bool // the next item must start a new line (after a comment)
	ci       int  // next comment to print
	prevLine int  // source line where the last printed token or comment ended
	written  bool // something has been printed
}

func (f *formatter) matchBraces() {
	f.match = make([]int, len(f.toks))
	var stack []int
	for k := range f.toks {
		switch t := &f.toks[k]; {
		case isPunct(t, "{"):
			stack = append(stack, k)
		case isPunct(t, "}"):
			// The file parsed, so braces balance.
			f.match[stack[len(stack)-1]] = k
			stack = stack[:len(stack)-1]
		}
	}
}

func (f *formatter) write(s string) {
	f.out.WriteString(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		f.col = utf8.RuneCountInString(s[i+1:])
	} else {
		f.col += utf8.RuneCountInString(s)
	}
	f.written = true
}

// newline starts a new output line indented by indent columns, after a
// blank line if blank is set.
func (f *formatter) newline(blank bool, indent int) {
	if !f.written {
		f.col = 0
		f.write(strings.Repeat(" ", indent))
		return
	}
	f.out.WriteByte('\n')
	if blank {
		f.out.WriteByte('\n')
	}
	f.col = 0
	f.write(strings.Repeat(" ", indent))
	f.nl = false
}

func (f *formatter) indent() int { return 2 * f.depth }

// endLine is the source line where token k ends.
func (f *formatter) endLine(k int) int {
	t := f.toks[k]
	return t.Pos.Line + strings.Count(t.Value, "\n")
}

// comment prints comment c; after prev, the last token printed (or -1).
func (f *formatter) comment(c Comment, prev int) {
	switch {
	case f.written && !f.nl && int(c.Line) == f.prevLine:
		f.write("  ")
	default:
		blank := f.written && int(c.Line) > f.prevLine+1 && (prev < 0 || !isPunct(&f.toks[prev], "{"))
		f.newline(blank, f.indent())
	}
	f.write(c.Text)
	f.prevLine = int(c.Line)
	f.nl = true
}

// commentsBefore prints the comments that come before source offset off.
func (f *formatter) commentsBefore(off, prev int) {
	for f.ci < len(f.comments) && int(f.comments[f.ci].Offset) < off {
		f.comment(f.comments[f.ci], prev)
		f.ci++
	}
}

// hasComment reports whether a comment lies between tokens i and j.
func (f *formatter) hasComment(i, j int) bool {
	for k := f.ci; k < len(f.comments); k++ {
		off := int(f.comments[k].Offset)
		if off > f.toks[j].Pos.Offset {
			break
		}
		if off > f.toks[i].Pos.Offset {
			return true
		}
	}
	return false
}

// sep is what separates tokens prev and k written on one line.
func (f *formatter) sep(prev, k int) string {
	t, p := &f.toks[k], &f.toks[prev]
	switch {
	case isPunct(t, "}") && isPunct(p, "{"):
		return ""
	case f.stmt[t.Pos.Offset] && !isPunct(p, "{"):
		return "  "
	case t.Type == tokPunct && (t.Value == "," || t.Value == ":" || t.Value == "."):
		return ""
	case isPunct(p, "."):
		return ""
	}
	return " "
}

// flat is tokens i..j (inclusive) on one line.
func (f *formatter) flat(i, j int) string {
	var b strings.Builder
	b.WriteString(f.toks[i].Value)
	for k := i + 1; k <= j; k++ {
		b.WriteString(f.sep(k-1, k))
		b.WriteString(f.toks[k].Value)
	}
	return b.String()
}

// oneLine reports whether the block opened by token k stays on one line
// when printed at the current column.
func (f *formatter) oneLine(k int) bool {
	m := f.match[k]
	if f.hasComment(k, m) {
		return false
	}
	if m == k+1 {
		return true // {}
	}
	if f.toks[m].Pos.Line != f.toks[k].Pos.Line {
		return false
	}
	return f.col+utf8.RuneCountInString(f.flat(k, m)) <= Width // the space before "{" is written
}

// item is the width of the list item that starts at token k, with its
// comma: the tokens up to the next comma, the end of the statement or a
// string (crosses' reason, which a wrap would not shorten).
func (f *formatter) item(k int) int {
	j := k
	for j+1 < len(f.toks) {
		t := &f.toks[j+1]
		if f.stmt[t.Pos.Offset] || f.top[t.Pos.Offset] || t.Type == tokString || t.Type == tokPunct && (t.Value == "{" || t.Value == "}") {
			break
		}
		j++
		if isPunct(t, ",") {
			break
		}
	}
	return utf8.RuneCountInString(f.flat(k, j))
}

func (f *formatter) print() {
	// expanded holds, for each open block printed over several lines
	// (a one-line block is printed at once), whether that is because it
	// would not fit on the one line it was written on: then each of its
	// statements gets a line of its own.
	var expanded []bool
	prev, closed := -1, -1 // closed: the last "}" that ended a multi-line block
	for k := 0; k < len(f.toks); k++ {
		t := &f.toks[k]
		f.commentsBefore(t.Pos.Offset, prev)
		multi := len(expanded) > 0
		gap := t.Pos.Line > f.prevLine+1
		switch {
		case prev < 0:
			if f.nl {
				f.newline(gap, 0)
			}
		case f.top[t.Pos.Offset]:
			f.newline(gap, 0)
		case isPunct(t, "}") && multi:
			f.depth--
			f.newline(false, f.indent())
		case f.stmt[t.Pos.Offset] && multi:
			p := &f.toks[prev]
			afterBlock := prev == closed
			if f.nl || isPunct(p, "{") || afterBlock || t.Pos.Line != f.prevLine || expanded[len(expanded)-1] {
				f.newline(gap && !isPunct(p, "{"), f.indent())
			} else {
				f.write("  ")
			}
		case f.nl:
			f.newline(false, f.indent()+4)
		case multi && isPunct(&f.toks[prev], ",") && f.col+1+f.item(k) > Width && f.indent()+4+f.item(k) <= Width:
			f.newline(false, f.indent()+4)
		default:
			f.write(f.sep(prev, k))
		}
		if isPunct(t, "{") {
			if f.oneLine(k) {
				m := f.match[k]
				f.write(f.flat(k, m))
				f.prevLine, prev, k = f.endLine(m), m, m
				continue
			}
			f.write("{")
			expanded = append(expanded, f.toks[f.match[k]].Pos.Line == t.Pos.Line)
			f.depth++
			f.prevLine, prev = f.endLine(k), k
			continue
		}
		if isPunct(t, "}") {
			expanded = expanded[:len(expanded)-1]
			closed = k
		}
		f.write(t.Value)
		f.prevLine, prev = f.endLine(k), k
	}
	f.commentsBefore(int(^uint(0)>>1), prev)
	if f.written {
		f.out.WriteByte('\n')
	}
}
