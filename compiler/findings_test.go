package compiler_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/compiler/rules"
)

// Safeguards are sorted and deduplicated, from every statement, extend
// block included; idempotency_key counts as the idempotency_keys safeguard.
func TestSafeguardsIR(t *testing.T) {
	src := `boundary net "Net" { trust high }
system s "S" in net { container a "A" { safeguards rate_limiting, audit_logging  writes_logs } container b "B" }
extend s.a { safeguards mtls, audit_logging  multi_tenant  admin_interface  control_plane }
flow s.a -> s.b "x" { idempotency_key  safeguards mtls, correlation_id, mtls }
`
	res := compiler.ParseFile(t.TempDir(), "m.tm", []byte(src), compiler.Options{Now: today})
	if len(res.Diags) != 0 {
		t.Fatalf("unexpected diagnostics: %v", res.Diags)
	}
	a := res.Model.Elements[1]
	if a.ID != "s.a" || strings.Join(a.Safeguards, ",") != "audit_logging,mtls,rate_limiting" ||
		!a.WritesLogs || !a.MultiTenant || !a.AdminInterface || !a.ControlPlane {
		t.Errorf("element s.a: %+v", a)
	}
	f := res.Model.Flows[0]
	if strings.Join(f.Safeguards, ",") != "correlation_id,idempotency_keys,mtls" || !f.IdempotencyKey {
		t.Errorf("flow safeguards: %v", f.Safeguards)
	}
}

func findingsOf(t *testing.T, dir string) []string {
	t.Helper()
	res, err := compiler.Compile(dir, compiler.Options{Now: today})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range res.Model.Findings {
		out = append(out, f.Fingerprint)
	}
	return out
}

// On DESIGN.md's core example, the unsigned payment webhook is a spoofing
// finding, with the same fingerprints on every run.
func TestCoreExampleFindings(t *testing.T) {
	a, b := findingsOf(t, "testdata/core"), findingsOf(t, "testdata/core")
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("fingerprints differ across runs:\n%v\n%v", a, b)
	}
	res, err := compiler.Compile("testdata/core", compiler.Options{Now: today})
	if err != nil {
		t.Fatal(err)
	}
	var hook *ir.Finding
	for _, f := range res.Model.Findings {
		if f.Fingerprint == "TMR-S03@webhook" {
			hook = f
		}
	}
	if hook == nil || hook.Target.Flow == nil || hook.Target.Flow.ID != "webhook" || hook.Stride[0] != "spoofing" {
		t.Fatalf("no spoofing finding on the webhook flow; findings: %v", a)
	}
}

// TestCheckoutFindings pins the findings of the bundled example, with their
// status: each one is a threat its model implies and no declared safeguard
// silences; a declared threat may claim it, an accept accept it.
func TestCheckoutFindings(t *testing.T) {
	a, b := findingsOf(t, "../examples/checkout"), findingsOf(t, "../examples/checkout")
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatal("fingerprints differ across runs")
	}
	res, err := compiler.Compile("../examples/checkout", compiler.Options{Now: today})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range res.Model.Findings {
		a[i] += " " + f.Status
		if f.ClaimedBy != nil {
			a[i] += " by " + f.ClaimedBy.ID
		}
	}
	got := strings.Join(a, "\n") + "\n"
	golden(t, "testdata/checkout.findings", []byte(got))
}

// A claimed finding has status claimed and points at its threat; an
// accepted one has status accepted; an expired acceptance leaves it open.
func TestClaimsAndAcceptances(t *testing.T) {
	src := `boundary vendor "Vendor" { trust external }
boundary core "Core" { trust high }
system psp "PSP" in vendor { external }
system s "S" { container api "API" in core { safeguards egress_allow_list } }
flow hook: psp -> s.api "Webhook" { auth hmac  crosses vendor, core "allow-list" }
flow charge: s.api -> psp "Charge" { protocol https  auth key  crosses core, vendor "key" }
threat forged "Forged webhook" { stride spoofing on hook impact 5 likelihood 3 claims "TMR-S03@hook" }
accept "TMR-S05@hook" { reason "dedup by event id" owner "payments" until 2027-06-30 }
accept "TMR-D03@charge" { reason "manual retries" owner "payments" until 2026-11-01 }
`
	res := compiler.ParseFile(t.TempDir(), "m.tm", []byte(src), compiler.Options{Now: today})
	status := map[string]*ir.Finding{}
	for _, f := range res.Model.Findings {
		status[f.Fingerprint] = f
	}
	if f := status["TMR-S03@hook"]; f == nil || f.Status != ir.Claimed || f.ClaimedBy == nil || f.ClaimedBy.ID != "forged" {
		t.Errorf("claimed finding: %+v", f)
	}
	if f := status["TMR-S05@hook"]; f == nil || f.Status != ir.Accepted || f.Acceptance == nil || f.Acceptance.Owner != "payments" {
		t.Errorf("accepted finding: %+v", f)
	}
	if f := status["TMR-D03@charge"]; f == nil || f.Status != ir.Open || f.Acceptance != nil {
		t.Errorf("expired acceptance must leave the finding open: %+v", f)
	}
	var codes []string
	for _, d := range res.Diags {
		codes = append(codes, d.Code)
	}
	if strings.Join(codes, " ") != "TM501 TM601" {
		t.Errorf("diagnostics: %v", codes)
	}
	if len(res.Model.Acceptances) != 2 || len(res.Model.Acceptances[0].Findings) != 1 {
		t.Errorf("acceptances: %+v", res.Model.Acceptances)
	}
}

// An acceptance pattern ("RULE@*", "RULE@prefix*") accepts every finding
// of its rule whose fingerprint starts with the prefix; an acceptance by
// fingerprint comes before a pattern, a longer pattern before a shorter
// one; an expired pattern is one TM601 and leaves its findings open; a
// pattern that matches nothing is TM602; a malformed one TM103.
func TestAcceptancePatterns(t *testing.T) {
	src := `boundary vendor "Vendor" { trust external }
boundary core "Core" { trust high }
system psp "PSP" in vendor { external }
system shop "Shop" {
  container api "API" in core
  container admin "Admin" in core
}
system ops "Ops" { container api "Ops API" in core }
flow hook: psp -> shop.api "Webhook" { crosses vendor, core "allow-list" }
flow hook2: psp -> shop.admin "Webhook 2" { crosses vendor, core "allow-list" }
flow hook3: psp -> ops.api "Webhook 3" { crosses vendor, core "allow-list" }
accept "TMR-S01@*" { reason "all" owner "edge" until 2027-06-30 }
accept "TMR-S01@hook2" { reason "one" owner "edge" until 2027-06-30 }
accept "TMR-S03@hook*" { reason "expired" owner "edge" until 2026-01-31 }
accept "TMR-S05@hook*" { reason "short" owner "edge" until 2027-06-30 }
accept "TMR-S05@hook3*" { reason "long" owner "edge" until 2027-06-30 }
accept "TMR-D01@*" { reason "none" owner "edge" until 2027-06-30 }
accept "TMR-*@hook" { reason "bad" owner "edge" until 2027-06-30 }
accept "TMR-S01@h*k" { reason "bad" owner "edge" until 2027-06-30 }
`
	res := compiler.ParseFile(t.TempDir(), "m.tm", []byte(src), compiler.Options{Now: today})
	var got []string
	for _, f := range res.Model.Findings {
		reason := "-"
		if f.Acceptance != nil {
			reason = f.Acceptance.Reason
		}
		got = append(got, fmt.Sprintf("%s %s %s", f.Fingerprint, f.Status, reason))
	}
	want := []string{
		"TMR-S01@hook accepted all", "TMR-S01@hook2 accepted one", "TMR-S01@hook3 accepted all",
		"TMR-S03@hook open -", "TMR-S03@hook2 open -", "TMR-S03@hook3 open -",
		"TMR-S05@hook accepted short", "TMR-S05@hook2 accepted short", "TMR-S05@hook3 accepted long",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var codes []string
	for _, d := range res.Diags {
		codes = append(codes, fmt.Sprintf("%d:%s", d.Subject.Start.Line, d.Code))
	}
	if g, w := strings.Join(codes, " "), "14:TM601 17:TM602 18:TM103 19:TM103"; g != w {
		t.Errorf("diagnostics: %s, want %s", g, w)
	}
	for _, a := range res.Model.Acceptances {
		if a.Fingerprint == "TMR-S03@hook*" && len(a.Findings) != 3 {
			t.Errorf("the expired pattern matches %d findings, want 3", len(a.Findings))
		}
	}
}

// The safeguards the rule files add are new words: none repeats one of
// the compiler's own, and each has a meaning for docs/rules.md.
func TestExtraSafeguardsAreNew(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range compiler.Safeguards {
		if seen[s] {
			t.Errorf("safeguard %q is declared twice", s)
		}
		seen[s] = true
	}
	for _, s := range rules.ExtraSafeguards() {
		if s.Meaning == "" {
			t.Errorf("safeguard %q has no meaning", s.Name)
		}
	}
}

// A control's provides counts on its targets, exactly as a declared
// safeguard, once the control is implemented or verified; a planned
// control's provides are listed as pending and close nothing. Every
// safeguard records where it comes from.
func TestProvidedSafeguards(t *testing.T) {
	src := `boundary vendor "Vendor" { trust external }
boundary core "Core" { trust high }
system psp "PSP" in vendor { external }
system shop "Shop" {
  container api "API" in core { safeguards idempotency_keys }
  container admin "Admin" in core
}
flow hook: psp -> shop.api "Webhook" { crosses vendor, core "allow-list" }
flow hook2: psp -> shop.admin "Webhook 2" { crosses vendor, core "allow-list" }
control sig "Signed webhooks" {
  status implemented
  provides webhook_signature on hook, psp -> shop.admin
}
control dedup "Event dedup" {
  status planned
  provides idempotency_keys on shop.admin
}
control keys "Idempotency in the API" {
  status verified
  provides idempotency_keys, input_validation on shop.api
}
`
	res := compiler.ParseFile(t.TempDir(), "m.tm", []byte(src), compiler.Options{Now: today})
	if len(res.Diags) != 0 {
		t.Fatalf("unexpected diagnostics: %v", res.Diags)
	}
	var fps []string
	for _, f := range res.Model.Findings {
		fps = append(fps, f.Fingerprint)
	}
	if got := strings.Join(fps, " "); strings.Contains(got, "TMR-S03") || !strings.Contains(got, "TMR-S05@hook2") {
		t.Errorf("findings %s: want no TMR-S03 (signature provided by an implemented control), TMR-S05@hook2 (dedup only planned)", got)
	}
	byID := map[string]string{}
	sources := func(ss []ir.SafeguardSource) string {
		var out []string
		for _, s := range ss {
			w := s.Name + "=declared"
			if s.Control != nil {
				w = s.Name + "=" + s.Control.ID
				if s.Pending {
					w += "(pending)"
				}
			}
			out = append(out, w)
		}
		return strings.Join(out, ",")
	}
	for _, e := range res.Model.Elements {
		byID[e.ID] = strings.Join(e.Safeguards, ",") + " | " + sources(e.SafeguardSources)
	}
	for _, f := range res.Model.Flows {
		byID[f.ID] = strings.Join(f.Safeguards, ",") + " | " + sources(f.SafeguardSources)
	}
	for id, want := range map[string]string{
		"shop.api":   "idempotency_keys,input_validation | idempotency_keys=declared,idempotency_keys=keys,input_validation=keys",
		"shop.admin": " | idempotency_keys=dedup(pending)",
		"hook":       "webhook_signature | webhook_signature=sig",
		"hook2":      "webhook_signature | webhook_signature=sig",
		"psp":        " | ",
	} {
		if byID[id] != want {
			t.Errorf("%s: %q, want %q", id, byID[id], want)
		}
	}
	sig := res.Model.Controls[0]
	if len(sig.Provides) != 2 || sig.Provides[1].Target.Flow == nil || sig.Provides[1].Target.Flow.ID != "hook2" {
		t.Errorf("provides of sig: %+v", sig.Provides)
	}
}

// A dismissal closes one finding with status dismissed, reason and
// reviewer; it comes after a claim and before an acceptance (both still
// recorded); one that matches nothing is TM602, a pattern TM103, a
// missing reason or reviewer TM104, a second one TM203.
func TestDismissals(t *testing.T) {
	src := `boundary vendor "Vendor" { trust external }
boundary core "Core" { trust high }
system psp "PSP" in vendor { external }
system shop "Shop" { container api "API" in core { safeguards idempotency_keys } }
flow hook: psp -> shop.api "Webhook" { crosses vendor, core "allow-list" }
threat forged "Forged webhook" { stride spoofing on hook impact 5 likelihood 3 claims "TMR-S03@hook" }
dismiss "TMR-S01@hook" { reason "mTLS at the edge" reviewer "sec-lead" }
dismiss "TMR-S03@hook" { reason "claimed too" reviewer "sec-lead" }
accept "TMR-S01@hook" { reason "also accepted" owner "edge" until 2027-06-30 }
dismiss "TMR-S01@hok" { reason "typo" reviewer "sec-lead" }
dismiss "TMR-S01@*" { reason "pattern" reviewer "sec-lead" }
dismiss "TMR-S01@hook" { reason "again" reviewer "sec-lead" }
dismiss "TMR-S05@hook" { reason "no reviewer, and no such finding" }
`
	res := compiler.ParseFile(t.TempDir(), "m.tm", []byte(src), compiler.Options{Now: today})
	var got []string
	for _, f := range res.Model.Findings {
		got = append(got, f.Fingerprint+" "+f.Status+": "+f.StatusNote())
	}
	want := []string{
		`TMR-S01@hook dismissed: dismissed by "sec-lead": mTLS at the edge; also accepted until 2027-06-30 by "edge": also accepted`,
		`TMR-S03@hook claimed: claimed by threat "forged" (status open); also dismissed by "sec-lead": claimed too`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var codes []string
	for _, d := range res.Diags {
		codes = append(codes, fmt.Sprintf("%d:%s", d.Subject.Start.Line, d.Code))
	}
	if g, w := strings.Join(codes, " "), "6:TM501 10:TM602 11:TM103 12:TM203 13:TM104 13:TM602"; g != w {
		t.Errorf("diagnostics: %s, want %s", g, w)
	}
	if len(res.Model.Dismissals) != 4 || res.Model.Dismissals[0].Finding == nil || res.Model.Dismissals[2].Finding != nil {
		t.Errorf("dismissals: %+v", res.Model.Dismissals)
	}
}

// An expired acceptance on a declared threat is TM601, like one of a
// finding: the threat is open again.
func TestExpiredThreatAcceptance(t *testing.T) {
	src := `boundary core "Core" { trust high }
system s "S" in core
threat t1 "Old" { stride spoofing on s impact 2 likelihood 2 accepted "low value" by "lead" until 2026-01-31 }
threat t2 "Current" { stride spoofing on s impact 2 likelihood 2 accepted "low value" by "lead" until 2027-01-31 }
`
	res := compiler.ParseFile(t.TempDir(), "m.tm", []byte(src), compiler.Options{Now: today})
	if len(res.Diags) != 1 || res.Diags[0].Code != "TM601" || res.Diags[0].Subject.Start.Line != 3 ||
		!strings.Contains(res.Diags[0].Summary, `acceptance of threat "t1" expired on 2026-01-31`) {
		t.Fatalf("diagnostics: %v", res.Diags)
	}
	if s := res.Model.Threats[0].Status; s != ir.Open {
		t.Errorf("t1 status %s, want open", s)
	}
	if s := res.Model.Threats[1].Status; s != ir.Accepted {
		t.Errorf("t2 status %s, want accepted", s)
	}
}
