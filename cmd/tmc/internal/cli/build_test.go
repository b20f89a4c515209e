package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const checkoutModel = "../../../../examples/checkout"

// readTree returns every file below dir, by relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestBuild(t *testing.T) {
	pinDate(t)
	out := filepath.Join(t.TempDir(), "public")
	code, stdout, _ := run(t, "build", "-o", out, "--source-url", "https://example.com/blob/main/{path}", checkoutModel)
	if code != ExitOK || !strings.Contains(stdout, "wrote "+out+": ") {
		t.Fatalf("exit %d\n%s", code, stdout)
	}
	files := readTree(t, out)
	for _, want := range []string{"index.html", "register.html", "controls.html", "diagnostics.html", "search.html", "model.json", ".tmc-output"} {
		if _, ok := files[want]; !ok {
			t.Errorf("site lacks %s", want)
		}
	}
	if !bytes.Contains(files["controls.html"], []byte("https://example.com/blob/main/")) {
		t.Error("--source-url did not turn control files into links")
	}

	// Stale files of the previous build disappear.
	if err := os.WriteFile(filepath.Join(out, "stale.html"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := run(t, "build", "-o", out, checkoutModel); code != ExitOK {
		t.Fatalf("rebuild: exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(out, "stale.html")); !os.IsNotExist(err) {
		t.Errorf("stale file survived the rebuild: %v", err)
	}
}

// Two builds of one model from two working folders are byte-identical.
func TestBuildDeterministic(t *testing.T) {
	pinDate(t)
	abs, err := filepath.Abs(checkoutModel)
	if err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	if code, _, _ := run(t, "build", "-o", a, checkoutModel); code != ExitOK {
		t.Fatal("first build failed")
	}
	// The second from another working folder, to a relative output folder.
	wd := t.TempDir()
	t.Chdir(wd)
	if code, stdout, errOut := run(t, "build", "-o", "b", abs); code != ExitOK {
		t.Fatalf("second build failed: %s%s", stdout, errOut)
	}
	b = filepath.Join(wd, "b")
	ta, tb := readTree(t, a), readTree(t, b)
	if len(ta) != len(tb) {
		t.Fatalf("%d files against %d", len(ta), len(tb))
	}
	for p, data := range ta {
		if !bytes.Equal(data, tb[p]) {
			t.Errorf("%s differs between the two builds", p)
		}
	}
}

// With check errors the site is built, shows them, and tmc exits 1; with
// syntax or resolution errors the previous site is left untouched.
func TestBuildWithErrors(t *testing.T) {
	pinDate(t)
	out := filepath.Join(t.TempDir(), "site")
	code, stdout, _ := run(t, "build", "-o", out, core)
	if code != ExitFail || !strings.Contains(stdout, "error[TM301]") {
		t.Fatalf("core example: exit %d\n%s", code, stdout)
	}
	diags, err := os.ReadFile(filepath.Join(out, "diagnostics.html"))
	if err != nil || !bytes.Contains(diags, []byte("TM301")) {
		t.Fatalf("the site should show TM301: %v", err)
	}
	before := readTree(t, out)

	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "m.tm"), []byte("boundary b \"B\" { trust high }\nperson p \"P\" in nowhere\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "build", "-o", out, src)
	if code != ExitFail || !strings.Contains(errOut, "previous one is untouched") {
		t.Fatalf("unresolved model: exit %d, %q", code, errOut)
	}
	after := readTree(t, out)
	if len(before) != len(after) {
		t.Fatalf("site changed: %d files before, %d after", len(before), len(after))
	}
	for p, data := range before {
		if !bytes.Equal(data, after[p]) {
			t.Errorf("%s changed", p)
		}
	}
}

func TestBuildUsage(t *testing.T) {
	pinDate(t)
	foreign := t.TempDir()
	if err := os.WriteFile(filepath.Join(foreign, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, "build", "-o", foreign, checkoutModel); code != ExitUsage || !strings.Contains(errOut, "tmc did not create it") {
		t.Errorf("foreign folder: exit %d, %q", code, errOut)
	}
	if b, err := os.ReadFile(filepath.Join(foreign, "notes.txt")); err != nil || string(b) != "mine" {
		t.Error("a folder tmc did not write was touched")
	}
	for _, url := range []string{"javascript:alert(1)/{path}", "https://example.com/blob/main/"} {
		if code, _, _ := run(t, "build", "-o", t.TempDir(), "--source-url", url, checkoutModel); code != ExitUsage {
			t.Errorf("--source-url %q: exit %d, want 2", url, code)
		}
	}
}
