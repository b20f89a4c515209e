package site

import (
	"fmt"
	"html/template"
	"sort"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render/style"
)

// The page of each boundary, element, flow, data asset, threat, control,
// decision and view.

const (
	topThreats = 15 // threats listed on a boundary page

	// Diagrams inlined on an element page, with the element highlighted:
	// at most this many, within this many bytes; one larger than
	// pageSVGMax is linked (to its page, scrolled to the element) instead.
	pageMaxDiagrams = 6
	pageSVGBudget   = 1 << 20
	pageSVGMax      = 400 << 10
)

var (
	// maxReadADR bounds the decision record read.
	maxReadADR = 1 << 20
)

type boundaryItem struct {
	Link  link
	Trust string
}

type elementItem struct {
	Link link
	Kind string
}

// A findingsBlock is the findings section of a page: the findings of the
// threat rules on a thing (open or accepted), and those found there but
// claimed by a declared threat (shown on the threat's row).
type findingsBlock struct {
	Rows        []threatRow
	Count       int // before a cut to the top ones
	Claimed     []claimedNote
	RegisterURL string
}

type claimedNote struct{ Finding, Threat link }

// findingsBlock is the block of the findings on a target.
func (pc *pctx) findingsBlock(t ir.Target) findingsBlock {
	fb := findingsBlock{Rows: pc.findingRows(pc.b.findingsOn[t])}
	fb.Count = len(fb.Rows)
	fb.Claimed = pc.claimedNotes(pc.b.claimedOn[t])
	return fb
}

func (pc *pctx) claimedNotes(fs []*ir.Finding) []claimedNote {
	var out []claimedNote
	for _, f := range fs {
		out = append(out, claimedNote{pc.findingLink(f), pc.threatLink(f.ClaimedBy)})
	}
	return out
}

type crossingRow struct {
	ID, Label, URL string
	From, To       link
	Marked         bool
	Reason         string
}

type boundaryData struct {
	ID, Name, Trust         string
	Props                   []prop
	Description             template.HTML
	Children                []boundaryItem
	Elements                []elementItem
	In, Out                 []crossingRow
	InUnmarked, OutUnmarked int
	Threats                 []threatRow
	ThreatCount             int
	RegisterURL             string
	Findings                findingsBlock
	Diagrams                []link
}

func (b *builder) boundaryPages() error {
	for _, bd := range b.m.Boundaries {
		if bd == nil {
			continue
		}
		pc := b.pctx("../")
		d := &boundaryData{ID: bd.ID, Name: title(bd.Name, bd.ID), Trust: bd.Trust,
			Description: pc.markdown(bd.Description, "md-", fileDir(bd.Range)),
			RegisterURL: "../register.html#boundary=" + bd.ID}
		parent := prop{Key: "Inside"}
		if bd.Parent != nil {
			parent.Links = []link{pc.boundaryLink(bd.Parent)}
		} else {
			parent.Value = "top level"
		}
		d.Props = []prop{{Key: "Trust", Value: bd.Trust}}
		if bd.Type != "" {
			d.Props = append(d.Props, prop{Key: "Type", Value: words(bd.Type)})
		}
		d.Props = append(d.Props, prop{Key: "Owner", Value: bd.Owner}, parent, pc.sourceProp(bd.Range))
		for _, c := range bd.Children {
			if c != nil {
				d.Children = append(d.Children, boundaryItem{pc.boundaryLink(c), c.Trust})
			}
		}
		for _, e := range bd.Elements {
			if e != nil {
				d.Elements = append(d.Elements, elementItem{pc.elementLink(e), e.Kind})
			}
		}
		for _, cr := range b.crossingsOfBoundary[bd] {
			f := cr.flow
			row := crossingRow{ID: f.ID, Label: flowTitle(f), URL: pc.url(kindFlow, f.ID), From: pc.elementLink(f.From), To: pc.elementLink(f.To),
				Marked: cr.x.Mark != nil}
			if cr.x.Mark != nil {
				row.Reason = cr.x.Mark.Reason
			}
			if cr.x.Direction == ir.Enter {
				d.In = append(d.In, row)
				if !row.Marked {
					d.InUnmarked++
				}
			} else {
				d.Out = append(d.Out, row)
				if !row.Marked {
					d.OutUnmarked++
				}
			}
		}
		ts := b.threatsByBoundary[bd]
		d.ThreatCount = len(ts)
		rows := pc.threatRows(ts)
		if len(rows) > topThreats {
			rows = rows[:topThreats]
		}
		d.Threats = rows
		d.Findings = findingsBlock{Rows: pc.findingRows(b.findingsByBoundary[bd]),
			Claimed: pc.claimedNotes(b.claimedOn[ir.Target{Boundary: bd}]), RegisterURL: "../register.html#boundary=" + bd.ID + "&source=rule"}
		d.Findings.Count = len(d.Findings.Rows)
		if len(d.Findings.Rows) > topThreats {
			d.Findings.Rows = d.Findings.Rows[:topThreats]
		}
		for _, vs := range b.appearsIn("boundary", bd.ID) {
			l := pc.viewLink(vs.view)
			l.URL += "#" + style.ID(vs.view.ID, "boundary", bd.ID)
			d.Diagrams = append(d.Diagrams, l)
		}
		var crumbs []link
		crumbs = append(crumbs, link{"Overview", "../index.html#boundaries"})
		for _, x := range chain(bd) {
			if x != bd {
				crumbs = append(crumbs, pc.boundaryLink(x))
			}
		}
		var reasons []string
		for _, cr := range b.crossingsOfBoundary[bd] {
			if cr.x.Mark != nil {
				reasons = append(reasons, cr.x.Mark.Reason)
			}
		}
		b.addSearch(d.Name, kindBoundary, bd.ID, pagePath(kindBoundary, bd.ID), bd.Trust, bd.Owner, bd.Description, strings.Join(reasons, " · "))
		if err := b.render(pagePath(kindBoundary, bd.ID), &page{Kind: kindBoundary, Root: "../", Title: d.Name, Crumbs: crumbs, D: d}); err != nil {
			return err
		}
	}
	return nil
}

// chain is Boundary.Chain, safe against a parent loop.
func chain(bd *ir.Boundary) []*ir.Boundary {
	var out []*ir.Boundary
	seen := map[*ir.Boundary]bool{}
	for x := bd; x != nil && !seen[x]; x = x.Parent {
		seen[x] = true
		out = append(out, x)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

type decisionItem struct {
	Link   link
	Status string
}

type elementData struct {
	ID, Name, Kind, KindLabel string
	External                  bool
	Exposure, Trust           string
	Boundary                  link
	Props                     []prop
	Description               template.HTML
	Out, In                   flowTable
	Data                      []dataChip
	Threats, FlowThreats      []threatRow
	Findings                  findingsBlock
	FlowFindings              []threatRow
	Controls                  []controlRow
	Decisions                 []decisionItem
	Diagrams                  []diagram
	MoreDiagrams              []link
	DiagramCount              int
}

// highlightCSS outlines the element in the diagrams of its page. The ids
// are the renderers' (style.ID: letters, digits, - and _ only); anything
// else is skipped.
func highlightCSS(ids []string) template.CSS {
	var b strings.Builder
	for _, id := range ids {
		if !safeID(id) {
			continue
		}
		b.WriteString("#" + id + ">.tm-shape,#" + id + ">.tm-deco,#" + id + ">.tm-shape-line{stroke:var(--hl);stroke-width:4px}")
		b.WriteString("#" + id + ">.tm-shape{filter:drop-shadow(0 0 6px var(--hl))}")
	}
	return template.CSS(b.String())
}

func safeID(id string) bool {
	if id == "" {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (b *builder) elementPages() error {
	for _, e := range b.m.Elements {
		if e == nil {
			continue
		}
		pc := b.pctx("../")
		d := &elementData{ID: e.ID, Name: title(e.Name, e.ID), Kind: e.Kind, KindLabel: elementKindLabel(e.Kind), External: e.External,
			Exposure: e.Exposure, Description: pc.markdown(e.Description, "md-", fileDir(e.Range))}
		if e.Boundary != nil {
			d.Boundary = pc.boundaryLink(e.Boundary)
			d.Trust = e.Boundary.Trust
		}
		bprop := prop{Key: "Trust boundary"}
		if e.Boundary != nil {
			bprop.Links = []link{d.Boundary}
			if !e.Placed {
				bprop.Links = append(bprop.Links, link{Text: "(inherited)"})
			}
		} else {
			bprop.Value = "none"
		}
		parent := prop{Key: "Part of"}
		if e.Parent != nil {
			parent.Links = []link{pc.elementLink(e.Parent)}
		}
		children := prop{Key: "Parts"}
		for _, c := range e.Children {
			if c != nil {
				children.Links = append(children.Links, pc.elementLink(c))
			}
		}
		d.Props = []prop{
			{Key: "Kind", Value: e.Kind}, {Key: "Technology", Value: technology(e)}, {Key: "Owner", Value: e.Owner},
			{Key: "Exposure", Value: e.Exposure}, {Key: "Tenancy", Value: e.Tenancy},
			{Key: "Encrypted at rest", Value: yesNo(e.EncryptedAtRest)}, {Key: "External", Value: yesNo(e.External)},
		}
		d.Props = append(d.Props, pc.elementFacts(e)...)
		if p, ok := pc.safeguardsProp(e.SafeguardSources); ok {
			d.Props = append(d.Props, p)
		}
		d.Props = append(d.Props, bprop, parent, children, pc.sourceProp(e.Range))

		d.Out.Other, d.In.Other = "To", "From"
		var flows []*ir.Flow
		for _, f := range b.flowsOut[e] {
			d.Out.Rows = append(d.Out.Rows, pc.flowRow(f, f.To))
			flows = append(flows, f)
		}
		for _, f := range b.flowsIn[e] {
			d.In.Rows = append(d.In.Rows, pc.flowRow(f, f.From))
			flows = append(flows, f)
		}
		d.Data = b.dataOf(pc, flows)

		d.Threats = pc.threatRows(b.threatsOnElement[e])
		var flowThreats []*ir.Threat
		seenT := map[*ir.Threat]bool{}
		for _, f := range flows {
			for _, t := range b.threatsOnFlow[f] {
				if !seenT[t] {
					seenT[t] = true
					flowThreats = append(flowThreats, t)
				}
			}
		}
		d.FlowThreats = pc.threatRows(flowThreats)
		d.Findings = pc.findingsBlock(ir.Target{Element: e})
		var flowFindings []*ir.Finding
		seenF := map[*ir.Flow]bool{}
		for _, f := range flows {
			if !seenF[f] {
				seenF[f] = true
				flowFindings = append(flowFindings, b.findingsOn[ir.Target{Flow: f}]...)
			}
		}
		d.FlowFindings = pc.findingRows(flowFindings)
		d.Controls = b.controlsOf(pc, append(append([]*ir.Threat(nil), b.threatsOnElement[e]...), flowThreats...))
		for _, x := range b.decisionsFor[e] {
			d.Decisions = append(d.Decisions, decisionItem{pc.decisionLink(x), x.Status})
		}

		// Diagrams where it appears, highlighted.
		var hl []string
		total := 0
		for _, vs := range b.appearsIn("element", e.ID) {
			d.DiagramCount++
			svgID := style.ID(vs.view.ID, "element", e.ID)
			size := len(vs.svg)
			// A large model's per-boundary views hold hundreds of elements
			// each: every element page inlining its boundary's view made a
			// 1,000-element site four times as slow and as large. They are
			// linked, scrolled to the element.
			perBoundary := vs.view.Boundary != nil && !vs.view.Declared
			if perBoundary || len(d.Diagrams) >= pageMaxDiagrams || size > pageSVGMax || total+size > pageSVGBudget {
				l := pc.viewLink(vs.view)
				l.URL += "#" + svgID
				d.MoreDiagrams = append(d.MoreDiagrams, l)
				continue
			}
			total += size
			d.Diagrams = append(d.Diagrams, b.diagramOf(pc, vs, "", true))
			hl = append(hl, svgID)
		}

		var crumbs []link
		crumbs = append(crumbs, link{"Overview", "../index.html#boundaries"})
		if e.Boundary != nil {
			crumbs = append(crumbs, pc.boundaryLink(e.Boundary))
		}
		var parents []*ir.Element
		seenE := map[*ir.Element]bool{e: true}
		for p := e.Parent; p != nil && !seenE[p]; p = p.Parent {
			seenE[p] = true
			parents = append([]*ir.Element{p}, parents...)
		}
		for _, p := range parents {
			crumbs = append(crumbs, pc.elementLink(p))
		}
		b.addSearch(d.Name, kindElement, e.ID, pagePath(kindElement, e.ID), e.Kind, e.Tech, e.Owner, safeguardWords(e.SafeguardSources), e.Description)
		if err := b.render(pagePath(kindElement, e.ID), &page{Kind: kindElement, Root: "../", Title: d.Name, Crumbs: crumbs,
			ExtraCSS: highlightCSS(hl), D: d}); err != nil {
			return err
		}
	}
	return nil
}

// dataOf is the union of the data the flows carry, in model order.
func (b *builder) dataOf(pc *pctx, flows []*ir.Flow) []dataChip {
	seen := map[*ir.Data]bool{}
	for _, f := range flows {
		for _, x := range f.Carries {
			if x != nil {
				seen[x] = true
			}
		}
	}
	var out []dataChip
	for _, x := range b.m.Data {
		if x != nil && seen[x] {
			out = append(out, pc.dataChip(x))
		}
	}
	return out
}

// controlsOf are the controls that mitigate the threats, in model order.
func (b *builder) controlsOf(pc *pctx, ts []*ir.Threat) []controlRow {
	seen := map[*ir.Control]bool{}
	for _, t := range ts {
		for _, c := range t.MitigatedBy {
			if c != nil {
				seen[c] = true
			}
		}
	}
	var out []controlRow
	for _, c := range b.m.Controls {
		if c != nil && seen[c] {
			out = append(out, pc.controlRow(c))
		}
	}
	return out
}

type seqMessage struct {
	Number int
	Label  string
}

type seqItem struct {
	Link     link
	Messages []seqMessage
}

type flowCrossingRow struct {
	Boundary link
	Verb     string
	Trust    string
	Marked   bool
	Reason   string
}

type flowData struct {
	ID, Label   string
	From, To    link
	Props       []prop
	Carries     []dataChip
	Description template.HTML
	Crossings   []flowCrossingRow
	Unmarked    int
	Unresolved  bool
	Threats     []threatRow
	Findings    findingsBlock
	Sequences   []seqItem
	Diagrams    []link
}

func (b *builder) flowPages() error {
	for _, f := range b.m.Flows {
		if f == nil {
			continue
		}
		pc := b.pctx("../")
		d := &flowData{ID: f.ID, Label: flowTitle(f), From: pc.elementLink(f.From), To: pc.elementLink(f.To), Unresolved: f.Unresolved,
			Description: pc.markdown(f.Description, "md-", fileDir(f.Range))}
		// idempotency_key is also the idempotency_keys safeguard, which
		// a flow may declare with safeguards or a control in place may
		// provide: Safeguards holds all three.
		idem := yesNo(f.IdempotencyKey || f.HasSafeguard("idempotency_keys"))
		d.Props = []prop{{Key: "Protocol", Value: f.Protocol}, {Key: "Authentication", Value: authentication(f)},
			{Key: "Idempotency key", Value: idem}}
		d.Props = append(d.Props, pc.flowFacts(f)...)
		if p, ok := pc.safeguardsProp(f.SafeguardSources); ok {
			d.Props = append(d.Props, p)
		}
		d.Props = append(d.Props, pc.sourceProp(f.Range))
		for _, x := range f.Carries {
			if x != nil {
				d.Carries = append(d.Carries, pc.dataChip(x))
			}
		}
		for _, x := range f.Crossings {
			if x == nil || x.Boundary == nil {
				continue
			}
			r := flowCrossingRow{Boundary: pc.boundaryLink(x.Boundary), Verb: crossingVerb(x.Direction), Trust: x.Boundary.Trust, Marked: x.Mark != nil}
			if x.Mark != nil {
				r.Reason = x.Mark.Reason
			} else {
				d.Unmarked++
			}
			d.Crossings = append(d.Crossings, r)
		}
		d.Threats = pc.threatRows(b.threatsOnFlow[f])
		d.Findings = pc.findingsBlock(ir.Target{Flow: f})
		for _, s := range b.sequencesOf[f] {
			it := seqItem{Link: link{Text: title(s.Name, s.ID)}}
			if v := b.viewOfSequence[s]; v != nil {
				it.Link.URL = pc.url(kindView, v.ID)
			}
			var walk func(steps []*ir.Step)
			walk = func(steps []*ir.Step) {
				for _, st := range steps {
					if st == nil {
						continue
					}
					if st.Flow == f {
						it.Messages = append(it.Messages, seqMessage{st.Number, st.Label})
					}
					for _, br := range st.Branches {
						if br != nil {
							walk(br.Steps)
						}
					}
				}
			}
			walk(s.Steps)
			d.Sequences = append(d.Sequences, it)
		}
		for _, vs := range b.appearsIn("flow", f.ID) {
			l := pc.viewLink(vs.view)
			l.URL += "#" + style.ID(vs.view.ID, "flow", f.ID)
			d.Diagrams = append(d.Diagrams, l)
		}
		crumbs := []link{{"Overview", "../index.html"}}
		if f.From != nil {
			crumbs = append(crumbs, pc.elementLink(f.From))
		}
		b.addSearch(d.Label, kindFlow, f.ID, pagePath(kindFlow, f.ID), f.Protocol, f.Auth, safeguardWords(f.SafeguardSources), crossingReasons(f), f.Description)
		if err := b.render(pagePath(kindFlow, f.ID), &page{Kind: kindFlow, Root: "../", Title: d.Label, Crumbs: crumbs, D: d}); err != nil {
			return err
		}
	}
	return nil
}

// dismissalData is the dismissal of a finding: why it does not apply,
// and who judged so.
type dismissalData struct {
	Reason, Reviewer string
}

type acceptanceData struct {
	Reason, By, Until string
	Expired           bool
	Pattern           string // the accept pattern that covers a finding, if one does
}

type threatData struct {
	ID, Name, Status   string
	Stride             []string
	Impact, Likelihood int
	Score              int
	Band, BandClass    string
	Props              []prop
	Description        template.HTML
	Mitigations        []controlRow
	Acceptance         *acceptanceData
	Transferred        string
	Claims             []threatRow // the findings it claims
	ClaimNotes         []claimNote // claims that claim nothing
}

// A claimNote is a fingerprint a threat claims without claiming the
// finding: none has it (TM602), or another threat claimed it first.
type claimNote struct {
	Fingerprint string
	Finding     link
	By          link
}

func (b *builder) threatPages() error {
	for _, t := range b.m.Threats {
		if t == nil {
			continue
		}
		pc := b.pctx("../")
		row := pc.threatRow(t)
		d := &threatData{ID: t.ID, Name: title(t.Name, t.ID), Status: t.Status, Stride: t.Stride, Impact: t.Impact, Likelihood: t.Likelihood,
			Score: t.Score, Band: t.Band, BandClass: row.BandKey, Transferred: t.Transferred,
			Description: pc.markdown(t.Description, "md-", fileDir(t.Range))}
		d.Props = []prop{row.targetProp(), {Key: "Boundaries", Links: row.Boundaries}, {Key: "STRIDE", Value: categoryNames(t.Stride)},
			{Key: "Owner", Value: t.Owner}, pc.sourceProp(t.Range)}
		for _, c := range t.MitigatedBy {
			if c != nil {
				d.Mitigations = append(d.Mitigations, pc.controlRow(c))
			}
		}
		if a := t.Acceptance; a != nil {
			d.Acceptance = &acceptanceData{Reason: a.Reason, By: a.By, Until: a.Until, Expired: a.Expired}
		}
		d.Claims = pc.findingRows(b.claimsOf[t])
		for _, fp := range t.Claims {
			f := b.findingByFP[fp]
			switch {
			case f == nil:
				d.ClaimNotes = append(d.ClaimNotes, claimNote{Fingerprint: fp})
			case f.ClaimedBy != t:
				n := claimNote{Fingerprint: fp, Finding: pc.findingLink(f)}
				if b.isThreat[f.ClaimedBy] {
					n.By = pc.threatLink(f.ClaimedBy)
				}
				d.ClaimNotes = append(d.ClaimNotes, n)
			}
		}
		crumbs := []link{{"Register", "../register.html"}}
		b.addSearch(d.Name, kindThreat, t.ID, pagePath(kindThreat, t.ID), strings.Join(t.Stride, " "), t.Owner, strings.Join(t.Claims, " "), t.Description)
		if err := b.render(pagePath(kindThreat, t.ID), &page{Kind: kindThreat, Root: "../", Title: d.Name, Crumbs: crumbs, D: d}); err != nil {
			return err
		}
	}
	return nil
}

type controlData struct {
	ID, Name, Status string
	Props            []prop
	Description      template.HTML
	Threats          []threatRow
	Tests, Evidence  []fileRow
	Results          *resultsNote // the test results the tests' states come from; nil without
}

func (b *builder) controlPages() error {
	for _, c := range b.m.Controls {
		if c == nil {
			continue
		}
		pc := b.pctx("../")
		row := pc.controlRow(c)
		d := &controlData{ID: c.ID, Name: row.Name, Status: c.Status, Tests: row.Tests, Evidence: row.Evidence, Results: b.resultsNote(),
			Description: pc.markdown(c.Description, "md-", fileDir(c.Range))}
		d.Props = []prop{{Key: "Status", Value: c.Status}, {Key: "Owner", Value: c.Owner}, {Key: "In place", Value: yesNo(c.Effective())}}
		if p, ok := pc.providesProp(c); ok {
			d.Props = append(d.Props, p)
		}
		d.Props = append(d.Props, pc.sourceProp(c.Range))
		var ts []*ir.Threat
		for _, t := range c.Mitigates {
			if t != nil {
				ts = append(ts, t)
			}
		}
		d.Threats = pc.threatRows(ts)
		crumbs := []link{{"Controls", "../controls.html"}}
		b.addSearch(d.Name, kindControl, c.ID, pagePath(kindControl, c.ID), c.Status, c.Owner, c.Description)
		if err := b.render(pagePath(kindControl, c.ID), &page{Kind: kindControl, Root: "../", Title: d.Name, Crumbs: crumbs, D: d}); err != nil {
			return err
		}
	}
	return nil
}

type decisionData struct {
	ID, Name, Status string
	Props            []prop
	File             *fileRow
	Description      template.HTML
	ADR              template.HTML
	Notice           string
}

func (b *builder) decisionPages() error {
	for _, x := range b.m.Decisions {
		if x == nil {
			continue
		}
		pc := b.pctx("../")
		d := &decisionData{ID: x.ID, Name: title(x.Name, x.ID), Status: x.Status,
			Description: pc.markdown(x.Description, "md-", fileDir(x.Range))}
		affects := prop{Key: "Affects"}
		for _, e := range x.Affects {
			if e != nil {
				affects.Links = append(affects.Links, pc.elementLink(e))
			}
		}
		d.Props = []prop{{Key: "Status", Value: x.Status}, affects, pc.sourceProp(x.Range)}
		switch f := x.File; {
		case f == nil || f.Path == "":
			if strings.TrimSpace(x.Description) == "" {
				d.Notice = "This decision names no record file."
			}
		default:
			fr := pc.fileRow(f)
			d.File = &fr
			d.ADR, d.Notice = b.readADR(pc, f)
		}
		crumbs := []link{{"Overview", "../index.html#decisions"}}
		b.addSearch(d.Name, kindDecision, x.ID, pagePath(kindDecision, x.ID), x.Status, x.Description)
		if err := b.render(pagePath(kindDecision, x.ID), &page{Kind: kindDecision, Root: "../", Title: d.Name, Crumbs: crumbs, D: d}); err != nil {
			return err
		}
	}
	return nil
}

// readADR reads and renders a decision record, or says why it cannot.
func (b *builder) readADR(pc *pctx, f *ir.FileRef) (template.HTML, string) {
	const unreadable = "The decision record could not be read: "
	switch {
	case f.Escapes:
		return "", unreadable + "its path leaves the project root."
	case b.in.ReadFile == nil:
		return "", unreadable + "no files were given to the site build."
	}
	data, err := b.in.ReadFile(f.Name)
	if err != nil {
		if !f.Found {
			return "", unreadable + "the file does not exist."
		}
		return "", unreadable + "reading it failed."
	}
	dir := "."
	if i := strings.LastIndexByte(f.Name, '/'); i >= 0 {
		dir = f.Name[:i]
	}
	notice := ""
	if len(data) > maxReadADR {
		data = data[:maxReadADR]
		notice = "The decision record is too long: only its beginning is shown."
	}
	return pc.markdown(string(data), "adr-", dir), notice
}

type viewData struct {
	ID, Name, KindLabel string
	Of                  link
	Declared            bool
	Description         template.HTML
	SVG                 template.HTML
	Err                 string
	Others              []link
}

func (b *builder) viewPages() error {
	for _, vs := range b.views {
		v := vs.view
		if v == nil {
			continue
		}
		pc := b.pctx("../")
		d := &viewData{ID: v.ID, Name: title(v.Name, v.ID), KindLabel: kindLabel(v.Kind), Declared: v.Declared,
			Description: pc.markdown(v.Description, "md-", fileDir(v.Range))}
		if v.Of != nil {
			d.Of = pc.elementLink(v.Of)
		}
		if vs.err != nil {
			d.Err = vs.err.Error()
		} else {
			d.SVG = vs.svgFor("../")
		}
		for _, o := range b.views {
			if o != vs && o.view != nil && len(d.Others) < 200 {
				d.Others = append(d.Others, pc.viewLink(o.view))
			}
		}
		crumbs := []link{{"Overview", "../index.html#diagrams"}}
		b.addSearch(d.Name, kindView, v.ID, pagePath(kindView, v.ID), kindLabel(v.Kind), v.Description)
		if err := b.render(pagePath(kindView, v.ID), &page{Kind: kindView, Root: "../", Title: d.Name, Crumbs: crumbs, D: d}); err != nil {
			return err
		}
	}
	return nil
}

// sortedKeys returns the keys of a set, sorted.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// words shows a vocabulary word as text: mission_critical as
// "mission critical".
func words(w string) string { return strings.ReplaceAll(w, "_", " ") }

// technology is an element's technology line: the closed word, with the
// free tech label beside it when both are given.
func technology(e *ir.Element) string {
	switch {
	case e.Technology == "":
		return e.Tech
	case e.Tech == "":
		return words(e.Technology)
	}
	return words(e.Technology) + " (" + e.Tech + ")"
}

// authentication is a flow's authentication line: the closed word, with
// the free auth label when it says more, and whether the word was read
// from that label.
func authentication(f *ir.Flow) string {
	switch {
	case f.Authentication == "":
		return f.Auth
	case f.Auth == "" || f.Auth == f.Authentication:
		return words(f.Authentication)
	case f.AuthenticationDerived:
		return words(f.Authentication) + " (read from auth \"" + f.Auth + "\")"
	}
	return words(f.Authentication) + " (" + f.Auth + ")"
}

// elementFacts are the facts the threat rules read that the element
// states; what it does not state is left out.
func (pc *pctx) elementFacts(e *ir.Element) []prop {
	var out []prop
	if e.Criticality != "" {
		out = append(out, prop{Key: "Criticality", Value: words(e.Criticality)})
	}
	if e.Machine != "" {
		out = append(out, prop{Key: "Runs as", Value: words(e.Machine)})
	}
	if e.CustomDeveloped {
		out = append(out, prop{Key: "Custom-developed", Value: "yes"})
	}
	for _, x := range []struct {
		key string
		ds  []*ir.Data
	}{{"Stores", e.Stores}, {"Processes", e.Processes}} {
		if len(x.ds) == 0 {
			continue
		}
		p := prop{Key: x.key}
		for _, d := range x.ds {
			if d != nil {
				p.Links = append(p.Links, link{title(d.Name, d.ID), pc.url(kindData, d.ID)})
			}
		}
		out = append(out, p)
	}
	if len(e.Accepts) > 0 {
		var ws []string
		for _, a := range e.Accepts {
			ws = append(ws, words(a))
		}
		out = append(out, prop{Key: "Accepts", Value: strings.Join(ws, ", ")})
	}
	if r := e.RunsOn; r != nil {
		v := title(r.Name, r.ID)
		if r.Type != "" {
			v += " (" + words(r.Type) + ")"
		}
		out = append(out, prop{Key: "Runs on", Value: v})
	}
	if e.OutOfScope != "" {
		out = append(out, prop{Key: "Out of scope", Value: e.OutOfScope, Wide: true})
	}
	return out
}

// safeguardsProp lists an element's or a flow's safeguards with where
// each comes from: declared, provided by a control in place, or provided
// by a proposed or planned control (which does not count yet). It is
// left out when there are none.
func (pc *pctx) safeguardsProp(ss []ir.SafeguardSource) (prop, bool) {
	p := prop{Key: "Safeguards", Wide: true}
	for _, s := range ss {
		switch {
		case s.Control == nil:
			p.Links = append(p.Links, link{Text: s.Name + " (declared)"})
		case s.Pending:
			l := pc.controlLink(s.Control)
			l.Text = fmt.Sprintf("%s (from %s control %s: does not count yet)", s.Name, s.Control.Status, l.Text)
			p.Links = append(p.Links, l)
		default:
			l := pc.controlLink(s.Control)
			l.Text = fmt.Sprintf("%s (provided by control %s)", s.Name, l.Text)
			p.Links = append(p.Links, l)
		}
	}
	return p, len(p.Links) > 0
}

// providesProp lists the safeguards a control provides, each with the
// flow or element it is on; left out when it provides none.
func (pc *pctx) providesProp(c *ir.Control) (prop, bool) {
	key := "Provides"
	if !c.Effective() {
		key = "Provides (once in place)"
	}
	p := prop{Key: key, Wide: true}
	for _, x := range c.Provides {
		if x == nil {
			continue
		}
		l, _ := pc.targetLink(x.Target)
		l.Text = x.Safeguard + " on " + l.Text
		p.Links = append(p.Links, l)
	}
	return p, len(p.Links) > 0
}

// flowFacts are the facts the threat rules read that the flow states.
func (pc *pctx) flowFacts(f *ir.Flow) []prop {
	var out []prop
	if f.Authorization != "" {
		out = append(out, prop{Key: "Authorization", Value: words(f.Authorization)})
	}
	if f.ResponseTo != nil {
		out = append(out, prop{Key: "Response to", Links: []link{pc.flowLink(f.ResponseTo)}})
	}
	for _, x := range []struct {
		key string
		set bool
	}{{"Read-only", f.Readonly}, {"VPN", f.VPN}, {"IP-filtered", f.IPFiltered}} {
		if x.set {
			out = append(out, prop{Key: x.key, Value: "yes"})
		}
	}
	if f.Usage != "" {
		out = append(out, prop{Key: "Usage", Value: f.Usage})
	}
	return out
}
