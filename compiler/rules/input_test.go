package rules_test

import (
	"strings"
	"testing"
)

// Input handling and injection (TMR-N01 to TMR-N12): each rule fires on
// the facts that say so and is silenced by its safeguard.
var _ = addCases(
	ruleCase{rule: "TMR-N01",
		fires: `data o "O" { classification confidential }
system s "S" { container a "A" in cluster  database d "D" in data { stores o }  container w "W" in data { technology data_warehouse } }
flow f: s.a -> s.d "x" { protocol postgres  crosses data "r" }
flow g: s.a -> s.w "y" { protocol https  crosses data "r" }`,
		quiet: `data o "O" { classification confidential }
system s "S" { container a "A" in cluster { safeguards parameterized_queries }  database d "D" in data { stores o }  container w "W" in data { technology data_warehouse } }
flow f: s.a -> s.d "x" { protocol postgres  crosses data "r" }
flow g: s.a -> s.w "y" { protocol https  crosses data "r" }`,
		want: []string{"TMR-N01@f", "TMR-N01@g"}},
	ruleCase{rule: "TMR-N02",
		fires: `system s "S" { container a "A" in cluster  container l "LDAP" in data { technology identity_store } }
flow f: s.a -> s.l "x" { protocol ldaps  authentication credentials  crosses data "r" }`,
		quiet: `system s "S" { container a "A" in cluster  container l "LDAP" in data { technology identity_store } }
flow f: s.a -> s.l "x" { protocol ldaps  authentication credentials  safeguards ldap_escaping  crosses data "r" }`,
		want: []string{"TMR-N02@f"}},
	ruleCase{rule: "TMR-N03",
		fires: `person u "U" in internet
system s "S" { container a "A" in edge { technology api  accepts json, xml } }
flow in: u -> s.a "x" { protocol https  crosses internet, edge "r" }`,
		quiet: `person u "U" in internet
system s "S" { container a "A" in edge { technology api  accepts json, xml  safeguards xml_hardening } }
flow in: u -> s.a "x" { protocol https  crosses internet, edge "r" }`,
		want: []string{"TMR-N03@s.a"}},
	ruleCase{rule: "TMR-N04",
		fires: `system s "S" { container a "A" in cluster { accepts serialized_objects }  container b "B" in cluster  container c "C" in cluster }
flow s.b -> s.c "x" { protocol rmi }`,
		quiet: `system s "S" { container a "A" in cluster { accepts serialized_objects  safeguards safe_deserialization }  container b "B" in cluster  container c "C" in cluster { safeguards safe_deserialization } }
flow s.b -> s.c "x" { protocol rmi }`,
		want: []string{"TMR-N04@s.a", "TMR-N04@s.c"}},
	ruleCase{rule: "TMR-N05",
		fires: `system s "S" { container a "A" in cluster  container fs "Contracts" in data { technology file_server } }
flow f: s.a -> s.fs "x" { protocol nfs  crosses data "r" }`,
		quiet: `system s "S" { container a "A" in cluster  container fs "Contracts" in data { technology file_server  safeguards path_validation } }
flow f: s.a -> s.fs "x" { protocol nfs  crosses data "r" }`,
		want: []string{"TMR-N05@f"}},
	ruleCase{rule: "TMR-N06",
		fires: `system s "S" { custom_developed  container a "A" in edge { technology web_server  accepts json, files } }`,
		quiet: `system s "S" { custom_developed  container a "A" in edge { technology web_server  accepts json, files  safeguards file_validation } }`,
		want:  []string{"TMR-N06@s.a"}},
	ruleCase{rule: "TMR-N07",
		fires: `system s "S" { container a "A" in edge { custom_developed }  container b "B" in cluster }
flow f: s.a -> s.b "x" { protocol https  auth jwt  crosses edge, cluster "r" }`,
		quiet: `system s "S" { container a "A" in edge { custom_developed  safeguards url_allow_list }  container b "B" in cluster }
flow f: s.a -> s.b "x" { protocol https  auth jwt  crosses edge, cluster "r" }`,
		want: []string{"TMR-N07@f"}},
	ruleCase{rule: "TMR-N08",
		fires: `system s "S" { container a "A" in edge { technology web_application }  container c "CMS" in edge { technology cms } }`,
		quiet: `system s "S" { container a "A" in edge { technology web_application  safeguards output_encoding }  container c "CMS" in edge { technology cms  safeguards output_encoding } }`,
		want:  []string{"TMR-N08@s.a", "TMR-N08@s.c"}},
	ruleCase{rule: "TMR-N09",
		fires: `person u "U" in internet
system s "S" { container lb "LB" in edge { technology load_balancer }  container a "A" in cluster { technology web_application } }
flow in: u -> s.lb "x" { protocol https  auth cookie  crosses internet, edge "r" }
flow fwd: s.lb -> s.a "y" { protocol http  authentication session  crosses edge, cluster "r" }`,
		quiet: `person u "U" in internet
system s "S" { container lb "LB" in edge { technology load_balancer }  container a "A" in cluster { technology web_application  safeguards csrf_protection } }
flow in: u -> s.lb "x" { protocol https  auth cookie  crosses internet, edge "r" }
flow fwd: s.lb -> s.a "y" { protocol http  authentication session  crosses edge, cluster "r" }`,
		want: []string{"TMR-N09@fwd"}},
	ruleCase{rule: "TMR-N10",
		fires: `system s "S" { container a "A" in cluster  container i "Index" in data { technology search_index } }
flow f: s.a -> s.i "x" { protocol https  crosses data "r" }`,
		quiet: `system s "S" { container a "A" in cluster  container i "Index" in data { technology search_index } }
flow f: s.a -> s.i "x" { protocol https  safeguards parameterized_queries  crosses data "r" }`,
		want: []string{"TMR-N10@f"}},
	ruleCase{rule: "TMR-N12",
		fires: `system s "S" { custom_developed  container a "Mailer" in cluster { technology api  accepts json, templates }  container c "CMS" in edge { technology cms  accepts templates  safeguards output_encoding } }`,
		quiet: `system s "S" { custom_developed  container a "Mailer" in cluster { technology api  accepts json, templates  safeguards sandboxed_templates }  container c "CMS" in edge { technology cms  accepts templates  safeguards output_encoding, sandboxed_templates } }`,
		want:  []string{"TMR-N12@s.a", "TMR-N12@s.c"}},
	ruleCase{rule: "TMR-N11",
		fires: `person dev "Dev" in internet
system s "S" { container p "Pipeline" in ci { technology build_pipeline } }
flow f: dev -> s.p "Open pull request" { protocol https  auth sso  crosses internet, ci "r" }`,
		quiet: `person dev "Dev" in internet
system s "S" { container p "Pipeline" in ci { technology build_pipeline  safeguards safe_command_execution } }
flow f: dev -> s.p "Open pull request" { protocol https  auth sso  crosses internet, ci "r" }`,
		want: []string{"TMR-N11@s.p"}},
)

// The places where an input rule must stay quiet, each beside the facts
// that would make it fire.
func TestInputRulesQuiet(t *testing.T) {
	for _, c := range []struct{ name, rule, model string }{
		{"a person types their own queries", "TMR-N01",
			`person dba "DBA" in cluster
system s "S" { database d "D" in data }
flow f: dba -> s.d "x" { protocol postgres  crosses data "r" }`},
		{"a workstation's SQL client types its user's queries", "TMR-N01",
			`system s "S" { container w "Laptop" in cluster { technology workstation }  database d "D" in data }
flow f: s.w -> s.d "x" { protocol postgres  crosses data "r" }`},
		{"a reply is not a query", "TMR-N01",
			`system s "S" { container a "A" in cluster { safeguards parameterized_queries }  database d "D" in data }
flow q: s.a -> s.d "x" { protocol postgres  crosses data "r" }
flow rows: s.d -> s.a "rows" { response_to q  crosses data "r" }`},
		{"an out-of-scope database is not analysed", "TMR-N01",
			`system s "S" { container a "A" in cluster  database d "D" in data { out_of_scope "run by the vendor" } }
flow f: s.a -> s.d "x" { protocol postgres  crosses data "r" }`},
		{"an out-of-scope caller is not analysed", "TMR-N01",
			`system s "S" { container a "A" in cluster { out_of_scope "legacy, assessed elsewhere" }  database d "D" in data }
flow f: s.a -> s.d "x" { protocol postgres  crosses data "r" }`},
		{"a third party's code is not ours", "TMR-N01",
			`system p "P" in vendor { external }
system s "S" { database d "D" in data }
flow f: p -> s.d "x" { protocol postgres  crosses vendor, cluster, data "r" }`},
		{"a cache is not a database", "TMR-N01",
			`system s "S" { container a "A" in cluster  cache c "C" in data }
flow f: s.a -> s.c "x" { protocol redis  crosses data "r" }`},
		{"an identity store's HTTP API is not LDAP", "TMR-N02",
			`system s "S" { container a "A" in cluster  container l "Users" in data { technology identity_store } }
flow f: s.a -> s.l "x" { protocol https  crosses data "r" }`},
		{"a user database speaks SQL, not LDAP", "TMR-N02",
			`system s "S" { container a "A" in cluster  database l "Users" in data { technology identity_store } }
flow f: s.a -> s.l "x" { crosses data "r" }`},
		{"a third party's XML parser is not ours", "TMR-N03",
			`system p "P" in vendor { external  accepts xml }`},
		{"a browser parses what it is served", "TMR-N03",
			`system s "S" { container b "Browser" in internet { technology browser  accepts xml, html } }`},
		{"files accepted by a product we do not build", "TMR-N06",
			`system s "S" { container g "Git" in ci { technology source_repository  accepts files } }`},
		{"an object store's keys are not paths", "TMR-N05",
			`system s "S" { container a "A" in cluster  bucket b "B" in data { technology object_store } }
flow f: s.a -> s.b "x" { protocol https  crosses data "r" }`},
		{"a product calls the URLs it is configured with", "TMR-N07",
			`system s "S" { container a "A" in edge  container b "B" in cluster }
flow f: s.a -> s.b "x" { protocol https  crosses edge, cluster "r" }`},
		{"a load balancer forwards to its upstreams", "TMR-N07",
			`system s "S" { custom_developed  container lb "LB" in edge { technology load_balancer }  container b "B" in cluster }
flow f: s.lb -> s.b "x" { protocol https  crosses edge, cluster "r" }`},
		{"a call to a third party is TMR-X01's", "TMR-N07",
			`system p "P" in vendor { external }
system s "S" { container a "A" in cluster { custom_developed } }
flow f: s.a -> p "x" { protocol https  crosses cluster, vendor "r" }`},
		{"gRPC and SQL are not web requests", "TMR-N07",
			`system s "S" { custom_developed  container a "A" in cluster  container b "B" in cluster  database d "D" in data }
flow s.a -> s.b "x" { protocol grpc }
flow s.a -> s.d "y" { protocol postgres  crosses data "r" }`},
		{"a web server we do not build serves its own pages", "TMR-N08",
			`system s "S" { container w "Nginx" in edge { technology web_server } }`},
		{"an API is not a page", "TMR-N08",
			`system s "S" { custom_developed  container a "API" in edge { technology api  accepts json } }`},
		{"a bearer token is not sent by the browser on its own", "TMR-N09",
			`person u "U" in internet
system s "S" { container a "A" in edge { technology web_application } }
flow f: u -> s.a "x" { protocol https  auth jwt  crosses internet, edge "r" }`},
		{"a read-only flow changes nothing", "TMR-N09",
			`person u "U" in internet
system s "S" { container a "A" in edge { technology web_application } }
flow f: u -> s.a "x" { protocol https  auth cookie  readonly  crosses internet, edge "r" }`},
		{"a service's session to another service is not a browser's", "TMR-N09",
			`system s "S" { container b "B" in cluster  container a "A" in cluster { technology web_application } }
flow f: s.b -> s.a "x" { protocol https  authentication session }`},
		{"a browser's certificate on an SSH session to a database is no CSRF", "TMR-N09",
			`system s "S" { container b "Admin client" in cluster { technology browser }  database d "D" in data }
flow f: s.b -> s.d "x" { protocol ssh  authentication client_certificate  crosses data "r" }`},
		{"the load balancer itself holds no session", "TMR-N09",
			`person u "U" in internet
system s "S" { container lb "LB" in edge { technology load_balancer } }
flow f: u -> s.lb "x" { protocol https  auth cookie  crosses internet, edge "r" }`},
		{"templates compiled by a product we do not build", "TMR-N12",
			`system s "S" { container c "CMS" in edge { technology cms  accepts templates } }`},
		{"data rendered into our own templates is not template injection", "TMR-N12",
			`system s "S" { custom_developed  container a "A" in edge { technology web_application  accepts form_data, html } }`},
		{"a pipeline reached only from its own zone", "TMR-N11",
			`system s "S" { container r "Repo" in ci { technology source_repository }  container p "Pipeline" in ci { technology build_pipeline } }
flow f: s.r -> s.p "Trigger" { protocol https }`},
		{"a pipeline that is not ours", "TMR-N11",
			`person dev "Dev" in internet
system s "S" { container p "Pipeline" in ci { technology build_pipeline  out_of_scope "SaaS, assessed by the vendor" } }
flow f: dev -> s.p "x" { protocol https  auth sso  crosses internet, ci "r" }`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := fingerprints(compile(t, c.model), c.rule); len(got) != 0 {
				t.Errorf("%s fires: %v", c.rule, got)
			}
		})
	}
}

// Generic input validation is not a defence against injection: it does not
// silence TMR-N01, N03 or N07; and the messages name the data at stake and
// where a lower-trust sender comes from.
func TestInputRulesReadTheFacts(t *testing.T) {
	m := compile(t, `data card "Card" { classification restricted }
data order "Order" { classification confidential }
person u "U" in internet
system s "S" {
  container a "A" in edge { custom_developed  accepts xml  safeguards input_validation }
  container b "B" in cluster
  database d "D" in data { stores order, card }
}
flow in: u -> s.a "x" { protocol https  crosses internet, edge "r" }
flow f: s.a -> s.d "y" { protocol postgres  crosses edge, cluster, data "r" }
flow g: s.a -> s.b "z" { protocol https  crosses edge, cluster "r" }`)
	want := map[string]string{
		"TMR-N01@f":   "at stake: restricted card, confidential order",
		"TMR-N03@s.a": `reached from "internet" (trust untrusted) by flow "in"`,
		"TMR-N07@g":   "without url_allow_list or egress_allow_list",
	}
	got := map[string]string{}
	for _, f := range m.Findings {
		got[f.Fingerprint] = f.Message
	}
	for fp, part := range want {
		if !strings.Contains(got[fp], part) {
			t.Errorf("%s: message %q, want it to contain %q", fp, got[fp], part)
		}
	}
	// The same model with egress_allow_list on the caller: N07 is silenced.
	m = compile(t, `system s "S" {
  container a "A" in edge { custom_developed  safeguards egress_allow_list }
  container b "B" in cluster
}
flow g: s.a -> s.b "z" { protocol https  crosses edge, cluster "r" }`)
	if got := fingerprints(m, "TMR-N07"); len(got) != 0 {
		t.Errorf("egress_allow_list does not silence TMR-N07: %v", got)
	}
}

// The part of Threagile's example model (threagile-example.yaml) that its
// input categories read, written in tmc: the input rules find Threagile's
// risks on the same targets, plus XSS and CSRF, which Threagile does not
// report on that model and which hold there (a custom web server and a
// CMS that render pages; the customer's session through the load balancer).
func TestInputRulesOnThreagileExample(t *testing.T) {
	m := compile(t, `data contracts "Customer contracts" { classification confidential  integrity critical }
system company "Company XYZ" {
  container customer "Customer web client" in internet { technology browser  out_of_scope "owned by the customer" }
  container backoffice "Backoffice client" in cluster { technology desktop_app  out_of_scope "managed by the company" }
  container admin "Backend admin client" in cluster { technology browser  out_of_scope "managed by the ops provider" }
  container devclient "External development client" in internet { technology workstation  out_of_scope "owned by external developers" }
  container lb "Load balancer" in edge { technology load_balancer }
  container apache "Apache webserver" in edge { technology web_server  custom_developed  accepts json, files }
  container cms "Marketing CMS" in edge { technology cms  custom_developed }
  container idp "Identity provider" in cluster { technology identity_provider }
  container ldap "LDAP auth server" in cluster { technology identity_store }
  container erp "Backoffice ERP system" in cluster { technology erp  accepts xml, files, serialized_objects }
  container fs "Contract file server" in data { technology file_server  accepts files  stores contracts }
  database db "Customer contract database" in data { technology database  stores contracts }
  container git "Git repository" in ci { technology source_repository  accepts files }
  container jenkins "Jenkins build server" in ci { technology build_pipeline  accepts files, serialized_objects }
}
flow customer_traffic: company.customer -> company.lb "Customer traffic" { protocol https  authentication session  crosses internet, edge "r" }
flow web_traffic: company.lb -> company.apache "Web application traffic" { protocol http  authentication session }
flow cms_traffic: company.lb -> company.cms "CMS content traffic" { protocol http  authentication none  readonly }
flow erp_internal: company.backoffice -> company.erp "ERP internal access" { protocol https  authentication token }
flow cms_editing: company.backoffice -> company.cms "Marketing CMS editing" { protocol https  authentication token  crosses cluster, edge "r" }
flow erp_web: company.admin -> company.erp "ERP web access" { protocol https  authentication token  usage devops }
flow db_update: company.admin -> company.db "DB update access" { protocol ssh  authentication client_certificate  usage devops  crosses data "r" }
flow user_mgmt: company.admin -> company.ldap "User management access" { protocol ldaps  authentication credentials  usage devops }
flow erp_traffic: company.apache -> company.erp "ERP system traffic" { protocol https  authentication token  crosses edge, cluster "r" }
flow auth_check: company.apache -> company.idp "Auth credential check traffic" { protocol https  authentication credentials  crosses edge, cluster "r" }
flow ldap_check: company.idp -> company.ldap "LDAP credential check traffic" { protocol ldaps  authentication credentials }
flow cms_auth: company.cms -> company.ldap "Auth traffic" { protocol ldap  authentication credentials  readonly  crosses edge, cluster "r" }
flow db_traffic: company.erp -> company.db "Database traffic" { protocol jdbc  authentication credentials  crosses data "r" }
flow nfs: company.erp -> company.fs "NFS filesystem access" { protocol nfs  authentication none  crosses data "r" }
flow git_write: company.devclient -> company.git "Git-repo code write access" { protocol ssh  authentication client_certificate  usage devops  crosses internet, ci "r" }
flow git_web: company.devclient -> company.git "Git-repo web-UI access" { protocol https  authentication token  usage devops  crosses internet, ci "r" }
flow jenkins_web: company.devclient -> company.jenkins "Jenkins web-UI access" { protocol https  authentication credentials  usage devops  crosses internet, ci "r" }
flow git_read: company.jenkins -> company.git "Git repo code read access" { protocol ssh  authentication client_certificate  readonly  usage devops }
flow deploy: company.jenkins -> company.apache "Application deployment" { protocol ssh  authentication client_certificate  usage devops  crosses ci, edge "r" }
flow cms_updates: company.jenkins -> company.cms "CMS updates" { protocol ssh  authentication client_certificate  usage devops  crosses ci, edge "r" }`)
	want := map[string]string{
		"TMR-N01": "TMR-N01@db_traffic",                          // sql-nosql-injection
		"TMR-N02": "TMR-N02@cms_auth TMR-N02@ldap_check",         // ldap-injection
		"TMR-N03": "TMR-N03@company.erp",                         // xml-external-entity
		"TMR-N04": "TMR-N04@company.erp TMR-N04@company.jenkins", // untrusted-deserialization
		"TMR-N05": "TMR-N05@nfs",                                 // path-traversal
		"TMR-N06": "TMR-N06@company.apache",                      // missing-file-validation
		"TMR-N07": "TMR-N07@auth_check TMR-N07@erp_traffic",      // server-side-request-forgery
		"TMR-N08": "TMR-N08@company.apache TMR-N08@company.cms",  // not reported by Threagile here
		"TMR-N09": "TMR-N09@web_traffic",                         // not reported by Threagile here
		"TMR-N10": "",                                            // no search index in the model
		"TMR-N11": "TMR-N11@company.jenkins",                     // pytm's class; Threagile has none
		"TMR-N12": "",                                            // pytm's class; nothing accepts templates here
	}
	for id, w := range want {
		if got := strings.Join(fingerprints(m, id), " "); got != w {
			t.Errorf("%s: got %q, want %q", id, got, w)
		}
	}
}
