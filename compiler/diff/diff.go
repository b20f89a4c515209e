// Package diff compares two compiled threat models in threat terms:
// elements, boundaries and flows added or removed; boundary crossings added
// or removed and their `crosses` reasons changed; threats, findings and
// controls added, removed or changing band or status; acceptances of
// findings added, removed or changed; decisions added.
//
// A Result depends only on the two models: every list is sorted, so the
// output of its writers is deterministic.
package diff

import (
	"sort"

	"github.com/tmc-dev/tmc/compiler/ir"
)

// Schema names the JSON form of a Result.
const Schema = "tmc/diff/v1"

// A Result is the semantic difference between two models.
type Result struct {
	Schema string `json:"schema"`
	// Old and New name the two sides (folders or revisions); set by the
	// caller, for the writers' headings.
	Old string `json:"old,omitempty"`
	New string `json:"new,omitempty"`

	Elements   Set `json:"elements"`
	Boundaries Set `json:"boundaries"`
	Flows      Set `json:"flows"`

	CrossingsAdded   []Crossing     `json:"crossings_added"`
	CrossingsRemoved []Crossing     `json:"crossings_removed"`
	ReasonsChanged   []ReasonChange `json:"reasons_changed"`

	Threats  []Change `json:"threats"`
	Findings []Change `json:"findings"`
	Controls []Change `json:"controls"`

	Acceptances []Acceptance `json:"acceptances"`

	DecisionsAdded []Decision `json:"decisions_added"`
}

// An Acceptance is an `accept` declaration added, removed, or changed in
// reason, owner or expiry. Accept is its fingerprint or pattern; the other
// fields are the new side's (the old side's for a removed one), and
// OldUntil is the expiry before a change.
type Acceptance struct {
	Kind     string `json:"kind"`
	Accept   string `json:"accept"`
	Owner    string `json:"owner"`
	Until    string `json:"until"`
	OldUntil string `json:"old_until,omitempty"`
	Reason   string `json:"reason"`
	// Findings is how many findings it matches on its side.
	Findings int `json:"findings"`
}

// A Set lists ids added and removed, sorted.
type Set struct {
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
}

// A Crossing is one boundary a flow leaves or enters.
type Crossing struct {
	Flow      string `json:"flow"`
	From      string `json:"from"`
	To        string `json:"to"`
	Boundary  string `json:"boundary"`
	Direction string `json:"direction"` // leave | enter
	Reason    string `json:"reason"`    // the crosses reason; "" when unmarked
	// Decisions are the decisions added in the change whose `affects`
	// names an end of the flow (or an element around one); only for added
	// crossings.
	Decisions []string `json:"decisions,omitempty"`
}

// A ReasonChange is a crossing present on both sides whose `crosses`
// reason changed.
type ReasonChange struct {
	Flow      string `json:"flow"`
	Boundary  string `json:"boundary"`
	Direction string `json:"direction"`
	Old       string `json:"old"`
	New       string `json:"new"`
}

// Kinds of Change.
const (
	Added   = "added"
	Removed = "removed"
	Changed = "changed"
)

// A Change is a threat, finding or control added, removed, or changed in
// band or status. ID is the threat or control id, or the finding's
// fingerprint. Old* are empty for an added item, New* for a removed one.
type Change struct {
	Kind      string `json:"kind"`
	ID        string `json:"id"`
	Target    string `json:"target,omitempty"`
	OldBand   string `json:"old_band,omitempty"`
	NewBand   string `json:"new_band,omitempty"`
	OldStatus string `json:"old_status,omitempty"`
	NewStatus string `json:"new_status,omitempty"`
}

// A Decision is a decision added in the change.
type Decision struct {
	ID      string   `json:"id"`
	Status  string   `json:"status,omitempty"`
	Affects []string `json:"affects"`
}

// Empty reports whether nothing changed in threat terms.
func (r *Result) Empty() bool {
	return len(r.Elements.Added)+len(r.Elements.Removed)+len(r.Boundaries.Added)+len(r.Boundaries.Removed)+
		len(r.Flows.Added)+len(r.Flows.Removed)+len(r.CrossingsAdded)+len(r.CrossingsRemoved)+len(r.ReasonsChanged)+
		len(r.Threats)+len(r.Findings)+len(r.Controls)+len(r.Acceptances)+len(r.DecisionsAdded) == 0
}

// Unrecorded returns the added crossings that no added decision covers.
func (r *Result) Unrecorded() []Crossing {
	var out []Crossing
	for _, c := range r.CrossingsAdded {
		if len(c.Decisions) == 0 {
			out = append(out, c)
		}
	}
	return out
}

// Diff compares old and new. A nil model counts as an empty one.
func Diff(old, new *ir.Model) *Result {
	if old == nil {
		old = &ir.Model{}
	}
	if new == nil {
		new = &ir.Model{}
	}
	r := &Result{Schema: Schema}
	r.Elements = diffIDs(ids(old.Elements, func(e *ir.Element) string { return e.ID }), ids(new.Elements, func(e *ir.Element) string { return e.ID }))
	r.Boundaries = diffIDs(ids(old.Boundaries, func(b *ir.Boundary) string { return b.ID }), ids(new.Boundaries, func(b *ir.Boundary) string { return b.ID }))
	r.Flows = diffIDs(ids(old.Flows, func(f *ir.Flow) string { return f.ID }), ids(new.Flows, func(f *ir.Flow) string { return f.ID }))

	// Decisions first: added crossings name the ones that cover them.
	oldDec := map[string]bool{}
	for _, d := range old.Decisions {
		oldDec[d.ID] = true
	}
	covers := map[string][]string{} // element id -> added decisions affecting it
	for _, d := range new.Decisions {
		if oldDec[d.ID] {
			continue
		}
		dec := Decision{ID: d.ID, Status: d.Status, Affects: []string{}}
		for _, e := range d.Affects {
			if e == nil {
				continue
			}
			dec.Affects = append(dec.Affects, e.ID)
			covers[e.ID] = append(covers[e.ID], d.ID)
		}
		sort.Strings(dec.Affects)
		r.DecisionsAdded = append(r.DecisionsAdded, dec)
	}
	sort.Slice(r.DecisionsAdded, func(i, j int) bool { return r.DecisionsAdded[i].ID < r.DecisionsAdded[j].ID })

	oc, nc := crossings(old), crossings(new)
	for k, c := range nc {
		o, ok := oc[k]
		if !ok {
			x := c.export()
			x.Decisions = coveredBy(covers, c.flow)
			r.CrossingsAdded = append(r.CrossingsAdded, x)
			continue
		}
		if or, nr := o.reason(), c.reason(); or != nr {
			r.ReasonsChanged = append(r.ReasonsChanged, ReasonChange{Flow: k.flow, Boundary: k.boundary, Direction: k.direction, Old: or, New: nr})
		}
	}
	for k, o := range oc {
		if _, ok := nc[k]; !ok {
			r.CrossingsRemoved = append(r.CrossingsRemoved, o.export())
		}
	}
	sortCrossings(r.CrossingsAdded)
	sortCrossings(r.CrossingsRemoved)
	sort.Slice(r.ReasonsChanged, func(i, j int) bool {
		a, b := r.ReasonsChanged[i], r.ReasonsChanged[j]
		return crossingLess(a.Flow, a.Boundary, a.Direction, b.Flow, b.Boundary, b.Direction)
	})

	type item struct{ target, band, status string }
	threats := func(m *ir.Model) map[string]item {
		out := map[string]item{}
		for _, t := range m.Threats {
			out[t.ID] = item{t.Target.ID(), t.Band, t.Status}
		}
		return out
	}
	findings := func(m *ir.Model) map[string]item {
		out := map[string]item{}
		for _, f := range m.Findings {
			out[f.Fingerprint] = item{f.Target.ID(), f.Band, f.Status}
		}
		return out
	}
	controls := func(m *ir.Model) map[string]item {
		out := map[string]item{}
		for _, c := range m.Controls {
			out[c.ID] = item{"", "", c.Status}
		}
		return out
	}
	changes := func(o, n map[string]item) []Change {
		var out []Change
		for id, x := range n {
			y, ok := o[id]
			switch {
			case !ok:
				out = append(out, Change{Kind: Added, ID: id, Target: x.target, NewBand: x.band, NewStatus: x.status})
			case x.band != y.band || x.status != y.status:
				out = append(out, Change{Kind: Changed, ID: id, Target: x.target, OldBand: y.band, NewBand: x.band, OldStatus: y.status, NewStatus: x.status})
			}
		}
		for id, y := range o {
			if _, ok := n[id]; !ok {
				out = append(out, Change{Kind: Removed, ID: id, Target: y.target, OldBand: y.band, OldStatus: y.status})
			}
		}
		sort.Slice(out, func(i, j int) bool {
			if out[i].Kind != out[j].Kind {
				return kindRank[out[i].Kind] < kindRank[out[j].Kind]
			}
			return out[i].ID < out[j].ID
		})
		return out
	}
	r.Threats = changes(threats(old), threats(new))
	r.Findings = changes(findings(old), findings(new))
	r.Controls = changes(controls(old), controls(new))
	r.Acceptances = acceptances(old, new)
	return r
}

// acceptances lists the accept declarations added, removed or changed,
// sorted like the other changes.
func acceptances(old, new *ir.Model) []Acceptance {
	index := func(m *ir.Model) map[string]*ir.FindingAcceptance {
		out := map[string]*ir.FindingAcceptance{}
		for _, a := range m.Acceptances {
			if a != nil {
				out[a.Fingerprint] = a
			}
		}
		return out
	}
	export := func(kind string, a *ir.FindingAcceptance) Acceptance {
		return Acceptance{Kind: kind, Accept: a.Fingerprint, Owner: a.Owner, Until: a.Until, Reason: a.Reason, Findings: len(a.Findings)}
	}
	o, n := index(old), index(new)
	var out []Acceptance
	for fp, a := range n {
		b, ok := o[fp]
		switch {
		case !ok:
			out = append(out, export(Added, a))
		case a.Reason != b.Reason || a.Owner != b.Owner || a.Until != b.Until:
			c := export(Changed, a)
			if b.Until != a.Until {
				c.OldUntil = b.Until
			}
			out = append(out, c)
		}
	}
	for fp, b := range o {
		if _, ok := n[fp]; !ok {
			out = append(out, export(Removed, b))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return kindRank[out[i].Kind] < kindRank[out[j].Kind]
		}
		return out[i].Accept < out[j].Accept
	})
	return out
}

var kindRank = map[string]int{Added: 0, Removed: 1, Changed: 2}

func ids[T any](xs []T, id func(T) string) map[string]bool {
	out := make(map[string]bool, len(xs))
	for _, x := range xs {
		out[id(x)] = true
	}
	return out
}

func diffIDs(old, new map[string]bool) Set {
	s := Set{Added: []string{}, Removed: []string{}}
	for id := range new {
		if !old[id] {
			s.Added = append(s.Added, id)
		}
	}
	for id := range old {
		if !new[id] {
			s.Removed = append(s.Removed, id)
		}
	}
	sort.Strings(s.Added)
	sort.Strings(s.Removed)
	return s
}

type crossing struct {
	flow *ir.Flow
	c    *ir.Crossing
}

func (c crossing) reason() string {
	if c.c.Mark == nil {
		return ""
	}
	return c.c.Mark.Reason
}

func (c crossing) export() Crossing {
	x := Crossing{Flow: c.flow.ID, Boundary: c.c.Boundary.ID, Direction: c.c.Direction, Reason: c.reason()}
	if c.flow.From != nil {
		x.From = c.flow.From.ID
	}
	if c.flow.To != nil {
		x.To = c.flow.To.ID
	}
	return x
}

type crossingKey struct{ flow, boundary, direction string }

func crossings(m *ir.Model) map[crossingKey]crossing {
	n := 0
	for _, f := range m.Flows {
		n += len(f.Crossings)
	}
	out := make(map[crossingKey]crossing, n)
	for _, f := range m.Flows {
		for _, c := range f.Crossings {
			if c.Boundary == nil {
				continue
			}
			out[crossingKey{f.ID, c.Boundary.ID, c.Direction}] = crossing{f, c}
		}
	}
	return out
}

// coveredBy returns the added decisions whose affects names an end of f
// or an element either end is nested in.
func coveredBy(covers map[string][]string, f *ir.Flow) []string {
	set := map[string]bool{}
	for _, end := range []*ir.Element{f.From, f.To} {
		for e := end; e != nil; e = e.Parent {
			for _, d := range covers[e.ID] {
				set[d] = true
			}
		}
	}
	if len(set) == 0 {
		return nil
	}
	out := make([]string, 0, len(set))
	for d := range set {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

func crossingLess(f1, b1, d1, f2, b2, d2 string) bool {
	if f1 != f2 {
		return f1 < f2
	}
	if d1 != d2 {
		return d1 > d2 // leave before enter, as the compiler lists them
	}
	return b1 < b2
}

func sortCrossings(cs []Crossing) {
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		return crossingLess(a.Flow, a.Boundary, a.Direction, b.Flow, b.Boundary, b.Direction)
	})
}
