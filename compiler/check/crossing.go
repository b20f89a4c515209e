package check

import (
	"fmt"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// Crossings is the heart of tmc: every boundary a flow leaves or enters
// must be named by its `crosses` (TM301), and a `crosses` must not name a
// boundary the flow does not cross (TM302).
var Crossings = &Check{
	Name:  "crossings",
	Codes: []string{"TM301", "TM302"},
	Doc:   "every trust boundary a flow leaves or enters is marked with crosses and a reason; no stale marks",
	Run: func(p *Pass) {
		for _, f := range p.Model.Flows {
			unmarked(p, f)
			stale(p, f)
		}
	},
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	switch len(q) {
	case 1:
		return q[0]
	case 2:
		return q[0] + " and " + q[1]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

func unmarked(p *Pass, f *ir.Flow) {
	var leaves, enters, refs []string
	var missing []*ir.Crossing
	for _, x := range f.Crossings {
		if x.Mark != nil {
			continue
		}
		missing = append(missing, x)
		refs = append(refs, p.Short(x.Boundary.ID))
		if x.Direction == ir.Leave {
			leaves = append(leaves, x.Boundary.ID)
		} else {
			enters = append(enters, x.Boundary.ID)
		}
	}
	if len(missing) == 0 {
		return
	}
	var parts []string
	if len(leaves) > 0 {
		parts = append(parts, "leaves "+quoteList(leaves))
	}
	if len(enters) > 0 {
		parts = append(parts, "enters "+quoteList(enters))
	}
	d := p.Diags.Errorf("TM301", f.Head, "unmarked boundary crossing: flow %q %s without saying how trust is established", f.ID, strings.Join(parts, " and "))
	d.Fix = fmt.Sprintf("crosses %s \"<how trust is established>\"", strings.Join(refs, ", "))
	for _, x := range missing {
		msg := fmt.Sprintf("boundary %q (trust %s) declared here", x.Boundary.ID, x.Boundary.Trust)
		if x.Boundary.Trust == "" {
			msg = fmt.Sprintf("boundary %q declared here", x.Boundary.ID)
		}
		d.Related = append(d.Related, diag.Note{Range: x.Boundary.IDRange, Message: msg})
	}
}

func stale(p *Pass, f *ir.Flow) {
	if f.Unresolved {
		return // the crossing set is unknown
	}
	crossed := map[*ir.Boundary]bool{}
	for _, x := range f.Crossings {
		crossed[x.Boundary] = true
	}
	for _, m := range f.Marks {
		for i, b := range m.Boundaries {
			if crossed[b] {
				continue
			}
			d := p.Diags.Warnf("TM302", m.Refs[i], "stale crossing mark: flow %q does not cross %q", f.ID, b.ID)
			if len(f.Crossings) == 0 {
				d.Detail = fmt.Sprintf("%q and %q are in the same boundary; remove the crosses line", f.From.ID, f.To.ID)
			} else {
				var names []string
				for _, x := range f.Crossings {
					names = append(names, x.Boundary.ID)
				}
				d.Detail = fmt.Sprintf("the flow crosses %s; remove %q from crosses", quoteList(names), b.ID)
			}
		}
	}
}

// placedAbove reports whether e or an ancestor says where it is (even if
// that boundary did not resolve, which is reported elsewhere).
func placedAbove(e *ir.Element) bool {
	for x := e; x != nil; x = x.Parent {
		if x.Placed {
			return true
		}
	}
	return false
}

// Placement warns about elements nothing places in a trust boundary
// (TM303): their flows cross nothing, so they escape the crossing check.
var Placement = &Check{
	Name:  "placement",
	Codes: []string{"TM303"},
	Doc:   "every element sits in a trust boundary, its own or inherited, or has children that do",
	Run: func(p *Pass) {
		placedBelow := map[*ir.Element]bool{}
		var mark func(e *ir.Element) bool
		mark = func(e *ir.Element) bool {
			any := false
			for _, ch := range e.Children {
				if mark(ch) || ch.Boundary != nil {
					any = true
				}
			}
			placedBelow[e] = any
			return any
		}
		for _, e := range p.Model.Elements {
			if e.Parent == nil {
				mark(e)
			}
		}
		warned := map[*ir.Element]bool{}
		for _, e := range p.Model.Elements { // parents come before children
			if e.Boundary != nil || placedAbove(e) || placedBelow[e] || e.Parent != nil && warned[e.Parent] {
				continue
			}
			warned[e] = true
			d := p.Diags.Warnf("TM303", e.IDRange, "%s %q is in no trust boundary", e.Kind, e.ID)
			d.Detail = "it counts as outside every boundary, so the crossing check cannot see what its flows cross on its side; place it with `in BOUNDARY`, or place its children"
		}
	},
}
