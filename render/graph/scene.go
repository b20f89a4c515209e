package graph

import (
	"github.com/tmc-dev/tmc/render/layout"
	"github.com/tmc-dev/tmc/render/style"
)

// A scene is a diagram before layout: what to draw, measured, in model
// order.
type scene struct {
	viewID   string
	title    string // the view's name
	subtitle string // what kind of diagram, of which model
	dir      string // layout direction, "TB" or "LR"
	nodes    []*node
	clusters []*cluster // parents before children
	edges    []*edge
	legend   []legendItem
	css      string // rules only this kind of diagram needs
	nodeSep  float64
	rankSep  float64

	// autoLegend: the legend is made from what the scene draws
	// (dfdLegendFor), followed by legend's items.
	autoLegend bool
}

// shape is how a node is drawn.
type shape int

const (
	shapeProcess  shape = iota // DFD process: rounded rectangle
	shapeStore                 // DFD data store: open-ended rectangle
	shapeQueue                 // queue: rectangle with stripes at its right end
	shapeExternal              // DFD external entity: double-bordered rectangle
	shapePerson                // DFD person: rectangle with a person glyph
	shapeBox                   // C4 box: rounded rectangle
	shapeCylinder              // C4 store: cylinder
	shapeC4Person              // C4 person: head above a rounded body
)

// A line is one line of text, with how it is set.
type line struct {
	text  string
	size  float64
	bold  bool
	class string // CSS classes of the <text>, "" for plain
}

func (l line) width() float64  { return style.Measure(l.text, l.size, l.bold) }
func (l line) height() float64 { return l.size * style.LineHeight }

// lines measures a block of lines.
func blockSize(ls []line) (w, h float64) {
	for _, l := range ls {
		if x := l.width(); x > w {
			w = x
		}
		h += l.height()
	}
	return w, h
}

// insets are the room a shape takes on each side of its text area.
type insets struct{ top, right, bottom, left float64 }

// A node is one drawn element.
type node struct {
	key     string // layout id
	id      string // model id (data-id, links)
	shape   shape
	class   string
	lines   []line
	w, h    float64
	in      insets // text area = box minus insets
	cluster string // layout id of the innermost cluster, or ""
	tooltip string
	marker  *marker // open findings and threats, or nil
}

// size sets the node's box from its lines: the text block, padding, the
// shape's insets, and a minimum width.
func (n *node) size(padX, padY, minW float64) {
	tw, th := blockSize(n.lines)
	n.w = tw + 2*padX + n.in.left + n.in.right
	if n.w < minW {
		n.w = minW
	}
	n.h = th + 2*padY + n.in.top + n.in.bottom
}

// A cluster is a box around nodes: a trust boundary, or in C4 the system
// or container a view looks into.
type cluster struct {
	key, parent string // layout ids
	kind, id    string // for ids and links: "boundary" or "element", and the model id
	class       string
	label       line
	tooltip     string
	marker      *marker // a container's open findings and threats, or nil
}

const (
	clusterPadX = 8  // label inset from the cluster's left edge
	clusterPadY = 5  // room above and below the label
	labelPadX   = 4  // edge label: room left and right of the text
	labelPadY   = 2  // edge label: room above and below the text
	margin      = 16 // around the drawing
)

func (c *cluster) labelSize() (w, h float64) {
	return c.label.width() + 2*clusterPadX, c.label.height() + 2*clusterPadY
}

// An edge is one drawn relationship: a flow, or in C4 the flows between
// two nodes rolled into one.
type edge struct {
	key      string // layout id
	from, to string // node layout ids
	kind, id string // "flow" and the model id (data-id)
	link     bool   // whether opts.Link is asked for a URL
	class    string
	lines    []line // the label
	tooltip  string
	// crosses are the clusters the edge's flow crosses, as the compiler
	// says (a DFD flow's crossings, in order); nil in C4 views.
	crosses []crossing
}

// A crossing is one boundary a flow leaves or enters: its cluster's
// layout id, its name for the badge, and whether a crosses statement
// marks it.
type crossing struct {
	cluster string
	name    string
	reason  string // the mark's reason; "" when unmarked
	marked  bool
	flow    string // the flow's reference, for the crossing table; "" in a zone summary
	num     int    // its row in the crossing table, 0 for none
}

func (e *edge) labelSize() (w, h float64) {
	if len(e.lines) == 0 {
		return 0, 0
	}
	w, h = blockSize(e.lines)
	return w + 2*labelPadX, h + 2*labelPadY
}

// graph is the layout input of the scene.
//
// A labelled edge is laid out as two edges through a node of its label's
// size (the label node), placed in the innermost cluster holding both
// ends. Graphviz then keeps labels clear of nodes, clusters and each other,
// which its xlabels do not guarantee; the label sits on its edge, halfway.
//
// Graphviz ranks a graph after reversing edges to break cycles; a label
// node whose two edges it reversed differently would be ranked outside its
// ends, and the edge would go there and back. So the scene breaks cycles
// itself (back edges of a depth-first search, in scene order) and declares
// the two halves of a back edge reversed (see orient); the drawing turns
// them round again.
//
// Label nodes make Graphviz's work grow fast (a 190-node DFD with 400
// labelled flows: 20 s instead of 3 s), so a large scene falls back to
// xlabels, which Graphviz places beside the edges as best it can.
func (sc *scene) graph() *layout.Graph {
	g := &layout.Graph{Direction: sc.dir, NodeSep: sc.nodeSep, RankSep: sc.rankSep}
	parent := map[string]string{}
	for _, c := range sc.clusters {
		w, h := c.labelSize()
		g.Clusters = append(g.Clusters, layout.Cluster{ID: c.key, Parent: c.parent, LabelWidth: w, LabelHeight: h})
		parent[c.key] = c.parent
	}
	in := map[string]string{}
	for _, n := range sc.nodes {
		g.Nodes = append(g.Nodes, layout.Node{ID: n.key, Width: n.w, Height: n.h, Cluster: n.cluster})
		in[n.key] = n.cluster
	}
	// An end at a cluster is laid out at a node inside it, clipped at the
	// cluster's border (compound.go); it lies in the cluster's parent.
	anchor := sc.anchors()
	for k := range anchor {
		in[k] = parent[k]
	}
	end := func(k string) (node, cl string) {
		if a, ok := anchor[k]; ok {
			return a, k
		}
		return k, ""
	}
	back := sc.backEdges()
	labelNodes := sc.labelNodes()
	for i, e := range sc.edges {
		from, fromCl := end(e.from)
		to, toCl := end(e.to)
		w, h := e.labelSize()
		if w == 0 || !labelNodes {
			g.Edges = append(g.Edges, layout.Edge{ID: e.key, From: from, To: to, FromCluster: fromCl, ToCluster: toCl, LabelWidth: w, LabelHeight: h})
			continue
		}
		l := labelKey(e)
		g.Nodes = append(g.Nodes, layout.Node{ID: l, Width: w, Height: h, Cluster: commonCluster(in[e.from], in[e.to], parent)})
		o := orient(e, back[i])
		h1 := layout.Edge{ID: e.key + "#1", From: from, To: l, FromCluster: fromCl}
		h2 := layout.Edge{ID: e.key + "#2", From: l, To: to, ToCluster: toCl}
		if o.rev1 {
			h1.From, h1.To, h1.FromCluster, h1.ToCluster = h1.To, h1.From, h1.ToCluster, h1.FromCluster
		}
		if o.rev2 {
			h2.From, h2.To, h2.FromCluster, h2.ToCluster = h2.To, h2.From, h2.ToCluster, h2.FromCluster
		}
		g.Edges = append(g.Edges, h1, h2)
	}
	return g
}

// halves says which halves of a labelled edge are declared reversed:
// the first runs from the label node to the edge's start, the second from
// the edge's end to the label node.
type halves struct{ rev1, rev2 bool }

func orient(e *edge, back bool) halves {
	switch {
	case e.from == e.to: // a loop: both halves leave the node
		return halves{false, true}
	case back:
		return halves{true, true}
	}
	return halves{}
}

// backEdges marks the edges a depth-first search from every node, in scene
// order, finds going back to a node on its stack. Reversing them leaves
// no cycle. Loops are not marked (orient handles them).
func (sc *scene) backEdges() []bool {
	idx := map[string]int{}
	for i, n := range sc.nodes {
		idx[n.key] = i
	}
	for k, a := range sc.anchors() { // an end at a cluster: its anchor node
		idx[k] = idx[a]
	}
	out := make([][]int, len(sc.nodes)) // edge indexes by start node
	for i, e := range sc.edges {
		if e.from != e.to {
			out[idx[e.from]] = append(out[idx[e.from]], i)
		}
	}
	back := make([]bool, len(sc.edges))
	const (
		unseen = iota
		onStack
		done
	)
	state := make([]int, len(sc.nodes))
	type frame struct{ n, next int }
	for root := range sc.nodes {
		if state[root] != unseen {
			continue
		}
		stack := []frame{{root, 0}}
		state[root] = onStack
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.next == len(out[f.n]) {
				state[f.n] = done
				stack = stack[:len(stack)-1]
				continue
			}
			ei := out[f.n][f.next]
			f.next++
			to := idx[sc.edges[ei].to]
			switch state[to] {
			case onStack:
				back[ei] = true
			case unseen:
				state[to] = onStack
				stack = append(stack, frame{to, 0})
			}
		}
	}
	return back
}

// Scenes with more labelled edges than maxLabelNodes, or more nodes and
// labels together than maxLayoutNodes, place labels as xlabels.
const (
	maxLabelNodes  = 200
	maxLayoutNodes = 350
)

// labelNodes reports whether the scene's labels are laid out as nodes.
func (sc *scene) labelNodes() bool {
	n := 0
	for _, e := range sc.edges {
		if len(e.lines) > 0 {
			n++
		}
	}
	return n <= maxLabelNodes && len(sc.nodes)+n <= maxLayoutNodes
}

func labelKey(e *edge) string { return "l:" + e.key }

// commonCluster is the innermost cluster that holds both a and b ("" for
// the root).
func commonCluster(a, b string, parent map[string]string) string {
	up := map[string]bool{}
	for c := a; c != ""; c = parent[c] {
		up[c] = true
	}
	for c := b; c != ""; c = parent[c] {
		if up[c] {
			return c
		}
	}
	return ""
}
