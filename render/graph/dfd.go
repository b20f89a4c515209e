package graph

import (
	"fmt"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render/style"
)

// DFD nodes: text is wrapped to this width, and boxes are at least minW wide.
const (
	dfdTextW  = 170
	dfdMinW   = 130
	dfdPadX   = 10
	dfdPadY   = 7
	flowTextW = 150 // flow labels wrap to this width
)

// buildDFD builds the scene of a data-flow view.
//
// Nodes are the shown elements without shown descendants, plus any shown
// element a drawn flow attaches to itself (a container with its own flows
// whose components are shown too). A flow whose end is not shown attaches
// to that end's nearest shown ancestor; with none, it is left out. A flow
// that ends where it starts (both ends inside one node) is left out unless
// it crosses a boundary: crossings are never hidden.
//
// Clusters are the trust boundaries that hold nodes, nested as declared,
// and the containers whose components are drawn: a container is a box
// around its components (inside its boundary), and its own flows attach
// to the box. A container whose drawn components sit in another boundary
// than its own stays a node beside them. Systems are not clusters (their
// containers may sit in different boundaries): each node of an element
// with a parent carries a muted "System › Container ›" line above its
// name instead.
func buildDFD(m *ir.Model, v *ir.View) *scene {
	return buildDFDScene(m, v, true)
}

// buildDFDScene is buildDFD, with containers drawn as boxes around their
// components only when boxes is set.
func buildDFDScene(m *ir.Model, v *ir.View, boxes bool) *scene {
	shown := shownSet(m, v)
	rep := func(e *ir.Element) *ir.Element {
		for x := e; x != nil; x = x.Parent {
			if shown[x] {
				return x
			}
		}
		return nil
	}
	type drawn struct {
		f        *ir.Flow
		from, to *ir.Element
	}
	var flows []drawn
	attached := map[*ir.Element]bool{}
	for _, f := range m.Flows {
		if f.From == nil || f.To == nil {
			continue
		}
		a, b := rep(f.From), rep(f.To)
		if a == nil || b == nil || (a == b && len(f.Crossings) == 0) {
			continue
		}
		attached[a], attached[b] = true, true
		flows = append(flows, drawn{f, a, b})
	}
	hasShownDesc := map[*ir.Element]bool{}
	for _, e := range m.Elements {
		if shown[e] {
			for p := e.Parent; p != nil; p = p.Parent {
				hasShownDesc[p] = true
			}
		}
	}
	isNode := func(e *ir.Element) bool { return shown[e] && (!hasShownDesc[e] || attached[e]) }
	// boxed: the containers drawn as a box around their drawn
	// descendants, all in the container's own boundary.
	boxed := map[*ir.Element]bool{}
	if boxes {
		inner, mixed := map[*ir.Element]bool{}, map[*ir.Element]bool{}
		for _, e := range m.Elements {
			if !isNode(e) {
				continue
			}
			for p := e.Parent; p != nil; p = p.Parent {
				inner[p] = true
				if e.Boundary != p.Boundary {
					mixed[p] = true
				}
			}
		}
		for _, e := range m.Elements {
			if shown[e] && e.IsContainer() && inner[e] && !mixed[e] {
				boxed[e] = true
			}
		}
	}
	// boxOf is the key of the innermost box around e, or "".
	boxOf := func(e *ir.Element) string {
		for p := e.Parent; p != nil; p = p.Parent {
			if boxed[p] {
				return "c:" + p.ID
			}
		}
		return ""
	}

	sc := &scene{
		viewID:   v.ID,
		title:    viewTitle(v),
		subtitle: "Data-flow diagram" + modelSuffix(m),
		dir:      "TB",
		css:      dfdCSS,
		nodeSep:  24,
		rankSep:  24,
	}
	used := map[*ir.Boundary]bool{}
	for _, e := range m.Elements { // model order
		if !isNode(e) || boxed[e] {
			continue
		}
		n := dfdNode(e)
		if k := boxOf(e); k != "" {
			n.cluster = k
		}
		sc.nodes = append(sc.nodes, n)
		for b := e.Boundary; b != nil; b = b.Parent {
			used[b] = true
		}
	}
	sc.clusters = boundaryClusters(m, used)
	for _, e := range m.Elements { // parents come before their children
		if boxed[e] {
			sc.clusters = append(sc.clusters, containerCluster(e, boxOf(e)))
		}
	}
	if len(boxed) > 0 {
		sc.legend = append(append([]legendItem{}, sc.legend...), legendItem{lgSystemBoundary, "Container, around its components"})
	}
	for _, d := range flows {
		if boxed[d.from] && contains(d.from, d.to) || boxed[d.to] && contains(d.to, d.from) {
			continue // between a box and what it holds (one boundary): inside one node
		}
		e := dfdEdge(d.f, d.from, d.to)
		if boxed[d.from] {
			e.from = "c:" + d.from.ID
		}
		if boxed[d.to] {
			e.to = "c:" + d.to.ID
		}
		sc.edges = append(sc.edges, e)
	}
	markNodes(m, sc)
	sc.autoLegend = true // the legend lists only what is drawn (dfdLegendFor)
	return sc
}

// containerCluster is the box of a container drawn around its
// components, inside box parent or else its boundary.
func containerCluster(e *ir.Element, parent string) *cluster {
	if parent == "" && e.Boundary != nil {
		parent = "b:" + e.Boundary.ID
	}
	return &cluster{key: "c:" + e.ID, parent: parent, kind: "element", id: e.ID,
		class:   "tm-system-boundary tm-" + cssWord(e.Kind),
		label:   line{text: nameOf(e) + " " + kindTech(e), size: style.FontSize, bold: true},
		tooltip: elementTooltip(e)}
}

// shownSet is the set of elements a view selects: all of them when the
// view selects none explicitly.
func shownSet(m *ir.Model, v *ir.View) map[*ir.Element]bool {
	shown := map[*ir.Element]bool{}
	if v.Elements == nil {
		for _, e := range m.Elements {
			shown[e] = true
		}
		return shown
	}
	for _, e := range v.Elements {
		shown[e] = true
	}
	return shown
}

func viewTitle(v *ir.View) string {
	if v.Name != "" {
		return v.Name
	}
	return v.ID
}

func modelSuffix(m *ir.Model) string {
	if m.Name == "" {
		return ""
	}
	return " · " + m.Name
}

func nameOf(e *ir.Element) string {
	if e.Name != "" {
		return e.Name
	}
	return e.ID
}

// external reports whether e lies outside the organisation: declared
// external, in a boundary of trust external, or part of such an element.
func external(e *ir.Element) bool {
	for x := e; x != nil; x = x.Parent {
		if x.External || (x.Boundary != nil && x.Boundary.Trust == "external") {
			return true
		}
	}
	return false
}

func isStore(e *ir.Element) bool {
	switch e.Kind {
	case ir.Database, ir.Cache, ir.Bucket:
		return true
	}
	return false
}

// kindTech is the C4 notation of what an element is: "[container: Go]".
func kindTech(e *ir.Element) string {
	k := e.Kind
	switch k {
	case ir.System:
		k = "software system"
		if external(e) {
			k = "external software system"
		}
	case "":
		k = "element"
	}
	if e.Tech != "" {
		return "[" + k + ": " + e.Tech + "]"
	}
	return "[" + k + "]"
}

// membership is the muted line that says which elements e is part of:
// "Shop platform › Order service ›".
func membership(e *ir.Element) string {
	var names []string
	for p := e.Parent; p != nil; p = p.Parent {
		names = append(names, nameOf(p))
	}
	if len(names) == 0 {
		return ""
	}
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
	}
	return strings.Join(names, " › ") + " ›"
}

func wrapLines(s string, size, w float64, bold bool, max int, class string) []line {
	var out []line
	for _, t := range style.Wrap(s, size, w, bold, max) {
		out = append(out, line{text: t, size: size, bold: bold, class: class})
	}
	return out
}

func dfdNode(e *ir.Element) *node {
	n := &node{key: "e:" + e.ID, id: e.ID, tooltip: elementTooltip(e)}
	if e.Boundary != nil {
		n.cluster = "b:" + e.Boundary.ID
	}
	switch {
	case e.Kind == ir.Person:
		n.shape, n.class = shapePerson, "tm-node tm-person"
		n.in = insets{left: 24}
	case external(e):
		n.shape, n.class = shapeExternal, "tm-node tm-external"
		n.in = insets{4, 4, 4, 4}
	case isStore(e):
		n.shape, n.class = shapeStore, "tm-node tm-store"
		n.in = insets{left: 12}
	case e.Kind == ir.Queue:
		n.shape, n.class = shapeQueue, "tm-node tm-queue"
		n.in = insets{right: 20}
	default:
		n.shape, n.class = shapeProcess, "tm-node tm-process"
	}
	n.class += " tm-" + cssWord(e.Kind)
	if s := membership(e); s != "" {
		n.lines = append(n.lines, wrapLines(s, style.SmallFontSize, dfdTextW, false, 1, "tm-muted")...)
	}
	n.lines = append(n.lines, wrapLines(nameOf(e), style.FontSize, dfdTextW, true, 2, "tm-bold")...)
	n.lines = append(n.lines, wrapLines(kindTech(e), style.SmallFontSize, dfdTextW, false, 2, "tm-muted")...)
	n.size(dfdPadX, dfdPadY, dfdMinW)
	return n
}

// cssWord keeps a value usable as part of a class name.
func cssWord(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}

func boundaryLabel(b *ir.Boundary) string {
	name := b.Name
	if name == "" {
		name = b.ID
	}
	if b.Trust == "" {
		return name
	}
	return name + " [" + b.Trust + "]"
}

func elementTooltip(e *ir.Element) string {
	parts := []string{nameOf(e) + " (" + e.ID + ")", kindTech(e)}
	if external(e) {
		parts = append(parts, "external")
	}
	if e.Boundary != nil {
		parts = append(parts, "in "+boundaryLabel(e.Boundary))
	} else {
		parts = append(parts, "in no trust boundary")
	}
	if e.Description != "" {
		parts = append(parts, e.Description)
	}
	return strings.Join(parts, " · ")
}

// boundaryClusters returns a cluster per used boundary, parents first, in
// model order.
func boundaryClusters(m *ir.Model, used map[*ir.Boundary]bool) []*cluster {
	var out []*cluster
	var walk func(b *ir.Boundary)
	walk = func(b *ir.Boundary) {
		if !used[b] {
			return
		}
		c := &cluster{key: "b:" + b.ID, kind: "boundary", id: b.ID,
			class: "tm-boundary tm-trust-" + cssWord(b.Trust),
			label: line{text: boundaryLabel(b), size: style.FontSize, bold: true}}
		if b.Parent != nil {
			c.parent = "b:" + b.Parent.ID
		}
		tip := []string{"Trust boundary " + boundaryLabel(b) + " (" + b.ID + ")"}
		if b.Owner != "" {
			tip = append(tip, "owner "+b.Owner)
		}
		if b.Description != "" {
			tip = append(tip, b.Description)
		}
		c.tooltip = strings.Join(tip, " · ")
		out = append(out, c)
		for _, ch := range b.Children {
			walk(ch)
		}
	}
	for _, b := range m.Boundaries {
		if b.Parent == nil {
			walk(b)
		}
	}
	return out
}

// flowClass is tm-flow, plus tm-crossing when the flow crosses a
// boundary, plus tm-unmarked when a crossing has no mark.
func flowClass(f *ir.Flow) (class string, unmarked bool) {
	class = "tm-flow"
	if len(f.Crossings) > 0 {
		class += " tm-crossing"
	}
	for _, c := range f.Crossings {
		if c.Mark == nil {
			unmarked = true
		}
	}
	if unmarked {
		class += " tm-unmarked"
	}
	return class, unmarked
}

// flowTooltip: "[place] customer -> shop.gateway: Place order [https],
// crosses internet (marked: reason), edge (UNMARKED)". A flow declared
// without an id is named by its ends alone.
func flowTooltip(f *ir.Flow) string {
	var b strings.Builder
	if f.Named {
		b.WriteString(style.FlowTag(f) + " ")
	}
	fmt.Fprintf(&b, "%s -> %s", f.From.ID, f.To.ID)
	if f.Label != "" {
		b.WriteString(": " + f.Label)
	}
	if f.Protocol != "" {
		b.WriteString(" [" + f.Protocol + "]")
	}
	for i, c := range f.Crossings {
		if i == 0 {
			b.WriteString(", crosses ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(c.Boundary.ID)
		if c.Mark != nil {
			b.WriteString(" (marked: " + c.Mark.Reason + ")")
		} else {
			b.WriteString(" (UNMARKED)")
		}
	}
	return b.String()
}

// unmarkedFlag is the label line of a flow with an unmarked crossing.
const unmarkedFlag = "⚠ unmarked crossing"

// flowRef is the reference a DFD edge shows before its label (the one
// every view shares, style.FlowTag), except for a flow declared without
// an id drawn between its own ends, whose reference (FROM->TO) the arrow
// already says.
func flowRef(f *ir.Flow, from, to *ir.Element) string {
	if !f.Named && f.From == from && f.To == to {
		return ""
	}
	return style.FlowTag(f)
}

func dfdEdge(f *ir.Flow, from, to *ir.Element) *edge {
	class, unmarked := flowClass(f)
	e := &edge{key: "f:" + f.ID, from: "e:" + from.ID, to: "e:" + to.ID, kind: "flow", id: f.ID, link: true,
		class: class, tooltip: flowTooltip(f)}
	if s := securityTip(f); s != "" {
		e.tooltip += " · " + s
	}
	text := strings.TrimSpace(flowRef(f, from, to) + " " + f.Label)
	for _, c := range f.Crossings {
		x := crossing{cluster: "b:" + c.Boundary.ID, name: c.Boundary.Name, marked: c.Mark != nil}
		if x.name == "" {
			x.name = c.Boundary.ID
		}
		if c.Mark != nil {
			x.reason = c.Mark.Reason
		}
		x.flow = style.FlowTag(f)
		if f.Label != "" {
			x.flow += " " + f.Label
		}
		e.crosses = append(e.crosses, x)
	}
	if c := carried(f); c != "" {
		e.class += " tm-data-" + c
	}
	e.lines = wrapLines(text, style.SmallFontSize, flowTextW, false, 3, "tm-small")
	if s := securityLine(f); s != "" {
		e.lines = append(e.lines, line{text: s, size: style.SmallFontSize, bold: true, class: "tm-small tm-sec"})
	}
	if unmarked {
		e.lines = append(e.lines, line{text: unmarkedFlag, size: style.SmallFontSize, bold: true, class: "tm-flag tm-small"})
	}
	return e
}
