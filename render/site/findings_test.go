package site

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
)

var (
	registerRow = regexp.MustCompile(`(?s)<tr( class="finding-row")? data-source="[^"]*".*?</tr>`)
	heatCount   = regexp.MustCompile(`: \d+ open, (\d+) in all">`)
)

// TestRegisterFindings: the register of examples/checkout lists every
// finding of the threat rules that no declared threat claims, once, beside
// the declared threats; a claimed finding is shown on its threat's row
// only; an accepted one shows its acceptance; the heat map counts the
// register's rows; target pages and the search index hold the findings.
func TestRegisterFindings(t *testing.T) {
	in := inputFor(t, checkoutDir)
	m := in.Model
	fm := fileMap(build(t, in, Options{}))
	reg := string(fm["register.html"])

	status := map[string]string{}
	listed := 0
	for _, f := range m.Findings {
		status[f.Fingerprint] = f.Status
		if f.Status != ir.Claimed {
			listed++
		}
	}
	// The example holds every kind: open, accepted, claimed.
	if len(m.Findings) < 15 || status["TMR-I01@cart_rw"] != ir.Claimed || status["TMR-R01@payment_delivery"] != ir.Accepted ||
		status["TMR-I05@shop.events"] != ir.Open {
		t.Fatalf("examples/checkout's findings are not as this test expects: %v", status)
	}

	rows := registerRow.FindAllStringSubmatch(reg, -1)
	findingRows := map[string]string{}
	threatRows := 0
	for _, r := range rows {
		if r[1] == "" {
			threatRows++
			continue
		}
		fp := regexp.MustCompile(`<div class="id">([^<]*)</div>`).FindStringSubmatch(r[0])
		if fp == nil {
			t.Fatalf("a finding row without its fingerprint: %s", r[0])
		}
		if _, dup := findingRows[fp[1]]; dup {
			t.Errorf("register: %s listed twice", fp[1])
		}
		findingRows[fp[1]] = r[0]
	}
	if threatRows != len(m.Threats) || len(findingRows) != listed || listed == 0 {
		t.Errorf("register: %d threat rows and %d finding rows, want %d and %d", threatRows, len(findingRows), len(m.Threats), listed)
	}
	if !strings.Contains(reg, `<span class="count">`+strconv.Itoa(len(m.Threats)+listed)+`</span>`) {
		t.Errorf("register: the count is not %d", len(m.Threats)+listed)
	}
	for _, f := range m.Findings {
		row, ok := findingRows[f.Fingerprint]
		if f.Status == ir.Claimed {
			if ok {
				t.Errorf("register: claimed %s has a row of its own", f.Fingerprint)
			}
			continue
		}
		if !ok {
			t.Errorf("register: no row for %s", f.Fingerprint)
			continue
		}
		for _, want := range []string{
			`href="` + findingPath(f) + `"`,
			`<span class="badge source-rule">rule <a href="rules.html#` + strings.ToLower(f.Rule) + `">` + f.Rule + `</a></span>`,
			`data-source="rule ` + f.Rule + `"`,
			`data-status="` + f.Status + `"`,
			`data-impact="` + strconv.Itoa(f.Impact) + `"`,
			`<td data-value="` + strconv.Itoa(bandRank(f.Band)) + `"><span class="badge band band-` + f.Band + `">`,
		} {
			if !strings.Contains(row, want) {
				t.Errorf("register: the row of %s has no %q", f.Fingerprint, want)
			}
		}
	}

	// The claimed finding is on the row of the threat that claims it, and
	// the rule filter finds that threat.
	claimed := `claims <a href="finding/tmr-i01@cart_rw.html">TMR-I01@cart_rw</a>`
	if n := strings.Count(reg, "TMR-I01@cart_rw"); n != 1 || !strings.Contains(reg, claimed) ||
		!strings.Contains(reg, `data-source="declared TMR-I01"`) {
		t.Errorf("register: TMR-I01@cart_rw appears %d times, want once, as %q on cache_leak's row", n, claimed)
	}
	// The accepted finding shows its acceptance: owner, date, reason.
	accepted := `<div class="accept-note">Accepted by <strong>payments-lead</strong> until <time>2027-06-30</time>: payment events carry the order id`
	if !strings.Contains(findingRows["TMR-R01@payment_delivery"], accepted) {
		t.Errorf("register: the accepted finding's row has no %q", accepted)
	}

	// The heat map's "all" counts every row of the register.
	heat := 0
	for _, c := range heatCount.FindAllStringSubmatch(string(fm["index.html"]), -1) {
		n, _ := strconv.Atoi(c[1])
		heat += n
	}
	if heat != len(m.Threats)+listed {
		t.Errorf("heat map counts %d, want %d threats and findings", heat, len(m.Threats)+listed)
	}

	// Target pages, the claiming threat's page, the finding's own page.
	wantOnPages(t, fm, map[string][]string{
		pagePath(kindElement, "shop.events"):   {`href="../finding/tmr-i05@shop.events.html"`, `href="../finding/tmr-i08@shop.events.html"`},
		pagePath(kindFlow, "payment_delivery"): {`href="../finding/tmr-r01@payment_delivery.html"`, accepted},
		pagePath(kindFlow, "cart_rw"):          {`Also found here, claimed by a declared threat: <a href="../finding/tmr-i01@cart_rw.html">TMR-I01@cart_rw</a> by <a href="../threat/cache_leak.html">`},
		pagePath(kindBoundary, "cluster"):      {`href="../finding/tmr-i05@shop.events.html"`, `href="../register.html#boundary=cluster&amp;source=rule"`},
		pagePath(kindThreat, "cache_leak"):     {`<h2>Findings it claims <span class="count">1</span></h2>`, `href="../finding/tmr-i01@cart_rw.html"`},
		"finding/tmr-i01@cart_rw.html": {`<section class="card claimed">`, `href="../threat/cache_leak.html"`, `href="../rules.html#tmr-i01"`,
			`<h2>Why this score</h2>`, `<li>impact 4: rule default (the most at stake: carries confidential <code>cart</code>)</li>`,
			`<li>likelihood 3: rule default (reachable from <code>internet</code> in 3 hops)</li>`},
		"finding/tmr-r01@payment_delivery.html": {`<h2>Risk accepted</h2>`, `<strong>payments-lead</strong> until <time>2027-06-30</time>`},
		"rules.html":                            {`id="tmr-i01"`, `href="register.html#source=TMR-I01"`},
	})

	// The search index has a page per finding.
	idx := fm["assets/search-index.js"]
	idx = idx[strings.IndexByte(string(idx), '['):]
	idx = []byte(strings.TrimSuffix(strings.TrimSpace(string(idx)), ";"))
	var entries []searchEntry
	if err := json.Unmarshal(idx, &entries); err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, e := range entries {
		if e.Kind == kindFinding {
			found[e.ID] = e.URL
		}
	}
	for _, f := range m.Findings {
		if found[f.Fingerprint] != findingPath(f) {
			t.Errorf("search index: %s at %q, want %q", f.Fingerprint, found[f.Fingerprint], findingPath(f))
		}
	}
}

// TestFindingPath: finding pages are named rule@target, readable and
// distinct; an odd fingerprint gets an escaped name.
func TestFindingPath(t *testing.T) {
	flow := &ir.Flow{ID: "a->b"}
	el := &ir.Element{ID: "API"}
	cases := []struct {
		f    *ir.Finding
		want string
	}{
		{&ir.Finding{Rule: "TMR-S03", Fingerprint: "TMR-S03@a->b", Target: ir.Target{Flow: flow}}, "finding/tmr-s03@a-~3Eb.html"},
		{&ir.Finding{Rule: "TMR-S03", Fingerprint: "TMR-S03@API", Target: ir.Target{Element: el}}, "finding/tmr-s03@~41~50~49.html"},
		{&ir.Finding{Rule: "x/y", Fingerprint: "x/y@API", Target: ir.Target{Element: el}}, "finding/~~x~2Fy~40~41~50~49.html"},
		{&ir.Finding{Rule: "TMR-S03", Fingerprint: "TMR-S03@other", Target: ir.Target{Element: el}}, "finding/~~~54~4D~52-~5303~40other.html"},
	}
	for _, c := range cases {
		if got := findingPath(c.f); got != c.want {
			t.Errorf("findingPath(%q) = %q, want %q", c.f.Fingerprint, got, c.want)
		}
	}
}

// TestPatternAcceptances: the findings an acceptance pattern covers show
// its reason on their pages; when a pattern has expired, each of its
// findings shows it as expired, unless an acceptance by fingerprint
// still holds for it.
func TestPatternAcceptances(t *testing.T) {
	src := `boundary vendor "Vendor" { trust external }
boundary core "Core" { trust high }
system psp "PSP" in vendor { external }
system shop "Shop" {
  container api "API" in core
  container admin "Admin" in core
}
flow hook: psp -> shop.api "Webhook" { crosses vendor, core "allow-list" }
flow hook2: psp -> shop.admin "Webhook 2" { crosses vendor, core "allow-list" }
accept "TMR-S01@*" { reason "gateway mTLS for all providers" owner "edge" until 2027-06-30 }
accept "TMR-S03@hook*" { reason "signatures were due" owner "edge" until 2026-01-31 }
accept "TMR-S03@hook2" { reason "hook2 verified by the proxy" owner "edge" until 2027-06-30 }
`
	res := compiler.ParseFile(t.TempDir(), "m.tm", []byte(src), compiler.Options{Now: today})
	fm := fileMap(build(t, Input{Model: res.Model, Diags: res.Diags}, Options{}))
	wantOnPages(t, fm, map[string][]string{
		"finding/tmr-s01@hook.html":  {"gateway mTLS for all providers", "with every finding of <code>TMR-S01@*</code>"},
		"finding/tmr-s01@hook2.html": {"gateway mTLS for all providers"},
		"finding/tmr-s03@hook.html":  {"signatures were due", "expired"},
		"finding/tmr-s03@hook2.html": {"hook2 verified by the proxy"},
	})
	if p := string(fm["finding/tmr-s03@hook2.html"]); strings.Contains(p, "signatures were due") {
		t.Error("finding/tmr-s03@hook2.html shows the expired pattern beside the acceptance that holds")
	}
}

// TestProvidedAndDismissed: element and flow pages list every safeguard
// with where it comes from (declared, provided by a control in place, or
// from a planned control that does not count yet); a control page lists
// what it provides; a dismissed finding shows its reviewer and reason on
// its page and in the register, and counts as dismissed.
func TestProvidedAndDismissed(t *testing.T) {
	src := `boundary vendor "Vendor" { trust external }
boundary core "Core" { trust high }
system psp "PSP" in vendor { external }
system shop "Shop" {
  container api "API" in core { safeguards input_validation }
  container admin "Admin" in core
}
flow hook: psp -> shop.api "Payment webhook" { crosses vendor, core "allow-list" }
flow refund: psp -> shop.admin "Refund webhook" { crosses vendor, core "allow-list" }
control sig "Signed webhooks" { status implemented  provides webhook_signature on hook, refund }
control dedup "Event dedup table" { status planned  provides idempotency_keys on shop.admin }
dismiss "TMR-S01@hook" { reason "the edge verifies the provider's client certificate" reviewer "security-lead" }
`
	res := compiler.ParseFile(t.TempDir(), "m.tm", []byte(src), compiler.Options{Now: today})
	fm := fileMap(build(t, Input{Model: res.Model, Diags: res.Diags}, Options{}))
	wantOnPages(t, fm, map[string][]string{
		"flow/hook.html":        {"<dt>Safeguards</dt>", `<a href="../control/sig.html">webhook_signature (provided by control Signed webhooks)</a>`},
		"element/shop.api.html": {"<dt>Safeguards</dt><dd>input_validation (declared)</dd>"},
		"element/shop.admin.html": {
			`<a href="../control/dedup.html">idempotency_keys (from planned control Event dedup table: does not count yet)</a>`},
		"control/sig.html":   {"<dt>Provides</dt>", `<a href="../flow/hook.html">webhook_signature on Payment webhook</a>`, `webhook_signature on Refund webhook`},
		"control/dedup.html": {"<dt>Provides (once in place)</dt>", `<a href="../element/shop.admin.html">idempotency_keys on Admin</a>`},
		"finding/tmr-s01@hook.html": {"status-dismissed", "<h2>Dismissed</h2>", "the edge verifies the provider&#39;s client certificate",
			"<strong>security-lead</strong>"},
		"register.html": {`data-status="dismissed"`, `<div class="dismiss-note">Dismissed by <strong>security-lead</strong>`, ", 1 dismissed)",
			`<option value="dismissed">dismissed</option>`},
		"index.html": {" · 1 dismissed"},
	})
	for p := range fm {
		if strings.HasPrefix(p, "finding/tmr-s03@") {
			t.Errorf("%s: the webhook signature an implemented control provides must close TMR-S03", p)
		}
	}
	if p := string(fm["finding/tmr-s01@refund.html"]); strings.Contains(p, "<h2>Dismissed</h2>") {
		t.Error("finding/tmr-s01@refund.html is shown dismissed; only TMR-S01@hook is")
	}
}
