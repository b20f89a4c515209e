package compiler_test

import (
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/compiler/synth"
)

func compileTree(t *testing.T, tree compiler.Tree) *ir.Model {
	t.Helper()
	src, err := compiler.LoadTree("model", tree)
	if err != nil {
		t.Fatal(err)
	}
	return compiler.CompileSource(src, compiler.Options{}).Model
}

func view(m *ir.Model, id string) *ir.View {
	for _, v := range m.Views {
		if v.ID == id {
			return v
		}
	}
	return nil
}

func flowIDs(fs []*ir.Flow) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return strings.Join(out, " ")
}

func elementIDs(es []*ir.Element) string {
	var out []string
	for _, e := range es {
		out = append(out, e.ID)
	}
	return strings.Join(out, " ")
}

// TestViewFilters: each filter chooses the flows it says, several filters
// must all hold, a view without elements shows the ends of its flows, and
// around takes the neighbourhood to the depth given.
func TestViewFilters(t *testing.T) {
	m := compileTree(t, compiler.Tree{"m.tm": []byte(`
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
view v_dc "Into dc" { crossing dc }
view v_unmarked "Unmarked" { unmarked }
view v_card "Card" { carries card }
view v_both "Unmarked card into the vault" {
  unmarked
  crossing vault
}
view v_around "Around the worker" { around shop.worker }
view v_around0 "The worker alone" { around shop.worker 0 }
view v_api "API crossings" {
  include shop.api
  crossing dc
}
`)})
	for _, c := range []struct{ id, flows, elements string }{
		{"v_dc", "in pay store", "user shop.api shop.worker shop.db"}, // store leaves dc for vault
		{"v_unmarked", "pay store", "user shop.api shop.worker shop.db"},
		{"v_card", "pay store", "user shop.api shop.worker shop.db"},
		{"v_both", "store", "shop.worker shop.db"},
		{"v_api", "in pay", "shop.api"}, // user is drawn as a stub
	} {
		v := view(m, c.id)
		if v == nil {
			t.Fatalf("no view %s", c.id)
		}
		if got := flowIDs(v.Flows); got != c.flows {
			t.Errorf("%s: flows %q, want %q", c.id, got, c.flows)
		}
		if got := elementIDs(v.Elements); got != c.elements {
			t.Errorf("%s: elements %q, want %q", c.id, got, c.elements)
		}
		if v.Filter == "" {
			t.Errorf("%s: no filter text", c.id)
		}
	}
	if v := view(m, "v_around"); v.Flows != nil || elementIDs(v.Elements) != "shop.api shop.worker shop.db" {
		t.Errorf("v_around: flows %v, elements %q", v.Flows, elementIDs(v.Elements))
	}
	if v := view(m, "v_around0"); elementIDs(v.Elements) != "shop.worker" {
		t.Errorf("v_around0: elements %q", elementIDs(v.Elements))
	}
	if compiler.Overview(m) || view(m, "dfd").Zones {
		t.Error("a 4-flow model is drawn as zones")
	}
}

// TestOverviewThreshold: past OverviewFlows drawn flows the dfd view is the
// zone overview and every boundary has views, each of at most
// OverviewFlows flows, which together draw every crossing flow; below it,
// nothing changes.
func TestOverviewThreshold(t *testing.T) {
	small := compileModel(t, synth.Generate(50))
	if compiler.Overview(small) || view(small, "dfd").Zones || view(small, "boundary-edge") != nil {
		t.Errorf("the 50-element model (%d flows) is past the threshold", len(small.Flows))
	}
	big := compileModel(t, synth.Generate(200))
	if !compiler.Overview(big) || !view(big, "dfd").Zones {
		t.Fatalf("the 200-element model (%d flows) is not drawn as zones", len(big.Flows))
	}
	drawn := map[*ir.Flow]bool{}
	n := 0
	for _, v := range big.Views {
		if v.Boundary == nil {
			continue
		}
		n++
		if !strings.HasPrefix(v.ID, "boundary-"+v.Boundary.ID) || v.Kind != ir.ViewDFD || v.Declared {
			t.Errorf("view %s of boundary %s", v.ID, v.Boundary.ID)
		}
		if len(v.Flows) > compiler.OverviewFlows {
			t.Errorf("view %s draws %d flows, more than %d", v.ID, len(v.Flows), compiler.OverviewFlows)
		}
		for _, f := range v.Flows {
			drawn[f] = true
		}
	}
	if n < len(big.Boundaries) {
		t.Errorf("%d boundary views for %d boundaries", n, len(big.Boundaries))
	}
	for _, f := range big.Flows {
		if len(f.Crossings) > 0 && !drawn[f] {
			t.Errorf("crossing flow %s is on no boundary view", f.ID)
		}
	}
	// The views come right after dfd, before context.
	if big.Views[0].ID != "dfd" || big.Views[1].Boundary == nil {
		t.Errorf("views start %s, %s", big.Views[0].ID, big.Views[1].ID)
	}
}

func compileModel(t *testing.T, files map[string][]byte) *ir.Model {
	tree := compiler.Tree{}
	for name, b := range files {
		tree[name] = b
	}
	return compileTree(t, tree)
}
