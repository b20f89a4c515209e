package rules_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/rules"
	"github.com/tmc-dev/tmc/compiler/synth"
)

var _ = addCases(
	ruleCase{rule: "TMR-A01",
		fires: `data o "O" { classification confidential }
system s "S" { container a "A" in cluster  container f "Files" in cluster { processes o } }
flow nfs: s.a -> s.f "x" { protocol nfs  authentication none }`,
		quiet: `data o "O" { classification confidential }
system s "S" { container a "A" in cluster  container f "Files" in cluster { processes o } }
flow nfs: s.a -> s.f "x" { protocol nfs  authentication credentials }`,
		want: []string{"TMR-A01@nfs"}},
	ruleCase{rule: "TMR-A01",
		fires: `data o "O" { classification restricted }
system s "S" { container a "A" in cluster  database d "D" in data { stores o } }
flow q: s.a -> s.d "x" { protocol postgres  crosses data "r" }`,
		quiet: `data o "O" { classification restricted }
system s "S" { container a "A" in cluster  database d "D" in data { stores o } }
flow q: s.a -> s.d "x" { protocol postgres  authentication credentials  crosses data "r" }`,
		want: []string{"TMR-A01@q"}},
	ruleCase{rule: "TMR-A02",
		fires: `data o "O" { classification confidential }
person u "U" in internet
system s "S" { container lb "LB" in edge { technology load_balancer }  container w "W" in cluster { technology web_application } }
flow in: u -> s.lb "x" { protocol https  authentication session  carries o  crosses internet, edge "r" }
flow fw: s.lb -> s.w "y" { protocol https  authentication session  carries o  crosses edge, cluster "r" }`,
		quiet: `data o "O" { classification confidential }
person u "U" in internet
system s "S" { container lb "LB" in edge { technology load_balancer }  container w "W" in cluster { technology web_application } }
flow in: u -> s.lb "x" { protocol https  authentication two_factor  carries o  crosses internet, edge "r" }
flow fw: s.lb -> s.w "y" { protocol https  authentication session  carries o  crosses edge, cluster "r" }`,
		want: []string{"TMR-A02@in"}},
	ruleCase{rule: "TMR-A03",
		fires: `data o "O" { classification confidential }
system s "S" { container w "Web" in cluster { technology web_application }  container erp "ERP" in cluster { technology erp  processes o } }
flow f: s.w -> s.erp "x" { protocol https  authentication token  authorization technical_user }`,
		quiet: `data o "O" { classification confidential }
system s "S" { container w "Web" in cluster { technology web_application }  container erp "ERP" in cluster { technology erp  processes o } }
flow f: s.w -> s.erp "x" { protocol https  authentication token  authorization end_user_identity }`,
		want: []string{"TMR-A03@f"}},
	ruleCase{rule: "TMR-A04",
		fires: `data o "O" { classification confidential }
system s "S" { container w "Web" in cluster  container erp "ERP" in cluster { processes o }  container idp "IdP" in cluster { technology identity_provider } }
flow f: s.w -> s.erp "x" { authentication token  authorization end_user_identity }
flow g: s.w -> s.idp "y" { authentication credentials  authorization technical_user }`,
		quiet: `data o "O" { classification confidential }
system s "S" { container w "Web" in cluster  container erp "ERP" in cluster { processes o }  container idp "IdP" in cluster { technology identity_provider }  database ldap "LDAP" in data { technology identity_store } }
flow f: s.w -> s.erp "x" { authentication token  authorization end_user_identity }
flow g: s.w -> s.idp "y" { authentication credentials  authorization technical_user }`,
		want: []string{"TMR-A04@s.erp"}},
	ruleCase{rule: "TMR-A05",
		fires: `runtime vm "VM host" { type host }
system s "S" { container idp "IdP" in cluster { technology identity_provider  runs_on vm }  container w "Web" in cluster { runs_on vm } }`,
		quiet: `runtime vm "VM host" { type host }
runtime vm2 "Auth host" { type host }
system s "S" { container idp "IdP" in cluster { technology identity_provider  runs_on vm2 }  container w "Web" in cluster { runs_on vm } }`,
		want: []string{"TMR-A05@s.idp"}},
	ruleCase{rule: "TMR-A06",
		fires: `data o "O" { classification restricted }
person u "U" in internet
system s "S" { container a "API" in edge { technology api  custom_developed  processes o } }
flow f: u -> s.a "x" { protocol https  authentication token  crosses internet, edge "r" }`,
		quiet: `data o "O" { classification restricted }
person u "U" in internet
system s "S" { container a "API" in edge { technology api  custom_developed  processes o } }
flow f: u -> s.a "x" { protocol https  authentication token  vpn  crosses internet, edge "r" }`,
		want: []string{"TMR-A06@f"}},
	ruleCase{rule: "TMR-A07",
		fires: `data o "O" { classification restricted }
system s "S" { container a "Admin tool" in edge  database d "D" in data { stores o } }
flow f: s.a -> s.d "x" { protocol postgres  authentication credentials  crosses edge, cluster, data "r" }`,
		quiet: `data o "O" { classification restricted }
system s "S" { container a "Admin tool" in edge  database d "D" in data { stores o } }
flow f: s.a -> s.d "x" { protocol postgres  authentication credentials  usage devops  crosses edge, cluster, data "r" }`,
		want: []string{"TMR-A07@f"}},
	ruleCase{rule: "TMR-A08",
		fires: `system s "S" { container lb "LB" in edge { technology load_balancer }  container w "Web" in cluster { technology web_server } }
flow f: s.lb -> s.w "x" { protocol http  crosses edge, cluster "r" }`,
		quiet: `system s "S" { container lb "LB" in edge { technology load_balancer  safeguards waf }  container w "Web" in cluster { technology web_server } }
flow f: s.lb -> s.w "x" { protocol http  safeguards waf  crosses edge, cluster "r" }`,
		want: []string{"TMR-A08@s.w"}},
	ruleCase{rule: "TMR-A09",
		fires: `boundary dmz "DMZ" { trust medium  type network_segment }
data o "O" { classification confidential }
system s "S" { container w "Web" in dmz { technology web_server }  container erp "ERP" in dmz { technology erp  processes o } }`,
		quiet: `boundary dmz "DMZ" { trust medium  type network_segment }
boundary erpnet "ERP segment" { trust medium  type network_segment }
data o "O" { classification confidential }
system s "S" { container w "Web" in dmz { technology web_server }  container erp "ERP" in erpnet { technology erp  processes o } }`,
		want: []string{"TMR-A09@s.erp"}},
	ruleCase{rule: "TMR-A10",
		fires: `data o "O" { classification internal  availability mission_critical }
person u "U" in internet
system s "S" { container lb "LB" in edge { technology load_balancer }  container w "Web" in cluster { processes o } }
flow in: u -> s.lb "x" { protocol https  crosses internet, edge "r" }
flow fw: s.lb -> s.w "y" { protocol https  crosses edge, cluster "r" }`,
		quiet: `data o "O" { classification internal  availability mission_critical }
person u "U" in internet
system s "S" { container lb "LB" in edge { technology load_balancer  safeguards rate_limiting }  container w "Web" in cluster { processes o } }
flow in: u -> s.lb "x" { protocol https  crosses internet, edge "r" }
flow fw: s.lb -> s.w "y" { protocol https  crosses edge, cluster "r" }`,
		want: []string{"TMR-A10@in"}},
	ruleCase{rule: "TMR-A11",
		fires: `system s "S" { container cms "CMS" in cluster  database ldap "LDAP" in cluster }
flow f: s.cms -> s.ldap "x" { protocol ldap  authentication credentials }`,
		quiet: `system s "S" { container cms "CMS" in cluster  database ldap "LDAP" in cluster }
flow f: s.cms -> s.ldap "x" { protocol ldaps  authentication credentials }`,
		want: []string{"TMR-A11@f"}},
	ruleCase{rule: "TMR-A12",
		fires: `data c "Contracts" { classification confidential  integrity critical }
system s "S" { container fs "File server" in data { technology file_server  stores c } }`,
		quiet: `data c "Contracts" { classification confidential  integrity critical }
system s "S" { container fs "File server" in data { technology file_server  stores c  encrypted_at_rest } }`,
		want: []string{"TMR-A12@s.fs"}},
	ruleCase{rule: "TMR-A13",
		fires: `data k "K" { classification secret  credentials }
system s "S" { container a "A" in cluster  container b "B" in cluster { processes k } }
flow f: s.a -> s.b "x" { carries k }`,
		quiet: `data k "K" { classification secret  credentials }
system s "S" { container a "A" in cluster  container b "B" in cluster { processes k }  container v "Vault" in ci { technology secret_store } }
flow f: s.a -> s.b "x" { carries k }`,
		want: []string{"TMR-A13@s.b"}},
	ruleCase{rule: "TMR-A14",
		fires: `boundary env "Env" { trust high  type execution_environment }
system s "S" { container v "Vault" in env { technology secret_store }  container a "App" in env  database st "Vault storage" in env }
flow s.v -> s.st "x"`,
		quiet: `boundary env "Env" { trust high  type execution_environment }
boundary venv "Vault env" { trust high  type execution_environment }
system s "S" { container v "Vault" in venv { technology secret_store }  container a "App" in env  database st "Vault storage" in venv }
flow s.v -> s.st "x"`,
		want: []string{"TMR-A14@s.v"}},
	ruleCase{rule: "TMR-A15",
		fires: `system s "S" { container git "Git" in ci { technology source_repository }  container b "Build" in ci { technology build_pipeline } }`,
		quiet: `system s "S" { container git "Git" in ci { technology source_repository  safeguards secret_scanning }  container b "Build" in ci { technology build_pipeline  safeguards secret_scanning } }`,
		want:  []string{"TMR-A15@s.b", "TMR-A15@s.git"}},
)

// Models on which an access rule must stay quiet: what it must not read
// as a finding.
func TestAccessRulesQuiet(t *testing.T) {
	for _, c := range []struct{ name, rule, model string }{
		{"an unstated authentication inside a zone is not none", "TMR-A01",
			`data o "O" { classification restricted }
system s "S" { container a "A" in cluster  container b "B" in cluster { processes o } }
flow f: s.a -> s.b "x" { protocol grpc }`},
		{"a load balancer needs no authentication of its own", "TMR-A01",
			`data o "O" { classification restricted }
person u "U" in internet
system s "S" { container lb "LB" in edge { technology load_balancer  processes o } }
flow f: u -> s.lb "x" { protocol https  authentication none  crosses internet, edge "r" }`},
		{"an out-of-scope element is not analysed", "TMR-A01",
			`data o "O" { classification restricted }
system s "S" { container a "A" in cluster  container b "B" in cluster { processes o  out_of_scope "run by IT" } }
flow f: s.a -> s.b "x" { authentication none }`},
		{"an anonymous read of public data", "TMR-A01",
			`data m "Marketing" { classification public }
system s "S" { container a "A" in cluster  container cms "CMS" in cluster { processes m } }
flow f: s.a -> s.cms "x" { authentication none  readonly }`},
		{"public data needs no second factor", "TMR-A02",
			`data o "O" { classification confidential }
data m "M" { classification public }
person u "U" in internet
system s "S" { container w "W" in cluster { technology web_application  processes o } }
flow f: u -> s.w "x" { protocol https  authentication session  carries m  crosses internet, cluster "r" }`},
		{"an unstated authentication is not single-factor", "TMR-A02",
			`data o "O" { classification confidential }
person u "U" in internet
system s "S" { container w "W" in cluster { technology web_application } }
flow f: u -> s.w "x" { protocol https  carries o  crosses internet, cluster "r" }`},
		{"a free-text auth jwt says nothing of the login's factors", "TMR-A02",
			`data o "O" { classification confidential }
person u "U" in internet
system s "S" { container w "W" in cluster { technology web_application } }
flow f: u -> s.w "x" { protocol https  auth jwt  carries o  crosses internet, cluster "r" }`},
		{"a devops flow with an authorization of its own", "TMR-A03",
			`data o "O" { classification confidential }
system s "S" { container b "Build" in cluster  container w "Web" in cluster { technology web_application  processes o } }
flow f: s.b -> s.w "x" { protocol ssh  authentication client_certificate  authorization technical_user  usage devops }`},
		{"an external identity provider holds the identity store", "TMR-A04",
			`system idp "Auth0" in vendor { external  container i "IdP" { technology identity_provider } }
system s "S" { container w "Web" in cluster  container erp "ERP" in cluster }
flow f: s.w -> s.erp "x" { authentication token  authorization end_user_identity }`},
		{"untyped boundaries say nothing about isolation", "TMR-A05",
			`system s "S" { container idp "IdP" in cluster { technology identity_provider }  container w "Web" in cluster }`},
		{"an off-the-shelf web server over https is made for the internet", "TMR-A06",
			`data o "O" { classification restricted }
person u "U" in internet
system s "S" { container w "Web" in edge { technology web_server  processes o } }
flow f: u -> s.w "x" { protocol https  authentication token  crosses internet, edge "r" }`},
		{"an element of unknown technology may be the guard itself", "TMR-A06",
			`data o "O" { classification restricted }
person u "U" in internet
system s "S" { container g "Gateway" in edge { processes o } }
flow f: u -> s.g "x" { protocol https  authentication token  crosses internet, edge "r" }`},
		{"a service in the same parent zone of equal trust", "TMR-A07",
			`data o "O" { classification restricted }
system s "S" { container a "A" in cluster  database d "D" in data { stores o } }
flow f: s.a -> s.d "x" { protocol postgres  authentication credentials  crosses data "r" }`},
		{"the identity provider reads its identity store", "TMR-A07",
			`data a "Accounts" { classification restricted  credentials }
system s "S" { container idp "IdP" in edge { technology identity_provider }  database l "LDAP" in data { technology identity_store  stores a } }
flow f: s.idp -> s.l "x" { protocol ldaps  authentication credentials  crosses edge, cluster, data "r" }`},
		{"a WAF in front", "TMR-A08",
			`system s "S" { container waf "WAF" in edge { technology waf }  container w "Web" in cluster { technology web_server } }
flow f: s.waf -> s.w "x" { protocol http  crosses edge, cluster "r" }`},
		{"the less protected element it talks to", "TMR-A09",
			`boundary dmz "DMZ" { trust medium  type network_segment }
data o "O" { classification confidential }
system s "S" { container w "Web" in dmz { technology web_server }  container erp "ERP" in dmz { technology erp  processes o } }
flow f: s.w -> s.erp "x"`},
		{"an allow-listed caller", "TMR-A10",
			`data o "O" { classification internal  availability mission_critical }
system s "S" { container g "G" in edge  container w "Web" in cluster { processes o } }
flow f: s.g -> s.w "x" { protocol https  ip_filtered  crosses edge, cluster "r" }`},
		{"a crossing is TMR-I02's", "TMR-A11",
			`system s "S" { container cms "CMS" in cluster  database ldap "LDAP" in data }
flow f: s.cms -> s.ldap "x" { protocol ldap  authentication credentials  crosses data "r" }`},
		{"confidential data inside one zone", "TMR-A11",
			`data o "O" { classification confidential }
system s "S" { container a "A" in cluster  container b "B" in cluster }
flow f: s.a -> s.b "x" { protocol http  carries o }`},
		{"internal data at rest", "TMR-A12",
			`data c "Logs" { classification internal }
system s "S" { container fs "File server" in data { technology file_server  stores c } }`},
		{"a workload that reads secrets from a vault", "TMR-A13",
			`data k "K" { classification secret  credentials }
system s "S" { container a "A" in cluster  container b "B" in cluster { processes k  safeguards secrets_from_vault } }
flow f: s.a -> s.b "x" { carries k }`},
		{"no credentials, no vault needed", "TMR-A13",
			`data o "O" { classification secret }
system s "S" { container a "A" in cluster  container b "B" in cluster }
flow f: s.a -> s.b "x" { carries o }`},
	} {
		t.Run(c.rule+"/"+c.name, func(t *testing.T) {
			if got := fingerprints(compile(t, c.model), c.rule); len(got) != 0 {
				t.Errorf("false positive: %v", got)
			}
		})
	}
}

// The checkout example states none of the facts the access rules read
// (technology, stores, authentication none, authorization), and its one
// workload that reads secrets declares secrets_from_vault: none of them
// fires there.
func TestAccessRulesOnCheckout(t *testing.T) {
	res, err := compiler.Compile("../../examples/checkout", compiler.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Model.Findings {
		if strings.HasPrefix(f.Rule, "TMR-A") {
			t.Errorf("%s: %s", f.Fingerprint, f.Message)
		}
	}
}

// BenchmarkAccessRules measures the access rules alone on the synthetic
// model of BenchmarkRules.
func BenchmarkAccessRules(b *testing.B) {
	dir := b.TempDir()
	for name, data := range synth.Generate(10000) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	res, err := compiler.Compile(dir, compiler.Options{Now: now})
	if err != nil {
		b.Fatal(err)
	}
	var rs []*rules.Rule
	for _, r := range rules.All {
		if strings.HasPrefix(r.ID, "TMR-A") {
			rs = append(rs, r)
		}
	}
	for b.Loop() {
		rules.RunRules(res.Model, rs)
	}
}
