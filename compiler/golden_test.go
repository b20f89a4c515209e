package compiler_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// update rewrites golden files instead of comparing: TMC_UPDATE=1 go test ./...
var update = os.Getenv("TMC_UPDATE") != ""

// today pins the date for checks that depend on it (TM505, acceptances).
var today = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

// diagnosticsText compiles the model at dir and prints its diagnostics as
// the terminal would, with paths relative to the model root.
func diagnosticsText(t *testing.T, dir string) (string, *compiler.Result) {
	t.Helper()
	res, err := compiler.Compile(dir, compiler.Options{Now: today})
	if err != nil {
		t.Fatal(err)
	}
	return printDiagnostics(t, res), res
}

func printDiagnostics(t *testing.T, res *compiler.Result) string {
	t.Helper()
	var b bytes.Buffer
	p := &diag.Printer{Source: res.Source.File}
	if err := p.Text(&b, res.Diags); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// treeDiagnosticsText is diagnosticsText for the model held in tree.
func treeDiagnosticsText(t *testing.T, root string, tree compiler.Tree) string {
	t.Helper()
	src, err := compiler.LoadTree(root, tree)
	if err != nil {
		t.Fatal(err)
	}
	return printDiagnostics(t, compiler.CompileSource(src, compiler.Options{Now: today}))
}

// TestDiagnostics runs every testdata/checks/*.txtar case: the archive's
// files form a model; its "diagnostics" section is the expected output.
// Each case is compiled twice and must print byte-identical output.
func TestDiagnostics(t *testing.T) {
	cases, err := filepath.Glob("testdata/checks/*.txtar")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, path := range cases {
		name := strings.TrimSuffix(filepath.Base(path), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var want *txtar.File
			tree := compiler.Tree{}
			for i := range ar.Files {
				f := &ar.Files[i]
				if f.Name == "diagnostics" {
					want = f
					continue
				}
				tree[f.Name] = f.Data
				full := filepath.Join(dir, filepath.FromSlash(f.Name))
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(full, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, _ := diagnosticsText(t, dir)
			again, _ := diagnosticsText(t, dir)
			if got != again {
				t.Fatalf("two runs differ:\n%s\n---\n%s", got, again)
			}
			// tmc diff compiles git revisions held in memory: the same
			// files must give the same diagnostics as on disk.
			if fromTree := treeDiagnosticsText(t, dir, tree); fromTree != got {
				t.Errorf("the model held in memory (LoadTree) gives other diagnostics\n--- in memory\n%s\n--- on disk\n%s", fromTree, got)
			}
			if update {
				if want == nil {
					ar.Files = append(ar.Files, txtar.File{Name: "diagnostics"})
					want = &ar.Files[len(ar.Files)-1]
				}
				want.Data = []byte(got)
				if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want == nil {
				t.Fatalf("%s has no diagnostics section; run with TMC_UPDATE=1", path)
			}
			if got != string(want.Data) {
				t.Errorf("diagnostics differ (TMC_UPDATE=1 to accept)\n--- got\n%s\n--- want\n%s", got, want.Data)
			}
		})
	}
}

// golden compares got with the file at path, or rewrites it under TMC_UPDATE.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (TMC_UPDATE=1 to create)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (TMC_UPDATE=1 to accept); got:\n%s", path, got)
	}
}
