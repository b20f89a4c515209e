package style

import (
	"math"
	"strconv"
	"testing"
)

func luminance(hex string) float64 {
	v, _ := strconv.ParseUint(hex[1:], 16, 32)
	ch := func(c uint64) float64 {
		s := float64(c) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(v>>16&255) + 0.7152*ch(v>>8&255) + 0.0722*ch(v&255)
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// Every text colour reaches WCAG AA (4.5:1) on every fill it is drawn on,
// in both schemes.
func TestContrast(t *testing.T) {
	for name, p := range map[string]Palette{"light": Light, "dark": Dark} {
		fills := map[string]string{"background": p.Background, "node": p.NodeFill, "person": p.PersonFill,
			"external": p.ExternalFill, "store": p.StoreFill, "queue": p.QueueFill, "note": p.NoteFill, "frame tag": p.FrameTag}
		for fill, bg := range fills {
			for text, fg := range map[string]string{"text": p.Text, "muted": p.Muted} {
				if c := contrast(fg, bg); c < 4.5 {
					t.Errorf("%s: %s on %s: contrast %.2f < 4.5", name, text, fill, c)
				}
			}
		}
		for text, fg := range map[string]string{"boundary": p.BoundaryText, "crossing": p.Crossing, "unmarked": p.Unmarked, "edge": p.Edge} {
			if c := contrast(fg, p.Background); c < 4.5 {
				t.Errorf("%s: %s on background: contrast %.2f < 4.5", name, text, c)
			}
		}
	}
}

func TestMeasureAndWrap(t *testing.T) {
	if w := Measure("Order service", FontSize, false); w < 60 || w > 110 {
		t.Errorf("Measure = %.1f, implausible", w)
	}
	if Measure("WWW", FontSize, false) <= Measure("iii", FontSize, false) {
		t.Error("proportional widths expected")
	}
	if Measure("Order", FontSize, true) <= Measure("Order", FontSize, false) {
		t.Error("bold should be wider")
	}
	lines := Wrap("a very long label that will not fit in one short line at all", FontSize, 100, false, 0)
	for _, l := range lines {
		if Measure(l, FontSize, false) > 100 {
			t.Errorf("line %q too wide", l)
		}
	}
	if len(lines) < 3 {
		t.Errorf("expected wrapping, got %q", lines)
	}
	if got := Wrap("Supercalifragilisticexpialidocious", FontSize, 60, false, 2); len(got) != 2 || got[1][len(got[1])-3:] != "…" {
		t.Errorf("long word: %q", got)
	}
}

func TestID(t *testing.T) {
	if got := ID("container-shop", "flow", "shop.orders->shop.db"); got != "tm-container_2d_shop--flow--shop-orders_2d__3e_shop-db" {
		t.Errorf("ID = %q", got)
	}
	// Injective: an unnamed flow a->b and a flow named a__b, a_2d_ and "a-".
	seen := map[string]string{}
	for _, id := range []string{"a->b", "a__b", "a_2d_", "a-", "a.b", "a-b", "a_b", "ab"} {
		got := ID("v", "flow", id)
		if other, dup := seen[got]; dup {
			t.Errorf("%q and %q share the id %q", id, other, got)
		}
		seen[got] = id
	}
}
