package report

import (
	"os"
	"regexp"
	"testing"

	"github.com/tmc-dev/tmc/compiler/check"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// TestChecksMatchDocs keeps Checks (the SARIF rules of diagnostics) and
// docs/checks.md in step: the same codes in the index table, as headings
// and as anchors (help links point at checks.md#tmNNN), the heading text
// as the description and the table's severity; and every code a check
// reports is among them.
func TestChecksMatchDocs(t *testing.T) {
	doc, err := os.ReadFile("../../docs/checks.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\| \[(TM\d+)\]\(#tm\d+\) \| (error|warning) \|`).FindAllSubmatch(doc, -1) {
		rows[string(m[1])] = string(m[2])
	}
	headings := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^## (TM\d+): (.+)$`).FindAllSubmatch(doc, -1) {
		headings[string(m[1])] = string(m[2])
	}
	anchors := map[string]bool{}
	for _, m := range regexp.MustCompile(`<a id="(tm\d+)"></a>`).FindAllSubmatch(doc, -1) {
		anchors[string(m[1])] = true
	}
	known := map[string]bool{}
	for _, c := range Checks {
		known[c.Code] = true
		sev := map[diag.Severity]string{diag.Error: "error", diag.Warning: "warning"}[c.Severity]
		if rows[c.Code] != sev {
			t.Errorf("%s: severity %q in docs/checks.md's table, %q in Checks", c.Code, rows[c.Code], sev)
		}
		if headings[c.Code] != c.Description {
			t.Errorf("%s: heading %q in docs/checks.md, description %q in Checks", c.Code, headings[c.Code], c.Description)
		}
		if !anchors[checkAnchor(c.Code)] {
			t.Errorf(`%s: no <a id="%s"></a> in docs/checks.md`, c.Code, checkAnchor(c.Code))
		}
	}
	for code := range rows {
		if !known[code] {
			t.Errorf("%s is in docs/checks.md's table but not in Checks", code)
		}
	}
	for code := range headings {
		if !known[code] {
			t.Errorf("%s has a heading in docs/checks.md but is not in Checks", code)
		}
	}
	for _, k := range check.All {
		for _, code := range k.Codes {
			if !known[code] {
				t.Errorf("check %s reports %s, which Checks does not list", k.Name, code)
			}
		}
	}
}

func checkAnchor(code string) string { return "tm" + code[2:] }
