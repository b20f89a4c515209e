package graph

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render/layout"
	"github.com/tmc-dev/tmc/render/style"
)

var (
	update = os.Getenv("TMC_UPDATE") == "1"
	today  = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	// Links are on in the goldens, so they show what the site gets.
	testOpts = style.Options{Link: func(kind, id string) string { return "../" + kind + "/" + id + ".html" }}
)

func load(t testing.TB, dir string) *ir.Model {
	t.Helper()
	res, err := compiler.Compile(dir, compiler.Options{Now: today})
	if err != nil {
		t.Fatal(err)
	}
	return res.Model
}

// diagramViews are the views this package draws, in model order.
func diagramViews(m *ir.Model) []*ir.View {
	var out []*ir.View
	for _, v := range m.Views {
		switch v.Kind {
		case ir.ViewDFD, ir.ViewContext, ir.ViewContainer, ir.ViewComponent:
			out = append(out, v)
		}
	}
	return out
}

func renderView(ctx context.Context, m *ir.Model, v *ir.View, opts style.Options) ([]byte, *placed, error) {
	if v.Kind == ir.ViewDFD {
		return render(ctx, buildDFD(m, v), opts)
	}
	return render(ctx, buildC4(m, v), opts)
}

func view(t testing.TB, m *ir.Model, id string) *ir.View {
	t.Helper()
	for _, v := range m.Views {
		if v.ID == id {
			return v
		}
	}
	t.Fatalf("no view %q", id)
	return nil
}

// TestGolden renders every diagram view of the examples twice, checks
// both renders are byte-identical, well-formed and geometrically sound,
// and compares them with testdata/*.golden.svg (TMC_UPDATE=1 rewrites).
func TestGolden(t *testing.T) {
	models := []struct{ name, dir string }{
		{"checkout", "../../examples/checkout"},
		{"core", "../../compiler/testdata/core"},
	}
	for _, mc := range models {
		m := load(t, mc.dir)
		for _, v := range diagramViews(m) {
			t.Run(mc.name+"/"+v.ID, func(t *testing.T) {
				ctx := context.Background()
				got, p, err := renderView(ctx, m, v, testOpts)
				if err != nil {
					t.Fatal(err)
				}
				ForgetPlacements() // the second render places and routes again
				again, _, err := renderView(ctx, m, v, testOpts)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, again) {
					t.Fatal("two renders differ")
				}
				checkXML(t, got)
				checkGeometry(t, p)
				file := filepath.Join("testdata", mc.name+"."+v.ID+".golden.svg")
				if update {
					if err := os.WriteFile(file, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatalf("%v (run with TMC_UPDATE=1 to create it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the render (run with TMC_UPDATE=1 to update)\n%s", file, firstDiff(want, got))
				}
			})
		}
	}
}

func firstDiff(want, got []byte) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	lo := max(0, i-80)
	return fmt.Sprintf("at byte %d:\nwant …%s…\n got …%s…", i, want[lo:min(len(want), i+80)], got[lo:min(len(got), i+80)])
}

// checkXML checks the SVG is well-formed XML and its ids are unique.
func checkXML(t *testing.T, svg []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	ids := map[string]bool{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if a.Name.Local == "id" {
					if ids[a.Value] {
						t.Errorf("duplicate id %q", a.Value)
					}
					ids[a.Value] = true
				}
			}
		}
	}
}

type box = layout.Box

func overlap(a, b box) bool {
	const eps = 0.5
	return a.X+eps < b.X+b.Width && b.X+eps < a.X+a.Width && a.Y+eps < b.Y+b.Height && b.Y+eps < a.Y+a.Height
}

func inside(a, outer box) bool {
	const eps = 0.5
	return a.X >= outer.X-eps && a.Y >= outer.Y-eps && a.X+a.Width <= outer.X+outer.Width+eps && a.Y+a.Height <= outer.Y+outer.Height+eps
}

// checkGeometry checks a placed scene: every node's text fits its box, no
// two nodes overlap, every node lies inside its cluster and every cluster
// inside its parent, sibling clusters do not overlap, and everything lies
// on the canvas.
func checkGeometry(t *testing.T, p *placed) {
	t.Helper()
	canvas := box{Width: p.width, Height: p.height}
	clusterBox := map[string]box{}
	for i, c := range p.sc.clusters {
		clusterBox[c.key] = p.clusters[i]
	}
	for i, n := range p.sc.nodes {
		bx := p.nodes[i]
		area := textArea(bx, n.in)
		w, h := blockSize(n.lines)
		if w > area.Width+0.01 || h > area.Height+0.01 {
			t.Errorf("node %s: text %.1fx%.1f does not fit %.1fx%.1f", n.key, w, h, area.Width, area.Height)
		}
		if !inside(bx, canvas) {
			t.Errorf("node %s off the canvas", n.key)
		}
		if n.cluster != "" && !inside(bx, clusterBox[n.cluster]) {
			t.Errorf("node %s (%v) outside its cluster %s (%v)", n.key, bx, n.cluster, clusterBox[n.cluster])
		}
		for j := i + 1; j < len(p.nodes); j++ {
			if overlap(bx, p.nodes[j]) {
				t.Errorf("nodes %s and %s overlap", n.key, p.sc.nodes[j].key)
			}
		}
		// A node lies in no cluster other than its own and that one's ancestors.
		own := map[string]bool{}
		for c := n.cluster; c != ""; c = parentOf(p.sc, c) {
			own[c] = true
		}
		for j, c := range p.sc.clusters {
			if !own[c.key] && overlap(bx, p.clusters[j]) {
				t.Errorf("node %s overlaps foreign cluster %s", n.key, c.key)
			}
		}
	}
	for i, c := range p.sc.clusters {
		if c.parent != "" && !inside(p.clusters[i], clusterBox[c.parent]) {
			t.Errorf("cluster %s outside its parent %s", c.key, c.parent)
		}
		w, _ := c.labelSize()
		if w > p.clusters[i].Width+0.5 {
			t.Errorf("cluster %s: label %.1f wider than the cluster %.1f", c.key, w, p.clusters[i].Width)
		}
		for j := i + 1; j < len(p.sc.clusters); j++ {
			d := p.sc.clusters[j]
			if c.parent == d.parent && overlap(p.clusters[i], p.clusters[j]) {
				t.Errorf("sibling clusters %s and %s overlap", c.key, d.key)
			}
		}
	}
	// Labels: big enough, on the canvas, and (when laid out as nodes) clear
	// of every node and every other label.
	labelNodes := p.sc.labelNodes()
	for i, e := range p.sc.edges {
		if len(e.lines) == 0 {
			continue
		}
		lb := p.edges[i].Label
		w, h := e.labelSize()
		if lb.Width+0.01 < w || lb.Height+0.01 < h {
			t.Errorf("edge %s: label box %.1fx%.1f smaller than its text %.1fx%.1f", e.key, lb.Width, lb.Height, w, h)
		}
		if !inside(lb, canvas) {
			t.Errorf("edge %s: label off the canvas", e.key)
		}
		if !labelNodes {
			continue
		}
		for j, n := range p.sc.nodes {
			if overlap(lb, p.nodes[j]) {
				t.Errorf("label of %s overlaps node %s", e.key, n.key)
			}
		}
		for j := i + 1; j < len(p.sc.edges); j++ {
			if len(p.sc.edges[j].lines) > 0 && overlap(lb, p.edges[j].Label) {
				t.Errorf("labels of %s and %s overlap", e.key, p.sc.edges[j].key)
			}
		}
	}
	if len(p.legendItems) > 0 {
		for i := range p.nodes {
			if overlap(p.nodes[i], p.legend) {
				t.Errorf("legend overlaps node %s", p.sc.nodes[i].key)
			}
		}
		if !inside(p.legend, canvas) {
			t.Error("legend off the canvas")
		}
	}
}

func parentOf(sc *scene, key string) string {
	for _, c := range sc.clusters {
		if c.key == key {
			return c.parent
		}
	}
	return ""
}

// groupClasses maps the data-id of every <g> to its class.
func groupClasses(t *testing.T, svg []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	d := xml.NewDecoder(bytes.NewReader(svg))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "g" {
			continue
		}
		var id, class string
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "data-id":
				id = a.Value
			case "class":
				class = a.Value
			}
		}
		if id != "" {
			out[id] = class
		}
	}
}

func hasClass(classes, c string) bool {
	for _, x := range strings.Fields(classes) {
		if x == c {
			return true
		}
	}
	return false
}

// The DESIGN.md core model: the webhook flow crosses vendor and cluster
// without a mark; every other crossing is marked.
func TestCoreCrossings(t *testing.T) {
	m := load(t, "../../compiler/testdata/core")
	svg, err := DFD(context.Background(), m, view(t, m, "dfd"), style.Options{})
	if err != nil {
		t.Fatal(err)
	}
	classes := groupClasses(t, svg)
	if c, ok := classes["webhook"]; !ok || !hasClass(c, "tm-unmarked") {
		t.Errorf("webhook: class %q, want tm-unmarked", c)
	}
	for _, id := range []string{"place", "fwd", "shop.orders->shop.db", "shop.billing->psp"} {
		c, ok := classes[id]
		if !ok {
			t.Errorf("flow %s not drawn", id)
			continue
		}
		if !hasClass(c, "tm-crossing") || hasClass(c, "tm-unmarked") {
			t.Errorf("flow %s: class %q, want tm-crossing and not tm-unmarked", id, c)
		}
	}
	for _, id := range []string{"shop.orders->shop.events", "shop.events->shop.billing"} {
		if c := classes[id]; !hasClass(c, "tm-flow") || hasClass(c, "tm-crossing") {
			t.Errorf("flow %s: class %q, want a plain flow", id, c)
		}
	}
	// The unmarked flow says so in text, not only in colour.
	if !bytes.Contains(svg, []byte(unmarkedFlag)) {
		t.Error("no unmarked flag text")
	}
}

func TestViewKinds(t *testing.T) {
	m := load(t, "../../compiler/testdata/core")
	ctx := context.Background()
	if _, err := DFD(ctx, m, view(t, m, "context"), style.Options{}); err == nil {
		t.Error("DFD of a context view: no error")
	}
	if _, err := C4(ctx, m, view(t, m, "dfd"), style.Options{}); err == nil {
		t.Error("C4 of a dfd view: no error")
	}
}

// A failing layout's error is returned.
func TestLayoutError(t *testing.T) {
	m := load(t, "../../compiler/testdata/core")
	old := runLayout
	defer func() { runLayout = old }()
	runLayout = func(context.Context, *layout.Graph) (*layout.Result, error) { return nil, fmt.Errorf("boom") }
	if _, err := DFD(context.Background(), m, view(t, m, "dfd"), style.Options{}); err == nil || err.Error() != "boom" {
		t.Errorf("err = %v, want boom", err)
	}
}

// TestPreview writes standalone SVGs (font embedded) of the examples to
// $TMC_PREVIEW, for looking at them in a browser.
func TestPreview(t *testing.T) {
	dir := os.Getenv("TMC_PREVIEW")
	if dir == "" {
		t.Skip("set TMC_PREVIEW to a folder")
	}
	for _, mc := range []struct{ name, dir string }{{"checkout", "../../examples/checkout"}, {"core", "../../compiler/testdata/core"}} {
		m := load(t, mc.dir)
		for _, v := range diagramViews(m) {
			svg, _, err := renderView(context.Background(), m, v, style.Options{EmbedFont: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, mc.name+"."+v.ID+".svg"), svg, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	m := synthModel(t, 10, 19, 400)
	svg, _, err := renderView(context.Background(), m, view(t, m, "dfd"), style.Options{EmbedFont: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "synth.dfd.svg"), svg, 0o644); err != nil {
		t.Fatal(err)
	}
}
