package graph

// Edges attached to a cluster.
//
// An edge end may be the key of a cluster instead of a node: a C4 flow to
// or from the container a component view looks into, or a DFD flow to a
// container drawn as a box around its components. Graphviz draws such an
// edge to a node inside the cluster and clips it at the cluster's border
// (lhead, ltail); the router and the checker treat the cluster's box as
// the end, lying in the cluster's parent.

// anchors maps the key of every cluster that is an edge end onto the
// first node (in scene order) inside it. Nil when no edge ends at a
// cluster.
func (sc *scene) anchors() map[string]string {
	isNode := make(map[string]bool, len(sc.nodes))
	for _, n := range sc.nodes {
		isNode[n.key] = true
	}
	want := map[string]bool{}
	for _, e := range sc.edges {
		for _, k := range []string{e.from, e.to} {
			if !isNode[k] {
				want[k] = true
			}
		}
	}
	if len(want) == 0 {
		return nil
	}
	parent := map[string]string{}
	for _, c := range sc.clusters {
		parent[c.key] = c.parent
	}
	out := map[string]string{}
	for _, n := range sc.nodes {
		for c := n.cluster; c != ""; c = parent[c] {
			if want[c] && out[c] == "" {
				out[c] = n.key
			}
		}
	}
	return out
}

// clusterParent is the parent of cluster key k, and whether k is a
// cluster of the scene.
func (sc *scene) clusterParent(k string) (string, bool) {
	for _, c := range sc.clusters {
		if c.key == k {
			return c.parent, true
		}
	}
	return "", false
}
