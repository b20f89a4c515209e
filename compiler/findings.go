package compiler

import (
	"fmt"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// claimRef is one fingerprint a threat claims, with where it is written.
type claimRef struct {
	threat *ir.Threat
	fp     string
	rng    diag.Range
}

// declareAccept records a top-level `accept "RULE@TARGET" { ... }`.
func (c *compiler) declareAccept(file string, d *dsl.AcceptDecl) {
	a := &ir.FindingAcceptance{Fingerprint: string(d.Fingerprint.Value), Range: rng(file, &d.Fingerprint.Node)}
	for _, s := range d.Body {
		switch {
		case s.Until != nil:
			if c.prop(a, "until", rng(file, &s.Node)) {
				a.Until = s.Until.Value
				if until, ok := c.date(file, s.Until); ok {
					a.Expired = !c.opts.Now.Before(until.AddDate(0, 0, 1))
				}
			}
		default:
			c.setStr(a, file, "reason", &a.Reason, s.Reason, &s.Node)
			c.setStr(a, file, "owner", &a.Owner, s.Owner, &s.Node)
		}
	}
	if !hasUnknown(d.Body, func(s *dsl.AcceptStmt) *dsl.Unknown { return s.Unknown }) {
		for _, need := range []string{"reason", "owner", "until"} {
			if _, ok := c.props[a][need]; !ok {
				c.diags.Errorf("TM104", a.Range, "accept %q has no %s", a.Fingerprint, need).Detail =
					`an acceptance needs a reason, an owner and an expiry: accept "RULE@TARGET" { reason "TEXT" owner "TEAM" until YYYY-MM-DD }`
			}
		}
	}
	for _, old := range c.m.Acceptances {
		if old.Fingerprint == a.Fingerprint {
			d := c.diags.Errorf("TM203", a.Range, "duplicate acceptance of %q", a.Fingerprint)
			d.Related = append(d.Related, diag.Note{Range: old.Range, Message: "first accepted here"})
			return
		}
	}
	c.m.Acceptances = append(c.m.Acceptances, a)
}

// settleFindings applies the claims of threats and the accept declarations
// to the findings: a claimed finding has status claimed, an accepted one
// accepted. An expired acceptance is TM601 and leaves the finding open; a
// claim or acceptance that matches no finding is TM602.
func (c *compiler) settleFindings() {
	byFP := make(map[string]*ir.Finding, len(c.m.Findings))
	for _, f := range c.m.Findings {
		byFP[f.Fingerprint] = f
	}
	for _, cl := range c.claimRanges {
		f := byFP[cl.fp]
		if f == nil {
			c.noMatch(cl.rng, fmt.Sprintf("threat %q claims %q", cl.threat.ID, cl.fp), cl.fp)
			continue
		}
		if f.ClaimedBy == nil {
			f.ClaimedBy = cl.threat
			f.Status = ir.Claimed
		}
	}
	for _, a := range c.m.Acceptances {
		f := byFP[a.Fingerprint]
		if f == nil {
			c.noMatch(a.Range, fmt.Sprintf("accept %q", a.Fingerprint), a.Fingerprint)
			continue
		}
		a.Finding = f
		if a.Expired {
			d := c.diags.Errorf("TM601", a.Range, "acceptance of %q expired on %s", a.Fingerprint, a.Until)
			d.Detail = "the finding is open again: fix it, or review the acceptance and set a new `until` date"
			continue
		}
		if f.Acceptance == nil {
			f.Acceptance = a
			if f.Status == ir.Open {
				f.Status = ir.Accepted
			}
		}
	}
}

func (c *compiler) noMatch(r diag.Range, what, fp string) {
	d := c.diags.Warnf("TM602", r, "%s, which matches no finding", what)
	d.Detail = "the finding was fixed or its target renamed: remove the claim or acceptance, or correct the fingerprint (RULE@TARGET, as `tmc check` prints it)"
	if s := dsl.Suggest(fp, c.fingerprints()); s != "" {
		d.Summary += fmt.Sprintf("; did you mean %q?", s)
	}
}

func (c *compiler) fingerprints() []string {
	out := make([]string, len(c.m.Findings))
	for i, f := range c.m.Findings {
		out[i] = f.Fingerprint
	}
	return out
}
