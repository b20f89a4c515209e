package rules

import (
	"strconv"

	"github.com/tmc-dev/tmc/compiler/ir"
)

// Severity: a finding's impact and likelihood start from its rule's
// defaults and move one step on the facts of the model (docs/rules.md,
// "Severity"):
//
//   - impact + 1 (at most 5) when what is at stake at the target rates
//     above the rule's default impact; the stake is the highest rating of
//     the data stored, processed or carried there (classification public 1
//     to secret 5, integrity and availability archive 1 to
//     mission_critical 5) and of the element's criticality;
//   - likelihood + 1 (at most 5) when the target is reachable from an
//     untrusted element in one hop without authentication, - 1 (at least
//     1) when no flow reaches it from an untrusted element, the default
//     otherwise.
//
// The facts are computed once per model (severityFacts), not per finding.

// A stakeItem is the highest-rated thing at stake at a target: its rank,
// 1-5 (0: nothing stated), and what it is, for the finding's reason,
// described only when a finding needs it (describe).
type stakeItem struct {
	rank int8        // 1-5; 0: nothing stated
	verb int8        // what the target does with the data: an index in verbs
	dim  int8        // of data: 0 classification, 1 integrity, 2 availability
	data *ir.Data    // the data, or nil for criticality
	via  *ir.Element // a flow's receiver whose own stake this is, or nil
}

// verbs are what a target does with the data at stake.
var verbs = []string{"stores", "processes", "carries", "sends", "receives"}

const (
	vStores = iota
	vProcesses
	vCarries
	vSends
	vReceives
)

// raiseData raises s to the data's highest rating, described as verb
// and the data.
func (s *stakeItem) raiseData(verb int8, d *ir.Data) {
	s.raise(dataStake(verb, d))
}

// raise raises s to x when x rates higher.
func (s *stakeItem) raise(x stakeItem) {
	if x.rank > s.rank {
		*s = x
	}
}

// dataStake is the highest rating of d.
func dataStake(verb int8, d *ir.Data) stakeItem {
	var s stakeItem
	if r, ok := classRank[d.Classification]; ok {
		s = stakeItem{rank: int8(r + 1), verb: verb, data: d, dim: 0}
	}
	if d.Integrity != "" {
		if r := int8(ir.Rating(d.Integrity)); r > s.rank {
			s = stakeItem{rank: r, verb: verb, data: d, dim: 1}
		}
	}
	if d.Availability != "" {
		if r := int8(ir.Rating(d.Availability)); r > s.rank {
			s = stakeItem{rank: r, verb: verb, data: d, dim: 2}
		}
	}
	return s
}

// describe says what s is: "carries restricted `card`", "stores `ledger`
// of integrity mission_critical", "has criticality critical", "reaches
// `db`, which stores restricted `card`".
func (s *stakeItem) describe() string {
	var what string
	switch {
	case s.data == nil:
		what = "has criticality " + ir.Ratings[s.rank-1]
	case s.dim == 1:
		what = verbs[s.verb] + " `" + s.data.ID + "` of integrity " + s.data.Integrity
	case s.dim == 2:
		what = verbs[s.verb] + " `" + s.data.ID + "` of availability " + s.data.Availability
	default:
		what = verbs[s.verb] + " " + s.data.Classification + " `" + s.data.ID + "`"
	}
	if s.via != nil {
		return "reaches `" + s.via.ID + "`, which " + what
	}
	return what
}

// Exposure kinds, from the most exposed.
const (
	expOneHopUnauth = iota // reachable in one hop without authentication: +1
	expReachable           // reachable otherwise: the default
	expUnreachable         // reached by no path from an untrusted element: -1
	expUntrusted           // the target is itself untrusted: the default
	expNoZones             // the model has no untrusted, or no trusted, zone
	expNoTrusted
	expUnresolved // an end of the flow did not resolve
	expBoundary   // a boundary target
)

// An exposure is how an attacker in an untrusted zone reaches a target.
type exposure struct {
	kind   int32
	hops   int32       // expReachable: hops from the nearest untrusted element
	origin *ir.Element // the untrusted element it is reached from, or the untrusted target
}

func (e exposure) adj() int {
	switch e.kind {
	case expOneHopUnauth:
		return 1
	case expUnreachable:
		return -1
	}
	return 0
}

// zone names where an untrusted element is: "`internet`", or "`u` (in no
// boundary)".
func zone(e *ir.Element) string {
	if e.Boundary == nil {
		return "`" + e.ID + "` (in no boundary)"
	}
	return "`" + e.Boundary.ID + "`"
}

// describe says how exposed the target is; adj 0 reads as a note on the
// default.
func (e exposure) describe() string {
	switch e.kind {
	case expOneHopUnauth:
		return "reachable from " + zone(e.origin) + " in one hop without authentication"
	case expUnreachable:
		return "not reachable from an untrusted zone"
	case expReachable:
		if e.hops == 1 {
			return "reachable from " + zone(e.origin) + " in one hop, with authentication"
		}
		return "reachable from " + zone(e.origin) + " in " + strconv.Itoa(int(e.hops)) + " hops"
	case expUntrusted:
		if e.origin.Boundary == nil {
			return "`" + e.origin.ID + "` is in no boundary, so untrusted"
		}
		return "`" + e.origin.ID + "` is in untrusted zone `" + e.origin.Boundary.ID + "`"
	case expNoZones:
		return "the model places no element in an untrusted zone"
	case expNoTrusted:
		return "the model places no element in a trusted zone"
	case expUnresolved:
		return "an end of the flow did not resolve"
	}
	return "the target is a boundary"
}

// severityFacts are the stake and exposure of every element and flow of a
// model, and the reasons already written: findings with the same stake (or
// exposure) and the same rule default share one string.
type severityFacts struct {
	elem     map[*ir.Element]*targetFacts
	flow     map[*ir.Flow]*targetFacts
	boundary targetFacts
	impacts  map[impactKey]int32 // indices in results
	likely   map[likelyKey]int32
	results  []scored
}

type targetFacts struct {
	stake stakeItem
	exp   exposure
	// The last severity computed here, by rule default (the rules of a
	// target often share defaults), as indices in severityFacts.results.
	impDef, likDef int8
	imp, lik       int32
}

type impactKey struct {
	stake    stakeItem
	boundary bool
	def      int
}

type likelyKey struct {
	kind, hops int32
	zone       any // the origin's boundary, or the origin when no boundary places it
	def        int
}

type scored struct {
	value int
	why   string
}

const inf = int(^uint(0) >> 1)

func computeSeverity(m *ir.Model) *severityFacts {
	sf := &severityFacts{
		elem:    make(map[*ir.Element]*targetFacts, len(m.Elements)),
		flow:    make(map[*ir.Flow]*targetFacts, len(m.Flows)),
		impacts: map[impactKey]int32{},
		likely:  map[likelyKey]int32{},
	}
	sf.boundary.exp = exposure{kind: expBoundary}
	facts := make([]targetFacts, len(m.Elements)+len(m.Flows))
	ef, ff := facts[:len(m.Elements)], facts[len(m.Elements):]

	// Stake. own is what an element holds itself (stores, processes,
	// criticality): what a call to it reaches.
	idx := make(map[*ir.Element]int, len(m.Elements))
	own := make([]stakeItem, len(m.Elements))
	for i, e := range m.Elements {
		idx[e] = i
		s := &own[i]
		for _, d := range e.Stores {
			s.raiseData(vStores, d)
		}
		for _, d := range e.Processes {
			s.raiseData(vProcesses, d)
		}
		if e.Criticality != "" {
			if r := int8(ir.Rating(e.Criticality)); r > s.rank {
				*s = stakeItem{rank: r}
			}
		}
		ef[i].stake = *s
		sf.elem[e] = &ef[i]
	}
	// The rating of each data asset, once.
	rated := make(map[*ir.Data]stakeItem, len(m.Data))
	for _, d := range m.Data {
		rated[d] = dataStake(vCarries, d)
	}
	for j, f := range m.Flows {
		t := &ff[j]
		sf.flow[f] = t
		for _, d := range f.Carries {
			x, ok := rated[d]
			if !ok {
				x = dataStake(vCarries, d)
			}
			t.stake.raise(x)
		}
		carried := t.stake
		if carried.rank > 0 {
			// The ends send and receive what the flow carries.
			if i, ok := idx[f.From]; ok {
				carried.verb = vSends
				ef[i].stake.raise(carried)
			}
			if i, ok := idx[f.To]; ok {
				carried.verb = vReceives
				ef[i].stake.raise(carried)
			}
		}
		if f.To != nil && f.ResponseTo == nil {
			if i, ok := idx[f.To]; ok && own[i].rank > t.stake.rank {
				t.stake = own[i]
				t.stake.via = f.To
			}
		}
	}

	// Exposure: two breadth-first searches from the untrusted elements
	// over the flows that are calls (replies excluded), one over every
	// flow and one over the flows without authentication. A container and
	// its components are one unit: a call to either reaches both.
	n := len(m.Elements)
	unit := make([]int, n)
	for i, e := range m.Elements {
		unit[i] = i
		if e.Kind == ir.Component {
			for p := e.Parent; p != nil; p = p.Parent {
				if p.IsContainer() {
					unit[i] = idx[p]
					break
				}
				if p.Kind != ir.Component {
					break
				}
			}
		}
	}
	// The origins are the untrusted elements, those of trust untrusted
	// or in no boundary first, then the external ones: a target as near
	// to both is named reachable from the untrusted zone.
	var origins, externals []int
	trusted := false
	for i, e := range m.Elements {
		switch {
		case trust(e) != 0:
			trusted = true
		case e.Boundary != nil && e.Boundary.Trust == "external":
			externals = append(externals, i)
		default:
			origins = append(origins, i)
		}
	}
	origins = append(origins, externals...)
	if len(origins) == 0 || !trusted {
		x := exposure{kind: expNoZones}
		if !trusted {
			x.kind = expNoTrusted
		}
		for i := range facts {
			facts[i].exp = x
		}
		return sf
	}
	// The calls out of each unit u, as the units they reach:
	// to[start[u]:start[u+1]], with whether each is unauthenticated.
	sender := make([]int32, len(m.Flows)) // the sending unit, -1 for none
	start := make([]int32, n+1)
	for j, f := range m.Flows {
		sender[j] = -1
		if f.ResponseTo != nil {
			continue
		}
		i, ok1 := idx[f.From]
		_, ok2 := idx[f.To]
		if ok1 && ok2 {
			sender[j] = int32(unit[i])
			start[unit[i]+1]++
		}
	}
	for u := 0; u < n; u++ {
		start[u+1] += start[u]
	}
	to := make([]int32, start[n])
	open := make([]bool, start[n])
	next := append([]int32(nil), start[:n]...)
	for j, f := range m.Flows {
		if u := sender[j]; u >= 0 {
			k := next[u]
			next[u]++
			to[k], open[k] = int32(unit[idx[f.To]]), unauthenticated(f)
		}
	}
	// bfs returns the hops of each unit from the origins (-1: not
	// reached) and the origin it is reached from.
	q := make([]int, 0, n)
	bfs := func(unauth bool) (dist, from []int) {
		dist, from = make([]int, n), make([]int, n)
		for i := range dist {
			dist[i] = -1
		}
		q = q[:0]
		for _, o := range origins {
			u := unit[o]
			if dist[u] < 0 {
				dist[u], from[u] = 0, o
				q = append(q, u)
			}
		}
		for k := 0; k < len(q); k++ {
			u := q[k]
			for e := start[u]; e < start[u+1]; e++ {
				if unauth && !open[e] {
					continue
				}
				if v := to[e]; dist[v] < 0 {
					dist[v], from[v] = dist[u]+1, from[u]
					q = append(q, int(v))
				}
			}
		}
		return dist, from
	}
	h, hFrom := bfs(false)
	hu, huFrom := bfs(true)
	for i, e := range m.Elements {
		if trust(e) == 0 {
			ef[i].exp = exposure{kind: expUntrusted, origin: e}
			continue
		}
		u := unit[i]
		switch {
		case hu[u] == 1:
			ef[i].exp = exposure{kind: expOneHopUnauth, origin: m.Elements[huFrom[u]]}
		case h[u] < 0:
			ef[i].exp = exposure{kind: expUnreachable}
		default:
			ef[i].exp = exposure{kind: expReachable, hops: int32(h[u]), origin: m.Elements[hFrom[u]]}
		}
	}
	// A flow is reached one hop after its sender.
	flowExp := func(f *ir.Flow) exposure {
		i, ok1 := idx[f.From]
		_, ok2 := idx[f.To]
		if f.From == nil || f.To == nil || !ok1 || !ok2 {
			return exposure{kind: expUnresolved}
		}
		if trust(f.To) == 0 {
			return exposure{kind: expUntrusted, origin: f.To}
		}
		u := unit[i]
		switch {
		case hu[u] == 0 && unauthenticated(f):
			return exposure{kind: expOneHopUnauth, origin: m.Elements[huFrom[u]]}
		case h[u] < 0:
			return exposure{kind: expUnreachable}
		}
		return exposure{kind: expReachable, hops: int32(h[u] + 1), origin: m.Elements[hFrom[u]]}
	}
	for j, f := range m.Flows {
		if f.ResponseTo == nil {
			ff[j].exp = flowExp(f)
		}
	}
	// A reply is as exposed as its request.
	for j, f := range m.Flows {
		if r := f.ResponseTo; r != nil {
			if rt := sf.flow[r]; rt != nil && r.ResponseTo == nil {
				ff[j].exp = rt.exp
			} else {
				ff[j].exp = flowExp(f)
			}
		}
	}
	return sf
}

// unauthenticated reports whether a flow states no authentication: none,
// or neither `authentication` nor `auth`.
func unauthenticated(f *ir.Flow) bool {
	return f.Authentication == "none" || (f.Authentication == "" && f.Auth == "")
}

func (sf *severityFacts) target(t ir.Target) *targetFacts {
	switch {
	case t.Flow != nil:
		if x := sf.flow[t.Flow]; x != nil {
			return x
		}
	case t.Element != nil:
		if x := sf.elem[t.Element]; x != nil {
			return x
		}
	}
	return &sf.boundary
}

// severity returns the impact and likelihood of a finding of r at t, with
// their reasons.
func (sf *severityFacts) severity(r *Rule, t ir.Target) (impact, likelihood int, impactWhy, likelihoodWhy string) {
	x := sf.target(t)
	if int(x.impDef) != r.Impact {
		ik := impactKey{x.stake, t.Boundary != nil, r.Impact}
		k, ok := sf.impacts[ik]
		if !ok {
			k = int32(len(sf.results))
			sf.results = append(sf.results, stakeImpact(&x.stake, t.Boundary != nil, r.Impact))
			sf.impacts[ik] = k
		}
		x.impDef, x.imp = int8(r.Impact), k
	}
	if int(x.likDef) != r.Likelihood {
		e := x.exp
		lk := likelyKey{kind: e.kind, hops: e.hops, def: r.Likelihood}
		if o := e.origin; o != nil {
			lk.zone = o
			if o.Boundary != nil && e.kind != expUntrusted {
				lk.zone = o.Boundary
			}
		}
		k, ok := sf.likely[lk]
		if !ok {
			k = int32(len(sf.results))
			sf.results = append(sf.results, exposureLikelihood(e, r.Likelihood))
			sf.likely[lk] = k
		}
		x.likDef, x.lik = int8(r.Likelihood), k
	}
	im, li := &sf.results[x.imp], &sf.results[x.lik]
	return im.value, li.value, im.why, li.why
}

// stakeImpact is the impact of a finding of default impact def on a
// target with stake s.
func stakeImpact(s *stakeItem, boundary bool, def int) scored {
	impact, why := def, ""
	switch {
	case s.rank == 0 && boundary:
		why = "rule default (the target is a boundary)"
	case s.rank == 0:
		why = "rule default (no data or criticality stated here)"
	case int(s.rank) > def && def < 5:
		impact++
		why = s.describe() + " (rule default " + strconv.Itoa(def) + ")"
	default:
		why = "rule default (the most at stake: " + s.describe() + ")"
	}
	return scored{impact, "impact " + strconv.Itoa(impact) + ": " + why}
}

// exposureLikelihood is the likelihood of a finding of default
// likelihood def on a target with exposure e.
func exposureLikelihood(e exposure, def int) scored {
	l, why := min(5, max(1, def+e.adj())), ""
	if l == def {
		why = "rule default (" + e.describe() + ")"
	} else {
		why = e.describe() + " (rule default " + strconv.Itoa(def) + ")"
	}
	return scored{l, "likelihood " + strconv.Itoa(l) + ": " + why}
}
