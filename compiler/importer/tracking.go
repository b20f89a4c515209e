package importer

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/compiler/rules"
)

// The risk tracking of Threagile's built-in risk categories. Threagile
// keys it by synthetic risk id, CATEGORY@ID@ID..., the ids being those of
// technical assets, communication links (ASSET>LINK-TITLE), trust
// boundaries or shared runtimes, any of them "*". tmc does not report
// Threagile's risks: its own rules do, and every rule names the Threagile
// categories it covers in its Peers. So the importer compiles the model
// it wrote, takes the findings of the rules that peer the category on the
// targets the tracking names, and writes the tracking as tmc closes those
// findings: a threat that claims them (mitigated by a control for the
// ticket, or open), or a dismissal.

// a tracking entry of a built-in category, while it is being mapped.
type tgBuiltin struct {
	key      string
	tr       tgTracking
	category string
	parts    []string // the ids after the category, "*" included
	rules    []string // tmc rules that peer the category
	why      string   // why it is not mapped; "" while it can be
	findings []*ir.Finding
}

// specificity ranks entries for a finding that several match: the one
// naming more ids wins, as an exact synthetic id wins in Threagile.
func (b *tgBuiltin) specificity() int {
	n := 0
	for _, p := range b.parts {
		if p != "*" {
			n++
		}
	}
	return n
}

// peersOf returns the tmc rules that name the Threagile category.
func peersOf(category string) []string {
	var out []string
	for _, r := range rules.All {
		if slices.Contains(r.Peers, "threagile:"+category) {
			out = append(out, r.ID)
		}
	}
	return out
}

// builtinTracking maps the tracking entries that no individual risk took
// (keys): it compiles the model written so far for the findings of tmc's
// rules, then adds the threats, controls and dismissals, and lists in the
// trailer of platform.tm the entries that stay unmapped.
func (t *tgImport) builtinTracking(keys []string) {
	if len(keys) == 0 {
		return
	}
	m := t.m
	entries := make([]*tgBuiltin, 0, len(keys))
	for _, k := range keys {
		parts := strings.Split(k, "@")
		b := &tgBuiltin{key: k, tr: t.src.RiskTracking[k], category: parts[0], parts: parts[1:]}
		b.rules = peersOf(b.category)
		switch {
		case !slices.Contains([]string{"mitigated", "in-progress", "false-positive", "accepted", "unchecked", "in-discussion"}, b.tr.Status):
			b.why = "status " + orNone(b.tr.Status) + " is not a Threagile tracking status"
		case len(b.rules) == 0:
			b.why = "no tmc rule covers Threagile's category " + b.category + " (docs/rules.md, Peer tools)"
		case b.tr.Status == "false-positive" && clean(b.tr.CheckedBy) == "":
			b.why = "a tmc dismissal names its reviewer, and checked_by is empty"
		}
		if b.why == "" {
			for _, p := range b.parts {
				if p != "*" && !t.knownPart(p) {
					b.why = "it names " + p + ", which is no technical asset, communication link, trust boundary, shared runtime, data asset or tag of the source"
					break
				}
			}
		}
		entries = append(entries, b)
	}

	// The findings of the model as written so far. Rendering counts the
	// crossings in the summary, which the final rendering does again.
	var findings []*ir.Finding
	if slices.ContainsFunc(entries, func(b *tgBuiltin) bool { return b.why == "" }) {
		marked, unmarked := m.sum.marked, m.sum.unmarked
		res := &Result{Files: m.files()}
		m.sum.marked, m.sum.unmarked = marked, unmarked
		if cres, err := res.Compile("imported", compiler.Options{}); err == nil && cres.Model != nil {
			findings = cres.Model.Findings
		}
	}

	// Each finding goes to the most specific entry that covers it.
	taken := map[*tgBuiltin]int{} // findings an entry covers, before a more specific one took them
	for _, f := range findings {
		var best *tgBuiltin
		for _, b := range entries {
			if b.why != "" || !slices.Contains(b.rules, f.Rule) || !t.covers(b, f.Target) {
				continue
			}
			taken[b]++
			if best == nil || b.specificity() > best.specificity() {
				best = b
			}
		}
		if best != nil {
			best.findings = append(best.findings, f)
		}
	}

	var unmapped []string
	threats, claimed, dismissed := 0, 0, 0
	for _, b := range entries {
		if b.why == "" && len(b.findings) == 0 {
			if taken[b] > 0 {
				b.why = "every finding it covers is tracked by a more specific entry"
			} else {
				b.why = "tmc's rules for the category (" + strings.Join(b.rules, ", ") + ") report nothing on what it names in the imported model"
			}
		}
		if b.why != "" {
			m.dropped("risk tracking", "tracking of "+b.category, b.why)
			unmapped = append(unmapped, fmt.Sprintf("  %s: %s. %s", b.key, b.why, commentText(trackingText(b.key, b.tr))))
			continue
		}
		m.mapped("risk tracking")
		if b.tr.Status == "false-positive" {
			for _, f := range b.findings {
				m.dismissals = append(m.dismissals, &dismissal{fp: f.Fingerprint, reason: dismissReason(b), reviewer: oneLine(b.tr.CheckedBy),
					comments: []string{"Threagile risk tracking " + b.key + " (false-positive): tmc's rule " + f.Rule + ", " + f.Title + "."}})
				dismissed++
			}
			continue
		}
		n := t.trackingThreats(b)
		threats += n
		claimed += len(b.findings)
	}
	if threats+dismissed > 0 {
		m.note("risk tracking of Threagile's built-in risks: %d threats claim %d findings of tmc's rules, %d findings dismissed", threats, claimed, dismissed)
	}
	if len(unmapped) > 0 {
		m.trailer = append(m.trailer,
			"not mapped: Threagile's risk tracking of its built-in risks that no finding of",
			"tmc's rules stands for. tmc's rules report these risks under their own",
			"fingerprints (tmc check lists them); claim, accept or dismiss a finding there:")
		m.trailer = append(m.trailer, unmapped...)
	}
}

// trackingThreats writes the threats of a tracked entry, one per target
// of its findings, and the control for its ticket when the tracking says
// the risk is mitigated or being mitigated. It returns how many threats.
func (t *tgImport) trackingThreats(b *tgBuiltin) int {
	m, tr := t.m, b.tr
	var ctl *control
	if w := tgControl[tr.Status]; tr.Status == "mitigated" || tr.Status == "in-progress" {
		name := "Threagile risk tracking " + b.category
		if tr.Ticket != "" {
			name += " (" + oneLine(tr.Ticket) + ")"
		}
		ctl = &control{id: m.newID("control", b.category+" "+tr.Ticket, b.category), name: name}
		ctl.stmts = append(ctl.stmts, stmt{"status " + w, "Threagile: " + tr.Status})
		if by := oneLine(tr.CheckedBy); by != "" {
			ctl.stmts = append(ctl.stmts, stmt{text: "owner " + quote(by)})
		}
		var d []string
		if x := clean(tr.Justification); x != "" {
			d = append(d, x)
		}
		d = append(d, trackingText(b.key, tr))
		ctl.desc = strings.Join(d, "\n\n")
		m.controls = append(m.controls, ctl)
	}
	// One threat per target, so that each threat is on what it claims.
	byTarget := map[string][]*ir.Finding{}
	var targets []string
	for _, f := range b.findings {
		id := f.Target.ID()
		if byTarget[id] == nil {
			targets = append(targets, id)
		}
		byTarget[id] = append(byTarget[id], f)
	}
	sort.Strings(targets)
	for _, target := range targets {
		fs := byTarget[target]
		sort.Slice(fs, func(i, j int) bool { return fs[i].Fingerprint < fs[j].Fingerprint })
		top := fs[0]
		for _, f := range fs[1:] {
			if f.Score > top.Score {
				top = f
			}
		}
		short := target[strings.LastIndex(target, ".")+1:]
		on := target
		if top.Target.Boundary != nil {
			on = short // the importer's boundary ids are unique; a threat names a boundary by its id
		}
		th := &threat{id: m.newID("threat", b.category+" "+short), name: top.Title + ": " + target, on: on}
		var stride []string
		for _, f := range fs {
			for _, s := range f.Stride {
				if strideOf(s) != "" && !slices.Contains(stride, strideOf(s)) {
					stride = append(stride, strideOf(s))
				}
			}
		}
		if len(stride) == 0 {
			stride = []string{"tampering"}
			th.nm = append(th.nm, m.gap("risk tracking", "stride", "the rule states no STRIDE category; tampering written, review it"))
		}
		th.stmts = append(th.stmts, stmt{text: "stride " + strings.Join(stride, ", ")})
		th.stmts = append(th.stmts, stmt{text: "on " + on})
		th.stmts = append(th.stmts, stmt{fmt.Sprintf("impact %d", top.Impact), "as tmc rates " + top.Fingerprint})
		th.stmts = append(th.stmts, stmt{text: fmt.Sprintf("likelihood %d", top.Likelihood)})
		if ctl != nil {
			th.stmts = append(th.stmts, stmt{text: "mitigated_by " + ctl.id})
		}
		for _, f := range fs {
			th.stmts = append(th.stmts, stmt{text: "claims " + quote(f.Fingerprint)})
		}
		th.comments = []string{"Threagile risk tracking " + b.key + " (" + tr.Status + "): tmc's rules report the risk as the findings this threat claims."}
		switch tr.Status {
		case "accepted":
			// tmc's acceptance needs an expiry (valid through until), and
			// Threagile's date is when it was accepted: written as
			// until, it would have expired. The threat stays open.
			th.comments = []string{trackingText(b.key, tr) + " tmc's rules report the risk as the findings this threat claims."}
			m.gap("risk tracking", "status accepted", "a tmc acceptance needs an expiry date, which Threagile does not give; the threat claims the findings and stays open until one is written")
			th.nm = append(th.nm, fmt.Sprintf("accepted in Threagile on %s by %s: give it an expiry with accepted %s by %s until DATE",
				orNone(oneLine(tr.Date)), orNone(oneLine(tr.CheckedBy)), quote(orNone(tr.Justification)), quote(orNone(tr.CheckedBy))))
			fallthrough
		case "unchecked", "in-discussion":
			th.desc = clean(tr.Justification)
			if th.desc == "" {
				th.desc = trackingText(b.key, tr)
			}
		default:
			th.desc = "Mitigated as Threagile's risk tracking says: see control " + ctl.id + "."
		}
		m.threats = append(m.threats, th)
	}
	return len(targets)
}

func dismissReason(b *tgBuiltin) string {
	tr := b.tr
	var facts []string
	facts = append(facts, "false positive in Threagile's risk tracking "+b.key)
	if tr.Date != "" {
		facts = append(facts, "on "+oneLine(tr.Date))
	}
	if tr.Ticket != "" {
		facts = append(facts, "ticket "+oneLine(tr.Ticket))
	}
	r := strings.Join(facts, ", ")
	if j := oneLine(tr.Justification); j != "" {
		r = j + " (" + r + ")"
	}
	return r
}

// knownPart reports whether a part of a synthetic risk id names something
// of the source: an asset, a link, a boundary, a runtime, a data asset or
// a tag (Threagile puts cloud tags in some ids, as in
// missing-cloud-hardening@apache-webserver@ec2).
func (t *tgImport) knownPart(p string) bool {
	if len(t.linksOf(p)) > 0 || t.elems[p] != nil || t.bounds[p] != nil || t.runtimeByID(p) != nil {
		return true
	}
	if _, ok := t.data[p]; ok {
		return true
	}
	return t.tagged(p)
}

// linksOf returns the flows a link part names: ASSET>LINK-TITLE, and in
// the ids of dos-risky-access-across-trust-boundary the links chained
// with "->" (the last one possibly empty).
func (t *tgImport) linksOf(p string) []*flow {
	if !strings.Contains(p, ">") {
		return nil
	}
	var out []*flow
	for _, l := range strings.Split(p, "->") {
		if f := t.links[l]; f != nil {
			out = append(out, f)
		}
	}
	return out
}

func (t *tgImport) runtimeByID(id string) *runtime {
	for _, k := range sortedKeys(t.src.SharedRuntimes) {
		if t.src.SharedRuntimes[k].ID == id {
			for _, r := range t.m.runtimes {
				if r.name == k {
					return r
				}
			}
		}
	}
	return nil
}

func (t *tgImport) tagged(tag string) bool {
	s := t.src
	if slices.Contains(s.TagsAvailable, tag) {
		return true
	}
	for _, a := range s.TechnicalAssets {
		if slices.Contains(a.Tags, tag) {
			return true
		}
		for _, l := range a.Links {
			if slices.Contains(l.Tags, tag) {
				return true
			}
		}
	}
	for _, b := range s.TrustBoundaries {
		if slices.Contains(b.Tags, tag) {
			return true
		}
	}
	for _, r := range s.SharedRuntimes {
		if slices.Contains(r.Tags, tag) {
			return true
		}
	}
	for _, d := range s.DataAssets {
		if slices.Contains(d.Tags, tag) {
			return true
		}
	}
	return false
}

// covers reports whether a finding's target corresponds to what the
// entry names: for every id it names, the target is
//   - an asset's element, or a flow from or to it;
//   - a link's flow, its reply, or one of its two ends;
//   - a boundary, or an element in it (or in a boundary nested in it);
//   - an element that runs on a runtime.
//
// An asset that is an end of a link the entry names is implied by the
// link (Threagile writes both in the ids of link risks), and data assets
// and tags narrow nothing.
func (t *tgImport) covers(b *tgBuiltin, target ir.Target) bool {
	var linkEnds []*element
	for _, p := range b.parts {
		for _, f := range t.linksOf(p) {
			linkEnds = append(linkEnds, f.from, f.to)
		}
	}
	for _, p := range b.parts {
		if p == "*" {
			continue
		}
		if fs := t.linksOf(p); len(fs) > 0 {
			if !slices.ContainsFunc(fs, func(f *flow) bool { return t.onLink(f, target) }) {
				return false
			}
			continue
		}
		if e := t.elems[p]; e != nil {
			if slices.Contains(linkEnds, e) {
				continue
			}
			if !t.onElement(e, target) {
				return false
			}
			continue
		}
		if bd := t.bounds[p]; bd != nil {
			if !inBoundary(bd, target) {
				return false
			}
			continue
		}
		if r := t.runtimeByID(p); r != nil {
			if target.Element == nil || target.Element.RunsOn == nil || target.Element.RunsOn.ID != r.id {
				return false
			}
			continue
		}
		// a data asset or a tag: it narrows nothing tmc can check.
	}
	return true
}

func (t *tgImport) onLink(f *flow, target ir.Target) bool {
	switch {
	case target.Flow != nil:
		r := t.replies[f]
		return target.Flow.ID == f.id || r != nil && target.Flow.ID == r.id
	case target.Element != nil:
		return target.Element.ID == f.from.path() || target.Element.ID == f.to.path()
	}
	return false
}

func (t *tgImport) onElement(e *element, target ir.Target) bool {
	switch {
	case target.Element != nil:
		return target.Element.ID == e.path()
	case target.Flow != nil:
		return target.Flow.From != nil && target.Flow.From.ID == e.path() || target.Flow.To != nil && target.Flow.To.ID == e.path()
	}
	return false
}

func inBoundary(b *boundary, target ir.Target) bool {
	ids := make([]string, 0, 4)
	for _, x := range b.chain() {
		ids = append(ids, x.id)
	}
	path := strings.Join(ids, ".")
	switch {
	case target.Boundary != nil:
		return target.Boundary.ID == path
	case target.Element != nil:
		for x := target.Element.Boundary; x != nil; x = x.Parent {
			if x.ID == path {
				return true
			}
		}
	}
	return false
}
