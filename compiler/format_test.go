package compiler_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl"
)

// irWithoutRanges is the JSON form of a compiled model and its diagnostics
// (severity, code, summary) with every source range left out: what
// formatting a model must keep.
func irWithoutRanges(t *testing.T, res *compiler.Result) string {
	t.Helper()
	b, err := ir.MarshalJSON(res.Model)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var strip func(any)
	strip = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			delete(v, "range")
			for _, e := range v {
				strip(e)
			}
		case []any:
			for _, e := range v {
				strip(e)
			}
		}
	}
	strip(v)
	var diags []string
	for _, d := range res.Diags {
		diags = append(diags, fmt.Sprintf("%s %s[%s]: %s", d.Subject.File, d.Severity, d.Code, d.Summary))
	}
	out, err := json.MarshalIndent(map[string]any{"ir": v, "diagnostics": diags}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// formatTree formats every .tm file of tree that parses; it reports how
// many it formatted.
func formatTree(t *testing.T, tree compiler.Tree) (compiler.Tree, int) {
	t.Helper()
	out := compiler.Tree{}
	n := 0
	for name, data := range tree {
		out[name] = data
		if b, ok := data.([]byte); ok && strings.HasSuffix(name, ".tm") {
			if f, err := dsl.Format(name, b); err == nil {
				out[name] = f
				n++
			}
		}
	}
	return out, n
}

func compileFormatted(t *testing.T, root string, tree compiler.Tree) string {
	t.Helper()
	src, err := compiler.LoadTree(root, tree)
	if err != nil {
		t.Fatal(err)
	}
	return irWithoutRanges(t, compiler.CompileSource(src, compiler.Options{Now: today}))
}

// TestFormatKeepsIR formats the models of the repository and checks that
// each compiles to the same IR, ranges aside, with the same diagnostics:
// every bundled example as a whole (every file formatted), every .tm file
// of the repository on its own, the models of every txtar archive under
// testdata, and the entries of the parser's fuzz corpus.
func TestFormatKeepsIR(t *testing.T) {
	var tmFiles, archives, corpus []string
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		switch {
		case d.IsDir():
		case strings.Contains(path, filepath.Join("testdata", "fuzz")):
			corpus = append(corpus, path)
		case strings.HasSuffix(path, ".tm"):
			tmFiles = append(tmFiles, path)
		case strings.HasSuffix(path, ".txtar") && strings.Contains(path, "testdata"):
			archives = append(archives, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(tmFiles) < 40 || len(archives) < 30 {
		t.Fatalf("found %d .tm files and %d archives; the walk is broken", len(tmFiles), len(archives))
	}
	// The comparison must see a change that matters: a label.
	core, err := os.ReadFile("testdata/core/core.tm")
	if err != nil {
		t.Fatal(err)
	}
	relabeled := []byte(strings.Replace(string(core), `"Place order"`, `"Place an order"`, 1))
	if compileFormatted(t, "/model", compiler.Tree{"core.tm": core}) == compileFormatted(t, "/model", compiler.Tree{"core.tm": relabeled}) {
		t.Fatal("the IR comparison does not see a flow's label change")
	}
	formatted := 0
	check := func(name, root string, tree compiler.Tree) {
		after, n := formatTree(t, tree)
		if n == 0 {
			return
		}
		formatted += n
		if a, b := compileFormatted(t, root, tree), compileFormatted(t, root, after); a != b {
			t.Errorf("%s: formatting changed the IR or the diagnostics:\n--- before\n%s\n--- after\n%s", name, a, b)
		}
	}

	// The bundled examples, as whole models with their other files (the
	// paths of tests and evidence are checked).
	examples, _ := filepath.Glob("../examples/*")
	for _, dir := range examples {
		tree := compiler.Tree{}
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(dir, path)
			b, err := os.ReadFile(path)
			tree[filepath.ToSlash(rel)] = b
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		abs, _ := filepath.Abs(dir)
		check(dir, abs, tree)
	}
	for _, path := range tmFiles {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		abs, _ := filepath.Abs(filepath.Dir(path))
		check(path, abs, compiler.Tree{filepath.Base(path): b})
	}
	for _, path := range archives {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		tree := compiler.Tree{}
		for _, f := range ar.Files {
			tree[f.Name] = f.Data
		}
		if _, err := compiler.LoadTree("/model", tree); err != nil {
			continue // an archive that is not a model (no .tm file)
		}
		check(path, "/model", tree)
	}
	for _, path := range corpus {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if b = corpusBytes(b); b != nil {
			check(path, "/model", compiler.Tree{"fuzz.tm": b})
		}
	}
	if formatted < 80 {
		t.Errorf("only %d files formatted; is the walk broken?", formatted)
	}
	t.Logf("%d files formatted and compiled to the same IR", formatted)
}

// corpusBytes decodes a `go test fuzz v1` corpus file holding one []byte,
// or returns nil.
func corpusBytes(b []byte) []byte {
	lines := strings.SplitN(string(b), "\n", 3)
	if len(lines) < 2 || lines[0] != "go test fuzz v1" || !strings.HasPrefix(lines[1], "[]byte(") {
		return nil
	}
	var s string
	if _, err := fmt.Sscanf(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"), "%q", &s); err != nil {
		return nil
	}
	return []byte(s)
}
