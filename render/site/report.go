package site

import (
	"html/template"
	"sort"

	"github.com/tmc-dev/tmc/compiler/ir"
)

// report.html: the whole threat model on one page, meant for print and
// PDF: a cover (model, commit, date), the open risks, the boundaries and
// their crossings, the threats with their controls, tests and evidence,
// the findings, and the decisions.

type reportBoundary struct {
	Link     link
	Trust    string
	Parent   link
	Rows     []reportCrossing
	Unmarked int
}

type reportCrossing struct {
	Flow, From, To link
	Verb, Reason   string
}

type reportThreat struct {
	Row         threatRow
	Controls    []controlRow
	Transferred string
}

type reportData struct {
	Owner, Reviewed string
	Revision        *Revision
	Version         string
	Description     template.HTML
	Risks           []topRisk
	Boundaries      []reportBoundary
	Threats         []reportThreat
	Findings        []threatRow
	Decisions       []decisionRow
}

func (b *builder) reportPage() error {
	m := b.m
	pc := b.pctx("")
	d := &reportData{Owner: m.Owner, Reviewed: m.Reviewed, Revision: b.in.Revision, Version: b.opts.Version,
		Description: pc.markdown(m.Description, "report-md-", fileDir(m.Range))}
	d.Risks, _ = pc.openRisks(0)

	for _, bd := range m.Boundaries {
		if bd == nil {
			continue
		}
		rb := reportBoundary{Link: pc.boundaryLink(bd), Trust: bd.Trust}
		if bd.Parent != nil {
			rb.Parent = pc.boundaryLink(bd.Parent)
		}
		for _, cr := range b.crossingsOfBoundary[bd] {
			f := cr.flow
			r := reportCrossing{Flow: pc.flowLink(f), From: pc.elementLink(f.From), To: pc.elementLink(f.To), Verb: crossingVerb(cr.x.Direction)}
			if cr.x.Mark != nil {
				r.Reason = cr.x.Mark.Reason
			} else {
				rb.Unmarked++
			}
			rb.Rows = append(rb.Rows, r)
		}
		d.Boundaries = append(d.Boundaries, rb)
	}

	// Threats in the register's order: open first, highest risk first.
	var ts []*ir.Threat
	for _, t := range m.Threats {
		if t != nil {
			ts = append(ts, t)
		}
	}
	byID := map[string]*ir.Threat{}
	for _, t := range ts {
		if _, dup := byID[t.ID]; !dup {
			byID[t.ID] = t
		}
	}
	rows := pc.threatRows(ts)
	sort.SliceStable(rows, func(i, j int) bool { return statusRank(rows[i].Status) < statusRank(rows[j].Status) })
	for _, r := range rows {
		rt := reportThreat{Row: r}
		if t := byID[r.ID]; t != nil {
			for _, c := range t.MitigatedBy {
				if c != nil {
					rt.Controls = append(rt.Controls, pc.controlRow(c))
				}
			}
			rt.Transferred = t.Transferred
		}
		d.Threats = append(d.Threats, rt)
	}
	var fs []*ir.Finding
	for _, f := range m.Findings {
		if f != nil && b.listed(f) {
			fs = append(fs, f)
		}
	}
	d.Findings = pc.findingRows(fs)
	sort.SliceStable(d.Findings, func(i, j int) bool { return statusRank(d.Findings[i].Status) < statusRank(d.Findings[j].Status) })

	for _, x := range m.Decisions {
		if x == nil {
			continue
		}
		r := decisionRow{ID: x.ID, Name: title(x.Name, x.ID), URL: pc.url(kindDecision, x.ID), Status: x.Status}
		for _, e := range x.Affects {
			if e != nil {
				r.Affects = append(r.Affects, pc.elementLink(e))
			}
		}
		if x.File != nil {
			r.File = x.File.Shown()
		}
		d.Decisions = append(d.Decisions, r)
	}
	b.addSearch("Printable report", "page", "", "report.html", "report print pdf whole model")
	return b.render("report.html", &page{Kind: "report", Nav: "report", Root: "", Title: "Report", D: d})
}
