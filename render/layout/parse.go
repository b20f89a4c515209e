package layout

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// gvOutput is the part of Graphviz's "json0" output we read. Graphviz
// writes every attribute as a string; coordinates are in points with y
// growing upwards.
type gvOutput struct {
	BB      string `json:"bb"`
	Objects []struct {
		Name string `json:"name"`
		BB   string `json:"bb"`
		LP   string `json:"lp"`
		Pos  string `json:"pos"`
	} `json:"objects"`
	Edges []struct {
		ID  string `json:"id"`
		Pos string `json:"pos"`
	} `json:"edges"`
}

// rawLayout is Graphviz's answer for one DOT text, indexed like the Graph
// it came from and still in Graphviz coordinates (points, y up). It holds
// no id and no size that the DOT text does not fix, so it is shared by
// every Graph with the same DOT text: it is what the cache keeps.
type rawLayout struct {
	bb        [4]float64 // llx, lly, urx, ury
	nodes     []Point    // centres
	clusters  [][4]float64
	clusterLP []*Point // label centres; nil: no label
	edges     []rawEdge
}

type rawEdge struct {
	spline []Point
	arrow  Point
	label  *Point // label centre (placeLabels); nil: no label
}

// parseOutput reads Graphviz's json0 output for p.
func parseOutput(p *plan, out []byte) (*rawLayout, error) {
	var o gvOutput
	if err := json.Unmarshal(out, &o); err != nil {
		return nil, fmt.Errorf("layout: reading Graphviz output: %v", err)
	}
	g := p.g
	bb, err := parseFloats(o.BB, 4)
	if err != nil {
		return nil, fmt.Errorf("layout: Graphviz output: bad bb %q", o.BB)
	}
	if len(g.Nodes) > 0 && bb[2] == 0 && bb[3] == 0 {
		// Graphviz 12 reports some failures only like this.
		return nil, fmt.Errorf("layout: Graphviz failed to lay out the graph (empty bounding box)")
	}
	raw := &rawLayout{
		bb:        [4]float64{bb[0], bb[1], bb[2], bb[3]},
		nodes:     make([]Point, len(g.Nodes)),
		clusters:  make([][4]float64, len(g.Clusters)),
		clusterLP: make([]*Point, len(g.Clusters)),
		edges:     make([]rawEdge, len(g.Edges)),
	}
	seenNode := make([]bool, len(g.Nodes))
	seenCluster := make([]bool, len(g.Clusters))
	seenEdge := make([]bool, len(g.Edges))
	for _, ob := range o.Objects {
		switch {
		case strings.HasPrefix(ob.Name, "cluster_"):
			i, err := strconv.Atoi(ob.Name[len("cluster_"):])
			if err != nil || i < 0 || i >= len(g.Clusters) {
				continue
			}
			b, err := parseFloats(ob.BB, 4)
			if err != nil {
				return nil, fmt.Errorf("layout: Graphviz output: cluster %q: bad bb %q", g.Clusters[i].ID, ob.BB)
			}
			raw.clusters[i] = [4]float64{b[0], b[1], b[2], b[3]}
			seenCluster[i] = true
			if ob.LP != "" && hasLabel(g.Clusters[i].LabelWidth, g.Clusters[i].LabelHeight) {
				lp, err := parseFloats(ob.LP, 2)
				if err != nil {
					return nil, fmt.Errorf("layout: Graphviz output: cluster %q: bad lp %q", g.Clusters[i].ID, ob.LP)
				}
				raw.clusterLP[i] = &Point{lp[0], lp[1]}
			}
		case strings.HasPrefix(ob.Name, "n"):
			i, err := strconv.Atoi(ob.Name[1:])
			if err != nil || i < 0 || i >= len(g.Nodes) {
				continue
			}
			pos, err := parseFloats(ob.Pos, 2)
			if err != nil {
				return nil, fmt.Errorf("layout: Graphviz output: node %q: bad pos %q", g.Nodes[i].ID, ob.Pos)
			}
			raw.nodes[i] = Point{pos[0], pos[1]}
			seenNode[i] = true
		}
	}
	for _, e := range o.Edges {
		i, err := strconv.Atoi(strings.TrimPrefix(e.ID, "e"))
		if err != nil || !strings.HasPrefix(e.ID, "e") || i < 0 || i >= len(g.Edges) {
			continue
		}
		spline, arrow, err := parseSpline(e.Pos)
		if err != nil {
			return nil, fmt.Errorf("layout: Graphviz output: edge %q: %v", g.Edges[i].ID, err)
		}
		raw.edges[i] = rawEdge{spline: spline, arrow: arrow}
		seenEdge[i] = true
	}
	for i, ok := range seenNode {
		if !ok {
			return nil, fmt.Errorf("layout: Graphviz output lacks node %q", g.Nodes[i].ID)
		}
	}
	for i, ok := range seenCluster {
		if !ok {
			return nil, fmt.Errorf("layout: Graphviz output lacks cluster %q", g.Clusters[i].ID)
		}
	}
	for i, ok := range seenEdge {
		if !ok {
			return nil, fmt.Errorf("layout: Graphviz output lacks edge %q", g.Edges[i].ID)
		}
	}
	placeLabels(g, raw)
	return raw, nil
}

func hasLabel(w, h float64) bool { return w > 0 || h > 0 }

// result turns a raw layout into g's Result: ids and sizes from g, px,
// y growing downwards, origin at the top-left, Margin px of border
// around everything. It shares no memory with raw.
func (raw *rawLayout) result(g *Graph) *Result {
	type rect struct{ cx, cy, w, h float64 }
	nodes := make([]rect, len(g.Nodes))
	for i, n := range g.Nodes {
		nodes[i] = rect{raw.nodes[i].X, raw.nodes[i].Y, n.Width, n.Height}
	}
	clusterLabels := make([]*rect, len(g.Clusters))
	for i, c := range g.Clusters {
		if lp := raw.clusterLP[i]; lp != nil {
			clusterLabels[i] = &rect{lp.X, lp.Y, c.LabelWidth, c.LabelHeight}
		}
	}
	edgeLabels := make([]*rect, len(g.Edges))
	for i, e := range g.Edges {
		if !hasLabel(e.LabelWidth, e.LabelHeight) {
			continue
		}
		c := raw.edges[i].label
		edgeLabels[i] = &rect{c.X, c.Y, e.LabelWidth, e.LabelHeight}
	}

	// Extent: Graphviz's bb, grown by anything that sticks out of it
	// (boxes have the sizes asked for, not the whole px Graphviz got).
	minX, minY, maxX, maxY := raw.bb[0], raw.bb[1], raw.bb[2], raw.bb[3]
	grow := func(x0, y0, x1, y1 float64) {
		minX, minY = math.Min(minX, x0), math.Min(minY, y0)
		maxX, maxY = math.Max(maxX, x1), math.Max(maxY, y1)
	}
	growRect := func(r *rect) {
		if r != nil {
			grow(r.cx-r.w/2, r.cy-r.h/2, r.cx+r.w/2, r.cy+r.h/2)
		}
	}
	for i := range nodes {
		growRect(&nodes[i])
	}
	for _, l := range clusterLabels {
		growRect(l)
	}
	for _, l := range edgeLabels {
		growRect(l)
	}
	for _, c := range raw.clusters {
		grow(c[0], c[1], c[2], c[3])
	}
	for _, e := range raw.edges {
		for _, pt := range e.spline {
			grow(pt.X, pt.Y, pt.X, pt.Y)
		}
		grow(e.arrow.X, e.arrow.Y, e.arrow.X, e.arrow.Y)
	}
	pt := func(p Point) Point { return Point{p.X - minX + Margin, maxY - p.Y + Margin} }
	toBox := func(r *rect) Box {
		if r == nil {
			return Box{}
		}
		c := pt(Point{r.cx, r.cy})
		return Box{c.X - r.w/2, c.Y - r.h/2, r.w, r.h}
	}
	res := &Result{
		Width:         maxX - minX + 2*Margin,
		Height:        maxY - minY + 2*Margin,
		Nodes:         make(map[string]Box, len(nodes)),
		Clusters:      make(map[string]Box, len(raw.clusters)),
		ClusterLabels: make(map[string]Box),
		Edges:         make(map[string]EdgePath, len(raw.edges)),
	}
	for i := range nodes {
		res.Nodes[g.Nodes[i].ID] = toBox(&nodes[i])
	}
	for i, c := range raw.clusters {
		tl := pt(Point{c[0], c[3]})
		res.Clusters[g.Clusters[i].ID] = Box{tl.X, tl.Y, c[2] - c[0], c[3] - c[1]}
		if l := clusterLabels[i]; l != nil {
			res.ClusterLabels[g.Clusters[i].ID] = toBox(l)
		}
	}
	for i, e := range raw.edges {
		ep := EdgePath{Spline: make([]Point, len(e.spline)), Arrow: pt(e.arrow), Label: toBox(edgeLabels[i])}
		for j, p := range e.spline {
			ep.Spline[j] = pt(p)
		}
		res.Edges[g.Edges[i].ID] = ep
	}
	return res
}

// parseSpline reads an edge's pos: "[e,x,y] [s,x,y] x,y x,y ...", one
// cubic B-spline (1+3n points) per ';'-separated part. Only the first part
// is kept (there is more than one only with concentrate=true, which we do
// not set). Without an "e," point the arrow is the spline's last point.
func parseSpline(pos string) ([]Point, Point, error) {
	if i := strings.IndexByte(pos, ';'); i >= 0 {
		pos = pos[:i]
	}
	var (
		pts      []Point
		arrow    Point
		hasArrow bool
	)
	for _, f := range strings.Fields(pos) {
		switch {
		case strings.HasPrefix(f, "e,"):
			v, err := parseFloats(f[2:], 2)
			if err != nil {
				return nil, Point{}, fmt.Errorf("bad spline end %q", f)
			}
			arrow, hasArrow = Point{v[0], v[1]}, true
		case strings.HasPrefix(f, "s,"):
			// An arrow at the tail: we never ask for one.
		default:
			v, err := parseFloats(f, 2)
			if err != nil {
				return nil, Point{}, fmt.Errorf("bad spline point %q", f)
			}
			pts = append(pts, Point{v[0], v[1]})
		}
	}
	if len(pts) < 4 || (len(pts)-1)%3 != 0 {
		return nil, Point{}, fmt.Errorf("bad spline %q", pos)
	}
	if !hasArrow {
		arrow = pts[len(pts)-1]
	}
	return pts, arrow, nil
}

func parseFloats(s string, n int) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, fmt.Errorf("want %d numbers in %q", n, s)
	}
	v := make([]float64, n)
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("bad number %q", p)
		}
		v[i] = f
	}
	return v, nil
}
