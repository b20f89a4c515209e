package rules_test

import (
	"strings"
	"testing"
)

var _ = addCases(
	ruleCase{rule: "TMR-H01",
		fires: `data card "Card" { classification restricted }
system s "S" {
  database d "D" in data { stores card }
  container v "Vault" in ci { technology secret_store }
  container k "K" in cluster { criticality mission_critical }
}`,
		quiet: `data card "Card" { classification restricted }
system s "S" {
  safeguards hardening
  database d "D" in data { stores card }
  container v "Vault" in ci { technology secret_store }
  container k "K" in cluster { criticality mission_critical }
}`,
		want: []string{"TMR-H01@s.d", "TMR-H01@s.k", "TMR-H01@s.v"}},
	ruleCase{rule: "TMR-H02",
		fires: `boundary aws "AWS account" { trust high  type cloud_account  boundary priv "Private" { trust high  type network_segment } }
runtime gcp "GCP project" { type cloud_account }
system s "S" {
  container a "A" in aws.priv
  bucket b "B" in aws
  container g "G" in cluster { runs_on gcp }
}`,
		quiet: `boundary aws "AWS account" { trust high  type cloud_account  boundary priv "Private" { trust high  type network_segment } }
runtime gcp "GCP project" { type cloud_account }
system s "S" {
  safeguards cloud_hardening
  container a "A" in aws.priv
  bucket b "B" in aws
  container g "G" in cluster { runs_on gcp }
}`,
		want: []string{"TMR-H02@aws", "TMR-H02@aws.priv", "TMR-H02@s.g"}},
	ruleCase{rule: "TMR-H03",
		fires: `system s "S" { container k "Kubernetes" in ci { technology container_platform } }`,
		quiet: `system s "S" { container k "Kubernetes" in ci { technology container_platform  safeguards container_isolation } }`,
		want:  []string{"TMR-H03@s.k"}},
	ruleCase{rule: "TMR-H04",
		fires: `data card "Card" { classification restricted }
runtime vm "VMware cluster" { type host }
system s "S" {
  container w "Web" in edge { runs_on vm }
  database d "D" in data { runs_on vm  stores card }
}`,
		quiet: `data card "Card" { classification restricted }
runtime vm "VMware cluster" { type host }
system s "S" {
  container w "Web" in edge { runs_on vm  safeguards workload_isolation }
  database d "D" in data { runs_on vm  stores card  safeguards workload_isolation }
}`,
		want: []string{"TMR-H04@s.d"}},
	ruleCase{rule: "TMR-H05",
		fires: `person dev "Developer" in internet
system s "S" { container git "Git" in ci { technology source_repository } }
flow push: dev -> s.git "push" { authentication client_certificate  crosses internet, ci "r" }`,
		quiet: `person dev "Developer" in internet
system s "S" { container git "Git" in ci { technology source_repository  safeguards branch_protection } }
flow push: dev -> s.git "push" { authentication client_certificate  crosses internet, ci "r" }`,
		want: []string{"TMR-H05@s.git"}},
	ruleCase{rule: "TMR-H06",
		fires: `runtime pool "Node pool" { type node_pool }
system s "S" {
  container a "A" in cluster { runs_on pool }
  container k "K" in ci { technology container_platform  safeguards container_isolation }
  container b "B" in cluster
}
flow s.k -> s.b "roll out" { crosses ci, cluster "r" }`,
		quiet: `runtime pool "Node pool" { type node_pool }
system s "S" {
  safeguards image_scanning
  container a "A" in cluster { runs_on pool }
  container k "K" in ci { technology container_platform  safeguards container_isolation }
  container b "B" in cluster
}
flow s.k -> s.b "roll out" { crosses ci, cluster "r" }`,
		want: []string{"TMR-H06@s.a", "TMR-H06@s.b"}},
	ruleCase{rule: "TMR-H07",
		fires: `system s "S" { container p "Jenkins" in ci { technology build_pipeline }  container r "Registry" in ci { technology artifact_registry } }
flow s.p -> s.r "push image" { usage devops }`,
		quiet: `system s "S" { container p "Jenkins" in ci { technology build_pipeline  safeguards security_scanning }  container r "Registry" in ci { technology artifact_registry } }
flow s.p -> s.r "push image" { usage devops }`,
		want: []string{"TMR-H07@s.p"}},
	ruleCase{rule: "TMR-H08",
		fires: `system s "S" { container p "Jenkins" in ci { technology build_pipeline }  container w "Web" in cluster }
flow deploy: s.p -> s.w "deploy" { usage devops  crosses ci, cluster "r" }`,
		quiet: `system s "S" { container p "Jenkins" in ci { technology build_pipeline }  container w "Web" in cluster }
flow deploy: s.p -> s.w "status" { usage devops  readonly  crosses ci, cluster "r" }`,
		want: []string{"TMR-H08@deploy"}},
	ruleCase{rule: "TMR-H09",
		fires: `data o "O" { classification confidential }
system s "S" { container a "A" in cluster { custom_developed }  database d "D" in data { custom_developed  stores o } }`,
		quiet: `data o "O" { classification confidential }
system s "S" {
  container a "A" in cluster { custom_developed }
  database d "D" in data { custom_developed  stores o }
  container git "Git" in ci { technology source_repository  out_of_scope "GitHub, assessed by the vendor" }
  container p "CI" in ci { technology build_pipeline }
}`,
		want: []string{"TMR-H09@s.d"}},
	ruleCase{rule: "TMR-H10",
		fires: `system s "S" { container c "Consul" in cluster { technology service_registry } }`,
		quiet: `system s "S" { container c "Consul" in cluster { technology service_registry  safeguards authenticated_registration } }`,
		want:  []string{"TMR-H10@s.c"}},
)

// Models on which a hardening rule must stay quiet, each beside what it
// would take to fire.
func TestHardeningQuiet(t *testing.T) {
	for _, c := range []struct{ name, rule, model string }{
		{"internal data is not high value", "TMR-H01",
			`data o "O" { classification confidential  integrity important }
system s "S" { database d "D" in data { stores o  criticality important } }`},
		{"a third party hardens its own", "TMR-H01",
			`data card "Card" { classification restricted }
system p "P" in vendor { external  stores card }`},
		{"out of scope is not analysed", "TMR-H01",
			`system s "S" { container v "Vault" in ci { technology secret_store  out_of_scope "run by the security team" } }`},
		{"a system with containers is hardened through them", "TMR-H01",
			`data card "Card" { classification restricted }
system s "S" { safeguards hardening  database d "D" in data { stores card } }
system t "T" { stores card  container a "A" in cluster { safeguards hardening } }`},
		{"a network segment is not a cloud account", "TMR-H02",
			`boundary lan "LAN" { trust high  type network_segment }
system s "S" { container a "A" in lan }`},
		{"a third party's cloud account", "TMR-H02",
			`boundary saas "SaaS" { trust external  type cloud_account }
system p "P" in saas { external }`},
		{"a managed container platform of a vendor", "TMR-H03",
			`system p "P" in vendor { external  technology container_platform }`},
		{"one boundary, no public element beside a store", "TMR-H04",
			`runtime pool "Pool" { type node_pool }
system s "S" { container a "A" in cluster { runs_on pool }  container b "B" in cluster { runs_on pool } }`},
		{"a cloud account is not a shared host", "TMR-H04",
			`runtime acct "Account" { type cloud_account }
system s "S" { container w "W" in edge { runs_on acct  exposure public }  database d "D" in data { runs_on acct } }`},
		{"a repository on the private network, reached over vpn", "TMR-H05",
			`person dev "Developer" in internet
system s "S" { container git "Git" in ci { technology source_repository } }
flow dev -> s.git "push" { vpn  crosses internet, ci "r" }`},
		{"a pipeline reached only from inside", "TMR-H05",
			`system s "S" { container git "Git" in ci { technology source_repository }  container p "CI" in ci { technology build_pipeline } }
flow s.p -> s.git "clone" { readonly }`},
		{"a plain container is not known to run as a container", "TMR-H06",
			`runtime vm "VM" { type host }
system s "S" { container a "A" in cluster { runs_on vm } }`},
		{"a readonly call ships nothing", "TMR-H07",
			`system s "S" { container p "CI" in ci { technology build_pipeline }  container git "Git" in ci { technology source_repository } }
flow s.p -> s.git "clone" { readonly }`},
		{"a pipeline reading its secrets does not ship", "TMR-H07",
			`system s "S" { container p "CI" in ci { technology build_pipeline }  container v "Vault" in ci { technology secret_store } }
flow s.p -> s.v "read deploy key"`},
		{"a push to the registry is not a deployment", "TMR-H08",
			`system s "S" { container p "CI" in ci { technology build_pipeline }  container r "Registry" in ci { technology artifact_registry } }
flow s.p -> s.r "push image"`},
		{"a push to a third party", "TMR-H08",
			`system s "S" { container p "CI" in ci { technology build_pipeline } }
system npm "npm" in vendor { external }
flow s.p -> npm "publish" { crosses ci, vendor "r" }`},
		{"a reply is not a push", "TMR-H08",
			`system s "S" { container p "CI" in ci { technology build_pipeline }  container w "W" in cluster }
flow st: s.w -> s.p "status hook" { readonly  crosses cluster, ci "r" }
flow s.p -> s.w "ack" { response_to st  crosses ci, cluster "r" }`},
		{"no custom code", "TMR-H09",
			`system s "S" { container a "A" in cluster }`},
		{"custom code out of scope", "TMR-H09",
			`system s "S" { container a "A" in cluster { custom_developed  out_of_scope "legacy, replaced in Q3" } }`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := fingerprints(compile(t, c.model), c.rule); len(got) != 0 {
				t.Errorf("%s fires on %v", c.rule, got)
			}
		})
	}
}

// The messages say why: what is at stake, what the runtime mixes.
func TestHardeningMessages(t *testing.T) {
	m := compile(t, `data card "Card" { classification restricted }
runtime vm "VMware" { type host }
system s "S" {
  container w "Web" in edge { runs_on vm  exposure public }
  database d "D" in data { runs_on vm  stores card }
}`)
	want := map[string]string{
		"TMR-H01@s.d": `stores "card" (restricted)`,
		"TMR-H04@s.d": `shares host "vm" (elements in cluster.data (trust high), edge (trust low))`,
	}
	for _, f := range m.Findings {
		if w, ok := want[f.Fingerprint]; ok {
			if !strings.Contains(f.Message, w) {
				t.Errorf("%s: message %q, want it to contain %q", f.Fingerprint, f.Message, w)
			}
			delete(want, f.Fingerprint)
		}
	}
	for fp := range want {
		t.Errorf("no finding %s", fp)
	}
}

// TMR-H02 reports an element on the innermost network zone around it in
// the cloud account: an execution environment is not one.
func TestHardeningCloudZone(t *testing.T) {
	m := compile(t, `boundary aws "AWS" { trust high  type cloud_account  boundary env "Env" { trust high  type execution_environment } }
system s "S" { safeguards cloud_hardening  container a "A" in aws.env }
system t "T" { container b "B" in aws.env }`)
	if got := strings.Join(fingerprints(m, "TMR-H02"), " "); got != "TMR-H02@aws" {
		t.Errorf("got %q, want TMR-H02@aws", got)
	}
}

// An element that says it runs as a container is one, wherever it runs;
// one that says it is a virtual machine is not, even on a node pool.
var _ = addCases(ruleCase{
	rule: "TMR-H06",
	fires: `runtime vm "VMware host" { type host }
system s "S" { container web "Web" in cluster { machine container  runs_on vm } }`,
	quiet: `runtime pool "Pool" { type node_pool }
system s "S" { container web "Web" in cluster { machine virtual  runs_on pool } }`,
	want: []string{"TMR-H06@s.web"},
})
