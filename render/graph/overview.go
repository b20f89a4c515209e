package graph

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render/layout"
	"github.com/tmc-dev/tmc/render/style"
)

// Data-flow views at scale (docs/language.md, Views; docs/performance.md,
// Diagrams):
//
//   - a view whose Flows a filter chose draws exactly those flows; an end
//     outside the view's elements is a stub, a small labelled endpoint in
//     its own boundary (so a drawn path still crosses what the flow
//     crosses);
//   - a zone view (View.Zones) draws every trust boundary as a node and
//     rolls the crossing flows between two zones into one edge, "n
//     crossings, k unmarked", naming the unmarked flows;
//   - before any layout the cost of the scene is estimated, and a scene
//     over layoutBudget is drawn as the zone summary of its flows instead
//     of running into the layout time limit; a layout that fails all the
//     same falls back to the summary too. A view is never left out.

// layoutBudget is the most estimated layout time a data-flow scene may
// cost before it is drawn as the zone summary: under the 10 s worker limit
// with room for a machine twice as slow (docs/performance.md, Diagrams).
const layoutBudget = 4 * time.Second

// maxDrawnFlows is the most flows a data-flow scene draws one by one.
// Past it, laying out and routing cost too much: measured with
// crossing-true routing (docs/performance.md, Diagrams), 96 flows took
// 0.4 s, 131 flows 2.6 s, 196 flows 5-6 s and 296 flows 40 s, most of
// it routing, which runs after the layout and outside its time limit.
const maxDrawnFlows = 120

// estimateLayout is what Graphviz is expected to take to lay a scene out,
// from its size: nodes and edges as the layout sees them (a labelled edge
// through a label node is a node and two edges), clusters weighed as four.
// The curve t = 5e-5 s * size^1.44 goes through the measured layouts of
// docs/performance.md (200 nodes / 400 labelled edges: 0.5 s; the DFD of
// 3,000 elements, 2,808 nodes / 5,958 edges: 24 s) and above the 1,000-
// element DFD (2.2-3.5 s measured, 5 s estimated): it errs towards the
// summary.
func estimateLayout(sc *scene) time.Duration {
	v, e := len(sc.nodes), len(sc.edges)
	if sc.labelNodes() {
		for _, x := range sc.edges {
			if len(x.lines) > 0 {
				v++
				e++
			}
		}
	}
	size := float64(v + e + 4*len(sc.clusters))
	return time.Duration(5e-5 * math.Pow(size, 1.44) * float64(time.Second))
}

// renderDFDView draws a data-flow view: in full, filtered with stubs, or
// as zones; a scene too costly to lay out, or whose layout failed on time
// or memory, is drawn as the zone summary of its flows.
func renderDFDView(ctx context.Context, m *ir.Model, v *ir.View, opts style.Options) ([]byte, error) {
	sc, flows, zones := chooseDFDScene(m, v)
	out, _, err := render(ctx, sc, zoneLinks(sc, opts))
	var te *layout.TimeoutError
	var me *layout.MemoryError
	if err != nil && !zones && (errors.As(err, &te) || errors.As(err, &me)) {
		sc = buildZones(m, v, flows, "the full diagram could not be laid out in time or memory, drawn as trust zones")
		out, _, err = render(ctx, sc, zoneLinks(sc, opts))
	}
	return out, err
}

// chooseDFDScene builds a data-flow view's scene, or its zone summary when
// the view asks for zones or the scene is over budget (maxDrawnFlows,
// layoutBudget). It returns the flows the view draws and whether the
// scene is the summary.
func chooseDFDScene(m *ir.Model, v *ir.View) (sc *scene, flows []*ir.Flow, zones bool) {
	sc, flows = dfdViewScene(m, v)
	if v.Zones {
		return sc, flows, true
	}
	if est := estimateLayout(sc); est > layoutBudget || len(sc.edges) > maxDrawnFlows {
		note := fmt.Sprintf("%d flows between %d elements: too many to draw one by one, drawn as trust zones",
			len(sc.edges), len(sc.nodes))
		return buildZones(m, v, flows, note), flows, true
	}
	return sc, flows, false
}

// dfdViewScene builds the scene of a data-flow view and returns the
// flows it draws (for the summary, should the scene be too large).
func dfdViewScene(m *ir.Model, v *ir.View) (*scene, []*ir.Flow) {
	flows := v.Flows
	if flows == nil {
		flows = flowsBetween(m, v)
	}
	switch {
	case v.Zones:
		return buildZones(m, v, flows, ""), flows
	case v.Flows != nil:
		return buildFiltered(m, v), flows
	}
	return buildDFD(m, v), flows
}

// flowsBetween is the flows a view without a flow filter draws: those
// with both ends shown (or inside a shown element).
func flowsBetween(m *ir.Model, v *ir.View) []*ir.Flow {
	if v.Elements == nil {
		return m.Flows
	}
	shown := shownSet(m, v)
	in := func(e *ir.Element) bool {
		for x := e; x != nil; x = x.Parent {
			if shown[x] {
				return true
			}
		}
		return false
	}
	var out []*ir.Flow
	for _, f := range m.Flows {
		if f.From != nil && f.To != nil && in(f.From) && in(f.To) {
			out = append(out, f)
		}
	}
	return out
}

// stubCSS: a stub is dashed, so it does not pass for an element of the view.
const stubCSS = `.tm .tm-stub>.tm-shape{stroke-dasharray:4 3}` +
	`.tm .tm-zone>.tm-shape{stroke:var(--tm-boundary);stroke-width:1.5;stroke-dasharray:8 4}`

// buildFiltered draws the flows a filter chose (v.Flows). Their ends among
// the view's elements are drawn in full; the others are stubs.
func buildFiltered(m *ir.Model, v *ir.View) *scene {
	shown := map[*ir.Element]bool{}
	for _, e := range v.Elements {
		shown[e] = true
	}
	in := func(e *ir.Element) bool {
		for x := e; x != nil; x = x.Parent {
			if shown[x] {
				return true
			}
		}
		return false
	}
	stub := map[*ir.Element]bool{}
	keep := map[string]bool{}
	for _, f := range v.Flows {
		if f.From == nil || f.To == nil {
			continue
		}
		keep["f:"+f.ID] = true
		for _, e := range []*ir.Element{f.From, f.To} {
			if !in(e) {
				stub[e] = true
			}
		}
	}
	all := *v
	all.Elements = nil
	for _, e := range m.Elements { // model order
		if shown[e] || stub[e] {
			all.Elements = append(all.Elements, e)
		}
	}
	if all.Elements == nil {
		all.Elements = []*ir.Element{}
	}
	// No container boxes here: pruning stubs below could empty a box an
	// edge attaches to.
	sc := buildDFDScene(m, &all, false)
	var edges []*edge
	ends := map[string]bool{}
	for _, e := range sc.edges {
		if keep[e.key] {
			edges = append(edges, e)
			ends[e.from], ends[e.to] = true, true
		}
	}
	sc.edges = edges
	shownKeys := map[string]bool{}
	for e := range shown {
		shownKeys["e:"+e.ID] = true
	}
	byKey := map[string]*ir.Element{}
	for e := range stub {
		byKey["e:"+e.ID] = e
	}
	var nodes []*node
	usedCluster := map[string]bool{}
	for _, n := range sc.nodes {
		e, isStub := byKey[n.key]
		if isStub && !ends[n.key] {
			continue // a stub of a flow the view does not draw after all
		}
		if !isStub && !ends[n.key] && !shownKeys[n.key] {
			continue
		}
		if isStub {
			restub(n, e)
		}
		nodes = append(nodes, n)
		usedCluster[n.cluster] = true
	}
	sc.nodes = nodes
	// Keep the clusters that still hold a node, and their parents.
	parent := map[string]string{}
	for _, c := range sc.clusters {
		parent[c.key] = c.parent
	}
	for k := range usedCluster {
		for p := parent[k]; p != ""; p = parent[p] {
			usedCluster[p] = true
		}
	}
	var clusters []*cluster
	for _, c := range sc.clusters {
		if usedCluster[c.key] {
			clusters = append(clusters, c)
		}
	}
	sc.clusters = clusters
	sc.css += stubCSS
	if len(stub) > 0 {
		sc.legend = append(append([]legendItem{}, sc.legend...), legendItem{lgProcess, "Dashed: stub, an element outside this view"})
	}
	if v.Filter != "" {
		sc.subtitle += " · " + v.Filter
	}
	return sc
}

// restub turns an element's node into a stub: its name and its boundary,
// small, dashed.
func restub(n *node, e *ir.Element) {
	where := "outside every boundary"
	if e.Boundary != nil {
		where = "in " + boundaryLabel(e.Boundary)
	}
	n.shape, n.class, n.in = shapeProcess, "tm-node tm-stub tm-"+cssWord(e.Kind), insets{}
	n.lines = append(wrapLines(nameOf(e), style.SmallFontSize, dfdTextW, true, 1, "tm-small tm-bold"),
		wrapLines(where, style.SmallFontSize, dfdTextW, false, 1, "tm-small tm-muted")...)
	n.tooltip = "Outside this view: " + elementTooltip(e)
	// A stub links to its element, but is not an appearance of it: the
	// site inlines on an element's page the diagrams that draw it.
	n.id = stubPrefix + e.ID
	n.size(6, 3, 60)
}

// zonePrefix marks the node id of a zone, so that its link goes to the
// boundary's page (zoneLinks); stubPrefix the node id of a stub, whose
// link goes to its element's page.
const (
	zonePrefix = "zone:"
	stubPrefix = "stub:"
)

// zoneLinks makes a zone node link to its boundary and a stub to its
// element: nodes are drawn as elements.
func zoneLinks(sc *scene, opts style.Options) style.Options {
	if opts.Link == nil {
		return opts
	}
	link := opts.Link
	opts.Link = func(kind, id string) string {
		if kind == "element" && strings.HasPrefix(id, stubPrefix) {
			return link("element", strings.TrimPrefix(id, stubPrefix))
		}
		if kind == "element" && strings.HasPrefix(id, zonePrefix) {
			if id == zonePrefix {
				return ""
			}
			return link("boundary", strings.TrimPrefix(id, zonePrefix))
		}
		return link(kind, id)
	}
	return opts
}

// maxNamed is how many unmarked flows a zone edge names; the rest are
// counted, and listed in the per-boundary views and by tmc check.
const maxNamed = 3

// buildZones draws the trust zones of a view and the flows between them:
// each boundary is a node; a boundary with nested boundaries is also a
// cluster around its own node and theirs; elements in no boundary form
// one more zone. The flows that cross between two zones become one edge
// per direction, labelled "n crossings, k unmarked", with the unmarked
// ones named (error style, ⚠). note, when set, says why the view is drawn
// as zones.
func buildZones(m *ir.Model, v *ir.View, flows []*ir.Flow, note string) *scene {
	sc := &scene{
		viewID:   v.ID,
		title:    viewTitle(v),
		subtitle: "Trust zones" + modelSuffix(m),
		dir:      "TB",
		css:      dfdCSS + stubCSS,
		nodeSep:  30,
		rankSep:  40,
	}
	if note != "" {
		sc.subtitle += " · " + note
	}
	if v.Filter != "" {
		sc.subtitle += " · " + v.Filter
	}
	type pair = zonePair
	type roll struct {
		n        int
		unmarked []*ir.Flow
		flows    []*ir.Flow
	}
	rolls := map[pair]*roll{}
	var order []pair
	count := map[*ir.Boundary]int{} // elements directly in each zone
	used := map[*ir.Boundary]bool{}
	hasNone := false
	mark := func(b *ir.Boundary) {
		if b == nil {
			hasNone = true
		}
		for x := b; x != nil; x = x.Parent {
			used[x] = true
		}
	}
	for _, e := range m.Elements {
		count[e.Boundary]++
	}
	if v.Elements == nil && v.Flows == nil { // the whole model: every zone
		for _, e := range m.Elements {
			mark(e.Boundary)
		}
	}
	for _, f := range flows {
		if f.From == nil || f.To == nil || len(f.Crossings) == 0 || f.From.Boundary == f.To.Boundary {
			continue
		}
		p := pair{f.From.Boundary, f.To.Boundary}
		r := rolls[p]
		if r == nil {
			r = &roll{}
			rolls[p] = r
			order = append(order, p)
		}
		r.n++
		r.flows = append(r.flows, f)
		for _, c := range f.Crossings {
			if c.Mark == nil {
				r.unmarked = append(r.unmarked, f)
				break
			}
		}
		mark(p.from)
		mark(p.to)
	}
	zoneKey := func(b *ir.Boundary) string {
		if b == nil {
			return "z:"
		}
		return "z:" + b.ID
	}
	// A boundary with used children is a cluster around them and its own node.
	isCluster := map[*ir.Boundary]bool{}
	byID := map[string]*ir.Boundary{}
	for _, b := range m.Boundaries {
		byID[b.ID] = b
		for _, ch := range b.Children {
			if used[ch] {
				isCluster[b] = true
			}
		}
	}
	var clusters []*cluster
	for _, c := range boundaryClusters(m, used) {
		if isCluster[byID[c.id]] {
			clusters = append(clusters, c)
		}
	}
	for _, c := range clusters { // parents that are not clusters do not hold them
		if c.parent != "" && !isCluster[byID[strings.TrimPrefix(c.parent, "b:")]] {
			c.parent = ""
		}
	}
	sc.clusters = clusters
	zoneNode := func(b *ir.Boundary) *node {
		n := &node{key: zoneKey(b), shape: shapeBox, class: "tm-node tm-zone"}
		name, trust, what := "Outside every boundary", "", ""
		if b != nil {
			n.id = zonePrefix + b.ID
			name, trust = b.Name, b.Trust
			if name == "" {
				name = b.ID
			}
			n.class += " tm-trust-" + cssWord(trust)
			if isCluster[b] {
				n.cluster = "b:" + b.ID
				what = "its own elements: "
			} else if b.Parent != nil && isCluster[b.Parent] {
				n.cluster = "b:" + b.Parent.ID
			}
		} else {
			n.id = zonePrefix
		}
		n.lines = wrapLines(name, style.FontSize, dfdTextW, true, 2, "tm-bold")
		if trust != "" {
			n.lines = append(n.lines, line{text: "[" + trust + "]", size: style.SmallFontSize, class: "tm-muted"})
		}
		n.lines = append(n.lines, line{text: what + plural(count[b], "element"), size: style.SmallFontSize, class: "tm-muted"})
		tip := "Trust zone " + name
		if b != nil {
			tip = "Trust boundary " + boundaryLabel(b) + " (" + b.ID + ")"
		}
		n.tooltip = fmt.Sprintf("%s · %d elements directly in it", tip, count[b])
		n.size(dfdPadX, dfdPadY, dfdMinW)
		return n
	}
	for _, b := range m.Boundaries { // model order
		if !used[b] {
			continue
		}
		if isCluster[b] && count[b] == 0 && !endpoint(b, order) {
			continue // a pure grouping: its cluster says it all
		}
		sc.nodes = append(sc.nodes, zoneNode(b))
	}
	if hasNone {
		sc.nodes = append(sc.nodes, zoneNode(nil))
	}
	unmarkedAny := false
	for _, p := range order {
		r := rolls[p]
		from, to := zoneKey(p.from), zoneKey(p.to)
		e := &edge{key: from + ">" + to, from: from, to: to, kind: "zone-flows", id: strings.TrimPrefix(from, "z:") + ">" + strings.TrimPrefix(to, "z:"),
			class: "tm-flow tm-crossing tm-zone-flows"}
		text := fmt.Sprintf("%d crossings", r.n)
		if r.n == 1 {
			text = "1 crossing"
		}
		if k := len(r.unmarked); k > 0 {
			unmarkedAny = true
			e.class += " tm-unmarked"
			text += fmt.Sprintf(", %d unmarked", k)
		}
		e.lines = []line{{text: text, size: style.SmallFontSize, class: "tm-small"}}
		// The boundaries drawn as clusters that these flows cross (the same
		// for every flow between two zones), unmarked if any flow leaves
		// one unmarked: the router and the badges read them.
		for i, c := range r.flows[0].Crossings {
			if !isCluster[c.Boundary] {
				continue
			}
			x := crossing{cluster: "b:" + c.Boundary.ID, name: c.Boundary.Name, marked: true}
			if x.name == "" {
				x.name = c.Boundary.ID
			}
			for _, f := range r.flows {
				if i >= len(f.Crossings) || f.Crossings[i].Mark == nil {
					x.marked = false
				}
			}
			if x.marked {
				x.reason = fmt.Sprintf("marked on all %s", plural(r.n, "flow"))
			}
			e.crosses = append(e.crosses, x)
		}
		if k := len(r.unmarked); k > 0 {
			var names []string
			for i, f := range r.unmarked {
				if i == maxNamed {
					break
				}
				names = append(names, style.FlowRef(f))
			}
			flag := "⚠ unmarked: " + strings.Join(names, ", ")
			if k > maxNamed {
				flag += fmt.Sprintf(" and %d more", k-maxNamed)
			}
			e.lines = append(e.lines, wrapLines(flag, style.SmallFontSize, flowTextW, true, 4, "tm-flag tm-small")...)
			where := "all listed by tmc check"
			if b := p.to; b != nil {
				where = "listed in view boundary-" + b.ID
			} else if p.from != nil {
				where = "listed in view boundary-" + p.from.ID
			}
			e.lines = append(e.lines, wrapLines(where, style.SmallFontSize, flowTextW, false, 2, "tm-small tm-muted")...)
		}
		var tip []string
		for i, f := range r.flows {
			if i == 20 {
				tip = append(tip, fmt.Sprintf("and %d more", len(r.flows)-20))
				break
			}
			s := style.FlowRef(f) + ": " + f.From.ID + " -> " + f.To.ID
			if unmarkedFlow(f) {
				s += " (UNMARKED)"
			}
			tip = append(tip, s)
		}
		e.tooltip = text + " · " + strings.Join(tip, " · ")
		sc.edges = append(sc.edges, e)
	}
	sc.legend = []legendItem{{lgC4Box, "Trust zone [trust level]: a boundary, its own elements counted"}}
	if len(sc.clusters) > 0 {
		sc.legend = append(sc.legend, legendItem{lgBoundary, "Boundary holding nested zones"})
	}
	if len(sc.edges) > 0 {
		sc.legend = append(sc.legend, legendItem{lgCrossing, "n crossings: flows from one zone into another, all marked"})
	}
	if unmarkedAny {
		sc.legend = append(sc.legend, legendItem{lgUnmarked, "⚠ k unmarked: crossings no crosses statement names, listed"})
	}
	return sc
}

// unmarkedFlow reports whether a flow has a crossing no crosses statement names.
func unmarkedFlow(f *ir.Flow) bool {
	for _, c := range f.Crossings {
		if c.Mark == nil {
			return true
		}
	}
	return false
}

// A zonePair is a direction between two zones (nil: outside every boundary).
type zonePair struct{ from, to *ir.Boundary }

func endpoint(b *ir.Boundary, pairs []zonePair) bool {
	for _, p := range pairs {
		if p.from == b || p.to == b {
			return true
		}
	}
	return false
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
