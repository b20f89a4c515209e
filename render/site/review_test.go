package site

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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
		"changes.html":      "changes",
		"report.html":       "report",
		"index.html":        "index-review",
		"data/payment.html": "data-payment",
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

// TestReviewFacts checks what the reviewer's pages say, page by page:
// the idempotency key read back from the safeguard, the register's order,
// the heat map's open counts, a data asset's places and exposure, and the
// search index's crossing reasons, safeguards and CWE ids.
func TestReviewFacts(t *testing.T) {
	in := inputFor(t, checkoutDir)
	fm := fileMap(build(t, in, Options{}))

	// Flows that declare safeguards idempotency_keys have an idempotency key.
	for _, f := range in.Model.Flows {
		if f.HasSafeguard("idempotency_keys") {
			page := string(fm[pagePath(kindFlow, f.ID)])
			if !strings.Contains(page, `<dt>Idempotency key</dt><dd>yes</dd>`) {
				t.Errorf("flow %s declares idempotency_keys, its page does not say yes", f.ID)
			}
		}
	}
	if !strings.Contains(string(fm[pagePath(kindFlow, "webhook")]), `<dt>Idempotency key</dt><dd>yes</dd>`) {
		t.Error("flow webhook (safeguards idempotency_keys): not yes")
	}

	// The register: open rows first, then accepted and transferred, then
	// mitigated and dismissed.
	statuses := regexp.MustCompile(`<tr[^>]* data-status="([a-z]+)"`).FindAllStringSubmatch(string(fm["register.html"]), -1)
	last := -1
	for _, s := range statuses {
		r := statusRank(s[1])
		if r < last {
			t.Errorf("register: a %s row after a row of a later group", s[1])
		}
		last = r
	}
	if len(statuses) < 20 || statuses[0][1] != "open" {
		t.Errorf("register: %d rows, the first %v", len(statuses), statuses[:1])
	}

	// The heat map counts the open rows by default.
	open, openCells := 0, 0
	for _, th := range in.Model.Threats {
		if th.Status == "open" {
			open++
		}
	}
	for _, f := range in.Model.Findings {
		if f.Status == "open" {
			open++
		}
	}
	for _, c := range regexp.MustCompile(`: (\d+) open, \d+ in all">`).FindAllStringSubmatch(string(fm["index.html"]), -1) {
		n, _ := strconv.Atoi(c[1])
		openCells += n
	}
	if openCells != open || open == 0 {
		t.Errorf("heat map counts %d open, want %d", openCells, open)
	}

	// Search: crossing reasons, safeguards, CWE ids.
	idx := string(fm["assets/search-index.js"])
	for _, want := range []string{"JWT validated at the gateway", "idempotency_keys", "idempotency keys", "CWE-345"} {
		if !strings.Contains(idx, want) {
			t.Errorf("search index: %q missing", want)
		}
	}

	// A data asset: where it is stored and processed, its crossings, and
	// what exposes it.
	dir := t.TempDir()
	model := `
boundary net "Internet" { trust untrusted }
boundary core "Core" { trust high }
data pw "Password" { classification secret  credentials }
person user "User" in net
system s "S" {
  container api "API" in core { processes pw }
  database db "Users DB" in core { stores pw }
}
flow login: user -> s.api "Log in" { protocol https  carries pw  crosses net, core "TLS; password checked against a slow hash" }
flow s.api -> s.db "Check" { protocol postgres  carries pw }
threat stuffing "Credential stuffing" { stride spoofing  on login  impact 4  likelihood 4  mitigated_by mfa }
threat guess "Password guessing" { stride spoofing  on login  impact 3  likelihood 3 }
control mfa "Second factor" { status planned }
threat dump "Users DB dumped" { stride information_disclosure  on s.db  impact 5  likelihood 2  accepted "hashed" by "sec" until 2099-01-01 }
`
	if err := os.WriteFile(filepath.Join(dir, "m.tm"), []byte(model), 0o644); err != nil {
		t.Fatal(err)
	}
	sm := fileMap(build(t, inputFor(t, dir), Options{}))
	wantOnPages(t, sm, map[string][]string{
		pagePath(kindData, "pw"): {
			`<dt>Stored in</dt><dd><a href="../element/s.db.html">Users DB</a> <span class="muted small">database</span></dd>`,
			`<dt>Processed by</dt><dd><a href="../element/s.api.html">API</a> <span class="muted small">container</span></dd>`,
			`<h2>Crossings it travels over <span class="count">2</span></h2>`,
			`TLS; password checked against a slow hash`,
			`<a href="../threat/stuffing.html">Credential stuffing</a>`,
		},
	})
	// The overview's top risks: inherent and residual risk, and what is on
	// the way; the accepted threat is not among them.
	wantOnPages(t, sm, map[string][]string{
		"index.html": {
			`<a href="threat/stuffing.html">Credential stuffing</a> <span class="badge source-declared">declared</span>`,
			`<span class="risk-line">4 × 4 = <strong>16</strong></span> <span class="badge band band-high">high</span></td><td><strong>16</strong> <span class="badge band band-high">high</span><div class="small muted">until <a href="control/mfa.html">Second factor (planned)</a> is in place</div>`,
		},
		"report.html": { // every open risk, not only the top ones
			`<a href="threat/guess.html">Password guessing</a> <span class="badge source-declared">declared</span>`,
			`<strong>9</strong> <span class="badge band band-medium">medium</span><div class="small muted">no control planned</div>`,
		},
	})
	if strings.Contains(string(sm["report.html"]), `<td><a href="threat/dump.html"`) {
		t.Error("report: an accepted threat among the open risks")
	}
	if strings.Contains(string(sm[pagePath(kindData, "pw")]), "threat/dump.html") {
		t.Error("data page: an accepted threat listed as exposing it")
	}
}
