package compiler_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/dsl"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// Hostile input: every case must end in diagnostics or a clear error,
// never a panic or a hang, and allocate less than hostileAllocLimit. The
// tests assert no times; BenchmarkHostile measures them (the target is
// under 2 s per case).

const hostileAllocLimit = 200 << 20

type hostileCase struct {
	name string
	// setup writes the model under dir and returns the path to compile.
	setup func(tb testing.TB, dir string) string
	// check looks at the outcome; dir is the setup folder.
	check func(t *testing.T, dir string, res *compiler.Result, err error)
	// skip returns a reason to skip the case here, or "".
	skip func() string
	// allocLimit replaces hostileAllocLimit for cases that are valid
	// models at the size limits rather than hostile input.
	allocLimit uint64
}

func (hc *hostileCase) skipReason() string {
	if hc.skip != nil {
		return hc.skip()
	}
	return ""
}

func write(tb testing.TB, path string, data []byte) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// mkfifo makes a named pipe, or skips where there are none.
func mkfifo(tb testing.TB, path string) {
	tb.Helper()
	if out, err := exec.Command("mkfifo", path).CombinedOutput(); err != nil {
		tb.Skipf("mkfifo: %v %s", err, out)
	}
}

func symlink(tb testing.TB, target, link string) {
	tb.Helper()
	if err := os.Symlink(target, link); err != nil {
		tb.Skipf("symlinks not available: %v", err)
	}
}

// copyCore copies the core example (core.tm and the files it points at)
// to dir, passing core.tm through edit.
func copyCore(tb testing.TB, dir string, edit func([]byte) []byte) {
	tb.Helper()
	copyTree(tb, filepath.Join("testdata", "core"), dir, func(rel string, data []byte) []byte {
		if rel == "core.tm" {
			return edit(data)
		}
		return data
	})
}

// copyTree copies the files under src to dst, passing each through edit
// (with its path relative to src, with /) when edit is not nil.
func copyTree(tb testing.TB, src, dst string, edit func(rel string, data []byte) []byte) {
	tb.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if edit != nil {
			data = edit(filepath.ToSlash(rel), data)
		}
		write(tb, filepath.Join(dst, rel), data)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// a small valid declaration, to see that the rest of a file still loads.
const validBoundary = "boundary ok \"Fine\" { trust high }\n"

func wantDiag(t *testing.T, res *compiler.Result, code, file, contains string) *diag.Diagnostic {
	t.Helper()
	for _, d := range res.Diags {
		if d.Code == code && d.Subject.File == file && strings.Contains(d.Summary, contains) {
			return d
		}
	}
	t.Errorf("no %s diagnostic on %s containing %q; got:\n%s", code, file, contains, listDiags(res.Diags))
	return nil
}

func wantNoDiags(t *testing.T, res *compiler.Result) {
	t.Helper()
	if len(res.Diags) > 0 {
		t.Errorf("want no diagnostics, got:\n%s", listDiags(res.Diags))
	}
}

func listDiags(ds diag.Diagnostics) string {
	var b strings.Builder
	for i, d := range ds {
		if i == 20 {
			fmt.Fprintf(&b, "  ... and %d more\n", len(ds)-i)
			break
		}
		fmt.Fprintf(&b, "  %v\n", d)
	}
	return b.String()
}

func hasBoundary(res *compiler.Result, id string) bool {
	for _, b := range res.Model.Boundaries {
		if b.ID == id {
			return true
		}
	}
	return false
}

// diagKeys renders diagnostics by line and column (not byte offset), for
// comparing runs over the same text encoded differently.
func diagKeys(ds diag.Diagnostics) []string {
	var out []string
	for _, d := range ds {
		s := fmt.Sprintf("%s %s %s-%s %s | %s | %s", d.Code, d.Subject.File, posKey(d.Subject.Start), posKey(d.Subject.End), d.Summary, d.Detail, d.Fix)
		for _, n := range d.Related {
			s += fmt.Sprintf(" [%s %s-%s %s]", n.Range.File, posKey(n.Range.Start), posKey(n.Range.End), n.Message)
		}
		out = append(out, s)
	}
	return out
}

// sameAsCore compiles the unchanged core example and compares: same
// diagnostics at the same lines and columns, same model text.
func sameAsCore(t *testing.T, res *compiler.Result) {
	t.Helper()
	base, err := compiler.Compile("testdata/core", compiler.Options{Now: fuzzNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(base.Diags) == 0 {
		t.Fatal("the core example should have diagnostics to compare")
	}
	got, want := diagKeys(res.Diags), diagKeys(base.Diags)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics differ from the LF, BOM-less core example:\ngot:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.Model.Description != base.Model.Description {
		t.Errorf("model description = %q, want %q", res.Model.Description, base.Model.Description)
	}
	if len(res.Model.Flows) != len(base.Model.Flows) || len(res.Model.Elements) != len(base.Model.Elements) {
		t.Errorf("model differs: %d flows, %d elements; want %d, %d", len(res.Model.Flows), len(res.Model.Elements), len(base.Model.Flows), len(base.Model.Elements))
	}
	for i, f := range res.Model.Flows {
		if i < len(base.Model.Flows) && f.Range.Start.Line != base.Model.Flows[i].Range.Start.Line {
			t.Errorf("flow %s at line %d, want %d", f.ID, f.Range.Start.Line, base.Model.Flows[i].Range.Start.Line)
		}
	}
}

// writeGarbage writes size bytes of fixed pseudo-random garbage to
// blob.tm.
func writeGarbage(tb testing.TB, dir string, size int) string {
	data := make([]byte, size)
	x := uint32(1)
	for i := range data { // xorshift
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		data[i] = byte(x)
	}
	write(tb, filepath.Join(dir, "blob.tm"), data)
	return dir
}

func checkGarbage(t *testing.T, dir string, res *compiler.Result, err error) {
	wantDiag(t, res, "TM101", "blob.tm", "")
	if len(res.Diags) > 100 {
		t.Errorf("%d diagnostics for one binary file; want a capped number", len(res.Diags))
	}
}

// canary is an environment variable's value that must never reach a
// diagnostic: the model cannot read the environment.
const canary = "tmc-canary-3f1d2c"

func noProcEnviron() string {
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		return "no /proc/self/environ here"
	}
	return ""
}

func noCanary(t *testing.T, res *compiler.Result) {
	t.Helper()
	for _, d := range res.Diags {
		if strings.Contains(d.Summary+d.Detail, canary) {
			t.Errorf("the environment leaked into %v", d)
		}
	}
	for _, f := range res.Source.Files {
		if bytes.Contains(f.Src, []byte(canary)) {
			t.Errorf("the environment was read as %s", f.Name)
		}
	}
}

// namedFilesModel names a decision record, a test and evidence that the
// case makes links out of the root.
const namedFilesModel = `decision d1 "D" {
  status accepted
  file "adr.md"
}
control c1 "C" {
  status implemented
  test "t_test.go:TestSecret"
  evidence "docs/secret_test.go"
}
`

func hostileCases() []*hostileCase {
	notRoot := func() string {
		if runtime.GOOS == "windows" {
			return "no Unix permissions"
		}
		if os.Geteuid() == 0 {
			return "running as root: chmod 000 does not stop root from reading"
		}
		return ""
	}
	return []*hostileCase{
		{
			name: "file-10MB",
			setup: func(tb testing.TB, dir string) string {
				line := "flow a -> b \"a flow that repeats\" { protocol https }\n"
				write(tb, filepath.Join(dir, "big.tm"), bytes.Repeat([]byte(line), 10<<20/len(line)+1))
				write(tb, filepath.Join(dir, "ok.tm"), []byte(validBoundary))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM100", "big.tm", "limit")
				if !hasBoundary(res, "ok") {
					t.Errorf("the other file did not load")
				}
			},
		},
		{
			name:       "file-2MB-valid",
			allocLimit: 1 << 30, // a valid model at the limits: measured by RSS in docs/performance.md
			setup: func(tb testing.TB, dir string) string {
				var b strings.Builder
				b.WriteString(validBoundary + "system s in ok { container c }\ndata d \"D\" { classification public }\n")
				for i := 0; ; i++ {
					line := fmt.Sprintf("flow f%d: s -> s.c \"call %d\" { protocol https carries d }\n", i, i)
					if b.Len()+len(line) > dsl.MaxFileSize {
						break
					}
					b.WriteString(line)
				}
				write(tb, filepath.Join(dir, "big.tm"), []byte(b.String()))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantNoDiags(t, res)
			},
		},
		{
			name: "file-10MB-given-directly",
			setup: func(tb testing.TB, dir string) string {
				p := filepath.Join(dir, "big.tm")
				write(tb, p, bytes.Repeat([]byte("# comment\n"), 1<<20))
				return p
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM100", "big.tm", "limit")
			},
		},
		{
			name: "nesting-10000-boundaries",
			setup: func(tb testing.TB, dir string) string {
				var b strings.Builder
				for i := 0; i < 10000; i++ {
					fmt.Fprintf(&b, "%sboundary b%d \"B\" {\n%s  trust high\n", strings.Repeat(" ", i%8), i, strings.Repeat(" ", i%8))
				}
				b.WriteString(strings.Repeat("}\n", 10000))
				b.WriteString(validBoundary)
				write(tb, filepath.Join(dir, "deep.tm"), []byte(b.String()))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM101", "deep.tm", fmt.Sprintf("nested more than %d deep", dsl.MaxNesting))
				if !hasBoundary(res, "ok") {
					t.Errorf("the declaration after the deep one did not load")
				}
			},
		},
		{
			name: "nesting-10000-sequence",
			setup: func(tb testing.TB, dir string) string {
				src := "sequence s \"S\" {\n" + strings.Repeat("alt \"a\" {\n", 10000) + strings.Repeat("}\n", 10001) + validBoundary
				write(tb, filepath.Join(dir, "deep.tm"), []byte(src))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM101", "deep.tm", fmt.Sprintf("nested more than %d deep", dsl.MaxNesting))
				if !hasBoundary(res, "ok") {
					t.Errorf("the declaration after the deep one did not load")
				}
			},
		},
		{
			name: "nesting-10000-braces-unclosed",
			setup: func(tb testing.TB, dir string) string {
				write(tb, filepath.Join(dir, "deep.tm"), []byte("boundary b \"B\" "+strings.Repeat("{", 10000)))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM101", "deep.tm", "")
			},
		},
		{
			name: "nesting-10000-unclosed-lines",
			setup: func(tb testing.TB, dir string) string {
				write(tb, filepath.Join(dir, "deep.tm"), []byte(strings.Repeat("boundary b {\n", 10000)))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM101", "deep.tm", "")
			},
		},
		{
			name: "nesting-at-limit",
			setup: func(tb testing.TB, dir string) string {
				var b strings.Builder
				for i := 0; i < dsl.MaxNesting; i++ {
					fmt.Fprintf(&b, "boundary b%d \"B\" { trust high\n", i)
				}
				b.WriteString(strings.Repeat("}\n", dsl.MaxNesting))
				write(tb, filepath.Join(dir, "deep.tm"), []byte(b.String()))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantNoDiags(t, res)
				if n := len(res.Model.Boundaries); n != dsl.MaxNesting {
					t.Errorf("%d boundaries, want %d", n, dsl.MaxNesting)
				}
			},
		},
		{
			name: "string-1MB",
			setup: func(tb testing.TB, dir string) string {
				src := "model \"M\" {\n  description \"" + strings.Repeat("x", 1<<20) + "\"\n}\n"
				write(tb, filepath.Join(dir, "model.tm"), []byte(src))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantNoDiags(t, res)
				if n := len(res.Model.Description); n != 1<<20 {
					t.Errorf("description is %d bytes, want %d", n, 1<<20)
				}
			},
		},
		{
			name: "string-1MB-multiline",
			setup: func(tb testing.TB, dir string) string {
				line := "    " + strings.Repeat("y", 59) + "\n" // 64 bytes
				src := "model \"M\" {\n  description \"\"\"\n" + strings.Repeat(line, 1<<20/64) + "  \"\"\"\n}\n"
				write(tb, filepath.Join(dir, "model.tm"), []byte(src))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantNoDiags(t, res)
				want := strings.TrimSuffix(strings.Repeat(strings.Repeat("y", 59)+"\n", 1<<20/64), "\n")
				if res.Model.Description != want {
					t.Errorf("description is %d bytes, want %d dedented", len(res.Model.Description), len(want))
				}
			},
		},
		{
			name: "invalid-utf8",
			setup: func(tb testing.TB, dir string) string {
				write(tb, filepath.Join(dir, "bad.tm"), []byte("boundary b\xff\xfe \"B\" { trust high }\n"+validBoundary))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				if d := wantDiag(t, res, "TM101", "bad.tm", "UTF-8"); d != nil && (d.Subject.Start.Line != 1 || d.Subject.Start.Col != 11) {
					t.Errorf("diagnostic at %v, want bad.tm:1:11", d.Subject)
				}
				if !hasBoundary(res, "ok") {
					t.Errorf("the valid declaration did not load")
				}
			},
		},
		{
			name:  "binary-1MB",
			setup: func(tb testing.TB, dir string) string { return writeGarbage(tb, dir, 1<<20) },
			check: checkGarbage,
		},
		{
			name:  "binary-2MB",
			setup: func(tb testing.TB, dir string) string { return writeGarbage(tb, dir, dsl.MaxFileSize) },
			check: checkGarbage,
		},
		{
			name: "nul-bytes",
			setup: func(tb testing.TB, dir string) string {
				write(tb, filepath.Join(dir, "nul.tm"), []byte("boundary b \"B\" { trust high }\x00\x00\x00\n"+validBoundary))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				if d := wantDiag(t, res, "TM101", "nul.tm", "NUL"); d != nil && (d.Subject.Start.Line != 1 || d.Subject.Start.Col != 30) {
					t.Errorf("diagnostic at %v, want nul.tm:1:30", d.Subject)
				}
				if !hasBoundary(res, "ok") {
					t.Errorf("the valid declaration did not load")
				}
			},
		},
		{
			name: "invalid-utf8-and-nul-in-string",
			setup: func(tb testing.TB, dir string) string {
				write(tb, filepath.Join(dir, "str.tm"), []byte("boundary b \"B\xff\x00\" { trust high }\n"))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM101", "str.tm", "")
			},
		},
		{
			name: "many-error-tokens",
			setup: func(tb testing.TB, dir string) string {
				write(tb, filepath.Join(dir, "dash.tm"), bytes.Repeat([]byte("- "), dsl.MaxFileSize/2-8))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM101", "dash.tm", "")
				if len(res.Diags) > 100 {
					t.Errorf("%d diagnostics for one file; want a capped number", len(res.Diags))
				}
			},
		},
		{
			name:       "many-undefined-references",
			allocLimit: 1 << 30, // a valid model at the limits: measured by RSS in docs/performance.md
			setup: func(tb testing.TB, dir string) string {
				var b strings.Builder
				for i := 0; i < 20000; i++ {
					fmt.Fprintf(&b, "data d%d \"x\" { classification public }\n", i)
				}
				for i := 0; i < 20000; i++ {
					fmt.Fprintf(&b, "flow q%d: u%d -> v%d \"x\"\n", i, i, i)
				}
				write(tb, filepath.Join(dir, "refs.tm"), []byte(b.String()))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM201", "refs.tm", "undefined")
			},
		},
		{
			name: "long-identifier",
			setup: func(tb testing.TB, dir string) string {
				id := strings.Repeat("a", 1<<20)
				write(tb, filepath.Join(dir, "long.tm"), []byte(validBoundary+"system s in ok { }\nflow s -> "+id+" \"x\"\n"))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM201", "long.tm", "undefined")
			},
		},
		{
			name: "crlf",
			setup: func(tb testing.TB, dir string) string {
				copyCore(tb, dir, func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")) })
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				sameAsCore(t, res)
			},
		},
		{
			name: "bom",
			setup: func(tb testing.TB, dir string) string {
				copyCore(tb, dir, func(b []byte) []byte { return append([]byte("\uFEFF"), b...) })
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				sameAsCore(t, res)
			},
		},
		{
			name: "bom-crlf",
			setup: func(tb testing.TB, dir string) string {
				copyCore(tb, dir, func(b []byte) []byte {
					return append([]byte("\uFEFF"), bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))...)
				})
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				sameAsCore(t, res)
			},
		},
		{
			name: "unreadable-file",
			skip: notRoot,
			setup: func(tb testing.TB, dir string) string {
				p := filepath.Join(dir, "x.tm")
				write(tb, p, []byte(validBoundary))
				if err := os.Chmod(p, 0); err != nil {
					tb.Fatal(err)
				}
				tb.Cleanup(func() { os.Chmod(p, 0o644) })
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM100", "x.tm", "permission denied")
			},
		},
		{
			name: "unreadable-folder",
			skip: notRoot,
			setup: func(tb testing.TB, dir string) string {
				p := filepath.Join(dir, "sub")
				write(tb, filepath.Join(p, "x.tm"), []byte(validBoundary))
				if err := os.Chmod(p, 0); err != nil {
					tb.Fatal(err)
				}
				tb.Cleanup(func() { os.Chmod(p, 0o755) })
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM100", "sub", "permission denied")
			},
		},
		{
			name: "dangling-symlink",
			setup: func(tb testing.TB, dir string) string {
				symlink(tb, "missing.tm", filepath.Join(dir, "x.tm"))
				write(tb, filepath.Join(dir, "ok.tm"), []byte(validBoundary))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM100", "x.tm", "no such file")
				if !hasBoundary(res, "ok") {
					t.Errorf("the other file did not load")
				}
			},
		},
		{
			// A folder named x.tm is a folder, as a folder named x.go is
			// for the go tool: its .tm files belong to the model.
			name: "folder-named-x.tm",
			setup: func(tb testing.TB, dir string) string {
				write(tb, filepath.Join(dir, "x.tm", "inside.tm"), []byte(validBoundary))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantNoDiags(t, res)
				if !hasBoundary(res, "ok") {
					t.Errorf("x.tm/inside.tm did not load")
				}
			},
		},
		{
			name: "symlink-folder-loop",
			setup: func(tb testing.TB, dir string) string {
				write(tb, filepath.Join(dir, "m", "ok.tm"), []byte(validBoundary))
				symlink(tb, ".", filepath.Join(dir, "m", "loop"))
				symlink(tb, "..", filepath.Join(dir, "m", "up"))
				symlink(tb, "m", filepath.Join(dir, "again"))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantNoDiags(t, res)
				if n := len(res.Source.Files); n != 1 {
					t.Errorf("loaded %d files, want ok.tm once", n)
				}
			},
		},
		{
			name: "symlink-file-loop",
			setup: func(tb testing.TB, dir string) string {
				symlink(tb, "b.tm", filepath.Join(dir, "a.tm"))
				symlink(tb, "a.tm", filepath.Join(dir, "b.tm"))
				write(tb, filepath.Join(dir, "ok.tm"), []byte(validBoundary))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM100", "a.tm", "")
				wantDiag(t, res, "TM100", "b.tm", "")
				if !hasBoundary(res, "ok") {
					t.Errorf("the other file did not load")
				}
			},
		},
		{
			// A named pipe would block a reader forever; in a folder it is
			// not a regular file, so it is not read.
			name: "fifo-in-folder",
			setup: func(tb testing.TB, dir string) string {
				mkfifo(tb, filepath.Join(dir, "pipe.tm"))
				write(tb, filepath.Join(dir, "ok.tm"), []byte(validBoundary))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				if !hasBoundary(res, "ok") {
					t.Errorf("the other file did not load")
				}
			},
		},
		{
			// A .tm link out of the root is not read: a pull request must
			// not make tmc load (and print) a file beside the checkout.
			name: "tm-link-out-of-root",
			setup: func(tb testing.TB, dir string) string {
				write(tb, filepath.Join(dir, "outside.tm"), []byte("boundary leaked \"Leaked\" { trust high }\n"))
				write(tb, filepath.Join(dir, "m", "ok.tm"), []byte(validBoundary))
				symlink(tb, filepath.Join("..", "outside.tm"), filepath.Join(dir, "m", "x.tm"))
				return filepath.Join(dir, "m")
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM503", "x.tm", "outside.tm, outside the model root")
				if hasBoundary(res, "leaked") {
					t.Errorf("the file outside the root was loaded")
				}
				if !hasBoundary(res, "ok") {
					t.Errorf("the other file did not load")
				}
			},
		},
		{
			// The attack pass: a .tm link to /proc/self/environ printed the
			// whole environment as a TM101 source line.
			name: "tm-link-to-environ",
			skip: noProcEnviron,
			setup: func(tb testing.TB, dir string) string {
				tb.Setenv("TMC_CANARY_SECRET", canary)
				write(tb, filepath.Join(dir, "ok.tm"), []byte(validBoundary))
				symlink(tb, "/proc/self/environ", filepath.Join(dir, "env.tm"))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM503", "env.tm", "outside the model root")
				noCanary(t, res)
			},
		},
		{
			// Decision records, tests and evidence that are links out of the
			// root: TM503 with where they lead, and never read (the site
			// would publish a decision record's text).
			name: "named-files-link-out-of-root",
			skip: noProcEnviron,
			setup: func(tb testing.TB, dir string) string {
				tb.Setenv("TMC_CANARY_SECRET", canary)
				write(tb, filepath.Join(dir, "secret_test.go"), []byte("func TestSecret(t *testing.T) {}\n"))
				m := filepath.Join(dir, "m")
				write(tb, filepath.Join(m, "model.tm"), []byte(namedFilesModel))
				symlink(tb, "/proc/self/environ", filepath.Join(m, "adr.md"))
				symlink(tb, filepath.Join("..", "secret_test.go"), filepath.Join(m, "t_test.go"))
				symlink(tb, dir, filepath.Join(m, "docs"))
				return m
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM503", "model.tm", "/proc/")
				wantDiag(t, res, "TM503", "model.tm", "secret_test.go, outside the project root")
				wantDiag(t, res, "TM503", "model.tm", "evidence \"docs/secret_test.go\"")
				for _, c := range res.Model.Controls {
					for _, f := range append(c.Tests, c.Evidence...) {
						if !f.Escapes || f.Found || f.TestFound || f.Resolved == "" {
							t.Errorf("%s: %+v, want an escape with where it leads, not found", c.ID, f)
						}
					}
				}
				noCanary(t, res)
			},
		},
		{
			// The attack pass: a folder link to / was walked for minutes.
			name: "folder-link-to-slash",
			setup: func(tb testing.TB, dir string) string {
				write(tb, filepath.Join(dir, "ok.tm"), []byte(validBoundary))
				symlink(tb, "/", filepath.Join(dir, "all"))
				symlink(tb, filepath.Dir(dir), filepath.Join(dir, "up"))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM506", "all", "resolves to /, outside the model root: not followed")
				wantDiag(t, res, "TM506", "up", "outside the model root: not followed")
				if !hasBoundary(res, "ok") || len(res.Source.Files) != 1 {
					t.Errorf("want ok.tm alone loaded, got %d files", len(res.Source.Files))
				}
			},
		},
		{
			// Links inside the root still work, to files and to folders.
			name: "links-inside-root",
			setup: func(tb testing.TB, dir string) string {
				write(tb, filepath.Join(dir, "real", "ok.tm"), []byte(validBoundary))
				write(tb, filepath.Join(dir, "shared", "adr.md"), []byte("# ADR\n"))
				write(tb, filepath.Join(dir, "d.tm"), []byte("decision d1 \"D\" {\n  status accepted\n  file \"adr.md\"\n}\n"))
				symlink(tb, filepath.Join("shared", "adr.md"), filepath.Join(dir, "adr.md"))
				symlink(tb, "real", filepath.Join(dir, "alias"))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantNoDiags(t, res)
				if len(res.Source.Files) != 2 {
					t.Errorf("loaded %d files, want d.tm and real/ok.tm once", len(res.Source.Files))
				}
			},
		},
		{
			name: "walk-cap",
			setup: func(tb testing.TB, dir string) string {
				write(tb, filepath.Join(dir, "ok.tm"), []byte(validBoundary))
				for i := 0; i < 50; i++ {
					write(tb, filepath.Join(dir, "many", fmt.Sprintf("f%02d.txt", i)), nil)
				}
				tb.Cleanup(compiler.SetMaxWalk(20))
				return dir
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				wantDiag(t, res, "TM100", ".", "stopped reading the model after 20 files and folders")
			},
		},
		{
			name: "fifo-given-directly",
			setup: func(tb testing.TB, dir string) string {
				p := filepath.Join(dir, "pipe.tm")
				mkfifo(tb, p)
				return p
			},
			check: func(t *testing.T, dir string, res *compiler.Result, err error) {
				if err == nil {
					wantDiag(t, res, "TM100", "pipe.tm", "")
				}
			},
		},
	}
}

// TestHostile compiles each hostile input and checks its outcome and that
// it allocates less than hostileAllocLimit in all.
func TestHostile(t *testing.T) {
	for _, hc := range hostileCases() {
		t.Run(hc.name, func(t *testing.T) {
			if why := hc.skipReason(); why != "" {
				t.Skip(why)
			}
			dir := t.TempDir()
			path := hc.setup(t, dir)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			res, err := compiler.Compile(path, compiler.Options{Now: fuzzNow})
			runtime.ReadMemStats(&after)
			limit := uint64(hostileAllocLimit)
			if hc.allocLimit > 0 {
				limit = hc.allocLimit
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > limit {
				t.Errorf("allocated %d MB, limit %d MB", alloc>>20, limit>>20)
			}
			if err != nil {
				if res != nil {
					t.Errorf("Compile returned both a result and an error: %v", err)
				}
				t.Logf("error: %v", err)
				hc.check(t, dir, nil, err)
				return
			}
			for i, d := range res.Diags {
				if !tmCode.MatchString(d.Code) || d.Summary == "" {
					t.Errorf("malformed diagnostic %v", d)
				}
				if filepath.IsAbs(d.Subject.File) || strings.Contains(d.Subject.File, `\`) {
					t.Errorf("diagnostic %v: file should be relative to the root, with /", d)
				}
				if i > 0 && diagLess(d, res.Diags[i-1]) {
					t.Errorf("diagnostics not sorted: %v before %v", res.Diags[i-1], d)
				}
			}
			hc.check(t, dir, res, err)
		})
	}
}

// BenchmarkHostile times each hostile case (the input is written once,
// outside the timed loop); B/op is what one compilation allocates.
//
//	go test ./compiler -run '^$' -bench BenchmarkHostile -benchtime 3x
func BenchmarkHostile(b *testing.B) {
	for _, hc := range hostileCases() {
		b.Run(hc.name, func(b *testing.B) {
			if why := hc.skipReason(); why != "" {
				b.Skip(why)
			}
			path := hc.setup(b, b.TempDir())
			b.ReportAllocs()
			for b.Loop() {
				if _, err := compiler.Compile(path, compiler.Options{Now: fuzzNow}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
