package check

import (
	"fmt"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
)

// Sequences warns about messages that travel on no declared flow (TM401):
// the sequence shows an interaction the data-flow model does not have.
var Sequences = &Check{
	Name:  "sequences",
	Codes: []string{"TM401"},
	Doc:   "every sequence message matches a flow (a reply matches the flow it answers)",
	Run: func(p *Pass) {
		for _, s := range p.Model.Sequences {
			walkSteps(s.Steps, func(st *ir.Step) {
				if st.Kind != ir.StepMessage || st.Flow != nil || st.From == nil || st.To == nil {
					return
				}
				arrow := "->"
				if st.Reply {
					arrow = "-->"
				}
				d := p.Diags.Warnf("TM401", st.Range, "message %s %s %s in sequence %q matches no flow", st.From.ID, arrow, st.To.ID, s.ID)
				from, to := st.From, st.To
				if st.Reply {
					d.Detail = fmt.Sprintf("a reply matches a flow %s -> %s (the request it answers) or %s -> %s", to.ID, from.ID, from.ID, to.ID)
					from, to = to, from
				}
				d.Fix = fmt.Sprintf("flow %s -> %s %q", p.Short(from.ID), p.Short(to.ID), st.Label)
				// The flow to add must say how it crosses, or the fix
				// trades this warning for a TM301 error.
				if xs := ir.CrossingsBetween(from.Boundary, to.Boundary); len(xs) > 0 {
					refs := make([]string, len(xs))
					for i, x := range xs {
						refs[i] = p.Short(x.Boundary.ID)
					}
					d.Fix += fmt.Sprintf(" { crosses %s \"<how trust is established>\" }", strings.Join(refs, ", "))
				}
			})
		}
	},
}

// walkSteps calls fn for every step, groups before their contents.
func walkSteps(steps []*ir.Step, fn func(*ir.Step)) {
	for _, st := range steps {
		fn(st)
		for _, b := range st.Branches {
			walkSteps(b.Steps, fn)
		}
	}
}
