package graph

import (
	"fmt"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render/style"
)

// C4 nodes: text is wrapped to this width, boxes are at least minW wide.
const (
	c4TextW   = 200
	c4MinW    = 180
	c4PadX    = 12
	c4PadY    = 9
	c4EdgeW   = 180 // relationship labels wrap to this width
	headR     = 12  // C4 person: head radius
	cylinderR = 7   // C4 store: vertical radius of the cylinder's ends
)

// buildC4 builds the scene of a context, container or component view.
//
// The view looks into its focus (v.Of; none for a context view): the
// focus's children are drawn inside a cluster, and every element a flow
// connects them to is drawn beside it, rolled up to its highest ancestor
// that does not contain the focus (in a context view: its top-level
// element). Flows roll up the same way; flows between the same two nodes
// merge into one relationship, flows inside one node disappear, flows
// between two neighbours are not drawn. A flow to
// or from the focus itself (not one of its children) attaches to the
// focus's box: the callers of a container are drawn in its component
// view. A flow between the focus and what it holds is left out.
func buildC4(m *ir.Model, v *ir.View) *scene {
	focus := v.Of
	if v.Kind == ir.ViewContext {
		focus = nil
	}
	inSet := func(e *ir.Element) bool { return true }
	if v.Elements != nil {
		set := shownSet(m, v)
		inSet = func(e *ir.Element) bool { return set[e] }
	}

	// The inner nodes: the focus's children, or the top-level elements.
	inner := map[*ir.Element]bool{}
	var innerList []*ir.Element
	for _, e := range m.Elements {
		if e.Parent == focus && inSet(e) {
			inner[e] = true
			innerList = append(innerList, e)
		}
	}
	self := focus != nil && len(innerList) == 0 // nothing inside: draw the focus itself
	if self {
		inner[focus] = true
		innerList = []*ir.Element{focus}
	}

	// rep is the node that stands for x (the focus itself for its box),
	// or nil.
	rep := func(x *ir.Element) *ir.Element {
		if focus != nil && x == focus {
			return focus
		}
		if focus != nil && contains(focus, x) {
			if self {
				return focus
			}
			for x.Parent != focus {
				x = x.Parent
			}
			if inner[x] {
				return x
			}
			return nil
		}
		var r *ir.Element
		for y := x; y != nil; y = y.Parent {
			if focus != nil && (y == focus || contains(y, focus)) {
				break
			}
			r = y
		}
		if r == nil || (focus == nil && !inner[r]) {
			return nil
		}
		return r
	}

	// Neighbours: what flows connect the inner nodes to.
	type pair struct{ a, b *ir.Element }
	var pairs []pair
	groups := map[pair][]int{} // flow indexes, model order
	nodes := map[*ir.Element]bool{}
	for e := range inner {
		nodes[e] = true
	}
	var ends [][2]*ir.Element
	for _, f := range m.Flows {
		var a, b *ir.Element
		if f.From != nil && f.To != nil {
			a, b = rep(f.From), rep(f.To)
		}
		if a != nil && b != nil && !self && (a == focus && inner[b] || b == focus && inner[a]) {
			a, b = nil, nil // between the box and what it holds
		}
		ends = append(ends, [2]*ir.Element{a, b})
		if a == nil || b == nil || a == b {
			continue
		}
		inA, inB := inner[a] || a == focus, inner[b] || b == focus
		if inA && !inB && inSet(b) {
			nodes[b] = true
		}
		if inB && !inA && inSet(a) {
			nodes[a] = true
		}
	}
	if focus != nil && !self {
		nodes[focus] = true // the box: an edge end, not a node
	}
	for i := range m.Flows {
		a, b := ends[i][0], ends[i][1]
		if a == nil || b == nil || a == b || !nodes[a] || !nodes[b] {
			continue
		}
		if !inner[a] && !inner[b] && a != focus && b != focus {
			continue // between two neighbours: not about what the view looks into
		}
		p := pair{a, b}
		if _, ok := groups[p]; !ok {
			pairs = append(pairs, p)
		}
		groups[p] = append(groups[p], i)
	}

	sc := &scene{viewID: v.ID, title: viewTitle(v), css: c4CSS, legend: c4Legend, dir: "TB", nodeSep: 30, rankSep: 30}
	var ck string
	switch {
	case v.Kind == ir.ViewContext:
		sc.subtitle = "C4 system context" + modelSuffix(m)
	case v.Kind == ir.ViewContainer:
		sc.subtitle = "C4 container view of " + nameOf(v.Of) + modelSuffix(m)
	default:
		sc.subtitle = "C4 component view of " + nameOf(v.Of) + modelSuffix(m)
	}
	if focus != nil && !self {
		ck = "s:" + focus.ID
		what := "system"
		if focus.Kind != ir.System {
			what = focus.Kind
		}
		c := &cluster{key: ck, kind: "element", id: focus.ID,
			class:   "tm-system-boundary tm-" + cssWord(focus.Kind),
			label:   line{text: nameOf(focus) + " [" + what + "]", size: style.FontSize, bold: true},
			tooltip: elementTooltip(focus)}
		sc.clusters = append(sc.clusters, c)
	}
	for _, e := range innerList {
		n := c4Node(e)
		n.cluster = ck
		sc.nodes = append(sc.nodes, n)
	}
	for _, e := range m.Elements { // neighbours in model order
		if nodes[e] && !inner[e] && e != focus {
			sc.nodes = append(sc.nodes, c4Node(e))
		}
	}
	unmarked := false
	for _, p := range pairs {
		e := c4Edge(m, p.a, p.b, groups[p])
		if p.a == focus && ck != "" {
			e.from = ck
		}
		if p.b == focus && ck != "" {
			e.to = ck
		}
		unmarked = unmarked || strings.Contains(e.class, "tm-unmarked")
		sc.edges = append(sc.edges, e)
	}
	sc.legend = c4LegendOf(sc, unmarked)
	return sc
}

// c4LegendOf is the C4 legend of what the scene draws: a context view
// without a queue does not explain the queue shape.
func c4LegendOf(sc *scene, unmarked bool) []legendItem {
	drawn := map[legendKind]bool{lgSystemBoundary: len(sc.clusters) > 0, lgRelationship: len(sc.edges) > 0, lgUnmarked: unmarked}
	for _, n := range sc.nodes {
		switch {
		case strings.Contains(n.class, "tm-person"):
			drawn[lgC4Person] = true
		case strings.Contains(n.class, "tm-store"):
			drawn[lgC4Store] = true
		case strings.Contains(n.class, "tm-queue"):
			drawn[lgQueue] = true
		default:
			drawn[lgC4Box] = true
		}
		if strings.Contains(n.class, "tm-external") {
			drawn[lgC4External] = true
		}
	}
	var out []legendItem
	for _, it := range c4Legend {
		if drawn[it.kind] {
			out = append(out, it)
		}
	}
	if unmarked {
		out = append(out, legendItem{lgUnmarked, "Relationship with a crossing NOT marked: error"})
	}
	return out
}

// contains reports whether a is a proper ancestor of x.
func contains(a, x *ir.Element) bool {
	for y := x.Parent; y != nil; y = y.Parent {
		if y == a {
			return true
		}
	}
	return false
}

func c4Node(e *ir.Element) *node {
	n := &node{key: "e:" + e.ID, id: e.ID, tooltip: elementTooltip(e)}
	switch {
	case e.Kind == ir.Person:
		n.shape, n.class = shapeC4Person, "tm-node tm-c4 tm-person"
		n.in = insets{top: 2 * headR}
	case isStore(e):
		n.shape, n.class = shapeCylinder, "tm-node tm-c4 tm-store"
		n.in = insets{top: 2 * cylinderR}
	case e.Kind == ir.Queue:
		n.shape, n.class = shapeQueue, "tm-node tm-c4 tm-queue"
		n.in = insets{right: 20}
	default:
		n.shape, n.class = shapeBox, "tm-node tm-c4"
	}
	n.class += " tm-" + cssWord(e.Kind)
	if external(e) {
		n.class += " tm-external"
	}
	n.lines = append(n.lines, wrapLines(nameOf(e), style.FontSize, c4TextW, true, 2, "tm-bold")...)
	n.lines = append(n.lines, wrapLines(kindTech(e), style.SmallFontSize, c4TextW, false, 2, "tm-muted")...)
	if d := plain(e.Description); d != "" {
		n.lines = append(n.lines, line{size: style.SmallFontSize / 2}) // a half-line gap
		n.lines = append(n.lines, wrapLines(d, style.SmallFontSize, c4TextW, false, 4, "tm-small")...)
	}
	n.size(c4PadX, c4PadY, c4MinW)
	return n
}

// plain flattens a Markdown description to one line of text.
func plain(s string) string {
	r := strings.NewReplacer("**", "", "__", "", "`", "")
	return strings.Join(strings.Fields(r.Replace(s)), " ")
}

// c4Edge is the relationship from a to b made of the flows at idx.
func c4Edge(m *ir.Model, a, b *ir.Element, idx []int) *edge {
	e := &edge{key: "r:" + a.ID + "->" + b.ID, from: "e:" + a.ID, to: "e:" + b.ID, kind: "flow", class: "tm-flow tm-relationship"}
	var labels, protos, tips []string
	seenProto := map[string]bool{}
	for _, i := range idx {
		f := m.Flows[i]
		if f.Label != "" {
			labels = append(labels, f.Label)
		}
		if f.Protocol != "" && !seenProto[f.Protocol] {
			seenProto[f.Protocol] = true
			protos = append(protos, f.Protocol)
		}
		tips = append(tips, flowTooltip(f))
	}
	if len(idx) == 1 {
		e.id, e.link = m.Flows[idx[0]].ID, true
	} else {
		e.id = a.ID + "->" + b.ID // no single flow to link to
	}
	e.tooltip = strings.Join(tips, " | ")
	if len(idx) > 1 {
		e.tooltip = fmt.Sprintf("%d flows: ", len(idx)) + e.tooltip
	}
	text := strings.Join(labels, "; ")
	suffix := ""
	if len(protos) > 0 {
		suffix = " [" + strings.Join(protos, ", ") + "]"
	}
	ls := style.Wrap(text+suffix, style.SmallFontSize, c4EdgeW, false, 0)
	if len(idx) > 1 && len(ls) > 3 {
		text = fmt.Sprintf("%d flows", len(idx))
	}
	e.lines = wrapLines(strings.TrimSpace(text+suffix), style.SmallFontSize, c4EdgeW, false, 3, "tm-small")
	// A relationship that rolls up an unmarked crossing says so, as the
	// DFD does: the picture must not look safer than tmc check.
	var open []string
	seen := map[string]bool{}
	for _, i := range idx {
		for _, c := range m.Flows[i].Crossings {
			if c.Mark == nil && c.Boundary != nil && !seen[c.Boundary.ID] {
				seen[c.Boundary.ID] = true
				open = append(open, c.Boundary.ID)
			}
		}
	}
	if len(open) > 0 {
		e.class += " tm-crossing tm-unmarked"
		e.lines = append(e.lines, wrapLines("⚠ unmarked: "+strings.Join(open, ", "), style.SmallFontSize, c4EdgeW, true, 2, "tm-flag tm-small")...)
	}
	return e
}
