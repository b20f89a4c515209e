package check

import (
	"fmt"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// MaxTopThreats is how many open high or critical threats one boundary may
// carry before TM504: the practice is a few top threats per boundary, each
// closed by a control.
const MaxTopThreats = 5

// Threats checks that every threat is handled (TM501) and that no boundary
// piles up open high-risk threats (TM504).
var Threats = &Check{
	Name:  "threats",
	Codes: []string{"TM501", "TM504"},
	Doc:   "every threat has a mitigation or an acceptance; at most five open high or critical threats per boundary",
	Run: func(p *Pass) {
		for _, t := range p.Model.Threats {
			// A mitigated_by that did not resolve is TM201 alone: "neither a
			// mitigation" would contradict the line the user wrote.
			if len(t.MitigatedBy) == 0 && !t.MitigationUnresolved && t.Acceptance == nil && t.Transferred == "" {
				d := p.Diags.Warnf("TM501", t.IDRange, "threat %q has neither a mitigation nor an acceptance", t.ID)
				d.Detail = "close it with `mitigated_by CONTROL`, or `accepted \"reason\" by \"owner\" until YYYY-MM-DD`"
			}
		}
		perBoundary := map[*ir.Boundary][]*ir.Threat{}
		for _, t := range p.Model.Threats {
			if t.Status != ir.Open || !highRisk(t.Band) {
				continue
			}
			for _, b := range boundariesOf(t.Target) {
				perBoundary[b] = append(perBoundary[b], t)
			}
		}
		for _, b := range p.Model.Boundaries { // model order, not map order
			ts := perBoundary[b]
			if len(ts) <= MaxTopThreats {
				continue
			}
			d := p.Diags.Warnf("TM504", b.IDRange, "boundary %q has %d open high or critical threats (more than %d)", b.ID, len(ts), MaxTopThreats)
			d.Detail = "pick the top few per boundary and close each with a control, a test and evidence"
			for _, t := range ts {
				d.Related = append(d.Related, diag.Note{Range: t.IDRange, Message: fmt.Sprintf("open %s threat %q (score %d)", t.Band, t.ID, t.Score)})
			}
		}
	},
}

func highRisk(band string) bool { return band == "high" || band == "critical" }

// boundariesOf returns the boundaries a threat bears on: the boundary it
// is on, the boundary of the element it is on, or every boundary the flow
// it is on crosses.
func boundariesOf(t ir.Target) []*ir.Boundary {
	switch {
	case t.Boundary != nil:
		return []*ir.Boundary{t.Boundary}
	case t.Element != nil && t.Element.Boundary != nil:
		return []*ir.Boundary{t.Element.Boundary}
	case t.Flow != nil:
		var out []*ir.Boundary
		for _, x := range t.Flow.Crossings {
			out = append(out, x.Boundary)
		}
		return out
	}
	return nil
}
