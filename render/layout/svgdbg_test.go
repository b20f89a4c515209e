package layout

import (
	"fmt"
	"os"
	"strings"
)

// writeDebugSVG draws a layout's boxes and splines, to look at it.
func writeDebugSVG(path string, g *Graph, r *Result) {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f"><rect width="100%%" height="100%%" fill="white"/>`, r.Width, r.Height)
	for _, c := range g.Clusters {
		x := r.Clusters[c.ID]
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#a60" stroke-dasharray="4"/>`, x.X, x.Y, x.Width, x.Height)
		if l, ok := r.ClusterLabels[c.ID]; ok {
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#fc8" opacity="0.6"/>`, l.X, l.Y, l.Width, l.Height)
		}
	}
	for _, n := range g.Nodes {
		x := r.Nodes[n.ID]
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#def" stroke="#25a"/>`, x.X, x.Y, x.Width, x.Height)
	}
	for _, e := range g.Edges {
		p := r.Edges[e.ID]
		fmt.Fprintf(&b, `<path d="M%.1f,%.1f C`, p.Spline[0].X, p.Spline[0].Y)
		for _, pt := range p.Spline[1:] {
			fmt.Fprintf(&b, " %.1f,%.1f", pt.X, pt.Y)
		}
		last := p.Spline[len(p.Spline)-1]
		fmt.Fprintf(&b, `" fill="none" stroke="#333"/><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#c00" stroke-width="4"/>`, last.X, last.Y, p.Arrow.X, p.Arrow.Y)
		if hasLabel(e.LabelWidth, e.LabelHeight) {
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#f44" opacity="0.35"/>`, p.Label.X, p.Label.Y, p.Label.Width, p.Label.Height)
		}
	}
	b.WriteString("</svg>")
	os.WriteFile(path, []byte(b.String()), 0o644)
}
