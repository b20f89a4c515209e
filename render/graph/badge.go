package graph

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/tmc-dev/tmc/render/layout"
	"github.com/tmc-dev/tmc/render/style"
)

// Badges: every cut of a boundary line by a crossing flow carries one, so
// a reviewer sees on the picture (and in a PNG export, where tooltips are
// lost) where a flow crosses and whether that crossing is marked. A
// marked crossing is a small disc with a check mark; an unmarked one is
// a red tag with "!" and the boundary's name, so it does not depend on
// colour alone. In a DFD both show the crossing's number, its row in the
// crossing table beside the diagram (security.go).

const (
	badgeNumR = 7  // half the height of a numbered marked badge
	badgeFont = 10 // its number's size
	badgeR    = 6  // radius of a marked badge without a number (zone summaries)
	badgePadX = 4  // unmarked tag: room left and right of its text
	badgeH    = 15
)

// A badge is one cut of a cluster border by an edge's path.
type badge struct {
	at    pt
	c     crossing
	edge  int // index of the edge
	flow  string
	label string // an unmarked tag's text
}

// badges finds where each edge's path cuts the border of each cluster
// its flow crosses. Unmarked tags are set beside the cut when the path
// runs along it.
func badges(p *placed) []badge {
	idx := map[string]int{}
	for i, c := range p.sc.clusters {
		idx[c.key] = i
	}
	var out []badge
	for i, e := range p.sc.edges {
		if len(e.crosses) == 0 {
			continue
		}
		path := flatten(p.edges[i].Spline)
		for _, c := range e.crosses {
			ci, ok := idx[c.cluster]
			if !ok {
				continue
			}
			q, found := cut(path, p.clusters[ci])
			if !found {
				continue
			}
			bd := badge{at: q, c: c, edge: i, flow: e.id}
			if !c.marked {
				bd.label = "! " + c.name
				if c.num > 0 {
					bd.label = "!" + strconv.Itoa(c.num) + " " + c.name
				}
			}
			out = append(out, bd)
		}
	}
	spread(p, out, idx)
	return out
}

// badgeBox is the box a badge covers.
func badgeBox(bd badge) layout.Box {
	x, y := bd.at.X, bd.at.Y
	switch {
	case !bd.c.marked:
		w := style.Measure(bd.label, style.SmallFontSize, true) + 2*badgePadX
		return layout.Box{X: x - w/2, Y: y - badgeH/2, Width: w, Height: badgeH}
	case bd.c.num > 0:
		w := style.Measure(strconv.Itoa(bd.c.num), badgeFont, true) + 4
		if w < 2*badgeNumR {
			w = 2 * badgeNumR
		}
		return layout.Box{X: x - w/2, Y: y - badgeNumR, Width: w, Height: 2 * badgeNumR}
	}
	return layout.Box{X: x - badgeR, Y: y - badgeR, Width: 2 * badgeR, Height: 2 * badgeR}
}

// spread slides a badge that would cover an earlier one along the border
// it sits on, a step at a time on either side, so that every number
// stays readable where several flows cut a border close together (at a
// node on the border, typically). A badge that finds no free place
// within a few steps stays at its cut.
func spread(p *placed, bs []badge, idx map[string]int) {
	for i := range bs {
		free := func(bd badge) bool {
			b := badgeBox(bd)
			b.X, b.Y, b.Width, b.Height = b.X-1, b.Y-1, b.Width+2, b.Height+2
			for j := 0; j < i; j++ {
				if boxesOverlap(b, badgeBox(bs[j])) {
					return false
				}
			}
			return true
		}
		if free(bs[i]) {
			continue
		}
		cb := p.clusters[idx[bs[i].c.cluster]]
		at := bs[i].at
		// The side of the cluster box the cut is on: slide along it.
		vertical := math.Min(math.Abs(at.X-cb.X), math.Abs(at.X-cb.X-cb.Width)) <
			math.Min(math.Abs(at.Y-cb.Y), math.Abs(at.Y-cb.Y-cb.Height))
		step := 2*badgeNumR + 2.0
		if !vertical {
			step = badgeBox(bs[i]).Width + 2
		}
		for k := 1; k <= 12; k++ {
			d := step * float64((k+1)/2)
			if k%2 == 0 {
				d = -d
			}
			q := at
			if vertical {
				q.Y += d
				if q.Y < cb.Y+badgeNumR || q.Y > cb.Y+cb.Height-badgeNumR {
					continue
				}
			} else {
				q.X += d
				if q.X < cb.X || q.X > cb.X+cb.Width {
					continue
				}
			}
			moved := bs[i]
			moved.at = pt{X: round2(q.X), Y: round2(q.Y)}
			if free(moved) {
				bs[i] = moved
				break
			}
		}
	}
}

// cut is the first point where a polyline crosses the border of b.
func cut(path []pt, b layout.Box) (pt, bool) {
	for k := 1; k < len(path); k++ {
		p0, p1 := path[k-1], path[k]
		in0, in1 := insideBox(p0, b, 0), insideBox(p1, b, 0)
		if in0 == in1 {
			if in0 || !segHitsBox(p0, p1, b, 0) {
				continue
			}
			// Both ends outside: find a point inside by sampling.
			found := false
			for s := 1; s < 64; s++ {
				if q := lerp(p0, p1, float64(s)/64); insideBox(q, b, 0) {
					p1, in1, found = q, true, true
					break
				}
			}
			if !found {
				continue
			}
		}
		lo, hi := p0, p1 // lo has in0's side, hi the other
		for it := 0; it < 40; it++ {
			m := lerp(lo, hi, 0.5)
			if insideBox(m, b, 0) == in0 {
				lo = m
			} else {
				hi = m
			}
		}
		return pt{X: round2(lerp(lo, hi, 0.5).X), Y: round2(lerp(lo, hi, 0.5).Y)}, true
	}
	return pt{}, false
}

func round2(v float64) float64 {
	if v < 0 {
		return -float64(int64(-v*100+0.5)) / 100
	}
	return float64(int64(v*100+0.5)) / 100
}

// badgeCSS styles the badges.
const badgeCSS = `.tm .tm-badge-marked>circle{fill:var(--tm-crossing);stroke:var(--tm-bg);stroke-width:1.5}` +
	`.tm .tm-badge-marked>rect{fill:var(--tm-crossing);stroke:var(--tm-bg);stroke-width:1.5}` +
	`.tm .tm-badge-marked>text{fill:var(--tm-bg);font-weight:bold}` +
	`.tm .tm-badge-marked>path{fill:none;stroke:var(--tm-bg);stroke-width:1.8;stroke-linecap:round;stroke-linejoin:round}` +
	`.tm .tm-badge-unmarked>rect{fill:var(--tm-unmarked);stroke:var(--tm-bg);stroke-width:1.5}` +
	`.tm .tm-badge-unmarked>text{fill:var(--tm-bg);font-weight:bold}`

// drawBadges draws the badges of a placed scene, above every edge.
func drawBadges(b *strings.Builder, p *placed) {
	if len(p.badges) == 0 {
		return
	}
	b.WriteString(`<g class="tm-badges">`)
	for _, bd := range p.badges {
		x, y := bd.at.X, bd.at.Y
		if bd.c.marked {
			fmt.Fprintf(b, `<g class="tm-badge tm-badge-marked" data-flow="%s" data-boundary="%s"><title>%s</title>`,
				style.Escape(bd.flow), style.Escape(bd.c.cluster), style.Escape("crosses "+bd.c.name+" (marked): "+bd.c.reason))
			if bd.c.num > 0 { // its row in the crossing table
				num := strconv.Itoa(bd.c.num)
				w := style.Measure(num, badgeFont, true) + 4
				if w < 2*badgeNumR {
					w = 2 * badgeNumR
				}
				fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%d" rx="%d"/>`,
					style.Num(x-w/2), style.Num(y-badgeNumR), style.Num(w), 2*badgeNumR, badgeNumR)
				fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" style="font-size:%spx">%s</text>`,
					style.Num(x), style.Num(y+0.35*badgeFont), style.Num(badgeFont), num)
				b.WriteString("</g>")
				continue
			}
			fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="%d"/>`, style.Num(x), style.Num(y), badgeR)
			fmt.Fprintf(b, `<path d="M %s L %s L %s"/>`, n2(x-3, y), n2(x-0.8, y+2.4), n2(x+3.2, y-2.6))
			b.WriteString("</g>")
			continue
		}
		w := style.Measure(bd.label, style.SmallFontSize, true) + 2*badgePadX
		fmt.Fprintf(b, `<g class="tm-badge tm-badge-unmarked" data-flow="%s" data-boundary="%s"><title>%s</title>`,
			style.Escape(bd.flow), style.Escape(bd.c.cluster), style.Escape("crosses "+bd.c.name+": UNMARKED"))
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%d" rx="3"/>`, style.Num(x-w/2), style.Num(y-badgeH/2), style.Num(w), badgeH)
		style.Text(b, x, y+0.35*style.SmallFontSize+0.5, "middle", "tm-small", bd.label)
		b.WriteString("</g>")
	}
	b.WriteString("</g>\n")
}
