package rules_test

import (
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler/rules"
)

// The false positives issue 12 lists (section 5), each as a small model on
// which the rule must stay quiet, beside the nearest model on which it must
// still fire, so that a fix cannot silence the rule's true positives.
var falsePositives = []struct {
	name, rule string
	quiet      string   // the false positive
	fires      string   // the true positive beside it
	want       []string // the findings of rule on fires
}{
	{"secret data is not credentials", "TMR-R02",
		`data biz "Business data" { classification secret }
system s "S" { container a "A" in cluster  container v "V" in data }
flow f: s.a -> s.v "x" { carries biz  crosses data "r" }`,
		`data biz "Business data" { classification secret  credentials }
system s "S" { container a "A" in cluster  container v "V" in data }
flow f: s.a -> s.v "x" { carries biz  crosses data "r" }`,
		[]string{"TMR-R02@f"}},
	{"a session written to a cache is not an action", "TMR-R02",
		`data sess "Session" { classification confidential  credentials }
system s "S" { container a "A" in cluster  cache c "C" in data { encrypted_at_rest } }
flow f: s.a -> s.c "x" { carries sess  crosses data "r" }`,
		`data sess "Session" { classification confidential  credentials }
system s "S" { container a "A" in cluster  container c "Session service" in data }
flow f: s.a -> s.c "x" { carries sess  crosses data "r" }`,
		[]string{"TMR-R02@f"}},
	{"secret data in a cache is not credentials", "TMR-I07",
		`data biz "Business data" { classification secret }
system s "S" { container a "A" in cluster  cache c "C" in cluster }
flow s.a -> s.c "x" { carries biz }`,
		`data biz "Business data" { classification secret  credentials }
system s "S" { container a "A" in cluster  cache c "C" in cluster }
flow s.a -> s.c "x" { carries biz }`,
		[]string{"TMR-I07@s.c"}},
	{"a provider's own API key is not personal data", "TMR-X02",
		`data key "PSP API key" { classification secret  credentials }
system p "P" in vendor { external }
system s "S" { container a "A" in cluster }
flow f: s.a -> p "x" { protocol https  carries key  crosses cluster, vendor "r" }`,
		`data key "PSP API key" { classification secret  credentials }
data c "Card" { classification restricted }
system p "P" in vendor { external }
system s "S" { container a "A" in cluster }
flow f: s.a -> p "x" { protocol https  carries key, c  crosses cluster, vendor "r" }`,
		[]string{"TMR-X02@f"}},
	{"our own bucket is not an external provider (retries)", "TMR-D03",
		`system s "S" { container a "A" in cluster  bucket b "B" in vendor }
flow f: s.a -> s.b "x" { crosses cluster, vendor "r" }`,
		`system p "P" in vendor { external  bucket b "B" }
system s "S" { container a "A" in cluster }
flow f: s.a -> p.b "x" { crosses cluster, vendor "r" }`,
		[]string{"TMR-D03@f"}},
	{"our own bucket is not an external provider (egress)", "TMR-X01",
		`system s "S" { container a "A" in cluster  bucket b "B" in vendor }
flow f: s.a -> s.b "x" { crosses cluster, vendor "r" }`,
		`system p "P" in vendor { bucket b "B" }
system s "S" { container a "A" in cluster }
flow f: s.a -> p.b "x" { crosses cluster, vendor "r" }`,
		[]string{"TMR-X01@f"}},
	{"a queue consumer takes the tenant from the message", "TMR-T02",
		`data o "O" { classification confidential  tenant_scoped }
person u "U" in internet
system s "S" { multi_tenant  container g "G" in edge { safeguards tenant_from_token }  queue q "Q" in data  container a "A" in cluster }
flow in: u -> s.g "x" { auth jwt  carries o  crosses internet, edge "r" }
flow pub: s.g -> s.q "y" { auth mtls  carries o  crosses edge, cluster, data "r" }
flow d: s.q -> s.a "z" { auth mtls  carries o  crosses data "r" }`,
		`data o "O" { classification confidential  tenant_scoped }
person u "U" in internet
system s "S" { multi_tenant  container g "G" in edge { safeguards tenant_from_token }  queue q "Q" in data  container a "A" in cluster }
flow in: u -> s.g "x" { auth jwt  carries o  crosses internet, edge "r" }
flow fwd: s.g -> s.a "y" { auth mtls  carries o  crosses edge, cluster "r" }`,
		[]string{"TMR-T02@fwd"}},
	{"a provider's callback carries no tenant a user sets", "TMR-T02",
		`data o "O" { classification confidential  tenant_scoped }
system p "P" in vendor { external }
system s "S" { multi_tenant  container g "G" in edge  container a "A" in cluster }
flow hook: p -> s.g "x" { auth hmac  carries o  crosses vendor, edge "r" }
flow fwd: s.g -> s.a "y" { auth mtls  carries o  crosses edge, cluster "r" }`,
		`data o "O" { classification confidential  tenant_scoped }
person u "U" in internet
system s "S" { multi_tenant  container a "A" in cluster }
flow f: u -> s.a "x" { auth jwt  carries o  crosses internet, cluster "r" }`,
		[]string{"TMR-T02@f"}},
	{"a request that does not say what it carries may carry a tenant", "TMR-T02",
		`data o "O" { classification confidential  tenant_scoped }
person u "U" in internet
system e "E" { container g "G" in edge  cache c "C" in edge }
system s "S" { multi_tenant  container a "A" in cluster }
flow in: u -> e.c "w" { crosses internet, edge "r" }
flow f: e.c -> s.a "x" { auth mtls  carries o  crosses edge, cluster "r" }`,
		`data o "O" { classification confidential  tenant_scoped }
person u "U" in internet
system e "E" { container g "G" in edge  cache c "C" in edge }
system s "S" { multi_tenant  container a "A" in cluster }
flow in: u -> e.g "w" { crosses internet, edge "r" }
flow f: e.g -> s.a "x" { auth mtls  carries o  crosses edge, cluster "r" }`,
		[]string{"TMR-T02@f"}},
	{"the response to our own call is not a callback", "TMR-S03",
		`system p "P" in vendor { external }
system s "S" { container a "A" in cluster }
flow charge: s.a -> p "x" { protocol https  auth "API key"  idempotency_key  safeguards retry_backoff, egress_allow_list  crosses cluster, vendor "r" }
flow reply: p -> s.a "y" { protocol https  response_to charge  crosses vendor, cluster "r" }`,
		`system p "P" in vendor { external }
system s "S" { container a "A" in cluster }
flow charge: s.a -> p "x" { protocol https  auth "API key"  idempotency_key  safeguards retry_backoff, egress_allow_list  crosses cluster, vendor "r" }
flow reply: p -> s.a "y" { protocol https  crosses vendor, cluster "r" }`,
		[]string{"TMR-S03@reply"}},
	{"the response to our own call is not a callback", "TMR-S05",
		`system p "P" in vendor { external }
system s "S" { container a "A" in cluster }
flow charge: s.a -> p "x" { protocol https  auth "API key"  idempotency_key  safeguards retry_backoff, egress_allow_list  crosses cluster, vendor "r" }
flow reply: p -> s.a "y" { protocol https  response_to charge  crosses vendor, cluster "r" }`,
		`system p "P" in vendor { external }
system s "S" { container a "A" in cluster }
flow charge: s.a -> p "x" { protocol https  auth "API key"  idempotency_key  safeguards retry_backoff, egress_allow_list  crosses cluster, vendor "r" }
flow reply: p -> s.a "y" { protocol https  crosses vendor, cluster "r" }`,
		[]string{"TMR-S05@reply"}},
	{"the response to our own call is not a callback", "TMR-S01",
		`system p "P" in vendor { external }
system s "S" { container a "A" in cluster }
flow charge: s.a -> p "x" { protocol https  auth "API key"  idempotency_key  safeguards retry_backoff, egress_allow_list  crosses cluster, vendor "r" }
flow reply: p -> s.a "y" { protocol https  response_to charge  crosses vendor, cluster "r" }`,
		`system p "P" in vendor { external }
system s "S" { container a "A" in cluster }
flow charge: s.a -> p "x" { protocol https  auth "API key"  idempotency_key  safeguards retry_backoff, egress_allow_list  crosses cluster, vendor "r" }
flow reply: p -> s.a "y" { protocol https  crosses vendor, cluster "r" }`,
		[]string{"TMR-S01@reply"}},
	{"a read-only pull by the build server changes nothing", "TMR-C01",
		`system s "S" { container b "Build server" in ci  container git "Source repository" in cluster }
flow pull: s.b -> s.git "x" { readonly  crosses ci, cluster "r" }`,
		`system s "S" { container b "Build server" in ci  container git "Source repository" in cluster }
flow pull: s.b -> s.git "x" { crosses ci, cluster "r" }`,
		[]string{"TMR-C01@pull"}},
	{"an anonymous read does not chain to a login-only directory call", "TMR-D04",
		`data mkt "Marketing" { classification public }
data acct "Accounts" { classification confidential  credentials }
system s "S" { container lb "LB" in edge { exposure public }  container cms "CMS" in cluster  database ldap "LDAP" in data }
flow read: s.lb -> s.cms "x" { auth none  carries mkt  crosses edge, cluster "r" }
flow login: s.cms -> s.ldap "y" { protocol ldaps  auth "bind"  carries acct  crosses data "r" }`,
		`data mkt "Marketing" { classification public }
data acct "Accounts" { classification confidential  credentials }
system s "S" { container lb "LB" in edge { exposure public }  container cms "CMS" in cluster  database ldap "LDAP" in data }
flow read: s.lb -> s.cms "x" { auth none  carries mkt, acct  crosses edge, cluster "r" }
flow login: s.cms -> s.ldap "y" { protocol ldaps  auth "bind"  carries acct  crosses data "r" }`,
		[]string{"TMR-D04@login"}},
}

func TestFalsePositives(t *testing.T) {
	for _, c := range falsePositives {
		t.Run(c.rule+"/"+c.name, func(t *testing.T) {
			if rules.Lookup(c.rule) == nil {
				t.Fatalf("no rule %s", c.rule)
			}
			if got := fingerprints(compile(t, c.quiet), c.rule); len(got) != 0 {
				t.Errorf("false positive: %v", got)
			}
			if got := fingerprints(compile(t, c.fires), c.rule); strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("true positive: got %v, want %v", got, c.want)
			}
		})
	}
}

// TMR-D01 (and every rule that names where a caller sits) says something
// true of a caller that no boundary places: it is not "reached from no
// boundary", it is an element that counts as untrusted.
func TestCallerWithoutBoundaryMessage(t *testing.T) {
	m := compile(t, `person u "U"
system s "S" { container g "G" in edge { exposure public } }
flow f: u -> s.g "x" { auth jwt  crosses edge "r" }`)
	var msg string
	for _, f := range m.Findings {
		if f.Rule == "TMR-D01" {
			msg = f.Message
		}
	}
	if msg == "" {
		t.Fatalf("TMR-D01 does not fire; findings: %v", fingerprints(m, "TMR-D01"))
	}
	if strings.Contains(msg, "from no boundary") || !strings.Contains(msg, `from "u" (in no boundary, so untrusted)`) {
		t.Errorf("message: %s", msg)
	}
	m = compile(t, `person u "U" in internet
system s "S" { container g "G" in edge { exposure public } }
flow f: u -> s.g "x" { auth jwt  crosses internet, edge "r" }`)
	for _, f := range m.Findings {
		if f.Rule == "TMR-D01" && !strings.Contains(f.Message, `from "internet" (trust untrusted)`) {
			t.Errorf("message: %s", f.Message)
		}
	}
}
