package graph

import (
	"bytes"
	"context"
	"testing"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render/style"
)

func clearPlacements() {
	placements.Lock()
	defer placements.Unlock()
	placements.order.Init()
	clear(placements.items)
}

func renderAny(ctx context.Context, m *ir.Model, v *ir.View) ([]byte, error) {
	if v.Kind == ir.ViewDFD {
		return DFD(ctx, m, v, style.Options{})
	}
	return C4(ctx, m, v, style.Options{})
}

// TestPlacementCache: a view drawn from a cached placement is byte-equal
// to one placed afresh, and a change of the scene (a name of another
// length) misses the cache.
func TestPlacementCache(t *testing.T) {
	if !cachedLayout() {
		t.Fatal("the real layout does not go through the placement cache")
	}
	m := load(t, "../../examples/checkout")
	ctx := context.Background()
	for _, v := range m.Views {
		if v.Kind == ir.ViewSequence {
			continue
		}
		clearPlacements()
		fresh, err := renderAny(ctx, m, v)
		if err != nil {
			t.Fatalf("%s: %v", v.ID, err)
		}
		if n := placements.order.Len(); n != 1 {
			t.Fatalf("%s: %d placements cached, want 1", v.ID, n)
		}
		again, err := renderAny(ctx, m, v)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fresh, again) {
			t.Fatalf("%s: the drawing from the cached placement differs from the fresh one", v.ID)
		}
		if n := placements.order.Len(); n != 1 {
			t.Fatalf("%s: %d placements cached after a hit, want 1", v.ID, n)
		}
	}
	for _, e := range m.Elements {
		if e.ID == "orders" {
			e.Name += " (renamed)"
		}
	}
	before := placements.order.Len()
	for _, v := range m.Views {
		if v.Kind != ir.ViewSequence {
			if _, err := renderAny(ctx, m, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if placements.order.Len() == before {
		t.Fatal("a renamed element missed no cached placement")
	}
}
