package importer_test

import (
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler/importer"
	"github.com/tmc-dev/tmc/compiler/ir"
)

// trackingModel is a small Threagile model whose built-in risks tmc's
// rules find, with tracking entries of every status.
const trackingModel = `title: Tracking
data_assets:
  Secrets:
    id: secrets
    confidentiality: strictly-confidential
    integrity: critical
    availability: critical
technical_assets:
  App:
    id: app
    type: process
    technology: web-server
    integrity: mission-critical
    availability: mission-critical
    data_assets_stored: [secrets]
    communication_links:
      DB Access:
        target: db
        protocol: jdbc
        authentication: credentials
        data_assets_sent: [secrets]
  DB:
    id: db
    type: datastore
    technology: database
    integrity: mission-critical
    availability: mission-critical
    data_assets_stored: [secrets]
risk_tracking:
  missing-hardening@app:
    status: false-positive
    justification: the image is hardened by the platform team
    ticket: T-1
    date: 2024-01-01
    checked_by: Ann
  missing-hardening@*:
    status: mitigated
    justification: CIS benchmarks applied
    ticket: T-2
    date: 2024-02-02
    checked_by: Bob
  unencrypted-asset@db:
    status: in-discussion
    justification: is disk encryption enough?
  sql-nosql-injection@app@db@app>db-access:
    status: accepted
    justification: only internal callers
    date: 2024-03-03
    checked_by: Cy
  missing-vault@nowhere:
    status: mitigated
  unnecessary-data-asset@secrets:
    status: mitigated
  unencrypted-communication@app>db-access@app@db:
    status: done
`

// TestBuiltinTracking: the tracking of Threagile's built-in risks closes
// the findings of the rules that peer the category, on the targets the
// entry names, as its status says; an entry that matches no finding is
// listed with the reason.
func TestBuiltinTracking(t *testing.T) {
	res, err := importer.Threagile([]byte(trackingModel))
	if err != nil {
		t.Fatal(err)
	}
	cres := compileClean(t, res)
	platform := string(res.Files[0].Data)
	for _, d := range cres.Diags {
		if d.Code == "TM602" {
			t.Errorf("a claim or dismissal matches no finding: %v", d)
		}
	}
	status := map[string]string{}
	claimer := map[string]*ir.Threat{}
	for _, f := range cres.Model.Findings {
		status[f.Fingerprint] = f.Status
		if f.ClaimedBy != nil {
			claimer[f.Fingerprint] = f.ClaimedBy
		}
	}
	want := map[string]string{
		"TMR-H01@other_system.app": ir.Dismissed, // the exact entry wins over missing-hardening@*
		"TMR-H01@other_system.db":  ir.Claimed,
		"TMR-N01@db_access":        ir.Claimed,
	}
	for fp, st := range want {
		if status[fp] != st {
			t.Errorf("%s: status %q, want %q (findings: %v)", fp, status[fp], st, status)
		}
	}
	if th := claimer["TMR-H01@other_system.db"]; th == nil || th.Status != ir.Mitigated {
		t.Errorf("missing-hardening@* (mitigated) should claim TMR-H01@other_system.db with a mitigated threat, got %+v", th)
	}
	if th := claimer["TMR-N01@db_access"]; th == nil || th.Status != ir.Open || th.Acceptance != nil {
		t.Errorf("an acceptance without an expiry should leave the claiming threat open, got %+v", th)
	}
	for _, s := range []string{
		`dismiss "TMR-H01@other_system.app" {`,
		`reason "the image is hardened by the platform team (false positive in Threagile's risk tracking missing-hardening@app, on 2024-01-01, ticket T-1)"`,
		`reviewer "Ann"`,
		`status implemented  # Threagile: mitigated`,
		`owner "Bob"`,
		`missing-vault@nowhere: it names nowhere, which is no technical asset`,
		`unnecessary-data-asset@secrets: no tmc rule covers Threagile's category unnecessary-data-asset`,
		`unencrypted-communication@app>db-access@app@db: status done is not a Threagile tracking status`,
	} {
		if !strings.Contains(platform, s) {
			t.Errorf("platform.tm does not say %q:\n%s", s, platform)
		}
	}
	all := ""
	for _, f := range res.Files {
		all += string(f.Data)
	}
	for _, s := range []string{
		`# not mapped: accepted in Threagile on 2024-03-03 by Cy: give it an expiry with accepted "only internal callers" by "Cy" until DATE`,
		`description "is disk encryption enough?"`,
	} {
		if !strings.Contains(all, s) {
			t.Errorf("the model does not say %q:\n%s", s, all)
		}
	}
	var sum strings.Builder
	res.Summary.Print(&sum)
	if !strings.Contains(sum.String(), "risk tracking  4 mapped, 3 not mapped") {
		t.Errorf("summary:\n%s", sum.String())
	}
}

// TestCustomRiskCategories: Threagile's parser reads individual risks from
// custom_risk_categories (a list, each with its title) since 74e323e,
// while its schema and example keep individual_risk_categories (a map by
// title). Both import the same threats, and a model with both (as tmc
// export writes) does not import them twice.
func TestCustomRiskCategories(t *testing.T) {
	head := "title: Risks\ntechnical_assets:\n  App:\n    id: app\n    type: process\n    technology: web-server\n"
	category := "    id: replay\n    description: Old webhooks replayed\n    stride: tampering\n    risks_identified:\n      Replay at the app:\n        severity: high\n        most_relevant_technical_asset: app\n"
	asMap := head + "individual_risk_categories:\n  Webhook replay:\n" + category
	asList := head + "custom_risk_categories:\n  - title: Webhook replay\n" + category
	both := asMap + "custom_risk_categories:\n  - title: Webhook replay\n" + category
	var threats []string
	for name, src := range map[string]string{"map": asMap, "list": asList, "both": both} {
		res, err := importer.Threagile([]byte(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cres := compileClean(t, res)
		var ids []string
		for _, th := range cres.Model.Threats {
			ids = append(ids, th.ID+" "+th.Name)
		}
		got := strings.Join(ids, "; ")
		if len(cres.Model.Threats) != 1 {
			t.Errorf("%s: %d threats (%s), want the one risk", name, len(cres.Model.Threats), got)
		}
		threats = append(threats, got)
	}
	if threats[0] != threats[1] || threats[1] != threats[2] {
		t.Errorf("the forms import different threats: %q", threats)
	}
}
