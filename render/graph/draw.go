package graph

import (
	"fmt"
	"math"
	"strings"

	"github.com/tmc-dev/tmc/render/layout"
	"github.com/tmc-dev/tmc/render/style"
)

// commonCSS holds the rules both diagram kinds add to style.CSS.
var commonCSS = `.tm .tm-small{font-size:` + style.Num(style.SmallFontSize) + `px}` +
	`.tm .tm-title{font-size:` + style.Num(style.TitleFontSize) + `px;font-weight:bold}` +
	`.tm .tm-deco{fill:none;stroke:var(--tm-node-stroke);stroke-width:1.2}` +
	`.tm .tm-external>.tm-deco{stroke-dasharray:6 3}` +
	`.tm .tm-glyph{fill:none;stroke:var(--tm-node-stroke);stroke-width:1.4}` +
	`.tm .tm-node.tm-external>.tm-shape{fill:var(--tm-external)}` +
	`.tm .tm-label-bg{fill:var(--tm-bg);stroke:none}` +
	`.tm .tm-unmarked>.tm-label-bg{stroke:var(--tm-unmarked);stroke-width:1.5;stroke-dasharray:7 3 2 3}` +
	`.tm text.tm-flag{fill:var(--tm-unmarked);font-weight:bold}` +
	`.tm .tm-cluster-label>text{font-weight:bold;paint-order:stroke;stroke:var(--tm-bg);stroke-width:4px;stroke-linejoin:round}` +
	`.tm .tm-boundary-label>text{fill:var(--tm-boundary-text)}.tm .tm-system-label>text{fill:var(--tm-node-stroke)}` +
	`.tm .tm-legend-sample .tm-boundary-sample{fill:none;stroke:var(--tm-boundary);stroke-width:1.5;stroke-dasharray:8 4}` +
	`.tm .tm-legend-sample .tm-system-sample{fill:none;stroke:var(--tm-node-stroke);stroke-width:1.2;stroke-dasharray:2 3}`

var dfdCSS = commonCSS + badgeCSS + securityCSS

var c4CSS = commonCSS

// draw writes the SVG of a placed scene.
func draw(b *strings.Builder, p *placed, opts style.Options) {
	sc := p.sc
	style.Header(b, p.width, p.height, sc.viewID, sc.title, sc.css, opts)
	y := float64(margin)
	for _, l := range titleLines(sc) {
		style.Text(b, margin, y+baseline(l), "start", l.class, l.text)
		y += l.height()
	}
	b.WriteByte('\n')
	for i, c := range sc.clusters {
		linked := style.OpenGroup(b, sc.viewID, c.kind, c.id, c.class, c.tooltip, opts)
		bx := p.clusters[i]
		fmt.Fprintf(b, `<rect class="tm-shape" x="%s" y="%s" width="%s" height="%s" rx="6" data-key="%s" data-parent="%s"/>`,
			style.Num(bx.X), style.Num(bx.Y), style.Num(bx.Width), style.Num(bx.Height), style.Escape(c.key), style.Escape(c.parent))
		style.CloseGroup(b, linked)
	}
	for i, n := range sc.nodes {
		linked := style.OpenGroup(b, sc.viewID, "element", n.id, n.class, n.tooltip, opts)
		drawShapeAttrs(b, n.shape, p.nodes[i], nodeAttrs(n, p.nodes[i]))
		drawLines(b, n.lines, textArea(p.nodes[i], n.in))
		style.CloseGroup(b, linked)
	}
	for i, e := range sc.edges {
		drawEdge(b, sc.viewID, e, p.edges[i], opts)
	}
	drawBadges(b, p)
	drawMarkers(b, p)
	for i, c := range sc.clusters {
		clusterLabel(b, c, p.clusterLabels[i], opts)
	}
	if len(p.legendItems) > 0 {
		drawLegend(b, p)
	}
	drawCrossTable(b, p)
	style.Footer(b)
}

// baseline is where a line's text sits below the top of its line box.
func baseline(l line) float64 { return (l.height()-l.size)/2 + 0.82*l.size }

func textArea(bx layout.Box, in insets) layout.Box {
	return layout.Box{X: bx.X + in.left, Y: bx.Y + in.top,
		Width: bx.Width - in.left - in.right, Height: bx.Height - in.top - in.bottom}
}

// drawLines centres a block of lines in a box.
func drawLines(b *strings.Builder, ls []line, area layout.Box) {
	_, h := blockSize(ls)
	y := area.Y + (area.Height-h)/2
	cx := area.X + area.Width/2
	for _, l := range ls {
		if l.text != "" {
			style.Text(b, cx, y+baseline(l), "middle", l.class, l.text)
		}
		y += l.height()
	}
}

func n2(x, y float64) string { return style.Num(x) + " " + style.Num(y) }

// clusterLabel writes a cluster's label. Labels come after the edges, with
// a halo of the background colour, so an edge that runs across a label
// (Graphviz does not route around them) never makes it unreadable. The
// label repeats the cluster's link and tooltip; the id stays on the
// cluster's group.
func clusterLabel(b *strings.Builder, c *cluster, label layout.Box, opts style.Options) {
	href := ""
	if opts.Link != nil {
		href = opts.Link(c.kind, c.id)
	}
	if href != "" {
		fmt.Fprintf(b, `<a href="%s" xlink:href="%s">`, style.Escape(href), style.Escape(href))
	}
	class := "tm-cluster-label tm-boundary-label"
	if strings.Contains(c.class, "tm-system-boundary") {
		class = "tm-cluster-label tm-system-label"
	}
	fmt.Fprintf(b, `<g class="%s" data-box="%s"><title>%s</title>`, class, boxAttr(label), style.Escape(c.tooltip))
	style.Text(b, label.X+clusterPadX, label.Y+clusterPadY+baseline(c.label), "start", "", c.label.text)
	b.WriteString("</g>")
	if href != "" {
		b.WriteString("</a>")
	}
	b.WriteByte('\n')
}

// drawShape draws a node's outline (class tm-shape: the CSS fills and
// strokes it by node class) and its decorations.
func drawShape(b *strings.Builder, s shape, bx layout.Box) { drawShapeAttrs(b, s, bx, "") }

// drawShapeAttrs is drawShape with attrs (" name=value...") added to the
// outline, the shape's first element.
func drawShapeAttrs(b *strings.Builder, s shape, bx layout.Box, attrs string) {
	x, y, w, h := bx.X, bx.Y, bx.Width, bx.Height
	rect := func(class string, x, y, w, h, r float64) {
		fmt.Fprintf(b, `<rect class="%s" x="%s" y="%s" width="%s" height="%s"`, class, style.Num(x), style.Num(y), style.Num(w), style.Num(h))
		if r > 0 {
			fmt.Fprintf(b, ` rx="%s"`, style.Num(r))
		}
		b.WriteString(attrs + "/>")
		attrs = ""
	}
	path := func(class, d string) { fmt.Fprintf(b, `<path class="%s" d="%s"%s/>`, class, d, attrs); attrs = "" }
	switch s {
	case shapeProcess:
		rect("tm-shape", x, y, w, h, 10)
	case shapeBox:
		rect("tm-shape", x, y, w, h, 6)
	case shapeStore:
		// Open at the right: top and bottom lines, a closed left end with a
		// narrow compartment (Gane–Sarson). The fill closes the path itself.
		path("tm-shape", "M "+n2(x+w, y)+" H "+style.Num(x)+" V "+style.Num(y+h)+" H "+style.Num(x+w))
		path("tm-deco", "M "+n2(x+8, y)+" V "+style.Num(y+h))
	case shapeQueue:
		rect("tm-shape", x, y, w, h, style.QueueRadius)
		path("tm-deco", style.QueueStripes(x, y, w, h))
	case shapeExternal:
		rect("tm-shape", x, y, w, h, 0)
		rect("tm-deco", x+3, y+3, w-6, h-6, 0)
	case shapePerson:
		rect("tm-shape", x, y, w, h, 0)
		personGlyph(b, x+12, y+h/2, math.Min(1, h/44))
	case shapeCylinder:
		r := cylinderR
		rx := style.Num(w / 2)
		ry := style.Num(float64(r))
		path("tm-shape", "M "+n2(x, y+float64(r))+" A "+rx+" "+ry+" 0 0 1 "+n2(x+w, y+float64(r))+
			" V "+style.Num(y+h-float64(r))+" A "+rx+" "+ry+" 0 0 1 "+n2(x, y+h-float64(r))+" Z")
		path("tm-deco", "M "+n2(x, y+float64(r))+" A "+rx+" "+ry+" 0 0 0 "+n2(x+w, y+float64(r)))
	case shapeC4Person:
		r := math.Min(headR, h/4) // smaller in the legend
		body := y + r*1.5
		if attrs != "" { // the outline is two shapes: mark the whole box on an empty group
			fmt.Fprintf(b, `<g%s/>`, attrs)
			attrs = ""
		}
		rect("tm-shape", x, body, w, y+h-body, math.Min(14, (y+h-body)/2))
		fmt.Fprintf(b, `<circle class="tm-shape" cx="%s" cy="%s" r="%s"/>`, style.Num(x+w/2), style.Num(y+r), style.Num(r))
	}
}

// personGlyph draws a small person (head and shoulders) centred at cx, cy.
func personGlyph(b *strings.Builder, cx, cy, k float64) {
	hr := 4.5 * k
	top := cy - 11*k
	fmt.Fprintf(b, `<circle class="tm-glyph" cx="%s" cy="%s" r="%s"/>`, style.Num(cx), style.Num(top+hr), style.Num(hr))
	sy := top + 2*hr + 2*k // shoulders start
	fmt.Fprintf(b, `<path class="tm-glyph" d="M %s C %s %s %s"/>`,
		n2(cx-8*k, cy+11*k), n2(cx-8*k, sy), n2(cx+8*k, sy), n2(cx+8*k, cy+11*k))
}

func drawEdge(b *strings.Builder, viewID string, e *edge, ep layout.EdgePath, opts style.Options) {
	var o style.Options
	if e.link {
		o = opts
	}
	linked := style.OpenGroup(b, viewID, e.kind, e.id, e.class, e.tooltip, o)
	var d strings.Builder
	d.WriteString("M " + n2(ep.Spline[0].X, ep.Spline[0].Y))
	for i := 1; i+2 < len(ep.Spline); i += 3 {
		d.WriteString(" C " + n2(ep.Spline[i].X, ep.Spline[i].Y) + " " + n2(ep.Spline[i+1].X, ep.Spline[i+1].Y) + " " + n2(ep.Spline[i+2].X, ep.Spline[i+2].Y))
	}
	fmt.Fprintf(b, `<path d="%s"%s/>`, d.String(), pathAttrs(e))
	big := strings.Contains(e.class, "tm-crossing")
	arrowHead(b, ep, big)
	if len(e.lines) > 0 {
		lb := ep.Label
		fmt.Fprintf(b, `<rect class="tm-label-bg" x="%s" y="%s" width="%s" height="%s" rx="3"/>`,
			style.Num(lb.X), style.Num(lb.Y), style.Num(lb.Width), style.Num(lb.Height))
		drawLines(b, e.lines, layout.Box{X: lb.X + labelPadX, Y: lb.Y + labelPadY, Width: lb.Width - 2*labelPadX, Height: lb.Height - 2*labelPadY})
	}
	style.CloseGroup(b, linked)
}

// arrowHead draws the arrow at the end of an edge, its tip on the end of
// the path, pointing along the path's last piece.
func arrowHead(b *strings.Builder, ep layout.EdgePath, big bool) {
	n := len(ep.Spline)
	tip := ep.Spline[n-1]
	from := tip
	for i := n - 2; i >= 0 && dist(from, tip) < 0.5; i-- {
		from = ep.Spline[i]
	}
	dl := dist(from, tip)
	if dl == 0 {
		return
	}
	length, half := 10.0, 4.5
	if big {
		length, half = 12, 5.5
	}
	ux, uy := (tip.X-from.X)/dl, (tip.Y-from.Y)/dl
	bx, by := tip.X-ux*length, tip.Y-uy*length
	fmt.Fprintf(b, `<polygon class="tm-arrow" points="%s,%s %s,%s %s,%s"/>`,
		style.Num(tip.X), style.Num(tip.Y),
		style.Num(bx-uy*half), style.Num(by+ux*half),
		style.Num(bx+uy*half), style.Num(by-ux*half))
}

func dist(a, b layout.Point) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }

// boxAttr is a box as the value of a data-box attribute: "x y width
// height".
func boxAttr(bx layout.Box) string {
	return style.Num(bx.X) + " " + style.Num(bx.Y) + " " + style.Num(bx.Width) + " " + style.Num(bx.Height)
}

// nodeAttrs are the data attributes of a node's outline, for tools and
// the geometric tests: its layout id, its cluster and its box.
func nodeAttrs(n *node, bx layout.Box) string {
	return fmt.Sprintf(` data-key="%s" data-in="%s" data-box="%s"`, style.Escape(n.key), style.Escape(n.cluster), boxAttr(bx))
}

// pathAttrs are the data attributes of an edge's path: the layout ids of
// its ends and of the clusters its flow crosses.
func pathAttrs(e *edge) string {
	var cs []string
	for _, c := range e.crosses {
		cs = append(cs, c.cluster)
	}
	return fmt.Sprintf(` data-from="%s" data-to="%s" data-crosses="%s"`, style.Escape(e.from), style.Escape(e.to), style.Escape(strings.Join(cs, " ")))
}
