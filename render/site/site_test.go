package site

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
	"github.com/tmc-dev/tmc/render/graph"
)

// A tag is a start tag of an HTML page and its attributes, values
// unescaped.
type tag struct {
	name  string
	attrs []attr
}

type attr struct{ name, value string }

// parseTags reads the start tags of an HTML document (golang.org/x/net/html
// is not a dependency): comments and the doctype are skipped, and so is the
// content of <script> and <style> (raw text). Attribute values may be
// double-quoted, single-quoted or unquoted; entities are decoded.
func parseTags(doc string) []tag {
	var out []tag
	i := 0
	for {
		j := strings.IndexByte(doc[i:], '<')
		if j < 0 {
			return out
		}
		i += j
		switch {
		case strings.HasPrefix(doc[i:], "<!--"):
			k := strings.Index(doc[i+4:], "-->")
			if k < 0 {
				return out
			}
			i += 4 + k + 3
			continue
		case strings.HasPrefix(doc[i:], "<!"), strings.HasPrefix(doc[i:], "</"), strings.HasPrefix(doc[i:], "<?"):
			k := strings.IndexByte(doc[i:], '>')
			if k < 0 {
				return out
			}
			i += k + 1
			continue
		}
		i++
		// Tag name.
		n := i
		for n < len(doc) && (isAlnum(doc[n]) || doc[n] == '-' || doc[n] == ':') {
			n++
		}
		if n == i { // "<" as text
			continue
		}
		t := tag{name: strings.ToLower(doc[i:n])}
		i = n
		for i < len(doc) {
			for i < len(doc) && isSpace(doc[i]) {
				i++
			}
			if i >= len(doc) {
				break
			}
			if doc[i] == '>' {
				i++
				break
			}
			if doc[i] == '/' {
				i++
				continue
			}
			a := i
			for i < len(doc) && !isSpace(doc[i]) && doc[i] != '=' && doc[i] != '>' && doc[i] != '/' {
				i++
			}
			name := strings.ToLower(doc[a:i])
			for i < len(doc) && isSpace(doc[i]) {
				i++
			}
			value := ""
			if i < len(doc) && doc[i] == '=' {
				i++
				for i < len(doc) && isSpace(doc[i]) {
					i++
				}
				if i < len(doc) && (doc[i] == '"' || doc[i] == '\'') {
					qc := doc[i]
					k := strings.IndexByte(doc[i+1:], qc)
					if k < 0 {
						k = len(doc) - i - 1
					}
					value = doc[i+1 : i+1+k]
					i += k + 2
				} else {
					v := i
					for i < len(doc) && !isSpace(doc[i]) && doc[i] != '>' {
						i++
					}
					value = doc[v:i]
				}
			}
			if name != "" {
				t.attrs = append(t.attrs, attr{name, html.UnescapeString(value)})
			}
		}
		out = append(out, t)
		if t.name == "script" || t.name == "style" {
			k := strings.Index(strings.ToLower(doc[min(i, len(doc)):]), "</"+t.name)
			if k < 0 {
				return out
			}
			i += k
		}
	}
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func (t tag) get(name string) (string, bool) {
	for _, a := range t.attrs {
		if a.name == name {
			return a.value, true
		}
	}
	return "", false
}

func sameFiles(t *testing.T, a, b []File) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("builds differ: %d files, then %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Path != b[i].Path {
			t.Fatalf("builds differ: file %d is %s, then %s", i, a[i].Path, b[i].Path)
		}
		if !bytes.Equal(a[i].Data, b[i].Data) {
			t.Errorf("builds differ: %s", a[i].Path)
		}
	}
}

func TestFileName(t *testing.T) {
	cases := map[string]string{
		"shop.orders":          "shop.orders",
		"shop.orders->shop.db": "shop.orders-~3Eshop.db",
		"a_b-c.d":              "a_b-c.d",
		"API":                  "~41~50~49",
		"x/y":                  "x~2Fy",
		"~":                    "~7E",
		"":                     "~",
		"con":                  "~63on",
		"nul.x":                "~6Eul.x",
		"com1":                 "~63om1",
		"console":              "console",
		"é":                    "~C3~A9",
		"a b?c#d%e":            "a~20b~3Fc~23d~25e",
	}
	seen := map[string]string{}
	for id, want := range cases {
		got := fileName(id)
		if got != want {
			t.Errorf("fileName(%q) = %q, want %q", id, got, want)
		}
		low := strings.ToLower(got)
		if other, dup := seen[low]; dup {
			t.Errorf("fileName(%q) and fileName(%q) collide ignoring case", id, other)
		}
		seen[low] = id
		if u, err := url.Parse(got); err != nil || u.Path != got {
			t.Errorf("fileName(%q) = %q is not a plain URL path", id, got)
		}
	}
}

func TestSourceLink(t *testing.T) {
	cases := []struct{ tmpl, p, want string }{
		{"https://github.com/o/r/blob/main/{path}", "services/a b/x_test.go", "https://github.com/o/r/blob/main/services/a%20b/x_test.go"},
		{"https://h/{path}?plain=1", "a/#b.md", "https://h/a/%23b.md?plain=1"},
		{"HTTP://h/", "a.md", "HTTP://h/a.md"},
		{"https://h/x", "a.md", "https://h/x/a.md"},
		{"javascript:alert('{path}')", "a.md", ""},
		{"/local/{path}", "a.md", ""},
		{"", "a.md", ""},
	}
	for _, c := range cases {
		if got := sourceLink(c.tmpl, c.p); got != c.want {
			t.Errorf("sourceLink(%q, %q) = %q, want %q", c.tmpl, c.p, got, c.want)
		}
	}
}

// TestLinks: every relative href and src of every page resolves to a file
// of the build, every internal fragment to an id of its page (the rules'
// entries on rules.html included), and every boundary, element, flow, data
// asset, threat, finding, control, decision and view has its page.
func TestLinks(t *testing.T) {
	for _, c := range []struct {
		name string
		in   Input
	}{
		{"checkout", inputFor(t, checkoutDir)},
		{"unmarked", inputFor(t, "../../examples/unmarked")},
		{"hostile", hostileInput(t)},
	} {
		t.Run(c.name, func(t *testing.T) {
			files := build(t, c.in, Options{})
			checkLinks(t, c.in.Model, files)
		})
	}
}

func checkLinks(t *testing.T, m *ir.Model, files []File) {
	t.Helper()
	fm := fileMap(files)
	ids := map[string]map[string]bool{}
	tags := map[string][]tag{}
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".html") {
			continue
		}
		tags[f.Path] = parseTags(string(f.Data))
		ids[f.Path] = map[string]bool{}
		for _, tg := range tags[f.Path] {
			if id, ok := tg.get("id"); ok {
				ids[f.Path][id] = true
			}
		}
	}
	links := 0
	for p, ts := range tags {
		csp := false
		for _, tg := range ts {
			if tg.name == "meta" {
				if v, _ := tg.get("http-equiv"); v == "Content-Security-Policy" {
					if c, _ := tg.get("content"); c == CSP {
						csp = true
					}
				}
			}
			for _, a := range tg.attrs {
				if a.name != "href" && a.name != "src" && a.name != "xlink:href" {
					continue
				}
				u, err := url.Parse(a.value)
				if err != nil {
					t.Errorf("%s: bad URL %q", p, a.value)
					continue
				}
				if u.Scheme != "" || u.Host != "" {
					if u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "mailto" {
						t.Errorf("%s: external URL %q", p, a.value)
					}
					continue
				}
				links++
				target := p
				if u.Path != "" {
					if strings.HasPrefix(u.Path, "/") {
						t.Errorf("%s: absolute path %q", p, a.value)
						continue
					}
					target = path.Join(path.Dir(p), u.Path)
					if _, ok := fm[target]; !ok {
						t.Errorf("%s: %s=%q: no file %s", p, a.name, a.value, target)
						continue
					}
				}
				if u.Fragment != "" && strings.HasSuffix(target, ".html") && !strings.Contains(u.Fragment, "=") {
					if !ids[target][u.Fragment] {
						t.Errorf("%s: %q: no id %q in %s", p, a.value, u.Fragment, target)
					}
				}
			}
		}
		if !csp {
			t.Errorf("%s: no Content-Security-Policy", p)
		}
	}
	if links < 50 {
		t.Errorf("only %d internal links checked", links)
	}
	want := []string{"index.html", "register.html", "controls.html", "diagnostics.html", "search.html", "rules.html", "report.html", "model.json",
		"assets/site.css", "assets/site.js", "assets/search-index.js"}
	for _, b := range m.Boundaries {
		want = append(want, pagePath(kindBoundary, b.ID))
	}
	for _, e := range m.Elements {
		want = append(want, pagePath(kindElement, e.ID))
	}
	for _, f := range m.Flows {
		want = append(want, pagePath(kindFlow, f.ID))
	}
	for _, d := range m.Data {
		want = append(want, pagePath(kindData, d.ID))
	}
	for _, x := range m.Threats {
		want = append(want, pagePath(kindThreat, x.ID))
	}
	for _, c := range m.Controls {
		want = append(want, pagePath(kindControl, c.ID))
	}
	for _, d := range m.Decisions {
		want = append(want, pagePath(kindDecision, d.ID))
	}
	for _, v := range m.Views {
		want = append(want, pagePath(kindView, v.ID))
	}
	for _, f := range m.Findings {
		want = append(want, findingPath(f))
	}
	for _, p := range want {
		if _, ok := fm[p]; !ok {
			t.Errorf("no page %s", p)
		}
	}
	if len(fm) != len(want) {
		t.Errorf("%d files, want %d", len(fm), len(want))
	}
}

// TestDeterminism: two builds give the same files, byte for byte, and so
// do two compilations of the model from two different working folders.
func TestDeterminism(t *testing.T) {
	in := inputFor(t, checkoutDir)
	a := build(t, in, Options{SourceURL: "https://example.com/{path}"})
	// The second build makes every page and diagram again, not from the
	// caches tmc serve keeps between rebuilds.
	pageCache.clear()
	graph.ForgetPlacements()
	b := build(t, in, Options{SourceURL: "https://example.com/{path}"})
	sameFiles(t, a, b)

	abs, err := filepath.Abs(checkoutDir)
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	if err := os.Chdir(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	c := build(t, inputFor(t, abs), Options{SourceURL: "https://example.com/{path}"})
	sameFiles(t, a, c)
	for _, f := range a {
		if bytes.Contains(f.Data, []byte(abs)) || bytes.Contains(f.Data, []byte(wd)) {
			t.Errorf("%s holds an absolute path", f.Path)
		}
	}
}

var inlineSVG = regexp.MustCompile(`(?s)<svg xmlns="http://www.w3.org/2000/svg"[^>]*? id="([^"]*)"[^>]*>.*?</svg>`)

// TestGolden compares a few pages of examples/checkout with
// testdata/*.golden.html (TMC_UPDATE=1 rewrites them).
func TestGolden(t *testing.T) {
	files := build(t, inputFor(t, checkoutDir), Options{SourceURL: "https://github.com/tmc-dev/tmc/blob/main/examples/checkout/{path}"})
	fm := fileMap(files)
	pages := map[string]string{
		"index.html":                 "index",
		"register.html":              "register",
		"controls.html":              "controls",
		"boundary/cluster.html":      "boundary-cluster",
		"element/shop.billing.html":  "element-shop.billing",
		"flow/webhook.html":          "flow-webhook",
		"threat/forged_webhook.html": "threat-forged_webhook",
		"control/event_dedup.html":   "control-event_dedup",
		"decision/adr0008.html":      "decision-adr0008",
		"data/card.html":             "data-card",
	}
	for p, name := range pages {
		got, ok := fm[p]
		if !ok {
			t.Errorf("no page %s", p)
			continue
		}
		// The diagrams have their own goldens (render/graph,
		// render/sequence): here each is its root element only.
		got = inlineSVG.ReplaceAll(got, []byte(`<svg id="$1">…</svg>`))
		golden := filepath.Join("testdata", name+".golden.html")
		if update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with TMC_UPDATE=1)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (run with TMC_UPDATE=1 and review the diff)", p, golden)
		}
	}
}

// TestModelJSON checks the shape of model.json.
func TestModelJSON(t *testing.T) {
	in := inputFor(t, "../../examples/unmarked")
	fm := fileMap(build(t, in, Options{}))
	var doc struct {
		Schema      string                `json:"schema"`
		Model       json.RawMessage       `json:"model"`
		Diagnostics []diag.JSONDiagnostic `json:"diagnostics"`
		Findings    []any                 `json:"findings"`
	}
	if err := json.Unmarshal(fm["model.json"], &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != SiteModelSchema || doc.Findings == nil || len(doc.Findings) != len(in.Model.Findings) || len(doc.Findings) == 0 {
		t.Errorf("schema %q, findings %v", doc.Schema, doc.Findings)
	}
	irJSON, err := ir.MarshalJSON(in.Model)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal(irJSON, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(doc.Model, &b); err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Error("model.json's model differs from ir.MarshalJSON")
	}
	if len(doc.Diagnostics) != 1 || doc.Diagnostics[0].Code != "TM301" || doc.Diagnostics[0].File != "model.tm" ||
		doc.Diagnostics[0].Line != 21 || doc.Diagnostics[0].Help == "" || len(doc.Diagnostics[0].Related) != 2 {
		t.Errorf("diagnostics: %+v", doc.Diagnostics)
	}
}

// TestNoReadFile: decision pages say the record could not be read.
func TestNoReadFile(t *testing.T) {
	in := inputFor(t, checkoutDir)
	in.ReadFile = nil
	fm := fileMap(build(t, in, Options{}))
	if !bytes.Contains(fm["decision/adr0008.html"], []byte("could not be read")) {
		t.Error("no notice on a decision page without ReadFile")
	}
}

// TestCanceled: a canceled context stops the build with its error.
func TestCanceled(t *testing.T) {
	in := inputFor(t, checkoutDir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Build(ctx, in, Options{}); err == nil {
		t.Error("no error from a canceled build")
	}
	ctx, cancel2 := context.WithTimeout(context.Background(), time.Minute)
	defer cancel2()
	if _, err := Build(ctx, in, Options{}); err != nil {
		t.Error(err)
	}
}

// TestBrokenIR: an IR with unresolved ends, parent loops, nil children
// and values out of range (what a compiler bug or a partial model could
// give) builds without a panic. (ir.MarshalJSON itself needs non-nil
// entries in the lists it walks; a panic there fails the build with an
// error, see Build.)
func TestBrokenIR(t *testing.T) {
	a := &ir.Boundary{ID: "a", Name: "A", Trust: "high"}
	bb := &ir.Boundary{ID: "b", Name: "B", Trust: "low", Parent: a}
	a.Parent = bb // a loop
	a.Children = []*ir.Boundary{bb, nil}
	p := &ir.Element{ID: "p", Kind: "system", Boundary: a}
	c := &ir.Element{ID: "p.c", Kind: "container", Parent: p, Boundary: bb}
	p.Parent = c // a loop
	p.Children = []*ir.Element{c, nil}
	a.Elements = []*ir.Element{p, nil}
	d := &ir.Data{ID: "d"}
	f := &ir.Flow{ID: "f", From: p, To: nil, Carries: []*ir.Data{d}, Unresolved: true,
		Crossings: []*ir.Crossing{{Boundary: bb, Direction: ir.Enter}, {Boundary: a, Direction: "sideways"}}}
	ctl := &ir.Control{ID: "ctl", Status: "weird", Tests: []*ir.FileRef{{Path: "../x", Escapes: true}}}
	th := &ir.Threat{ID: "t", MitigatedBy: []*ir.Control{ctl}, Acceptance: &ir.Acceptance{}, Status: "odd"}
	th2 := &ir.Threat{ID: "t2", Target: ir.Target{Flow: f}, Impact: 9, Likelihood: -1, Score: -9}
	m := &ir.Model{
		Boundaries: []*ir.Boundary{a, bb},
		Elements:   []*ir.Element{p, c},
		Data:       []*ir.Data{d},
		Flows:      []*ir.Flow{f, f},
		Sequences:  []*ir.Sequence{{ID: "s", Steps: []*ir.Step{{Kind: ir.StepAlt, Branches: []*ir.Branch{{Steps: []*ir.Step{{Flow: f}}}}}}}},
		Threats:    []*ir.Threat{th, th2},
		Controls:   []*ir.Control{ctl},
		Decisions:  []*ir.Decision{{ID: "dec", File: &ir.FileRef{Path: "nope.md"}, Affects: []*ir.Element{nil, c}}},
		Views:      []*ir.View{{ID: "v", Kind: "nonsense"}, {ID: "v", Kind: ir.ViewSequence}},
		// Findings claimed by a threat of no model, twice the same
		// fingerprint, no rule, no target, an odd status.
		Findings: []*ir.Finding{
			{Rule: "TMR-S03", Fingerprint: "TMR-S03@f", Target: ir.Target{Flow: f}, Status: ir.Claimed, ClaimedBy: &ir.Threat{ID: "ghost"}},
			{Rule: "TMR-S03", Fingerprint: "TMR-S03@f", Target: ir.Target{Flow: f}, Status: ir.Open, Impact: 7},
			{Rule: "NOPE", Fingerprint: "odd", Status: "weird", Acceptance: &ir.FindingAcceptance{}},
		},
		Acceptances: []*ir.FindingAcceptance{{Fingerprint: "odd", Expired: true}},
	}
	files, err := Build(context.Background(), Input{Model: m, ReadFile: func(string) ([]byte, error) { return nil, os.ErrNotExist }}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fm := fileMap(files)
	for _, p := range []string{"element/p.c.html", "flow/f.html", "threat/t2.html", "view/v.html", "decision/dec.html",
		"finding/tmr-s03@f.html", "finding/~~~54~4D~52-~5303~40f.html", "finding/~~odd.html", "rules.html"} {
		if _, ok := fm[p]; !ok {
			t.Errorf("no %s", p)
		}
	}
	if !bytes.Contains(fm["view/v.html"], []byte("could not be drawn")) {
		t.Error("no notice for a view that cannot be drawn")
	}
	if !bytes.Contains(fm["decision/dec.html"], []byte("could not be read")) {
		t.Error("no notice for a decision record that cannot be read")
	}
	// A nil entry where ir.MarshalJSON needs one fails the build, with an
	// error and no panic.
	m.Flows = append(m.Flows, nil)
	if _, err := Build(context.Background(), Input{Model: m}, Options{}); err == nil {
		t.Error("no error for a nil flow")
	}
}
