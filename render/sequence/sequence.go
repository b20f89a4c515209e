// Package sequence draws sequence diagrams with its own layout: the
// participants in a row at the top, grouped under their trust boundaries,
// then every message, note and group frame down the page in order.
//
// Participant order: the participants' trust boundaries form a tree; in
// every boundary (and at the top level) its own participants and its child
// boundaries are placed in order of first appearance, a boundary counting
// as appearing with its first participant. So every boundary's
// participants are contiguous under one box (nested boundaries in nested
// boxes), and two participants of the same boundary keep their
// first-appearance order. The top-level order is exactly first appearance
// when no boundary would otherwise be split.
// Lane spacing comes from measured text: a label widens the gap between
// its two lanes up to labelMax px and wraps beyond that. Messages whose
// flow crosses a boundary are drawn as crossings; if a crossing is
// unmarked they also carry a visible "!" marker naming the boundaries, so
// the diagram does not rely on colour. Messages without a flow (TM401)
// carry a muted "no flow" marker.
package sequence

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render/style"
)

// css holds the rules only sequence diagrams need.
var css = `.tm .tm-title{font-size:` + style.Num(style.TitleFontSize) + `px;font-weight:bold}` +
	`.tm .tm-small{font-size:` + style.Num(style.SmallFontSize) + `px}` +
	`.tm .tm-participant>.tm-shape-line{fill:none;stroke:var(--tm-node-stroke);stroke-width:1.5}` +
	`.tm .tm-external>.tm-shape-line{stroke-dasharray:6 3}` +
	`.tm .tm-plate{fill:var(--tm-bg)}` +
	`.tm .tm-ref{fill:var(--tm-muted)}` +
	`.tm .tm-message>.tm-badge{fill:var(--tm-bg);stroke:var(--tm-edge);stroke-width:1}` +
	`.tm .tm-crossing>.tm-badge{stroke:var(--tm-crossing);stroke-width:1.5}` +
	`.tm .tm-unmarked>.tm-badge{stroke:var(--tm-unmarked);stroke-width:1.5}` +
	`.tm .tm-flow>.tm-arrow-open{fill:none;stroke-dasharray:none}` +
	`.tm .tm-flow>.tm-flag-mark{fill:none;stroke:var(--tm-unmarked);stroke-width:1.5;stroke-dasharray:none;stroke-linejoin:round}` +
	`.tm .tm-note>.tm-fold{fill:none;stroke:var(--tm-muted)}` +
	`.tm .tm-frame>.tm-shape{stroke-width:1.2}` +
	`.tm .tm-frame>.tm-sep{fill:none;stroke:var(--tm-frame);stroke-dasharray:6 4}` +
	`.tm .tm-boundary>.tm-shape{stroke-width:1.2}`

// Render draws the sequence diagram of a sequence view as SVG.
func Render(m *ir.Model, v *ir.View, opts style.Options) ([]byte, error) {
	if v == nil || v.Kind != ir.ViewSequence || v.Sequence == nil {
		id := ""
		if v != nil {
			id = v.ID
		}
		return nil, fmt.Errorf("sequence: view %q is not a sequence view", id)
	}
	d := layout(v)
	var b strings.Builder
	b.Grow(4096 + 1200*len(d.Msgs))
	title := clean(v.Sequence.Name)
	if title == "" {
		title = clean(v.Name)
	}
	style.Header(&b, d.W, d.H, v.ID, title, css, opts)
	for _, t := range d.Title {
		text(&b, t)
	}
	b.WriteByte('\n')
	drawBoundaries(&b, v, d, opts)
	for _, p := range d.Parts {
		fmt.Fprintf(&b, `<line class="tm-lifeline" x1="%s" y1="%s" x2="%s" y2="%s"/>`+"\n", n(p.X), n(d.LifeTop), n(p.X), n(d.LifeBottom))
	}
	for _, f := range d.Frames {
		drawFrame(&b, v, f)
	}
	for _, p := range d.Parts {
		drawParticipant(&b, v, p, opts)
	}
	for _, nt := range d.Notes {
		drawNote(&b, v, nt)
	}
	for _, msg := range d.Msgs {
		drawMessage(&b, v, msg, opts)
	}
	if d.Legend != nil {
		drawLegend(&b, v, d.Legend)
	}
	style.Footer(&b)
	return []byte(b.String()), nil
}

func n(f float64) string { return style.Num(f) }

// text writes one line of text, as style.Text does.
func text(b *strings.Builder, t label) {
	b.WriteString(`<text x="`)
	b.WriteString(n(t.X))
	b.WriteString(`" y="`)
	b.WriteString(n(t.Y))
	b.WriteString(`" text-anchor="`)
	b.WriteString(t.Anchor)
	if t.Class != "" {
		b.WriteString(`" class="`)
		b.WriteString(t.Class)
	}
	b.WriteString(`">`)
	if t.Ref > 0 && t.Ref <= len(t.S) {
		b.WriteString(`<tspan class="tm-ref">`)
		b.WriteString(style.Escape(t.S[:t.Ref]))
		b.WriteString(`</tspan>`)
		b.WriteString(style.Escape(t.S[t.Ref:]))
	} else {
		b.WriteString(style.Escape(t.S))
	}
	b.WriteString(`</text>`)
}

// rectEl writes a rect element.
func rectEl(b *strings.Builder, class string, r rect, extra string) {
	b.WriteString(`<rect class="`)
	b.WriteString(class)
	b.WriteString(`" x="`)
	b.WriteString(n(r.X))
	b.WriteString(`" y="`)
	b.WriteString(n(r.Y))
	b.WriteString(`" width="`)
	b.WriteString(n(r.W))
	b.WriteString(`" height="`)
	b.WriteString(n(r.H))
	b.WriteString(`"`)
	b.WriteString(extra)
	b.WriteString(`/>`)
}

func texts(b *strings.Builder, ts []label) {
	for _, t := range ts {
		text(b, t)
	}
}

func drawBoundaries(b *strings.Builder, v *ir.View, d *diagram, opts style.Options) {
	for _, bb := range d.Bounds {
		tip := boundaryText(bb.B)
		if desc := clean(bb.B.Description); desc != "" {
			tip += ": " + desc
		}
		linked := style.OpenGroup(b, v.ID, "boundary", bb.B.ID, "tm-boundary", tip, opts)
		r := bb.Box
		fmt.Fprintf(b, `<rect class="tm-shape" x="%s" y="%s" width="%s" height="%s" rx="6"/>`, n(r.X), n(r.Y), n(r.W), n(r.H))
		texts(b, bb.Texts)
		style.CloseGroup(b, linked)
	}
}

func participantTip(p *participant) string {
	s := elemName(p.E) + " " + kindText(p)
	if p.E.Boundary != nil {
		s += " in " + clean(p.E.Boundary.Name)
	}
	if d := clean(p.E.Description); d != "" {
		s += ": " + d
	}
	return s
}

func drawParticipant(b *strings.Builder, v *ir.View, p *participant, opts style.Options) {
	class := "tm-node tm-participant"
	switch p.Shape {
	case shapePerson:
		class += " tm-person"
	case shapeCylinder:
		class += " tm-store"
	case shapeQueue:
		class += " tm-queue"
	}
	if p.External {
		class += " tm-external"
	}
	linked := style.OpenGroup(b, v.ID, "element", p.E.ID, class, participantTip(p), opts)
	r := p.Box
	x, y, w, h := r.X, r.Y, r.W, r.H
	switch p.Shape {
	case shapePerson:
		fmt.Fprintf(b, `<rect class="tm-shape" x="%s" y="%s" width="%s" height="%s" rx="14"/>`, n(x), n(y), n(w), n(h))
		fmt.Fprintf(b, `<circle class="tm-shape" cx="%s" cy="%s" r="%s"/>`, n(p.X), n(y-headR+5), n(headR))
	case shapeCylinder:
		rx := w / 2
		fmt.Fprintf(b, `<path class="tm-shape" d="M%s,%s A%s,%s 0 0 1 %s,%s V%s A%s,%s 0 0 1 %s,%s Z"/>`,
			n(x), n(y+cylRY), n(rx), n(cylRY), n(x+w), n(y+cylRY), n(y+h-cylRY), n(rx), n(cylRY), n(x), n(y+h-cylRY))
		fmt.Fprintf(b, `<path class="tm-shape-line" d="M%s,%s A%s,%s 0 0 0 %s,%s"/>`, n(x), n(y+cylRY), n(rx), n(cylRY), n(x+w), n(y+cylRY))
	case shapeQueue: // as in the DFD and C4 views
		fmt.Fprintf(b, `<rect class="tm-shape" x="%s" y="%s" width="%s" height="%s" rx="%d"/>`, n(x), n(y), n(w), n(h), style.QueueRadius)
		fmt.Fprintf(b, `<path class="tm-shape-line" d="%s"/>`, style.QueueStripes(x, y, w, h))
	default:
		fmt.Fprintf(b, `<rect class="tm-shape" x="%s" y="%s" width="%s" height="%s" rx="4"/>`, n(x), n(y), n(w), n(h))
	}
	texts(b, p.Texts)
	style.CloseGroup(b, linked)
}

func drawNote(b *strings.Builder, v *ir.View, nt *note) {
	linked := style.OpenGroup(b, v.ID, "note", strconv.Itoa(nt.Index), "tm-note", nt.Text, style.Options{})
	r := nt.Box
	fmt.Fprintf(b, `<path class="tm-shape" d="M%s,%s H%s L%s,%s V%s H%s Z"/>`,
		n(r.X), n(r.Y), n(r.right()-foldSize), n(r.right()), n(r.Y+foldSize), n(r.bottom()), n(r.X))
	fmt.Fprintf(b, `<path class="tm-fold" d="M%s,%s V%s H%s"/>`, n(r.right()-foldSize), n(r.Y), n(r.Y+foldSize), n(r.right()))
	texts(b, nt.Texts)
	style.CloseGroup(b, linked)
}

func frameTip(f *frame) string {
	var parts []string
	for i, br := range f.Step.Branches {
		if br == nil {
			continue
		}
		op := f.Step.Kind
		if i > 0 {
			switch op {
			case ir.StepAlt:
				op = "else"
			case ir.StepPar:
				op = "and"
			}
		}
		if c := clean(br.Label); c != "" {
			op += " [" + c + "]"
		}
		parts = append(parts, op)
	}
	if len(parts) == 0 {
		return f.Step.Kind
	}
	return strings.Join(parts, " / ")
}

func drawFrame(b *strings.Builder, v *ir.View, f *frame) {
	linked := style.OpenGroup(b, v.ID, "frame", strconv.Itoa(f.Index), "tm-frame tm-frame-"+f.Step.Kind, frameTip(f), style.Options{})
	r := f.Box
	fmt.Fprintf(b, `<rect class="tm-shape" x="%s" y="%s" width="%s" height="%s"/>`, n(r.X), n(r.Y), n(r.W), n(r.H))
	t := f.Tag
	fmt.Fprintf(b, `<path class="tm-tag" d="M%s,%s H%s V%s L%s,%s H%s Z"/>`,
		n(t.X), n(t.Y), n(t.right()), n(t.bottom()-tagCut), n(t.right()-tagCut), n(t.bottom()), n(t.X))
	for _, y := range f.Seps {
		fmt.Fprintf(b, `<path class="tm-sep" d="M%s,%s H%s"/>`, n(r.X), n(y), n(r.right()))
	}
	plates(b, f.Plates)
	texts(b, f.Texts)
	style.CloseGroup(b, linked)
}

func messageTip(m *message) string {
	st := m.Step
	arrow := " -> "
	if st.Reply {
		arrow = " --> "
	}
	s := strconv.Itoa(st.Number) + ". " + elemName(st.From) + arrow + elemName(st.To) + ": " + clean(st.Label)
	f := st.Flow
	if f == nil {
		return s + " (no flow, TM401)"
	}
	s += " (flow " + f.ID
	if len(f.Crossings) > 0 {
		var cross, miss []string
		for _, c := range f.Crossings {
			if c.Boundary == nil {
				continue
			}
			cross = append(cross, c.Boundary.ID)
			if c.Mark == nil {
				miss = append(miss, c.Boundary.ID)
			}
		}
		s += ", crosses " + strings.Join(cross, ", ")
		if len(miss) > 0 {
			s += "; UNMARKED: " + strings.Join(miss, ", ")
		}
	}
	return s + ")"
}

func drawMessage(b *strings.Builder, v *ir.View, m *message, opts style.Options) {
	class := "tm-flow tm-message"
	if m.Step.Reply {
		class += " tm-reply"
	}
	if m.Crossing {
		class += " tm-crossing"
	}
	if m.Unmarked {
		class += " tm-unmarked"
	}
	if m.NoFlow { // the error style of an unmarked crossing, and its marker
		class += " tm-unmarked tm-noflow"
	}
	lo := style.Options{}
	if opts.Link != nil && m.Step.Flow != nil {
		id := m.Step.Flow.ID
		lo.Link = func(string, string) string { return opts.Link("flow", id) }
	}
	linked := style.OpenGroup(b, v.ID, "message", strconv.Itoa(m.Step.Number), class, messageTip(m), lo)
	y := m.Y
	if m.Self {
		x, r := m.X1, m.X1+selfLoopW
		y2 := y + selfLoopH
		fmt.Fprintf(b, `<path d="M%s,%s H%s V%s H%s"/>`, n(x), n(y), n(r), n(y2), n(x+headLen))
		arrowHead(b, x, y2, -1, m.Step.Reply)
	} else {
		dir := 1.0
		if m.X2 < m.X1 {
			dir = -1
		}
		end := m.X2 - dir*headLen
		if m.Step.Reply {
			end = m.X2 - dir*1.5
		}
		b.WriteString(`<path d="M` + n(m.X1) + "," + n(y) + " H" + n(end) + `"/>`)
		arrowHead(b, m.X2, y, dir, m.Step.Reply)
	}
	plates(b, m.Plates)
	bd := m.Badge
	rectEl(b, "tm-badge", bd, ` rx="`+n(bd.H/2)+`"`)
	if m.warn() && len(m.flagLines) > 0 {
		flagMark(b, m.Flag)
	}
	texts(b, m.Texts)
	style.CloseGroup(b, linked)
}

func drawLegend(b *strings.Builder, v *ir.View, lg *legend) {
	linked := style.OpenGroup(b, v.ID, "legend", "legend", "tm-legend", "Legend", style.Options{})
	rectEl(b, "tm-shape", lg.Box, ` rx="4"`)
	b.WriteByte('\n')
	for _, it := range lg.Items {
		if it.Sample != nil {
			text(b, *it.Sample)
			text(b, it.Text)
			b.WriteByte('\n')
			continue
		}
		b.WriteString(`<g class="` + it.Class + `">`)
		end := it.X2 - headLen
		if it.Reply {
			end = it.X2 - 1.5
		}
		b.WriteString(`<path d="M` + n(it.X1) + "," + n(it.Y) + " H" + n(end) + `"/>`)
		arrowHead(b, it.X2, it.Y, 1, it.Reply)
		if it.Flag {
			flagMark(b, rect{X: it.X2 + flagGap, Y: it.Y - flagW/2, W: flagW, H: flagW})
		}
		b.WriteString(`</g>`)
		text(b, it.Text)
		b.WriteByte('\n')
	}
	style.CloseGroup(b, linked)
}

// flagMark draws the unmarked-crossing marker: a warning triangle with an
// exclamation mark, drawn as lines so it needs no glyph.
func flagMark(b *strings.Builder, f rect) {
	cx := f.X + f.W/2
	b.WriteString(`<path class="tm-flag-mark" d="M` + n(cx) + "," + n(f.Y) + " L" + n(f.right()) + "," + n(f.bottom()) + " H" + n(f.X) +
		" Z M" + n(cx) + "," + n(f.Y+4) + " V" + n(f.bottom()-4.5) + " M" + n(cx) + "," + n(f.bottom()-2.6) + " V" + n(f.bottom()-1.8) + `"/>`)
}

func plates(b *strings.Builder, rs []rect) {
	for _, r := range rs {
		if r.W > 0 {
			rectEl(b, "tm-plate", r, "")
		}
	}
}

// arrowHead draws a head whose tip is at (x, y), pointing in direction
// dir (1 right, -1 left): filled for a request, open for a reply.
func arrowHead(b *strings.Builder, x, y, dir float64, open bool) {
	bx := x - dir*headLen
	if open {
		b.WriteString(`<path class="tm-arrow-open" d="M` + n(bx) + "," + n(y-headHalf) + " L" + n(x) + "," + n(y) + " L" + n(bx) + "," + n(y+headHalf) + `"/>`)
		return
	}
	b.WriteString(`<path class="tm-arrow" d="M` + n(x) + "," + n(y) + " L" + n(bx) + "," + n(y-headHalf) + " L" + n(bx) + "," + n(y+headHalf) + ` Z"/>`)
}
