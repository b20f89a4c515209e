package sequence

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render/style"
)

// Layout constants, in px. Every text size is style.FontSize,
// style.SmallFontSize or style.TitleFontSize, the sizes the CSS sets.
const (
	margin = 16.0

	// Participant boxes.
	boxPadX    = 12.0
	boxPadY    = 8.0
	boxMinW    = 96.0
	boxMaxText = 160.0 // names and tech wrap at this width
	cylRY      = 6.0   // the ellipse of a database, cache or bucket
	headR      = 10.0  // the head of a person
	laneGap    = 28.0  // between two boxes of the same boundary

	// Boundaries: every nesting level adds bPad around its content; boxes
	// of different boundaries keep bSep between their outer edges.
	bPad      = 10.0
	bSep      = 14.0
	bLabelPad = 8.0
	bLabelMax = 260.0

	// Messages.
	labelMax    = 240.0 // a label widens its lanes up to this, then wraps
	labelMargin = 10.0  // between a label and the lifelines it spans
	labelLines  = 6
	badgeH      = 16.0
	badgeGap    = 5.0
	headLen     = 9.0
	headHalf    = 4.5
	selfLoopW   = 28.0
	selfLoopH   = 20.0
	selfIndent  = 8.0 // a self-message's label starts this far right of its lifeline
	flagW       = 13.0
	flagGap     = 4.0
	rowGap      = 12.0

	// Notes.
	notePad     = 7.0
	noteMinW    = 70.0
	noteMax     = 220.0 // text width of a note over one lane
	noteMaxWide = 360.0 // text width of a note over several lanes
	noteExt     = 18.0  // how far a note over several lanes reaches past them
	noteSide    = 10.0  // gap between a note and the next lifeline
	noteLines   = 12
	foldSize    = 8.0

	// Frames.
	framePad      = 10.0
	frameLabelMax = 300.0
	tagPadX       = 6.0
	tagCut        = 6.0
	frameLines    = 3
)

func lh(size float64) float64 { return size * style.LineHeight }

// baseline returns the baseline of line i of a block of lines starting at
// top: the cap height is centred in each line box.
func baseline(top float64, i int, size float64) float64 {
	return top + float64(i)*lh(size) + (lh(size)+0.7*size)/2
}

type rect struct{ X, Y, W, H float64 }

func (r rect) right() float64  { return r.X + r.W }
func (r rect) bottom() float64 { return r.Y + r.H }

// A label is one line of text, measured once.
type label struct {
	X, Y   float64 // the anchor point; Y is the baseline
	Anchor string  // start, middle or end
	Size   float64
	Bold   bool
	Class  string
	S      string
	W      float64
	// Ref is how many bytes at the start of S are (part of) a flow
	// reference, drawn in the muted colour.
	Ref int
}

func (l label) left() float64 {
	switch l.Anchor {
	case "middle":
		return l.X - l.W/2
	case "end":
		return l.X - l.W
	}
	return l.X
}

func mkLabel(x, y float64, anchor string, size float64, bold bool, class, s string) label {
	return label{X: x, Y: y, Anchor: anchor, Size: size, Bold: bold, Class: class, S: s, W: style.Measure(s, size, bold)}
}

// block lays out wrapped lines from top, anchored at x.
func block(x, top float64, anchor string, size float64, bold bool, class string, lines []string) []label {
	out := make([]label, 0, len(lines))
	for i, s := range lines {
		out = append(out, mkLabel(x, baseline(top, i, size), anchor, size, bold, class, s))
	}
	return out
}

func maxWidth(lines []string, size float64, bold bool) float64 {
	w := 0.0
	for _, s := range lines {
		w = max(w, style.Measure(s, size, bold))
	}
	return w
}

// wrap is style.Wrap with a fast path for text that fits on one line
// (the same result: Wrap joins the words of a line with one space).
func wrap(s string, size, width float64, bold bool, maxLines int) []string {
	c := clean(s)
	if c == "" {
		return nil
	}
	if style.Measure(c, size, bold) <= width {
		return []string{c}
	}
	return style.Wrap(c, size, width, bold, maxLines)
}

// clean folds every run of white space into one space, as Wrap and the
// SVG renderer see it.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// Participant shapes.
const (
	shapeBox      = "box"
	shapePerson   = "person"
	shapeCylinder = "cylinder"
	shapeQueue    = "queue"
)

type participant struct {
	E        *ir.Element
	Lane     int
	X        float64 // the lifeline
	Shape    string
	External bool
	W        float64 // shape width
	Slot     float64 // room the lane reserves: the shape, or more for a boundary label
	Box      rect    // the shape (a person's head is above it)
	Inner    rect    // where its text goes
	Texts    []label
	name     []string
	kind     []string
	chain    []*ir.Boundary
}

type boundaryBox struct {
	B           *ir.Boundary
	Depth       int // 0 for a top-level boundary
	First, Last int // lanes
	Height      int // levels of nested boundaries inside, 1 for none
	Box         rect
	Texts       []label
	text        string
	natW        float64
}

type message struct {
	Step               *ir.Step
	From, To           int
	Self               bool
	Crossing, Unmarked bool
	NoFlow             bool    // TM401: no flow matches; drawn in the error style
	Ref                string  // the flow's reference as diagrams print it, "[place]"
	Y                  float64 // the arrow
	X1, X2             float64
	Area               rect // the text of the message stays inside
	Badge              rect
	Flag               rect   // the warning marker, when Unmarked or NoFlow
	Plates             []rect // backgrounds that keep lines off the text
	Texts              []label
	labelW, flagTextW  float64
	flagText           string
	lines, flagLines   []string
	badgeW             float64
	text               string // the label as wrapped: Ref, a space, the label
}

// warn reports whether the message carries the warning marker and the
// error style: an unmarked crossing, or no flow at all (TM401).
func (m *message) warn() bool { return m.Unmarked || m.NoFlow }

type note struct {
	Index  int
	Lo, Hi int // lanes; -1 when over nothing resolved
	Text   string
	Box    rect
	Texts  []label
	natW   float64
	lines  []string
}

type frame struct {
	Index    int
	Step     *ir.Step
	Box      rect
	Tag      rect
	Seps     []float64 // y of the separators before branches 2..n
	Plates   []rect    // backgrounds of the branch labels
	Texts    []label
	branches [][]*item
	tagText  string
	tagW     float64
	labels   []string // "[label]" per branch, "" for none
	wrapped  [][]string
}

type item struct {
	msg   *message
	note  *note
	frame *frame
}

type diagram struct {
	W, H       float64
	Title      []label
	Parts      []*participant
	Bounds     []*boundaryBox
	Msgs       []*message
	Notes      []*note
	Frames     []*frame
	LifeTop    float64
	LifeBottom float64
	Legend     *legend
	items      []*item
}

// The legend explains the line styles the diagram uses, and only those.
type legend struct {
	Box   rect
	Items []legendItem
}

type legendItem struct {
	Class  string // classes of the sample line, as on a message
	Reply  bool
	Flag   bool    // draw the unmarked-crossing marker
	X1, X2 float64 // the sample line
	Y      float64
	Text   label
	Sample *label // a sample text instead of a line
}

// refSample stands for a flow reference in the legend.
const refSample = "[id]"

const (
	legendSample = 34.0
	legendPad    = 8.0
	legendGap    = 18.0
)

type constraint struct {
	a, b int
	d    float64
}

type layouter struct {
	v      *ir.View
	d      *diagram
	lane   map[*ir.Element]int
	cons   []constraint
	x      []float64
	nNotes int
	nFrame int
}

// chain returns the boundaries from the outermost down to b, stopping at
// a loop (the compiler breaks loops, but a renderer must not hang).
func chain(b *ir.Boundary) []*ir.Boundary {
	var out []*ir.Boundary
	for x := b; x != nil && len(out) < 64; x = x.Parent {
		dup := false
		for _, y := range out {
			if y == x {
				dup = true
			}
		}
		if dup {
			break
		}
		out = append(out, x)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// orderParticipants groups participants by trust boundary and orders
// the groups so that messages pass through as few zones as possible.
//
// The participants' boundaries form a tree (participants outside every
// boundary hang from the root). Reading the tree depth first puts every
// boundary's participants side by side, so each boundary is one box.
// Within a node, its children (participants and child boundaries) start
// in order of first appearance (a boundary appears with its first
// participant); then, node by node, the order of the children is replaced
// by the one that costs least (see orderCost: first the boundaries that
// messages pass over without entering, then the lanes they pass over).
// A node of up to permuteMax children tries every order; a larger one
// moves one child at a time to its best place. Rounds repeat until no
// node improves (at most orderRounds). Only a strictly cheaper order is
// taken, and orders are tried in a fixed sequence, so ties keep the
// first-appearance order and the result is deterministic. Last, as an
// order and its mirror image cost the same, the one that puts the first
// participant nearer the left is drawn: the story starts at the left.
func orderParticipants(ps []*ir.Element, steps []*ir.Step) []*participant {
	root := &orderNode{kids: map[*ir.Boundary]*orderNode{}}
	var all []*participant
	for _, e := range ps {
		if e == nil {
			continue
		}
		p := &participant{E: e, chain: chain(e.Boundary)}
		n := root
		for _, b := range p.chain {
			k := n.kids[b]
			if k == nil {
				k = &orderNode{b: b, kids: map[*ir.Boundary]*orderNode{}}
				n.kids[b] = k
				n.items = append(n.items, k)
			}
			n = k
		}
		n.items = append(n.items, p)
		all = append(all, p)
	}
	o := &orderer{root: root, pairs: messagePairs(all, steps)}
	if len(o.pairs) > 0 {
		var nodes []*orderNode // depth first, parents before children
		var collect func(n *orderNode)
		collect = func(n *orderNode) {
			nodes = append(nodes, n)
			for _, it := range n.items {
				if k, ok := it.(*orderNode); ok {
					collect(k)
				}
			}
		}
		collect(root)
		for round := 0; round < orderRounds; round++ {
			better := false
			for _, n := range nodes {
				if len(n.items) > 1 && o.improve(n) {
					better = true
				}
			}
			if !better {
				break
			}
		}
		// An order and its mirror image cost the same: take the one that
		// puts the first participant (who starts the story) nearer the
		// left.
		if ps := o.lanes(); 2*all[0].Lane > len(ps)-1 {
			for _, n := range nodes {
				slices.Reverse(n.items)
			}
		}
	}
	return o.lanes()
}

const (
	permuteMax  = 6 // children of a node for which every order is tried
	orderRounds = 4
	zoneWeight  = 1000 // one zone passed over costs more than any lanes
)

type orderNode struct {
	b     *ir.Boundary
	items []any // *orderNode or *participant
	kids  map[*ir.Boundary]*orderNode
}

// A pair is two participants that exchange messages, and how many.
type pair struct {
	a, b *participant
	n    int
}

// messagePairs counts the messages between every two participants, in
// order of their first message; self-messages and unresolved ends do not
// count.
func messagePairs(all []*participant, steps []*ir.Step) []pair {
	byE := map[*ir.Element]*participant{}
	for _, p := range all {
		byE[p.E] = p
	}
	idx := map[[2]*participant]int{}
	var out []pair
	var walk func([]*ir.Step)
	walk = func(steps []*ir.Step) {
		for _, st := range steps {
			if st == nil {
				continue
			}
			if st.Kind == ir.StepMessage {
				a, b := byE[st.From], byE[st.To]
				if a == nil || b == nil || a == b {
					continue
				}
				if a.Lane > b.Lane || (a.Lane == b.Lane && a.E.ID > b.E.ID) {
					a, b = b, a
				}
				k := [2]*participant{a, b}
				if i, ok := idx[k]; ok {
					out[i].n++
				} else {
					idx[k] = len(out)
					out = append(out, pair{a, b, 1})
				}
			}
			for _, br := range st.Branches {
				if br != nil {
					walk(br.Steps)
				}
			}
		}
	}
	for i, p := range all {
		p.Lane = i // first appearance; only to orient the pairs
	}
	walk(steps)
	return out
}

type orderer struct {
	root  *orderNode
	pairs []pair
	pos   map[*participant]int
}

// lanes reads the tree depth first and numbers the lanes.
func (o *orderer) lanes() []*participant {
	var out []*participant
	var walk func(n *orderNode)
	walk = func(n *orderNode) {
		for _, it := range n.items {
			switch x := it.(type) {
			case *orderNode:
				walk(x)
			case *participant:
				x.Lane = len(out)
				out = append(out, x)
			}
		}
	}
	walk(o.root)
	return out
}

// orderCost is what an order of lanes costs: for every message, each
// boundary it passes over without entering (one that lies wholly between
// its two ends) counts zoneWeight, and each lane it passes over counts 1.
func (o *orderer) orderCost() int {
	ps := o.lanes()
	type span struct{ first, last int }
	spans := map[*ir.Boundary]*span{}
	var bs []*span
	for _, p := range ps {
		for _, b := range p.chain {
			s := spans[b]
			if s == nil {
				s = &span{p.Lane, p.Lane}
				spans[b] = s
				bs = append(bs, s)
			}
			s.last = p.Lane
		}
	}
	cost := 0
	for _, pr := range o.pairs {
		lo, hi := pr.a.Lane, pr.b.Lane
		if lo > hi {
			lo, hi = hi, lo
		}
		c := hi - lo - 1
		for _, s := range bs {
			if s.first > lo && s.last < hi {
				c += zoneWeight
			}
		}
		cost += c * pr.n
	}
	return cost
}

// improve replaces the order of n's children by the cheapest one it
// finds, and reports whether it changed it.
func (o *orderer) improve(n *orderNode) bool {
	best := o.orderCost()
	orig := append([]any(nil), n.items...)
	bestItems := orig
	try := func(items []any) {
		copy(n.items, items)
		if c := o.orderCost(); c < best {
			best = c
			bestItems = append([]any(nil), items...)
		}
	}
	if len(orig) <= permuteMax {
		permute(len(orig), func(idx []int) {
			items := make([]any, len(idx))
			for i, j := range idx {
				items[i] = orig[j]
			}
			try(items)
		})
	} else {
		// Move one child at a time to the place where it costs least,
		// until no move helps.
		for changed := true; changed; {
			changed = false
			for i := range bestItems {
				cur := bestItems
				for j := range cur {
					if j == i {
						continue
					}
					items := moveItem(cur, i, j)
					before := best
					try(items)
					if best < before {
						changed = true
					}
				}
			}
		}
	}
	copy(n.items, bestItems)
	for i := range orig {
		if orig[i] != bestItems[i] {
			return true
		}
	}
	return false
}

// moveItem returns a copy of items with the item at i moved to j.
func moveItem(items []any, i, j int) []any {
	out := make([]any, 0, len(items))
	x := items[i]
	rest := append(append([]any(nil), items[:i]...), items[i+1:]...)
	out = append(out, rest[:j]...)
	out = append(out, x)
	return append(out, rest[j:]...)
}

// permute calls f with every permutation of 0..n-1, in lexicographic
// order (the identity first).
func permute(n int, f func([]int)) {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	for {
		f(idx)
		i := n - 2
		for i >= 0 && idx[i] >= idx[i+1] {
			i--
		}
		if i < 0 {
			return
		}
		j := n - 1
		for idx[j] <= idx[i] {
			j--
		}
		idx[i], idx[j] = idx[j], idx[i]
		for a, b := i+1, n-1; a < b; a, b = a+1, b-1 {
			idx[a], idx[b] = idx[b], idx[a]
		}
	}
}

func isExternal(e *ir.Element, ch []*ir.Boundary) bool {
	if e.External {
		return true
	}
	for _, b := range ch {
		if b.Trust == "external" {
			return true
		}
	}
	return false
}

func kindText(p *participant) string {
	k := p.E.Kind
	if p.External {
		k = "external " + k
	}
	if t := clean(p.E.Tech); t != "" {
		return "[" + k + ": " + t + "]"
	}
	return "[" + k + "]"
}

func elemName(e *ir.Element) string {
	if n := clean(e.Name); n != "" {
		return n
	}
	return e.ID
}

func boundaryText(b *ir.Boundary) string {
	n := clean(b.Name)
	if n == "" {
		n = b.ID
	}
	if t := clean(b.Trust); t != "" {
		n += " [" + t + "]"
	}
	return n
}

func layout(v *ir.View) *diagram {
	l := &layouter{v: v, d: &diagram{}, lane: map[*ir.Element]int{}}
	s := v.Sequence
	l.participants(s.Participants, s.Steps)
	l.boundaries()
	l.d.items = l.measureSteps(s.Steps)
	l.solve()
	l.horizontal(l.d.items)
	l.vertical(s.Name)
	l.finish()
	return l.d
}

func (l *layouter) participants(ps []*ir.Element, steps []*ir.Step) {
	d := l.d
	d.Parts = orderParticipants(ps, steps)
	for _, p := range d.Parts {
		l.lane[p.E] = p.Lane
		p.External = isExternal(p.E, p.chain)
		switch p.E.Kind {
		case ir.Person:
			p.Shape = shapePerson
		case ir.Database, ir.Cache, ir.Bucket:
			p.Shape = shapeCylinder
		case ir.Queue:
			p.Shape = shapeQueue
		default:
			p.Shape = shapeBox
		}
		p.name = wrap(elemName(p.E), style.FontSize, boxMaxText, true, 3)
		p.kind = wrap(kindText(p), style.SmallFontSize, boxMaxText, false, 3)
		tw := max(maxWidth(p.name, style.FontSize, true), maxWidth(p.kind, style.SmallFontSize, false))
		extra := 0.0
		if p.Shape == shapeQueue {
			extra = style.QueueStripesWidth
		}
		p.W = max(boxMinW, tw+2*boxPadX+extra)
		p.Slot = p.W
	}
}

func (l *layouter) boundaries() {
	d := l.d
	byB := map[*ir.Boundary]*boundaryBox{}
	for _, p := range d.Parts {
		for i, b := range p.chain {
			bb := byB[b]
			if bb == nil {
				bb = &boundaryBox{B: b, Depth: i, First: p.Lane, text: boundaryText(b)}
				bb.natW = style.Measure(bb.text, style.FontSize, true)
				byB[b] = bb
				d.Bounds = append(d.Bounds, bb)
			}
			bb.Last = p.Lane
			bb.Height = max(bb.Height, len(p.chain)-i)
		}
	}
	// A boundary over one participant widens that participant's slot so
	// the label fits.
	for _, bb := range d.Bounds {
		need := min(bb.natW, bLabelMax) + 2*bLabelPad
		if bb.First == bb.Last {
			p := d.Parts[bb.First]
			levels := float64(len(p.chain) - bb.Depth)
			p.Slot = max(p.Slot, need-2*bPad*levels)
		}
	}
	for _, bb := range d.Bounds {
		if bb.First == bb.Last {
			continue
		}
		need := min(bb.natW, bLabelMax) + 2*bLabelPad
		f, t := d.Parts[bb.First], d.Parts[bb.Last]
		need -= f.Slot/2 + t.Slot/2 + bPad*float64(len(f.chain)-bb.Depth+len(t.chain)-bb.Depth)
		l.cons = append(l.cons, constraint{bb.First, bb.Last, need})
	}
}

func (l *layouter) laneOf(e *ir.Element) (int, bool) {
	if e == nil {
		return 0, false
	}
	i, ok := l.lane[e]
	return i, ok
}

func badgeWidth(n int) float64 {
	return max(badgeH, style.Measure(strconv.Itoa(n), style.SmallFontSize, true)+8)
}

func (l *layouter) measureSteps(steps []*ir.Step) []*item {
	var out []*item
	n := len(l.d.Parts)
	for _, st := range steps {
		if st == nil {
			continue
		}
		switch st.Kind {
		case ir.StepMessage:
			a, ok1 := l.laneOf(st.From)
			b, ok2 := l.laneOf(st.To)
			if !ok1 || !ok2 {
				continue // an unresolved end: the compiler reported it
			}
			m := &message{Step: st, From: a, To: b, Self: a == b, Ref: messageRef(st)}
			m.text = strings.TrimSpace(m.Ref + " " + clean(st.Label))
			m.badgeW = badgeWidth(st.Number)
			if f := st.Flow; f == nil {
				m.NoFlow = true
				m.flagText = "no flow (TM401)"
			} else if len(f.Crossings) > 0 {
				m.Crossing = true
				var miss []string
				for _, c := range f.Crossings {
					if c.Mark == nil && c.Boundary != nil {
						m.Unmarked = true
						miss = append(miss, clean(c.Boundary.Name))
					}
				}
				if m.Unmarked {
					m.flagText = "unmarked crossing: " + strings.Join(miss, ", ")
				}
			}
			m.labelW = style.Measure(m.text, style.FontSize, false)
			need := m.badgeW + badgeGap + m.labelNeed()
			if m.flagText != "" {
				m.flagTextW = style.Measure(m.flagText, style.SmallFontSize, true)
				fw := min(m.flagTextW, labelMax)
				if m.warn() {
					fw += flagW + flagGap
				}
				need = max(need, fw)
			}
			if m.Self {
				if a+1 < n {
					l.cons = append(l.cons, constraint{a, a + 1, selfIndent + max(need, selfLoopW) + labelMargin})
				}
			} else {
				lo, hi := min(a, b), max(a, b)
				l.cons = append(l.cons, constraint{lo, hi, need + 2*labelMargin})
			}
			l.d.Msgs = append(l.d.Msgs, m)
			out = append(out, &item{msg: m})
		case ir.StepNote:
			l.nNotes++
			nt := &note{Index: l.nNotes, Lo: -1, Hi: -1, Text: clean(st.Text)}
			for _, e := range st.Over {
				if i, ok := l.laneOf(e); ok {
					if nt.Lo < 0 || i < nt.Lo {
						nt.Lo = i
					}
					nt.Hi = max(nt.Hi, i)
				}
			}
			if nt.Lo < 0 && n > 0 { // over nothing resolved: over every lane
				nt.Lo, nt.Hi = 0, n-1
			}
			nt.natW = style.Measure(nt.Text, style.SmallFontSize, false)
			if nt.Lo >= 0 {
				if nt.Lo == nt.Hi {
					half := noteWidth(nt.natW)/2 + noteSide
					if nt.Lo > 0 {
						l.cons = append(l.cons, constraint{nt.Lo - 1, nt.Lo, half})
					}
					if nt.Lo+1 < n {
						l.cons = append(l.cons, constraint{nt.Lo, nt.Lo + 1, half})
					}
				} else {
					need := min(nt.natW, noteMaxWide) + 2*notePad + foldSize/2 - 2*noteExt
					l.cons = append(l.cons, constraint{nt.Lo, nt.Hi, need})
					if nt.Lo > 0 {
						l.cons = append(l.cons, constraint{nt.Lo - 1, nt.Lo, noteExt + noteSide})
					}
					if nt.Hi+1 < n {
						l.cons = append(l.cons, constraint{nt.Hi, nt.Hi + 1, noteExt + noteSide})
					}
				}
			}
			l.d.Notes = append(l.d.Notes, nt)
			out = append(out, &item{note: nt})
		case ir.StepAlt, ir.StepOpt, ir.StepLoop, ir.StepPar:
			l.nFrame++
			f := &frame{Index: l.nFrame, Step: st, tagText: st.Kind}
			f.tagW = style.Measure(f.tagText, style.SmallFontSize, true) + 2*tagPadX + tagCut
			l.d.Frames = append(l.d.Frames, f)
			for _, br := range st.Branches {
				if br == nil {
					continue
				}
				lbl := ""
				if c := clean(br.Label); c != "" {
					lbl = "[" + c + "]"
				}
				f.labels = append(f.labels, lbl)
				f.branches = append(f.branches, l.measureSteps(br.Steps))
			}
			out = append(out, &item{frame: f})
		}
	}
	return out
}

func noteWidth(natW float64) float64 {
	return max(noteMinW, min(natW, noteMax)+2*notePad+foldSize/2)
}

// solve places the lifelines: every adjacent pair keeps its boxes (and
// the boundary edges between them) apart; then each constraint "lane b
// is at least d right of lane a", shortest spans first, spreads what is
// missing evenly over the gaps it spans. Widening a gap never breaks a
// constraint already met, so one pass suffices: O(constraints x span).
func (l *layouter) solve() {
	ps := l.d.Parts
	n := len(ps)
	l.x = make([]float64, n)
	if n == 0 {
		return
	}
	gaps := make([]float64, n) // gaps[i]: between lane i and i+1
	for i := 0; i+1 < n; i++ {
		a, b := ps[i], ps[i+1]
		common := 0
		for common < len(a.chain) && common < len(b.chain) && a.chain[common] == b.chain[common] {
			common++
		}
		edges := float64(len(a.chain) - common + len(b.chain) - common)
		sep := laneGap
		if edges > 0 {
			sep = bSep
		}
		gaps[i] = a.Slot/2 + b.Slot/2 + edges*bPad + sep
	}
	sort.SliceStable(l.cons, func(i, j int) bool {
		return l.cons[i].b-l.cons[i].a < l.cons[j].b-l.cons[j].a
	})
	for _, c := range l.cons {
		if c.a < 0 || c.b >= n || c.a >= c.b {
			continue
		}
		cur := 0.0
		for g := c.a; g < c.b; g++ {
			cur += gaps[g]
		}
		if miss := c.d - cur; miss > 0 {
			add := miss / float64(c.b-c.a)
			for g := c.a; g < c.b; g++ {
				gaps[g] += add
			}
		}
	}
	for i := 1; i < n; i++ {
		l.x[i] = l.x[i-1] + gaps[i-1]
	}
	for i, p := range ps {
		p.X = l.x[i]
	}
}

func (l *layouter) laneX(i int) float64 {
	if i >= 0 && i < len(l.x) {
		return l.x[i]
	}
	return 0
}

// horizontal places messages, notes and frames across, wraps their text
// to the room they got, and returns the extent of the items.
func (l *layouter) horizontal(items []*item) (lo, hi float64, any bool) {
	lo, hi = 1e18, -1e18
	grow := func(a, b float64) {
		lo, hi, any = min(lo, a), max(hi, b), true
	}
	n := len(l.x)
	for _, it := range items {
		switch {
		case it.msg != nil:
			m := it.msg
			m.X1, m.X2 = l.laneX(m.From), l.laneX(m.To)
			var avail float64
			if m.Self {
				room := selfIndent + max(m.badgeW+badgeGap+m.labelNeed(), selfLoopW, m.flagWidth())
				if m.From+1 < n {
					room = l.x[m.From+1] - m.X1 - labelMargin
				}
				m.Area = rect{X: m.X1, W: room}
				avail = room - selfIndent
			} else {
				a, b := min(m.X1, m.X2), max(m.X1, m.X2)
				m.Area = rect{X: a, W: b - a}
				avail = b - a - 2*labelMargin
			}
			m.lines = wrap(m.text, style.FontSize, max(avail-m.badgeW-badgeGap, 40), false, labelLines)
			if m.flagText != "" {
				fa := avail
				if m.warn() {
					fa -= flagW + flagGap
				}
				m.flagLines = wrap(m.flagText, style.SmallFontSize, max(fa, 40), true, 3)
			}
			if m.Self { // what is drawn, not the room it may use
				w := max(selfLoopW, m.badgeW+badgeGap+maxWidth(m.lines, style.FontSize, false))
				if len(m.flagLines) > 0 {
					fw := maxWidth(m.flagLines, style.SmallFontSize, true)
					if m.warn() {
						fw += flagW + flagGap
					}
					w = max(w, fw)
				}
				grow(m.X1, m.X1+selfIndent+w)
			} else {
				grow(m.Area.X, m.Area.right())
			}
		case it.note != nil:
			nt := it.note
			if nt.Lo == nt.Hi {
				w := noteWidth(nt.natW)
				nt.Box = rect{X: l.laneX(nt.Lo) - w/2, W: w}
			} else {
				a, b := l.laneX(nt.Lo)-noteExt, l.laneX(nt.Hi)+noteExt
				nt.Box = rect{X: a, W: b - a}
			}
			nt.lines = wrap(nt.Text, style.SmallFontSize, nt.Box.W-2*notePad-foldSize/2, false, noteLines)
			grow(nt.Box.X, nt.Box.right())
		case it.frame != nil:
			f := it.frame
			a, b, ok := 0.0, 0.0, false
			for _, br := range f.branches {
				x, y, has := l.horizontal(br)
				if has {
					if !ok {
						a, b = x, y
					} else {
						a, b = min(a, x), max(b, y)
					}
					ok = true
				}
			}
			if !ok { // an empty group spans every lane
				a, b = l.laneX(0), l.laneX(n-1)
			}
			a, b = a-framePad, b+framePad
			// Room for the tag and the first label on the top line, and
			// for every other label under its separator.
			right := b
			for i, s := range f.labels {
				w := min(style.Measure(s, style.SmallFontSize, false), frameLabelMax)
				if i == 0 {
					right = max(right, a+f.tagW+tagPadX+w+tagPadX)
				} else {
					right = max(right, a+tagPadX+w+tagPadX)
				}
			}
			right = max(right, a+f.tagW+tagPadX)
			f.Box = rect{X: a, W: right - a}
			f.wrapped = make([][]string, len(f.labels))
			for i, s := range f.labels {
				avail := f.Box.W - 2*tagPadX
				if i == 0 {
					avail -= f.tagW
				}
				f.wrapped[i] = wrap(s, style.SmallFontSize, avail, false, frameLines)
			}
			grow(f.Box.X, f.Box.right())
		}
	}
	return lo, hi, any
}

// labelNeed is the width a message asks of its lanes for its label: the
// label up to labelMax, plus its flow reference, so that a reference
// does not make a label wrap that fitted without it.
func (m *message) labelNeed() float64 {
	if m.Ref == "" {
		return min(m.labelW, labelMax)
	}
	ref := style.Measure(m.Ref+" ", style.FontSize, false)
	return min(m.labelW, labelMax+ref)
}

// messageRef is the flow reference a message shows (style.FlowTag): the
// flow it travels on, except a flow declared without an id between the
// message's own ends, whose reference (FROM->TO) the arrow already says.
// A reply on the request it answers shows the request's reference.
func messageRef(st *ir.Step) string {
	f := st.Flow
	if f == nil || !f.Named && f.From == st.From && f.To == st.To {
		return ""
	}
	return style.FlowTag(f)
}

func (m *message) flagWidth() float64 {
	if m.flagText == "" {
		return 0
	}
	w := min(m.flagTextW, labelMax)
	if m.warn() {
		w += flagW + flagGap
	}
	return w
}

// vertical places everything down the page from the title.
func (l *layouter) vertical(title string) {
	d := l.d
	y := margin
	d.Title = block(0, y, "start", style.TitleFontSize, true, "tm-title", wrap(clean(title), style.TitleFontSize, max(l.contentWidth(), 480), true, 2))
	y += float64(len(d.Title)) * lh(style.TitleFontSize)
	y += 10

	// Boundary label rows, one per nesting depth.
	depth := 0
	for _, bb := range d.Bounds {
		depth = max(depth, bb.Depth+1)
	}
	rowTop := make([]float64, depth+1)
	rows := make([]int, depth)
	for _, bb := range d.Bounds {
		bb.Box.X = l.x[bb.First] - d.Parts[bb.First].Slot/2 - bPad*float64(len(d.Parts[bb.First].chain)-bb.Depth)
		right := l.x[bb.Last] + d.Parts[bb.Last].Slot/2 + bPad*float64(len(d.Parts[bb.Last].chain)-bb.Depth)
		bb.Box.W = right - bb.Box.X
		lines := wrap(bb.text, style.FontSize, bb.Box.W-2*bLabelPad, true, 2)
		rows[bb.Depth] = max(rows[bb.Depth], len(lines))
		bb.Texts = block(bb.Box.X+bLabelPad, 0, "start", style.FontSize, true, "", lines) // y set below
	}
	rowTop[0] = y
	for i := 0; i < depth; i++ {
		rowTop[i+1] = rowTop[i] + float64(rows[i])*lh(style.FontSize) + 8
	}
	for _, bb := range d.Bounds {
		bb.Box.Y = rowTop[bb.Depth]
		for i := range bb.Texts {
			bb.Texts[i].Y = baseline(bb.Box.Y+4, i, style.FontSize)
		}
	}
	y = rowTop[depth]
	if depth > 0 {
		y += 2
	}

	// Participant boxes: one height for all, persons' heads above.
	hasPerson := false
	h := 0.0
	for _, p := range d.Parts {
		ch := float64(len(p.name))*lh(style.FontSize) + float64(len(p.kind))*lh(style.SmallFontSize) + 2*boxPadY
		if p.Shape == shapeCylinder {
			ch += 3 * cylRY
		}
		h = max(h, ch)
		hasPerson = hasPerson || p.Shape == shapePerson
	}
	if hasPerson {
		y += 2*headR - 2
	}
	for _, p := range d.Parts {
		p.Box = rect{X: p.X - p.W/2, Y: y, W: p.W, H: h}
		in := rect{X: p.Box.X + boxPadX, Y: y + boxPadY, W: p.W - 2*boxPadX, H: h - 2*boxPadY}
		switch p.Shape {
		case shapeCylinder:
			in.Y += 2 * cylRY
			in.H -= 3 * cylRY
		case shapeQueue:
			in.W -= style.QueueStripesWidth
		}
		p.Inner = in
		th := float64(len(p.name))*lh(style.FontSize) + float64(len(p.kind))*lh(style.SmallFontSize)
		top := in.Y + (in.H-th)/2
		cx := in.X + in.W/2
		p.Texts = block(cx, top, "middle", style.FontSize, true, "tm-bold", p.name)
		p.Texts = append(p.Texts, block(cx, top+float64(len(p.name))*lh(style.FontSize), "middle", style.SmallFontSize, false, "tm-muted", p.kind)...)
	}
	y += h
	d.LifeTop = y
	y += 16

	y = l.vitems(d.items, y)
	d.LifeBottom = y
	for _, bb := range d.Bounds {
		bb.Box.H = d.LifeBottom + bPad*float64(bb.Height) - bb.Box.Y
	}
}

// contentWidth is the width of the lanes, for wrapping the title.
func (l *layouter) contentWidth() float64 {
	if len(l.x) == 0 {
		return 0
	}
	ps := l.d.Parts
	return l.x[len(l.x)-1] + ps[len(ps)-1].Slot/2 - (l.x[0] - ps[0].Slot/2)
}

func (l *layouter) vitems(items []*item, y float64) float64 {
	fl := lh(style.FontSize)
	sl := lh(style.SmallFontSize)
	for _, it := range items {
		switch {
		case it.msg != nil:
			m := it.msg
			top := y
			bh := max(badgeH, float64(len(m.lines))*fl)
			tw := maxWidth(m.lines, style.FontSize, false)
			bw := m.badgeW
			if len(m.lines) > 0 {
				bw += badgeGap + tw
			}
			var bx float64
			if m.Self {
				bx = m.X1 + selfIndent
			} else {
				bx = (m.X1+m.X2)/2 - bw/2
			}
			m.Badge = rect{X: bx, Y: top + (min(bh, fl)-badgeH)/2, W: m.badgeW, H: badgeH}
			m.Texts = []label{mkLabel(bx+m.badgeW/2, m.Badge.Y+(badgeH+0.7*style.SmallFontSize)/2, "middle", style.SmallFontSize, true, "tm-num tm-small tm-bold", strconv.Itoa(m.Step.Number))}
			lines := block(bx+m.badgeW+badgeGap, top, "start", style.FontSize, false, "", m.lines)
			refSpans(lines, len(m.Ref))
			m.Texts = append(m.Texts, lines...)
			m.Plates = append(m.Plates, plate(bx, top, bw, bh))
			m.Y = top + bh + 5
			end := m.Y + headHalf
			if m.Self {
				end = m.Y + selfLoopH + headHalf
			}
			if len(m.flagLines) > 0 {
				ft := end + 2
				fw := maxWidth(m.flagLines, style.SmallFontSize, true) + flagW + flagGap
				var fx float64
				if m.Self {
					fx = m.X1 + selfIndent
				} else {
					fx = (m.X1+m.X2)/2 - fw/2
				}
				m.Plates = append(m.Plates, plate(fx, ft, fw, float64(len(m.flagLines))*sl))
				m.Flag = rect{X: fx, Y: ft + (sl-flagW)/2, W: flagW, H: flagW}
				fx += flagW + flagGap
				m.Texts = append(m.Texts, block(fx, ft, "start", style.SmallFontSize, true, "tm-flag tm-small tm-bold", m.flagLines)...)
				end = ft + float64(len(m.flagLines))*sl
			}
			m.Area.Y, m.Area.H = top, end-top
			y = end + rowGap
		case it.note != nil:
			nt := it.note
			nt.Box.Y = y
			nt.Box.H = max(float64(len(nt.lines))*sl, sl) + 2*notePad
			nt.Texts = block(nt.Box.X+notePad, y+notePad, "start", style.SmallFontSize, false, "tm-small", nt.lines)
			y = nt.Box.bottom() + rowGap
		case it.frame != nil:
			f := it.frame
			f.Box.Y = y
			tagH := sl + 4
			f.Tag = rect{X: f.Box.X, Y: y, W: f.tagW, H: tagH}
			f.Texts = []label{mkLabel(f.Box.X+tagPadX, baseline(y+2, 0, style.SmallFontSize), "start", style.SmallFontSize, true, "tm-small tm-bold", f.tagText)}
			head := tagH
			for i, br := range f.branches {
				if i == 0 {
					ls := f.wrapped[0]
					f.Texts = append(f.Texts, block(f.Box.X+f.tagW+tagPadX, y+2, "start", style.SmallFontSize, false, "tm-small", ls)...)
					f.Plates = append(f.Plates, plate(f.Box.X+f.tagW+tagPadX, y+2, maxWidth(ls, style.SmallFontSize, false), float64(len(ls))*sl))
					head = max(head, float64(len(ls))*sl+4)
					y += head + 8
				} else {
					y -= rowGap / 2
					f.Seps = append(f.Seps, y)
					ls := f.wrapped[i]
					f.Texts = append(f.Texts, block(f.Box.X+tagPadX, y+3, "start", style.SmallFontSize, false, "tm-small", ls)...)
					f.Plates = append(f.Plates, plate(f.Box.X+tagPadX, y+3, maxWidth(ls, style.SmallFontSize, false), float64(len(ls))*sl))
					y += float64(len(ls))*sl + 3 + 8
				}
				y = l.vitems(br, y)
			}
			if len(f.branches) == 0 {
				y += head + 8
			}
			f.Box.H = y - rowGap + 6 - f.Box.Y
			y = f.Box.bottom() + rowGap
		}
	}
	return y
}

// finish moves everything right so nothing starts left of the margin,
// and sizes the drawing.
func (l *layouter) finish() {
	d := l.d
	minX, maxX := 1e18, -1e18
	ext := func(a, b float64) { minX, maxX = min(minX, a), max(maxX, b) }
	for _, p := range d.Parts {
		ext(p.Box.X, p.Box.right())
	}
	for _, bb := range d.Bounds {
		ext(bb.Box.X, bb.Box.right())
	}
	for _, m := range d.Msgs {
		ext(m.Area.X, m.Area.right())
		for _, t := range m.Texts {
			ext(t.left(), t.left()+t.W)
		}
	}
	for _, nt := range d.Notes {
		ext(nt.Box.X, nt.Box.right())
	}
	for _, f := range d.Frames {
		ext(f.Box.X, f.Box.right())
	}
	if minX > maxX {
		minX, maxX = 0, 0
	}
	dx := margin - minX
	for i := range l.x {
		l.x[i] += dx
	}
	for _, p := range d.Parts {
		p.X += dx
		p.Box.X += dx
		p.Inner.X += dx
		shift(p.Texts, dx)
	}
	for _, bb := range d.Bounds {
		bb.Box.X += dx
		shift(bb.Texts, dx)
	}
	for _, m := range d.Msgs {
		m.X1 += dx
		m.X2 += dx
		m.Area.X += dx
		m.Badge.X += dx
		m.Flag.X += dx
		shiftRects(m.Plates, dx)
		shift(m.Texts, dx)
	}
	for _, nt := range d.Notes {
		nt.Box.X += dx
		shift(nt.Texts, dx)
	}
	for _, f := range d.Frames {
		f.Box.X += dx
		f.Tag.X += dx
		shiftRects(f.Plates, dx)
		shift(f.Texts, dx)
	}
	shift(d.Title, margin)
	w := maxX + dx
	for _, t := range d.Title {
		w = max(w, t.left()+t.W)
	}
	d.W = w + margin
	h := d.LifeBottom
	for _, bb := range d.Bounds {
		h = max(h, bb.Box.bottom())
	}
	h = l.legend(h + 14)
	d.H = h + margin
}

// legend places the legend under the drawing and returns its bottom.
func (l *layouter) legend(top float64) float64 {
	d := l.d
	var seen struct{ req, reply, cross, unmarked, noflow, ref bool }
	for _, m := range d.Msgs {
		seen.ref = seen.ref || m.Ref != ""
		seen.req = seen.req || !m.Step.Reply
		seen.reply = seen.reply || m.Step.Reply
		seen.cross = seen.cross || (m.Crossing && !m.Unmarked)
		seen.unmarked = seen.unmarked || m.Unmarked
		seen.noflow = seen.noflow || m.NoFlow
	}
	type entry struct {
		on          bool
		class, text string
		reply, flag bool
	}
	entries := []entry{
		{seen.req, "tm-flow", "request", false, false},
		{seen.reply, "tm-flow tm-reply", "reply", true, false},
		{seen.cross, "tm-flow tm-crossing", "crosses a trust boundary (marked)", false, false},
		{seen.unmarked, "tm-flow tm-crossing tm-unmarked", "unmarked boundary crossing", false, true},
		{seen.noflow, "tm-flow tm-unmarked tm-noflow", "no matching flow (TM401)", false, true},
		{seen.ref, "", "the flow a message travels on (none: the flow declared without an id between its ends)", false, false},
	}
	width := max(d.W-2*margin, 300)
	lg := &legend{Box: rect{X: margin, Y: top}}
	sl := lh(style.SmallFontSize)
	rowH := max(sl, 2*headHalf) + 6
	x, y := margin+legendPad, top+legendPad
	right := x
	for _, e := range entries {
		if !e.on {
			continue
		}
		tw := style.Measure(e.text, style.SmallFontSize, false)
		sampleW := legendSample
		if e.class == "" {
			sampleW = style.Measure(refSample, style.FontSize, false)
		}
		w := sampleW + 6 + tw
		if e.flag {
			w += flagW + flagGap
		}
		if x > margin+legendPad && x+w > margin+width-legendPad {
			x, y = margin+legendPad, y+rowH
		}
		it := legendItem{Class: e.class, Reply: e.reply, Flag: e.flag, X1: x, X2: x + legendSample, Y: y + rowH/2}
		if e.class == "" {
			sample := mkLabel(x, baseline(y+(rowH-lh(style.FontSize))/2, 0, style.FontSize), "start", style.FontSize, false, "", refSample)
			sample.Ref = len(refSample)
			it.Sample = &sample
		}
		tx := x + sampleW + 6
		if e.flag {
			tx += flagW + flagGap
		}
		it.Text = mkLabel(tx, baseline(y+(rowH-sl)/2, 0, style.SmallFontSize), "start", style.SmallFontSize, false, "tm-small", e.text)
		lg.Items = append(lg.Items, it)
		x += w
		right = max(right, x)
		x += legendGap
	}
	if len(lg.Items) == 0 {
		return top - 14
	}
	lg.Box.W = right + legendPad - lg.Box.X
	lg.Box.H = y + rowH + legendPad - top
	d.Legend = lg
	d.W = max(d.W, lg.Box.right()+margin)
	return lg.Box.bottom()
}

// refSpans marks the first n bytes of the lines (a flow reference, which
// Wrap may have broken over lines, never with a space inside) as the
// reference span of each line.
func refSpans(ls []label, n int) {
	for i := range ls {
		if n <= 0 {
			return
		}
		k := min(n, len(ls[i].S))
		for k < len(ls[i].S) && !utf8.RuneStart(ls[i].S[k]) {
			k--
		}
		ls[i].Ref = k
		n -= k
	}
}

// plate returns the background of a text block, a little larger than it.
func plate(x, y, w, h float64) rect {
	if w <= 0 || h <= 0 {
		return rect{}
	}
	return rect{X: x - 2, Y: y, W: w + 4, H: h}
}

func shiftRects(rs []rect, dx float64) {
	for i := range rs {
		rs[i].X += dx
	}
}

func shift(ts []label, dx float64) {
	for i := range ts {
		ts[i].X += dx
	}
}
