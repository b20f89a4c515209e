// Package style is the one visual language of every tmc diagram: the
// font and its metrics, the palette (light and dark), the CSS classes, and
// the helpers that make ids, escape text and write SVG elements. The DFD,
// C4 and sequence renderers all draw through it, so the three kinds look
// like one product.
package style

import (
	"fmt"
	"strings"
)

// Font sizes in px.
const (
	FontSize      = 13.0 // element names, message labels
	SmallFontSize = 11.0 // tech, trust levels, flow labels, descriptions
	TitleFontSize = 15.0
	LineHeight    = 1.3 // times the font size
)

// Palette: every text colour has a contrast of at least 4.5:1 against the
// fills it is drawn on, in both schemes (checked in style_test.go).
// Shapes are also told apart without colour: by outline, dash pattern and
// markers, so the diagrams survive grayscale print.
type Palette struct {
	Background, Text, Muted         string
	NodeFill, NodeStroke            string
	PersonFill, ExternalFill        string
	StoreFill, QueueFill            string
	BoundaryStroke, BoundaryText    string
	Edge, Crossing, Unmarked        string
	NoteFill, FrameStroke, FrameTag string
}

// Light and Dark are the two schemes; the SVG switches with
// prefers-color-scheme.
var (
	Light = Palette{
		Background: "#ffffff", Text: "#1a1a1a", Muted: "#4a4a4a",
		NodeFill: "#e8f0fb", NodeStroke: "#2b5797",
		PersonFill: "#fdf1dc", ExternalFill: "#ececec",
		StoreFill: "#e6f4ea", QueueFill: "#f3e8fb",
		BoundaryStroke: "#7a4d00", BoundaryText: "#6b4300",
		Edge: "#333333", Crossing: "#1f4e9c", Unmarked: "#b00020",
		NoteFill: "#fff8c5", FrameStroke: "#555555", FrameTag: "#eeeeee",
	}
	Dark = Palette{
		Background: "#161b22", Text: "#f0f3f6", Muted: "#c2c9d1",
		NodeFill: "#1d2d44", NodeStroke: "#79a6e8",
		PersonFill: "#3a2d12", ExternalFill: "#2d2f33",
		StoreFill: "#173322", QueueFill: "#2e1f3d",
		BoundaryStroke: "#e3b341", BoundaryText: "#f0c95c",
		Edge: "#c9d1d9", Crossing: "#8cb4ff", Unmarked: "#ff8a8a",
		NoteFill: "#3d3514", FrameStroke: "#a0a8b0", FrameTag: "#2a2f36",
	}
)

func (p Palette) vars() string {
	pairs := []struct{ k, v string }{
		{"bg", p.Background}, {"text", p.Text}, {"muted", p.Muted},
		{"node", p.NodeFill}, {"node-stroke", p.NodeStroke}, {"person", p.PersonFill}, {"external", p.ExternalFill},
		{"store", p.StoreFill}, {"queue", p.QueueFill}, {"boundary", p.BoundaryStroke}, {"boundary-text", p.BoundaryText},
		{"edge", p.Edge}, {"crossing", p.Crossing}, {"unmarked", p.Unmarked},
		{"note", p.NoteFill}, {"frame", p.FrameStroke}, {"frame-tag", p.FrameTag},
	}
	var b strings.Builder
	for _, kv := range pairs {
		fmt.Fprintf(&b, "--tm-%s:%s;", kv.k, kv.v)
	}
	return b.String()
}

// FontFamily is the CSS font stack; the first is the embedded font whose
// metrics Measure uses.
const FontFamily = `"Go", "Go Regular", sans-serif`

// CSS returns the stylesheet every diagram carries. Classes are prefixed
// tm- so they never clash with a page that inlines the SVG.
func CSS() string {
	return `svg.tm{` + Light.vars() + `font-family:` + FontFamily + `;font-size:` + num(FontSize) + `px}` +
		`@media (prefers-color-scheme:dark){svg.tm{` + Dark.vars() + `}}` +
		`.tm .tm-bg{fill:var(--tm-bg)}` +
		`.tm text{fill:var(--tm-text)}.tm .tm-muted{fill:var(--tm-muted);font-size:` + num(SmallFontSize) + `px}` +
		`.tm .tm-bold{font-weight:bold}` +
		`.tm .tm-node>.tm-shape{fill:var(--tm-node);stroke:var(--tm-node-stroke);stroke-width:1.5}` +
		`.tm .tm-person>.tm-shape{fill:var(--tm-person)}` +
		`.tm .tm-external>.tm-shape{fill:var(--tm-external);stroke-dasharray:6 3}` +
		`.tm .tm-store>.tm-shape{fill:var(--tm-store)}.tm .tm-queue>.tm-shape{fill:var(--tm-queue)}` +
		`.tm .tm-boundary>.tm-shape{fill:none;stroke:var(--tm-boundary);stroke-width:1.5;stroke-dasharray:8 4}` +
		`.tm .tm-boundary>text{fill:var(--tm-boundary-text);font-weight:bold}` +
		`.tm .tm-system-boundary>.tm-shape{fill:none;stroke:var(--tm-node-stroke);stroke-width:1.2;stroke-dasharray:2 3}` +
		`.tm .tm-flow>path{fill:none;stroke:var(--tm-edge);stroke-width:1.3}` +
		`.tm .tm-flow>.tm-arrow{fill:var(--tm-edge);stroke:none}` +
		`.tm .tm-crossing>path{stroke:var(--tm-crossing);stroke-width:2.2}.tm .tm-crossing>.tm-arrow{fill:var(--tm-crossing)}` +
		`.tm .tm-unmarked>path{stroke:var(--tm-unmarked);stroke-width:2.2;stroke-dasharray:7 3 2 3}.tm .tm-unmarked>.tm-arrow{fill:var(--tm-unmarked)}` +
		`.tm .tm-unmarked>text.tm-flag{fill:var(--tm-unmarked);font-weight:bold}` +
		`.tm .tm-reply>path{stroke-dasharray:5 4}` +
		`.tm .tm-lifeline{stroke:var(--tm-muted);stroke-width:1;stroke-dasharray:4 4}` +
		`.tm .tm-note>.tm-shape{fill:var(--tm-note);stroke:var(--tm-muted)}` +
		`.tm .tm-frame>.tm-shape{fill:none;stroke:var(--tm-frame)}.tm .tm-frame>.tm-tag{fill:var(--tm-frame-tag);stroke:var(--tm-frame)}` +
		`.tm .tm-legend>.tm-shape{fill:var(--tm-bg);stroke:var(--tm-muted)}` +
		`.tm a:hover .tm-shape{stroke-width:3}`
}

func num(f float64) string { return Num(f) }

// Num formats a coordinate: at most two decimals, no trailing zeros, so
// output is stable and small.
func Num(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// Escape escapes text for SVG/XML content and attribute values. Invalid
// XML characters (control characters) are dropped.
func Escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\'':
			b.WriteString("&#39;")
		case r == '\t' || r == '\n':
			b.WriteRune(' ')
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ID makes an SVG id from a view id, a kind and a model id: ASCII letters,
// digits, - and _ only, prefixed tm-, so ids stay unique when several views
// are inlined in one page (every id carries its view).
func ID(view, kind, id string) string {
	return "tm-" + slug(view) + "--" + kind + "--" + slug(id)
}

func slug(s string) string {
	// Injective, so two model ids never share an SVG id: letters and
	// digits stay, "." becomes "-", "_" becomes "__" and any other rune
	// "_" + its hex code + "_" (so "a->b" and a flow named a__b differ).
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '.':
			b.WriteString("-")
		case r == '_':
			b.WriteString("__")
		default:
			fmt.Fprintf(&b, "_%x_", r)
		}
	}
	return b.String()
}
