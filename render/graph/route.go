package graph

import (
	"math"
	"slices"
	"sort"

	"github.com/tmc-dev/tmc/render/layout"
)

// Crossing-true routing.
//
// Graphviz places nodes and clusters well, but it routes an edge with no
// idea of what the clusters mean: a flow between two zones may cut
// through a third one, or clip a node on the way. A reviewer counting
// crossings on the picture must get what `tmc check` says, so after the
// layout every edge is checked: its path may enter only the clusters
// that hold one of its ends (for a flow: the boundaries it crosses, and
// those around both ends), each of those it must cross once, and it may
// pass through no node box but its own two ends. An edge whose Graphviz
// spline breaks a rule is routed again by our own router: an orthogonal
// path with few bends over a sparse grid of lines along the boxes (each
// node and cluster border gives a line `routeGap` px outside it, each
// cluster border one inside too), found by A* with a bend penalty. Nodes,
// inflated by routeGap, block every route; a cluster blocks the routes of
// the edges that must not enter it. A labelled edge laid out through a
// label node is routed through that node's box, so its label stays where
// Graphviz made room for it; other labels move onto the new path when
// they no longer touch it.

const (
	routeGap   = 7   // px kept between a route and the boxes it runs beside
	bendCost   = 40  // px of length one bend is worth
	borderCost = 400 // px of length one cut of a cluster border is worth
	labelTouch = 3   // px: a label this close to its path is on it
	borderEps  = 1   // px: a path less than this inside a box is on its border
	rimCost    = 300 // px of length a point just inside a cluster's border is worth
)

type pt = layout.Point

// noRoute keeps Graphviz's splines as they are (tests compare).
var noRoute bool

// flatten samples a cubic Bézier spline (start point, then groups of
// three control points) into a polyline.
func flatten(s []pt) []pt {
	if len(s) == 0 {
		return nil
	}
	out := []pt{s[0]}
	for i := 1; i+2 < len(s); i += 3 {
		p0, p1, p2, p3 := s[i-1], s[i], s[i+1], s[i+2]
		if straight(p0, p1, p2, p3) {
			out = append(out, p3)
			continue
		}
		const n = 16 // as the geometric test reads the SVG
		for k := 1; k <= n; k++ {
			t := float64(k) / n
			u := 1 - t
			out = append(out, pt{
				X: u*u*u*p0.X + 3*u*u*t*p1.X + 3*u*t*t*p2.X + t*t*t*p3.X,
				Y: u*u*u*p0.Y + 3*u*u*t*p1.Y + 3*u*t*t*p2.Y + t*t*t*p3.Y,
			})
		}
	}
	return out
}

// straight reports whether a cubic piece is a straight line (its control
// points on the chord).
func straight(p0, p1, p2, p3 pt) bool {
	d := dist(p0, p3)
	if d < 1e-9 {
		return dist(p0, p1) < 1e-9 && dist(p0, p2) < 1e-9
	}
	off := func(q pt) float64 {
		return math.Abs((p3.X-p0.X)*(p0.Y-q.Y)-(p0.X-q.X)*(p3.Y-p0.Y)) / d
	}
	return off(p1) < 0.01 && off(p2) < 0.01
}

// insideBox reports whether q lies inside b shrunk by eps on every side.
func insideBox(q pt, b layout.Box, eps float64) bool {
	return q.X > b.X+eps && q.X < b.X+b.Width-eps && q.Y > b.Y+eps && q.Y < b.Y+b.Height-eps
}

// segHitsBox reports whether the segment p-q enters b shrunk by eps.
func segHitsBox(p, q pt, b layout.Box, eps float64) bool {
	x0, y0, x1, y1 := b.X+eps, b.Y+eps, b.X+b.Width-eps, b.Y+b.Height-eps
	if x0 >= x1 || y0 >= y1 {
		return false
	}
	t0, t1 := 0.0, 1.0
	dx, dy := q.X-p.X, q.Y-p.Y
	for _, c := range [4][2]float64{{-dx, p.X - x0}, {dx, x1 - p.X}, {-dy, p.Y - y0}, {dy, y1 - p.Y}} {
		if c[0] == 0 {
			if c[1] <= 0 {
				return false
			}
			continue
		}
		t := c[1] / c[0]
		if c[0] < 0 {
			t0 = math.Max(t0, t)
		} else {
			t1 = math.Min(t1, t)
		}
		if t0 >= t1 {
			return false
		}
	}
	return true
}

// routing is what the router knows of a placed scene.
type routing struct {
	p       *placed
	nodeIdx map[string]int
	clIdx   map[string]int
	parent  []int // cluster index of each cluster's parent, -1 for none
	nodeCl  []int // cluster index of each node, -1 for none
	grid    *grid // built on first need
}

func newRouting(p *placed) *routing {
	r := &routing{p: p, nodeIdx: map[string]int{}, clIdx: map[string]int{}}
	for i, c := range p.sc.clusters {
		r.clIdx[c.key] = i
	}
	for _, c := range p.sc.clusters {
		pi := -1
		if c.parent != "" {
			if j, ok := r.clIdx[c.parent]; ok {
				pi = j
			}
		}
		r.parent = append(r.parent, pi)
	}
	for i, n := range p.sc.nodes {
		r.nodeIdx[n.key] = i
		ci := -1
		if j, ok := r.clIdx[n.cluster]; ok {
			ci = j
		}
		r.nodeCl = append(r.nodeCl, ci)
	}
	return r
}

// An end is where an edge starts or stops: a node's box, or the box of
// a cluster the edge attaches to (compound.go).
type end struct {
	box  layout.Box
	node int // node index, -1 for a cluster
	cl   int // innermost cluster around the end (a cluster's parent), -1 for none
}

// end is the end of an edge with layout key k.
func (r *routing) end(k string) (end, bool) {
	if n, ok := r.nodeIdx[k]; ok {
		return end{r.p.nodes[n], n, r.nodeCl[n]}, true
	}
	if c, ok := r.clIdx[k]; ok {
		return end{r.p.clusters[c], -1, r.parent[c]}, true
	}
	return end{}, false
}

// allowed is the set of clusters the path of e may enter: those holding
// either end, and the clusters it is said to cross.
func (r *routing) allowed(e *edge) []bool {
	ok := make([]bool, len(r.p.sc.clusters))
	for _, k := range []string{e.from, e.to} {
		if x, found := r.end(k); found {
			for c := x.cl; c >= 0; c = r.parent[c] {
				ok[c] = true
			}
		}
	}
	for _, x := range e.crosses {
		if c, found := r.clIdx[x.cluster]; found {
			ok[c] = true
		}
	}
	return ok
}

// holds reports whether cluster c holds end n (directly or not).
func (r *routing) holds(c int, n end) bool {
	for x := n.cl; x >= 0; x = r.parent[x] {
		if x == c {
			return true
		}
	}
	return false
}

// sound reports whether a polyline path of edge e obeys the rules: it
// enters no cluster outside ok, crosses the border of each cluster that
// holds exactly one end once and of the others in ok never, and passes
// through no node box but its ends.
func (r *routing) sound(e *edge, path []pt, ok []bool) bool {
	if len(path) < 2 {
		return false
	}
	a, _ := r.end(e.from)
	b, _ := r.end(e.to)
	for i, nb := range r.p.nodes {
		if i == a.node || i == b.node {
			continue
		}
		for k := 1; k < len(path); k++ {
			if segHitsBox(path[k-1], path[k], nb, 1) {
				return false
			}
		}
	}
	for c, cb := range r.p.clusters {
		if !ok[c] {
			for k := 1; k < len(path); k++ {
				if segHitsBox(path[k-1], path[k], cb, 0.5) {
					return false
				}
			}
			continue
		}
		want := 0
		if r.holds(c, a) != r.holds(c, b) {
			want = 1
		}
		if borderCuts(path, cb) != want {
			return false
		}
	}
	return true
}

// borderCuts counts how often a polyline cuts the border of b. A path
// less than borderEps px inside runs on the border, not through it.
func borderCuts(path []pt, b layout.Box) int {
	n := 0
	for k := 1; k < len(path); k++ {
		in0, in1 := insideBox(path[k-1], b, borderEps), insideBox(path[k], b, borderEps)
		switch {
		case in0 != in1:
			n++
		case !in0 && segHitsBox(path[k-1], path[k], b, borderEps):
			n += 2
		}
	}
	return n
}

// route checks every edge of a placed scene and routes again those whose
// path breaks the rules. Loops are left as Graphviz drew them.
func route(p *placed) {
	if noRoute {
		return
	}
	r := newRouting(p)
	labelNodes := p.sc.labelNodes()
	var moved []int // edges whose label must find a new place
	for i, e := range p.sc.edges {
		if e.from == e.to {
			continue
		}
		a, okA := r.end(e.from)
		b, okB := r.end(e.to)
		if !okA || !okB {
			continue
		}
		ok := r.allowed(e)
		if r.sound(e, flatten(p.edges[i].Spline), ok) {
			continue
		}
		if r.grid == nil {
			r.grid = newGrid(p)
		}
		var path []pt
		if len(e.lines) > 0 && labelNodes {
			lb := p.edges[i].Label
			p1 := r.grid.find(r, boxEnd{a.box, a.node}, boxEnd{lb, -1}, ok)
			p2 := r.grid.find(r, boxEnd{lb, -1}, boxEnd{b.box, b.node}, ok)
			if p1 != nil && p2 != nil {
				c := pt{X: lb.X + lb.Width/2, Y: lb.Y + lb.Height/2}
				path = append(append(p1, c), p2...)
			}
		} else {
			path = r.grid.find(r, boxEnd{a.box, a.node}, boxEnd{b.box, b.node}, ok)
		}
		if path == nil || !r.sound(e, path, ok) {
			continue // no better route: keep Graphviz's
		}
		p.edges[i].Spline = polySpline(simplify(path))
		if len(e.lines) > 0 && !labelNodes && boxPathDist(p.edges[i].Label, path) > labelTouch {
			moved = append(moved, i)
		}
	}
	if !labelNodes {
		// Graphviz places external labels clear of nodes but not of
		// cluster labels: move those that cover one.
		for i, e := range p.sc.edges {
			if len(e.lines) == 0 || slices.Contains(moved, i) {
				continue
			}
			for _, cl := range p.clusterLabels {
				if boxesOverlap(p.edges[i].Label, cl) {
					moved = append(moved, i)
					break
				}
			}
		}
	}
	for _, i := range moved {
		relabel(p, i)
	}
}

// polySpline is a polyline as a spline of straight cubic pieces.
func polySpline(path []pt) []pt {
	s := []pt{path[0]}
	for k := 1; k < len(path); k++ {
		s = append(s, bridge(path[k-1], path[k])...)
	}
	return s
}

// simplify drops repeated points and points in the middle of a straight
// run.
func simplify(path []pt) []pt {
	var out []pt
	for _, q := range path {
		if len(out) > 0 && dist(out[len(out)-1], q) < 0.01 {
			continue
		}
		if len(out) >= 2 {
			o, m := out[len(out)-2], out[len(out)-1]
			if math.Abs((m.X-o.X)*(q.Y-o.Y)-(m.Y-o.Y)*(q.X-o.X)) < 0.01 &&
				(m.X-o.X)*(q.X-m.X)+(m.Y-o.Y)*(q.Y-m.Y) >= 0 {
				out[len(out)-1] = q
				continue
			}
		}
		out = append(out, q)
	}
	return out
}

// boxPathDist is the distance from a box to the nearest point of a
// polyline.
func boxPathDist(b layout.Box, path []pt) float64 {
	best := math.Inf(1)
	for k := 1; k < len(path); k++ {
		if segHitsBox(path[k-1], path[k], b, 0) {
			return 0
		}
		for _, q := range []pt{path[k-1], path[k]} {
			dx := math.Max(math.Max(b.X-q.X, 0), q.X-(b.X+b.Width))
			dy := math.Max(math.Max(b.Y-q.Y, 0), q.Y-(b.Y+b.Height))
			best = math.Min(best, math.Hypot(dx, dy))
		}
	}
	return best
}

// relabel moves the label of edge i onto its path: centred on the first
// point, from the middle outwards, where it overlaps no node, no cluster
// label and no other edge label; at the middle when there is none.
func relabel(p *placed, i int) {
	path := flatten(p.edges[i].Spline)
	lb := p.edges[i].Label
	free := func(c pt) bool {
		x := layout.Box{X: c.X - lb.Width/2, Y: c.Y - lb.Height/2, Width: lb.Width, Height: lb.Height}
		if x.X < 0 || x.Y < 0 || x.X+x.Width > p.width || x.Y+x.Height > p.height {
			return false
		}
		for _, nb := range p.nodes {
			if boxesOverlap(x, nb) {
				return false
			}
		}
		for _, cl := range p.clusterLabels {
			if boxesOverlap(x, cl) {
				return false
			}
		}
		for j, e := range p.sc.edges {
			if j != i && len(e.lines) > 0 && boxesOverlap(x, p.edges[j].Label) {
				return false
			}
		}
		return true
	}
	length := 0.0
	for k := 1; k < len(path); k++ {
		length += dist(path[k-1], path[k])
	}
	at := func(f float64) pt {
		d := f * length
		for k := 1; k < len(path); k++ {
			s := dist(path[k-1], path[k])
			if d <= s && s > 0 {
				return lerp(path[k-1], path[k], d/s)
			}
			d -= s
		}
		return path[len(path)-1]
	}
	place := func(c pt) {
		p.edges[i].Label = layout.Box{X: c.X - lb.Width/2, Y: c.Y - lb.Height/2, Width: lb.Width, Height: lb.Height}
	}
	// Centred on the path, then beside it, from the middle outwards.
	offsets := []pt{{}, {X: lb.Width/2 + 2}, {X: -lb.Width/2 - 2}, {Y: lb.Height/2 + 2}, {Y: -lb.Height/2 - 2}}
	for _, o := range offsets {
		for k := 0; k <= 36; k++ {
			f := 0.5 + float64((k+1)/2)*0.025*float64(1-2*(k%2))
			c := at(f)
			c.X, c.Y = c.X+o.X, c.Y+o.Y
			if free(c) {
				place(c)
				return
			}
		}
	}
	if old := (pt{X: lb.X + lb.Width/2, Y: lb.Y + lb.Height/2}); free(old) {
		return // nowhere on the path: where it was, clear of everything
	}
	place(at(0.5))
}

func boxesOverlap(a, b layout.Box) bool {
	const eps = 0.5
	return a.X+eps < b.X+b.Width && b.X+eps < a.X+a.Width && a.Y+eps < b.Y+b.Height && b.Y+eps < a.Y+a.Height
}

// A grid is the sparse orthogonal grid of a placed scene: the lines a
// route may follow, and for each crossing of two lines the node it lies
// in (inflated by routeGap) and the innermost cluster around it.
type grid struct {
	xs, ys []float64
	node   []int32 // per point (i + j*len(xs)): node index, or -1
	clus   []int32 // per point: innermost cluster index, or -1
	// rim: per point, whether it lies just inside a cluster's border, where
	// a path would read as on the border (borderEps), not inside: such
	// points cost rimCost (nested clusters 8 px apart give them).
	rim []bool
	// A* state, reused between searches: per point and direction.
	cost  []float64
	from  []int32
	stamp []uint32
	gen   uint32
	q     pq // the open set, reused
}

func newGrid(p *placed) *grid {
	var xs, ys []float64
	for _, b := range p.nodes {
		xs = append(xs, b.X-routeGap, b.X+b.Width+routeGap, b.X+b.Width/2)
		ys = append(ys, b.Y-routeGap, b.Y+b.Height+routeGap, b.Y+b.Height/2)
	}
	ends := map[string]bool{} // clusters an edge attaches to get their middle lines, for ports
	for _, e := range p.sc.edges {
		ends[e.from], ends[e.to] = true, true
	}
	for i, b := range p.clusters {
		xs = append(xs, b.X-routeGap, b.X+routeGap, b.X+b.Width-routeGap, b.X+b.Width+routeGap)
		ys = append(ys, b.Y-routeGap, b.Y+routeGap, b.Y+b.Height-routeGap, b.Y+b.Height+routeGap)
		if ends[p.sc.clusters[i].key] {
			xs = append(xs, b.X+b.Width/2)
			ys = append(ys, b.Y+b.Height/2)
		}
	}
	for _, ep := range p.edges {
		if ep.Label.Width > 0 {
			xs = append(xs, ep.Label.X-routeGap, ep.Label.X+ep.Label.Width+routeGap, ep.Label.X+ep.Label.Width/2)
			ys = append(ys, ep.Label.Y-routeGap, ep.Label.Y+ep.Label.Height+routeGap, ep.Label.Y+ep.Label.Height/2)
		}
	}
	g := &grid{xs: uniq(xs), ys: uniq(ys)}
	n := len(g.xs) * len(g.ys)
	g.node = make([]int32, n)
	g.clus = make([]int32, n)
	for k := range g.node {
		g.node[k], g.clus[k] = -1, -1
	}
	// Clusters come parents first, so the last one painted is the
	// innermost.
	for c, b := range p.clusters {
		g.paint(g.clus, int32(c), b.X, b.Y, b.X+b.Width, b.Y+b.Height)
	}
	for i, b := range p.nodes {
		g.paint(g.node, int32(i), b.X-routeGap, b.Y-routeGap, b.X+b.Width+routeGap, b.Y+b.Height+routeGap)
	}
	g.rim = make([]bool, n)
	span := func(v []float64, lo, hi float64) (int, int) { // indexes of lo < v < hi
		return sort.SearchFloat64s(v, math.Nextafter(lo, math.Inf(1))), sort.SearchFloat64s(v, hi)
	}
	for _, b := range p.clusters {
		const w = borderEps + 0.5
		x0, x1 := span(g.xs, b.X, b.X+b.Width)
		y0, y1 := span(g.ys, b.Y, b.Y+b.Height)
		mark := func(i0, i1, j0, j1 int) {
			for j := max(j0, y0); j < min(j1, y1); j++ {
				for i := max(i0, x0); i < min(i1, x1); i++ {
					g.rim[i+j*len(g.xs)] = true
				}
			}
		}
		a, c := span(g.xs, b.X, b.X+w)
		mark(a, c, y0, y1)
		a, c = span(g.xs, b.X+b.Width-w, b.X+b.Width)
		mark(a, c, y0, y1)
		a, c = span(g.ys, b.Y, b.Y+w)
		mark(x0, x1, a, c)
		a, c = span(g.ys, b.Y+b.Height-w, b.Y+b.Height)
		mark(x0, x1, a, c)
	}
	g.cost = make([]float64, 4*n)
	g.from = make([]int32, 4*n)
	g.stamp = make([]uint32, 4*n)
	return g
}

// paint sets v on every point strictly inside the rectangle (by 0.25 px).
func (g *grid) paint(a []int32, v int32, x0, y0, x1, y1 float64) {
	const eps = 0.25
	i0 := sort.SearchFloat64s(g.xs, x0+eps)
	j0 := sort.SearchFloat64s(g.ys, y0+eps)
	for j := j0; j < len(g.ys) && g.ys[j] < y1-eps; j++ {
		for i := i0; i < len(g.xs) && g.xs[i] < x1-eps; i++ {
			a[i+j*len(g.xs)] = v
		}
	}
}

// uniq sorts and merges values closer than 0.5 px.
func uniq(v []float64) []float64 {
	sort.Float64s(v)
	var out []float64
	for _, x := range v {
		if len(out) == 0 || x-out[len(out)-1] >= 0.5 {
			out = append(out, x)
		}
	}
	return out
}

// index is the grid point nearest to (x, y) on both axes, and whether it
// lies within 0.5 px.
func (g *grid) index(x, y float64) (int, bool) {
	near := func(v []float64, x float64) (int, bool) {
		i := sort.SearchFloat64s(v, x)
		best := -1
		for _, k := range []int{i - 1, i} {
			if k >= 0 && k < len(v) && (best < 0 || math.Abs(v[k]-x) < math.Abs(v[best]-x)) {
				best = k
			}
		}
		return best, best >= 0 && math.Abs(v[best]-x) < 0.5
	}
	i, ok1 := near(g.xs, x)
	j, ok2 := near(g.ys, y)
	return i + j*len(g.xs), ok1 && ok2
}

// A boxEnd is one end of a route: a box, and the node it is (-1 for an
// edge's label box).
type boxEnd struct {
	b    layout.Box
	node int
}

// Directions: right, down, left, up.
var dirs = [4][2]int{{1, 0}, {0, 1}, {-1, 0}, {0, -1}}

// port is where a route leaves or enters a box on side d (a direction out
// of the box): the middle of that side, and the grid point routeGap px
// out from it.
func port(b layout.Box, d int) (border, out pt) {
	cx, cy := b.X+b.Width/2, b.Y+b.Height/2
	switch d {
	case 0:
		border = pt{X: b.X + b.Width, Y: cy}
	case 1:
		border = pt{X: cx, Y: b.Y + b.Height}
	case 2:
		border = pt{X: b.X, Y: cy}
	default:
		border = pt{X: cx, Y: b.Y}
	}
	out = pt{X: border.X + float64(dirs[d][0])*routeGap, Y: border.Y + float64(dirs[d][1])*routeGap}
	return border, out
}

// find routes from box s to box t, entering only the clusters in ok, and
// returns the polyline from the border of s to the border of t, or nil.
func (g *grid) find(r *routing, s, t boxEnd, ok []bool) []pt {
	nx := len(g.xs)
	free := func(k int) bool {
		if g.node[k] >= 0 {
			return false
		}
		c := g.clus[k]
		return c < 0 || ok[c]
	}
	g.gen++
	if g.gen == 0 { // wrapped: clear
		clear(g.stamp)
		g.gen = 1
	}
	var goal [4]int // grid point of each target port, -1 if unusable
	var goalBorder [4]pt
	for d := 0; d < 4; d++ {
		border, out := port(t.b, d)
		k, on := g.index(out.X, out.Y)
		goal[d] = -1
		if on && free(k) {
			goal[d], goalBorder[d] = k, border
		}
	}
	// The heuristic, least over the usable goal ports: the Manhattan
	// distance to the port, plus the bends a path must still make to
	// enter t through it (minBends), plus the routeGap from the port to
	// t's border; off the port, plus rimCost if the port is on a rim (the
	// path must still step onto it) and borderCost if it lies in another
	// cluster. It never overestimates, so every route costs what it would
	// with a plain Manhattan heuristic; only ties may fall otherwise.
	type goalPt struct {
		x, y float64
		in   int // direction of entry
		k    int
	}
	var gp [4]goalPt
	ng := 0
	for d := 0; d < 4; d++ {
		if goal[d] >= 0 {
			gp[ng] = goalPt{g.xs[goal[d]%nx], g.ys[goal[d]/nx], (d + 2) % 4, goal[d]}
			ng++
		}
	}
	h := func(st int) float64 {
		k, d := st/4, st%4
		x, y := g.xs[k%nx], g.ys[k/nx]
		best := math.Inf(1)
		for _, p := range gp[:ng] {
			v := math.Abs(p.x-x) + math.Abs(p.y-y) + routeGap + bendCost*float64(minBends(d, p.in, p.x-x, p.y-y))
			if k != p.k {
				if g.rim[p.k] {
					v += rimCost
				}
				if g.clus[k] != g.clus[p.k] {
					v += borderCost
				}
			}
			best = math.Min(best, v)
		}
		return best
	}
	q := &g.q
	*q = (*q)[:0]
	push := func(st int, c float64, prev int32) {
		if g.stamp[st] == g.gen && g.cost[st] <= c {
			return
		}
		g.stamp[st], g.cost[st], g.from[st] = g.gen, c, prev
		q.push(item{st, c + h(st), c})
	}
	var startBorder [4]pt
	for d := 0; d < 4; d++ {
		border, out := port(s.b, d)
		k, on := g.index(out.X, out.Y)
		if on && free(k) {
			startBorder[d] = border
			push(k*4+d, routeGap, -1-int32(d))
		}
	}
	if ng == 0 {
		return nil
	}
	best, bestState, bestGoal := math.Inf(1), -1, -1
	for len(*q) > 0 {
		it := q.pop()
		if it.f >= best {
			break
		}
		st := it.state
		c := g.cost[st]
		if c < it.c { // stale entry: st was reached cheaper since
			continue
		}
		k, d := st/4, st%4
		for gd := 0; gd < 4; gd++ {
			if goal[gd] == k {
				// Enter t on side gd, going in: direction (gd+2)%4.
				extra := float64(routeGap)
				if d != (gd+2)%4 {
					extra += bendCost
				}
				if c+extra < best {
					best, bestState, bestGoal = c+extra, st, gd
				}
			}
		}
		i, j := k%nx, k/nx
		for nd := 0; nd < 4; nd++ {
			if nd == (d+2)%4 {
				continue
			}
			ni, nj := i+dirs[nd][0], j+dirs[nd][1]
			if ni < 0 || nj < 0 || ni >= nx || nj >= len(g.ys) {
				continue
			}
			nk := ni + nj*nx
			if !free(nk) {
				continue
			}
			step := math.Abs(g.xs[ni]-g.xs[i]) + math.Abs(g.ys[nj]-g.ys[j])
			if nd != d {
				step += bendCost
			}
			if g.clus[nk] != g.clus[k] { // a cluster border: cross as few as can be
				step += borderCost
			}
			if g.rim[nk] {
				step += rimCost
			}
			push(nk*4+nd, c+step, int32(st))
		}
	}
	if bestState < 0 {
		return nil
	}
	var rev []pt
	rev = append(rev, goalBorder[bestGoal])
	st := int32(bestState)
	for {
		k := int(st) / 4
		rev = append(rev, pt{X: g.xs[k%nx], Y: g.ys[k/nx]})
		prev := g.from[st]
		if prev < 0 {
			rev = append(rev, startBorder[-1-prev])
			break
		}
		st = prev
	}
	reverse(rev)
	return rev
}

// minBends is the fewest bends (turns on the way, and entering the goal
// in another direction than in) of an orthogonal path heading d that
// reaches a point (dx, dy) away and enters it heading in.
func minBends(d, in int, dx, dy float64) int {
	const eps = 0.25
	along := func(dir int) (fwd, side float64) { // components of (dx, dy) along dir and across it
		ux, uy := float64(dirs[dir][0]), float64(dirs[dir][1])
		return dx*ux + dy*uy, math.Abs(dx*uy - dy*ux)
	}
	fwd, side := along(d)
	straight := side < eps && fwd > -eps // the point lies straight ahead
	switch {
	case d == in:
		if straight {
			return 0
		}
		return 2
	case (d+2)%4 == in:
		if straight {
			return 1 // straight there, entered the wrong way
		}
		return 2
	default: // in is across d: one turn when the point is ahead on both
		fin, _ := along(in)
		if fwd > -eps && fin > -eps {
			return 1
		}
		return 2
	}
}

type item struct {
	state int
	f     float64 // cost so far plus the heuristic
	c     float64 // cost so far when pushed
}

// A pq is a binary min-heap of items by f, then state (a total order, so
// the search is deterministic).
type pq []item

func (a item) less(b item) bool {
	if a.f != b.f {
		return a.f < b.f
	}
	return a.state < b.state
}

func (q *pq) push(it item) {
	h := append(*q, it)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h[i].less(h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
	*q = h
}

func (q *pq) pop() item {
	h := *q
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && h[r].less(h[l]) {
			m = r
		}
		if !h[m].less(h[i]) {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	*q = h
	return top
}
