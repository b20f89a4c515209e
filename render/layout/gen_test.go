package layout

import (
	"fmt"
	"math/rand/v2"
)

// genGraph makes a deterministic graph that looks like a DFD: nodes of
// element-like sizes spread over clusters (nested when nested is true),
// edges mostly between near neighbours, every edge labelled when labels
// is true.
func genGraph(nodes, edges, clusters int, nested, labels bool) *Graph {
	r := rand.New(rand.NewPCG(1, 2))
	g := &Graph{}
	for i := range clusters {
		c := Cluster{ID: fmt.Sprintf("boundary %d", i), LabelWidth: 90 + float64(r.IntN(80)), LabelHeight: 18}
		if nested && i > 0 {
			c.Parent = g.Clusters[r.IntN(i)].ID
		}
		g.Clusters = append(g.Clusters, c)
	}
	for i := range nodes {
		n := Node{ID: fmt.Sprintf("element.%d", i), Width: 110 + float64(r.IntN(60)), Height: 48 + float64(r.IntN(3))*12}
		if clusters > 0 && i%5 != 0 {
			n.Cluster = g.Clusters[(i*clusters/nodes+r.IntN(2))%clusters].ID
		}
		g.Nodes = append(g.Nodes, n)
	}
	for i := range edges {
		from := r.IntN(nodes)
		to := (from + 1 + r.IntN(7)) % nodes
		if r.IntN(4) == 0 {
			to = r.IntN(nodes)
		}
		e := Edge{ID: fmt.Sprintf("flow-%d", i), From: g.Nodes[from].ID, To: g.Nodes[to].ID}
		if labels {
			e.LabelWidth, e.LabelHeight = 60+float64(r.IntN(70)), 15
		}
		g.Edges = append(g.Edges, e)
	}
	return g
}
