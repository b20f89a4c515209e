package serve

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tmc-dev/tmc/compiler"
)

func TestEditorTemp(t *testing.T) {
	for name, want := range map[string]bool{
		"4913": true, ".orders.tm.swp": true, ".orders.tm.swx": true, ".orders.tm.swo": true, "orders.tm~": true,
		".#orders.tm": true, "#orders.tm#": true, ".goutputstream-XYZ12": true,
		"orders.tm___jb_tmp___": true, "orders.tm___jb_old___": true,
		"orders.tm": false, "#": false, "a#b.tm": false, "49130": false, ".orders.tm": false, "x.tmp": false,
	} {
		if got := editorTemp(name); got != want {
			t.Errorf("editorTemp(%q) = %v, want %v", name, got, want)
		}
	}
}

// The watcher skips exactly the folders the loader skips: every folder
// holding a .tm file that the loader reads is watched, and no folder the
// loader skips is.
func TestSkipMatchesLoader(t *testing.T) {
	dir := t.TempDir()
	folders := []string{"a", "a/b", "testdata", "vendor", "node_modules", "tmc-out", ".git", "_old", "out", "a/.hidden", "a/_x", "a/testdata", "x.y", "a-b"}
	for _, d := range folders {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, d, "m.tm"), []byte(fmt.Sprintf("person p%d \"P\"\n", len(d))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "out", compiler.OutputMarker), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "root.tm"), []byte("person root \"R\"\n"), 0o644)
	src, err := compiler.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	loaded := map[string]bool{}
	for _, f := range src.Files {
		loaded[filepath.Join(dir, filepath.FromSlash(filepath.Dir(f.Name)))] = true
	}
	w, err := NewWatcher(dir, WatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.mu.Lock()
	watched := map[string]bool{}
	for d := range w.model {
		watched[d] = true
	}
	w.mu.Unlock()
	for _, d := range append(folders, ".") {
		full := filepath.Join(dir, d)
		if loaded[full] != watched[full] {
			t.Errorf("%s: loaded %v, watched %v", d, loaded[full], watched[full])
		}
	}
}

// changes counts the watcher's changes.
func countChanges(w *Watcher) (func() int, func()) {
	var n atomic.Int32
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-w.Changes():
				n.Add(1)
			case <-done:
				return
			}
		}
	}()
	return func() int { return int(n.Load()) }, func() { close(done) }
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A burst of writes within the debounce is one change; a burst that
// never pauses still gives a change after MaxWait.
func TestDebounce(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "m.tm")
	os.WriteFile(f, []byte("x"), 0o644)
	w, err := NewWatcher(dir, WatchOptions{Debounce: 30 * time.Millisecond, MaxWait: 150 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	count, stop := countChanges(w)
	defer stop()
	for i := 0; i < 20; i++ {
		os.WriteFile(f, []byte(fmt.Sprint(i)), 0o644)
		time.Sleep(time.Millisecond)
	}
	waitFor(t, "a change", func() bool { return count() >= 1 })
	time.Sleep(200 * time.Millisecond)
	if n := count(); n != 1 {
		t.Errorf("burst: %d changes, want 1", n)
	}
	// Writes every 10 ms for 400 ms: the debounce never settles, MaxWait
	// still fires (at least twice), and far fewer times than writes.
	start := time.Now()
	var first time.Duration
	for time.Since(start) < 400*time.Millisecond {
		os.WriteFile(f, []byte(time.Now().String()), 0o644)
		time.Sleep(10 * time.Millisecond)
		if first == 0 && count() >= 2 {
			first = time.Since(start)
		}
	}
	if first == 0 || first > 300*time.Millisecond {
		t.Errorf("first change of a steady stream after %v, want about MaxWait", first)
	}
	time.Sleep(200 * time.Millisecond)
	if n := count() - 1; n < 2 || n > 6 {
		t.Errorf("steady stream: %d changes", n)
	}
}

// A change made while the receiver is busy (rebuilding) is delivered once
// it is free; several such changes are delivered once.
func TestChangesCoalesce(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "m.tm")
	os.WriteFile(f, []byte("x"), 0o644)
	w, err := NewWatcher(dir, WatchOptions{Debounce: 5 * time.Millisecond, MaxWait: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// Nobody receives for a while: three separate changes.
	for i := 0; i < 3; i++ {
		os.WriteFile(f, []byte(fmt.Sprint(i)), 0o644)
		time.Sleep(50 * time.Millisecond)
	}
	// Let the last write's event arrive and be coalesced before anyone
	// receives, even on a loaded machine: a change that arrives after the
	// receive is a new change, not a backlog.
	time.Sleep(500 * time.Millisecond)
	select {
	case <-w.Changes():
	case <-time.After(2 * time.Second):
		t.Fatal("change lost")
	}
	select {
	case <-w.Changes():
		t.Fatal("a backlog of changes")
	case <-time.After(100 * time.Millisecond):
	}
}

// The loop never runs two rebuilds at once, and a change during a
// rebuild gives exactly one more rebuild, which sees the last change.
func TestLoopNoOverlapNoLoss(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "m.tm")
	os.WriteFile(f, []byte("person p \"v0\"\n"), 0o644)
	var (
		mu      sync.Mutex
		running int
		overlap bool
		seen    []string
	)
	gate := make(chan struct{})
	slow := func(ctx context.Context, res *compiler.Result) ([]File, error) {
		mu.Lock()
		running++
		if running > 1 {
			overlap = true
		}
		seen = append(seen, res.Model.Elements[0].Name)
		n := len(seen)
		mu.Unlock()
		if n == 2 {
			<-gate // the first rebuild blocks until the test lets it go
		}
		mu.Lock()
		running--
		mu.Unlock()
		return []File{}, nil
	}
	loop := NewLoop(Config{Path: dir, Site: slow, Watch: WatchOptions{Debounce: 5 * time.Millisecond, MaxWait: 20 * time.Millisecond}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := loop.Start(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- loop.Run(ctx) }()
	os.WriteFile(f, []byte("person p \"v1\"\n"), 0o644)
	waitFor(t, "the first rebuild", func() bool { mu.Lock(); defer mu.Unlock(); return len(seen) == 2 })
	// During the rebuild: three more saves.
	for i := 2; i <= 4; i++ {
		os.WriteFile(f, []byte(fmt.Sprintf("person p \"v%d\"\n", i)), 0o644)
		time.Sleep(30 * time.Millisecond)
	}
	close(gate)
	waitFor(t, "the rebuild after", func() bool { mu.Lock(); defer mu.Unlock(); return len(seen) == 3 })
	time.Sleep(300 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if overlap {
		t.Error("rebuilds overlapped")
	}
	if want := []string{"v0", "v1", "v4"}; strings.Join(seen, ",") != strings.Join(want, ",") {
		t.Errorf("builds saw %v, want %v", seen, want)
	}
}

// Files the model refers to are watched, in the model tree and in
// folders the loader skips; new folders on their way are followed.
func TestRefsWatched(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "m.tm"), []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(dir, "docs"), 0o755)
	os.MkdirAll(filepath.Join(dir, "testdata"), 0o755)
	adr := filepath.Join(dir, "docs", "adr.md")
	ev := filepath.Join(dir, "testdata", "evidence.txt")
	later := filepath.Join(dir, ".github", "workflows", "ci.yml")
	os.WriteFile(adr, []byte("a"), 0o644)
	os.WriteFile(ev, []byte("a"), 0o644)
	w, err := NewWatcher(dir, WatchOptions{Debounce: 5 * time.Millisecond, MaxWait: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.SetRefs([]string{adr, ev, later, "/etc/passwd"})
	count, stop := countChanges(w)
	defer stop()
	step := func(what string, do func()) {
		t.Helper()
		before := count()
		do()
		waitFor(t, what, func() bool { return count() > before })
		time.Sleep(50 * time.Millisecond)
	}
	step("an ADR edit", func() { os.WriteFile(adr, []byte("b"), 0o644) })
	step("evidence in testdata", func() { os.WriteFile(ev, []byte("b"), 0o644) })
	step("a referenced file appearing in new folders", func() {
		os.MkdirAll(filepath.Dir(later), 0o755)
		os.WriteFile(later, []byte("on: push"), 0o644)
	})
	step("an edit of it", func() { os.WriteFile(later, []byte("on: pull_request"), 0o644) })
	// Other files in those folders are no change.
	before := count()
	os.WriteFile(filepath.Join(dir, "testdata", "other.txt"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "testdata", "other.tm"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "docs", "other.md"), nil, 0o644)
	time.Sleep(100 * time.Millisecond)
	if count() != before {
		t.Error("a file the model does not refer to caused a change")
	}
	// Dropping the references stops watching the extra folders.
	w.SetRefs(nil)
	w.mu.Lock()
	n := len(w.extra)
	w.mu.Unlock()
	if n != 0 {
		t.Errorf("%d extra folders still watched", n)
	}
}

// At the kernel's watch limit the watcher says what to raise and polls.
func TestLimitFallsBackToPolling(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"a", "b", "c"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
		os.WriteFile(filepath.Join(dir, d, "m.tm"), []byte("x"), 0o644)
	}
	for _, tc := range []struct {
		err     error
		setting string
	}{
		{syscall.ENOSPC, "fs.inotify.max_user_watches"},
		{syscall.EMFILE, "fs.inotify.max_user_instances"},
	} {
		t.Run(tc.setting, func(t *testing.T) {
			var log syncBuffer
			var added atomic.Int32
			w, err := NewWatcher(dir, WatchOptions{
				Log: &log, PollInterval: 50 * time.Millisecond, Debounce: 5 * time.Millisecond, MaxWait: 10 * time.Millisecond,
				addHook: func(string) error {
					if added.Add(1) > 2 {
						return fmt.Errorf("add: %w", tc.err)
					}
					return nil
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			if !w.Polling() {
				t.Fatal("not polling")
			}
			msg := log.String()
			if !strings.Contains(msg, tc.setting) || !strings.Contains(msg, "sudo sysctl "+tc.setting+"=") || !strings.Contains(msg, "polling") {
				t.Errorf("message:\n%s", msg)
			}
			// The fall back itself counts as a change (events may be lost).
			select {
			case <-w.Changes():
			case <-time.After(2 * time.Second):
				t.Fatal("no change at the fall back")
			}
			count, stop := countChanges(w)
			defer stop()
			time.Sleep(150 * time.Millisecond)
			if count() != 0 {
				t.Fatal("polling reports changes when nothing changed")
			}
			for _, do := range []func(){
				func() { os.WriteFile(filepath.Join(dir, "c", "m.tm"), []byte("yy"), 0o644) },
				func() {
					os.MkdirAll(filepath.Join(dir, "d"), 0o755)
					os.WriteFile(filepath.Join(dir, "d", "n.tm"), nil, 0o644)
				},
				func() { os.Remove(filepath.Join(dir, "d", "n.tm")) },
			} {
				before := count()
				do()
				waitFor(t, "a polled change", func() bool { return count() > before })
			}
			before := count()
			os.WriteFile(filepath.Join(dir, "c", "notes.txt"), nil, 0o644)
			os.MkdirAll(filepath.Join(dir, "tmc-out"), 0o755)
			os.WriteFile(filepath.Join(dir, "tmc-out", "x.tm"), nil, 0o644)
			time.Sleep(200 * time.Millisecond)
			if count() != before {
				t.Error("polling reported a change outside the model")
			}
		})
	}
}

// A model given as one file watches that file's folder, not the tree.
func TestSingleFileModel(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "m.tm")
	os.WriteFile(f, []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	w, err := NewWatcher(f, WatchOptions{Debounce: 5 * time.Millisecond, MaxWait: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	count, stop := countChanges(w)
	defer stop()
	os.WriteFile(filepath.Join(dir, "other.tm"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "sub", "x.tm"), nil, 0o644)
	time.Sleep(100 * time.Millisecond)
	if count() != 0 {
		t.Error("a file outside a one-file model caused a change")
	}
	tmp := filepath.Join(dir, ".m.tm.tmp")
	os.WriteFile(tmp, []byte("y"), 0o644)
	os.Rename(tmp, f)
	waitFor(t, "the atomic save", func() bool { return count() == 1 })
	w.mu.Lock()
	var dirs []string
	for d := range w.model {
		dirs = append(dirs, d)
	}
	w.mu.Unlock()
	sort.Strings(dirs)
	if len(dirs) != 1 || dirs[0] != dir {
		t.Errorf("watched %v", dirs)
	}
}

// A model folder that goes away and comes back (a branch switch that
// removes it, a move and back) is found again by polling, and then
// watched by inotify again.
func TestRootRemovedAndBack(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "model")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "m.tm"), []byte("x"), 0o644)
	var log syncBuffer
	w, err := NewWatcher(dir, WatchOptions{Log: &log, PollInterval: 30 * time.Millisecond, Debounce: 5 * time.Millisecond, MaxWait: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	count, stop := countChanges(w)
	defer stop()
	if err := os.Rename(dir, dir+".moved"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the removal", func() bool { return count() >= 1 })
	if !w.Polling() || !strings.Contains(log.String(), "polling for it") {
		t.Fatalf("not polling: %s", log.String())
	}
	before := count()
	if err := os.Rename(dir+".moved", dir); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the return", func() bool { return count() > before })
	waitFor(t, "inotify again", func() bool { return !w.Polling() })
	if !strings.Contains(log.String(), "is back: watching it for changes again") {
		t.Errorf("log: %s", log.String())
	}
	// New folders are followed again, as only inotify does it.
	before = count()
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "sub", "n.tm"), []byte("y"), 0o644)
	waitFor(t, "an edit after the return", func() bool { return count() > before })
	w.mu.Lock()
	watched := w.model[filepath.Join(dir, "sub")]
	w.mu.Unlock()
	if !watched {
		t.Error("the new folder is not watched")
	}
}

// A site that cannot be built fails the first build (the command stops);
// later, it is reported and the last good site stays.
func TestSiteFailure(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "m.tm")
	os.WriteFile(f, []byte("person p \"P\"\n"), 0o644)
	var fail atomic.Bool
	fail.Store(true)
	site := func(ctx context.Context, res *compiler.Result) ([]File, error) {
		if fail.Load() {
			return nil, errFake
		}
		return []File{{Path: "index.html", Data: []byte("<body>" + res.Model.Elements[0].Name + "</body>")}}, nil
	}
	if _, err := NewLoop(Config{Path: dir, Site: site}).Start(context.Background()); err == nil || !strings.Contains(err.Error(), "site not built: fake failure") {
		t.Fatalf("first build: %v", err)
	}
	fail.Store(false)
	var out syncBuffer
	var builds []*Build
	var mu sync.Mutex
	loop := NewLoop(Config{Path: dir, Site: site, Out: &out, Publish: func(b *Build) { mu.Lock(); builds = append(builds, b); mu.Unlock() },
		Watch: WatchOptions{Debounce: 5 * time.Millisecond, MaxWait: 10 * time.Millisecond}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := loop.Start(ctx); err != nil {
		t.Fatal(err)
	}
	go loop.Run(ctx)
	fail.Store(true)
	os.WriteFile(f, []byte("person p \"Q\"\n"), 0o644)
	waitFor(t, "the failed rebuild", func() bool { mu.Lock(); defer mu.Unlock(); return len(builds) == 2 })
	mu.Lock()
	b := builds[1]
	mu.Unlock()
	if b.OK() || len(b.Problems) != 1 || b.Problems[0].Message != "site not built: fake failure" {
		t.Errorf("failed build: %+v", b)
	}
	if !strings.Contains(out.String(), "tmc: site not built: fake failure\n") {
		t.Errorf("terminal:\n%s", out.String())
	}
}

// Files the model refers to above its folder, up to the project root, are
// watched once the project root is set; a file above the project root is
// not.
func TestRefsAboveModelWatched(t *testing.T) {
	world := t.TempDir()
	project := filepath.Join(world, "repo")
	model := filepath.Join(project, "threat-model")
	os.MkdirAll(model, 0o755)
	os.MkdirAll(filepath.Join(project, "docs", "adr"), 0o755)
	os.WriteFile(filepath.Join(model, "m.tm"), []byte("x"), 0o644)
	adr := filepath.Join(project, "docs", "adr", "0001.md")
	outside := filepath.Join(world, "outside.md")
	os.WriteFile(adr, []byte("a"), 0o644)
	os.WriteFile(outside, []byte("a"), 0o644)
	w, err := NewWatcher(model, WatchOptions{Debounce: 5 * time.Millisecond, MaxWait: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.SetProject(project)
	w.SetRefs([]string{adr, outside})
	count, stop := countChanges(w)
	defer stop()
	before := count()
	os.WriteFile(adr, []byte("b"), 0o644)
	waitFor(t, "an edit of the ADR above the model folder", func() bool { return count() > before })
	time.Sleep(50 * time.Millisecond)
	before = count()
	os.WriteFile(outside, []byte("b"), 0o644)
	time.Sleep(100 * time.Millisecond)
	if count() != before {
		t.Error("a file above the project root caused a change")
	}
	// A project root that does not hold the model is ignored.
	w.SetProject(filepath.Join(world, "elsewhere"))
	w.SetRefs([]string{adr})
	w.mu.Lock()
	n := len(w.refs)
	w.mu.Unlock()
	if n != 0 {
		t.Errorf("%d refs kept outside the model root without a project root holding it", n)
	}
}
