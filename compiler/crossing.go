package compiler

import "github.com/tmc-dev/tmc/compiler/ir"

// computeCrossings records, for every flow, the boundaries it leaves
// (innermost first) and then enters (outermost first), and the `crosses`
// statement that marks each. An element outside every boundary is at the
// root, so a flow between two such elements crosses nothing.
func computeCrossings(m *ir.Model) {
	for _, f := range m.Flows {
		f.Crossings = nil
		f.Unresolved = f.From == nil || f.To == nil || unknownPlace(f.From) || unknownPlace(f.To)
		if f.Unresolved {
			continue
		}
		f.Crossings = ir.CrossingsBetween(f.From.Boundary, f.To.Boundary)
		for _, x := range f.Crossings {
			x.Mark = markOf(f, x.Boundary)
		}
	}
}

// unknownPlace reports whether an element, or the ancestor it inherits its
// boundary from, names a boundary that did not resolve.
func unknownPlace(e *ir.Element) bool {
	for x := e; x != nil; x = x.Parent {
		if x.Placed {
			return x.Boundary == nil
		}
	}
	return false
}

func markOf(f *ir.Flow, b *ir.Boundary) *ir.Mark {
	for _, m := range f.Marks {
		for _, x := range m.Boundaries {
			if x == b {
				return m
			}
		}
	}
	return nil
}
