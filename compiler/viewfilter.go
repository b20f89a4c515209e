package compiler

import (
	"fmt"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// View filters (docs/language.md, Views): `crossing B`, `unmarked` and
// `carries D` choose the flows a data-flow view draws, `around E [N]` adds
// an element's neighbourhood to the elements it shows. They are resolved
// while views are lowered and applied once crossings are known
// (finishViews).

// maxAroundDepth bounds `around E N`: past a few hops a neighbourhood is
// most of the model, which the dfd view already draws.
const maxAroundDepth = 5

type viewFilter struct {
	first    diag.Range // the first filter statement, for diagnostics
	crossing []*ir.Boundary
	unmarked bool
	carries  []*ir.Data
	around   []around
	words    []string // the filters in words, in source order
	flows    bool     // a filter that chooses flows was given
}

type around struct {
	e     *ir.Element
	depth int
}

func (c *compiler) lowerFilter(vd *viewDecl, s *dsl.ViewStmt) {
	file := vd.file
	f := vd.filter
	if f == nil {
		f = &viewFilter{first: rng(file, &s.Node)}
		vd.filter = f
	}
	switch {
	case s.Crossing != nil:
		f.flows = true
		var names []string
		for _, r := range s.Crossing {
			if x := c.resolve(file, r, "crossing", kBoundary); x != nil {
				f.crossing = append(f.crossing, x.boundary)
				names = append(names, x.path)
			}
		}
		f.words = append(f.words, "crossing "+strings.Join(names, ", "))
	case s.Unmarked:
		if c.prop(vd.v, "unmarked", rng(file, &s.Node)) {
			f.flows = true
			f.unmarked = true
			f.words = append(f.words, "unmarked")
		}
	case s.Carries != nil:
		f.flows = true
		var names []string
		for _, r := range s.Carries {
			if x := c.resolve(file, r, "carries", kData); x != nil {
				f.carries = append(f.carries, x.data)
				names = append(names, x.path)
			}
		}
		f.words = append(f.words, "carrying "+strings.Join(names, ", "))
	case s.Around != nil:
		depth := 1
		if d := s.Around.Depth; d != nil {
			depth = d.Value
			if depth < 0 || depth > maxAroundDepth {
				c.diags.Errorf("TM103", rng(file, &d.Node), "around depth %d is out of range", depth).Detail =
					fmt.Sprintf("the depth is how many flows away from the element the view reaches: 0 to %d (1 when not said)", maxAroundDepth)
				return
			}
		}
		if x := c.resolve(file, s.Around.Element, "around", kElement); x != nil {
			f.around = append(f.around, around{x.element, depth})
			f.words = append(f.words, fmt.Sprintf("around %s (%d)", x.path, depth))
		}
	}
}

// neighbourhood is e, and every element within depth flows of it (either
// direction; a flow to or from a part of e counts as one of e's), in no
// particular order.
func neighbourhood(flows []*ir.Flow, e *ir.Element, depth int) []*ir.Element {
	adj := map[*ir.Element][]*ir.Element{}
	for _, f := range flows {
		if f.From == nil || f.To == nil {
			continue
		}
		adj[f.From] = append(adj[f.From], f.To)
		adj[f.To] = append(adj[f.To], f.From)
	}
	seen := map[*ir.Element]bool{e: true}
	frontier := []*ir.Element{e}
	var desc func(x *ir.Element)
	desc = func(x *ir.Element) { // parts of e are e's ends too
		for _, ch := range x.Children {
			frontier = append(frontier, ch)
			desc(ch)
		}
	}
	desc(e)
	out := []*ir.Element{e}
	for d := 0; d < depth; d++ {
		var next []*ir.Element
		for _, x := range frontier {
			for _, y := range adj[x] {
				if !seen[y] {
					seen[y] = true
					next = append(next, y)
					out = append(out, y)
				}
			}
		}
		frontier = next
	}
	return out
}

// finishViews runs once crossings are known: it applies the declared
// views' flow filters, and for a model too large to draw as one DFD
// (OverviewThreshold) turns the dfd view into the zone overview and adds
// a view per boundary.
func (c *compiler) finishViews() {
	for _, vd := range c.views {
		if vd.filter != nil {
			applyFilter(c.m, vd.v, vd.filter)
		}
	}
	if !Overview(c.m) {
		return
	}
	var out []*ir.View
	for _, v := range c.m.Views {
		out = append(out, v)
		if v.ID == "dfd" && !v.Declared {
			v.Zones = true
			v.Name = "Data flow between trust zones"
			out = append(out, boundaryViews(c.m)...)
		}
	}
	c.m.Views = out
}

// applyFilter sets the flows a view draws: those that pass every flow
// filter and, when the view selects elements, have an end among them
// (the other end is drawn as a stub). Without a selection of elements,
// the view shows the ends of the chosen flows.
func applyFilter(m *ir.Model, v *ir.View, f *viewFilter) {
	v.Filter = strings.Join(f.words, ", ")
	if !f.flows {
		return
	}
	var shown map[*ir.Element]bool
	if v.Elements != nil {
		shown = map[*ir.Element]bool{}
		for _, e := range v.Elements {
			shown[e] = true
		}
	}
	in := func(e *ir.Element) bool {
		for x := e; x != nil; x = x.Parent {
			if shown[x] {
				return true
			}
		}
		return false
	}
	v.Flows = []*ir.Flow{}
	ends := map[*ir.Element]bool{}
	for _, fl := range m.Flows {
		if fl.From == nil || fl.To == nil || !passes(fl, f) {
			continue
		}
		if shown != nil && !in(fl.From) && !in(fl.To) {
			continue
		}
		v.Flows = append(v.Flows, fl)
		ends[fl.From], ends[fl.To] = true, true
	}
	if shown == nil {
		v.Elements = []*ir.Element{}
		for _, e := range m.Elements { // model order
			if ends[e] {
				v.Elements = append(v.Elements, e)
			}
		}
	}
}

// passes reports whether a flow passes every flow filter.
func passes(fl *ir.Flow, f *viewFilter) bool {
	if f.unmarked && !Unmarked(fl) {
		return false
	}
	if len(f.crossing) > 0 {
		ok := false
		for _, cr := range fl.Crossings {
			for _, b := range f.crossing {
				if cr.Boundary == b {
					ok = true
				}
			}
		}
		if !ok {
			return false
		}
	}
	if len(f.carries) > 0 {
		ok := false
		for _, d := range fl.Carries {
			for _, want := range f.carries {
				if d == want {
					ok = true
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// Unmarked reports whether a flow has a crossing that no `crosses` names.
func Unmarked(f *ir.Flow) bool {
	for _, c := range f.Crossings {
		if c.Mark == nil {
			return true
		}
	}
	return false
}
