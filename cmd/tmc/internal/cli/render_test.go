package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tmc-dev/tmc/compiler/synth"
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
	res, err := compile(src)
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
