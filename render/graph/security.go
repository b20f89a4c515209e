package graph

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/compiler/rules"
	"github.com/tmc-dev/tmc/render/layout"
	"github.com/tmc-dev/tmc/render/style"
)

// Security on the picture (issue 14): what a DFD says beyond shapes and
// arrows, each with a cue that does not depend on colour.
//
//   - A flow's line weight steps up with the highest classification of
//     the data it carries, and its label says it as a letter: [P]ublic,
//     [I]nternal, [C]onfidential, [R]estricted, [S]ecret.
//   - The same label line says "enc" or "clear" (the transport is
//     encrypted or not, as the rules judge it: rules.Encrypted) and
//     "auth:<how>" (the flow's authentication), when the model says.
//   - An element with open findings or open threats carries a marker on
//     its top-right corner: their number, on the colour of the highest
//     band among them.
//   - A boundary is tinted by its trust: warmer for untrusted and
//     external, cooler for high and control.
//   - Every crossing is numbered; its badge shows the number, and a table
//     beside the diagram gives each number's flow, boundary and reason
//     (unmarked ones in the error style), so a PNG keeps the reasons.

// classes is the data classification scale, lowest first.
var classes = []string{"public", "internal", "confidential", "restricted", "secret"}

func classRank(c string) int {
	for i, x := range classes {
		if x == c {
			return i + 1
		}
	}
	return 0
}

// classLetter is the classification's letter in a flow label: "R".
func classLetter(c string) string { return strings.ToUpper(c[:1]) }

// carried is the highest classification of the data a flow carries, or
// "" when it carries none with a classification.
func carried(f *ir.Flow) string {
	best := ""
	for _, d := range f.Carries {
		if d != nil && classRank(d.Classification) > classRank(best) {
			best = d.Classification
		}
	}
	return best
}

// securityLine is the label line of a flow's security facts:
// "[R] enc auth:token"; "" when the model says none of them.
func securityLine(f *ir.Flow) string {
	var parts []string
	if c := carried(f); c != "" {
		parts = append(parts, "["+classLetter(c)+"]")
	}
	switch {
	case rules.Encrypted(f):
		parts = append(parts, "enc")
	case f.Protocol != "":
		parts = append(parts, "clear")
	}
	if f.Authentication != "" {
		parts = append(parts, "auth:"+f.Authentication)
	}
	return strings.Join(parts, " ")
}

// securityTip is the same in words, for the tooltip.
func securityTip(f *ir.Flow) string {
	var parts []string
	if c := carried(f); c != "" {
		parts = append(parts, "carries "+c+" data")
	}
	switch {
	case rules.Encrypted(f):
		parts = append(parts, "encrypted")
	case f.Protocol != "":
		parts = append(parts, "NOT encrypted")
	}
	if f.Authentication != "" {
		parts = append(parts, "authentication "+f.Authentication)
	}
	return strings.Join(parts, ", ")
}

// A marker is the count of open findings and open threats on a node or
// a container's box.
type marker struct {
	count int
	band  string // the highest band among them, "" when none has one
	tip   string
}

var bands = []string{"low", "medium", "high", "critical"}

func bandRank(b string) int {
	for i, x := range bands {
		if x == b {
			return i + 1
		}
	}
	return 0
}

// markNodes gives each node of an element, and each container drawn as a
// box around its components, its marker: the open findings and open
// threats on the element, or on a hidden descendant it stands for.
func markNodes(m *ir.Model, sc *scene) {
	type acc struct {
		findings, threats int
		band              string
		set               func(*marker)
	}
	byID := map[string]*acc{}
	for _, n := range sc.nodes {
		if strings.HasPrefix(n.key, "e:") {
			n := n
			byID[n.key[2:]] = &acc{set: func(mk *marker) { n.marker = mk }}
		}
	}
	for _, c := range sc.clusters {
		if strings.HasPrefix(c.key, "c:") {
			c := c
			byID[c.key[2:]] = &acc{set: func(mk *marker) { c.marker = mk }}
		}
	}
	add := func(e *ir.Element, band string, threat bool) {
		var a *acc
		for x := e; x != nil && a == nil; x = x.Parent {
			a = byID[x.ID]
		}
		if a == nil {
			return
		}
		if threat {
			a.threats++
		} else {
			a.findings++
		}
		if bandRank(band) > bandRank(a.band) {
			a.band = band
		}
	}
	for _, f := range m.Findings {
		if f.Status == ir.Open && f.Target.Element != nil {
			add(f.Target.Element, f.Band, false)
		}
	}
	for _, t := range m.Threats {
		if t.Status == ir.Open && t.Target.Element != nil {
			add(t.Target.Element, t.Band, true)
		}
	}
	for _, a := range byID {
		if a.findings+a.threats == 0 {
			continue
		}
		tip := fmt.Sprintf("%d open: %s, %s", a.findings+a.threats,
			plural(a.findings, "finding"), plural(a.threats, "threat"))
		if a.band != "" {
			tip += "; highest band " + a.band
		}
		a.set(&marker{count: a.findings + a.threats, band: a.band, tip: tip})
	}
}

const (
	markerH    = 16
	markerPadX = 5
)

// markerBox is where a node's marker sits: over its top-right corner.
func markerBox(nb layout.Box, mk *marker) layout.Box {
	w := style.Measure(strconv.Itoa(mk.count), style.SmallFontSize, true) + 2*markerPadX
	if w < markerH {
		w = markerH
	}
	return layout.Box{X: nb.X + nb.Width - w + 5, Y: nb.Y - 6, Width: w, Height: markerH}
}

func drawMarkers(b *strings.Builder, p *placed) {
	open := false
	one := func(mk *marker, id string, box layout.Box) {
		if !open {
			b.WriteString(`<g class="tm-markers">`)
			open = true
		}
		mb := markerBox(box, mk)
		band := mk.band
		if band == "" {
			band = "none"
		}
		fmt.Fprintf(b, `<g class="tm-marker tm-band-%s" data-element="%s"><title>%s</title>`,
			band, style.Escape(id), style.Escape(mk.tip))
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%d" rx="8"/>`, style.Num(mb.X), style.Num(mb.Y), style.Num(mb.Width), markerH)
		style.Text(b, mb.X+mb.Width/2, mb.Y+markerH/2+0.35*style.SmallFontSize, "middle", "tm-small", strconv.Itoa(mk.count))
		b.WriteString("</g>")
	}
	for i, c := range p.sc.clusters {
		if c.marker != nil {
			one(c.marker, c.id, p.clusters[i])
		}
	}
	for i, n := range p.sc.nodes {
		if n.marker != nil && !strings.HasPrefix(n.id, stubPrefix) {
			one(n.marker, n.id, p.nodes[i])
		}
	}
	if open {
		b.WriteString("</g>\n")
	}
}

// securityCSS: line weights by classification, markers by band, zone
// tints by trust (light and dark).
const securityCSS = `.tm .tm-flow.tm-data-public>path{stroke-width:1.2}` +
	`.tm .tm-flow.tm-data-internal>path{stroke-width:1.7}` +
	`.tm .tm-flow.tm-data-confidential>path{stroke-width:2.4}` +
	`.tm .tm-flow.tm-data-restricted>path{stroke-width:3.2}` +
	`.tm .tm-flow.tm-data-secret>path{stroke-width:4.2}` +
	`.tm text.tm-sec{fill:var(--tm-muted);font-weight:bold}` +
	`.tm .tm-marker>rect{stroke:var(--tm-bg);stroke-width:1.5}` +
	`.tm .tm-marker>text{fill:#ffffff;font-weight:bold}` +
	`.tm .tm-band-critical>rect{fill:#7a0b35}.tm .tm-band-high>rect{fill:#b3400a}` +
	`.tm .tm-band-medium>rect{fill:#8a6100}.tm .tm-band-low>rect,.tm .tm-band-none>rect{fill:#4a5563}` +
	`svg.tm{--tm-tint-untrusted:#fbe8df;--tm-tint-external:#f7ebe3;--tm-tint-low:#fcf2e4;--tm-tint-medium:#faf8f0;--tm-tint-high:#edf3fa;--tm-tint-control:#e8f3ec}` +
	`@media (prefers-color-scheme:dark){svg.tm{--tm-tint-untrusted:#35201a;--tm-tint-external:#2f231c;--tm-tint-low:#2b2419;--tm-tint-medium:#1f1e1b;--tm-tint-high:#172230;--tm-tint-control:#14261d}}` +
	`.tm .tm-boundary.tm-trust-untrusted>.tm-shape,.tm .tm-legend-sample .tm-tint-warm{fill:var(--tm-tint-untrusted)}` +
	`.tm .tm-boundary.tm-trust-external>.tm-shape{fill:var(--tm-tint-external)}` +
	`.tm .tm-boundary.tm-trust-low>.tm-shape{fill:var(--tm-tint-low)}` +
	`.tm .tm-boundary.tm-trust-medium>.tm-shape{fill:var(--tm-tint-medium)}` +
	`.tm .tm-boundary.tm-trust-high>.tm-shape,.tm .tm-legend-sample .tm-tint-cool{fill:var(--tm-tint-high)}` +
	`.tm .tm-boundary.tm-trust-control>.tm-shape{fill:var(--tm-tint-control)}` +
	`.tm .tm-xtable>.tm-shape{fill:var(--tm-bg);stroke:var(--tm-muted)}` +
	`.tm .tm-xtable line{stroke:var(--tm-muted);stroke-width:0.6}` +
	`.tm .tm-xrow-unmarked text{fill:var(--tm-unmarked)}` +
	`.tm .tm-xrow-unmarked>rect{fill:none;stroke:var(--tm-unmarked);stroke-width:1.5;stroke-dasharray:7 3 2 3}`

// numberCrossings numbers the crossings of a scene's flows, in scene
// order; a zone summary's crossings (no flow) are not numbered.
func numberCrossings(sc *scene) {
	k := 0
	for _, e := range sc.edges {
		for j := range e.crosses {
			if e.crosses[j].flow == "" {
				continue
			}
			k++
			e.crosses[j].num = k
		}
	}
}

// The crossing table: columns and their widths.
const (
	xtNumW    = 30
	xtFlowW   = 150
	xtBoundW  = 110
	xtReasonW = 230
	xtPad     = 6
	xtGap     = 24 // between the drawing and the table
)

type xrow struct {
	num                    int
	unmarked               bool
	flow, boundary, reason []line
	h                      float64
}

// A crossTable is the placed table: its box and rows.
type crossTable struct {
	box  layout.Box
	head float64 // height of the header row
	rows []xrow
}

func (p *placed) placeCrossTable(x, y float64) {
	var rows []xrow
	for _, e := range p.sc.edges {
		for _, c := range e.crosses {
			if c.num == 0 {
				continue
			}
			r := xrow{num: c.num, unmarked: !c.marked}
			r.flow = wrapLines(c.flow, style.SmallFontSize, xtFlowW-2*xtPad, false, 2, "tm-small")
			r.boundary = wrapLines(c.name, style.SmallFontSize, xtBoundW-2*xtPad, false, 2, "tm-small")
			reason := c.reason
			if !c.marked {
				reason = "NOT MARKED: say how trust is established"
			}
			r.reason = wrapLines(reason, style.SmallFontSize, xtReasonW-2*xtPad, false, 3, "tm-small")
			for _, ls := range [][]line{r.flow, r.boundary, r.reason} {
				if _, h := blockSize(ls); h > r.h {
					r.h = h
				}
			}
			r.h += 2 * xtPad / 2
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return
	}
	head := line{text: "#", size: style.SmallFontSize, bold: true}
	t := &crossTable{rows: rows, head: head.height() + xtPad}
	h := t.head
	for _, r := range rows {
		h += r.h
	}
	t.box = layout.Box{X: x, Y: y, Width: xtNumW + xtFlowW + xtBoundW + xtReasonW, Height: h}
	p.xtable = t
}

func drawCrossTable(b *strings.Builder, p *placed) {
	t := p.xtable
	if t == nil {
		return
	}
	x, y := t.box.X, t.box.Y
	b.WriteString(`<g class="tm-xtable">`)
	fmt.Fprintf(b, `<rect class="tm-shape" x="%s" y="%s" width="%s" height="%s" rx="4"/>`,
		style.Num(x), style.Num(y), style.Num(t.box.Width), style.Num(t.box.Height))
	cols := []float64{x, x + xtNumW, x + xtNumW + xtFlowW, x + xtNumW + xtFlowW + xtBoundW}
	head := line{text: "#", size: style.SmallFontSize, bold: true}
	for i, s := range []string{"#", "Flow", "Boundary crossed", "Reason (crosses statement)"} {
		style.Text(b, cols[i]+xtPad, y+xtPad/2+baseline(head), "start", "tm-small tm-bold", s)
	}
	ry := y + t.head
	for _, r := range t.rows {
		class := "tm-xrow"
		if r.unmarked {
			class += " tm-xrow-unmarked"
		}
		fmt.Fprintf(b, `<g class="%s" data-crossing="%d">`, class, r.num)
		if r.unmarked {
			fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" rx="2"/>`,
				style.Num(x+2), style.Num(ry+1), style.Num(t.box.Width-4), style.Num(r.h-2))
		}
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, style.Num(x), style.Num(ry), style.Num(x+t.box.Width), style.Num(ry))
		num := strconv.Itoa(r.num)
		if r.unmarked {
			num = "!" + num
		}
		style.Text(b, cols[0]+xtPad, ry+xtPad/2+baseline(head), "start", "tm-small tm-bold", num)
		for i, ls := range [][]line{r.flow, r.boundary, r.reason} {
			ly := ry + xtPad/2
			for _, l := range ls {
				style.Text(b, cols[i+1]+xtPad, ly+baseline(l), "start", l.class, l.text)
				ly += l.height()
			}
		}
		b.WriteString("</g>")
		ry += r.h
	}
	b.WriteString("</g>\n")
}

// dfdLegendFor is the legend of a DFD scene: only what it draws.
func dfdLegendFor(sc *scene) []legendItem {
	has := map[legendKind]bool{}
	var levels []string
	seen := map[string]bool{}
	tints := false
	for _, c := range sc.clusters {
		if c.kind == "boundary" {
			has[lgBoundary] = true
		}
		if c.marker != nil {
			has[lgMarker] = true
		}
		for _, t := range []string{"untrusted", "external", "low", "medium", "high", "control"} {
			if strings.Contains(" "+c.class+" ", " tm-trust-"+t+" ") {
				tints = true
			}
		}
	}
	for _, n := range sc.nodes {
		if strings.Contains(n.class, "tm-stub") || strings.Contains(n.class, "tm-zone") {
			continue
		}
		switch n.shape {
		case shapeProcess:
			has[lgProcess] = true
		case shapeStore:
			has[lgStore] = true
		case shapeQueue:
			has[lgQueue] = true
		case shapeExternal:
			has[lgExternal] = true
		case shapePerson:
			has[lgPerson] = true
		}
		if n.marker != nil && !strings.HasPrefix(n.id, stubPrefix) {
			has[lgMarker] = true
		}
	}
	secText := false
	for _, e := range sc.edges {
		switch {
		case strings.Contains(e.class, "tm-unmarked"):
			has[lgUnmarked] = true
		case strings.Contains(e.class, "tm-crossing"):
			has[lgCrossing] = true
		default:
			has[lgFlow] = true
		}
		for _, c := range classes {
			if strings.Contains(e.class, "tm-data-"+c) && !seen[c] {
				seen[c] = true
			}
		}
		for _, l := range e.lines {
			if strings.Contains(l.class, "tm-sec") {
				secText = true
			}
		}
	}
	for _, c := range classes {
		switch {
		case seen[c] && secText:
			levels = append(levels, "["+classLetter(c)+"] "+c)
		case seen[c]:
			levels = append(levels, c)
		}
	}
	var out []legendItem
	add := func(k legendKind, text string) {
		if has[k] {
			out = append(out, legendItem{k, text})
		}
	}
	add(lgProcess, "Process")
	add(lgStore, "Data store (database, cache, bucket)")
	add(lgQueue, "Queue")
	add(lgPerson, "Person")
	add(lgExternal, "External entity")
	add(lgBoundary, "Trust boundary [trust level]")
	if tints {
		out = append(out, legendItem{lgTint, "Boundary fill by trust: warm = untrusted or external, cool = high or control"})
	}
	add(lgMarker, "n open findings and threats on the element, on the colour of the highest band")
	add(lgFlow, "Flow ([id] = its reference in every view)")
	add(lgCrossing, "Flow crossing a boundary, marked; the badge's number is its row in the crossing table")
	add(lgUnmarked, "Crossing NOT marked: error, say how trust is established")
	switch {
	case len(levels) > 0 && secText:
		out = append(out, legendItem{lgData, "Thicker line = more sensitive data carried, and its letter: " + strings.Join(levels, ", ")})
	case len(levels) > 0:
		out = append(out, legendItem{lgData, "Thicker line = more sensitive data carried: " + strings.Join(levels, ", ")})
	}
	if secText {
		out = append(out, legendItem{lgSecurity, "enc / clear: transport encrypted or not; auth:how the sender authenticates"})
	}
	return out
}

// drawSecuritySample draws the legend samples of this file's kinds.
func drawSecuritySample(b *strings.Builder, k legendKind, bx layout.Box) {
	y := bx.Y + bx.Height/2
	switch k {
	case lgTint:
		w := (bx.Width - 4) / 2
		fmt.Fprintf(b, `<g class="tm-legend-sample"><rect class="tm-boundary-sample tm-tint-warm" x="%s" y="%s" width="%s" height="%s" rx="4"/>`,
			style.Num(bx.X+1), style.Num(bx.Y+1), style.Num(w), style.Num(bx.Height-2))
		fmt.Fprintf(b, `<rect class="tm-boundary-sample tm-tint-cool" x="%s" y="%s" width="%s" height="%s" rx="4"/></g>`,
			style.Num(bx.X+3+w), style.Num(bx.Y+1), style.Num(w), style.Num(bx.Height-2))
	case lgMarker:
		b.WriteString(`<g class="tm-legend-sample tm-marker tm-band-high">`)
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="%d" height="%d" rx="8"/>`, style.Num(bx.X+bx.Width/2-8), style.Num(y-markerH/2), markerH, markerH)
		style.Text(b, bx.X+bx.Width/2, y+0.35*style.SmallFontSize, "middle", "tm-small", "2")
		b.WriteString("</g>")
	case lgData:
		b.WriteString(`<g class="tm-legend-sample">`)
		for i, w := range []float64{1.2, 2.4, 4.2} {
			x := bx.X + float64(i)*bx.Width/3
			fmt.Fprintf(b, `<path d="M %s H %s" style="stroke:var(--tm-edge);stroke-width:%s"/>`, n2(x+1, y), style.Num(x+bx.Width/3-3), style.Num(w))
		}
		b.WriteString("</g>")
	case lgSecurity:
		b.WriteString(`<g class="tm-legend-sample">`)
		style.Text(b, bx.X+bx.Width/2, y+4, "middle", "tm-small tm-sec", "enc")
		b.WriteString("</g>")
	}
}

// fitLabels leaves the security line out of the flow labels of a scene
// too large to lay its labels out as nodes: Graphviz places those labels
// beside their edges as best it can, and every line more makes them
// cover more nodes and labels (on a 200-element model, five labels over
// a label or node instead of two). The flow's tooltip still says it all,
// and its line weight still shows the data it carries.
func (sc *scene) fitLabels() {
	if sc.labelNodes() {
		return
	}
	for _, e := range sc.edges {
		ls := e.lines[:0]
		for _, l := range e.lines {
			if !strings.Contains(l.class, "tm-sec") {
				ls = append(ls, l)
			}
		}
		e.lines = ls
	}
}
