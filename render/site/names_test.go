package site

import (
	"math/rand"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render"
	"github.com/tmc-dev/tmc/render/internal/idgen"
)

// longIDModel is a model whose ids are too long for a file name as they
// are: 300 letters, 90 upper-case letters (270 bytes escaped), a dotted
// path of both, mixed case, ids that differ only in case, a sequence and a
// declared view with long ids. It checks clean.
func longIDModel() string {
	l := strings.Repeat("l", 300)
	u := strings.Repeat("U", 90)
	m := strings.Repeat("Mixed_Case", 12)
	return `boundary internet "Internet" { trust untrusted }
boundary app "Application" { trust high }
person visitor "Visitor" in internet
system ` + l + ` "Long" {
  container ` + u + ` "Upper" in app {
    component ` + m + ` "Mixed" { tech "Go" }
    component api "API" { tech "Go" }
  }
}
system API "Upper API" in app
system api "Lower api" in app
flow visitor -> ` + l + `.` + u + ` "Submit" {
  protocol https
  crosses internet, app "TLS and login"
}
flow ` + l + `.` + u + `.` + m + ` -> ` + l + `.` + u + `.api "Call" { protocol grpc }
flow ` + l + `.` + u + ` -> API "Call upper" { protocol https }
flow ` + l + `.` + u + ` -> api "Call lower" { protocol https }
sequence ` + strings.Repeat("S", 100) + ` "Long sequence" {
  visitor -> ` + l + `.` + u + ` "submit"
}
view ` + strings.Repeat("V", 120) + ` "Long view" { container of ` + l + ` }
`
}

// TestPageNameLong: the page of a 300-character id, of 90 upper-case
// letters, and the finding on a flow between them have names within
// render.MaxNameBytes (defect 9: 305, 275 and 600 bytes, and tmc build
// failed with "file name too long").
func TestPageNameLong(t *testing.T) {
	l, u := strings.Repeat("a", 300), strings.Repeat("A", 90)
	flow := &ir.Flow{ID: l + "->" + u}
	paths := []string{
		pagePath(kindElement, l),
		pagePath(kindElement, u),
		pagePath(kindFlow, flow.ID),
		findingPath(&ir.Finding{Rule: "TMR-S01", Fingerprint: "TMR-S01@" + flow.ID, Target: ir.Target{Flow: flow}}),
		findingPath(&ir.Finding{Rule: "x/y", Fingerprint: "x/y@" + flow.ID, Target: ir.Target{Flow: flow}}),
		oddFindingPath("TMR-S01@" + flow.ID),
		findingPath(&ir.Finding{Rule: "TMR-" + strings.Repeat("X", 200), Fingerprint: "TMR-" + strings.Repeat("X", 200) + "@" + flow.ID, Target: ir.Target{Flow: flow}}),
	}
	for _, p := range paths {
		if name := path.Base(p); len(name) > render.MaxNameBytes {
			t.Errorf("%s: %d bytes", name, len(name))
		}
	}
	if p := paths[0]; !strings.HasPrefix(p, "element/aaaaaaaa") || !strings.Contains(p, "~~") {
		t.Errorf("long id: %s, want a readable prefix, ~~ and a hash", p)
	}
	if p := paths[3]; !strings.HasPrefix(p, "finding/tmr-s01@aaaa") {
		t.Errorf("finding on a long flow: %s", p)
	}
	if paths[3] == paths[4] || paths[3] == paths[5] {
		t.Error("a canonical and a fallback finding page share a name")
	}
	if got := fileName(strings.Repeat("a", maxStem)); got != strings.Repeat("a", maxStem) {
		t.Errorf("an id of exactly the budget was shortened: %s", got)
	}
}

// TestPageLink: render --link-base and the site's diagrams name pages
// alike; kinds without a page of their own get no link.
func TestPageLink(t *testing.T) {
	for _, c := range []struct{ kind, id, want string }{
		{"element", "shop.orders", "element/shop.orders.html"},
		{"element", "API", "element/~41~50~49.html"},
		{"flow", "a->b", "flow/a-~3Eb.html"},
		{"boundary", "cluster.data", "boundary/cluster.data.html"},
		{"view", "dfd", ""},
		{"finding", "TMR-S01@x", ""},
		{"nonsense", "x", ""},
	} {
		if got := PageLink(c.kind, c.id); got != c.want {
			t.Errorf("PageLink(%q, %q) = %q, want %q", c.kind, c.id, got, c.want)
		}
	}
	b := &builder{}
	for _, kind := range []string{kindElement, kindFlow, kindBoundary, kindThreat, kindView, "other"} {
		want := ""
		if p := PageLink(kind, "Some.ID"); p != "" {
			want = "../" + p
		}
		if got := b.svgLink(kind, "Some.ID"); got != want {
			t.Errorf("svgLink(%q) = %q, PageLink %q", kind, got, want)
		}
	}
}

// TestPageNameProperty: for random ids (long, upper case, unicode, dots,
// ~, ->, @) page names fit render.MaxNameBytes, are plain URL paths of
// portable characters, are unchanged when they fit, and distinct ids get
// distinct names, ignoring case too; the same holds for finding pages.
func TestPageNameProperty(t *testing.T) {
	rng := rand.New(rand.NewSource(10))
	dir := t.TempDir()
	pages := map[string]string{}
	findings := map[string]string{}
	prev := ""
	for i := 0; i < 4000; i++ {
		id := idgen.Random(rng, 30, 60)
		if i%2 == 1 {
			id = idgen.Variant(rng, prev) // close to the id before
		}
		prev = id
		stem := fileName(id)
		checkPageName(t, id, stem+".html")
		if esc := escapeID(id); len(esc) <= maxStem && stem != esc {
			t.Fatalf("fileName(%q) = %q, want it unchanged: %q", id, stem, esc)
		}
		low := strings.ToLower(stem)
		if other, dup := pages[low]; dup && other != id {
			t.Fatalf("fileName(%q) = %q and fileName(%q) = %q are one name ignoring case", id, stem, other, fileName(other))
		}
		pages[low] = id

		el := &ir.Element{ID: id}
		fp := "TMR-S01@" + id
		if i%3 == 0 {
			fp = "odd/" + id // a fallback name
		}
		p := findingPath(&ir.Finding{Rule: "TMR-S01", Fingerprint: fp, Target: ir.Target{Element: el}})
		if !strings.HasPrefix(p, kindFinding+"/") {
			t.Fatalf("findingPath(%q) = %q", fp, p)
		}
		checkPageName(t, fp, path.Base(p))
		low = strings.ToLower(p)
		if other, dup := findings[low]; dup && other != fp {
			t.Fatalf("findings %q and %q share the page %s", fp, other, p)
		}
		findings[low] = fp
		if i%40 == 0 {
			if err := os.WriteFile(filepath.Join(dir, stem+".html"), nil, 0o644); err != nil {
				t.Fatalf("fileName(%q): %v", id, err)
			}
		}
	}
}

// checkPageName checks that the page name of id is within the budget, a
// plain URL path and made of portable characters.
func checkPageName(t *testing.T, id, name string) {
	t.Helper()
	if len(name) > render.MaxNameBytes {
		t.Fatalf("page of %q: %q has %d bytes", id, name, len(name))
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._-~@", c) >= 0) {
			t.Fatalf("page of %q: %q holds %q", id, name, c)
		}
	}
	if u, err := url.Parse(name); err != nil || u.Path != name {
		t.Fatalf("page of %q: %q is not a plain URL path", id, name)
	}
}

// FuzzPageName: two distinct ids never share a page name, ignoring case,
// and every name fits the budget. go test runs the seeds.
func FuzzPageName(f *testing.F) {
	l := strings.Repeat("l", 300)
	for _, s := range [][2]string{
		{"API", "api"},
		{l, l + "x"},
		{strings.Repeat("A", 90), strings.Repeat("a", 90)},
		{strings.Repeat("a", maxStem), strings.Repeat("a", maxStem+1)},
		{"shop.orders->shop.db", "shop.orders-~3Eshop.db"},
		{l + "~~", l + "~7E~7E"},
		{"é" + l, "~C3~A9" + l},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		na, nb := fileName(a), fileName(b)
		checkPageName(t, a, na+".html")
		checkPageName(t, b, nb+".html")
		if a != b && strings.EqualFold(na, nb) {
			t.Errorf("fileName(%q) = %q, fileName(%q) = %q", a, na, b, nb)
		}
	})
}

// TestLongIDsSite: the site of a model with long, upper-case and dotted
// ids has every file name within the budget, every link resolving, and
// can be written to disk.
func TestLongIDsSite(t *testing.T) {
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "m.tm"), []byte(longIDModel()), 0o644); err != nil {
		t.Fatal(err)
	}
	in := inputFor(t, src)
	for _, d := range in.Diags {
		t.Errorf("diagnostic: %v", d)
	}
	files := build(t, in, Options{})
	checkLinks(t, in.Model, files)
	out := t.TempDir()
	for _, f := range files {
		for _, part := range strings.Split(f.Path, "/") {
			if len(part) > render.MaxNameBytes {
				t.Errorf("%s: %d bytes", part, len(part))
			}
		}
		p := filepath.Join(out, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Error(err)
		}
	}
}
