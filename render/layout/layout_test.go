package layout

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	MaybeServeWorker() // the worker tests start this binary again as a worker
	os.Exit(m.Run())
}

// withOptions sets layout options for one test.
func withOptions(t testing.TB, o Options) {
	t.Helper()
	old := currentOptions.Load()
	Configure(o)
	t.Cleanup(func() { currentOptions.Store(old) })
}

// withoutCache turns the cache off for one test.
func withoutCache(t testing.TB) {
	t.Helper()
	cacheDisabled = true
	t.Cleanup(func() { cacheDisabled = false })
}

func smallGraph(dir string) *Graph {
	return &Graph{
		Direction: dir,
		Nodes: []Node{
			{ID: `gateway "edge" {x}`, Width: 120, Height: 50, Cluster: "cluster one"},
			{ID: "orders\nservice", Width: 100, Height: 60, Cluster: "cluster one"},
			{ID: "psp <ext> é", Width: 140, Height: 44},
		},
		Clusters: []Cluster{{ID: "cluster one", LabelWidth: 170, LabelHeight: 22}},
		Edges: []Edge{
			{ID: "fwd", From: `gateway "edge" {x}`, To: "orders\nservice", LabelWidth: 90, LabelHeight: 16},
			{ID: "charge", From: "orders\nservice", To: "psp <ext> é", LabelWidth: 75, LabelHeight: 30},
		},
	}
}

const eps = 0.5 // px: Graphviz rounds positions to 1/100 pt and splines to 1/1000

func inside(in, out Box) bool {
	return in.X >= out.X-eps && in.Y >= out.Y-eps &&
		in.X+in.Width <= out.X+out.Width+eps && in.Y+in.Height <= out.Y+out.Height+eps
}

func overlap(a, b Box) bool {
	return a.X+eps < b.X+b.Width && b.X+eps < a.X+a.Width &&
		a.Y+eps < b.Y+b.Height && b.Y+eps < a.Y+a.Height
}

// distToBorder is the distance from p to the outline of b.
func distToBorder(p Point, b Box) float64 {
	x0, y0, x1, y1 := b.X, b.Y, b.X+b.Width, b.Y+b.Height
	if p.X >= x0 && p.X <= x1 && p.Y >= y0 && p.Y <= y1 {
		return math.Min(math.Min(p.X-x0, x1-p.X), math.Min(p.Y-y0, y1-p.Y))
	}
	dx := math.Max(math.Max(x0-p.X, 0), p.X-x1)
	dy := math.Max(math.Max(y0-p.Y, 0), p.Y-y1)
	return math.Hypot(dx, dy)
}

// checkLayout checks the invariants every layout keeps: everything inside
// the drawing, nodes and nested clusters inside their clusters and out of
// label areas, no overlapping nodes, edges from border to border. It
// returns how many edge labels overlap a node or another edge label,
// which placeLabels avoids but cannot rule out when there is no room.
func checkLayout(t *testing.T, g *Graph, r *Result) (labelOverlaps int) {
	t.Helper()
	drawing := Box{0, 0, r.Width, r.Height}
	if len(r.Nodes) != len(g.Nodes) || len(r.Clusters) != len(g.Clusters) || len(r.Edges) != len(g.Edges) {
		t.Fatalf("result has %d nodes, %d clusters, %d edges; want %d, %d, %d",
			len(r.Nodes), len(r.Clusters), len(r.Edges), len(g.Nodes), len(g.Clusters), len(g.Edges))
	}
	for _, n := range g.Nodes {
		b, ok := r.Nodes[n.ID]
		if !ok {
			t.Fatalf("node %q missing", n.ID)
		}
		if b.Width != n.Width || b.Height != n.Height {
			t.Errorf("node %q is %vx%v, want %vx%v", n.ID, b.Width, b.Height, n.Width, n.Height)
		}
		if !inside(b, drawing) {
			t.Errorf("node %q %v outside the drawing %v", n.ID, b, drawing)
		}
		// Inside its cluster and every enclosing one.
		for c := n.Cluster; c != ""; c = parentOf(g, c) {
			if !inside(b, r.Clusters[c]) {
				t.Errorf("node %q %v outside its cluster %q %v", n.ID, b, c, r.Clusters[c])
			}
		}
		for id, l := range r.ClusterLabels {
			if overlap(b, l) {
				t.Errorf("node %q %v overlaps the label area of cluster %q %v", n.ID, b, id, l)
			}
		}
	}
	for i, a := range g.Nodes {
		for _, b := range g.Nodes[i+1:] {
			if overlap(r.Nodes[a.ID], r.Nodes[b.ID]) {
				t.Errorf("nodes %q %v and %q %v overlap", a.ID, r.Nodes[a.ID], b.ID, r.Nodes[b.ID])
			}
		}
	}
	for _, c := range g.Clusters {
		b := r.Clusters[c.ID]
		if !inside(b, drawing) {
			t.Errorf("cluster %q %v outside the drawing", c.ID, b)
		}
		if c.Parent != "" {
			if !inside(b, r.Clusters[c.Parent]) {
				t.Errorf("cluster %q %v outside its parent %q %v", c.ID, b, c.Parent, r.Clusters[c.Parent])
			}
			if l, ok := r.ClusterLabels[c.Parent]; ok && overlap(b, l) {
				t.Errorf("cluster %q %v overlaps the label area of its parent %v", c.ID, b, l)
			}
		}
		l, ok := r.ClusterLabels[c.ID]
		if hasLabel(c.LabelWidth, c.LabelHeight) != ok {
			t.Errorf("cluster %q: label area present %v, want %v", c.ID, ok, !ok)
		}
		if ok {
			if l.Width != c.LabelWidth || l.Height != c.LabelHeight || !inside(l, b) {
				t.Errorf("cluster %q: label area %v, want %vx%v inside %v", c.ID, l, c.LabelWidth, c.LabelHeight, b)
			}
			if l.Y-b.Y > 8 || l.X-b.X > 12 {
				t.Errorf("cluster %q: label area %v not at the top-left of %v", c.ID, l, b)
			}
		}
	}
	for _, e := range g.Edges {
		p, ok := r.Edges[e.ID]
		if !ok {
			t.Fatalf("edge %q missing", e.ID)
		}
		if len(p.Spline) < 4 || (len(p.Spline)-1)%3 != 0 {
			t.Fatalf("edge %q: spline of %d points", e.ID, len(p.Spline))
		}
		for _, pt := range append(p.Spline, p.Arrow) {
			if !inside(Box{pt.X, pt.Y, 0, 0}, drawing) {
				t.Errorf("edge %q: point %v outside the drawing", e.ID, pt)
			}
		}
		if e.From != e.To {
			if d := distToBorder(p.Spline[0], r.Nodes[e.From]); d > 1.5 {
				t.Errorf("edge %q starts %.1f px from the border of %q", e.ID, d, e.From)
			}
			if d := distToBorder(p.Arrow, r.Nodes[e.To]); d > 1.5 {
				t.Errorf("edge %q: arrow tip %.1f px from the border of %q", e.ID, d, e.To)
			}
			head := math.Hypot(p.Arrow.X-p.Spline[len(p.Spline)-1].X, p.Arrow.Y-p.Spline[len(p.Spline)-1].Y)
			if head < 8 || head > 12 {
				t.Errorf("edge %q: arrow head %.1f px long, want about 10", e.ID, head)
			}
		}
		if hasLabel(e.LabelWidth, e.LabelHeight) {
			if p.Label.Width != e.LabelWidth || p.Label.Height != e.LabelHeight || !inside(p.Label, drawing) {
				t.Errorf("edge %q: label %v, want %vx%v inside the drawing", e.ID, p.Label, e.LabelWidth, e.LabelHeight)
			}
			for _, n := range g.Nodes {
				if overlap(p.Label, r.Nodes[n.ID]) {
					labelOverlaps++
				}
			}
			for id, l := range r.ClusterLabels {
				if overlap(p.Label, l) {
					t.Errorf("edge %q: label %v overlaps the label area of cluster %q", e.ID, p.Label, id)
				}
			}
		} else if p.Label != (Box{}) {
			t.Errorf("edge %q has no label but a label box %v", e.ID, p.Label)
		}
	}
	for i, a := range g.Edges {
		for _, b := range g.Edges[i+1:] {
			if hasLabel(a.LabelWidth, a.LabelHeight) && hasLabel(b.LabelWidth, b.LabelHeight) &&
				overlap(r.Edges[a.ID].Label, r.Edges[b.ID].Label) {
				labelOverlaps++
			}
		}
	}
	return labelOverlaps
}

func parentOf(g *Graph, cluster string) string {
	for _, c := range g.Clusters {
		if c.ID == cluster {
			return c.Parent
		}
	}
	return ""
}

func TestSmallGraph(t *testing.T) {
	for _, dir := range []string{"TB", "LR"} {
		t.Run(dir, func(t *testing.T) {
			g := smallGraph(dir)
			r, err := Run(t.Context(), g)
			if err != nil {
				t.Fatal(err)
			}
			if n := checkLayout(t, g, r); n != 0 {
				t.Errorf("%d edge labels overlap nodes", n)
			}
			// Labels do not overlap each other either.
			if overlap(r.Edges["fwd"].Label, r.Edges["charge"].Label) {
				t.Errorf("edge labels overlap: %v %v", r.Edges["fwd"].Label, r.Edges["charge"].Label)
			}
			// The flow goes the way asked.
			a, b := r.Nodes[g.Nodes[0].ID], r.Nodes[g.Nodes[1].ID]
			if dir == "TB" && !(a.Y+a.Height <= b.Y) || dir == "LR" && !(a.X+a.Width <= b.X) {
				t.Errorf("%s: %v is not before %v", dir, a, b)
			}
		})
	}
}

func TestNestedAndEmptyClusters(t *testing.T) {
	g := &Graph{
		Nodes: []Node{
			{ID: "a", Width: 80, Height: 40, Cluster: "inner"},
			{ID: "b", Width: 80, Height: 40, Cluster: "outer"},
			{ID: "c", Width: 80, Height: 40},
		},
		Clusters: []Cluster{
			{ID: "outer", LabelWidth: 300, LabelHeight: 20},
			{ID: "inner", Parent: "outer", LabelWidth: 50, LabelHeight: 40},
			{ID: "empty", Parent: "outer", LabelWidth: 60, LabelHeight: 18},
			{ID: "bare"}, // no label, no nodes
		},
		Edges: []Edge{{ID: "1", From: "a", To: "b"}, {ID: "2", From: "b", To: "c"}, {ID: "3", From: "c", To: "c", LabelWidth: 20, LabelHeight: 10}},
	}
	r, err := Run(t.Context(), g)
	if err != nil {
		t.Fatal(err)
	}
	checkLayout(t, g, r)
	if w := r.Clusters["outer"].Width; w < 300+16 {
		t.Errorf("outer cluster is %v wide, narrower than its label", w)
	}
}

func TestDeterministic(t *testing.T) {
	withoutCache(t)
	g := genGraph(40, 60, 4, true, true)
	a, err := Run(t.Context(), g)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(t.Context(), g)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("two layouts of one graph differ")
	}
	p1, _ := buildDOT(g)
	p2, _ := buildDOT(genGraph(40, 60, 4, true, true))
	if string(p1.dot) != string(p2.dot) {
		t.Error("DOT text differs between two builds")
	}
}

func TestCache(t *testing.T) {
	cache.clear()
	g := smallGraph("TB")
	g.Nodes[2].Width = 141 // a graph no other test lays out
	before := graphvizCalls.Load()
	a, err := Run(t.Context(), g)
	if err != nil {
		t.Fatal(err)
	}
	if n := graphvizCalls.Load() - before; n != 1 {
		t.Fatalf("first Run called Graphviz %d times, want 1", n)
	}
	b, err := Run(t.Context(), g)
	if err != nil {
		t.Fatal(err)
	}
	if n := graphvizCalls.Load() - before; n != 1 {
		t.Errorf("second Run called Graphviz again (%d calls)", n)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("cached result differs")
	}
	// Results share nothing: changing one leaves the next alone.
	a.Nodes[g.Nodes[0].ID] = Box{}
	a.Edges["fwd"].Spline[0] = Point{-1, -1}
	c, _ := Run(t.Context(), g)
	if !reflect.DeepEqual(b, c) {
		t.Error("changing a result changed the cache")
	}
	// Other ids and fractional sizes, same DOT text: a cache hit, with the
	// caller's ids and sizes.
	h := smallGraph("TB")
	h.Nodes[2].Width = 140.6
	for i := range h.Nodes {
		h.Nodes[i].ID = fmt.Sprintf("other%d", i)
	}
	h.Nodes[0].Cluster, h.Nodes[1].Cluster = "k", "k"
	h.Clusters[0].ID = "k"
	h.Edges[0].From, h.Edges[0].To = "other0", "other1"
	h.Edges[1].From, h.Edges[1].To = "other1", "other2"
	d, err := Run(t.Context(), h)
	if err != nil {
		t.Fatal(err)
	}
	if n := graphvizCalls.Load() - before; n != 1 {
		t.Errorf("same DOT text called Graphviz again (%d calls)", n)
	}
	checkLayout(t, h, d)
	if d.Nodes["other2"].Width != 140.6 {
		t.Errorf("cached layout lost the caller's size: %v", d.Nodes["other2"])
	}
}

func TestLRU(t *testing.T) {
	c := newLRU[*rawLayout](2)
	k := func(b byte) cacheKey { return cacheKey{b} }
	c.put(k(1), &rawLayout{})
	c.put(k(2), &rawLayout{})
	c.get(k(1)) // 1 is now the most recent
	c.put(k(3), &rawLayout{})
	if _, ok := c.get(k(2)); ok {
		t.Error("least recently used entry kept")
	}
	if _, ok := c.get(k(1)); !ok {
		t.Error("recently used entry dropped")
	}
	if c.len() != 2 {
		t.Errorf("len %d, want 2", c.len())
	}
	c.delete(k(1))
	if _, ok := c.get(k(1)); ok || c.len() != 1 {
		t.Error("deleted entry kept")
	}

	// Failures of one input merge: it failed under the larger of each limit.
	f := newLRU[failure](2)
	f.merge(k(1), failure{timedOut: time.Second}, failure.worse)
	f.merge(k(1), failure{overMemory: 64 << 20}, failure.worse)
	f.merge(k(1), failure{timedOut: 500 * time.Millisecond}, failure.worse)
	if got, _ := f.get(k(1)); got != (failure{timedOut: time.Second, overMemory: 64 << 20}) {
		t.Errorf("merged failure %+v", got)
	}
}

func TestConcurrent(t *testing.T) {
	withoutCache(t) // every goroutine really lays out
	graphs := make([]*Graph, 8)
	for i := range graphs {
		graphs[i] = genGraph(10+i*3, 12+i*4, 1+i%3, i%2 == 0, true)
	}
	want := make([]*Result, len(graphs))
	for i, g := range graphs {
		r, err := Run(t.Context(), g)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = r
	}
	var wg sync.WaitGroup
	got := make([]*Result, len(graphs))
	errs := make([]error, len(graphs))
	for i, g := range graphs {
		wg.Go(func() { got[i], errs[i] = Run(t.Context(), g) })
	}
	wg.Wait()
	for i := range graphs {
		if errs[i] != nil {
			t.Fatalf("graph %d: %v", i, errs[i])
		}
		checkLayout(t, graphs[i], got[i])
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("graph %d: concurrent layout differs from the sequential one", i)
		}
	}
}

func TestConcurrentSameGraph(t *testing.T) {
	cache.clear()
	g := genGraph(30, 40, 3, false, true)
	before := graphvizCalls.Load()
	var wg sync.WaitGroup
	res := make([]*Result, 8)
	for i := range res {
		wg.Go(func() {
			r, err := Run(t.Context(), g)
			if err != nil {
				t.Error(err)
			}
			res[i] = r
		})
	}
	wg.Wait()
	if n := graphvizCalls.Load() - before; n != 1 {
		t.Errorf("8 concurrent Runs of one graph called Graphviz %d times, want 1", n)
	}
	for _, r := range res[1:] {
		if !reflect.DeepEqual(r, res[0]) {
			t.Fatal("results differ")
		}
	}
}

// The worker process gives exactly what the in-process engine gives.
func TestWorker(t *testing.T) {
	withoutCache(t)
	g := genGraph(60, 90, 5, true, true)
	in, err := Run(t.Context(), g)
	if err != nil {
		t.Fatal(err)
	}
	withOptions(t, Options{Isolate: true})
	before := inProcessRenders.Load()
	out, err := Run(t.Context(), g)
	if err != nil {
		t.Fatal(err)
	}
	if inProcessRenders.Load() != before {
		t.Error("Isolate laid out in process")
	}
	if !reflect.DeepEqual(in, out) {
		t.Error("worker layout differs from the in-process one")
	}
}

// pathological is a graph Graphviz needs far more than a second for.
func pathological() *Graph { return genGraph(400, 2000, 40, true, true) }

func TestTimeout(t *testing.T) {
	cache.clear()
	withOptions(t, Options{Limit: 300 * time.Millisecond})
	g := pathological()
	start := time.Now()
	_, err := Run(t.Context(), g)
	took := time.Since(start)
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a *TimeoutError", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Error("TimeoutError does not match context.DeadlineExceeded")
	}
	if te.Limit != 300*time.Millisecond || te.Nodes != 400 || te.Edges != 2000 {
		t.Errorf("TimeoutError = %+v", te)
	}
	if !strings.Contains(err.Error(), "too large") || !strings.Contains(err.Error(), "include/exclude") {
		t.Errorf("message %q does not say what to do", err)
	}
	if took > 3*time.Second {
		t.Errorf("Run took %v with a limit of 300ms", took)
	}
}

// A layout that timed out is remembered: the next Run of the same input
// fails without starting a worker and says why; a changed input, or a
// longer limit, is tried again.
func TestRememberedTimeout(t *testing.T) {
	cache.clear()
	failures.clear()
	withOptions(t, Options{Limit: 300 * time.Millisecond})
	g := pathological()
	starts := workerJobs.Load()
	_, err := Run(t.Context(), g)
	var te *TimeoutError
	if !errors.As(err, &te) || te.Remembered {
		t.Fatalf("first Run: err = %v, want a fresh *TimeoutError", err)
	}
	if n := workerJobs.Load() - starts; n != 1 {
		t.Fatalf("first Run started %d workers, want 1", n)
	}
	if strings.Contains(err.Error(), "earlier") {
		t.Errorf("first failure says it is remembered: %q", err)
	}

	for _, o := range []Options{
		{Limit: 300 * time.Millisecond},
		{Limit: 200 * time.Millisecond},                       // a shorter limit fails too
		{Limit: 300 * time.Millisecond, MemoryLimit: 1 << 40}, // more memory does not help
	} {
		withOptions(t, o)
		starts = workerJobs.Load()
		_, err = Run(t.Context(), g)
		if n := workerJobs.Load() - starts; n != 0 {
			t.Errorf("%+v: Run of an input that timed out started %d workers, want 0", o, n)
		}
		if !errors.As(err, &te) || !te.Remembered || te.Limit != 300*time.Millisecond {
			t.Errorf("%+v: err = %#v, want the remembered *TimeoutError of 300ms", o, err)
		} else if !strings.Contains(err.Error(), "timed out earlier for this same input") ||
			!strings.Contains(err.Error(), "include/exclude") {
			t.Errorf("%+v: message %q does not say it is remembered and what to do", o, err)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%+v: remembered TimeoutError does not match context.DeadlineExceeded", o)
		}
	}

	// A different input is tried.
	withOptions(t, Options{Limit: 300 * time.Millisecond})
	h := pathological()
	h.Nodes[0].Width++
	starts = workerJobs.Load()
	_, err = Run(t.Context(), h)
	if n := workerJobs.Load() - starts; n != 1 {
		t.Errorf("a changed input started %d workers, want 1", n)
	}
	if !errors.As(err, &te) || te.Remembered {
		t.Errorf("changed input: err = %v, want a fresh *TimeoutError", err)
	}
	// So is the same input under a longer limit.
	withOptions(t, Options{Limit: 400 * time.Millisecond})
	starts = workerJobs.Load()
	_, err = Run(t.Context(), g)
	if n := workerJobs.Load() - starts; n != 1 {
		t.Errorf("a longer limit started %d workers, want 1", n)
	}
	if !errors.As(err, &te) || te.Remembered || te.Limit != 400*time.Millisecond {
		t.Errorf("longer limit: err = %v, want a fresh *TimeoutError of 400ms", err)
	}
}

// A worker that uses more memory than Options.MemoryLimit is killed, and
// the layout fails with a *MemoryError naming the limit; the failure is
// remembered like a timeout.
func TestMemoryLimit(t *testing.T) {
	for _, parentWatches := range []bool{true, false} {
		t.Run(fmt.Sprintf("parentWatches=%v", parentWatches), func(t *testing.T) {
			if parentWatches && !rssReadable {
				t.Skip("the RSS of a worker cannot be read here")
			}
			old := parentWatchesMemory
			parentWatchesMemory = parentWatches // false: the worker stops itself
			t.Cleanup(func() { parentWatchesMemory = old })
			cache.clear()
			failures.clear()
			const limit = 64 << 20
			// The time limit only keeps the test from hanging: the graph
			// passes 64 MiB within about a second and needs far more
			// than a minute.
			withOptions(t, Options{Limit: time.Minute, MemoryLimit: limit})
			g := pathological()
			_, err := Run(t.Context(), g)
			var me *MemoryError
			if !errors.As(err, &me) {
				t.Fatalf("err = %v, want a *MemoryError", err)
			}
			if me.Limit != limit || me.Nodes != 400 || me.Edges != 2000 || me.Remembered {
				t.Errorf("MemoryError = %+v", me)
			}
			if msg := err.Error(); !strings.Contains(msg, "too large to lay out within the memory limit of 64 MiB") ||
				!strings.Contains(msg, "include/exclude") {
				t.Errorf("message %q does not name the limit and say what to do", msg)
			}

			starts := workerJobs.Load()
			_, err = Run(t.Context(), g)
			if n := workerJobs.Load() - starts; n != 0 {
				t.Errorf("second Run started %d workers, want 0", n)
			}
			if !errors.As(err, &me) || !me.Remembered ||
				!strings.Contains(err.Error(), "went over the memory limit earlier for this same input") {
				t.Errorf("second Run: err = %v, want the remembered *MemoryError", err)
			}
		})
	}
}

func TestContextDeadline(t *testing.T) {
	withoutCache(t)
	ctx, cancel := context.WithTimeout(t.Context(), 400*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Run(ctx, pathological())
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a *TimeoutError", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Run took %v under a 400ms deadline", took)
	}
	// A context that already ended does not start anything.
	cancel()
	if _, err := Run(ctx, smallGraph("TB")); !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ended context: err = %v", err)
	}
}

func TestInvalidGraphs(t *testing.T) {
	for name, g := range map[string]*Graph{
		"duplicate node":     {Nodes: []Node{{ID: "a"}, {ID: "a"}}},
		"duplicate cluster":  {Clusters: []Cluster{{ID: "c"}, {ID: "c"}}},
		"duplicate edge":     {Nodes: []Node{{ID: "a"}}, Edges: []Edge{{ID: "e", From: "a", To: "a"}, {ID: "e", From: "a", To: "a"}}},
		"unknown cluster":    {Nodes: []Node{{ID: "a", Cluster: "x"}}},
		"unknown parent":     {Clusters: []Cluster{{ID: "c", Parent: "x"}}},
		"cluster cycle":      {Clusters: []Cluster{{ID: "c", Parent: "d"}, {ID: "d", Parent: "c"}}},
		"unknown from":       {Nodes: []Node{{ID: "a"}}, Edges: []Edge{{ID: "e", From: "x", To: "a"}}},
		"unknown to":         {Nodes: []Node{{ID: "a"}}, Edges: []Edge{{ID: "e", From: "a", To: "x"}}},
		"direction":          {Direction: "BT"},
		"NaN size":           {Nodes: []Node{{ID: "a", Width: math.NaN()}}},
		"negative label":     {Nodes: []Node{{ID: "a"}}, Edges: []Edge{{ID: "e", From: "a", To: "a", LabelWidth: -1}}},
		"huge cluster label": {Clusters: []Cluster{{ID: "c", LabelWidth: 1e9}}},
	} {
		if _, err := Run(t.Context(), g); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	r, err := Run(t.Context(), &Graph{})
	if err != nil || len(r.Nodes) != 0 {
		t.Errorf("empty graph: %v, %v", r, err)
	}
}

// Generated DFD-like graphs keep every invariant; labels overlapping nodes
// are counted, not failed (Graphviz does not promise xlabels never do).
func TestGenerated(t *testing.T) {
	withOptions(t, Options{Limit: -1})
	for _, c := range []struct {
		nodes, edges, clusters int
		nested                 bool
	}{{50, 75, 5, false}, {80, 120, 8, true}} {
		g := genGraph(c.nodes, c.edges, c.clusters, c.nested, true)
		r, err := Run(t.Context(), g)
		if err != nil {
			t.Fatal(err)
		}
		n := checkLayout(t, g, r)
		if dir := os.Getenv("TMC_LAYOUT_SVG_DIR"); dir != "" { // to look at them
			writeDebugSVG(fmt.Sprintf("%s/generated-%d.svg", dir, c.nodes), g, r)
		}
		t.Logf("%d nodes, %d edges, %d clusters: %.0fx%.0f px, %d label/node overlaps", c.nodes, c.edges, c.clusters, r.Width, r.Height, n)
	}
}

func benchRun(b *testing.B, g *Graph) {
	cacheDisabled = true
	defer func() { cacheDisabled = false }()
	for b.Loop() {
		if _, err := Run(b.Context(), g); err != nil {
			b.Fatal(err)
		}
	}
}

// Cache off: every iteration is a Graphviz layout.
func BenchmarkRun(b *testing.B) {
	withOptions(b, Options{Limit: -1, MemoryLimit: -1, MaxInProcess: -1})
	b.Run("50n-75labelled-5clusters", func(b *testing.B) {
		benchRun(b, genGraph(50, 75, 5, false, true))
	})
	b.Run("200n-400e-10nested", func(b *testing.B) {
		benchRun(b, genGraph(200, 400, 10, true, false))
	})
	b.Run("200n-400labelled-10nested", func(b *testing.B) {
		benchRun(b, genGraph(200, 400, 10, true, true))
	})
	b.Run("worker/50n-75labelled-5clusters", func(b *testing.B) {
		withOptions(b, Options{Isolate: true})
		benchRun(b, genGraph(50, 75, 5, false, true))
	})
	b.Run("worker/200n-400labelled-10nested", func(b *testing.B) {
		withOptions(b, Options{Isolate: true})
		benchRun(b, genGraph(200, 400, 10, true, true))
	})
}

// The Graph-to-Result work around Graphviz: DOT text, hashing, a cache hit.
func BenchmarkRunCached(b *testing.B) {
	g := genGraph(200, 400, 10, true, true)
	if _, err := Run(b.Context(), g); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Run(b.Context(), g); err != nil {
			b.Fatal(err)
		}
	}
}

// TestClusterEnds: an edge attached to a cluster (lhead, ltail) stops at
// the cluster's border, not at the node inside.
func TestClusterEnds(t *testing.T) {
	g := &Graph{
		Nodes: []Node{
			{ID: "out", Width: 80, Height: 40},
			{ID: "in1", Width: 80, Height: 40, Cluster: "box"},
			{ID: "in2", Width: 80, Height: 40, Cluster: "box"},
		},
		Clusters: []Cluster{{ID: "box", LabelWidth: 60, LabelHeight: 18}},
		Edges: []Edge{
			{ID: "to", From: "out", To: "in1", ToCluster: "box"},
			{ID: "from", From: "in2", To: "out", FromCluster: "box"},
		},
	}
	r, err := Run(t.Context(), g)
	if err != nil {
		t.Fatal(err)
	}
	cb := r.Clusters["box"]
	onBorder := func(p Point) bool {
		const eps = 2.5
		inX := p.X >= cb.X-eps && p.X <= cb.X+cb.Width+eps
		inY := p.Y >= cb.Y-eps && p.Y <= cb.Y+cb.Height+eps
		nearX := math.Abs(p.X-cb.X) < eps || math.Abs(p.X-cb.X-cb.Width) < eps
		nearY := math.Abs(p.Y-cb.Y) < eps || math.Abs(p.Y-cb.Y-cb.Height) < eps
		return inX && inY && (nearX || nearY)
	}
	if p := r.Edges["to"].Arrow; !onBorder(p) {
		t.Errorf("edge to the cluster ends at %v, not on its border %v", p, cb)
	}
	if p := r.Edges["from"].Spline[0]; !onBorder(p) {
		t.Errorf("edge from the cluster starts at %v, not on its border %v", p, cb)
	}
	if _, err := buildDOT(&Graph{Nodes: g.Nodes, Clusters: g.Clusters, Edges: []Edge{{ID: "x", From: "out", To: "in1", ToCluster: "nope"}}}); err == nil {
		t.Error("an unknown cluster end was accepted")
	}
}
