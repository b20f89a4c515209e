package serve

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/tmc-dev/tmc/compiler"
)

// Defaults of WatchOptions.
const (
	DefaultDebounce     = 30 * time.Millisecond
	DefaultMaxWait      = 150 * time.Millisecond
	DefaultPollInterval = time.Second
)

// WatchOptions tune a Watcher; the zero value means the defaults.
type WatchOptions struct {
	// Debounce is the quiet time that ends a burst of events: events
	// closer together than this make one change.
	Debounce time.Duration
	// MaxWait bounds how long a burst that does not stop delays the
	// change.
	MaxWait time.Duration
	// PollInterval is the period of the polling fallback.
	PollInterval time.Duration
	// Poll polls from the start instead of using inotify.
	Poll bool
	// Log receives warnings (watch limits); nil discards them.
	Log io.Writer

	// addHook, when set, runs before every watch is added: tests make it
	// fail as the kernel does at its limits.
	addHook func(dir string) error
}

func (o *WatchOptions) defaults() {
	if o.Debounce <= 0 {
		o.Debounce = DefaultDebounce
	}
	if o.MaxWait <= 0 {
		o.MaxWait = DefaultMaxWait
	}
	if o.MaxWait < o.Debounce {
		o.MaxWait = o.Debounce
	}
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
}

// A Watcher reports changes to a model: its .tm files, the folders that
// hold them, and the files it refers to. It watches folders, never files
// (an atomic save replaces the file and a watch on it would be lost),
// walks the tree itself (inotify is not recursive), follows new folders
// as they appear and drops removed ones. A burst of events is one change.
// When the kernel's inotify limits are reached it says how to raise them
// and polls instead.
type Watcher struct {
	root string // absolute model root (a folder)
	only string // absolute path of the one model file, when the model is a file
	opts WatchOptions

	changes chan struct{} // one pending change, coalesced
	kicks   chan struct{} // relevant events for the debouncer
	done    chan struct{}
	wg      sync.WaitGroup

	mu      sync.Mutex
	fsw     *fsnotify.Watcher
	model   map[string]bool // folders of the model tree being watched
	extra   map[string]bool // other folders watched for referenced files
	refs    map[string]bool // absolute paths of the files the model refers to
	project string          // the project root (SetProject); "" for the model root
	polling bool
	closed  bool
}

// NewWatcher watches the model at path (a folder, or one .tm file whose
// folder is then watched, not recursively). Call Close when done.
func NewWatcher(path string, opts WatchOptions) (*Watcher, error) {
	opts.defaults()
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil, err
	}
	w := &Watcher{
		root:    abs,
		opts:    opts,
		changes: make(chan struct{}, 1),
		kicks:   make(chan struct{}, 1),
		done:    make(chan struct{}),
		model:   map[string]bool{},
		extra:   map[string]bool{},
		refs:    map[string]bool{},
	}
	if !info.IsDir() {
		w.only, w.root = abs, filepath.Dir(abs)
	}
	w.wg.Add(1)
	go w.debounce()
	if opts.Poll {
		w.mu.Lock()
		w.startPolling(false, false)
		w.mu.Unlock()
		return w, nil
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		w.mu.Lock()
		w.fallback(err)
		w.mu.Unlock()
		return w, nil
	}
	w.mu.Lock()
	w.startEvents(fsw)
	w.mu.Unlock()
	return w, nil
}

// startEvents reads fsw's events and watches the model with it. The
// caller holds w.mu.
func (w *Watcher) startEvents(fsw *fsnotify.Watcher) {
	w.polling = false
	w.fsw = fsw
	w.wg.Add(1)
	go w.events(fsw)
	if w.only != "" {
		w.addDir(w.root, w.model)
	} else {
		w.addTree(w.root)
	}
}

// Changes delivers one value per change (a burst of events is one
// change). Changes that come while the receiver is busy coalesce into one
// value, so the receiver never misses the last change and never sees a
// backlog.
func (w *Watcher) Changes() <-chan struct{} { return w.changes }

// Polling reports whether the watcher fell back to polling.
func (w *Watcher) Polling() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.polling
}

// Close stops watching.
func (w *Watcher) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	close(w.done)
	fsw := w.fsw
	w.fsw = nil
	w.mu.Unlock()
	var err error
	if fsw != nil {
		err = fsw.Close()
	}
	w.wg.Wait()
	return err
}

// SetProject sets the project root (absolute): the model may refer to
// files up to it, and SetRefs watches them. "" means the model root.
func (w *Watcher) SetProject(dir string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.project = filepath.Clean(dir)
	if dir == "" || !compiler.Within(w.project, w.root) {
		w.project = ""
	}
}

// refRoot is the folder referenced files may lie in: the project root, or
// the model root.
func (w *Watcher) refRoot() string {
	if w.project != "" {
		return w.project
	}
	return w.root
}

// SetRefs sets the files the model refers to (absolute paths): changes to
// them are changes to the model. Files inside the model tree are already
// watched; for the others inside the project root (SetProject; in a
// skipped folder of the model, or above it) the nearest existing folder is
// watched too. Files outside the project root are not watched (the model
// may not refer to them).
func (w *Watcher) SetRefs(paths []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.refs = map[string]bool{}
	for _, p := range paths {
		p = filepath.Clean(p)
		if compiler.Within(w.refRoot(), p) {
			w.refs[p] = true
		}
	}
	w.syncRefs()
}

// kick tells the debouncer that something relevant happened.
func (w *Watcher) kick() {
	select {
	case w.kicks <- struct{}{}:
	default:
	}
}

// debounce turns kicks into changes: a change goes out once no kick came
// for Debounce, or MaxWait after the first kick of a burst.
func (w *Watcher) debounce() {
	defer w.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var first time.Time
	pending := false
	for {
		select {
		case <-w.done:
			timer.Stop()
			return
		case <-w.kicks:
			now := time.Now()
			if !pending {
				pending, first = true, now
			}
			fire := now.Add(w.opts.Debounce)
			if limit := first.Add(w.opts.MaxWait); fire.After(limit) {
				fire = limit
			}
			timer.Reset(time.Until(fire))
		case <-timer.C:
			pending = false
			select {
			case w.changes <- struct{}{}:
			default: // one is pending already: the receiver will rebuild anyway
			}
		}
	}
}

// events reads fsnotify's events until it closes.
func (w *Watcher) events(fsw *fsnotify.Watcher) {
	defer w.wg.Done()
	for {
		select {
		case <-w.done:
			return
		case ev, ok := <-fsw.Events:
			if !ok {
				return
			}
			if w.handle(ev) {
				w.kick()
			}
		case err, ok := <-fsw.Errors:
			if !ok {
				return
			}
			w.mu.Lock()
			switch {
			case errors.Is(err, fsnotify.ErrEventOverflow):
				// Events were lost: find new folders again and rebuild.
				fmt.Fprintln(w.opts.Log, "tmc: too many file events at once (inotify queue overflow): rescanning the model")
				if w.only == "" && !w.polling {
					w.addTree(w.root)
				}
				w.mu.Unlock()
				w.kick()
				continue
			case isLimit(err):
				w.fallback(err)
			default:
				fmt.Fprintf(w.opts.Log, "tmc: watching: %v\n", err)
			}
			w.mu.Unlock()
		}
	}
}

// handle decides whether an event changes the model, following new
// folders and dropping removed ones on the way.
func (w *Watcher) handle(ev fsnotify.Event) bool {
	if ev.Op&^fsnotify.Chmod == 0 {
		return false // attributes only (also sent before a removal, which follows)
	}
	name := filepath.Clean(ev.Name)
	base := filepath.Base(name)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.polling || w.closed {
		return false
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		if name == w.root {
			// Nothing left to watch: poll until it comes back, then
			// watch it again.
			fmt.Fprintf(w.opts.Log, "tmc: the model folder %s was removed or moved: polling for it every %v\n", w.root, w.opts.PollInterval)
			w.startPolling(true, true)
			return true
		}
		if w.model[name] || w.extra[name] {
			wasModel := w.model[name]
			w.dropTree(name)
			return wasModel || w.refUnder(name)
		}
	}
	if editorTemp(base) {
		return false
	}
	if base == compiler.OutputMarker && ev.Has(fsnotify.Create) {
		// A folder just became tmc's output (tmc render -o DIR makes the
		// folder, then the marker): it leaves the model.
		if dir := filepath.Dir(name); dir != w.root && w.model[dir] {
			had := w.hasModelFiles(dir)
			w.dropTree(dir)
			return had
		}
		return false
	}
	if ev.Has(fsnotify.Create) {
		if info, err := os.Stat(name); err == nil && info.IsDir() {
			return w.dirCreated(name, base)
		}
	}
	if w.refs[name] {
		return true
	}
	if w.only != "" {
		return name == w.only
	}
	return w.model[filepath.Dir(name)] && isModelFile(base)
}

// dirCreated handles a new folder (made, or moved in).
func (w *Watcher) dirCreated(dir, base string) bool {
	relevant := false
	if w.only == "" && w.model[filepath.Dir(dir)] && !skipDir(dir, base) {
		relevant = w.addTree(dir)
	}
	if w.refUnder(dir) {
		w.syncRefs()
		relevant = true
	}
	return relevant
}

// refUnder reports whether a referenced file lies below dir.
func (w *Watcher) refUnder(dir string) bool {
	for r := range w.refs {
		if compiler.Within(dir, r) && r != dir {
			return true
		}
	}
	return false
}

// addTree watches dir and every folder below it that the model loader
// would read, following links to folders once, and reports whether the
// tree holds a .tm file. Folders watched already are walked, not added
// again. The caller holds w.mu.
func (w *Watcher) addTree(dir string) (hasModelFiles bool) {
	seen := map[string]bool{}
	var walk func(d string)
	walk = func(d string) {
		if w.polling {
			return
		}
		real, err := filepath.EvalSymlinks(d)
		if err != nil || seen[real] {
			return
		}
		seen[real] = true
		if !w.model[d] && !w.addDir(d, w.model) {
			return
		}
		entries, err := os.ReadDir(d)
		if err != nil {
			return
		}
		for _, e := range entries {
			name := e.Name()
			full := filepath.Join(d, name)
			typ, ok := entryType(full, e)
			if !ok {
				continue
			}
			switch {
			case typ.IsDir():
				if !skipDir(full, name) {
					walk(full)
				}
			case typ.IsRegular() && isModelFile(name):
				hasModelFiles = true
			}
		}
	}
	walk(dir)
	return hasModelFiles
}

// hasModelFiles reports whether a watched folder, or one below it, holds
// a .tm file. The caller holds w.mu.
func (w *Watcher) hasModelFiles(dir string) bool {
	for d := range w.model {
		if !compiler.Within(dir, d) {
			continue
		}
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if isModelFile(e.Name()) && !e.IsDir() {
				return true
			}
		}
	}
	return false
}

// addDir adds a watch on one folder and records it in set. At the
// kernel's limits it falls back to polling and returns false. The caller
// holds w.mu.
func (w *Watcher) addDir(dir string, set map[string]bool) bool {
	if w.polling || w.fsw == nil {
		return false
	}
	err := error(nil)
	if w.opts.addHook != nil {
		err = w.opts.addHook(dir)
	}
	if err == nil {
		err = w.fsw.Add(dir)
	}
	if err != nil {
		if isLimit(err) {
			w.fallback(err)
		}
		return false // a folder that went away or that we may not read
	}
	set[dir] = true
	return true
}

// dropTree forgets a removed or renamed folder and everything below it.
// The caller holds w.mu.
func (w *Watcher) dropTree(dir string) {
	for _, set := range []map[string]bool{w.model, w.extra} {
		for d := range set {
			if compiler.Within(dir, d) {
				delete(set, d)
				if w.fsw != nil {
					_ = w.fsw.Remove(d) // gone already for a removed folder
				}
			}
		}
	}
}

// syncRefs watches, for every referenced file outside the watched model
// tree, the nearest existing folder on its way, and stops watching
// folders no reference needs any more. The caller holds w.mu.
func (w *Watcher) syncRefs() {
	// A folder made right after the nearest existing one was looked up
	// (mkdir -p) sends its event before that folder is watched: look
	// again after adding watches until nothing deeper has appeared.
	for i := 0; i < 16 && w.syncRefsOnce(); i++ {
	}
}

// syncRefsOnce does one pass of syncRefs and reports whether it started
// watching a folder.
func (w *Watcher) syncRefsOnce() (added bool) {
	if w.polling {
		return false
	}
	need := map[string]bool{}
	for r := range w.refs {
		d := filepath.Dir(r)
		for compiler.Within(w.refRoot(), d) {
			if info, err := os.Stat(d); err == nil && info.IsDir() {
				break
			}
			d = filepath.Dir(d)
		}
		if !compiler.Within(w.refRoot(), d) || w.model[d] {
			continue
		}
		need[d] = true
	}
	for d := range w.extra {
		if !need[d] {
			delete(w.extra, d)
			if w.fsw != nil && !w.model[d] {
				_ = w.fsw.Remove(d)
			}
		}
	}
	for d := range need {
		if !w.extra[d] {
			w.addDir(d, w.extra)
			added = true
		}
	}
	return added
}

// isLimit reports whether err is the kernel refusing more inotify watches
// (ENOSPC) or instances (EMFILE).
func isLimit(err error) bool {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE) {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "no space left on device") || strings.Contains(s, "too many open files")
}

// limitMessage explains a watch limit and how to raise it.
func limitMessage(err error) string {
	setting, value, what := "fs.inotify.max_user_watches", "524288", "the inotify watch limit"
	if errors.Is(err, syscall.EMFILE) || strings.Contains(err.Error(), "too many open files") {
		setting, value, what = "fs.inotify.max_user_instances", "1024", "the inotify instance limit (or the open file limit)"
	}
	current := ""
	if runtime.GOOS == "linux" {
		if b, err := os.ReadFile("/proc/sys/" + strings.ReplaceAll(setting, ".", "/")); err == nil {
			current = " = " + strings.TrimSpace(string(b))
		}
	}
	return fmt.Sprintf(`tmc: cannot watch the model for changes: %s is reached (%s%s): %v
  raise it:        sudo sysctl %s=%s
  keep it raised:  echo %s=%s | sudo tee /etc/sysctl.d/60-tmc-inotify.conf
`, what, setting, current, err, setting, value, setting, value)
}

// fallback reports a watch limit and switches to polling. The caller
// holds w.mu.
func (w *Watcher) fallback(err error) {
	if w.polling {
		return
	}
	fmt.Fprint(w.opts.Log, limitMessage(err))
	fmt.Fprintf(w.opts.Log, "tmc: polling the model every %v instead\n", w.opts.PollInterval)
	w.startPolling(true, false)
}

// startPolling stops inotify and polls; with lost, the first poll counts
// as a change (events may have been lost on the way); with resume, the
// poller goes back to inotify once the model folder exists again. The
// caller holds w.mu.
func (w *Watcher) startPolling(lost, resume bool) {
	w.stopEvents()
	w.wg.Add(1)
	go w.poll(lost, resume)
}

// stopEvents closes the inotify watcher and forgets its watches. The
// caller holds w.mu.
func (w *Watcher) stopEvents() {
	w.polling = true
	if fsw := w.fsw; fsw != nil {
		w.fsw = nil
		go fsw.Close() // not here: its reader may be waiting for our event loop
	}
	w.model, w.extra = map[string]bool{}, map[string]bool{}
}

// poll compares a summary of the model's files every PollInterval. With
// resume it stops once the model folder is back and watched by inotify
// again.
func (w *Watcher) poll(lost, resume bool) {
	defer w.wg.Done()
	tick := time.NewTicker(w.opts.PollInterval)
	defer tick.Stop()
	last := w.snapshot()
	if lost {
		w.kick()
	}
	for {
		select {
		case <-w.done:
			return
		case <-tick.C:
			if s := w.snapshot(); s != last {
				last = s
				w.kick()
			}
			if resume {
				if info, err := os.Stat(w.root); err == nil && info.IsDir() && w.resumeEvents() {
					return
				}
			}
		}
	}
}

// resumeEvents switches from polling back to inotify, once the model
// folder is back. It reports whether this poller is done: inotify watches
// the folder again, or another poller took over (the kernel's limits were
// reached on the way), or the watcher is closed.
func (w *Watcher) resumeEvents() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return true
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return false // keep polling; try again on the next tick
	}
	w.startEvents(fsw)
	w.syncRefs()
	switch {
	case w.polling: // a limit was reached: fallback started another poller
		return true
	case !w.model[w.root]: // gone again before it was watched
		w.stopEvents()
		return false
	}
	fmt.Fprintf(w.opts.Log, "tmc: the model folder %s is back: watching it for changes again\n", w.root)
	// Anything saved between the last poll and the new watches.
	w.kick()
	return true
}

// snapshot sums up what a rebuild reads: the folders of the model tree,
// the name, size and time of every .tm file, and the referenced files.
func (w *Watcher) snapshot() uint64 {
	h := fnv.New64a()
	stat := func(p string) {
		if info, err := os.Stat(p); err == nil {
			fmt.Fprintf(h, "%s\x00%d\x00%d\x00%v\n", p, info.Size(), info.ModTime().UnixNano(), info.Mode())
		} else {
			fmt.Fprintf(h, "%s\x00-\n", p)
		}
	}
	w.mu.Lock()
	refs := make([]string, 0, len(w.refs))
	for r := range w.refs {
		refs = append(refs, r)
	}
	only := w.only
	w.mu.Unlock()
	sort.Strings(refs)
	for _, r := range refs {
		stat(r)
	}
	if only != "" {
		stat(only)
		return h.Sum64()
	}
	seen := map[string]bool{}
	var walk func(d string)
	walk = func(d string) {
		real, err := filepath.EvalSymlinks(d)
		if err != nil || seen[real] {
			return
		}
		seen[real] = true
		fmt.Fprintf(h, "%s/\n", d)
		entries, err := os.ReadDir(d)
		if err != nil {
			return
		}
		for _, e := range entries {
			name := e.Name()
			full := filepath.Join(d, name)
			typ, ok := entryType(full, e)
			if !ok {
				continue
			}
			switch {
			case typ.IsDir():
				if !skipDir(full, name) {
					walk(full)
				}
			case isModelFile(name):
				stat(full)
			}
		}
	}
	walk(w.root)
	return h.Sum64()
}

// entryType returns the type of a folder entry, following a symbolic link
// to what it points at; ok is false for a dangling link.
func entryType(full string, e fs.DirEntry) (typ fs.FileMode, ok bool) {
	typ = e.Type()
	if typ&fs.ModeSymlink == 0 {
		return typ, true
	}
	info, err := os.Stat(full)
	if err != nil {
		return 0, false
	}
	return info.Mode().Type(), true
}
