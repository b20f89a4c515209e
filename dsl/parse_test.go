package dsl

import (
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/dsl/diag"
)

func parseOK(t *testing.T, src string) *File {
	t.Helper()
	f, ds := Parse("t.tm", []byte(src))
	if len(ds) != 0 {
		t.Fatalf("unexpected diagnostics: %v", ds)
	}
	return f
}

func at(line, col int) diag.Pos { return diag.Pos{Line: line, Col: col} }

func checkRange(t *testing.T, what string, n *Node, start, end diag.Pos) {
	t.Helper()
	r := NodeRange("t.tm", n)
	if r.Start.Line != start.Line || r.Start.Col != start.Col || r.End.Line != end.Line || r.End.Col != end.Col {
		t.Errorf("%s: range %d:%d-%d:%d, want %d:%d-%d:%d", what,
			r.Start.Line, r.Start.Col, r.End.Line, r.End.Col, start.Line, start.Col, end.Line, end.Col)
	}
}

// Every node knows where it starts and ends; ends are exclusive and
// columns count code points.
func TestNodeRanges(t *testing.T) {
	f := parseOK(t, "flow place: customer -> shop.gateway \"Place órder\" {\n  protocol https\n  crosses a, b \"why\"\n}\n")
	fl := f.Decls[0].Flow
	checkRange(t, "flow", &fl.Node, at(1, 1), at(4, 2))
	checkRange(t, "id", &fl.ID.Node, at(1, 6), at(1, 11))
	checkRange(t, "from", &fl.From.Node, at(1, 13), at(1, 21))
	checkRange(t, "to", &fl.To.Node, at(1, 25), at(1, 37))
	checkRange(t, "label", &fl.Label.Node, at(1, 38), at(1, 51))
	checkRange(t, "protocol stmt", &fl.Body[0].Node, at(2, 3), at(2, 17))
	cr := fl.Body[1].Crosses
	checkRange(t, "crosses", &cr.Node, at(3, 3), at(3, 21))
	checkRange(t, "crosses b", &cr.Boundaries[1].Node, at(3, 14), at(3, 15))
	if got := string(fl.Label.Value); got != "Place órder" {
		t.Errorf("label %q", got)
	}
}

func TestLineEndingsAndBOM(t *testing.T) {
	src := "boundary b \"B\" {\n  trust high\n}\nperson p \"P\" in b\n"
	lf := parseOK(t, src)
	crlf := parseOK(t, strings.ReplaceAll(src, "\n", "\r\n"))
	bom := parseOK(t, "\uFEFF"+src)
	for name, f := range map[string]*File{"crlf": crlf, "bom": bom} {
		a, b := lf.Decls[1].Element.In, f.Decls[1].Element.In
		if a.Pos.Line != b.Pos.Line || a.Pos.Column != b.Pos.Column {
			t.Errorf("%s: `in` at %d:%d, want %d:%d", name, b.Pos.Line, b.Pos.Column, a.Pos.Line, a.Pos.Column)
		}
	}
}

func TestMarkdownStrings(t *testing.T) {
	f := parseOK(t, "model \"M\" {\n  description \"\"\"\n    # Title\n\n      indented\n    back\n  \"\"\"\n}\n")
	got := string(f.Decls[0].Model.Body[0].Description.Value)
	want := "# Title\n\n  indented\nback"
	if got != want {
		t.Errorf("dedent: got %q, want %q", got, want)
	}
	f = parseOK(t, `data d "tab\there \"q\" \u00e9" { classification public }`)
	if got := string(*f.Decls[0].Data.Name.Value.ptr()); got != "tab\there \"q\" é" {
		t.Errorf("escapes: %q", got)
	}
}

func (t *Text) ptr() *Text { return t }

// A syntax error in one declaration hides nothing in the others.
func TestErrorsPerDeclaration(t *testing.T) {
	src := `boundary a "A" { trust }
person p "P" in a
flow -> x "missing from"
system s "S" { container c "C" in a }
data d "D" { classification public
person q "Q" in a
`
	f, ds := Parse("t.tm", []byte(src))
	if len(ds) != 3 {
		t.Fatalf("want 3 diagnostics, got %d: %v", len(ds), ds)
	}
	var kinds []string
	for _, d := range f.Decls {
		switch {
		case d.Element != nil:
			kinds = append(kinds, d.Element.ID.Value)
		}
	}
	if strings.Join(kinds, ",") != "p,s,q" {
		t.Errorf("declarations kept: %v", kinds)
	}
	if strings.Join(f.Broken, ",") != "d" { // boundary a parsed: its malformed statement is reported on its own
		t.Errorf("broken ids: %v", f.Broken)
	}
}

func TestSuggest(t *testing.T) {
	cands := []string{"person", "system", "container", "boundary", "flow"}
	for in, want := range map[string]string{"persn": "person", "sytsem": "system", "flwo": "flow", "xyz": "", "boundry": "boundary"} {
		if got := Suggest(in, cands); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every synonym suggests a keyword its block has, and is not itself one
// (it would never be reached).
func TestSynonymsNameKeywords(t *testing.T) {
	for block, words := range synonyms {
		for word, kw := range words {
			if block.forms[kw] == "" {
				t.Errorf("%s block: %q suggests %q, which the block does not have", block.name, word, kw)
			}
			if block.forms[word] != "" {
				t.Errorf("%s block: %q is a keyword already", block.name, word)
			}
		}
	}
}
