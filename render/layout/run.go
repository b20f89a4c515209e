package layout

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of Options.
const (
	// DefaultLimit is the hard time limit of one layout.
	DefaultLimit = 10 * time.Second
	// Graphs with at most this many nodes and edges are laid out in this
	// process: they take well under a second, and starting a worker costs
	// more than the layout (numbers in layout_test.go).
	DefaultSmallNodes = 150
	DefaultSmallEdges = 300
	// DefaultMaxInProcess is how many layouts one process does itself
	// before it hands every further one to worker processes. go-graphviz
	// never returns memory (about 130 KB of Go heap and 360 KB of RSS per
	// layout of a 50-node graph, measured), and closing and re-creating
	// the graphviz instance frees none of it: the WebAssembly module and
	// its memory are per process. A long-running `tmc serve` thus stays
	// within roughly 100 MB of leak, then hands layouts to the pool of
	// long-lived workers (worker.go), which are retired and replaced as
	// they grow.
	DefaultMaxInProcess = 200
	// DefaultMemoryLimit is the most memory (resident set) one worker
	// process may use. Measured (docs/performance.md): every layout that
	// finished stayed under 275 MB, the largest being the 24 s DFD of the
	// 3,000-element synthetic model (2,808 elements, 5,958 flows), which a
	// faster machine lays out within 10 s; a dense view (2,000 elements,
	// 20,000 flows) reached 1.0-1.6 GB before its 10 s ran out. 512 MiB is
	// about twice what a real view needs, and bounds the two workers of a
	// 2-core machine to 1 GiB.
	DefaultMemoryLimit = 512 << 20
)

// Options tune every layout of the process; the zero value means the
// defaults.
type Options struct {
	// Limit is the hard time limit of one layout: 0 means DefaultLimit,
	// a negative value no limit. A context deadline that comes sooner
	// lowers it. Only layouts in a worker process can be stopped; small
	// graphs run in process and are not stopped.
	Limit time.Duration
	// Graphs with at most SmallNodes nodes and SmallEdges edges run in
	// process (0: the defaults).
	SmallNodes, SmallEdges int
	// MaxInProcess is how many layouts run in process before all go to
	// workers (0: DefaultMaxInProcess; negative: no bound).
	MaxInProcess int
	// MemoryLimit is the most memory (resident set size, in bytes) one
	// worker process may use: 0 means DefaultMemoryLimit, a negative value
	// no limit. A worker that goes over it is killed and its layout fails
	// with a *MemoryError. Only layouts in a worker process are bounded,
	// and a graph that is not small goes to a worker when either limit is
	// set. The parent enforces it by watching the worker's RSS on Linux;
	// elsewhere the worker watches the memory its Go runtime holds (which
	// includes Graphviz's WebAssembly memory) and stops itself.
	MemoryLimit int64
	// Isolate runs every layout in a worker process.
	Isolate bool
}

var currentOptions atomic.Pointer[Options]

// Configure sets the options of every later layout of this process.
func Configure(o Options) { currentOptions.Store(&o) }

// Configured returns the options Configure set last (the zero value, the
// defaults, when it was never called).
func Configured() Options {
	if p := currentOptions.Load(); p != nil {
		return *p
	}
	return Options{}
}

func options() Options {
	var o Options
	if p := currentOptions.Load(); p != nil {
		o = *p
	}
	if o.Limit == 0 {
		o.Limit = DefaultLimit
	}
	if o.SmallNodes <= 0 {
		o.SmallNodes = DefaultSmallNodes
	}
	if o.SmallEdges <= 0 {
		o.SmallEdges = DefaultSmallEdges
	}
	if o.MaxInProcess == 0 {
		o.MaxInProcess = DefaultMaxInProcess
	}
	if o.MemoryLimit == 0 {
		o.MemoryLimit = DefaultMemoryLimit
	}
	return o
}

// A TimeoutError says a layout did not finish within its time limit (it
// was stopped). It matches context.DeadlineExceeded with errors.Is.
type TimeoutError struct {
	Limit        time.Duration
	Nodes, Edges int
	// Remembered: this input timed out under Limit in an earlier Run, and
	// was not tried again.
	Remembered bool
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("the view is too large to lay out within %v (%d elements, %d flows)%s; "+
		"split it into smaller views: declare a view with include/exclude",
		e.Limit, e.Nodes, e.Edges, remembered(e.Remembered, "timed out"))
}

func (e *TimeoutError) Unwrap() error { return context.DeadlineExceeded }

// A MemoryError says a layout needed more memory than Options.MemoryLimit
// allows (its worker was killed).
type MemoryError struct {
	Limit        int64 // bytes
	Nodes, Edges int
	// Remembered: this input went over Limit in an earlier Run, and was
	// not tried again.
	Remembered bool
}

func (e *MemoryError) Error() string {
	return fmt.Sprintf("the view is too large to lay out within the memory limit of %s (%d elements, %d flows)%s; "+
		"split it into smaller views: declare a view with include/exclude",
		formatBytes(e.Limit), e.Nodes, e.Edges, remembered(e.Remembered, "went over the memory limit"))
}

func remembered(yes bool, what string) string {
	if !yes {
		return ""
	}
	return ": it " + what + " earlier for this same input, and is not tried again until the view changes"
}

// formatBytes writes n in MiB (or GiB), as limits are given.
func formatBytes(n int64) string {
	if n >= 1<<30 && n%(1<<30) == 0 {
		return fmt.Sprintf("%d GiB", n>>30)
	}
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// cache holds finished layouts; failures the inputs whose layout ran out
// of time or memory, by the same key.
var (
	cache    = newLRU[*rawLayout](cacheSize)
	failures = newLRU[failure](failureCacheSize)
)

// flights are the layouts running now, by key: a second Run of the same
// graph waits for the first instead of laying it out again.
var flights = struct {
	sync.Mutex
	m map[cacheKey]*flight
}{m: make(map[cacheKey]*flight)}

type flight struct {
	done chan struct{}
	raw  *rawLayout
	err  error
}

// Run lays out g. It is safe for concurrent use; calls into Graphviz are
// serialised. The same graph (the same DOT text: ids do not matter) is laid
// out once per process and then served from a bounded in-memory cache.
// Every call returns a new Result that shares nothing with other calls.
//
// Errors: an invalid graph (duplicate or unknown ids, a cluster cycle), a
// *TimeoutError when the layout ran past its time limit, a *MemoryError
// when it needed more memory than its limit (see Options), the context's
// error when ctx ended before the layout started (or, in a worker, while
// it ran), or a Graphviz failure. A graph that ran out of time or memory
// is remembered (a bounded number of them, by the same key as the cache):
// under the same or smaller limits it fails at once, with the error saying
// so, until its DOT text changes.
func Run(ctx context.Context, g *Graph) (*Result, error) {
	if g == nil {
		return nil, errors.New("layout: nil graph")
	}
	p, err := buildDOT(g)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o := options()
	limit := o.Limit
	if dl, ok := ctx.Deadline(); ok {
		if rem := time.Until(dl); limit < 0 || rem < limit {
			limit = max(rem, time.Millisecond)
		}
	}
	raw, err := layoutShared(ctx, p, sha256.Sum256(p.dot), limit, o)
	if err != nil {
		return nil, err
	}
	return raw.result(g), nil
}

// layoutShared finds the layout of p in the cache, waits for a Run that is
// already laying it out, or lays it out.
func layoutShared(ctx context.Context, p *plan, key cacheKey, limit time.Duration, o Options) (*rawLayout, error) {
	var f *flight
	for {
		if !cacheDisabled {
			if raw, ok := cache.get(key); ok {
				return raw, nil
			}
			if fl, ok := failures.get(key); ok {
				if err := fl.applies(p, limit, o.MemoryLimit); err != nil {
					return nil, err
				}
			}
		}
		flights.Lock()
		other, running := flights.m[key]
		if !running {
			f = &flight{done: make(chan struct{})}
			flights.m[key] = f
			flights.Unlock()
			break
		}
		flights.Unlock()
		select {
		case <-other.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if other.err == nil {
			return other.raw, nil
		}
		// The other Run failed, maybe only because of its own context or
		// shorter limit: look again.
	}

	defer func() {
		flights.Lock()
		delete(flights.m, key)
		flights.Unlock()
		close(f.done)
	}()
	f.raw, f.err = layoutNow(ctx, p, limit, o)
	if !cacheDisabled {
		var (
			te *TimeoutError
			me *MemoryError
		)
		switch {
		case f.err == nil:
			cache.put(key, f.raw)
			failures.delete(key)
		case errors.As(f.err, &te):
			failures.merge(key, failure{timedOut: te.Limit}, failure.worse)
		case errors.As(f.err, &me):
			failures.merge(key, failure{overMemory: me.Limit}, failure.worse)
		}
	}
	return f.raw, f.err
}

// applies returns the remembered error when a layout of p under these
// limits would fail again (limit <= 0 or memLimit <= 0: no such limit):
// it ran out of memory under a memory limit at least as large, or out of
// time under a time limit at least as long.
func (fl failure) applies(p *plan, limit time.Duration, memLimit int64) error {
	if memLimit > 0 && memLimit <= fl.overMemory {
		e := memoryError(p, fl.overMemory)
		e.Remembered = true
		return e
	}
	if limit > 0 && limit.Round(time.Millisecond) <= fl.timedOut {
		e := timeoutError(p, fl.timedOut)
		e.Remembered = true
		return e
	}
	return nil
}

// inProcessRenders counts layouts done by this process's own engine.
var inProcessRenders atomic.Int64

// layoutNow runs Graphviz on p, in process or in a worker.
func layoutNow(ctx context.Context, p *plan, limit time.Duration, o Options) (*rawLayout, error) {
	small := len(p.g.Nodes) <= o.SmallNodes && len(p.g.Edges) <= o.SmallEdges
	useWorker := o.Isolate || ((limit > 0 || o.MemoryLimit > 0) && !small) || engineBroken.Load() ||
		(o.MaxInProcess > 0 && inProcessRenders.Load() >= int64(o.MaxInProcess))
	var (
		out []byte
		err error
	)
	if useWorker {
		out, err = renderInWorker(ctx, p.dot, limit, o.MemoryLimit)
		switch {
		case err == errNoWorker:
			useWorker = false
		case err == errWorkerTimedOut:
			return nil, timeoutError(p, limit)
		case err == errWorkerOverMemory:
			return nil, memoryError(p, o.MemoryLimit)
		case err != nil:
			return nil, err
		}
	}
	if !useWorker {
		out, err = renderInProcess(ctx, p.dot)
		if err != nil {
			return nil, err
		}
	}
	return parseOutput(p, out)
}

func timeoutError(p *plan, limit time.Duration) *TimeoutError {
	return &TimeoutError{Limit: limit.Round(time.Millisecond), Nodes: len(p.g.Nodes), Edges: len(p.g.Edges)}
}

func memoryError(p *plan, limit int64) *MemoryError {
	return &MemoryError{Limit: limit, Nodes: len(p.g.Nodes), Edges: len(p.g.Edges)}
}
