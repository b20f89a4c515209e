package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler/rules"
)

type findingsReport struct {
	Schema   string `json:"schema"`
	Findings []struct {
		Rule, Fingerprint, Band, Status, Message, File string
		Target                                         struct{ Kind, ID string }
		Stride                                         []string
		Impact, Likelihood, Score, Line, Column        int
		ImpactWhy                                      string `json:"impact_why"`
		LikelihoodWhy                                  string `json:"likelihood_why"`
	} `json:"findings"`
	Diagnostics []json.RawMessage `json:"diagnostics"`
	Summary     struct{ Errors, Warnings int }
}

func TestCheckFindingsJSON(t *testing.T) {
	pinDate(t)
	_, out, _ := run(t, "check", "--format", "json", core)
	var r findingsReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Schema != "tmc/check/v1" || len(r.Diagnostics) != 2 || r.Summary.Errors != 1 {
		t.Fatalf("diagnostics changed: %s", out)
	}
	var hook bool
	for i, f := range r.Findings {
		if i > 0 && r.Findings[i-1].Fingerprint >= f.Fingerprint {
			t.Errorf("findings not sorted: %s", out)
		}
		if f.Fingerprint == "TMR-S03@webhook" {
			hook = f.Rule == "TMR-S03" && f.Target.Kind == "flow" && f.Target.ID == "webhook" && f.Stride[0] == "spoofing" &&
				f.Impact == 5 && f.Likelihood == 4 && f.Score == 20 && f.Band == "critical" && f.Status == "open" &&
				f.ImpactWhy == "impact 5: rule default (no data or criticality stated here)" &&
				f.LikelihoodWhy == "likelihood 4: reachable from `vendor` in one hop without authentication (rule default 3)" &&
				f.Line == 95 && filepath.Base(f.File) == "core.tm" && f.Message != ""
		}
	}
	if !hook {
		t.Errorf("no complete TMR-S03@webhook finding:\n%s", out)
	}
	// Claimed and accepted findings say by what, as in model.json.
	_, out, _ = run(t, "check", "--format", "json", "../../../../examples/checkout")
	var settled struct {
		Findings []struct {
			Fingerprint, Status string
			ClaimedBy           string `json:"claimed_by"`
			Accepted            *struct{ Reason, Owner, Until string }
		}
	}
	if err := json.Unmarshal([]byte(out), &settled); err != nil {
		t.Fatal(err)
	}
	statuses := map[string]int{}
	for _, f := range settled.Findings {
		statuses[f.Status]++
		switch f.Fingerprint {
		case "TMR-I01@cart_rw":
			if f.Status != "claimed" || f.ClaimedBy != "cache_leak" || f.Accepted != nil {
				t.Errorf("claimed finding: %+v", f)
			}
		case "TMR-R01@payment_delivery":
			if f.Status != "accepted" || f.ClaimedBy != "" || f.Accepted == nil || f.Accepted.Owner != "payments-lead" || f.Accepted.Until != "2027-06-30" || f.Accepted.Reason == "" {
				t.Errorf("accepted finding: %+v", f)
			}
		default:
			if f.ClaimedBy != "" || f.Accepted != nil {
				t.Errorf("open finding with a claim or acceptance: %+v", f)
			}
		}
	}
	if statuses["open"] != 15 || statuses["claimed"] != 1 || statuses["accepted"] != 1 {
		t.Errorf("statuses %v, want 15 open, 1 claimed, 1 accepted", statuses)
	}
	// A model without findings still has the member.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "m.tm"), []byte(`boundary b "B" { trust high }`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, _ = run(t, "check", "--format", "json", dir)
	if !strings.Contains(out, `"findings": []`) {
		t.Errorf("empty findings not written as []:\n%s", out)
	}
}

func TestCheckFindingsText(t *testing.T) {
	pinDate(t)
	code, out, _ := run(t, "check", "../../../../examples/checkout")
	if code != ExitOK {
		t.Fatalf("findings must not fail a run: exit %d\n%s", code, out)
	}
	if !strings.Contains(out, ": ok (") || !strings.Contains(out, "\nfindings: 17 (15 open, 1 accepted, 1 claimed)\n") ||
		!strings.Contains(out, "orders.tm:31:6: finding[TMR-I01] high 12: ") {
		t.Errorf("text findings section wrong:\n%s", out)
	}
	// Every finding is listed, as in JSON, with why it has its score;
	// those not open say why they are not.
	for _, want := range []string{
		"(TMR-I01@cart_rw)\n  = why: impact 4: rule default (the most at stake: carries confidential `cart`); likelihood 3: rule default (reachable from `internet` in 3 hops)\n" +
			"  = claimed by threat \"cache_leak\" (status accepted)\n",
		"(TMR-R01@payment_delivery)\n  = why: impact 3: rule default (the most at stake: carries confidential `payment`); likelihood 3: rule default (reachable from `internet` in 4 hops)\n" +
			"  = accepted until 2027-06-30 by \"payments-lead\": payment events carry the order id",
		"(TMR-R02@psp_key_read)\n  = why: impact 4: carries secret `psp_key` (rule default 3); likelihood 3: rule default (reachable from `internet` in 3 hops)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, ": finding["); n != 17 || strings.Count(out, "\n  = why: ") != 17 || strings.Count(out, "\n  = ") != 19 {
		t.Errorf("%d findings listed, want 17, each with a why line, two with a status line:\n%s", n, out)
	}
	_, out, _ = run(t, "check", core)
	if !strings.Contains(out, "core.tm:95:6: finding[TMR-S03] critical 20: ") ||
		strings.Index(out, "findings: ") < strings.Index(out, "1 error, 1 warning") {
		t.Errorf("findings must follow the diagnostics:\n%s", out)
	}
}

// tmc check lists findings by score, highest first, then by
// fingerprint; JSON keeps fingerprint order.
func TestCheckFindingsTextByScore(t *testing.T) {
	pinDate(t)
	_, out, _ := run(t, "check", "../../../../examples/checkout")
	line := regexp.MustCompile(`finding\[[^\]]+\] [a-z]+ (\d+): .* \(([^ ()]+)\)\n`)
	ms := line.FindAllStringSubmatch(out, -1)
	if len(ms) != 17 {
		t.Fatalf("%d finding lines, want 17:\n%s", len(ms), out)
	}
	for i := 1; i < len(ms); i++ {
		a, _ := strconv.Atoi(ms[i-1][1])
		b, _ := strconv.Atoi(ms[i][1])
		if a < b || (a == b && ms[i-1][2] >= ms[i][2]) {
			t.Errorf("%s (%d) listed before %s (%d):\n%s", ms[i-1][2], a, ms[i][2], b, out)
		}
	}
	if first := ms[0][2]; first != "TMR-N01@record" {
		t.Errorf("first finding %s, want TMR-N01@record (16)", first)
	}
}

func TestFailOnFindings(t *testing.T) {
	pinDate(t)
	code, _, errOut := run(t, "check", "--fail-on", "high", "../../../../examples/checkout")
	if code != ExitFail || !strings.Contains(errOut, "finding(s) at or above high") || !strings.Contains(errOut, "TMR-I05@shop.events") || strings.Contains(errOut, "TMR-I01@cart_rw") {
		t.Errorf("--fail-on high: exit %d, %q", code, errOut)
	}
	if code, _, errOut := run(t, "check", "--fail-on", "critical", "../../../../examples/checkout"); code != ExitOK {
		t.Errorf("--fail-on critical: exit %d, %q", code, errOut)
	}
}

func TestRulesCommand(t *testing.T) {
	code, out, _ := run(t, "rules")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != ExitOK || len(lines) != len(rules.All) || !strings.HasPrefix(lines[0], rules.All[0].ID+" ") {
		t.Fatalf("tmc rules: exit %d\n%s", code, out)
	}
	for i, r := range rules.All {
		if !strings.Contains(lines[i], r.Title) || !strings.Contains(lines[i], r.Stride[0]) {
			t.Errorf("line %d: %q lacks %s", i, lines[i], r.ID)
		}
	}
	code, out, _ = run(t, "rules", "tmr-s03")
	for _, want := range []string{"TMR-S03: Unsigned webhook", "categories: spoofing, tampering", "impact 5, likelihood 3 (score 15, high)", "why:", "fix:", "webhook_signature", "CWE-345"} {
		if code != ExitOK || !strings.Contains(out, want) {
			t.Errorf("tmc rules TMR-S03: exit %d, lacks %q\n%s", code, want, out)
		}
	}
	code, _, errOut := run(t, "rules", "TMR-S3")
	if code != ExitUsage || !strings.Contains(errOut, `did you mean "TMR-S03"?`) {
		t.Errorf("unknown rule: exit %d, %q", code, errOut)
	}
}
