package layout

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// The worker: a layout that may run long runs in a child process, the
// current executable started again with TMC_LAYOUT_WORKER=1. The child
// reads DOT text on stdin, writes Graphviz's json0 output on stdout and
// exits; the parent kills it when the time limit passes or, on Linux, when
// its resident set grows over the memory limit. This is the only way to
// stop a layout (WebAssembly ignores contexts), and the memory go-graphviz
// leaks goes away with the child.
//
// The memory limit is on RSS, not on address space: RLIMIT_AS cannot be
// used, since the Go runtime and wazero reserve far more than they touch
// (a worker laying out 50 nodes in 26 MB of RSS had 1.7 GB of virtual
// memory; one at 500 MB RSS, 2.6 GB).
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

// init serves a layout when this process was started as a worker, before
// any other package's init and before main: every binary that links this
// package is a working layout worker, whether or not its main (or a test
// binary's TestMain) remembers to call MaybeServeWorker. Without this, a
// binary that forgot would run its main (or all its tests) again in the
// child.
func init() { MaybeServeWorker() }

// MaybeServeWorker serves one layout and exits when this process is a
// layout worker (TMC_LAYOUT_WORKER=1); otherwise it returns at once.
// Package init already calls it; main may call it first thing too, to make
// the re-exec visible where it happens.
func MaybeServeWorker() {
	if os.Getenv(workerEnv) != "1" {
		return
	}
	os.Exit(serveWorker(os.Stdin, os.Stdout, os.Stderr))
}

func serveWorker(in io.Reader, out, errw io.Writer) int {
	// Belt and braces: should the parent die without killing us, stop
	// anyway a little after its limit.
	if d, err := time.ParseDuration(os.Getenv(workerLimitEnv)); err == nil && d > 0 {
		time.AfterFunc(d+2*time.Second, func() {
			fmt.Fprintln(errw, "layout worker: time limit passed")
			os.Exit(3)
		})
	}
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
	dot, err := io.ReadAll(in)
	if err != nil {
		fmt.Fprintln(errw, "layout worker: reading DOT:", err)
		return 2
	}
	res, err := renderInProcess(context.Background(), dot)
	if err != nil {
		fmt.Fprintln(errw, err)
		return 2
	}
	if _, err := out.Write(res); err != nil {
		fmt.Fprintln(errw, "layout worker: writing:", err)
		return 2
	}
	return 0
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

// workerSlots bounds the worker processes running at once: a layout keeps
// one core busy.
var workerSlots = make(chan struct{}, max(1, runtime.NumCPU()))

// parentWatchesMemory: this process watches the RSS of its workers (tests
// turn it off to see a worker stop itself).
var parentWatchesMemory = rssReadable

// workerStarts counts worker processes started: tests use it to see that a
// remembered failure starts none.
var workerStarts atomic.Int64

// errNoWorker: this process cannot start a worker (no executable path, or
// it does not start).
var errNoWorker = errors.New("layout: cannot start a worker process")

// errWorkerTimedOut: the worker was killed at the time limit.
var errWorkerTimedOut = errors.New("layout: worker killed at the time limit")

// errWorkerOverMemory: the worker was killed, or stopped itself, over the
// memory limit.
var errWorkerOverMemory = errors.New("layout: worker killed over the memory limit")

// renderInWorker lays out DOT text in a child process, killed after limit
// (limit <= 0: no limit but ctx) or when it uses more than memLimit bytes
// (memLimit <= 0: no limit).
func renderInWorker(ctx context.Context, dot []byte, limit time.Duration, memLimit int64) ([]byte, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, errNoWorker
	}
	select {
	case workerSlots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-workerSlots }()
	graphvizCalls.Add(1)

	runCtx, cancel := context.WithCancel(ctx)
	if limit > 0 {
		runCtx, cancel = context.WithTimeout(ctx, limit)
	}
	defer cancel()
	cmd := exec.CommandContext(runCtx, exe) // Cancel kills it (SIGKILL)
	cmd.Env = append(os.Environ(), workerEnv+"=1", workerLimitEnv+"="+limit.String(),
		workerMemLimitEnv+"="+strconv.FormatInt(max(memLimit, 0), 10))
	cmd.Stdin = bytes.NewReader(dot)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		return nil, errNoWorker // the executable is gone, say: lay out in process
	}
	workerStarts.Add(1)
	var overMemory atomic.Bool
	stop, watched := make(chan struct{}), make(chan struct{})
	if memLimit > 0 && parentWatchesMemory {
		go func() {
			defer close(watched)
			watchMemory(cmd.Process, memLimit, &overMemory, stop)
		}()
	} else {
		close(watched)
	}
	err = cmd.Wait()
	close(stop)
	<-watched // overMemory is final
	if err == nil {
		return stdout.Bytes(), nil
	}
	var ee *exec.ExitError
	if overMemory.Load() || errors.As(err, &ee) && ee.ExitCode() == workerExitMemory {
		return nil, errWorkerOverMemory
	}
	if runCtx.Err() != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, ctx.Err()
		}
		return nil, errWorkerTimedOut
	}
	msg := strings.TrimSpace(stderr.String())
	if len(msg) > 2000 {
		msg = msg[:2000] + "..."
	}
	if msg == "" {
		return nil, fmt.Errorf("layout: worker process failed: %v", err)
	}
	return nil, fmt.Errorf("layout: worker process failed: %v: %s", err, msg)
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
