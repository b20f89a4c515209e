package engine

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
)

var now = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// copyModel copies the .tm files of examples/checkout (and what they
// name) into a temporary folder.
func copyModel(t *testing.T) string {
	t.Helper()
	from := "../../examples/checkout"
	dir := t.TempDir()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// fingerprint is what a result shows: its IR as JSON and its
// diagnostics, printed.
func fingerprint(t *testing.T, res *compiler.Result) string {
	t.Helper()
	js, err := ir.MarshalJSON(res.Model)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.Write(js)
	p := &diag.Printer{Source: res.Source.File}
	if err := p.Text(&b, res.Diags); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// edits are changes people make to orders.tm, good and broken.
var edits = []func(r *rand.Rand, s string) string{
	func(r *rand.Rand, s string) string { // rename
		return strings.Replace(s, `"Order service"`, fmt.Sprintf("%q", "Order service"+strings.Repeat("x", r.IntN(9))), 1)
	},
	func(r *rand.Rand, s string) string { // a container with a flow
		n := r.IntN(1000)
		return s + fmt.Sprintf("\nextend shop {\n  container e%d \"E %d\" in cluster { tech \"Go\" }\n}\nflow shop.orders -> shop.e%d \"Call\" { protocol grpc }\n", n, n, n)
	},
	func(r *rand.Rand, s string) string { // a syntax error
		i := r.IntN(len(s))
		return s[:i] + "{ \"" + s[i:]
	},
	func(r *rand.Rand, s string) string { // an unmarked crossing (TM301)
		return s + "\nflow shop.orders -> customer \"Back\"\n"
	},
	func(r *rand.Rand, s string) string { // an undefined reference
		return s + "\nflow shop.orders -> nowhere \"Lost\"\n"
	},
}

// TestEngineMatchesCompile makes random sequences of edits (renames,
// added elements and flows, syntax and resolution errors, and undoing
// them) to one file and, after each, checks that the engine's result
// shows the same IR and diagnostics as a fresh compiler.Compile, and that
// only the changed file was parsed again.
func TestEngineMatchesCompile(t *testing.T) {
	dir := copyModel(t)
	file := filepath.Join(dir, "services/orders/orders.tm")
	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	opts := compiler.Options{Now: now}
	e := New(dir, opts)
	first, err := e.Update()
	if err != nil {
		t.Fatal(err)
	}
	if st := e.Stats(); st.Reused != 0 || st.Parsed != len(first.Source.Files) {
		t.Fatalf("first update: %+v, want every file parsed", st)
	}
	r := rand.New(rand.NewPCG(17, 1))
	text := string(orig)
	for i := range 60 {
		if r.IntN(4) == 0 {
			text = string(orig) // the fix: back to a good file
		} else {
			text = edits[r.IntN(len(edits))](r, text)
		}
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := e.Update()
		if err != nil {
			t.Fatal(err)
		}
		want, err := compiler.Compile(dir, opts)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := fingerprint(t, got), fingerprint(t, want); g != w {
			t.Fatalf("edit %d: the engine's result differs from a fresh compile\nengine:\n%.3000s\ncompile:\n%.3000s", i, g, w)
		}
		if st := e.Stats(); st.Parsed > 1 || st.Parsed+st.Reused != len(want.Source.Files) {
			t.Fatalf("edit %d: %+v: want at most the changed file parsed", i, st)
		}
	}
}

// TestOverlay: an unsaved buffer takes the place of the file on disk,
// a new buffer joins the model, and clearing them reads the disk again.
func TestOverlay(t *testing.T) {
	dir := copyModel(t)
	e := New(dir, compiler.Options{Now: now})
	base, err := e.Update()
	if err != nil {
		t.Fatal(err)
	}
	if base.Diags.HasErrors() {
		t.Fatalf("checkout has errors: %v", base.Diags)
	}
	e.SetOverlay("services/orders/orders.tm", []byte("boundary {"))
	res, err := e.Update()
	if err != nil {
		t.Fatal(err)
	}
	if !hasCode(res.Diags, "TM101", "services/orders/orders.tm") {
		t.Fatalf("overlay not read: %v", res.Diags)
	}
	e.ClearOverlay("services/orders/orders.tm")
	e.SetOverlay("services/new/new.tm", []byte("flow shop.orders -> nowhere \"Lost\"\n"))
	res, err = e.Update()
	if err != nil {
		t.Fatal(err)
	}
	if !hasCode(res.Diags, "TM201", "services/new/new.tm") || hasCode(res.Diags, "TM101", "") {
		t.Fatalf("new buffer not in the model, or the old overlay still is: %v", res.Diags)
	}
	if st := e.Stats(); st.Parsed != 2 {
		t.Fatalf("%+v: want the new buffer and the file read from disk again parsed, no other", st)
	}
	e.SetOverlay(".hidden/x.tm", []byte("boundary {"))
	e.ClearOverlay("services/new/new.tm")
	res, err = e.Update()
	if err != nil {
		t.Fatal(err)
	}
	if fingerprint(t, res) != fingerprint(t, base) {
		t.Fatal("after clearing the overlays (and one in a hidden folder), the result differs from the disk's")
	}
}

func hasCode(ds diag.Diagnostics, code, file string) bool {
	for _, d := range ds {
		if d.Code == code && (file == "" || d.Subject.File == file) {
			return true
		}
	}
	return false
}

// FuzzEngine feeds any text to one engine as an unsaved buffer, again and
// again (its parse cache carries over from input to input), and checks
// that its result shows what a new engine shows for the same text: reuse
// never changes a result, whatever the input. It never panics.
func FuzzEngine(f *testing.F) {
	for _, seed := range []string{"", "boundary {", "flow a -> b \"x\"\n", "container x \"X\" { tech \"Go\" }", "\xff\x00{\"\"\""} {
		f.Add([]byte(seed))
	}
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "base.tm"), []byte("boundary cluster \"Cluster\" { trust high }\nsystem shop \"Shop\" in cluster {\n  container orders \"Orders\" { tech \"Go\" }\n}\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	opts := compiler.Options{Now: now}
	shared := New(dir, opts)
	f.Fuzz(func(t *testing.T, data []byte) {
		shared.SetOverlay("edit.tm", data)
		got, err := shared.Update()
		if err != nil {
			t.Fatal(err)
		}
		fresh := New(dir, opts)
		fresh.SetOverlay("edit.tm", data)
		want, err := fresh.Update()
		if err != nil {
			t.Fatal(err)
		}
		if fingerprint(t, got) != fingerprint(t, want) {
			t.Fatalf("a reused parse changed the result for %q", data)
		}
	})
}

// TestCompileMatchesCompile is TestEngineMatchesCompile for Compile, the
// entry point of tools that hold the texts themselves (tmc lsp): after
// each random edit of a text held in memory, the result shows the same IR
// and diagnostics as a fresh compiler.Compile of the same files on disk,
// and only the changed text was parsed again.
func TestCompileMatchesCompile(t *testing.T) {
	dir := copyModel(t)
	file := filepath.Join(dir, "services/orders/orders.tm")
	files, ds := compiler.ReadFiles(dir)
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	orig := string(files["services/orders/orders.tm"])
	opts := compiler.Options{Now: now}
	e := New(dir, opts)
	if _, err := e.Compile(files); err != nil {
		t.Fatal(err)
	}
	if st := e.Stats(); st.Reused != 0 || st.Parsed != len(files) {
		t.Fatalf("first compile: %+v, want every file parsed", st)
	}
	r := rand.New(rand.NewPCG(23, 5))
	text := orig
	for i := range 40 {
		if r.IntN(4) == 0 {
			text = orig
		} else {
			text = edits[r.IntN(len(edits))](r, text)
		}
		files["services/orders/orders.tm"] = []byte(text)
		got, err := e.Compile(files)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		want, err := compiler.Compile(dir, opts)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := fingerprint(t, got), fingerprint(t, want); g != w {
			t.Fatalf("edit %d: Compile's result differs from a fresh compile\nengine:\n%.3000s\ncompile:\n%.3000s", i, g, w)
		}
		if st := e.Stats(); st.Parsed > 1 || st.Parsed+st.Reused != len(files) {
			t.Fatalf("edit %d: %+v: want at most the changed text parsed", i, st)
		}
	}
}

// TestCompileProject: Compile finds the project root as Load does, so a
// decision record above the model folder, inside the repository, is
// found rather than reported as outside the model (TM503).
func TestCompileProject(t *testing.T) {
	proj := t.TempDir()
	for _, d := range []string{".git", "docs/adr", "threat-model"} {
		if err := os.MkdirAll(filepath.Join(proj, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(proj, "docs/adr/0001-x.md"), []byte("# Use X\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(proj, "threat-model")
	model := "system api \"API\"\n\ndecision d1 \"Use X\" {\n  status accepted\n  file \"../docs/adr/0001-x.md\"\n  affects api\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "model.tm"), []byte(model), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := compiler.Options{Now: now}
	got, err := New(dir, opts).Compile(map[string][]byte{"model.tm": []byte(model)})
	if err != nil {
		t.Fatal(err)
	}
	want, err := compiler.Compile(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := fingerprint(t, got), fingerprint(t, want); g != w {
		t.Fatalf("Compile differs from a fresh compile\nengine:\n%s\ncompile:\n%s", g, w)
	}
	for _, d := range got.Diags {
		if d.Code == "TM502" || d.Code == "TM503" {
			t.Errorf("the record above the model folder is not found: %s %s", d.Code, d.Summary)
		}
	}
}
