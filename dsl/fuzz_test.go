package dsl_test

import (
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tmc-dev/tmc/dsl"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// fuzzSeeds are small broken (and a few valid) inputs, besides the core
// example of DESIGN.md.
var fuzzSeeds = []string{
	"",
	"\n",
	`boundary b "B" { trust high }`,
	`flow a -> b "x" { crosses c "why" }`,
	`flow f: a.b -> c.d "x" { protocol https carries d1, d2 auth jwt idempotency_key }`,
	`flow f: a -> b "x" { authentication token authorization end_user_identity readonly response_to g vpn ip_filtered usage devops }`,
	`runtime r "R" { type node_pool description "d" owner "o" }`,
	`system s { technology api stores d1, d2 processes d3 accepts json, xml custom_developed out_of_scope "x" runs_on r criticality critical }`,
	`data d { integrity critical availability mission_critical } boundary b { type network }`,
	`runtime`, `runtime r {`, `system s { stores }`, `flow a -> b { response_to }`, `system s { accepts json, }`,
	// Unterminated and odd strings.
	`boundary b "B { trust high }`,
	"boundary b \"B\n\" { trust high }",
	`model "M" { description "a\qb" }`,
	`model "M" { description "\"`,
	`model "M" { description """` + "\n  text\n" + `}`,
	`model "M" { description """""" }`,
	"model \"M\" { description \"\"\"\n\t  a\n    b\n\t\"\"\" }",
	`model "M" { description """ """ """ }`,
	// Unbalanced braces.
	`boundary b "B" { trust high`,
	`boundary b "B" trust high }`,
	"}}}}",
	"{{{{",
	"boundary a {\nboundary b {\n}\n",
	"system s {\n  container c {\n    component x {\n}\nflow s.c -> s.c.x",
	// Bytes that do not belong in a .tm file.
	"boundary b\xff \"B\" { trust high }",
	"boundary b \"B\xff\xfe\" { trust high }",
	"boundary b \"B\" { trust high }\x00\x00",
	"\x00",
	"\xef\xbb\xbfboundary b \"B\" { trust high }",
	"boundary b \"B\" { trust high }\xef\xbb\xbf",
	"boundary b \"B\" {\r\n  trust high\r\n}\r\n",
	"model \"M\" {\r\n  description \"\"\"\r\n    a\r\n    b\r\n  \"\"\"\r\n}\r\n",
	"boundary \u00e9t\u00e9 \"\u00c9t\u00e9\" { trust high }",
	"person p \"\U0001F600\" in x { description \"\u4e16\u754c\" }",
	// Arrows, numbers and dates.
	"flow a - b",
	"flow a --> b",
	"flow a -> -> b",
	"threat t { impact 99999999999999999999999 likelihood -1 }",
	"threat t { impact 1a }",
	"model \"M\" { reviewed 2026-13-45 }",
	"model \"M\" { reviewed 2026-1-1 }",
	"threat t { accepted \"r\" by \"o\" until 2027-01-31 }",
	// Keywords in odd places.
	"data data \"d\" { classification classification }",
	"sequence s { note over note \"n\" alt { } else { } par { } and { } opt { } loop { } }",
	"sequence s { a -> b \"x\" a --> b \"y\" note over a, b \"z\" }",
	"view v { dfd include a.*, b.** exclude c container of d component of e.f }",
	"extend x { container c }",
	"boundry b \"B\" { trst high }",
	"system s { containr c { } }",
	`"just a string"`,
	"42",
	"# only a comment",
	"// only a comment\n# and another",
	"boundary b \"B\" { trust high } boundary c \"C\" { trust low }",
	// Deep nesting, closed and unclosed.
	strings.Repeat("{", 200) + strings.Repeat("}", 200),
	"boundary b " + strings.Repeat("{ boundary b ", 100) + strings.Repeat("}", 101),
	"sequence s " + strings.Repeat("{ alt ", 100) + strings.Repeat("}", 101),
	strings.Repeat("{", 1000),
	strings.Repeat("boundary b {\n", 64),
	strings.Repeat("system s {\n  container c {\n", 20),
}

// FuzzParse checks that dsl.Parse survives any input: no panic, every
// diagnostic a syntax-family code (TM1xx) with a position that is inside
// the file and agrees with its byte offset (or no position at all), and
// every AST node it returns placed inside the file, and the same
// declarations and diagnostics whether the fast path is on or not.
func FuzzParse(f *testing.F) {
	core, err := os.ReadFile("../compiler/testdata/core/core.tm")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(core)
	f.Add([]byte(strings.ReplaceAll(string(core), "\n", "\r\n")))
	f.Add(append([]byte("\xef\xbb\xbf"), core...))
	f.Add(core[:len(core)/2])
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		orig := string(src)
		file, diags := dsl.Parse("fuzz.tm", src)
		if string(src) != orig {
			t.Fatalf("Parse modified its input")
		}
		if file == nil {
			t.Fatalf("Parse returned a nil file")
		}
		lc := newLineCols(src)
		for _, d := range diags {
			checkDiag(t, lc, "fuzz.tm", d, `^TM1\d\d$`)
		}
		sameBothWays(t, "fuzz.tm", src)
		for i := range file.Decls {
			walkNodes(reflect.ValueOf(&file.Decls[i]), func(n *dsl.Node) {
				if len(n.Tokens) == 0 {
					return // an optional node participle left empty
				}
				r := dsl.NodeRange("fuzz.tm", n)
				if msg := lc.check(r); msg != "" {
					t.Errorf("AST node %T: %s", n, msg)
				}
			})
		}
	})
}

var codeRE = map[string]*regexp.Regexp{}

// checkDiag checks one diagnostic: its code, its summary, and the
// positions of its subject and related notes.
func checkDiag(t *testing.T, lc *lineCols, file string, d *diag.Diagnostic, code string) {
	t.Helper()
	re := codeRE[code]
	if re == nil {
		re = regexp.MustCompile(code)
		codeRE[code] = re
	}
	if !re.MatchString(d.Code) {
		t.Errorf("diagnostic %v: code %q does not match %s", d, d.Code, code)
	}
	if d.Summary == "" {
		t.Errorf("diagnostic %v has no summary", d)
	}
	if d.Subject.File != file {
		t.Errorf("diagnostic %v: file %q, want %q", d, d.Subject.File, file)
	}
	if msg := lc.check(d.Subject); msg != "" {
		t.Errorf("diagnostic %v: %s", d, msg)
	}
	for _, n := range d.Related {
		if n.Range.File != file {
			continue // a note may point into another file
		}
		if msg := lc.check(n.Range); msg != "" {
			t.Errorf("diagnostic %v: note %q: %s", d, n.Message, msg)
		}
	}
}

// lineCols maps byte offsets to lines and columns the way the lexer
// counts them: lines and columns from 1, columns in code points (an
// invalid byte counts as one), a leading byte-order mark not counted.
type lineCols struct {
	src  []byte
	bom  int
	line []int // line[off], col[off] for every offset 0..len(src)
	col  []int
}

func newLineCols(src []byte) *lineCols {
	lc := &lineCols{src: src, line: make([]int, len(src)+1), col: make([]int, len(src)+1)}
	if len(src) >= 3 && string(src[:3]) == "\uFEFF" {
		lc.bom = 3
	}
	line, col := 1, 1
	off := lc.bom
	for k := 0; k < off; k++ {
		lc.line[k], lc.col[k] = -1, -1
	}
	for {
		lc.line[off], lc.col[off] = line, col
		if off == len(src) {
			return lc
		}
		if src[off] == '\n' {
			line, col, off = line+1, 1, off+1
			continue
		}
		_, size := utf8.DecodeRune(src[off:])
		for k := 1; k < size; k++ { // inside a rune: no position
			lc.line[off+k], lc.col[off+k] = -1, -1
		}
		off += size
		col++
	}
}

func (lc *lineCols) pos(p diag.Pos) string {
	if p.Offset < lc.bom || p.Offset > len(lc.src) {
		return "offset outside the file text"
	}
	if lc.line[p.Offset] < 0 {
		return "offset inside a UTF-8 sequence or the byte-order mark"
	}
	if p.Line != lc.line[p.Offset] || p.Col != lc.col[p.Offset] {
		return "line:col does not match the offset"
	}
	return ""
}

// check returns what is wrong with r, or "".
func (lc *lineCols) check(r diag.Range) string {
	if !r.Start.IsValid() {
		if r.Start != (diag.Pos{}) || r.End != (diag.Pos{}) {
			return "a range without a start but with other fields set"
		}
		return ""
	}
	if msg := lc.pos(r.Start); msg != "" {
		return "start " + msg + ": " + fmtPos(r.Start)
	}
	if !r.End.IsValid() {
		return "a start but no end"
	}
	if msg := lc.pos(r.End); msg != "" {
		return "end " + msg + ": " + fmtPos(r.End)
	}
	if r.End.Offset < r.Start.Offset {
		return "end before start"
	}
	return ""
}

func fmtPos(p diag.Pos) string { return fmt.Sprintf("%d:%d (offset %d)", p.Line, p.Col, p.Offset) }

var nodeType = reflect.TypeFor[dsl.Node]()

// walkNodes calls fn for every dsl.Node reachable from v.
func walkNodes(v reflect.Value, fn func(*dsl.Node)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walkNodes(v.Elem(), fn)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walkNodes(v.Index(i), fn)
		}
	case reflect.Struct:
		if v.Type() == nodeType {
			fn(v.Addr().Interface().(*dsl.Node))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				walkNodes(v.Field(i), fn)
			}
		}
	}
}
