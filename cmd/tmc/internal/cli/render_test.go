package cli

import (
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tmc-dev/tmc/compiler/synth"
	"github.com/tmc-dev/tmc/render"
	"github.com/tmc-dev/tmc/render/layout"
)

func TestRender(t *testing.T) {
	pinDate(t)
	out := t.TempDir()
	code, stdout, _ := run(t, "render", "-o", out, "../../../../examples/checkout")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stdout)
	}
	for _, want := range []string{"dfd.svg", "context.svg", "container-shop.svg", "component-shop.orders.svg", "sequence-checkout.svg", "checkout_dfd.svg"} {
		b, err := os.ReadFile(filepath.Join(out, want))
		if err != nil || !strings.HasPrefix(string(b), "<svg") {
			t.Errorf("%s: %v", want, err)
		}
		if !strings.Contains(stdout, filepath.Join(out, want)) {
			t.Errorf("output does not list %s:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(out, ".tmc-output")); err != nil {
		t.Errorf("no output marker: %v", err)
	}
	// Only the views asked for; a view that does not exist is a usage error.
	one := t.TempDir()
	if code, _, _ := run(t, "render", "-o", one, "--view", "dfd", "../../../../examples/checkout"); code != ExitOK {
		t.Fatalf("--view dfd: exit %d", code)
	}
	if entries, _ := os.ReadDir(one); len(entries) != 2 { // dfd.svg and the marker
		t.Errorf("--view dfd wrote %d files", len(entries))
	}
	if code, _, errOut := run(t, "render", "-o", one, "--view", "dfdd", "../../../../examples/checkout"); code != ExitUsage || !strings.Contains(errOut, `did you mean "dfd"`) {
		t.Errorf("--view dfdd: exit %d, %q", code, errOut)
	}
}

// A model with check errors renders (the diagrams show the errors) and
// exits 1; a model with syntax or resolution errors writes nothing.
func TestRenderWithErrors(t *testing.T) {
	pinDate(t)
	out := t.TempDir()
	code, stdout, _ := run(t, "render", "-o", out, core)
	if code != ExitFail || !strings.Contains(stdout, "error[TM301]") {
		t.Fatalf("core example: exit %d\n%s", code, stdout)
	}
	dfd, err := os.ReadFile(filepath.Join(out, "dfd.svg"))
	if err != nil || !strings.Contains(string(dfd), "tm-unmarked") {
		t.Errorf("core DFD should show the unmarked crossing: %v", err)
	}

	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "m.tm"), []byte("boundary b \"B\" { trust high }\nperson p \"P\" in nowhere\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out2 := filepath.Join(t.TempDir(), "diagrams")
	code, stdout, _ = run(t, "render", "-o", out2, src)
	if code != ExitFail || !strings.Contains(stdout, "TM201") {
		t.Errorf("unresolved model: exit %d\n%s", code, stdout)
	}
	if _, err := os.Stat(out2); !os.IsNotExist(err) {
		t.Errorf("unresolved model: output folder written (%v)", err)
	}
}

// A view too large to lay out within the time limit is reported by name
// with a way out; the other views are still written; the exit status is 1.
func TestRenderLayoutTimeout(t *testing.T) {
	pinDate(t)
	layout.Configure(layout.Options{Limit: time.Millisecond, Isolate: true})
	t.Cleanup(func() { layout.Configure(layout.Options{}) })
	// A model no other test lays out, so the layout cache cannot answer.
	src := t.TempDir()
	for name, data := range synth.Generate(45) {
		path := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := compile(src, &modelFlags{})
	if err != nil {
		t.Fatal(err)
	}
	seq := res.Model.Sequences[0].ID
	out := t.TempDir()
	code, _, errOut := run(t, "render", "-o", out, "--view", "dfd", "--view", "sequence-"+seq, src)
	if code != ExitFail || !strings.Contains(errOut, `view "dfd" not rendered`) || !strings.Contains(errOut, "include") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(out, "sequence-"+seq+".svg")); err != nil {
		t.Errorf("the sequence view should still be written: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "dfd.svg")); !os.IsNotExist(err) {
		t.Errorf("no dfd.svg expected: %v", err)
	}
}

// longIDModel is a model whose ids are too long for a file name as they
// are: 300 letters, 90 upper-case letters (270 bytes as a page name), a
// dotted path of both, mixed case, ids that differ only in case, a
// sequence and a declared view with long ids. It checks clean.
func longIDModel(t *testing.T) string {
	t.Helper()
	l := strings.Repeat("l", 300)
	u := strings.Repeat("U", 90)
	m := strings.Repeat("Mixed_Case", 12)
	src := `boundary internet "Internet" { trust untrusted }
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
system shop "Shop" in app {
  container Orders "Orders" { tech "Go" }
}
flow visitor -> ` + l + `.` + u + ` "Submit" {
  protocol https
  crosses internet, app "TLS and login"
}
flow ` + l + `.` + u + `.` + m + ` -> ` + l + `.` + u + `.api "Call" { protocol grpc }
flow ` + l + `.` + u + ` -> API "Call upper" { protocol https }
flow ` + l + `.` + u + ` -> api "Call lower" { protocol https }
flow api -> shop.Orders "Order" { protocol https }
sequence ` + strings.Repeat("S", 100) + ` "Long sequence" {
  visitor -> ` + l + `.` + u + ` "submit"
}
view ` + strings.Repeat("V", 120) + ` "Long view" { container of ` + l + ` }
`
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "m.tm"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestRenderLongIDs: a model with ids too long for a file name as they
// are builds a site and renders every view, each file name within
// render.MaxNameBytes, and leaves no temporary file (defect 9: tmc build
// failed with "file name too long", tmc render left .tmc-*.tmp behind).
func TestRenderLongIDs(t *testing.T) {
	pinDate(t)
	src := longIDModel(t)
	out := filepath.Join(t.TempDir(), "diagrams")
	code, stdout, errOut := run(t, "render", "-o", out, src)
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	svgs := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
		if strings.HasSuffix(e.Name(), ".svg") {
			svgs++
		}
	}
	if code != ExitOK {
		t.Fatalf("render: exit %d\n%s\n%s", code, stdout, errOut)
	}
	siteDir := filepath.Join(t.TempDir(), "site")
	if code, stdout, errOut := run(t, "build", "-o", siteDir, src); code != ExitOK {
		t.Fatalf("build: exit %d\n%s\n%s", code, stdout, errOut)
	}
	for p := range readTree(t, siteDir) {
		for _, part := range strings.Split(p, "/") {
			if len(part) > render.MaxNameBytes {
				t.Errorf("site file %s: %d bytes", part, len(part))
			}
		}
	}
	res, err := compile(src, &modelFlags{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range res.Model.Views {
		name := render.FileName(v)
		if len(name) > render.MaxNameBytes {
			t.Errorf("view %.40q: %s has %d bytes", v.ID, name, len(name))
		}
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("view %.40q: %v", v.ID, err)
		}
	}
	if svgs != len(res.Model.Views) {
		t.Errorf("%d SVG files for %d views", svgs, len(res.Model.Views))
	}
}

// TestRenderLinkBase: every link tmc render --link-base writes points at a
// page tmc build writes for the same model, ids needing escaping (upper
// case, dotted paths, long ids) included (defect 10: render linked to
// <kind>/<raw id>.html, the site writes escaped names).
func TestRenderLinkBase(t *testing.T) {
	pinDate(t)
	const base = "https://example.test/threat-model"
	href := regexp.MustCompile(`href="([^"]*)"`)
	for _, c := range []struct{ name, src string }{
		{"checkout", checkoutModel},
		{"long ids", longIDModel(t)},
	} {
		t.Run(c.name, func(t *testing.T) {
			siteDir := filepath.Join(t.TempDir(), "site")
			if code, stdout, errOut := run(t, "build", "-o", siteDir, c.src); code != ExitOK {
				t.Fatalf("build: exit %d\n%s\n%s", code, stdout, errOut)
			}
			pages := readTree(t, siteDir)
			out := filepath.Join(t.TempDir(), "diagrams")
			if code, stdout, errOut := run(t, "render", "-o", out, "--link-base", base+"/", c.src); code != ExitOK {
				t.Fatalf("render: exit %d\n%s\n%s", code, stdout, errOut)
			}
			links, escaped := 0, 0
			for name, svg := range readTree(t, out) {
				if !strings.HasSuffix(name, ".svg") {
					continue
				}
				for _, m := range href.FindAllStringSubmatch(string(svg), -1) {
					u := html.UnescapeString(m[1])
					page, ok := strings.CutPrefix(u, base+"/")
					if !ok {
						t.Errorf("%s: link %q is not below --link-base", name, u)
						continue
					}
					links++
					if strings.Contains(page, "~") {
						escaped++
					}
					if _, ok := pages[page]; !ok {
						t.Errorf("%s: link %q: the site has no %s", name, u, page)
					}
				}
			}
			if links == 0 || c.name == "long ids" && escaped < 5 {
				t.Errorf("%d links checked, %d of them to escaped names", links, escaped)
			}
		})
	}
}

// TestWriteAtomicFails: when the rename fails (the target is a folder),
// writeAtomic reports it and leaves no temporary file.
func TestWriteAtomicFails(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "view.svg")
	if err := os.MkdirAll(filepath.Join(target, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := writeAtomic(target, []byte("<svg/>")); err == nil {
		t.Fatal("writeAtomic over a folder: no error")
	}
	long := filepath.Join(dir, strings.Repeat("x", 300)+".svg")
	if err := writeAtomic(long, []byte("<svg/>")); err == nil {
		t.Fatal("writeAtomic to a 304-byte name: no error")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "view.svg" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
