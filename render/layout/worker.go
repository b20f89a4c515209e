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
	"strings"
	"time"
)

// The worker: a layout that may run long runs in a child process, the
// current executable started again with TMC_LAYOUT_WORKER=1. The child
// reads DOT text on stdin, writes Graphviz's json0 output on stdout and
// exits; the parent kills it when the time limit passes. This is the only
// way to stop a layout (WebAssembly ignores contexts), and the memory
// go-graphviz leaks goes away with the child.
const (
	workerEnv      = "TMC_LAYOUT_WORKER"
	workerLimitEnv = "TMC_LAYOUT_WORKER_LIMIT"
)

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

// workerSlots bounds the worker processes running at once: a layout keeps
// one core busy.
var workerSlots = make(chan struct{}, max(1, runtime.NumCPU()))

// errNoWorker: this process cannot start a worker (no executable path, or
// it does not start).
var errNoWorker = errors.New("layout: cannot start a worker process")

// errWorkerTimedOut: the worker was killed at the time limit.
var errWorkerTimedOut = errors.New("layout: worker killed at the time limit")

// renderInWorker lays out DOT text in a child process, killed after limit
// (limit <= 0: no limit but ctx).
func renderInWorker(ctx context.Context, dot []byte, limit time.Duration) ([]byte, error) {
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
	cmd.Env = append(os.Environ(), workerEnv+"=1", workerLimitEnv+"="+limit.String())
	cmd.Stdin = bytes.NewReader(dot)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		return nil, errNoWorker // the executable is gone, say: lay out in process
	}
	err = cmd.Wait()
	if err == nil {
		return stdout.Bytes(), nil
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
