package site

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tmc-dev/tmc/compiler"
)

var (
	update = os.Getenv("TMC_UPDATE") == "1"
	today  = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
)

const checkoutDir = "../../examples/checkout"

// inputFor compiles the model at dir and returns the site's input, files
// read from the model root.
func inputFor(tb testing.TB, dir string) Input {
	tb.Helper()
	res, err := compiler.Compile(dir, compiler.Options{Now: today})
	if err != nil {
		tb.Fatal(err)
	}
	root := os.DirFS(dir)
	return Input{Model: res.Model, Diags: res.Diags, ReadFile: func(p string) ([]byte, error) { return fs.ReadFile(root, p) }}
}

func build(tb testing.TB, in Input, opts Options) []File {
	tb.Helper()
	files, err := Build(context.Background(), in, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

func fileMap(files []File) map[string][]byte {
	m := make(map[string][]byte, len(files))
	for _, f := range files {
		m[f.Path] = f.Data
	}
	return m
}

// wantOnPages checks that each page of the site exists and contains every
// string listed for it.
func wantOnPages(t *testing.T, fm map[string][]byte, pages map[string][]string) {
	t.Helper()
	for page, wants := range pages {
		text := string(fm[page])
		if text == "" {
			t.Errorf("no page %s", page)
		}
		for _, want := range wants {
			if !strings.Contains(text, want) {
				t.Errorf("%s: %q missing", page, want)
			}
		}
	}
}

// writeSite writes the files under dir.
func writeSite(tb testing.TB, dir string, files []File) {
	tb.Helper()
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// TestPreview writes the site of examples/checkout (and of the hostile
// model) to $TMC_SITE_PREVIEW to look at it in a browser.
//
//	TMC_SITE_PREVIEW=/tmp/site go test ./render/site -run TestPreview
func TestPreview(t *testing.T) {
	dir := os.Getenv("TMC_SITE_PREVIEW")
	if dir == "" {
		t.Skip("set TMC_SITE_PREVIEW to a folder to write the example site there")
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	writeSite(t, dir, build(t, inputFor(t, checkoutDir), Options{SourceURL: "https://github.com/tmc-dev/tmc/blob/main/examples/checkout/{path}"}))
	writeSite(t, filepath.Join(dir, "unmarked"), build(t, inputFor(t, "../../examples/unmarked"), Options{}))
	writeSite(t, filepath.Join(dir, "hostile"), build(t, hostileInput(t), Options{SourceURL: "https://example.com/{path}"}))
}
