package rules_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/compiler/rules"
)

var now = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

// base declares the boundaries every case uses.
const base = `
boundary internet "Internet" { trust untrusted }
boundary edge "Edge" { trust low }
boundary cluster "Cluster" { trust high  boundary data "Data" { trust high } }
boundary vendor "Vendor" { trust external }
boundary ci "CI" { trust control }
`

func compile(t *testing.T, text string) *ir.Model {
	t.Helper()
	res := compiler.ParseFile(t.TempDir(), "m.tm", []byte(base+text), compiler.Options{Now: now})
	for _, d := range res.Diags {
		if d.Severity.String() == "error" {
			t.Fatalf("model does not compile: %v\n%s", d, text)
		}
	}
	return res.Model
}

// fingerprints returns the fingerprints of rule id's findings.
func fingerprints(m *ir.Model, id string) []string {
	var out []string
	for _, f := range m.Findings {
		if f.Rule == id {
			out = append(out, f.Fingerprint)
		}
	}
	return out
}

// A ruleCase is a model where a rule fires (want: the fingerprints) and
// the same model with the safeguard or fact that silences it.
type ruleCase struct {
	rule         string
	fires, quiet string
	want         []string
}

// addCases adds cases to TestRulesFireAndSilence.
func addCases(cs ...ruleCase) bool {
	cases = append(cases, cs...)
	return true
}

// Each rule has a model where it fires (want: the fingerprints) and the
// same model with the safeguard or fact that silences it.
// Files of new rules add their cases with var _ = addCases(...).
var cases = []ruleCase{
	{"TMR-S01",
		`person u "U" in internet
system s "S" { container a "A" in cluster }
flow f: u -> s.a "x" { crosses internet, cluster "r" }`,
		`person u "U" in internet
system s "S" { container a "A" in cluster }
flow f: u -> s.a "x" { auth oidc  crosses internet, cluster "r" }`,
		[]string{"TMR-S01@f"}},
	{"TMR-S02",
		`data tok "T" { classification secret credentials }
person u "U" in internet
system s "S" { container a "A" in cluster { safeguards token_issuer_check } }
flow f: u -> s.a "x" { auth jwt  carries tok  crosses internet, cluster "r" }`,
		`data tok "T" { classification secret credentials }
person u "U" in internet
system s "S" { container a "A" in cluster { safeguards token_issuer_check } }
flow f: u -> s.a "x" { auth jwt  carries tok  safeguards token_audience_check  crosses internet, cluster "r" }`,
		[]string{"TMR-S02@f"}},
	{"TMR-S03",
		`system p "P" in vendor { external }
system s "S" { container a "A" in cluster }
flow hook: p -> s.a "x" { auth hmac  crosses vendor, cluster "r" }`,
		`system p "P" in vendor { external }
system s "S" { container a "A" in cluster { safeguards webhook_signature } }
flow hook: p -> s.a "x" { auth hmac  crosses vendor, cluster "r" }`,
		[]string{"TMR-S03@hook"}},
	{"TMR-T01",
		`system s "S" { container a "A" in cluster  queue q "Q" in cluster }
flow s.a -> s.q "x"`,
		`system s "S" { container a "A" in cluster  queue q "Q" in cluster { safeguards producer_authentication } }
flow s.a -> s.q "x"`,
		[]string{"TMR-T01@s.a->s.q"}},
	{"TMR-T02",
		`data o "O" { classification confidential tenant_scoped }
person u "U" in internet
system e "E" { container g "G" in edge }
system s "S" { multi_tenant  container a "A" in cluster }
flow in: u -> e.g "w" { auth jwt  carries o  crosses internet, edge "r" }
flow f: e.g -> s.a "x" { auth mtls  carries o  crosses edge, cluster "r" }`,
		`data o "O" { classification confidential tenant_scoped }
person u "U" in internet
system e "E" { container g "G" in edge }
system s "S" { multi_tenant  container a "A" in cluster }
flow in: u -> e.g "w" { auth jwt  carries o  crosses internet, edge "r" }
flow f: e.g -> s.a "x" { auth mtls  carries o  safeguards tenant_from_token  crosses edge, cluster "r" }`,
		[]string{"TMR-T02@f"}},
	{"TMR-R01",
		`system s "S" { queue q "Q" in cluster  container a "A" in cluster }
flow d: s.q -> s.a "x"`,
		`system s "S" { queue q "Q" in cluster { safeguards correlation_id }  container a "A" in cluster }
flow d: s.q -> s.a "x"`,
		[]string{"TMR-R01@d"}},
	{"TMR-I01",
		`data o "O" { classification internal tenant_scoped }
system s "S" { container a "A" in cluster  cache c "C" in cluster { tenancy shared } }
flow f: s.a -> s.c "x" { carries o }`,
		`data o "O" { classification internal tenant_scoped }
system s "S" { container a "A" in cluster  cache c "C" in cluster { tenancy shared  safeguards tenant_aware_cache_keys } }
flow f: s.a -> s.c "x" { carries o }`,
		[]string{"TMR-I01@f"}},
	{"TMR-I02",
		`data c "C" { classification internal pii }
system s "S" { container a "A" in cluster  database d "D" in data { encrypted_at_rest } }
flow f: s.a -> s.d "x" { protocol postgres  auth role  carries c  crosses data "r" }`,
		`data c "C" { classification internal pii }
system s "S" { container a "A" in cluster  database d "D" in data { encrypted_at_rest } }
flow f: s.a -> s.d "x" { protocol postgres  auth role  carries c  safeguards encryption_in_transit  crosses data "r" }`,
		[]string{"TMR-I02@f"}},
	{"TMR-I03",
		`data o "O" { classification confidential }
system s "S" { container a "A" in cluster  database d "D" in cluster  bucket b "B" in cluster }
flow s.a -> s.d "x" { carries o }
flow s.a -> s.b "y" { carries o }`,
		`data o "O" { classification confidential }
system s "S" { container a "A" in cluster  database d "D" in cluster { encrypted_at_rest }  bucket b "B" in cluster { encrypted_at_rest } }
flow s.a -> s.d "x" { carries o }
flow s.a -> s.b "y" { carries o }`,
		[]string{"TMR-I03@s.b", "TMR-I03@s.d"}},
	{"TMR-I04",
		`data tok "T" { classification secret credentials }
system s "S" { container a "A" in cluster  container g "G" in cluster { writes_logs } }
flow s.a -> s.g "x" { carries tok }`,
		`data tok "T" { classification secret credentials }
system s "S" { container a "A" in cluster  container g "G" in cluster { writes_logs  safeguards log_redaction } }
flow s.a -> s.g "x" { carries tok }`,
		[]string{"TMR-I04@s.g"}},
	{"TMR-D01",
		`person u "U" in internet
system s "S" { container g "G" in edge { exposure public } }
flow u -> s.g "x" { auth jwt  crosses internet, edge "r" }`,
		`person u "U" in internet
system s "S" { container g "G" in edge { exposure public  safeguards rate_limiting } }
flow u -> s.g "x" { auth jwt  crosses internet, edge "r" }`,
		[]string{"TMR-D01@s.g"}},
	{"TMR-D02",
		`system s "S" { queue q "Q" in cluster { safeguards correlation_id, backpressure }  container a "A" in cluster }
flow d: s.q -> s.a "x"`,
		`system s "S" { queue q "Q" in cluster { safeguards correlation_id, backpressure }  container a "A" in cluster }
flow d: s.q -> s.a "x" { safeguards dead_letter_queue }`,
		[]string{"TMR-D02@d"}},
	{"TMR-E01",
		`system s "S" { container g "G" in edge  container k "K" in cluster { admin_interface } }
flow f: s.g -> s.k "x" { auth mtls  crosses edge, cluster "r" }`,
		`system s "S" { container g "G" in edge  container k "K" in cluster { admin_interface } }
flow f: s.g -> s.k "x" { auth mtls  safeguards least_privilege_rbac  crosses edge, cluster "r" }`,
		[]string{"TMR-E01@f"}},
	{"TMR-E02",
		`system s "S" { container a "A" in cluster  container v "Vault" in ci }
flow f: s.a -> s.v "x" { auth sa  crosses cluster, ci "r" }`,
		`system s "S" { container a "A" in cluster  container v "Vault" in ci }
flow f: s.a -> s.v "x" { auth sa  safeguards least_privilege_rbac  crosses cluster, ci "r" }`,
		[]string{"TMR-E02@f"}},
	{"TMR-C01",
		`system s "S" { container k "K" in ci  container a "A" in cluster }
flow f: s.k -> s.a "x" { crosses ci, cluster "r" }`,
		`system s "S" { container k "K" in ci { safeguards admission_policy }  container a "A" in cluster }
flow f: s.k -> s.a "x" { crosses ci, cluster "r" }`,
		[]string{"TMR-C01@f"}},
	{"TMR-X01",
		`system p "P" in vendor { external }
system s "S" { container a "A" in cluster }
flow f: s.a -> p "x" { crosses cluster, vendor "r" }`,
		`system p "P" in vendor { external }
system s "S" { container a "A" in cluster { safeguards egress_allow_list } }
flow f: s.a -> p "x" { crosses cluster, vendor "r" }`,
		[]string{"TMR-X01@f"}},
	{"TMR-S04",
		`system s "S" { container g "G" in edge  container a "A" in cluster }
flow f: s.g -> s.a "x" { auth "X-User-Id header"  crosses edge, cluster "r" }`,
		`system s "S" { container g "G" in edge  container a "A" in cluster }
flow f: s.g -> s.a "x" { auth "X-User-Id header"  safeguards mtls  crosses edge, cluster "r" }`,
		[]string{"TMR-S04@f"}},
	{"TMR-S05",
		`system p "P" in vendor { external }
system s "S" { container a "A" in cluster { safeguards webhook_signature } }
flow hook: p -> s.a "x" { auth hmac  crosses vendor, cluster "r" }`,
		`system p "P" in vendor { external }
system s "S" { container a "A" in cluster { safeguards webhook_signature } }
flow hook: p -> s.a "x" { auth hmac  idempotency_key  crosses vendor, cluster "r" }`,
		[]string{"TMR-S05@hook"}},
	{"TMR-T03",
		`data o "O" { classification internal tenant_scoped }
system s "S" { queue q "Q" in cluster  container a "A" in cluster }
flow d: s.q -> s.a "x" { carries o }`,
		`data o "O" { classification internal tenant_scoped }
system s "S" { queue q "Q" in cluster { safeguards ordering_guarantee }  container a "A" in cluster }
flow d: s.q -> s.a "x" { carries o }`,
		[]string{"TMR-T03@d"}},
	{"TMR-R02",
		`data k "K" { classification secret credentials }
system s "S" { container a "A" in cluster  container v "V" in data  container k2 "Admin" in cluster { admin_interface } }
flow f: s.a -> s.v "x" { carries k  crosses data "r" }
flow g: s.a -> s.k2 "y"`,
		`data k "K" { classification secret credentials }
system s "S" { container a "A" in cluster  container v "V" in data { safeguards audit_logging }  container k2 "Admin" in cluster { admin_interface } }
flow f: s.a -> s.v "x" { carries k  crosses data "r" }
flow g: s.a -> s.k2 "y" { safeguards audit_logging }`,
		[]string{"TMR-R02@f", "TMR-R02@g"}},
	{"TMR-I05",
		`data o "O" { classification internal tenant_scoped }
system s "S" { container a "A" in cluster  queue q "Q" in cluster { tenancy shared }  database d "D" in cluster { tenancy shared } }
flow s.a -> s.q "x" { carries o }
flow s.a -> s.d "y" { carries o }`,
		`data o "O" { classification internal tenant_scoped }
system s "S" { container a "A" in cluster  queue q "Q" in cluster { tenancy shared  safeguards tenant_isolation }  database d "D" in cluster { tenancy row_level } }
flow s.a -> s.q "x" { carries o }
flow s.a -> s.d "y" { carries o }`,
		[]string{"TMR-I05@s.d", "TMR-I05@s.q"}},
	{"TMR-I06",
		`system s "S" { container g "G" in edge { exposure public  writes_logs } }`,
		`system s "S" { container g "G" in edge { exposure public  writes_logs  safeguards log_redaction } }`,
		[]string{"TMR-I06@s.g"}},
	{"TMR-I07",
		`data tok "T" { classification secret credentials }
system s "S" { container a "A" in cluster  cache c "C" in cluster }
flow s.a -> s.c "x" { carries tok }`,
		`data tok "T" { classification secret credentials }
system s "S" { container a "A" in cluster  cache c "C" in cluster { encrypted_at_rest } }
flow s.a -> s.c "x" { carries tok }`,
		[]string{"TMR-I07@s.c"}},
	{"TMR-I08",
		`data p "P" { classification internal pii }
system s "S" { container a "A" in cluster  queue q "Q" in cluster }
flow s.a -> s.q "x" { carries p }`,
		`data p "P" { classification internal pii }
system s "S" { container a "A" in cluster  queue q "Q" in cluster { encrypted_at_rest } }
flow s.a -> s.q "x" { carries p }`,
		[]string{"TMR-I08@s.q"}},
	{"TMR-D03",
		`system p "P" in vendor { external }
system s "S" { container a "A" in cluster }
flow f: s.a -> p "x" { safeguards retry_backoff  crosses cluster, vendor "r" }`,
		`system p "P" in vendor { external }
system s "S" { container a "A" in cluster }
flow f: s.a -> p "x" { idempotency_key  safeguards retry_backoff  crosses cluster, vendor "r" }`,
		[]string{"TMR-D03@f"}},
	{"TMR-D04",
		`system s "S" { container g "G" in edge { exposure public }  container a "A" in cluster  database d "D" in data }
flow s.g -> s.a "x" { auth mtls  crosses edge, cluster "r" }
flow w: s.a -> s.d "y" { crosses data "r" }`,
		`system s "S" { container g "G" in edge { exposure public }  container a "A" in cluster { safeguards quota }  database d "D" in data }
flow s.g -> s.a "x" { auth mtls  crosses edge, cluster "r" }
flow w: s.a -> s.d "y" { crosses data "r" }`,
		[]string{"TMR-D04@w"}},
	{"TMR-C02",
		`data k "K" { classification secret credentials }
person dev "Dev" in internet
system s "S" { container p "Pipeline" in ci }
flow f: dev -> s.p "x" { auth sso  carries k  crosses internet, ci "r" }`,
		`data k "K" { classification secret credentials }
person dev "Dev" in internet
system s "S" { container p "Pipeline" in ci { safeguards secrets_from_vault } }
flow f: dev -> s.p "x" { auth sso  carries k  crosses internet, ci "r" }`,
		[]string{"TMR-C02@f"}},
	{"TMR-C03",
		`system s "S" { container p "Pipeline" in ci  container k "Kube" in ci { admin_interface } }
flow f: s.p -> s.k "x" { auth oidc }`,
		`system s "S" { container p "Pipeline" in ci  container k "Kube" in ci { admin_interface } }
flow f: s.p -> s.k "x" { auth oidc  safeguards least_privilege_rbac }`,
		[]string{"TMR-C03@s.k"}},
	{"TMR-C04",
		`system s "S" { container p "Pipeline" in ci  container r "Registry" in ci }
flow f: s.p -> s.r "x" { auth oidc }`,
		`system s "S" { container p "Pipeline" in ci { safeguards pinned_images }  container r "Registry" in ci }
flow f: s.p -> s.r "x" { auth oidc }`,
		[]string{"TMR-C04@f"}},
	{"TMR-X02",
		`data c "C" { classification restricted pii }
system p "P" in vendor { external }
system s "S" { container a "A" in cluster }
flow f: s.a -> p "x" { protocol https  carries c  crosses cluster, vendor "r" }`,
		`data c "C" { classification restricted pii }
system p "P" in vendor { external }
system s "S" { container a "A" in cluster }
flow f: s.a -> p "x" { protocol https  carries c  safeguards data_minimization  crosses cluster, vendor "r" }`,
		[]string{"TMR-X02@f"}},
}

func TestRulesFireAndSilence(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.rule] = true
		t.Run(c.rule, func(t *testing.T) {
			if rules.Lookup(c.rule) == nil {
				t.Fatalf("no rule %s", c.rule)
			}
			got := fingerprints(compile(t, c.fires), c.rule)
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("fires: got %v, want %v", got, c.want)
			}
			if got := fingerprints(compile(t, c.quiet), c.rule); len(got) != 0 {
				t.Errorf("silenced model still yields %v", got)
			}
		})
	}
	for _, r := range rules.All {
		if !covered[r.ID] {
			t.Errorf("rule %s has no test case", r.ID)
		}
	}
}

func TestRuleDefinitions(t *testing.T) {
	if len(rules.All) < 30 {
		t.Errorf("%d rules, want at least 30", len(rules.All))
	}
	strides := map[string]bool{"spoofing": true, "tampering": true, "repudiation": true, "information_disclosure": true,
		"denial_of_service": true, "elevation_of_privilege": true}
	linddun := map[string]bool{"linddun:linkability": true, "linddun:identifiability": true, "linddun:non_repudiation": true,
		"linddun:detectability": true, "linddun:data_disclosure": true, "linddun:unawareness": true, "linddun:non_compliance": true}
	for i, r := range rules.All {
		if i > 0 && rules.All[i-1].ID >= r.ID {
			t.Errorf("rules not sorted or duplicate id at %s", r.ID)
		}
		if r.Title == "" || r.Rationale == "" || r.Fix == "" || len(r.References) == 0 || r.Match == nil || len(r.Stride) == 0 {
			t.Errorf("%s: incomplete definition", r.ID)
		}
		if r.Impact < 1 || r.Impact > 5 || r.Likelihood < 1 || r.Likelihood > 5 {
			t.Errorf("%s: impact and likelihood must be 1-5", r.ID)
		}
		for _, s := range r.Stride {
			if !strides[s] && !linddun[s] {
				t.Errorf("%s: unknown category %q", r.ID, s)
			}
		}
	}
}

// Findings carry the rule's risk and point at the target.
func TestFindingFields(t *testing.T) {
	m := compile(t, cases[2].fires)
	if len(m.Findings) == 0 {
		t.Fatal("no findings")
	}
	var f *ir.Finding
	for _, x := range m.Findings {
		if x.Rule == "TMR-S03" {
			f = x
		}
	}
	if f == nil || f.Target.Flow == nil || f.Target.Flow.ID != "hook" || f.Score != 15 || f.Band != "high" ||
		f.Status != ir.Open || f.Range.Start.Line == 0 || !strings.Contains(f.Message, "webhook_signature") {
		t.Fatalf("finding wrong: %+v", f)
	}
	for i := 1; i < len(m.Findings); i++ {
		if m.Findings[i-1].Fingerprint >= m.Findings[i].Fingerprint {
			t.Errorf("findings not sorted by fingerprint: %s, %s", m.Findings[i-1].Fingerprint, m.Findings[i].Fingerprint)
		}
	}
}

// docs/rules.md is generated from the rule definitions.
func TestRulesDoc(t *testing.T) {
	const path = "../../docs/rules.md"
	got := rules.Markdown()
	if os.Getenv("TMC_UPDATE") != "" {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("docs/rules.md is out of date: run TMC_UPDATE=1 go test ./compiler/rules (%v)", err)
	}
}
