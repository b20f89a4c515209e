package graph

import (
	"context"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render/layout"
)

// Geometry is where the data-flow diagram of a whole model puts its
// elements, trust boundaries and flows, for exporters that redraw the
// model in another tool (tmc export threat-dragon, the diagram of tmc
// export otm). Coordinates are those of the layout: px, origin at the
// top-left of the drawing, y down, without the title and the legend of
// the SVG.
type Geometry struct {
	Width, Height float64
	// Elements has a box for every element the diagram draws as a node,
	// and for the extra elements DFDGeometry was asked to lay out.
	Elements map[string]layout.Box
	// Boundaries has a box for every boundary that holds an element,
	// directly or through a nested boundary.
	Boundaries map[string]layout.Box
	// Flows has the path of every flow the diagram draws (both ends
	// resolved; a flow from an element to itself is drawn only when it
	// crosses a boundary).
	Flows map[string]FlowPath
}

// FlowPath is where a flow runs: a cubic Bézier spline from the border of
// its source to the border of its target (start point, then groups of
// three control points), and the box of its label (zero when none).
type FlowPath struct {
	Spline []layout.Point
	Label  layout.Box
}

// DFDGeometry lays out the whole-model data-flow diagram as DFD draws it
// (the same scene: nodes measured the same way, boundaries as nested
// clusters, labelled flows) and returns where everything went. The DFD
// draws an element whose children are drawn (a system) only through
// them; extra, when not nil, picks such elements to lay out as nodes of
// their own all the same (in their boundary), for a flat format that
// must show them.
func DFDGeometry(ctx context.Context, m *ir.Model, extra func(*ir.Element) bool) (*Geometry, error) {
	v := &ir.View{ID: "dfd", Kind: ir.ViewDFD}
	sc := buildDFDScene(m, v, false) // flat formats: every element a box of its own
	has := map[string]bool{}
	for _, n := range sc.nodes {
		has[n.key] = true
	}
	used := map[*ir.Boundary]bool{}
	for _, e := range m.Elements {
		if !has["e:"+e.ID] {
			if extra == nil || !extra(e) {
				continue
			}
			sc.nodes = append(sc.nodes, dfdNode(e))
		}
		for b := e.Boundary; b != nil; b = b.Parent {
			used[b] = true
		}
	}
	sc.clusters = boundaryClusters(m, used)
	res, err := runLayout(ctx, sc.graph())
	if err != nil {
		return nil, err
	}
	g := &Geometry{Width: res.Width, Height: res.Height,
		Elements: map[string]layout.Box{}, Boundaries: map[string]layout.Box{}, Flows: map[string]FlowPath{}}
	for _, n := range sc.nodes {
		if b, ok := res.Nodes[n.key]; ok {
			g.Elements[n.id] = b
		}
	}
	for _, c := range sc.clusters {
		if b, ok := res.Clusters[c.key]; ok {
			g.Boundaries[c.id] = b
		}
	}
	back := sc.backEdges()
	labelNodes := sc.labelNodes()
	for i, e := range sc.edges {
		ep, err := edgePath(sc, e, res, back[i], labelNodes)
		if err != nil {
			return nil, err
		}
		g.Flows[e.id] = FlowPath{Spline: ep.Spline, Label: ep.Label}
	}
	return g, nil
}
