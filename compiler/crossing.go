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
		for _, x := range Crossed(f.From, f.To) {
			x.Mark = markOf(f, x.Boundary)
			f.Crossings = append(f.Crossings, x)
		}
	}
}

// Crossed returns the boundaries a flow from one element to another
// leaves (innermost first) and then enters (outermost first), unmarked.
// Tools use it for a flow not yet written (the language server's fix for
// a missing flow adds the crosses line it will need).
func Crossed(from, to *ir.Element) []*ir.Crossing {
	a, b := from.Boundary.Chain(), to.Boundary.Chain()
	k := 0
	for k < len(a) && k < len(b) && a[k] == b[k] {
		k++
	}
	var out []*ir.Crossing
	for i := len(a) - 1; i >= k; i-- {
		out = append(out, &ir.Crossing{Boundary: a[i], Direction: ir.Leave})
	}
	for _, x := range b[k:] {
		out = append(out, &ir.Crossing{Boundary: x, Direction: ir.Enter})
	}
	return out
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
