package browsertest

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// TestNote runs plain `go test` (package list mode, no -v) on two packages
// whose browser tests skip: the output says so on exactly one line, before
// the ok lines; with TMC_BROWSER_TESTS=1 the skip fails instead, and no
// note is printed (issue 15).
func TestNote(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the note reaches go test's output through /proc (Linux); elsewhere it shows with -v")
	}
	if testing.Short() {
		t.Skip("runs go test on two packages")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	goTest := func(env ...string) (string, error) {
		cmd := exec.Command(gobin, "test", "-count=1", "./testdata/skipnote/a", "./testdata/skipnote/b")
		cmd.Env = append(os.Environ(), "TMC_CHROMIUM=/nonexistent/chromium", "TMC_BROWSER_TESTS=")
		cmd.Env = append(cmd.Env, env...)
		out, err := cmd.CombinedOutput() // a pipe, as a CI log is
		return string(out), err
	}
	out, err := goTest()
	if err != nil {
		t.Fatalf("go test: %v\n%s", err, out)
	}
	if n := strings.Count(out, SkipNote+"\n"); n != 1 {
		t.Errorf("the note is printed %d times, want once:\n%s", n, out)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 3 || lines[0] != SkipNote {
		t.Errorf("want the note and two ok lines, got:\n%s", out)
	}
	out, err = goTest("TMC_BROWSER_TESTS=1")
	if err == nil || strings.Contains(out, SkipNote) || !strings.Contains(out, "TMC_BROWSER_TESTS is set") {
		t.Errorf("TMC_BROWSER_TESTS=1: want a failure naming it and no note, got %v:\n%s", err, out)
	}
}
