package site

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/diff"
	"github.com/tmc-dev/tmc/compiler/ir"
)

// baseOfCheckout compiles examples/checkout as it might have been one
// change ago: without the flow that reads the provider's keys from Vault
// (two crossings, no decision with them), with the charge's crosses
// reason worded differently, without the charge's egress allow-list and
// retry safeguards, and with charge_idempotency still planned.
func baseOfCheckout(t *testing.T) *ir.Model {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(checkoutDir)); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "services", "billing", "billing.tm")
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	for _, e := range []struct{ old, new string }{
		{`flow psp_key_read: shop.billing -> shop.secrets`, `flow psp_key_read_gone: shop.billing -> shop.secrets`},
		{`"egress allow-list to the provider's API host; API key from Vault"`, `"egress allow-list; API key from the environment"`},
		{"  safeguards egress_allow_list, retry_backoff  # control retry_budget\n", ""},
		{"control charge_idempotency \"Idempotency key = order id on every charge\" {\n  status verified", "control charge_idempotency \"Idempotency key = order id on every charge\" {\n  status planned"},
	} {
		if !strings.Contains(s, e.old) {
			t.Fatalf("billing.tm no longer holds %q: update baseOfCheckout", e.old)
		}
		s = strings.Replace(s, e.old, e.new, 1)
	}
	// The flow is gone at the base: drop its declaration.
	s = regexp.MustCompile(`(?s)flow psp_key_read_gone:.*?\n}\n`).ReplaceAllString(s, "")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := compiler.Compile(dir, compiler.Options{Now: today})
	if err != nil {
		t.Fatal(err)
	}
	return res.Model
}

// reviewInput is the checkout site's input as tmc build --base gives it:
// a revision for the footers and the changes since a base.
func reviewInput(t *testing.T) Input {
	in := inputFor(t, checkoutDir)
	in.Changes = diff.Diff(baseOfCheckout(t), in.Model)
	in.Changes.Old, in.Changes.New = "HEAD~1", "work tree"
	in.Revision = &Revision{Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-12-01 10:00 UTC", Dirty: true}
	return in
}

// TestGoldenReview compares the pages of tmc build --base with their
// goldens: changes.html, report.html, and the overview with a footer
// naming the commit and the version.
func TestGoldenReview(t *testing.T) {
	opts := Options{SourceURL: "https://github.com/tmc-dev/tmc/blob/main/examples/checkout/{path}", Version: "v1.2.3"}
	in := reviewInput(t)
	fm := fileMap(build(t, in, opts))
	again := fileMap(build(t, in, opts))
	for p, data := range fm {
		if !bytes.Equal(data, again[p]) {
			t.Errorf("%s: two builds differ", p)
		}
	}
	goldens(t, fm, map[string]string{
		"changes.html":    "changes",
		"report.html":     "report",
		"index.html":      "index-review",
		"data/token.html": "data-token",
	})

	// What the changes page must say, whatever the markup.
	wantOnPages(t, fm, map[string][]string{
		"changes.html": {
			`<h2>New boundary crossings <span class="count">2</span></h2>`,
			`<span class="badge unmarked">2 without a decision</span>`,
			`<a href="flow/psp_key_read.html">psp_key_read</a>`,
			`egress allow-list; API key from the environment`,
			`<span class="badge change-closed">closed</span>`,
			`<a href="control/charge_idempotency.html">charge_idempotency</a>`,
		},
		"index.html":  {`at commit <code class="commit" title="0123456789abcdef0123456789abcdef01234567">0123456789ab</code> of <time>2026-12-01 10:00 UTC</time>, with uncommitted changes`, `compiled by tmc v1.2.3`, `<a href="changes.html">Changes</a>`},
		"report.html": {`<dt>Commit</dt><dd><code title="0123456789abcdef0123456789abcdef01234567">0123456789ab</code> with uncommitted changes</dd>`, `<dt>Date</dt><dd><time>2026-12-01 10:00 UTC</time></dd>`, `<h2>Top risks`, `<h2>Boundaries and crossings`, `<h2>Threats, controls, tests and evidence`, `<h2>Decisions`},
	})
}

// goldens compares pages with testdata/NAME.golden.html (TMC_UPDATE=1
// rewrites them); diagrams are cut to their root element.
func goldens(t *testing.T, fm map[string][]byte, pages map[string]string) {
	t.Helper()
	for p, name := range pages {
		got, ok := fm[p]
		if !ok {
			t.Errorf("no page %s", p)
			continue
		}
		got = inlineSVG.ReplaceAll(got, []byte(`<svg id="$1">…</svg>`))
		golden := filepath.Join("testdata", name+".golden.html")
		if update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with TMC_UPDATE=1)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (run with TMC_UPDATE=1 and review the diff)", p, golden)
		}
	}
}
