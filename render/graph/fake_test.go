package graph

import (
	"context"

	"github.com/tmc-dev/tmc/render/layout"
)

// fakeLayout is a naive layout for tests of drawing that must not depend
// on Graphviz: nodes stacked in one column, grouped by cluster, clusters
// as the boxes around their nodes, straight edges.
func fakeLayout(_ context.Context, g *layout.Graph) (*layout.Result, error) {
	res := &layout.Result{Nodes: map[string]layout.Box{}, Clusters: map[string]layout.Box{}, Edges: map[string]layout.EdgePath{}}
	children := map[string][]string{}
	labelH := map[string]float64{}
	labelW := map[string]float64{}
	for _, c := range g.Clusters {
		children[c.Parent] = append(children[c.Parent], c.ID)
		labelH[c.ID], labelW[c.ID] = c.LabelHeight, c.LabelWidth
	}
	nodesIn := map[string][]layout.Node{}
	for _, n := range g.Nodes {
		nodesIn[n.Cluster] = append(nodesIn[n.Cluster], n)
	}
	const pad, gap = 10.0, 30.0
	y := pad
	var walk func(c string, depth int) (minX, minY, maxX, maxY float64)
	walk = func(c string, depth int) (float64, float64, float64, float64) {
		x := pad + float64(depth)*pad
		top := y
		if c != "" {
			y += labelH[c] + pad
		}
		maxX := x + labelW[c]
		for _, n := range nodesIn[c] {
			res.Nodes[n.ID] = layout.Box{X: x + pad, Y: y, Width: n.Width, Height: n.Height}
			if x+pad+n.Width > maxX {
				maxX = x + pad + n.Width
			}
			y += n.Height + gap
		}
		for _, ch := range children[c] {
			_, _, mx, _ := walk(ch, depth+1)
			if mx > maxX {
				maxX = mx
			}
			y += pad
		}
		if c != "" {
			res.Clusters[c] = layout.Box{X: x, Y: top, Width: maxX + pad - x, Height: y - top}
			y += pad
		}
		return x, top, maxX + pad, y
	}
	_, _, maxX, _ := walk("", -1)
	label := maxX + 60
	for i, e := range g.Edges {
		a, b := res.Nodes[e.From], res.Nodes[e.To]
		p0 := layout.Point{X: a.X + a.Width, Y: a.Y + a.Height/2}
		p3 := layout.Point{X: b.X + b.Width, Y: b.Y + b.Height/2 + 1}
		mid := layout.Point{X: label - 30, Y: (p0.Y + p3.Y) / 2}
		sp := []layout.Point{p0, {X: mid.X, Y: p0.Y}, {X: mid.X, Y: p3.Y}, {X: p3.X + 10, Y: p3.Y}}
		ep := layout.EdgePath{Spline: sp, Arrow: p3}
		if e.LabelWidth > 0 {
			ep.Label = layout.Box{X: label + float64(i%3)*10, Y: mid.Y, Width: e.LabelWidth, Height: e.LabelHeight}
			if r := ep.Label.X + ep.Label.Width; r > res.Width {
				res.Width = r
			}
		}
		res.Edges[e.ID] = ep
	}
	res.Width += pad
	if maxX+pad > res.Width {
		res.Width = maxX + pad
	}
	res.Height = y + pad
	return res, nil
}
