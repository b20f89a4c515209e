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
		if a.Start().Line != b.Start().Line || a.Start().Column != b.Start().Column {
			t.Errorf("%s: `in` at %d:%d, want %d:%d", name, b.Start().Line, b.Start().Column, a.Start().Line, a.Start().Column)
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

// The statements of the facts threat rules read parse with positions,
// and keywords stay usable as names where a reference stands.
func TestFactStatements(t *testing.T) {
	f := parseOK(t, `runtime pool "Pool" { type node_pool  description "d"  owner "o" }
boundary b "B" { trust high  type network_segment }
data d "D" { classification internal  integrity critical  availability mission_critical }
system s "S" {
  container api "API" {
    technology web_application  tech "Go"
    stores d, runtime  processes d
    accepts json, serialized_objects
    custom_developed  out_of_scope "vendor"  runs_on pool  criticality important
  }
}
flow r: s.api -> s.api "x" {
  authentication token  authorization technical_user  readonly
  response_to q  vpn  ip_filtered  usage devops
}
`)
	rt := f.Decls[0].Runtime
	if rt == nil || rt.ID.Value != "pool" || rt.Body[0].Type.Value != "node_pool" || string(rt.Body[2].Owner.Value) != "o" {
		t.Fatalf("runtime: %+v", rt)
	}
	checkRange(t, "runtime type", &rt.Body[0].Type.Node, at(1, 28), at(1, 37))
	if b := f.Decls[1].Boundary; b.Body[1].Type.Value != "network_segment" {
		t.Errorf("boundary type: %+v", b.Body[1])
	}
	if d := f.Decls[2].Data; d.Body[1].Integrity.Value != "critical" || d.Body[2].Availability.Value != "mission_critical" {
		t.Errorf("data ratings: %+v", d.Body)
	}
	body := f.Decls[3].Element.Body[0].Element.Body
	if body[0].Technology.Value != "web_application" || string(body[1].Tech.Value) != "Go" {
		t.Errorf("technology: %+v", body[0])
	}
	checkRange(t, "technology", &body[0].Technology.Node, at(6, 16), at(6, 31))
	if len(body[2].Stores) != 2 || body[2].Stores[1].Parts[0] != "runtime" || body[3].Processes[0].Parts[0] != "d" {
		t.Errorf("stores/processes: %+v %+v", body[2], body[3])
	}
	checkRange(t, "stores runtime", &body[2].Stores[1].Node, at(7, 15), at(7, 22))
	if len(body[4].Accepts) != 2 || body[4].Accepts[1].Value != "serialized_objects" {
		t.Errorf("accepts: %+v", body[4])
	}
	if !body[5].CustomDeveloped || string(body[6].OutOfScope.Value) != "vendor" || body[7].RunsOn.Parts[0] != "pool" || body[8].Criticality.Value != "important" {
		t.Errorf("element facts: %+v", body[5:])
	}
	fb := f.Decls[4].Flow.Body
	if fb[0].Authentication.Value != "token" || fb[1].Authorization.Value != "technical_user" || !fb[2].Readonly ||
		fb[3].ResponseTo.Parts[0] != "q" || !fb[4].VPN || !fb[5].IPFiltered || fb[6].Usage.Value != "devops" {
		t.Errorf("flow facts: %+v", fb)
	}
	checkRange(t, "response_to", &fb[3].Node, at(14, 3), at(14, 16))
}

// A misspelt fact keyword gets a did-you-mean.
func TestFactKeywordSuggestions(t *testing.T) {
	for src, want := range map[string]string{
		`system s { technolgy api }`:                   `did you mean "technology"?`,
		`system s { runs_of pool }`:                    `did you mean "runs_on"?`,
		`flow a -> b { authentcation token }`:          `did you mean "authentication"?`,
		`flow a -> b { authz end_user_identity }`:      `did you mean "authorization"?`,
		`flow a -> b { read_only }`:                    `did you mean "readonly"?`,
		`data d { integrety critical }`:                `did you mean "integrity"?`,
		`runtim pool "P" { type host }`:                `did you mean "runtime"?`,
		`runtime pool "P" { typ host }`:                `did you mean "type"?`,
		`boundary b { trust high  kind network }`:      `did you mean "type"?`,
		`system s { container c { criticalty high } }`: `did you mean "criticality"?`,
	} {
		_, ds := Parse("t.tm", []byte(src))
		if len(ds) != 1 || !strings.Contains(ds[0].Summary, want) {
			t.Errorf("%s: got %v, want one diagnostic with %s", src, ds, want)
		}
	}
}

// A control's provides names safeguards and targets (flow ids, elements,
// FROM -> TO); dismiss is a top-level declaration with reason and
// reviewer.
func TestProvidesAndDismiss(t *testing.T) {
	f := parseOK(t, `control sig "Signed webhooks" {
  status implemented
  provides webhook_signature, input_validation on webhook, psp -> shop.api, shop.db
}
dismiss "TMR-S03@webhook" {
  reason "the provider signs every call; see ADR 12"
  reviewer "security-lead"
}
`)
	body := f.Decls[0].Control.Body
	p := body[1].Provides
	if p == nil || len(p.Safeguards) != 2 || p.Safeguards[1].Value != "input_validation" || len(p.On) != 3 {
		t.Fatalf("provides: %+v", body[1])
	}
	if p.On[0].From.Parts[0] != "webhook" || p.On[0].To != nil || p.On[1].To == nil || strings.Join(p.On[1].To.Parts, ".") != "shop.api" {
		t.Errorf("provides targets: %+v %+v", p.On[0], p.On[1])
	}
	checkRange(t, "provides", &p.Node, at(3, 3), at(3, 84))
	checkRange(t, "provides target FROM -> TO", &p.On[1].Node, at(3, 60), at(3, 75))
	d := f.Decls[1].Dismiss
	if d == nil || string(d.Fingerprint.Value) != "TMR-S03@webhook" || string(d.Body[0].Reason.Value) == "" || string(d.Body[1].Reviewer.Value) != "security-lead" {
		t.Fatalf("dismiss: %+v", d)
	}
	checkRange(t, "dismiss fingerprint", &d.Fingerprint.Node, at(5, 9), at(5, 26))
	for src, want := range map[string]string{
		`dismiss "R@t" { reasn "x" }`:                     `did you mean "reason"?`,
		`dismiss "R@t" { owner "x" }`:                     `did you mean "reviewer"?`,
		`dismis "R@t" { reason "x" }`:                     `did you mean "dismiss"?`,
		`control k { status planned  provide mtls on f }`: `did you mean "provides"?`,
		`control k { status planned  safeguards mtls }`:   `did you mean "provides"?`,
	} {
		_, ds := Parse("t.tm", []byte(src))
		if len(ds) != 1 || !strings.Contains(ds[0].Summary, want) {
			t.Errorf("%s: got %v, want one diagnostic with %s", src, ds, want)
		}
	}
	// provides without on is a syntax error that shows the form.
	_, ds := Parse("t.tm", []byte("control k {\n  status planned\n  provides mtls\n}\n"))
	if len(ds) != 1 || ds[0].Code != "TM101" {
		t.Errorf("provides without on: %v", ds)
	}
}
