package style

import "github.com/tmc-dev/tmc/compiler/ir"

// Flow references: how every diagram (DFD, C4, sequence) and the site
// name one flow, so a reviewer can follow a flow from one picture to
// another and to its source.
//
// A flow's reference is its id: the declared one (`flow place: ...` is
// "place") or the one the compiler gives a flow declared without one
// ("FROM->TO", such as "shop.orders->shop.db"; two such flows between
// the same pair are TM203, so the id is unique). It is a function of the
// flow alone, never of its position: adding, removing or moving a flow
// leaves every other flow's reference as it was, so a diff of two
// renders shows only the flows that changed. Numbers by file order (the
// earlier scheme) renumber every later flow when one is added; numbers by
// sorted id do too, for every id that sorts after the new one; a hash
// short enough to read collides between flows of one model. The id is
// also what a reviewer types: `on place` in a threat, `tmc check`
// output, the site's page flow/place.html.
//
// Diagrams show a reference as FlowTag writes it: "[place]", before the
// flow's label ("[place] Place order"), in the muted text colour where
// the renderer can set a span of its own.

// FlowRef returns the reference of f: its id; "" for nil.
func FlowRef(f *ir.Flow) string {
	if f == nil {
		return ""
	}
	return f.ID
}

// FlowRefs returns the reference of every flow of m, for a renderer that
// looks them up while drawing.
func FlowRefs(m *ir.Model) map[*ir.Flow]string {
	out := make(map[*ir.Flow]string, len(m.Flows))
	for _, f := range m.Flows {
		out[f] = FlowRef(f)
	}
	return out
}

// FlowTag returns the reference of f as diagrams print it, "[place]";
// "" for nil.
func FlowTag(f *ir.Flow) string {
	if r := FlowRef(f); r != "" {
		return "[" + r + "]"
	}
	return ""
}
