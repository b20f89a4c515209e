package layout

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

// drainPool retires the idle workers, so that a test starts from none.
func drainPool(t testing.TB) {
	t.Helper()
	pool.Lock()
	idle := pool.idle
	pool.idle = nil
	pool.Unlock()
	for _, w := range idle {
		w.kill()
	}
}

// Workers live on between layouts: many layouts, one after the other,
// start one worker, give what the in-process engine gives, and a worker
// killed at the time limit is replaced by a new one for the next layout.
// A worker is retired after recycleJobs layouts.
func TestWorkerPool(t *testing.T) {
	withoutCache(t)
	drainPool(t)
	t.Cleanup(func() { drainPool(t) })
	withOptions(t, Options{Isolate: true})
	starts := workerStarts.Load()
	for i := range 6 {
		g := genGraph(20+i, 30, 3, true, true)
		out, err := Run(t.Context(), g)
		if err != nil {
			t.Fatal(err)
		}
		withOptions(t, Options{Isolate: false, MaxInProcess: -1})
		in, err := Run(t.Context(), g)
		if err != nil {
			t.Fatal(err)
		}
		withOptions(t, Options{Isolate: true})
		if !reflect.DeepEqual(in, out) {
			t.Fatalf("layout %d: the pooled worker's layout differs from the in-process one", i)
		}
	}
	if n := workerStarts.Load() - starts; n != 1 {
		t.Fatalf("6 layouts one after the other started %d workers, want 1", n)
	}

	// A layout past the time limit kills its worker; the next layout
	// starts a new one.
	withOptions(t, Options{Isolate: true, Limit: 2 * time.Second}) // the first layout of a worker starts Graphviz too
	drainPool(t)                                                   // the limit is part of a worker's environment
	if _, err := Run(t.Context(), smallGraph("TB")); err != nil {
		t.Fatal(err)
	}
	starts = workerStarts.Load()
	_, err := Run(t.Context(), pathological())
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a *TimeoutError", err)
	}
	if n := workerStarts.Load() - starts; n != 0 {
		t.Fatalf("the timed-out layout started %d workers, want the idle one", n)
	}
	if _, err := Run(t.Context(), smallGraph("LR")); err != nil {
		t.Fatal(err)
	}
	if n := workerStarts.Load() - starts; n != 1 {
		t.Fatalf("after a kill: %d workers started, want 1", n)
	}

	old := recycleJobs
	recycleJobs = 2
	t.Cleanup(func() { recycleJobs = old })
	drainPool(t)
	starts = workerStarts.Load()
	for i := range 4 {
		if _, err := Run(t.Context(), genGraph(10+i, 12, 2, true, true)); err != nil {
			t.Fatal(err)
		}
	}
	if n := workerStarts.Load() - starts; n != 2 {
		t.Fatalf("4 layouts, 2 per worker: %d workers started, want 2", n)
	}
}
