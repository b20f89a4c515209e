package layout

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The workers: a layout that may run long runs in a child process, the
// current executable started again with TMC_LAYOUT_WORKER=1. The child
// reads requests on stdin (DOT text) and writes Graphviz's json0 output
// for each on stdout, one after the other, until stdin closes. The parent
// keeps a few such workers alive between layouts (one per core at most,
// the pool): starting one costs more than most layouts (the WebAssembly
// module is compiled and instantiated in each process), and a long-running
// tmc serve would otherwise start one per changed view.
//
// The limits hold per layout: the parent kills the worker when one layout
// passes the time limit or, on Linux, when the worker's resident set grows
// over the memory limit, and starts a new one for the next layout. This is
// the only way to stop a layout (WebAssembly ignores contexts). The memory
// go-graphviz leaks stays bounded as well: a worker whose resident set
// passes recycleRSS (a fresh one holds about 40 MB), or that has served recycleJobs layouts, is retired
// after its layout (its stdin closed, it exits) and the next layout gets a
// fresh one.
//
// The memory limit is on RSS, not on address space: RLIMIT_AS cannot be
// used, since the Go runtime and wazero reserve far more than they touch
// (a worker laying out 50 nodes in 26 MB of RSS had 1.7 GB of virtual
// memory; one at 500 MB RSS, 2.6 GB).
//
// The protocol: a request is an 8-byte little-endian length and the DOT
// text; a response a status byte (0: the layout follows; 1: an error
// message follows, and the worker exits), an 8-byte length and the bytes.
const (
	workerEnv         = "TMC_LAYOUT_WORKER"
	workerLimitEnv    = "TMC_LAYOUT_WORKER_LIMIT"
	workerMemLimitEnv = "TMC_LAYOUT_WORKER_MEMORY_LIMIT" // bytes
)

// workerExitMemory is the exit status of a worker that stopped itself
// over its memory limit.
const workerExitMemory = 4

// memPoll is how often the memory of a worker is looked at. A layout that
// grows fast overshoots its limit by what it allocates in this time
// (tens of MB at most, measured).
const memPoll = 50 * time.Millisecond

// A worker is retired after a layout once its resident set is over
// recycleRSS (or half its memory limit, when that is lower), or once it
// has done recycleJobs layouts. go-graphviz grows by about 0.4 MB per
// layout of a 50-node graph and never gives memory back.
var (
	recycleRSS  int64 = 48 << 20
	recycleJobs       = 400
)

// maxRequest bounds the DOT text a worker accepts (a corrupt length must
// not make it allocate gigabytes).
const maxRequest = 1 << 30

// init serves layouts when this process was started as a worker, before
// any other package's init and before main: every binary that links this
// package is a working layout worker, whether or not its main (or a test
// binary's TestMain) remembers to call MaybeServeWorker. Without this, a
// binary that forgot would run its main (or all its tests) again in the
// child.
func init() { MaybeServeWorker() }

// MaybeServeWorker serves layouts and exits when this process is a layout
// worker (TMC_LAYOUT_WORKER=1); otherwise it returns at once. Package init
// already calls it; main may call it first thing too, to make the re-exec
// visible where it happens.
func MaybeServeWorker() {
	if os.Getenv(workerEnv) != "1" {
		return
	}
	os.Exit(serveWorker(os.Stdin, os.Stdout, os.Stderr))
}

func serveWorker(in io.Reader, out, errw io.Writer) int {
	// Belt and braces: should the parent die or hang without killing us,
	// stop anyway a little after the limit of one layout.
	limit, _ := time.ParseDuration(os.Getenv(workerLimitEnv))
	if n, err := strconv.ParseInt(os.Getenv(workerMemLimitEnv), 10, 64); err == nil && n > 0 {
		// Collect garbage harder near the limit: WebAssembly memory grows
		// by copying into a larger Go slice, and the old copies are
		// garbage that the default GOGC=100 would let pile up to twice
		// the live memory.
		debug.SetMemoryLimit(n * 3 / 4)
		// Belt and braces again: the parent watches our RSS on Linux;
		// elsewhere, and should the parent be gone, watch ourselves.
		go watchOwnMemory(n, errw)
	}
	r := bufio.NewReader(in)
	w := bufio.NewWriter(out)
	for {
		var head [8]byte
		if _, err := io.ReadFull(r, head[:]); err != nil {
			if err == io.EOF {
				return 0 // the parent is done with us
			}
			fmt.Fprintln(errw, "layout worker: reading a request:", err)
			return 2
		}
		n := binary.LittleEndian.Uint64(head[:])
		if n > maxRequest {
			fmt.Fprintln(errw, "layout worker: request too large")
			return 2
		}
		dot := make([]byte, n)
		if _, err := io.ReadFull(r, dot); err != nil {
			fmt.Fprintln(errw, "layout worker: reading DOT:", err)
			return 2
		}
		var timer *time.Timer
		if limit > 0 {
			timer = time.AfterFunc(limit+2*time.Second, func() {
				fmt.Fprintln(errw, "layout worker: time limit passed")
				os.Exit(3)
			})
		}
		res, err := renderInProcess(context.Background(), dot)
		if timer != nil {
			timer.Stop()
		}
		status := byte(0)
		if err != nil {
			status, res = 1, []byte(err.Error())
		}
		binary.LittleEndian.PutUint64(head[:], uint64(len(res)))
		w.WriteByte(status)
		w.Write(head[:])
		w.Write(res)
		if err := w.Flush(); err != nil {
			fmt.Fprintln(errw, "layout worker: writing:", err)
			return 2
		}
		if status != 0 {
			return 2 // Graphviz may be broken in this process: let a new one serve
		}
	}
}

// watchOwnMemory stops this worker when its memory passes limit.
func watchOwnMemory(limit int64, errw io.Writer) {
	for range time.Tick(memPoll) {
		if n, ok := ownMemory(); ok && n > limit {
			fmt.Fprintf(errw, "layout worker: memory limit of %s passed (%s in use)\n", formatBytes(limit), formatBytes(n))
			os.Exit(workerExitMemory)
		}
	}
}

// workerSlots bounds the layouts running in workers at once: a layout
// keeps one core busy.
var workerSlots = make(chan struct{}, max(1, runtime.NumCPU()))

// parentWatchesMemory: this process watches the RSS of its workers (tests
// turn it off to see a worker stop itself).
var parentWatchesMemory = rssReadable

// Counters, for tests and benchmarks: workerStarts counts worker processes
// started, workerJobs layouts handed to workers (a remembered failure
// hands none).
var workerStarts, workerJobs atomic.Int64

// errNoWorker: this process cannot start a worker (no executable path, or
// it does not start).
var errNoWorker = errors.New("layout: cannot start a worker process")

// errWorkerTimedOut: the worker was killed at the time limit.
var errWorkerTimedOut = errors.New("layout: worker killed at the time limit")

// errWorkerOverMemory: the worker was killed, or stopped itself, over the
// memory limit.
var errWorkerOverMemory = errors.New("layout: worker killed over the memory limit")

// A worker is one worker process.
type worker struct {
	cmd           *exec.Cmd
	in            io.WriteCloser
	out           *bufio.Reader
	stderr        *tailBuffer
	limit         time.Duration // as its environment says
	memLimit      int64
	jobs          int
	exited        chan struct{} // closed once the process is reaped
	waitErr       error         // set before exited closes
	killedOverMem atomic.Bool
}

// pool holds the idle workers, at most one per slot.
var pool struct {
	sync.Mutex
	idle []*worker
}

// startWorker starts a worker process with these limits.
func startWorker(limit time.Duration, memLimit int64) (*worker, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, errNoWorker
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), workerEnv+"=1", workerLimitEnv+"="+limit.String(),
		workerMemLimitEnv+"="+strconv.FormatInt(max(memLimit, 0), 10))
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, errNoWorker
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, errNoWorker
	}
	w := &worker{cmd: cmd, in: in, out: bufio.NewReader(out), stderr: &tailBuffer{max: 4000},
		limit: limit, memLimit: memLimit, exited: make(chan struct{})}
	cmd.Stderr = w.stderr
	if err := cmd.Start(); err != nil {
		return nil, errNoWorker // the executable is gone, say: lay out in process
	}
	workerStarts.Add(1)
	go func() {
		w.waitErr = cmd.Wait()
		close(w.exited)
	}()
	return w, nil
}

// kill stops the worker for good and waits until it is reaped.
func (w *worker) kill() {
	w.cmd.Process.Kill()
	w.in.Close()
	<-w.exited
}

// retire lets the worker finish: its stdin closed, it exits by itself.
func (w *worker) retire() {
	w.in.Close()
	go func() {
		select {
		case <-w.exited:
		case <-time.After(5 * time.Second):
			w.cmd.Process.Kill()
		}
	}()
}

// getWorker returns an idle worker with these limits, or a new one.
func getWorker(limit time.Duration, memLimit int64) (*worker, error) {
	pool.Lock()
	for len(pool.idle) > 0 {
		w := pool.idle[len(pool.idle)-1]
		pool.idle = pool.idle[:len(pool.idle)-1]
		select {
		case <-w.exited:
			continue // died while idle
		default:
		}
		if w.limit == limit && w.memLimit == memLimit {
			pool.Unlock()
			return w, nil
		}
		w.retire() // other options now
	}
	pool.Unlock()
	return startWorker(limit, memLimit)
}

// putWorker keeps a worker that finished a layout for the next one,
// unless it has grown or worked enough to be retired.
func putWorker(w *worker) {
	recycle := recycleRSS
	if w.memLimit > 0 && w.memLimit/2 < recycle {
		recycle = w.memLimit / 2
	}
	if n, ok := processRSS(w.cmd.Process.Pid); (ok && n > recycle) || w.jobs >= recycleJobs {
		w.retire()
		return
	}
	pool.Lock()
	defer pool.Unlock()
	if len(pool.idle) >= cap(workerSlots) {
		w.retire()
		return
	}
	pool.idle = append(pool.idle, w)
}

// renderInWorker lays out DOT text in a worker process of the pool,
// killed after limit (limit <= 0: no limit but ctx) or when it uses more
// than memLimit bytes (memLimit <= 0: no limit).
func renderInWorker(ctx context.Context, dot []byte, limit time.Duration, memLimit int64) ([]byte, error) {
	select {
	case workerSlots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-workerSlots }()
	graphvizCalls.Add(1)
	for attempt := 0; ; attempt++ {
		w, err := getWorker(limit, memLimit)
		if err != nil {
			return nil, err
		}
		workerJobs.Add(1)
		out, err, reusable := w.do(ctx, dot, limit)
		if reusable {
			putWorker(w)
		}
		// A worker that was idle may have died since (killed from
		// outside): try once more with a new one.
		if err == errWorkerGone && attempt == 0 && w.jobs > 1 {
			continue
		}
		return out, err
	}
}

// errWorkerGone: the worker's pipes closed before it answered.
var errWorkerGone = errors.New("layout: worker process gone")

// do lays out one graph in w. reusable says whether w may serve another.
func (w *worker) do(ctx context.Context, dot []byte, limit time.Duration) (out []byte, err error, reusable bool) {
	w.jobs++
	type answer struct {
		status byte
		data   []byte
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		var head [8]byte
		binary.LittleEndian.PutUint64(head[:], uint64(len(dot)))
		if _, err := w.in.Write(head[:]); err != nil {
			answered <- answer{err: errWorkerGone}
			return
		}
		if _, err := w.in.Write(dot); err != nil {
			answered <- answer{err: errWorkerGone}
			return
		}
		status, err := w.out.ReadByte()
		if err != nil {
			answered <- answer{err: errWorkerGone}
			return
		}
		if _, err := io.ReadFull(w.out, head[:]); err != nil {
			answered <- answer{err: errWorkerGone}
			return
		}
		n := binary.LittleEndian.Uint64(head[:])
		if n > maxRequest {
			answered <- answer{err: errWorkerGone}
			return
		}
		data := make([]byte, n)
		if _, err := io.ReadFull(w.out, data); err != nil {
			answered <- answer{err: errWorkerGone}
			return
		}
		answered <- answer{status: status, data: data}
	}()

	var overMemory atomic.Bool
	stop, watched := make(chan struct{}), make(chan struct{})
	if w.memLimit > 0 && parentWatchesMemory {
		go func() {
			defer close(watched)
			watchMemory(w.cmd.Process, w.memLimit, &overMemory, stop)
		}()
	} else {
		close(watched)
	}
	defer func() { close(stop); <-watched }()
	var timeout <-chan time.Time
	if limit > 0 {
		t := time.NewTimer(limit)
		defer t.Stop()
		timeout = t.C
	}
	var a answer
	select {
	case a = <-answered:
	case <-timeout:
		w.kill()
		return nil, errWorkerTimedOut, false
	case <-ctx.Done():
		w.kill()
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, ctx.Err(), false
		}
		return nil, errWorkerTimedOut, false // the deadline lowered the limit (Run)
	}
	if a.err != nil {
		// The worker died: over its memory (killed by watchMemory, or it
		// stopped itself), or something else.
		close(stop)
		<-watched
		stop = make(chan struct{}) // for the deferred close
		w.kill()
		var ee *exec.ExitError
		if overMemory.Load() || errors.As(w.waitErr, &ee) && ee.ExitCode() == workerExitMemory {
			return nil, errWorkerOverMemory, false
		}
		msg := strings.TrimSpace(w.stderr.String())
		if msg == "" {
			return nil, a.err, false
		}
		return nil, fmt.Errorf("layout: worker process failed: %v: %s", w.waitErr, msg), false
	}
	if a.status != 0 {
		<-w.exited // it exits after an error
		return nil, errors.New(string(a.data)), false
	}
	return a.data, nil, true
}

// A tailBuffer keeps the last max bytes written to it; safe for
// concurrent use.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append([]byte(nil), t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// watchMemory kills p once its resident set passes limit, and then sets
// over. It returns then, or when stop closes. Where the RSS of another
// process cannot be read (not Linux), it returns at once: the worker
// watches itself.
func watchMemory(p *os.Process, limit int64, over *atomic.Bool, stop <-chan struct{}) {
	t := time.NewTicker(memPoll)
	defer t.Stop()
	for {
		n, ok := processRSS(p.Pid)
		if !ok {
			if !rssReadable {
				return
			}
			// Gone already (Wait is about to return), or a moment when
			// /proc could not be read: look again, until stop.
		} else if n > limit {
			// Kill goes through a pidfd, or fails once Wait has reaped
			// the process: it never reaches another process that got its
			// pid, and over is set only when our worker was killed.
			if p.Kill() == nil {
				over.Store(true)
			}
			return
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}
