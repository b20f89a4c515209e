package site

import (
	"sort"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/compiler/rules"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// The threat register, the control backlog, the diagnostics and search.

type option struct{ Value, Text string }

type registerData struct {
	Rows       []threatRow
	Sources    []option
	Strides    []option
	Bands      []string
	Statuses   []string
	Boundaries []option

	Threats, Findings, Open, Accepted, Dismissed, Claimed int
}

// registerPage writes the register: every declared threat and every
// finding no declared threat claims (a claimed finding is shown on the
// row of the threat that claims it).
func (b *builder) registerPage() error {
	pc := b.pctx("")
	var ts []*ir.Threat
	for _, t := range b.m.Threats {
		if t != nil {
			ts = append(ts, t)
		}
	}
	d := &registerData{Statuses: threatStatuses, Threats: len(ts)}
	var fs []*ir.Finding
	ruleSeen := map[string]bool{}
	var ruleIDs []string
	for _, f := range b.m.Findings {
		if f == nil {
			continue
		}
		if !ruleSeen[f.Rule] {
			ruleSeen[f.Rule] = true
			ruleIDs = append(ruleIDs, f.Rule)
		}
		if !b.listed(f) {
			d.Claimed++
			continue
		}
		fs = append(fs, f)
		switch f.Status {
		case ir.Open:
			d.Open++
		case ir.Accepted:
			d.Accepted++
		case ir.Dismissed:
			d.Dismissed++
		}
	}
	d.Findings = len(fs)
	d.Rows = pc.riskRows(ts, fs)
	// Open rows first, then accepted and transferred, then mitigated and
	// dismissed; by risk within each (riskRows' order, kept).
	sort.SliceStable(d.Rows, func(i, j int) bool { return statusRank(d.Rows[i].Status) < statusRank(d.Rows[j].Status) })
	d.Sources = []option{{"declared", "declared threats"}, {"rule", "findings of any rule"}}
	sort.Strings(ruleIDs)
	for _, id := range ruleIDs {
		text := id
		if r := rules.Lookup(id); r != nil {
			text += " · " + r.Title
		}
		d.Sources = append(d.Sources, option{id, text})
	}
	for _, s := range strideOrder {
		d.Strides = append(d.Strides, option{s, strideName(s)})
	}
	d.Bands = append(append([]string(nil), bandOrder...), "unscored")
	for _, bd := range b.m.Boundaries {
		if bd == nil {
			continue
		}
		depth := len(chain(bd)) - 1
		d.Boundaries = append(d.Boundaries, option{bd.ID, strings.Repeat("· ", depth) + title(bd.Name, bd.ID)})
	}
	return b.render("register.html", &page{Kind: "register", Nav: "register", Root: "", Title: "Threat register", D: d})
}

type controlsData struct {
	Rows    []controlRow
	Linked  bool
	Results *resultsNote // the test results the tests' states come from; nil without
}

func (b *builder) controlsPage() error {
	pc := b.pctx("")
	d := &controlsData{Linked: b.sourceURL != "", Results: b.resultsNote()}
	for _, c := range b.m.Controls {
		if c != nil {
			d.Rows = append(d.Rows, pc.controlRow(c))
		}
	}
	// A backlog: what is still to do first (proposed, planned), then what
	// is in place; model order within a status.
	sort.SliceStable(d.Rows, func(i, j int) bool { return d.Rows[i].StatusRank < d.Rows[j].StatusRank })
	return b.render("controls.html", &page{Kind: "controls", Nav: "controls", Root: "", Title: "Control backlog", D: d})
}

type diagnosticsData struct {
	Rows             []diagRow
	Errors, Warnings int
}

func (b *builder) diagnosticsPage() error {
	d := &diagnosticsData{Errors: b.in.Diags.Count(diag.Error), Warnings: b.in.Diags.Count(diag.Warning)}
	for _, x := range b.in.Diags {
		if x != nil {
			d.Rows = append(d.Rows, diagRowOf(x))
		}
	}
	return b.render("diagnostics.html", &page{Kind: "diagnostics", Nav: "diagnostics", Root: "", Title: "Diagnostics", D: d})
}

func (b *builder) searchPage() error {
	b.addSearch("Threat register", "page", "", "register.html", "threats risk register")
	b.addSearch("Control backlog", "page", "", "controls.html", "controls backlog tests evidence")
	b.addSearch("Diagnostics", "page", "", "diagnostics.html", "errors warnings diagnostics")
	return b.render("search.html", &page{Kind: "search", Nav: "search", Root: "", Title: "Search", SearchIndex: true})
}
