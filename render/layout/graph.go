// Package layout lays out node-and-edge diagrams (DFD, C4) with Graphviz
// (github.com/goccy/go-graphviz, WebAssembly): the renderers describe a
// graph with node sizes they measured themselves; layout returns where
// everything goes; the renderers draw every shape and label with our own
// SVG writer (render/style). Graphviz never draws anything we ship.
//
// go-graphviz is not safe for concurrent use, leaks memory per render and
// ignores deadlines (docs/architecture.md): every layout is serialised,
// cached by a hash of its input, and run under a time limit.
package layout

// A Graph is the input of a layout. Units are px; y grows downwards.
type Graph struct {
	// Direction is "TB" (top to bottom, default) or "LR".
	Direction string
	Nodes     []Node
	Clusters  []Cluster
	Edges     []Edge
	// NodeSep and RankSep are the minimum gaps in px (0: defaults).
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

// An Edge is a directed connection, with an optional label box placed
// beside it (as an xlabel, so labels do not distort the layout).
type Edge struct {
	ID                      string
	From, To                string
	LabelWidth, LabelHeight float64 // 0: no label
}

// Point is a position in px.
type Point struct{ X, Y float64 }

// Box is a rectangle: its top-left corner and its size.
type Box struct{ X, Y, Width, Height float64 }

// A Result is a finished layout, with y growing downwards and the origin
// at the top-left of the drawing.
type Result struct {
	Width, Height float64
	Nodes         map[string]Box // by node id
	Clusters      map[string]Box // by cluster id
	Edges         map[string]EdgePath
}

// EdgePath is where an edge runs: a cubic Bézier spline as Graphviz
// gives it (start point, then groups of three control points), the point
// of its arrow head, and where its label goes (when it has one).
type EdgePath struct {
	Spline []Point
	Arrow  Point
	Label  Box
}
