package site

import (
	"html/template"
	"sort"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/compiler/rules"
)

// The page of each finding of the threat rules, and rules.html: the
// built-in rules, as `tmc rules ID` and docs/rules.md explain them.

type claimData struct {
	Threat link
	Status string
}

type findingData struct {
	Fingerprint, Title, Status string
	Open                       bool // show how to accept or claim it
	Rule                       link
	Message                    string
	Stride                     []string
	Impact, Likelihood, Score  int
	Band, BandClass            string
	Props                      []prop
	ClaimedBy                  *claimData
	Acceptance                 *acceptanceData
	Dismissal                  *dismissalData
	Why, Fix                   template.HTML
	// Severity says where the impact and the likelihood come from
	// (ir.Finding ImpactWhy and LikelihoodWhy), as a list.
	Severity   template.HTML
	References []string
}

func (b *builder) findingPages() error {
	for _, f := range b.m.Findings {
		if f == nil {
			continue
		}
		p := b.findingFile[f]
		if b.seen[p] { // a duplicate fingerprint: its first finding has the page
			continue
		}
		pc := b.pctx("../")
		row := pc.findingRow(f)
		d := &findingData{Fingerprint: f.Fingerprint, Title: row.Name, Status: f.Status, Rule: row.Rule, Message: f.Message,
			Stride: f.Stride, Impact: f.Impact, Likelihood: f.Likelihood, Score: f.Score, Band: f.Band, BandClass: row.BandKey,
			Acceptance: row.Acceptance, Dismissal: row.Dismissal, Open: f.Status == ir.Open}
		ruleProp := prop{Key: "Rule", Links: []link{row.Rule}}
		found := pc.sourceProp(f.Range)
		found.Key = "Found at"
		d.Props = []prop{ruleProp, row.targetProp(), {Key: "Boundaries", Links: row.Boundaries}, {Key: "Categories", Value: categoryNames(f.Stride)},
			{Key: "Fingerprint", Value: f.Fingerprint, Code: true}, found}
		if b.isThreat[f.ClaimedBy] {
			d.ClaimedBy = &claimData{pc.threatLink(f.ClaimedBy), f.ClaimedBy.Status}
		}
		var why []string
		for _, w := range []string{f.ImpactWhy, f.LikelihoodWhy} {
			if w != "" {
				why = append(why, "- "+w)
			}
		}
		if len(why) > 0 {
			d.Severity = pc.markdown(strings.Join(why, "\n")+"\n", "severity-", ".")
		}
		if r := rules.Lookup(f.Rule); r != nil {
			prefix := "rule-" + ruleAnchor(r.ID) + "-"
			d.Why = pc.markdown(r.Rationale, prefix, ".")
			d.Fix = pc.markdown(r.Fix, prefix, ".")
			d.References = r.References
		}
		crumbs := []link{{"Register", "../register.html"}}
		if d.ClaimedBy != nil {
			crumbs = append(crumbs, d.ClaimedBy.Threat)
		}
		text := []string{f.Rule, f.Message, f.Status, strings.Join(f.Stride, " "), strings.Join(d.References, " ")}
		if a := row.Acceptance; a != nil {
			text = append(text, a.By, a.Reason)
		}
		if x := row.Dismissal; x != nil {
			text = append(text, x.Reviewer, x.Reason)
		}
		if d.ClaimedBy != nil {
			text = append(text, "claimed by "+f.ClaimedBy.ID)
		}
		b.addSearch(d.Title, kindFinding, f.Fingerprint, p, text...)
		if err := b.render(p, &page{Kind: kindFinding, Root: "../", Title: f.Fingerprint, Crumbs: crumbs, D: d}); err != nil {
			return err
		}
	}
	return nil
}

type ruleEntry struct {
	ID, Anchor, Title         string
	Categories                string
	Impact, Likelihood, Score int
	Band                      string
	Why, Fix                  template.HTML
	References                []string
	Findings                  []threatRow // every finding of the rule, claimed ones included
	RegisterURL               string
}

type rulesData struct {
	Rules []ruleEntry
	Total int // findings in the model
}

// rulesPage writes rules.html: every built-in rule, what it looks for,
// why and how to fix it, and its findings in this model. Entries are
// anchored as in docs/rules.md (rules.html#tmr-s03).
func (b *builder) rulesPage() error {
	pc := b.pctx("")
	byRule := map[string][]*ir.Finding{}
	d := &rulesData{}
	for _, f := range b.m.Findings {
		if f != nil {
			if r := rules.Lookup(f.Rule); r != nil {
				byRule[r.ID] = append(byRule[r.ID], f)
			}
			d.Total++
		}
	}
	for _, r := range rules.All {
		anchor := ruleAnchor(r.ID)
		prefix := "rule-" + anchor + "-"
		e := ruleEntry{ID: r.ID, Anchor: anchor, Title: r.Title, Categories: categoryNames(r.Stride),
			Impact: r.Impact, Likelihood: r.Likelihood, Score: r.Impact * r.Likelihood, Band: ir.Band(r.Impact * r.Likelihood),
			Why: pc.markdown(r.Rationale, prefix, "."), Fix: pc.markdown(r.Fix, prefix, "."), References: r.References,
			Findings: pc.findingRows(byRule[r.ID]), RegisterURL: "register.html#source=" + r.ID}
		d.Rules = append(d.Rules, e)
	}
	b.addSearch("Threat rules", "page", "", "rules.html", "built-in threat rules findings "+strings.Join(rules.IDs(), " "), strings.Join(cweIDs(), " "))
	return b.render("rules.html", &page{Kind: "rules", Root: "", Title: "Threat rules", D: d})
}

func categoryNames(cs []string) string {
	var out []string
	for _, c := range cs {
		out = append(out, strideName(c))
	}
	return strings.Join(out, ", ")
}

// cweIDs are the CWE ids the built-in rules cite, sorted, each once.
func cweIDs() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rules.All {
		for _, ref := range r.References {
			if strings.HasPrefix(ref, "CWE-") && !seen[ref] {
				seen[ref] = true
				out = append(out, ref)
			}
		}
	}
	sort.Strings(out) // sort for determinism
	return out
}
