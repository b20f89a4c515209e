package site

import (
	"github.com/tmc-dev/tmc/compiler/ir"
)

// Top risks: the open rows of the register, highest first, with their
// residual risk beside their inherent risk, for the overview and
// report.html.

// overviewTopRisks is how many open risks the overview lists.
const overviewTopRisks = 8

// A topRisk is one open threat or finding.
type topRisk struct {
	Row  threatRow
	Rank int
	// Residual is the risk that remains with what is in place today. An
	// open threat has no mitigating control in place and no acceptance,
	// so its residual risk is its inherent risk; Pending names the
	// controls that would mitigate it once in place (proposed or
	// planned). A finding's rule says what silences it, on its page.
	Residual     int
	ResidualBand string
	Pending      []link
}

// openRisks returns the open rows of the register, highest score first
// (at one score, declared threats first, then by id), and how many there
// are; at most limit rows when limit > 0.
func (pc *pctx) openRisks(limit int) ([]topRisk, int) {
	b := pc.b
	var ts []*ir.Threat
	for _, t := range b.m.Threats {
		if t != nil && t.Status == ir.Open {
			ts = append(ts, t)
		}
	}
	var fs []*ir.Finding
	for _, f := range b.m.Findings {
		if f != nil && f.Status == ir.Open && b.listed(f) {
			fs = append(fs, f)
		}
	}
	rows := pc.riskRows(ts, fs)
	total := len(rows)
	if limit > 0 && len(rows) > limit {
		rows = rows[:limit]
	}
	// The rows are in riskRows' order; find each one's threat or
	// finding again by id for what is on the way.
	threatByID := map[string]*ir.Threat{}
	for _, t := range ts {
		if _, dup := threatByID[t.ID]; !dup {
			threatByID[t.ID] = t
		}
	}
	out := make([]topRisk, 0, len(rows))
	for i, r := range rows {
		tr := topRisk{Row: r, Rank: i + 1, Residual: r.Score, ResidualBand: r.Band}
		if !r.Finding {
			if t := threatByID[r.ID]; t != nil {
				for _, c := range t.MitigatedBy {
					if c != nil && !c.Effective() {
						l := pc.controlLink(c)
						l.Text += " (" + c.Status + ")"
						tr.Pending = append(tr.Pending, l)
					}
				}
			}
		}
		out = append(out, tr)
	}
	return out, total
}

// statusRank orders the register: open rows first, then those that
// still carry risk someone decided to live with (accepted, transferred),
// then those dealt with (mitigated, dismissed).
func statusRank(status string) int {
	switch status {
	case ir.Open:
		return 0
	case ir.Accepted:
		return 1
	case ir.Transferred:
		return 2
	case ir.Mitigated:
		return 3
	}
	return 4
}
