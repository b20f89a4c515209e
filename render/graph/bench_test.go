package graph

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
	"github.com/tmc-dev/tmc/render/layout"
	"github.com/tmc-dev/tmc/render/style"
)

var layouts int // layouts benchmarked so far, in this process

// uncached makes every layout of a benchmark new to layout's cache (a
// different NodeSep by a fraction of a pixel), so the benchmark measures
// Graphviz and not the cache.
func uncached(b *testing.B) {
	old := runLayout
	runLayout = func(ctx context.Context, g *layout.Graph) (*layout.Result, error) {
		layouts++
		if g.NodeSep == 0 {
			g.NodeSep = layout.DefaultNodeSep
		}
		g.NodeSep += float64(layouts) * 1e-6
		return old(ctx, g)
	}
	b.Cleanup(func() { runLayout = old })
}

func renderAll(b *testing.B, m *ir.Model) {
	for _, v := range diagramViews(m) {
		if _, _, err := renderView(context.Background(), m, v, style.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckoutViews renders every diagram view of examples/checkout
// (11 views), laying each out anew.
func BenchmarkCheckoutViews(b *testing.B) {
	m := load(b, "../../examples/checkout")
	renderAll(b, m) // warm: Graphviz started
	uncached(b)
	b.ResetTimer()
	for b.Loop() {
		renderAll(b, m)
	}
}

// BenchmarkCheckoutViewsCached is the same with layouts from the cache:
// what a live preview pays for views that did not change.
func BenchmarkCheckoutViewsCached(b *testing.B) {
	m := load(b, "../../examples/checkout")
	renderAll(b, m)
	b.ResetTimer()
	for b.Loop() {
		renderAll(b, m)
	}
}

// BenchmarkLargeDFD draws the DFD of a generated model: 200 elements
// (10 systems of 19 containers) in 16 boundaries, 400 flows.
func BenchmarkLargeDFD(b *testing.B) {
	m := synthModel(b, 10, 19, 400)
	v := view(b, m, "dfd")
	ctx := context.Background()
	if _, _, err := renderView(ctx, m, v, style.Options{}); err != nil {
		b.Fatal(err)
	}
	uncached(b)
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := renderView(ctx, m, v, style.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// synthModel compiles a generated model: systems x containers elements
// (plus the systems) in 8 boundaries with a nested one each, and flows
// between random containers; two flows in three mark their crossings,
// the third leaves them unmarked.
func synthModel(tb testing.TB, systems, containers, flows int) *ir.Model {
	tb.Helper()
	var src strings.Builder
	src.WriteString("model \"Synthetic\" { owner \"bench\" }\n")
	trust := []string{"untrusted", "low", "medium", "high", "external", "control", "high", "medium"}
	for z := 0; z < 8; z++ {
		fmt.Fprintf(&src, "boundary z%d \"Zone %d\" { trust %s\n  boundary z%din \"Zone %d inner\" { trust high }\n}\n", z, z, trust[z], z, z)
	}
	kinds := []string{"container", "database", "container", "queue", "container", "cache", "bucket"}
	type ct struct {
		ref   string
		chain []string
	}
	var cs []ct
	for s := 0; s < systems; s++ {
		fmt.Fprintf(&src, "system s%d \"System %d\" {\n", s, s)
		for c := 0; c < containers; c++ {
			k := (s*containers + c) % 16
			z, chain := fmt.Sprintf("z%d", k/2), []string{fmt.Sprintf("z%d", k/2)}
			if k%2 == 1 {
				z = fmt.Sprintf("z%din", k/2)
				chain = append(chain, z)
			}
			fmt.Fprintf(&src, "  %s c%d \"Service %d.%d\" in %s { tech \"Go\" }\n", kinds[(s+c)%len(kinds)], c, s, c, z)
			cs = append(cs, ct{fmt.Sprintf("s%d.c%d", s, c), chain})
		}
		src.WriteString("}\n")
	}
	x := uint32(2463534242)
	rnd := func(n int) int { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return int(x % uint32(n)) }
	for i := 0; i < flows; i++ {
		a, b := rnd(len(cs)), rnd(len(cs))
		if a == b {
			b = (b + 1) % len(cs)
		}
		fmt.Fprintf(&src, "flow f%d: %s -> %s \"Flow number %d\" {\n  protocol https\n", i, cs[a].ref, cs[b].ref, i)
		if i%3 != 2 {
			ca, cb := cs[a].chain, cs[b].chain
			j := 0
			for j < len(ca) && j < len(cb) && ca[j] == cb[j] {
				j++
			}
			crossed := append(append([]string{}, ca[j:]...), cb[j:]...)
			if len(crossed) > 0 {
				fmt.Fprintf(&src, "  crosses %s \"mTLS\"\n", strings.Join(crossed, ", "))
			}
		}
		src.WriteString("}\n")
	}
	res := compiler.ParseFile(tb.TempDir(), "synth.tm", []byte(src.String()), compiler.Options{Now: today})
	for _, d := range res.Diags {
		if d.Code != "TM301" && d.Severity == diag.Error {
			tb.Fatalf("synthetic model: %v", d)
		}
	}
	return res.Model
}

// BenchmarkLargeDFDCached is BenchmarkLargeDFD with the layout from the
// cache: the cost of this package alone (building, measuring, drawing).
func BenchmarkLargeDFDCached(b *testing.B) {
	m := synthModel(b, 10, 19, 400)
	v := view(b, m, "dfd")
	ctx := context.Background()
	if _, _, err := renderView(ctx, m, v, style.Options{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := renderView(ctx, m, v, style.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
