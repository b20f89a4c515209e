package site

import (
	"github.com/tmc-dev/tmc/compiler/diff"
	"github.com/tmc-dev/tmc/compiler/ir"
)

// changes.html: what changed since the base revision of tmc build
// --base, as tmc diff computes it (compiler/diff), linked to the pages of
// the model as it is now. Things that are gone have no page: they are
// named, not linked.

type changeCrossing struct {
	Flow, From, To, Boundary link
	Verb, Reason             string
	Decisions                []link
}

type changeReason struct {
	Flow, Boundary link
	Verb, Old, New string
}

// A changeItem is a threat, finding or control added, removed or
// changed, said in words: "new", "removed", "closed", "reopened",
// "changed".
type changeItem struct {
	What                 string
	Item, Target         link
	OldBand, NewBand     string
	OldStatus, NewStatus string
}

type changeSet struct {
	Name           string
	Added, Removed []link
}

type changesData struct {
	Base                string
	Empty               bool
	Crossings           []changeCrossing
	Unrecorded          int // new crossings without a decision
	CrossingsRemoved    []changeCrossing
	Reasons             []changeReason
	Findings, Threats   []changeItem
	NewFindings, Closed int
	Controls            []changeItem
	Sets                []changeSet
	Decisions           []decisionRow
	Acceptances         []diff.Acceptance
}

// changesPage writes changes.html when the build has changes.
func (b *builder) changesPage() error {
	r := b.in.Changes
	if r == nil {
		return nil
	}
	pc := b.pctx("")
	ids := b.idIndex()
	d := &changesData{Base: r.Old, Empty: r.Empty(), Acceptances: r.Acceptances}
	crossing := func(c diff.Crossing) changeCrossing {
		x := changeCrossing{Flow: ids.link(pc, kindFlow, c.Flow), From: ids.link(pc, kindElement, c.From), To: ids.link(pc, kindElement, c.To),
			Boundary: ids.link(pc, kindBoundary, c.Boundary), Verb: crossingVerb(c.Direction), Reason: c.Reason}
		for _, id := range c.Decisions {
			x.Decisions = append(x.Decisions, ids.link(pc, kindDecision, id))
		}
		return x
	}
	for _, c := range r.CrossingsAdded {
		x := crossing(c)
		if len(x.Decisions) == 0 {
			d.Unrecorded++
		}
		d.Crossings = append(d.Crossings, x)
	}
	for _, c := range r.CrossingsRemoved {
		d.CrossingsRemoved = append(d.CrossingsRemoved, crossing(c))
	}
	for _, c := range r.ReasonsChanged {
		d.Reasons = append(d.Reasons, changeReason{Flow: ids.link(pc, kindFlow, c.Flow), Boundary: ids.link(pc, kindBoundary, c.Boundary),
			Verb: crossingVerb(c.Direction), Old: c.Old, New: c.New})
	}
	items := func(kind string, cs []diff.Change) []changeItem {
		var out []changeItem
		for _, c := range cs {
			it := changeItem{What: changeWhat(kind, c), Item: ids.link(pc, kind, c.ID), Target: link{Text: c.Target},
				OldBand: c.OldBand, NewBand: c.NewBand, OldStatus: c.OldStatus, NewStatus: c.NewStatus}
			if c.Target != "" {
				it.Target = ids.target(pc, c.Target)
			}
			out = append(out, it)
		}
		return out
	}
	d.Findings = items(kindFinding, r.Findings)
	for _, it := range d.Findings {
		switch it.What {
		case "new":
			d.NewFindings++
		case "closed":
			d.Closed++
		}
	}
	d.Threats = items(kindThreat, r.Threats)
	d.Controls = items(kindControl, r.Controls)
	for _, s := range []struct {
		name, kind string
		set        diff.Set
	}{{"Elements", kindElement, r.Elements}, {"Boundaries", kindBoundary, r.Boundaries}, {"Flows", kindFlow, r.Flows}} {
		cs := changeSet{Name: s.name}
		for _, id := range s.set.Added {
			cs.Added = append(cs.Added, ids.link(pc, s.kind, id))
		}
		for _, id := range s.set.Removed {
			cs.Removed = append(cs.Removed, link{Text: id})
		}
		if len(cs.Added)+len(cs.Removed) > 0 {
			d.Sets = append(d.Sets, cs)
		}
	}
	for _, x := range r.DecisionsAdded {
		row := decisionRow{ID: x.ID, Name: x.ID, Status: x.Status}
		l := ids.link(pc, kindDecision, x.ID)
		row.Name, row.URL = l.Text, l.URL
		for _, e := range x.Affects {
			row.Affects = append(row.Affects, ids.link(pc, kindElement, e))
		}
		d.Decisions = append(d.Decisions, row)
	}
	b.addSearch("Changes since "+r.Old, "page", "", "changes.html", "changes diff new crossings findings controls since "+r.Old)
	return b.render("changes.html", &page{Kind: "changes", Nav: "changes", Root: "", Title: "Changes since " + r.Old, D: d})
}

// changeWhat says what happened to a threat, finding or control: a
// finding no rule finds any more is closed (what it asked for was done);
// a threat or control no longer declared is removed.
func changeWhat(kind string, c diff.Change) string {
	switch c.Kind {
	case diff.Added:
		return "new"
	case diff.Removed:
		if kind == kindFinding {
			return "closed"
		}
		return "removed"
	}
	switch {
	case c.OldStatus == ir.Open && c.NewStatus != ir.Open && c.NewStatus != "":
		return "closed"
	case c.OldStatus != ir.Open && c.NewStatus == ir.Open:
		return "reopened"
	}
	return "changed"
}

// An idIndex finds the things of the model by kind and id, to link what
// a diff names to its page; what the model no longer has is text.
type idIndex struct {
	b    *builder
	have map[string]map[string]bool
}

func (b *builder) idIndex() *idIndex {
	x := &idIndex{b: b, have: map[string]map[string]bool{}}
	add := func(kind, id string) {
		if x.have[kind] == nil {
			x.have[kind] = map[string]bool{}
		}
		x.have[kind][id] = true
	}
	for _, e := range b.m.Elements {
		if e != nil {
			add(kindElement, e.ID)
		}
	}
	for _, bd := range b.m.Boundaries {
		if bd != nil {
			add(kindBoundary, bd.ID)
		}
	}
	for _, f := range b.m.Flows {
		if f != nil {
			add(kindFlow, f.ID)
		}
	}
	for _, t := range b.m.Threats {
		if t != nil {
			add(kindThreat, t.ID)
		}
	}
	for _, c := range b.m.Controls {
		if c != nil {
			add(kindControl, c.ID)
		}
	}
	for _, d := range b.m.Decisions {
		if d != nil {
			add(kindDecision, d.ID)
		}
	}
	return x
}

// link links the thing of kind and id when the model has it.
func (x *idIndex) link(pc *pctx, kind, id string) link {
	if kind == kindFinding {
		if f := x.b.findingByFP[id]; f != nil {
			return pc.findingLink(f)
		}
		return link{Text: id}
	}
	if id == "" || !x.have[kind][id] {
		return link{Text: id}
	}
	return link{id, pc.url(kind, id)}
}

// target links the target of a threat or finding, a flow, an element or
// a boundary by id.
func (x *idIndex) target(pc *pctx, id string) link {
	for _, kind := range []string{kindFlow, kindElement, kindBoundary} {
		if x.have[kind][id] {
			return link{id, pc.url(kind, id)}
		}
	}
	return link{Text: id}
}
