package layout

import (
	"math"
)

// Edge labels are placed here, after Graphviz's layout, not by Graphviz.
// Graphviz's xlabels neither reserve room nor avoid nodes reliably (a 30 px
// label put over the node it leaves in a 3-node graph), and placing them
// tripled the layout time of a 200-node view (1.0 s to 3.4 s). Instead:
// the rank gap is widened to fit most labels (buildDOT), and each label,
// in edge order, takes the first good spot along its edge: beside the
// middle of the edge first, then further along it, then on it. A spot is
// good when it overlaps no node, no cluster label area and no label placed
// before; among spots that are all bad the one with the least overlap
// wins. Crossing other edges or a cluster border only counts against a
// spot. Everything here is in Graphviz coordinates (points, y up).

type rectF struct{ x0, y0, x1, y1 float64 }

func rectAt(c Point, w, h float64) rectF {
	return rectF{c.X - w/2, c.Y - h/2, c.X + w/2, c.Y + h/2}
}

func (a rectF) overlapArea(b rectF) float64 {
	w := math.Min(a.x1, b.x1) - math.Max(a.x0, b.x0)
	h := math.Min(a.y1, b.y1) - math.Max(a.y0, b.y0)
	if w <= 0 || h <= 0 {
		return 0
	}
	return w * h
}

func (a rectF) contains(b rectF) bool {
	return b.x0 >= a.x0 && b.y0 >= a.y0 && b.x1 <= a.x1 && b.y1 <= a.y1
}

// crossesSegment says whether the segment p-q enters r.
func (r rectF) crossesSegment(p, q Point) bool {
	// Liang-Barsky clipping.
	t0, t1 := 0.0, 1.0
	dx, dy := q.X-p.X, q.Y-p.Y
	for _, c := range [4][2]float64{
		{-dx, p.X - r.x0}, {dx, r.x1 - p.X}, {-dy, p.Y - r.y0}, {dy, r.y1 - p.Y},
	} {
		pp, qq := c[0], c[1]
		if pp == 0 {
			if qq < 0 {
				return false
			}
			continue
		}
		t := qq / pp
		if pp < 0 {
			t0 = math.Max(t0, t)
		} else {
			t1 = math.Min(t1, t)
		}
		if t0 > t1 {
			return false
		}
	}
	return true
}

// grid is a uniform spatial index of rectangles.
type grid struct {
	cell  float64
	cells map[[2]int][]int32
	rects []rectF
	seen  []uint32 // query stamps, to report each rect once
	stamp uint32
}

func newGrid(cell float64) *grid { return &grid{cell: cell, cells: make(map[[2]int][]int32)} }

func (g *grid) span(r rectF) (int, int, int, int) {
	return int(math.Floor(r.x0 / g.cell)), int(math.Floor(r.y0 / g.cell)),
		int(math.Floor(r.x1 / g.cell)), int(math.Floor(r.y1 / g.cell))
}

func (g *grid) add(r rectF) int {
	id := int32(len(g.rects))
	g.rects = append(g.rects, r)
	g.seen = append(g.seen, 0)
	x0, y0, x1, y1 := g.span(r)
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			g.cells[[2]int{x, y}] = append(g.cells[[2]int{x, y}], id)
		}
	}
	return int(id)
}

// each calls f for every rect that may meet r, once.
func (g *grid) each(r rectF, f func(id int, s rectF)) {
	g.stamp++
	x0, y0, x1, y1 := g.span(r)
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			for _, id := range g.cells[[2]int{x, y}] {
				if g.seen[id] == g.stamp {
					continue
				}
				g.seen[id] = g.stamp
				f(int(id), g.rects[id])
			}
		}
	}
}

type segment struct {
	p, q Point
	edge int
}

// flatten samples a cubic B-spline (start point, then three points per
// segment) into a polyline.
func flatten(sp []Point) []Point {
	const steps = 8
	out := []Point{sp[0]}
	for i := 0; i+3 < len(sp); i += 3 {
		p0, p1, p2, p3 := sp[i], sp[i+1], sp[i+2], sp[i+3]
		for s := 1; s <= steps; s++ {
			t := float64(s) / steps
			u := 1 - t
			a, b, c, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
			out = append(out, Point{
				a*p0.X + b*p1.X + c*p2.X + d*p3.X,
				a*p0.Y + b*p1.Y + c*p2.Y + d*p3.Y,
			})
		}
	}
	return out
}

// pointAlong is the point at fraction f of a polyline's length, and the
// direction of the polyline there.
func pointAlong(poly []Point, f float64) (Point, Point) {
	total := 0.0
	for i := 1; i < len(poly); i++ {
		total += math.Hypot(poly[i].X-poly[i-1].X, poly[i].Y-poly[i-1].Y)
	}
	want := f * total
	for i := 1; i < len(poly); i++ {
		d := math.Hypot(poly[i].X-poly[i-1].X, poly[i].Y-poly[i-1].Y)
		if want <= d || i == len(poly)-1 {
			t := 0.0
			if d > 0 {
				t = math.Min(want/d, 1)
			}
			return Point{poly[i-1].X + t*(poly[i].X-poly[i-1].X), poly[i-1].Y + t*(poly[i].Y-poly[i-1].Y)},
				Point{poly[i].X - poly[i-1].X, poly[i].Y - poly[i-1].Y}
		}
		want -= d
	}
	return poly[0], Point{}
}

// fractions are where along an edge a label is tried, in order.
var fractions = [...]float64{0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8}

// labelGap is the room between an edge and a label beside it.
const labelGap = 4.0

// placeLabels sets raw.edges[i].label for every edge of g with a label.
// Sizes are the whole px the DOT text holds, so the placement depends on
// the DOT text only.
func placeLabels(g *Graph, raw *rawLayout) {
	hard := newGrid(64)
	for i, n := range g.Nodes {
		hard.add(rectAt(raw.nodes[i], pxSize(n.Width)+2*labelGap, pxSize(n.Height)+2*labelGap))
	}
	for i, c := range g.Clusters {
		if lp := raw.clusterLP[i]; lp != nil {
			hard.add(rectAt(*lp, pxSize(c.LabelWidth), pxSize(c.LabelHeight)))
		}
	}
	segs := newGrid(64)
	var segList []segment
	polys := make([][]Point, len(raw.edges))
	for i, e := range raw.edges {
		poly := append(flatten(e.spline), e.arrow)
		polys[i] = poly
		for j := 1; j < len(poly); j++ {
			p, q := poly[j-1], poly[j]
			segs.add(rectF{math.Min(p.X, q.X), math.Min(p.Y, q.Y), math.Max(p.X, q.X), math.Max(p.Y, q.Y)})
			segList = append(segList, segment{p, q, i})
		}
	}
	clusters := make([]rectF, len(raw.clusters))
	for i, c := range raw.clusters {
		clusters[i] = rectF{c[0], c[1], c[2], c[3]}
	}

	for i, e := range g.Edges {
		if !hasLabel(e.LabelWidth, e.LabelHeight) {
			continue
		}
		w, h := pxSize(e.LabelWidth), pxSize(e.LabelHeight)
		best, bestCost := Point{}, math.Inf(1)
		try := func(c Point, pref float64) bool {
			r := rectAt(c, w, h)
			cost := pref
			hard.each(r, func(_ int, s rectF) {
				if a := r.overlapArea(s); a > 0 {
					cost += 1e6 + 1000*a // any overlap is worse than all soft costs
				}
			})
			if cost >= bestCost {
				return false
			}
			segs.each(r, func(id int, _ rectF) {
				if s := segList[id]; s.edge != i && r.crossesSegment(s.p, s.q) {
					cost += 50
				}
			})
			for _, cl := range clusters {
				if cl.overlapArea(r) > 0 && !cl.contains(r) {
					cost += 20
				}
			}
			if cost < bestCost {
				best, bestCost = c, cost
			}
			return cost == pref // nothing in the way
		}
		pref := 0.0
		found := false
	search:
		for _, f := range fractions {
			p, dir := pointAlong(polys[i], f)
			dx, dy := w/2+labelGap, h/2+labelGap
			beside := [][2]float64{{dx, 0}, {-dx, 0}, {0, dy}, {0, -dy}}
			if math.Abs(dir.X) > math.Abs(dir.Y) { // a flat stretch: above or below first
				beside[0], beside[1], beside[2], beside[3] = beside[2], beside[3], beside[0], beside[1]
			}
			for _, o := range append(beside, [2]float64{dx, dy}, [2]float64{-dx, dy}, [2]float64{dx, -dy}, [2]float64{-dx, -dy}) {
				if try(Point{p.X + o[0], p.Y + o[1]}, pref) {
					found = true
					break search
				}
				pref += 0.01
			}
			if try(p, pref+5) { // on the line: the renderer draws it on a background
				found = true
				break
			}
		}
		// Nothing free near the edge: slide away from it, up to a label's
		// size, before accepting an overlap.
		if !found && bestCost >= 1e6 {
		slide:
			for k := 1.0; k <= 4; k++ {
				for _, f := range fractions[:3] {
					p, _ := pointAlong(polys[i], f)
					dx, dy := w/2+labelGap+k*w/4, h/2+labelGap+k*h/2
					for _, o := range [][2]float64{{dx, 0}, {-dx, 0}, {0, dy}, {0, -dy}} {
						if try(Point{p.X + o[0], p.Y + o[1]}, pref+10*k) {
							break slide
						}
					}
				}
			}
		}
		raw.edges[i].label = &best
		hard.add(rectAt(best, w, h))
	}
}
