package lsp

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRenameFingerprints: renaming a flow renames it in the fingerprints
// that claims and accept name ("TMR-I01@cart_rw"), in its own file and in
// another, so the model stays free of errors and warnings (no TM602 for a
// fingerprint that names nothing); a string that only looks like one, in
// a description, is left alone.
func TestRenameFingerprints(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795478400") // 2026-11-24
	dir := copyTree(t, "../../../../examples/checkout")
	c := startServer(t, New())
	c.result("initialize", map[string]any{"capabilities": map[string]any{}}, nil)
	c.notify("initialized", map[string]any{})
	orders := c.open(filepath.Join(dir, "services/orders/orders.tm"))
	events := c.open(filepath.Join(dir, "services/events/events.tm"))
	before := c.waitDiagnostics(orders, func([]lspDiagnostic) bool { return true })
	if n := len(errorsOf(before, "")); n != 0 {
		t.Fatalf("checkout has %d errors or warnings before the rename: %+v", n, before)
	}
	// A description that reads like a fingerprint of cart_rw.
	end := c.find(orders, `flow cart_rw: shop.orders -> shop.sessions "Read and write cart" {`, 0, 0)
	end.Line++
	c.edit(orders, textEdit{Range: lspRange{end, end}, NewText: "  description \"TMR-I01@cart_rw\"\n"})

	for _, tc := range []struct {
		uri, decl, name, fp, file string
	}{
		{orders, "cart_rw: shop", "cart_access", `claims "TMR-I01@cart_access"`, "orders.tm"},
		{events, "payment_delivery: shop", "payment_fanout", `accept "TMR-R01@payment_fanout"`, "events.tm"},
	} {
		var we workspaceEdit
		c.result("textDocument/rename", withNewName(posParams(tc.uri, c.find(tc.uri, tc.decl, 0, 1)), tc.name), &we)
		for uri, edits := range we.Changes {
			c.edit(uri, edits...)
		}
		if !strings.Contains(c.texts[tc.uri], tc.fp) {
			t.Errorf("rename to %s left the fingerprint in %s:\n%s", tc.name, tc.file, c.texts[tc.uri])
		}
	}
	if !strings.Contains(c.texts[orders], `description "TMR-I01@cart_rw"`) {
		t.Error("the rename changed a description")
	}
	ds := c.waitDiagnostics(orders, func(ds []lspDiagnostic) bool { return len(errorsOf(ds, "")) == 0 })
	if n := len(errorsOf(ds, "TM602")); n != 0 {
		t.Errorf("after the renames: %+v", ds)
	}
	ds = c.waitDiagnostics(events, func(ds []lspDiagnostic) bool { return len(errorsOf(ds, "")) == 0 })
	if n := len(errorsOf(ds, "")); n != 0 {
		t.Errorf("events.tm after the renames: %+v", ds)
	}
}
