package compiler

import (
	"fmt"

	"github.com/tmc-dev/tmc/compiler/ir"
)

// OverviewFlows is the most flows the dfd view draws in full. Past it the
// dfd view is the zone overview (every boundary a node, the crossings
// between two zones rolled into one edge) and each boundary gets a view of
// its own, so every crossing is still drawn on some picture. Measured
// (docs/performance.md, Diagrams): the synthetic model of 50 elements
// draws 96 flows on a DFD 4,092 px wide; 100 elements, 196 flows,
// 7,983 px; 200 elements, 396 flows, 14,104 px; layout and routing time
// grow faster than the flows (0.4 s, 5.8 s and 80-100 s with
// crossing-true routing as it stood in December 2026). Past about 100
// flows a reviewer can no longer follow one on the picture, and the
// drawing starts to cost seconds.
const OverviewFlows = 100

// Overview reports whether a model has more flows than the dfd view draws
// in full (OverviewFlows): those the DFD would draw, between two different
// elements or crossing a boundary.
func Overview(m *ir.Model) bool { return drawnFlows(m) > OverviewFlows }

func drawnFlows(m *ir.Model) int {
	n := 0
	for _, f := range m.Flows {
		if f.From != nil && f.To != nil && (f.From != f.To || len(f.Crossings) > 0) {
			n++
		}
	}
	return n
}

// boundaryViews returns the views of each boundary (boundary-<path>), in
// model order: the boundary's own elements, every flow that crosses it and
// every flow between two of its elements; the other ends are drawn as
// stubs. A boundary with no element and no crossing has none. A boundary
// with more than OverviewFlows such flows gets several views (the second
// is boundary-<path>-2), its flows grouped by the zone at their other end
// and packed in model order, so each view stays small enough to draw flow
// by flow and every crossing is drawn on some view.
func boundaryViews(m *ir.Model) []*ir.View {
	var out []*ir.View
	for _, b := range m.Boundaries {
		direct := map[*ir.Element]bool{}
		for _, e := range b.Elements {
			direct[e] = true
		}
		groups := map[string][]*ir.Flow{}
		var keys []string // first appearance, model order
		total := 0
		for _, f := range m.Flows {
			if f.From == nil || f.To == nil {
				continue
			}
			take := direct[f.From] && direct[f.To]
			for _, c := range f.Crossings {
				if c.Boundary == b {
					take = true
				}
			}
			if !take {
				continue
			}
			k := farZone(f, b)
			if _, ok := groups[k]; !ok {
				keys = append(keys, k)
			}
			groups[k] = append(groups[k], f)
			total++
		}
		if len(b.Elements) == 0 && total == 0 {
			continue
		}
		name := b.Name
		if name == "" {
			name = b.ID
		}
		var parts [][]*ir.Flow
		var cur []*ir.Flow
		for _, k := range keys {
			g := groups[k]
			if len(cur) > 0 && len(cur)+len(g) > OverviewFlows {
				parts = append(parts, cur)
				cur = nil
			}
			for len(g) > OverviewFlows {
				parts = append(parts, g[:OverviewFlows])
				g = g[OverviewFlows:]
			}
			cur = append(cur, g...)
		}
		if len(cur) > 0 || len(parts) == 0 {
			parts = append(parts, cur)
		}
		for i, flows := range parts {
			v := &ir.View{ID: "boundary-" + b.ID, Name: name + " boundary", Kind: ir.ViewDFD, Boundary: b,
				Filter: fmt.Sprintf("the elements of %s and every flow that crosses it", b.ID)}
			if flows == nil {
				flows = []*ir.Flow{}
			}
			v.Flows = sortByModel(m, flows)
			if len(parts) == 1 {
				v.Elements = append([]*ir.Element{}, b.Elements...)
			} else {
				v.ID += fmt.Sprintf("-%d", i+1)
				if i == 0 {
					v.ID = "boundary-" + b.ID
				}
				v.Name += fmt.Sprintf(" (%d of %d)", i+1, len(parts))
				v.Filter = fmt.Sprintf("part %d of %d of the flows of %s", i+1, len(parts), b.ID)
				ends := map[*ir.Element]bool{}
				for _, f := range flows {
					ends[f.From], ends[f.To] = true, true
				}
				v.Elements = []*ir.Element{}
				for _, e := range b.Elements {
					if ends[e] {
						v.Elements = append(v.Elements, e)
					}
				}
			}
			out = append(out, v)
		}
	}
	return out
}

// farZone is the zone at the far end of a flow of boundary b's view: the
// effective boundary of the end outside b, or "" for a flow inside b.
func farZone(f *ir.Flow, b *ir.Boundary) string {
	for _, e := range []*ir.Element{f.To, f.From} {
		if !inside(e.Boundary, b) {
			if e.Boundary == nil {
				return "-"
			}
			return e.Boundary.ID
		}
	}
	if f.From.Boundary != b {
		return f.From.Boundary.ID
	}
	if f.To.Boundary != b {
		return f.To.Boundary.ID
	}
	return ""
}

func inside(x, b *ir.Boundary) bool {
	for ; x != nil; x = x.Parent {
		if x == b {
			return true
		}
	}
	return false
}

// sortByModel puts flows back in model order.
func sortByModel(m *ir.Model, flows []*ir.Flow) []*ir.Flow {
	pick := map[*ir.Flow]bool{}
	for _, f := range flows {
		pick[f] = true
	}
	out := make([]*ir.Flow, 0, len(flows))
	for _, f := range m.Flows {
		if pick[f] {
			out = append(out, f)
		}
	}
	return out
}
