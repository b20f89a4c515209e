package layout

import (
	"bytes"
	"context"
	"fmt"
	"sync/atomic"

	"github.com/goccy/go-graphviz"
)

// The in-process engine: one graphviz instance for the whole process,
// created on first use, and one lock (a channel, so that waiting for it
// obeys the caller's context) around every call into it. go-graphviz runs
// a single WebAssembly module per process, shared by all instances, and
// is not safe for concurrent use at all.
//
// The instance is never closed and re-created to give memory back: that
// was measured and frees nothing (600 layouts of 50-node graphs: Go heap in
// use 82 MB and RSS 239 MB with one instance, 82 MB and 244 MB when the
// instance was re-created every 50 layouts), because the WebAssembly
// module and its linear memory live as long as the process. Memory is
// bounded instead by the cache and by sending layouts to worker processes
// after Options.MaxInProcess of them (run.go).
var engine = struct {
	lock   chan struct{}
	gv     *graphviz.Graphviz
	broken error // set after a panic inside go-graphviz: never used again
}{lock: make(chan struct{}, 1)}

// engineBroken is engine.broken != nil, readable without the lock.
var engineBroken atomic.Bool

// graphvizCalls counts layouts handed to Graphviz (in process or in a
// worker): tests use it to see that the cache works.
var graphvizCalls atomic.Int64

// renderInProcess lays out DOT text with the in-process engine and returns
// Graphviz's json0 output.
func renderInProcess(ctx context.Context, dot []byte) ([]byte, error) {
	select {
	case engine.lock <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-engine.lock }()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return renderLocked(dot)
}

func renderLocked(dot []byte) (out []byte, err error) {
	if engine.broken != nil {
		return nil, engine.broken
	}
	graphvizCalls.Add(1)
	defer func() {
		if r := recover(); r != nil {
			engine.broken = fmt.Errorf("layout: Graphviz crashed: %v", r)
			engineBroken.Store(true)
			out, err = nil, engine.broken
		}
	}()
	if engine.gv == nil {
		gv, err := graphviz.New(context.Background())
		if err != nil {
			return nil, fmt.Errorf("layout: starting Graphviz: %v", err)
		}
		engine.gv = gv
	}
	g, err := graphviz.ParseBytes(dot)
	if err != nil {
		return nil, fmt.Errorf("layout: Graphviz rejected the graph: %v", err)
	}
	defer g.Close()
	var buf bytes.Buffer
	inProcessRenders.Add(1)
	if err := engine.gv.Render(context.Background(), g, "json0", &buf); err != nil {
		return nil, fmt.Errorf("layout: Graphviz failed: %v", err)
	}
	return buf.Bytes(), nil
}
