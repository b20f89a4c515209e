package diff

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tmc-dev/tmc/compiler"
)

var now = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

func compile(t *testing.T, src string) *compiler.Result {
	t.Helper()
	res := compiler.ParseFile(t.TempDir(), "core.tm", []byte(src), compiler.Options{Now: now})
	return res
}

func replace(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("the core example changed: %q is gone", old)
	}
	return strings.Replace(s, old, new, 1)
}

func TestDiff(t *testing.T) {
	data, err := os.ReadFile("../testdata/core/core.tm")
	if err != nil {
		t.Fatal(err)
	}
	oldSrc := string(data)
	newSrc := replace(t, oldSrc, "# error: crosses vendor and cluster, but does not say so", `crosses vendor, cluster "HMAC"`)
	newSrc = replace(t, newSrc, "status implemented        # proposed", "status planned        # proposed")
	newSrc = replace(t, newSrc, `  container deployer "Deploy pipeline" in ci { tech "GitHub Actions" }`,
		`  container deployer "Deploy pipeline" in ci { tech "GitHub Actions" }
  container audit "Audit log" in cluster { tech "Loki" }`)
	newSrc += `
flow refund: psp -> shop.orders "Refund" { protocol https }
flow deploy: shop.deployer -> shop.billing "Roll out" {
  protocol https
  crosses ci, cluster "OIDC-federated deploy identity"
}
decision adr9 "Deploys through OIDC only" {
  status accepted
  affects shop.billing
}
`
	o, n := compile(t, oldSrc), compile(t, newSrc)
	if o.Diags.HasErrors() != true || n.Diags.HasErrors() != true {
		t.Fatalf("want the TM301 of refund on the new side and of webhook on the old:\n%v\n%v", o.Diags, n.Diags)
	}
	r := Diff(o.Model, n.Model)

	if got := strings.Join(r.Elements.Added, " "); got != "shop.audit" || len(r.Elements.Removed) != 0 {
		t.Errorf("elements: %+v", r.Elements)
	}
	if got := strings.Join(r.Flows.Added, " "); got != "deploy refund" {
		t.Errorf("flows: %+v", r.Flows)
	}
	var added []string
	for _, c := range r.CrossingsAdded {
		added = append(added, c.Flow+":"+c.Direction+":"+c.Boundary+":"+strings.Join(c.Decisions, ","))
	}
	if got := strings.Join(added, " "); got != "deploy:leave:ci:adr9 deploy:enter:cluster:adr9 refund:leave:vendor: refund:enter:cluster:" {
		t.Errorf("crossings added: %s", got)
	}
	if len(r.Unrecorded()) != 2 || r.Unrecorded()[0].Flow != "refund" {
		t.Errorf("unrecorded: %+v", r.Unrecorded())
	}
	if len(r.CrossingsRemoved) != 0 {
		t.Errorf("crossings removed: %+v", r.CrossingsRemoved)
	}
	if len(r.ReasonsChanged) != 2 || r.ReasonsChanged[0] != (ReasonChange{"webhook", "vendor", "leave", "", "HMAC"}) ||
		r.ReasonsChanged[1] != (ReasonChange{"webhook", "cluster", "enter", "", "HMAC"}) {
		t.Errorf("reasons: %+v", r.ReasonsChanged)
	}
	if len(r.Controls) != 1 || r.Controls[0] != (Change{Kind: Changed, ID: "tenant_binding", OldStatus: "implemented", NewStatus: "planned"}) {
		t.Errorf("controls: %+v", r.Controls)
	}
	if len(r.Threats) != 1 || r.Threats[0] != (Change{Kind: Changed, ID: "cross_tenant_jwt", Target: "place", OldBand: "critical", NewBand: "critical", OldStatus: "mitigated", NewStatus: "open"}) {
		t.Errorf("threats: %+v", r.Threats)
	}
	var fadd []string
	for _, f := range r.Findings {
		if f.Kind != Added {
			t.Errorf("finding not added: %+v", f)
		}
		fadd = append(fadd, f.ID)
	}
	if !strings.Contains(strings.Join(fadd, " "), "TMR-S03@refund") {
		t.Errorf("findings: %v", fadd)
	}
	if len(r.DecisionsAdded) != 1 || r.DecisionsAdded[0].ID != "adr9" || strings.Join(r.DecisionsAdded[0].Affects, ",") != "shop.billing" {
		t.Errorf("decisions: %+v", r.DecisionsAdded)
	}

	// Deterministic, and nothing between a model and itself.
	var a, b bytes.Buffer
	JSON(&a, Diff(o.Model, n.Model))
	JSON(&b, Diff(o.Model, n.Model))
	if a.String() != b.String() {
		t.Error("two diffs of the same models differ")
	}
	var doc map[string]any
	if err := json.Unmarshal(a.Bytes(), &doc); err != nil || doc["schema"] != Schema {
		t.Errorf("JSON: %v %v", err, doc["schema"])
	}
	same := Diff(n.Model, compile(t, newSrc).Model)
	if !same.Empty() {
		t.Errorf("a model differs from itself: %+v", same)
	}
	var txt bytes.Buffer
	Text(&txt, same)
	if txt.String() != "no change in threat terms\n" {
		t.Errorf("empty text: %q", txt.String())
	}
	var empty bytes.Buffer
	JSON(&empty, same)
	if strings.Contains(empty.String(), "null") {
		t.Errorf("empty JSON has null lists:\n%s", empty.String())
	}
	// Removing everything is the mirror image.
	back := Diff(n.Model, o.Model)
	if strings.Join(back.Elements.Removed, " ") != "shop.audit" || len(back.CrossingsRemoved) != 4 || len(back.DecisionsAdded) != 0 {
		t.Errorf("reverse diff: %+v", back)
	}
}

// Acceptances added, removed and changed (an expiry pushed back) are
// listed with the findings they cover, in every format.
func TestDiffAcceptances(t *testing.T) {
	base := `boundary vendor "Vendor" { trust external }
boundary core "Core" { trust high }
system psp "PSP" in vendor { external }
system shop "Shop" {
  container api "API" in core
  container admin "Admin" in core
}
flow hook: psp -> shop.api "Webhook" { auth hmac crosses vendor, core "allow-list" }
flow hook2: psp -> shop.admin "Webhook 2" { auth hmac crosses vendor, core "allow-list" }
`
	oldSrc := base + `accept "TMR-S05@hook" { reason "dedup by event id" owner "payments" until 2027-01-31 }
accept "TMR-S05@hook2" { reason "dedup by event id" owner "payments" until 2027-01-31 }
`
	newSrc := base + `accept "TMR-S05@hook" { reason "dedup by event id" owner "payments" until 2027-06-30 }
accept "TMR-S03@*" { reason "the proxy verifies signatures" owner "edge" until 2027-06-30 }
`
	r := Diff(compile(t, oldSrc).Model, compile(t, newSrc).Model)
	want := []Acceptance{
		{Kind: Added, Accept: "TMR-S03@*", Owner: "edge", Until: "2027-06-30", Reason: "the proxy verifies signatures", Findings: 2},
		{Kind: Removed, Accept: "TMR-S05@hook2", Owner: "payments", Until: "2027-01-31", Reason: "dedup by event id", Findings: 1},
		{Kind: Changed, Accept: "TMR-S05@hook", Owner: "payments", Until: "2027-06-30", OldUntil: "2027-01-31", Reason: "dedup by event id", Findings: 1},
	}
	if len(r.Acceptances) != len(want) {
		t.Fatalf("acceptances: %+v", r.Acceptances)
	}
	for i := range want {
		if r.Acceptances[i] != want[i] {
			t.Errorf("acceptance %d: %+v, want %+v", i, r.Acceptances[i], want[i])
		}
	}
	var txt, md, js bytes.Buffer
	Text(&txt, r)
	Markdown(&md, r)
	JSON(&js, r)
	for _, line := range []string{
		"acceptances: +1 -1 ~1\n",
		`  + TMR-S03@* (2 findings): by "edge" until 2027-06-30: the proxy verifies signatures` + "\n",
		`  - was TMR-S05@hook2 (1 finding): by "payments" until 2027-01-31: dedup by event id` + "\n",
		`  ~ TMR-S05@hook (1 finding): by "payments" until 2027-01-31 -> 2027-06-30: dedup by event id` + "\n",
	} {
		if !strings.Contains(txt.String(), line) {
			t.Errorf("text: no %q in\n%s", line, txt.String())
		}
	}
	if !strings.Contains(md.String(), "- ➕ `TMR-S03@*` (2 findings)") || !strings.Contains(md.String(), "until 2027-01-31 → 2027-06-30") {
		t.Errorf("markdown:\n%s", md.String())
	}
	if !strings.Contains(js.String(), `"old_until": "2027-01-31"`) {
		t.Errorf("json:\n%s", js.String())
	}
	if same := Diff(compile(t, newSrc).Model, compile(t, newSrc).Model); !same.Empty() {
		t.Errorf("a model differs from itself: %+v", same.Acceptances)
	}
}
