package graph

import (
	"fmt"
	"strings"

	"github.com/tmc-dev/tmc/render/layout"
	"github.com/tmc-dev/tmc/render/style"
)

// legendKind is what a legend entry shows.
type legendKind int

const (
	lgProcess legendKind = iota
	lgStore
	lgQueue
	lgExternal
	lgPerson
	lgBoundary
	lgFlow
	lgCrossing
	lgUnmarked
	lgC4Person
	lgC4Box
	lgC4Store
	lgC4External
	lgSystemBoundary
	lgRelationship
	lgTint     // zone tints by trust (security.go)
	lgMarker   // open findings and threats on an element
	lgData     // line weight by data classification
	lgSecurity // enc / clear, auth: in flow labels
)

// A legendItem is one entry of a legend: a sample and what it means.
type legendItem struct {
	kind legendKind
	text string
}

var c4Legend = []legendItem{
	{lgC4Person, "Person"},
	{lgC4Box, "Software system, container, component"},
	{lgC4Store, "Database, cache, bucket"},
	{lgQueue, "Queue"},
	{lgC4External, "External"},
	{lgSystemBoundary, "Boundary of the system or container shown"},
	{lgRelationship, "Relationship [protocols]"},
}

func drawLegend(b *strings.Builder, p *placed) {
	lb := p.legend
	b.WriteString(`<g class="tm-legend">`)
	fmt.Fprintf(b, `<rect class="tm-shape" x="%s" y="%s" width="%s" height="%s" rx="4"/>`,
		style.Num(lb.X), style.Num(lb.Y), style.Num(lb.Width), style.Num(lb.Height))
	head := line{text: "Legend", size: style.SmallFontSize, bold: true}
	style.Text(b, lb.X+legendPad, lb.Y+legendPad+baseline(head), "start", "tm-small tm-bold", head.text)
	for _, it := range p.legendItems {
		drawSample(b, it.kind, it.sample)
		l := line{text: it.text, size: style.SmallFontSize}
		style.Text(b, it.textX, it.sample.Y+(it.sample.Height-l.height())/2+baseline(l), "start", "tm-small", it.text)
	}
	b.WriteString("</g>\n")
}

// drawSample draws a legend sample with the same shapes and classes as the
// diagram, so the legend always matches.
func drawSample(b *strings.Builder, k legendKind, bx layout.Box) {
	node := func(class string, s shape) {
		fmt.Fprintf(b, `<g class="tm-legend-sample %s">`, class)
		drawShape(b, s, bx)
		b.WriteString("</g>")
	}
	flow := func(class string, flag bool) {
		fmt.Fprintf(b, `<g class="tm-legend-sample %s">`, class)
		y := bx.Y + bx.Height/2
		ep := layout.EdgePath{Spline: []layout.Point{{X: bx.X, Y: y}, {X: bx.X + 10, Y: y}, {X: bx.X + 20, Y: y}, {X: bx.X + bx.Width, Y: y}}}
		fmt.Fprintf(b, `<path d="M %s H %s"/>`, n2(ep.Spline[0].X, y), style.Num(ep.Spline[3].X))
		arrowHead(b, ep, class != "tm-flow")
		if flag { // the label box of an unmarked flow, with its warning sign
			cx := bx.X + bx.Width/2 - 4
			fmt.Fprintf(b, `<rect class="tm-label-bg" x="%s" y="%s" width="16" height="16" rx="3"/>`, style.Num(cx-8), style.Num(y-8))
			style.Text(b, cx, y+4, "middle", "tm-flag tm-small", "⚠")
		}
		b.WriteString("</g>")
	}
	switch k {
	case lgProcess:
		node("tm-node tm-process", shapeProcess)
	case lgStore:
		node("tm-node tm-store", shapeStore)
	case lgQueue:
		node("tm-node tm-queue", shapeQueue)
	case lgExternal:
		node("tm-node tm-external", shapeExternal)
	case lgPerson:
		node("tm-node tm-person", shapePerson)
	case lgC4Person:
		node("tm-node tm-person", shapeC4Person)
	case lgC4Box:
		node("tm-node", shapeBox)
	case lgC4Store:
		node("tm-node tm-store", shapeCylinder)
	case lgC4External:
		node("tm-node tm-external", shapeBox)
	case lgBoundary, lgSystemBoundary:
		class := "tm-boundary-sample"
		if k == lgSystemBoundary {
			class = "tm-system-sample"
		}
		fmt.Fprintf(b, `<g class="tm-legend-sample"><rect class="%s" x="%s" y="%s" width="%s" height="%s" rx="4"/></g>`,
			class, style.Num(bx.X+1), style.Num(bx.Y+1), style.Num(bx.Width-2), style.Num(bx.Height-2))
	case lgFlow, lgRelationship:
		flow("tm-flow", false)
	case lgCrossing:
		flow("tm-flow tm-crossing", false)
	case lgUnmarked:
		flow("tm-flow tm-crossing tm-unmarked", true)
	default:
		drawSecuritySample(b, k, bx)
	}
}
