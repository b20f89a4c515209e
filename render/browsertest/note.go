package browsertest

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// chromiumPath returns the Chromium binary the tests use, or "". When
// TMC_CHROMIUM is set, it is the only candidate.
func chromiumPath() string {
	candidates := []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"}
	if p := os.Getenv("TMC_CHROMIUM"); p != "" {
		candidates = []string{p}
	}
	for _, p := range candidates {
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	return ""
}

// Main runs the tests of a package that has browser tests, from its
// TestMain. When they will skip (no Chromium, TMC_BROWSER_TESTS unset), it
// first says so on one line that plain `go test ./...` shows: a skip is
// silent without -v, and a new contributor would take the green run for
// a full one.
func Main(m *testing.M) {
	if chromiumPath() == "" && os.Getenv("TMC_BROWSER_TESTS") == "" {
		w, once := noteWriter()
		if once() {
			fmt.Fprintln(w, SkipNote)
		}
		if f, ok := w.(*os.File); ok && f != os.Stderr {
			f.Close()
		}
	}
	os.Exit(m.Run())
}

// SkipNote is the line Main prints when the browser tests will skip.
const SkipNote = "tmc: browser tests skipped: headless Chromium not found (apt-get install -y chromium, or set TMC_CHROMIUM); TMC_BROWSER_TESTS=1 makes this a failure"

// noteWriter returns where the note goes, and a function that reports
// whether this process is the first to print it in this `go test` run.
//
// In package list mode (`go test ./...`) the go command buffers a test
// binary's stdout and stderr and drops them when the package passes, so a
// line written there shows only with -v. The go command's own stderr
// shows: when the parent process is the go command, and Linux lets us
// open its stderr (/proc/PPID/fd/2: same user), the note goes there. Else
// (another OS, a test binary run by hand or through -exec) it goes to our
// stderr, which then is the terminal or -v shows it.
//
// Three packages have browser tests and run in parallel under one go
// command; a marker file named after the go command's pid and start time
// lets only the first of them print, so the run says it once.
func noteWriter() (io.Writer, func() bool) {
	always := func() bool { return true }
	ppid := os.Getppid()
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", ppid))
	if err != nil || strings.TrimSpace(string(comm)) != "go" {
		return os.Stderr, always
	}
	if !appendSafe(ppid) {
		return os.Stderr, always
	}
	f, err := os.OpenFile(fmt.Sprintf("/proc/%d/fd/2", ppid), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return os.Stderr, always
	}
	start := processStart(ppid)
	if start == "" {
		return f, always
	}
	return f, func() bool {
		marker := filepath.Join(os.TempDir(), fmt.Sprintf("tmc-browser-note-%d-%s", ppid, start))
		m, err := os.OpenFile(marker, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return os.IsNotExist(err) // no temp folder: print rather than stay silent
		}
		m.Close()
		removeStaleMarkers()
		return true
	}
}

// removeStaleMarkers removes the markers of go commands that have ended.
func removeStaleMarkers() {
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), "tmc-browser-note-*"))
	for _, p := range old {
		pid, _, ok := strings.Cut(strings.TrimPrefix(filepath.Base(p), "tmc-browser-note-"), "-")
		if _, err := os.Stat("/proc/" + pid); ok && os.IsNotExist(err) {
			os.Remove(p)
		}
	}
}

// appendSafe reports whether a line written to the stderr of process pid,
// opened anew, lands after what it wrote and is not overwritten: true for a
// terminal or a pipe (a CI log), and for a regular file the process opened
// for appending (2>>log). A file opened with 2>log keeps its own offset:
// the go command's next write would overwrite the line, so no.
func appendSafe(pid int) bool {
	fi, err := os.Stat(fmt.Sprintf("/proc/%d/fd/2", pid))
	if err != nil {
		return false
	}
	if !fi.Mode().IsRegular() {
		return true
	}
	info, err := os.ReadFile(fmt.Sprintf("/proc/%d/fdinfo/2", pid))
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(info), "\n") {
		if v, ok := strings.CutPrefix(l, "flags:"); ok {
			flags, err := strconv.ParseUint(strings.TrimSpace(v), 8, 64)
			return err == nil && flags&0o2000 != 0 // O_APPEND on Linux
		}
	}
	return false
}

// processStart returns the start time of process pid in clock ticks since
// boot (field 22 of /proc/PID/stat), or "": with the pid it names one
// process, even after the pid is reused.
func processStart(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return ""
	}
	fields := strings.Fields(string(b[i+1:]))
	if len(fields) < 20 { // fields 3.. follow the name; 22 is index 19
		return ""
	}
	if _, err := strconv.ParseUint(fields[19], 10, 64); err != nil {
		return ""
	}
	return fields[19]
}
