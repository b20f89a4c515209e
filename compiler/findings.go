package compiler

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/compiler/rules"
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
	if strings.Contains(a.Fingerprint, "*") {
		rule, target, _ := strings.Cut(a.Fingerprint, "@")
		if rule == "" || strings.Contains(rule, "*") || strings.Count(target, "*") != 1 || !strings.HasSuffix(target, "*") {
			d := c.diags.Errorf("TM103", a.Range, "invalid acceptance pattern %q", a.Fingerprint)
			d.Detail = "a pattern names one rule and ends its target with *: \"RULE@*\" accepts every finding of the rule, \"RULE@shop.*\" those whose target starts with shop."
			return
		}
		a.Pattern = true
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

// declareDismiss records a top-level `dismiss "RULE@TARGET" { ... }`. A
// dismissal names one finding: a pattern is TM103 (a false positive is
// judged finding by finding; accept takes patterns).
func (c *compiler) declareDismiss(file string, d *dsl.DismissDecl) {
	x := &ir.FindingDismissal{Fingerprint: string(d.Fingerprint.Value), Range: rng(file, &d.Fingerprint.Node)}
	for _, s := range d.Body {
		c.setStr(x, file, "reason", &x.Reason, s.Reason, &s.Node)
		c.setStr(x, file, "reviewer", &x.Reviewer, s.Reviewer, &s.Node)
	}
	if !hasUnknown(d.Body, func(s *dsl.DismissStmt) *dsl.Unknown { return s.Unknown }) {
		for _, need := range []string{"reason", "reviewer"} {
			if _, ok := c.props[x][need]; !ok {
				c.diags.Errorf("TM104", x.Range, "dismiss %q has no %s", x.Fingerprint, need).Detail =
					`a dismissal says why the finding does not apply and who judged it: dismiss "RULE@TARGET" { reason "TEXT" reviewer "NAME" }`
			}
		}
	}
	if strings.Contains(x.Fingerprint, "*") {
		d := c.diags.Errorf("TM103", x.Range, "invalid dismissal %q: a dismissal names one finding", x.Fingerprint)
		d.Detail = "a false positive is judged finding by finding: write the fingerprint as `tmc check` prints it (RULE@TARGET); to set aside every finding of a rule for a while, use accept \"RULE@*\" with an owner and an expiry"
		return
	}
	for _, old := range c.m.Dismissals {
		if old.Fingerprint == x.Fingerprint {
			d := c.diags.Errorf("TM203", x.Range, "duplicate dismissal of %q", x.Fingerprint)
			d.Related = append(d.Related, diag.Note{Range: old.Range, Message: "first dismissed here"})
			return
		}
	}
	c.m.Dismissals = append(c.m.Dismissals, x)
}

// settleFindings applies the claims of threats and the dismiss and
// accept declarations to the findings: a claimed finding has status
// claimed, a dismissed one dismissed, an accepted one accepted (a claim
// comes first, then a dismissal; the others are still recorded). An acceptance by fingerprint comes before a pattern, and a
// longer pattern before a shorter one, so the most specific reason is the
// one a finding shows. An expired acceptance is TM601 and leaves its
// findings open; a claim or acceptance that matches no finding is TM602.
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
	for _, x := range c.m.Dismissals {
		f := byFP[x.Fingerprint]
		if f == nil {
			c.noMatch(x.Range, fmt.Sprintf("dismiss %q", x.Fingerprint), x.Fingerprint).Detail =
				"the finding was fixed or its target renamed: remove the dismissal, or correct the fingerprint (RULE@TARGET, as `tmc check` prints it)"
			continue
		}
		x.Finding, f.Dismissal = f, x
		if f.Status == ir.Open {
			f.Status = ir.Dismissed
		}
	}
	order := slices.Clone(c.m.Acceptances)
	slices.SortStableFunc(order, func(a, b *ir.FindingAcceptance) int {
		if a.Pattern != b.Pattern {
			if b.Pattern {
				return -1
			}
			return 1
		}
		return len(b.Fingerprint) - len(a.Fingerprint)
	})
	for _, a := range order {
		if a.Pattern {
			prefix := strings.TrimSuffix(a.Fingerprint, "*")
			for _, f := range c.m.Findings { // in model order
				if strings.HasPrefix(f.Fingerprint, prefix) {
					a.Findings = append(a.Findings, f)
				}
			}
		} else if f := byFP[a.Fingerprint]; f != nil {
			a.Findings = []*ir.Finding{f}
		}
		if len(a.Findings) == 0 {
			if a.Pattern {
				c.noPatternMatch(a)
			} else {
				c.noMatch(a.Range, fmt.Sprintf("accept %q", a.Fingerprint), a.Fingerprint)
			}
			continue
		}
		if a.Expired {
			d := c.diags.Errorf("TM601", a.Range, "acceptance of %q expired on %s", a.Fingerprint, a.Until)
			d.Detail = "the finding is open again: fix it, or review the acceptance and set a new `until` date"
			if len(a.Findings) > 1 {
				d.Detail = fmt.Sprintf("its %d findings are open again: fix them, or review the acceptance and set a new `until` date", len(a.Findings))
			}
			for _, f := range a.Findings {
				if f.ExpiredAcceptance == nil {
					f.ExpiredAcceptance = a
				}
			}
			continue
		}
		for _, f := range a.Findings {
			if f.Acceptance == nil {
				f.Acceptance = a
				if f.Status == ir.Open {
					f.Status = ir.Accepted
				}
			}
		}
	}
}

func (c *compiler) noMatch(r diag.Range, what, fp string) *diag.Diagnostic {
	d := c.diags.Warnf("TM602", r, "%s, which matches no finding", what)
	d.Detail = "the finding was fixed or its target renamed: remove the claim or acceptance, or correct the fingerprint (RULE@TARGET, as `tmc check` prints it)"
	if s := dsl.Suggest(fp, c.fingerprints()); s != "" {
		d.Summary += fmt.Sprintf("; did you mean %q?", s)
	}
	return d
}

// noPatternMatch is TM602 for a pattern: it names a rule that does not
// exist (with the closest rule id), or no finding of the rule matches.
func (c *compiler) noPatternMatch(a *ir.FindingAcceptance) {
	rule, _, _ := strings.Cut(a.Fingerprint, "@")
	if rules.Lookup(rule) == nil {
		d := c.diags.Warnf("TM602", a.Range, "accept %q names no rule %q, so it matches no finding", a.Fingerprint, rule)
		d.Detail = "`tmc rules` lists the rules"
		if s := dsl.Suggest(rule, rules.IDs()); s != "" {
			d.Summary += fmt.Sprintf("; did you mean %q?", s)
		}
		return
	}
	d := c.diags.Warnf("TM602", a.Range, "accept %q, which matches no finding", a.Fingerprint)
	d.Detail = "the findings were fixed or their targets renamed: remove the acceptance, or correct the pattern (RULE@PREFIX*, as the fingerprints `tmc check` prints start)"
}

func (c *compiler) fingerprints() []string {
	out := make([]string, len(c.m.Findings))
	for i, f := range c.m.Findings {
		out[i] = f.Fingerprint
	}
	return out
}
