package compiler_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
)

// TestRefs checks that every resolved name is recorded once per segment,
// with the segment's range and the declaration it names.
func TestRefs(t *testing.T) {
	src := `boundary cluster "C" { trust high  boundary data "D" { trust high } }
system shop "Shop" {
  container orders "Orders" in cluster
  database db "DB" in cluster.data
}
extend shop { container billing "Billing" in cluster }
data order "Order" { classification internal }
flow place: shop.orders -> db "Store" { carries order  crosses data "role" }
threat t "T" { stride spoofing on place impact 1 likelihood 1 mitigated_by nope }
view v "V" { dfd include shop.* }
`
	res := compiler.ParseFile(t.TempDir(), "m.tm", []byte(src), compiler.Options{})
	var got []string
	for _, r := range res.Model.Refs {
		got = append(got, fmt.Sprintf("%d:%d-%d %s %s", r.Range.Start.Line, r.Range.Start.Col, r.Range.End.Col, r.Kind, r.Path))
		if text := src[r.Range.Start.Offset:r.Range.End.Offset]; !strings.HasSuffix(r.Path, text) && !strings.Contains(r.Path, text) {
			t.Errorf("ref %s covers %q", got[len(got)-1], text)
		}
	}
	for _, w := range []string{
		"6:8-12 element shop",           // extend shop
		"3:32-39 boundary cluster",      // in cluster
		"4:31-35 boundary cluster.data", // in cluster.data: the last segment...
		"4:23-30 boundary cluster",      // ...and the prefix
		"8:13-17 element shop",
		"8:18-24 element shop.orders",
		"8:28-30 element shop.db", // a bare name
		"8:49-54 data asset order",
		"8:64-68 boundary cluster.data",
		"9:35-40 flow place",
		"10:26-30 element shop", // a view pattern, shop.*
	} {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("missing ref %s; have:\n%s", w, strings.Join(got, "\n"))
		}
	}
	for _, g := range got {
		if strings.Contains(g, "nope") {
			t.Errorf("an undefined name has a ref: %s", g)
		}
	}
}
