// Package layout lays out node-and-edge diagrams (DFD, C4) with Graphviz
// (github.com/goccy/go-graphviz, WebAssembly): the renderers describe a
// graph with node sizes they measured themselves; layout returns where
// everything goes; the renderers draw every shape and label with our own
// SVG writer (render/style). Graphviz never draws anything we ship.
//
// go-graphviz is not safe for concurrent use, leaks memory per render and
// ignores deadlines (docs/architecture.md): every layout is serialised,
// cached by a hash of its input, and run under a time limit. Small graphs
// are laid out in process; large ones (and all of them once a process has
// done DefaultMaxInProcess layouts) in a child process, the current
// executable started again, which is killed at the limit (worker.go).
// Any binary that links this package can serve as that worker: the
// package's init answers before main runs.
//
// Coordinates in a Result: px, origin at the top-left of the drawing, y
// down. Graphviz works in points with y up; a px given here is one point
// there (sizes go to Graphviz in inches, px/72, rounded up to whole px).
package layout

// A Graph is the input of a layout. Units are px; y grows downwards.
type Graph struct {
	// Direction is "TB" (top to bottom, default) or "LR".
	Direction string
	Nodes     []Node
	Clusters  []Cluster
	Edges     []Edge
	// NodeSep and RankSep are the minimum gaps in px (0: DefaultNodeSep,
	// DefaultRankSep). The rank gap grows to fit most edge labels.
	NodeSep, RankSep float64
}

// A Node is a box of a fixed size the renderer measured.
type Node struct {
	ID            string
	Width, Height float64
	Cluster       string // the innermost cluster holding the node, or ""
}

// A Cluster is a box drawn around nodes and nested clusters, with room for
// a label at its top.
type Cluster struct {
	ID          string
	Parent      string  // the enclosing cluster, or ""
	LabelWidth  float64 // px reserved at the top for the label
	LabelHeight float64
}

// An Edge is a directed connection from one node to another (or the same),
// with an optional label box placed beside it after the layout, so labels
// do not distort it (see EdgePath).
//
// FromCluster and ToCluster attach an end to a cluster's box instead of
// its node (Graphviz's ltail and lhead): the node must lie inside that
// cluster and the other end outside it; the path then stops at the
// cluster's border.
type Edge struct {
	ID                      string
	From, To                string
	FromCluster, ToCluster  string  // "" : the end is the node itself
	LabelWidth, LabelHeight float64 // 0: no label
}

// Point is a position in px.
type Point struct{ X, Y float64 }

// Box is a rectangle: its top-left corner and its size.
type Box struct{ X, Y, Width, Height float64 }

// A Result is a finished layout, with y growing downwards and the origin
// at the top-left of the drawing. Width and Height include a border of
// Margin px on every side. Run returns a fresh copy each time: the caller
// may keep or change it.
type Result struct {
	Width, Height float64
	Nodes         map[string]Box // by node id; the size asked for, centred where Graphviz put the node
	Clusters      map[string]Box // by cluster id
	// ClusterLabels is where each cluster's label goes (clusters with a
	// label size only): the size asked for, at the top-left inside the
	// cluster box (Graphviz puts it 8 px from the left and 4 px from the
	// top edge); no node, nested cluster or edge label enters it, but an
	// edge entering the cluster may cross it (draw the label on an opaque
	// background, or draw edges first).
	ClusterLabels map[string]Box
	Edges         map[string]EdgePath
}

// EdgePath is where an edge runs: a cubic Bézier spline as Graphviz
// gives it (start point, then groups of three control points), the point
// of its arrow head, and where its label goes (when it has one).
//
// The spline starts on the border of the From node and stops short of the
// To node: Graphviz leaves room for a 10 px arrow head. Arrow is the tip,
// on the border of the To node; draw the head from the spline's last point
// to Arrow (its length is the distance between them, about 10 px). Label is
// the size asked for (zero Box when the edge has no label), placed by this
// package after Graphviz's layout: beside the middle of the edge when
// there is room, else further along it or on it (so draw labels on an
// opaque background). Labels avoid nodes, cluster label areas and each
// other; they may cross other edges, and when a view is too crowded to
// have room anywhere near, they overlap the least they can.
type EdgePath struct {
	Spline []Point
	Arrow  Point
	Label  Box
}
