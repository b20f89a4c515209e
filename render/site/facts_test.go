package site

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestFactPages shows the facts threat rules read on the element, flow,
// data and boundary pages of the model in compiler's facts case.
func TestFactPages(t *testing.T) {
	ar, err := txtar.ParseFile("../../compiler/testdata/checks/facts.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		if f.Name != "diagnostics" {
			if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	fm := fileMap(build(t, inputFor(t, dir), Options{}))
	wantOnPages(t, fm, map[string][]string{
		"element/shop.api.html": {"<dt>Technology</dt><dd>api (Go)</dd>", "<dt>Criticality</dt><dd>critical</dd>",
			"<dt>Custom-developed</dt><dd>yes</dd>", "<dt>Processes</dt>", `href="../data/card.html"`,
			"<dt>Accepts</dt><dd>json, form data</dd>", "<dt>Runs on</dt><dd>Shared node pool (node pool)</dd>"},
		"element/shop.db.html": {"<dt>Stores</dt>", "<dt>Criticality</dt><dd>mission critical</dd>"},
		"element/crm.html":     {"<dt>Out of scope</dt><dd>operated and assessed by the vendor</dd>"},
		"flow/call.html":       {"<dt>Authentication</dt><dd>token</dd>", "<dt>Authorization</dt><dd>end user identity</dd>", "<dt>Usage</dt><dd>business</dd>"},
		"flow/reply.html":      {"<dt>Response to</dt>", `href="../flow/call.html"`, "<dt>Read-only</dt><dd>yes</dd>"},
		"flow/ops.html":        {"<dt>VPN</dt><dd>yes</dd>", "<dt>IP-filtered</dt><dd>yes</dd>", "<dt>Authentication</dt><dd>client certificate</dd>"},
		"data/card.html":       {"<dt>Integrity</dt><dd>critical</dd>", "<dt>Availability</dt><dd>important</dd>"},
		"boundary/vpc.html":    {"<dt>Type</dt><dd>cloud account</dd>"},
	})
}
