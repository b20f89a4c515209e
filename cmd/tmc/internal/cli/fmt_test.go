package cli

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/dsl"
)

const (
	fmtMessy = "boundary b \"B\" {trust high}   # why\n\n\n\nsystem s \"S\" in b {\ncontainer c \"C\"\n}"
	fmtClean = "boundary b \"B\" { trust high }  # why\n\nsystem s \"S\" in b {\n  container c \"C\"\n}\n"
	fmtBad   = "boundary b \"B\" {trust high\n\n# the block is never closed\n"
)

// fmtTree writes a folder of .tm files: one to format, one formatted, one
// with a syntax error, and files fmt must not visit.
func fmtTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range map[string]string{
		"messy.tm":             fmtMessy,
		"sub/clean.tm":         fmtClean,
		"testdata/messy.tm":    fmtMessy,
		".hidden/messy.tm":     fmtMessy,
		"_draft.tm":            fmtMessy,
		"notes.txt":            fmtMessy,
		"sub/deeper/messy2.tm": fmtMessy,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fileTexts is the text of every file below dir.
func fileTexts(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			out[p] = readFile(t, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSnapshot(t *testing.T, what string, a, b map[string]string) {
	t.Helper()
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("%s changed files:\nbefore %q\nafter  %q", what, a, b)
	}
}

func TestFmtStdin(t *testing.T) {
	code, out, errs := runStdin(t, fmtMessy, "fmt")
	if code != ExitOK || out != fmtClean || errs != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, _ = runStdin(t, fmtMessy, "fmt", "-l")
	if code != ExitOK || out != "<standard input>\n" {
		t.Errorf("-l on stdin: exit %d, %q", code, out)
	}
	code, out, errs = runStdin(t, fmtBad, "fmt")
	if code != ExitFail || out != "" || !strings.Contains(errs, "<standard input>:1:23: error[TM101]") {
		t.Errorf("syntax error on stdin: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if code, _, errs := runStdin(t, fmtMessy, "fmt", "-w"); code != ExitUsage || !strings.Contains(errs, "standard input") {
		t.Errorf("-w on stdin: exit %d, %q", code, errs)
	}
}

func TestFmtPrintsFormatted(t *testing.T) {
	dir := fmtTree(t)
	before := fileTexts(t, dir)
	code, out, errs := run(t, "fmt", filepath.Join(dir, "messy.tm"), filepath.Join(dir, "sub"))
	if code != ExitOK || out != strings.Repeat(fmtClean, 3) || errs != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	sameSnapshot(t, "fmt", before, fileTexts(t, dir))
}

func TestFmtList(t *testing.T) {
	dir := fmtTree(t)
	before := fileTexts(t, dir)
	code, out, errs := run(t, "fmt", "-l", dir)
	want := filepath.Join(dir, "messy.tm") + "\n" + filepath.Join(dir, "sub", "deeper", "messy2.tm") + "\n"
	if code != ExitOK || out != want || errs != "" {
		t.Errorf("exit %d, stdout %q (want %q), stderr %q", code, out, want, errs)
	}
	sameSnapshot(t, "fmt -l", before, fileTexts(t, dir))
}

func TestFmtCheck(t *testing.T) {
	dir := fmtTree(t)
	before := fileTexts(t, dir)
	code, out, _ := run(t, "fmt", "--check", dir)
	want := filepath.Join(dir, "messy.tm") + "\n" + filepath.Join(dir, "sub", "deeper", "messy2.tm") + "\n"
	if code != ExitFail || out != want {
		t.Errorf("--check on unformatted files: exit %d, stdout %q (want %q)", code, out, want)
	}
	sameSnapshot(t, "fmt --check", before, fileTexts(t, dir))
	code, out, errs := run(t, "fmt", "--check", filepath.Join(dir, "sub", "clean.tm"))
	if code != ExitOK || out != "" || errs != "" {
		t.Errorf("--check on a formatted file: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if code, _, errs := run(t, "fmt", "--check", "-w", dir); code != ExitUsage || !strings.Contains(errs, "--check") {
		t.Errorf("--check -w: exit %d, %q", code, errs)
	}
}

func TestFmtWrite(t *testing.T) {
	dir := fmtTree(t)
	messy, clean := filepath.Join(dir, "messy.tm"), filepath.Join(dir, "sub", "clean.tm")
	if err := os.Chmod(messy, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "sub", "link.tm")
	if err := os.Symlink(filepath.Join("deeper", "messy2.tm"), link); err != nil {
		t.Fatal(err)
	}
	cleanInfo, _ := os.Stat(clean)
	skipped := readFile(t, filepath.Join(dir, "testdata", "messy.tm"))

	code, out, errs := run(t, "fmt", "-w", "-l", dir, link)
	if code != ExitOK || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if !strings.Contains(out, messy+"\n") {
		t.Errorf("-w -l lists %q", out)
	}
	for _, p := range []string{messy, filepath.Join(dir, "sub", "deeper", "messy2.tm"), clean} {
		if got := readFile(t, p); got != fmtClean {
			t.Errorf("%s after -w: %q", p, got)
		}
	}
	if info, _ := os.Stat(messy); info.Mode().Perm() != 0o600 {
		t.Errorf("-w changed the mode to %v", info.Mode())
	}
	if info, _ := os.Lstat(link); info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("-w replaced the symbolic link by a file")
	}
	// A file already formatted is not written again.
	if info, _ := os.Stat(clean); !os.SameFile(info, cleanInfo) || !info.ModTime().Equal(cleanInfo.ModTime()) {
		t.Errorf("-w rewrote a file that was formatted already")
	}
	if got := readFile(t, filepath.Join(dir, "testdata", "messy.tm")); got != skipped {
		t.Errorf("-w formatted a file in testdata")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmc-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

// TestFmtSyntaxError: a file with a syntax error is refused (exit 1, its
// diagnostics printed, its bytes unchanged) and the other files are
// formatted all the same.
func TestFmtSyntaxError(t *testing.T) {
	for _, flag := range []string{"-w", "-l", "-d", "--check", ""} {
		dir := fmtTree(t)
		bad := filepath.Join(dir, "bad.tm")
		if err := os.WriteFile(bad, []byte(fmtBad), 0o644); err != nil {
			t.Fatal(err)
		}
		args := []string{"fmt", bad, filepath.Join(dir, "messy.tm")}
		if flag != "" {
			args = []string{"fmt", flag, bad, filepath.Join(dir, "messy.tm")}
		}
		code, _, errs := run(t, args...)
		if code != ExitFail || !strings.Contains(errs, bad+":1:23: error[TM101]: expected \"}\" to close the block opened at line 1") {
			t.Errorf("fmt %s: exit %d, stderr %q", flag, code, errs)
		}
		if got := readFile(t, bad); got != fmtBad {
			t.Errorf("fmt %s changed the file with the syntax error: %q", flag, got)
		}
		if flag == "-w" && readFile(t, filepath.Join(dir, "messy.tm")) != fmtClean {
			t.Errorf("fmt -w stopped at the file with the syntax error")
		}
	}
}

func TestFmtUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"fmt", filepath.Join(dir, "nope.tm")},
		{"fmt", "-w", dir, filepath.Join(dir, "nope")},
		{"fmt", "--bogus", dir},
	} {
		if code, _, errs := run(t, args...); code != ExitUsage || errs == "" {
			t.Errorf("%q: exit %d, stderr %q", args, code, errs)
		}
	}
	if code, out, errs := run(t, "fmt", dir); code != ExitOK || out != "" || errs != "" {
		t.Errorf("an empty folder: exit %d, %q, %q", code, out, errs)
	}
}

func TestFmtDiff(t *testing.T) {
	dir := fmtTree(t)
	before := fileTexts(t, dir)
	messy := filepath.Join(dir, "messy.tm")
	code, out, errs := run(t, "fmt", "-d", messy, filepath.Join(dir, "sub", "clean.tm"))
	if code != ExitOK || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	want := "--- " + messy + ".orig\n+++ " + messy + "\n" + `@@ -1,7 +1,5 @@
-boundary b "B" {trust high}   # why
+boundary b "B" { trust high }  # why
 
-
-
 system s "S" in b {
-container c "C"
-}
\ No newline at end of file
+  container c "C"
+}
`
	if out != want {
		t.Errorf("fmt -d:\n%s\nwant:\n%s", out, want)
	}
	if got, err := applyDiff(fmtMessy, out); err != nil || got != fmtClean {
		t.Errorf("applying the diff gives %q, %v", got, err)
	}
	sameSnapshot(t, "fmt -d", before, fileTexts(t, dir))
}

var hunkHeader = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$`)

// applyDiff applies a unified diff of one file to old, checking every
// context and removed line and every count on the way.
func applyDiff(old, diff string) (string, error) {
	a := splitLines(old)
	lines := strings.SplitAfter(diff, "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "--- ") || !strings.HasPrefix(lines[1], "+++ ") {
		return "", fmt.Errorf("no header")
	}
	var out []string
	next := 0 // next line of a to copy
	for i := 2; i < len(lines) && lines[i] != ""; {
		m := hunkHeader.FindStringSubmatch(strings.TrimSuffix(lines[i], "\n"))
		if m == nil {
			return "", fmt.Errorf("line %d: not a hunk header: %q", i+1, lines[i])
		}
		count := func(s string) int {
			if s == "" {
				return 1
			}
			n, _ := strconv.Atoi(s)
			return n
		}
		oldStart, oldN, newN := count(m[1]), count(m[2]), count(m[4])
		if oldN > 0 {
			oldStart--
		}
		if oldStart < next {
			return "", fmt.Errorf("hunks overlap or go backwards")
		}
		out = append(out, a[next:oldStart]...)
		next = oldStart
		i++
		gotOld, gotNew := 0, 0
		for i < len(lines) && lines[i] != "" && !strings.HasPrefix(lines[i], "@@") {
			l := lines[i]
			i++
			if i < len(lines) && strings.HasPrefix(lines[i], `\ No newline at end of file`) {
				l = strings.TrimSuffix(l, "\n")
				i++
			}
			kind, text := l[0], l[1:]
			switch kind {
			case ' ', '-':
				if next >= len(a) || a[next] != text {
					return "", fmt.Errorf("line %d of the old file does not match: %q", next+1, text)
				}
				next++
				gotOld++
				if kind == ' ' {
					out = append(out, text)
					gotNew++
				}
			case '+':
				out = append(out, text)
				gotNew++
			default:
				return "", fmt.Errorf("bad diff line %q", l)
			}
		}
		if gotOld != oldN || gotNew != newN {
			return "", fmt.Errorf("hunk counts %d,%d; lines %d,%d", oldN, newN, gotOld, gotNew)
		}
	}
	out = append(out, a[next:]...)
	return strings.Join(out, ""), nil
}

// TestUnifiedDiff checks the diff of random edits of a file by applying
// it, and that the diff of a file with itself is empty.
func TestUnifiedDiff(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	words := []string{"a\n", "b\n", "c\n", "d\n", "\n", "e"}
	gen := func(n int) string {
		var b strings.Builder
		for range n {
			w := words[rng.IntN(len(words))]
			if w == "e" {
				w = "e\n"
			}
			b.WriteString(w)
		}
		if rng.IntN(3) == 0 {
			b.WriteString("last")
		}
		return b.String()
	}
	for i := range 2000 {
		old := gen(rng.IntN(30))
		var new string
		if rng.IntN(2) == 0 {
			new = gen(rng.IntN(30))
		} else { // a few edits of old
			ls := splitLines(old)
			for range 1 + rng.IntN(3) {
				k := rng.IntN(len(ls) + 1)
				switch rng.IntN(2) {
				case 0:
					ls = append(ls[:k], append([]string{words[rng.IntN(5)]}, ls[k:]...)...)
				case 1:
					if k < len(ls) {
						ls = append(ls[:k], ls[k+1:]...)
					}
				}
			}
			new = strings.Join(ls, "")
		}
		var b bytes.Buffer
		if err := unifiedDiff(&b, "x.orig", "x", []byte(old), []byte(new)); err != nil {
			t.Fatal(err)
		}
		if old == new {
			if b.Len() != 0 {
				t.Fatalf("case %d: diff of equal texts: %q", i, b.String())
			}
			continue
		}
		got, err := applyDiff(old, b.String())
		if err != nil || got != new {
			t.Fatalf("case %d: %v\nold %q\nnew %q\ndiff:\n%s\napplied: %q", i, err, old, new, b.String(), got)
		}
	}
	// Past maxEdits the middle is one block, still a correct diff.
	var old, new strings.Builder
	for i := range 3 * maxEdits {
		fmt.Fprintf(&old, "%d\n", i)
		fmt.Fprintf(&new, "%d\n", i*7)
	}
	var b bytes.Buffer
	if err := unifiedDiff(&b, "x.orig", "x", []byte(old.String()), []byte(new.String())); err != nil {
		t.Fatal(err)
	}
	if got, err := applyDiff(old.String(), b.String()); err != nil || got != new.String() {
		t.Fatalf("large diff does not apply: %v", err)
	}
}

// TestBundledModelsFormatted keeps the models tmc ships and writes in
// tmc fmt's layout: every .tm file of examples/, what tmc init writes
// (with a name and a date filled in), and the models tmc import wrote for
// the peer models (compiler/importer/testdata; TestPeers pins them to the
// importer's output). The ```tm blocks of README.md and docs/ are checked
// by the dsl package's TestDocExamplesFormatted.
func TestBundledModelsFormatted(t *testing.T) {
	srcs := map[string][]byte{
		"tmc init": []byte(strings.NewReplacer("{{NAME}}", strconv.Quote("Payments platform"), "{{TODAY}}", "2026-11-24").Replace(starter)),
	}
	var files []string
	for _, dir := range []string{"../../../../examples", "../../../../compiler/importer/testdata"} {
		err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() && strings.HasSuffix(p, ".tm") {
				files = append(files, p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) < 30 {
		t.Fatalf("found %d .tm files; is the walk broken?", len(files))
	}
	for _, p := range files {
		srcs[p] = []byte(readFile(t, p))
	}
	for name, src := range srcs {
		out, err := dsl.Format(name, src)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(out, src) {
			var d bytes.Buffer
			unifiedDiff(&d, name, name+" (formatted)", src, out)
			t.Errorf("%s is not formatted (tmc fmt -w fixes it):\n%s", name, d.String())
		}
	}
}
