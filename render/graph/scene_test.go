package graph

import (
	"context"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render/layout"
	"github.com/tmc-dev/tmc/render/style"
)

const rollupModel = `
boundary inner "Inner" { trust high }
boundary outer "Outer" { trust low }
person u "User" in outer
system a "A" {
  container x "X" in inner { tech "Go"  component p "P" { tech "lib" } }
  database z "Z" in inner { tech "PostgreSQL" }
}
system b "B" in outer {
  container y "Y" { tech "Rust" }
}
flow u -> a.x "Uses" { protocol https  crosses outer, inner "login" }
flow a.x -> b.y "Calls" { protocol https  crosses inner, outer "mTLS" }
flow a.z -> b.y "Replicates" { protocol grpc }
flow a.x -> a.z "Stores" { protocol postgres }
flow a.x.p -> b.y "Asks" { protocol https  crosses inner, outer "mTLS" }
view just_a "Just A" { dfd  include a, b.y }
view ctx_ab "Only A and B" { context  include a, b }
`

func compileText(t *testing.T, src string) *ir.Model {
	t.Helper()
	res := compiler.ParseFile(t.TempDir(), "m.tm", []byte(src), compiler.Options{Now: today})
	return res.Model
}

func nodeIDs(sc *scene) string {
	var out []string
	for _, n := range sc.nodes {
		out = append(out, n.id)
	}
	return strings.Join(out, " ")
}

func edgeList(sc *scene) string {
	var out []string
	for _, e := range sc.edges {
		var ls []string
		for _, l := range e.lines {
			if !strings.Contains(l.class, "tm-sec") { // security_test.go checks those
				ls = append(ls, l.text)
			}
		}
		out = append(out, e.from[2:]+">"+e.to[2:]+"="+e.id+":"+strings.Join(ls, "/"))
	}
	return strings.Join(out, " | ")
}

func TestC4Rollup(t *testing.T) {
	m := compileText(t, rollupModel)
	for _, c := range []struct{ view, nodes, edges string }{
		{"context", "u a b",
			"u>a=u->a.x:Uses [https] | a>b=a->b:Calls; Replicates; Asks [https, grpc]/⚠ unmarked: inner, outer"},
		{"ctx_ab", "a b", "a>b=a->b:Calls; Replicates; Asks [https, grpc]/⚠ unmarked: inner, outer"},
		{"container-a", "a.x a.z u b",
			"u>a.x=u->a.x:Uses [https] | a.x>b=a.x->b:Calls; Asks [https] | a.z>b=a.z->b.y:Replicates [grpc]/⚠ unmarked: inner, outer | a.x>a.z=a.x->a.z:Stores [postgres]"},
		{"container-b", "b.y a", "a>b.y=a->b.y:Calls; Replicates; Asks [https, grpc]/⚠ unmarked: inner, outer"},
		// The callers of x itself are drawn, their flows attached to x's box.
		{"component-a.x", "a.x.p u a.z b",
			// (a.z -> b.y, between two neighbours, is the container view's)
			"u>a.x=u->a.x:Uses [https] | a.x>b=a.x->b.y:Calls [https] | a.x>a.z=a.x->a.z:Stores [postgres] | a.x.p>b=a.x.p->b.y:Asks [https]"},
	} {
		sc := buildC4(m, view(t, m, c.view))
		if got := nodeIDs(sc); got != c.nodes {
			t.Errorf("%s: nodes %q, want %q", c.view, got, c.nodes)
		}
		if got := edgeList(sc); got != c.edges {
			t.Errorf("%s: edges\n got %q\nwant %q", c.view, got, c.edges)
		}
	}
	// Flows of the focus itself end at its box.
	sc := buildC4(m, view(t, m, "component-a.x"))
	if e := sc.edges[0]; e.from != "e:u" || e.to != "s:a.x" {
		t.Errorf("u -> a.x drawn from %s to %s, want e:u to s:a.x", e.from, e.to)
	}
}

func TestDFDAttach(t *testing.T) {
	m := compileText(t, rollupModel)
	for _, c := range []struct{ view, nodes, edges string }{
		// Whole model: x is a box around its component; its own flows
		// attach to the box.
		{"dfd", "u a.x.p a.z b.y",
			"u>a.x=u->a.x:Uses | a.x>b.y=a.x->b.y:Calls | a.z>b.y=a.z->b.y:Replicates/⚠ unmarked crossing | a.x>a.z=a.x->a.z:Stores | a.x.p>b.y=a.x.p->b.y:Asks"},
		// a is shown, its containers are not: their flows attach to a; u is not shown.
		{"just_a", "a b.y", "a>b.y=a.x->b.y:[a.x->b.y] Calls | a>b.y=a.z->b.y:[a.z->b.y] Replicates/⚠ unmarked crossing | a>b.y=a.x.p->b.y:[a.x.p->b.y] Asks"},
	} {
		sc := buildDFD(m, view(t, m, c.view))
		if got := nodeIDs(sc); got != c.nodes {
			t.Errorf("%s: nodes %q, want %q", c.view, got, c.nodes)
		}
		if got := edgeList(sc); got != c.edges {
			t.Errorf("%s: edges\n got %q\nwant %q", c.view, got, c.edges)
		}
	}
	// Membership line and boundary clusters.
	sc := buildDFD(m, view(t, m, "dfd"))
	if got := sc.nodes[1].lines[0].text; got != "A › X ›" {
		t.Errorf("membership line %q", got)
	}
	var cl []string
	for _, c := range sc.clusters {
		cl = append(cl, c.key+"<"+c.parent+":"+c.label.text)
	}
	if got := strings.Join(cl, " "); got != "b:inner<:Inner [high] b:outer<:Outer [low] c:a.x<b:inner:X [container: Go]" {
		t.Errorf("clusters %q", got)
	}
	if n := sc.nodes[1]; n.cluster != "c:a.x" {
		t.Errorf("component p in cluster %q, want c:a.x", n.cluster)
	}
	if e := sc.edges[0]; e.to != "c:a.x" {
		t.Errorf("u -> a.x ends at %s, want the box c:a.x", e.to)
	}
}

// A labelled back edge is declared reversed to the layout and drawn the
// right way round: from the start node's border, under its label, to the
// end node's border, the arrow at the end.
func TestBackEdgePath(t *testing.T) {
	sc := &scene{viewID: "v",
		nodes: []*node{{key: "e:a", id: "a", w: 50, h: 20}, {key: "e:b", id: "b", w: 50, h: 20}},
		edges: []*edge{
			{key: "f:1", from: "e:a", to: "e:b", kind: "flow", id: "1", lines: []line{small("1. down", "")}},
			{key: "f:2", from: "e:b", to: "e:a", kind: "flow", id: "2", lines: []line{small("2. up", "")}},
		}}
	g := sc.graph()
	var decl []string
	for _, e := range g.Edges {
		decl = append(decl, e.ID+"="+e.From+">"+e.To)
	}
	want := "f:1#1=e:a>l:f:1 f:1#2=l:f:1>e:b f:2#1=l:f:2>e:b f:2#2=e:a>l:f:2"
	if got := strings.Join(decl, " "); got != want {
		t.Fatalf("declared %q, want %q", got, want)
	}
	// a above b; labels between; every half drawn top-down as declared.
	seg := func(x0, y0, x1, y1 float64) layout.EdgePath {
		return layout.EdgePath{Spline: []layout.Point{{X: x0, Y: y0}, {X: x0, Y: y0 + 1}, {X: x1, Y: y1 - 1}, {X: x1, Y: y1 - 10}}, Arrow: layout.Point{X: x1, Y: y1}}
	}
	res := &layout.Result{Width: 200, Height: 200,
		Nodes: map[string]layout.Box{"e:a": {X: 50, Y: 0, Width: 50, Height: 20}, "e:b": {X: 50, Y: 180, Width: 50, Height: 20},
			"l:f:1": {X: 20, Y: 90, Width: 40, Height: 14}, "l:f:2": {X: 100, Y: 90, Width: 40, Height: 14}},
		Edges: map[string]layout.EdgePath{
			"f:1#1": seg(60, 20, 40, 90), "f:1#2": seg(40, 104, 60, 180),
			"f:2#2": seg(90, 20, 120, 90), "f:2#1": seg(120, 104, 90, 180),
		}}
	p, err := place(sc, res)
	if err != nil {
		t.Fatal(err)
	}
	dx, dy := float64(margin), p.nodes[0].Y
	up := p.edges[1].Spline
	if s, e := up[0], up[len(up)-1]; s.X-dx != 90 || s.Y-dy != 180 || e.X-dx != 90 || e.Y-dy != 20 {
		t.Errorf("edge b->a runs from %v to %v, want from b's top to a's bottom", s, e)
	}
	down := p.edges[0].Spline
	if s, e := down[0], down[len(down)-1]; s.Y-dy != 20 || e.Y-dy != 180 {
		t.Errorf("edge a->b runs from %v to %v", s, e)
	}
	var b strings.Builder
	draw(&b, p, style.Options{})
	if !strings.Contains(b.String(), `data-id="2"`) {
		t.Error("edge 2 not drawn")
	}
}

// Drawing does not depend on Graphviz: a naive layout gives a well-formed
// SVG with the same ids and classes.
func TestFakeLayout(t *testing.T) {
	m := load(t, "../../compiler/testdata/core")
	old := runLayout
	runLayout = fakeLayout
	defer func() { runLayout = old }()
	svg, err := DFD(context.Background(), m, view(t, m, "dfd"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	checkXML(t, svg)
	if c := groupClasses(t, svg)["webhook"]; !hasClass(c, "tm-unmarked") {
		t.Errorf("webhook: class %q", c)
	}
}

// Hostile names are escaped, long ones wrapped, and a model without
// elements still gives a diagram.
func TestOddModels(t *testing.T) {
	ctx := context.Background()
	for name, src := range map[string]string{
		"empty": `boundary z "Z" { trust high }`,
		"hostile": `
boundary z "</text><script>alert(1)</script> & \"q\"" { trust high }
person p "<b>Eve</b> & 'Mallory'" in z { description "]]> <!-- -->" }
system s "SuperCalifragilisticExpialidociousSystemNameWithoutAnySpacesAtAllThatGoesOnAndOn" {
  container c "A very long container name that will certainly not fit on one or even two lines of a box" {
    tech "tech with \u0007 control & <angle> brackets"
  }
}
flow p -> s.c "label with <tags> & \"quotes\" and a very long text that wraps over several lines of the label box for sure" { protocol "h<t>tp" }
`,
	} {
		m := compileText(t, src)
		for _, v := range diagramViews(m) {
			svg, p, err := renderView(ctx, m, v, testOpts)
			if err != nil {
				t.Fatalf("%s/%s: %v", name, v.ID, err)
			}
			checkXML(t, svg)
			checkGeometry(t, p)
			if strings.Contains(string(svg), "<script") || strings.Contains(string(svg), "<b>") {
				t.Errorf("%s/%s: unescaped text", name, v.ID)
			}
		}
	}
}

func small(s, class string) line { return line{text: s, size: style.SmallFontSize, class: class} }
