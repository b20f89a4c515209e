package graph

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/compiler/synth"
	"github.com/tmc-dev/tmc/render/layout"
)

func compileFiles(t testing.TB, files map[string][]byte) *ir.Model {
	t.Helper()
	tree := compiler.Tree{}
	for name, b := range files {
		tree[name] = b
	}
	src, err := compiler.LoadTree("model", tree)
	if err != nil {
		t.Fatal(err)
	}
	return compiler.CompileSource(src, compiler.Options{Now: today}).Model
}

// scaleModel is the 60-element synthetic model (past the overview
// threshold) with two crossings left unmarked.
func scaleModel(t testing.TB) (*ir.Model, []*ir.Flow) {
	files, _ := synth.Unmark(synth.Generate(60), 2)
	m := compileFiles(t, files)
	var unmarked []*ir.Flow
	for _, f := range m.Flows {
		if unmarkedFlow(f) {
			unmarked = append(unmarked, f)
		}
	}
	if len(unmarked) != 2 {
		t.Fatalf("%d unmarked flows, want 2", len(unmarked))
	}
	return m, unmarked
}

// TestScaleGolden draws the zone overview and the per-boundary views that
// hold the unmarked flows of a model past the threshold: twice, byte-
// identical, well-formed, and as testdata/scale.*.golden.svg
// (TMC_UPDATE=1 rewrites). The overview names both unmarked flows.
func TestScaleGolden(t *testing.T) {
	m, unmarked := scaleModel(t)
	ids := []string{"dfd"}
	for _, v := range m.Views {
		if v.Boundary == nil {
			continue
		}
		for _, f := range v.Flows {
			if f == unmarked[0] || f == unmarked[1] {
				ids = append(ids, v.ID)
				break
			}
		}
	}
	if len(ids) < 2 {
		t.Fatal("no boundary view draws the unmarked flows")
	}
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			v := view(t, m, id)
			got, err := DFD(context.Background(), m, v, testOpts)
			if err != nil {
				t.Fatal(err)
			}
			ForgetPlacements() // the second render places and routes again
			again, err := DFD(context.Background(), m, v, testOpts)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, again) {
				t.Fatal("two renders differ")
			}
			checkXML(t, got)
			for _, f := range unmarked {
				if id == "dfd" && !bytes.Contains(got, []byte(f.ID)) {
					t.Errorf("the zone overview does not name unmarked flow %s", f.ID)
				}
			}
			if id == "dfd" && !bytes.Contains(got, []byte("tm-zone")) {
				t.Error("the overview has no zone nodes")
			}
			if id != "dfd" && !bytes.Contains(got, []byte("tm-stub")) {
				t.Error("a boundary view without stubs")
			}
			file := filepath.Join("testdata", "scale."+id+".golden.svg")
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

const filterModel = `
boundary net "Internet" { trust untrusted }
boundary dc "Data centre" { trust high }
boundary vault "Vault" { trust high }
person user "User" in net
system shop "Shop" in dc {
  container api "API" { tech "Go" }
  container worker "Worker" { tech "Go" }
  database db "DB" in vault { tech "PostgreSQL" }
}
data order "Order" { classification internal }
data card "Card" { classification restricted }
flow in: user -> shop.api "Order" { carries order crosses net, dc "JWT" }
flow pay: user -> shop.api "Pay" { carries card }
flow job: shop.api -> shop.worker "Job" { carries order }
flow store: shop.worker -> shop.db "Store" { carries card }
view v_card "Card" { carries card }
view v_api "API crossings" {
  include shop.api
  crossing dc
}
view v_unmarked "Unmarked" { unmarked }
`

// TestFilterScenes: a filtered view draws exactly its flows; an end outside
// its elements is a stub in its own boundary; the subtitle says the filter.
func TestFilterScenes(t *testing.T) {
	m := compileFiles(t, map[string][]byte{"m.tm": []byte(filterModel)})
	for _, c := range []struct {
		id, edges, stubs string
	}{
		{"v_card", "f:pay f:store", ""},
		{"v_api", "f:in f:pay", "e:user"},
		{"v_unmarked", "f:pay f:store", ""},
	} {
		v := view(t, m, c.id)
		sc, _, zones := chooseDFDScene(m, v)
		if zones {
			t.Fatalf("%s drawn as zones", c.id)
		}
		var edges, stubs []string
		for _, e := range sc.edges {
			edges = append(edges, e.key)
		}
		for _, n := range sc.nodes {
			if strings.Contains(n.class, "tm-stub") {
				stubs = append(stubs, n.key)
				if n.cluster != "b:net" {
					t.Errorf("%s: stub %s in cluster %q, want its boundary b:net", c.id, n.key, n.cluster)
				}
			}
		}
		if got := strings.Join(edges, " "); got != c.edges {
			t.Errorf("%s: edges %q, want %q", c.id, got, c.edges)
		}
		if got := strings.Join(stubs, " "); got != c.stubs {
			t.Errorf("%s: stubs %q, want %q", c.id, got, c.stubs)
		}
		if !strings.Contains(sc.subtitle, v.Filter) {
			t.Errorf("%s: subtitle %q does not say %q", c.id, sc.subtitle, v.Filter)
		}
		svg, err := DFD(context.Background(), m, v, testOpts)
		if err != nil {
			t.Fatal(err)
		}
		checkXML(t, svg)
	}
}

// TestBudgetChoice: the full DFD of a 200-element model is over budget and
// drawn as zones (so is a view whose layout times out anyway); a small
// view is drawn in full; the estimate grows with the scene.
func TestBudgetChoice(t *testing.T) {
	m := compileFiles(t, synth.Generate(200))
	full := *view(t, m, "dfd")
	full.Zones = false // the dfd view as it would be without the overview
	sc, _, zones := chooseDFDScene(m, &full)
	if !zones || !strings.Contains(sc.subtitle, "drawn as trust zones") {
		t.Errorf("the 200-element DFD is drawn in full (zones %v, subtitle %q)", zones, sc.subtitle)
	}
	if est := estimateLayout(buildDFD(m, &full)); est <= 0 {
		t.Errorf("estimate %v", est)
	}
	small := compileFiles(t, map[string][]byte{"m.tm": []byte(filterModel)})
	if _, _, zones := chooseDFDScene(small, view(t, small, "dfd")); zones {
		t.Error("a 4-flow DFD is drawn as zones")
	}
	if a, b := estimateLayout(buildDFD(small, view(t, small, "dfd"))), estimateLayout(buildDFD(m, &full)); a >= b {
		t.Errorf("estimates %v (4 flows) >= %v (396 flows)", a, b)
	}
	// A layout that times out all the same falls back to the zones.
	old := runLayout
	defer func() { runLayout = old }()
	runLayout = func(ctx context.Context, g *layout.Graph) (*layout.Result, error) {
		for _, n := range g.Nodes {
			if strings.HasPrefix(n.ID, "e:") {
				return nil, &layout.TimeoutError{Limit: 10, Nodes: len(g.Nodes), Edges: len(g.Edges)}
			}
		}
		return old(ctx, g)
	}
	svg, err := DFD(context.Background(), small, view(t, small, "dfd"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(svg, []byte("could not be laid out")) || !bytes.Contains(svg, []byte("tm-zone")) {
		t.Error("a timed-out DFD is not drawn as zones")
	}
}
