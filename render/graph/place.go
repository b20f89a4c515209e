package graph

import (
	"fmt"

	"github.com/tmc-dev/tmc/render/layout"
	"github.com/tmc-dev/tmc/render/style"
)

// A placed scene is a scene at its final position on the canvas: the
// layout shifted below the title, and the legend below the layout.
type placed struct {
	sc            *scene
	width, height float64
	nodes         []layout.Box      // parallel to sc.nodes
	clusters      []layout.Box      // parallel to sc.clusters
	clusterLabels []layout.Box      // parallel to sc.clusters
	edges         []layout.EdgePath // parallel to sc.edges
	badges        []badge           // cuts of boundary lines by crossing flows
	legend        layout.Box        // zero when there is no legend
	legendItems   []placedItem
	xtable        *crossTable // the numbered crossings, beside the drawing; nil for none
}

// A placedItem is one legend entry: its sample's box and its text's start.
type placedItem struct {
	legendItem
	sample layout.Box
	textX  float64
}

const (
	titleGap     = 10 // between the subtitle and the drawing
	legendGap    = 20 // between the drawing and the legend
	legendPad    = 10 // inside the legend box
	sampleW      = 44
	sampleH      = 24
	sampleGap    = 8  // between a sample and its text
	itemGap      = 22 // between two legend items on a row
	legendRowGap = 8
)

func titleLines(sc *scene) []line {
	ls := []line{{text: sc.title, size: style.TitleFontSize, bold: true, class: "tm-title"}}
	if sc.subtitle != "" {
		ls = append(ls, line{text: sc.subtitle, size: style.SmallFontSize, class: "tm-muted"})
	}
	return ls
}

// place checks that the layout placed everything and moves it onto the
// canvas.
func place(sc *scene, res *layout.Result) (*placed, error) {
	if res == nil {
		return nil, fmt.Errorf("layout of view %q: no result", sc.viewID)
	}
	tw, th := blockSize(titleLines(sc))
	dx, dy := float64(margin), margin+th+titleGap
	shift := func(b layout.Box) layout.Box { b.X += dx; b.Y += dy; return b }
	p := &placed{sc: sc}
	for _, n := range sc.nodes {
		b, ok := res.Nodes[n.key]
		if !ok {
			return nil, fmt.Errorf("layout of view %q: node %q not placed", sc.viewID, n.key)
		}
		p.nodes = append(p.nodes, shift(b))
	}
	for _, c := range sc.clusters {
		b, ok := res.Clusters[c.key]
		if !ok {
			return nil, fmt.Errorf("layout of view %q: cluster %q not placed", sc.viewID, c.key)
		}
		p.clusters = append(p.clusters, shift(b))
		lb, ok := res.ClusterLabels[c.key]
		if !ok { // no label box: the top-left corner
			w, h := c.labelSize()
			lb = layout.Box{X: b.X, Y: b.Y, Width: w, Height: h}
		}
		p.clusterLabels = append(p.clusterLabels, shift(lb))
	}
	back := sc.backEdges()
	labelNodes := sc.labelNodes()
	for i, e := range sc.edges {
		ep, err := edgePath(sc, e, res, back[i], labelNodes)
		if err != nil {
			return nil, err
		}
		var q layout.EdgePath
		for _, pt := range ep.Spline {
			q.Spline = append(q.Spline, layout.Point{X: pt.X + dx, Y: pt.Y + dy})
		}
		if len(e.lines) > 0 {
			q.Label = shift(ep.Label)
		}
		p.edges = append(p.edges, q)
	}
	p.width = dx + res.Width + margin
	if w := tw + 2*margin; w > p.width {
		p.width = w
	}
	p.height = dy + res.Height + margin
	route(p)
	numberCrossings(sc)
	p.badges = badges(p)
	p.placeCrossTable(dx+res.Width+xtGap, dy)
	if t := p.xtable; t != nil {
		p.width = t.box.X + t.box.Width + margin
	}
	if sc.autoLegend {
		sc.legend, sc.autoLegend = append(dfdLegendFor(sc), sc.legend...), false
	}
	if len(sc.legend) > 0 {
		p.placeLegend(dy+res.Height+legendGap, res.Width)
		if r := p.legend.X + p.legend.Width + margin; r > p.width {
			p.width = r
		}
		p.height = p.legend.Y + p.legend.Height + margin
	}
	if t := p.xtable; t != nil && t.box.Y+t.box.Height+margin > p.height {
		p.height = t.box.Y + t.box.Height + margin
	}
	return p, nil
}

// placeLegend lays the legend items out in rows no wider than the drawing
// (or 600 px when the drawing is narrower).
func (p *placed) placeLegend(top, drawingW float64) {
	maxW := drawingW
	if maxW < 600 {
		maxW = 600
	}
	head := line{text: "Legend", size: style.SmallFontSize, bold: true}
	x0 := float64(margin) + legendPad
	y := top + legendPad + head.height() + 4
	x, rowW := x0, 0.0
	for _, it := range p.sc.legend {
		w := sampleW + sampleGap + style.Measure(it.text, style.SmallFontSize, false)
		if x > x0 && x-x0+w > maxW-2*legendPad {
			x, y = x0, y+sampleH+legendRowGap
		}
		p.legendItems = append(p.legendItems, placedItem{legendItem: it,
			sample: layout.Box{X: x, Y: y, Width: sampleW, Height: sampleH}, textX: x + sampleW + sampleGap})
		if x+w-x0 > rowW {
			rowW = x + w - x0
		}
		x += w + itemGap
	}
	p.legend = layout.Box{X: margin, Y: top, Width: rowW + 2*legendPad, Height: y + sampleH + legendPad - top}
}

// edgePath is where an edge runs in the layout: for a labelled edge, its
// two halves (turned round when declared reversed) joined by a straight
// piece under the label node. The arrow point is left zero: the path ends
// on the border of the edge's end node, and the head is drawn along its
// last piece.
func edgePath(sc *scene, e *edge, res *layout.Result, back, labelNodes bool) (layout.EdgePath, error) {
	ok := func(ep layout.EdgePath, found bool) bool {
		return found && len(ep.Spline) >= 4 && (len(ep.Spline)-1)%3 == 0
	}
	if len(e.lines) == 0 || !labelNodes {
		ep, found := res.Edges[e.key]
		if !ok(ep, found) {
			return ep, fmt.Errorf("layout of view %q: edge %q has no spline", sc.viewID, e.key)
		}
		return layout.EdgePath{Spline: full(ep), Label: ep.Label}, nil
	}
	a, foundA := res.Edges[e.key+"#1"]
	b, foundB := res.Edges[e.key+"#2"]
	lb, foundL := res.Nodes[labelKey(e)]
	if !ok(a, foundA) || !ok(b, foundB) || !foundL {
		return layout.EdgePath{}, fmt.Errorf("layout of view %q: edge %q not placed", sc.viewID, e.key)
	}
	o := orient(e, back)
	p1, p2 := full(a), full(b)
	if o.rev1 {
		reverse(p1)
	}
	if o.rev2 {
		reverse(p2)
	}
	s := append(p1, bridge(p1[len(p1)-1], p2[0])...)
	s = append(s, p2[1:]...)
	return layout.EdgePath{Spline: s, Label: lb}, nil
}

// full is an edge's spline running on to its arrow point: from border to
// border.
func full(ep layout.EdgePath) []layout.Point {
	s := append([]layout.Point(nil), ep.Spline...)
	if ep.Arrow != (layout.Point{}) && dist(ep.Arrow, s[len(s)-1]) > 0.01 {
		s = append(s, bridge(s[len(s)-1], ep.Arrow)...)
	}
	return s
}

// bridge is a straight cubic piece from p to q, without p.
func bridge(p, q layout.Point) []layout.Point {
	return []layout.Point{lerp(p, q, 1.0/3), lerp(p, q, 2.0/3), q}
}

func reverse(s []layout.Point) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

func lerp(p, q layout.Point, t float64) layout.Point {
	return layout.Point{X: p.X + (q.X-p.X)*t, Y: p.Y + (q.Y-p.Y)*t}
}
