package cli

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// resultsModel names the three tests of tinyBilling, one passing, one
// failing and one skipped, and a pytest test of each outcome, from a
// model in threat-model/ of a repository.
const resultsModel = `boundary internet "Internet" { trust untrusted }
boundary cluster "Cluster" { trust high }
system psp "PSP" in internet { external }
system shop "Shop" { container billing "Billing" in cluster }
flow webhook: psp -> shop.billing "Payment webhook" { crosses internet, cluster "HMAC signature" }
control sig "Verify webhook signatures" {
  status implemented
  test "../services/billing/webhook_test.go:TestWebhookSignature"
  evidence "../docs/adr/0001-x.md"
}
control replay "Reject replayed events" {
  status implemented
  test "../services/billing/webhook_test.go:TestIgnoresReplayedEvent"
  evidence "../docs/adr/0001-x.md"
}
control sandbox "Charge in the sandbox" {
  status implemented
  test "../services/billing/webhook_test.go:TestChargeRetry"
  evidence "../docs/adr/0001-x.md"
}
control py_sig "Verify signatures (Python)" {
  status implemented
  test "../services/billing/test_webhook.py:test_rejects_forged_signature"
  evidence "../docs/adr/0001-x.md"
}
control py_replay "Reject replays (Python)" {
  status implemented
  test "../services/billing/test_webhook.py:test_ignores_replayed_event"
  evidence "../docs/adr/0001-x.md"
}
threat forged "Forged webhook" { stride spoofing on webhook impact 5 likelihood 3 mitigated_by sig }
threat replayed "Replayed webhook" { stride tampering on webhook impact 5 likelihood 3 mitigated_by replay }
threat retried "Retried charge" { stride tampering on webhook impact 4 likelihood 3 mitigated_by replay, sandbox }
threat py_replayed "Replayed webhook (Python)" { stride tampering on webhook impact 5 likelihood 4 mitigated_by py_replay }
threat low_replay "Replay, minor" { stride tampering on webhook impact 2 likelihood 2 mitigated_by replay }
`

// tinyBilling is a Go package with a passing, a failing and a skipped test.
const tinyBilling = `package billing

import "testing"

func TestWebhookSignature(t *testing.T) {}

func TestIgnoresReplayedEvent(t *testing.T) {
	t.Run("same_id", func(t *testing.T) { t.Error("replayed event charged twice") })
}

func TestChargeRetry(t *testing.T) { t.Skip("needs the PSP sandbox") }
`

const capturedGoJSON = "../../../../compiler/testresults/testdata/gotest.json"
const capturedPytest = "../../../../compiler/testresults/testdata/pytest.xml"

// layResults lays out the repository of resultsModel and returns its root.
func layResults(t *testing.T) string {
	t.Helper()
	repo := t.TempDir()
	for name, text := range map[string]string{
		".git/HEAD":                        "ref: refs/heads/main\n",
		"go.mod":                           "module example.com/shop\n\ngo 1.22\n",
		"threat-model/model.tm":            resultsModel,
		"services/billing/webhook_test.go": tinyBilling,
		"services/billing/test_webhook.py": "def test_rejects_forged_signature():\n    pass\n\ndef test_ignores_replayed_event():\n    pass\n",
		"docs/adr/0001-x.md":               "# Signed webhooks\n",
	} {
		p := filepath.Join(repo, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return repo
}

// checkResults runs tmc check with the results files and checks what it
// shows per control and the one TM606 of each kind of results.
func checkResults(t *testing.T, repo string, files ...string) string {
	t.Helper()
	t.Chdir(repo)
	args := []string{"check"}
	for _, f := range files {
		args = append(args, "--test-results", f)
	}
	code, out, errs := run(t, append(args, "threat-model")...)
	if code != ExitOK {
		t.Fatalf("exit %d, want 0 (TM606 is a warning)\n%s%s", code, out, errs)
	}
	for _, want := range []string{
		`  passed   control "sig": ../services/billing/webhook_test.go:TestWebhookSignature`,
		`  failed   control "replay": ../services/billing/webhook_test.go:TestIgnoresReplayedEvent`,
		`  not run  control "sandbox": ../services/billing/webhook_test.go:TestChargeRetry`,
		`threat-model/model.tm:32:8: warning[TM606]: high threat "replayed": every control of it has a failing test: control "replay": "../services/billing/webhook_test.go:TestIgnoresReplayedEvent" in ` + files[0],
		`  = threat-model/model.tm:13:8: failed in ` + files[0] + `: example.com/shop/services/billing.TestIgnoresReplayedEvent, example.com/shop/services/billing.TestIgnoresReplayedEvent/same_id`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	// forged passed; retried has a control whose test did not fail;
	// low_replay is low.
	for _, not := range []string{`threat "forged"`, `threat "retried"`, `threat "low_replay"`} {
		if strings.Contains(out, not) {
			t.Errorf("a TM606 on %s:\n%s", not, out)
		}
	}
	return out
}

// The acceptance test of issue 15, section 1, on real go test -json
// output: made now by the go command on PATH from a tiny package with a
// passing, a failing and a skipped test.
func TestTestResultsGoLive(t *testing.T) {
	pinDate(t)
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH: this test runs go test -json; TestTestResultsGoCaptured reads a captured copy")
	}
	repo := layResults(t)
	cmd := exec.Command(goCmd, "test", "-json", "./...")
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
	out, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("go test -json: %v", err)
	}
	if err := os.WriteFile(filepath.Join(repo, "test-results.json"), out, 0o644); err != nil {
		t.Fatal(err)
	}
	got := checkResults(t, repo, "test-results.json")
	if !strings.Contains(got, "tests: 1 passed, 1 failed, 3 not run\n") {
		t.Errorf("want the Python tests not run without their results:\n%s", got)
	}
}

// The same on the captured copy, so it runs without the go command; with
// a pytest JUnit XML file too.
func TestTestResultsGoCaptured(t *testing.T) {
	pinDate(t)
	repo := layResults(t)
	for name, src := range map[string]string{"test-results.json": capturedGoJSON, "pytest.xml": capturedPytest} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(repo, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := checkResults(t, repo, "test-results.json", "pytest.xml")
	for _, want := range []string{
		"test results: 2026-12-05T18:58:27Z (test-results.json, pytest.xml)\n",
		`  passed   control "py_sig": ../services/billing/test_webhook.py:test_rejects_forged_signature` + "\n",
		`  failed   control "py_replay": ../services/billing/test_webhook.py:test_ignores_replayed_event` + "\n",
		`warning[TM606]: critical threat "py_replayed": every control of it has a failing test: control "py_replay": "../services/billing/test_webhook.py:test_ignores_replayed_event" in pytest.xml` + "\n",
		"tests: 2 passed, 2 failed, 1 not run\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	// A pattern reads every file it matches.
	code, out2, _ := run(t, "check", "--test-results", "*.xml", "--test-results", "test-results.json", "threat-model")
	if code != ExitOK || !strings.Contains(out2, "(pytest.xml, test-results.json)") {
		t.Errorf("a pattern: exit %d\n%s", code, out2)
	}
}

// A results file that is not results is TM607 (exit 1), the others are
// still read; a missing one, or a pattern matching nothing, is a usage
// error.
func TestTestResultsBad(t *testing.T) {
	pinDate(t)
	repo := layResults(t)
	data, err := os.ReadFile(capturedGoJSON)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(repo, "test-results.json"), data, 0o644)
	os.WriteFile(filepath.Join(repo, "page.xml"), []byte("<!DOCTYPE html>\n<html></html>\n"), 0o644)
	t.Chdir(repo)
	code, out, _ := run(t, "check", "--test-results", "page.xml", "--test-results", "test-results.json", "threat-model")
	if code != ExitFail || !strings.Contains(out, "page.xml:2:1: error[TM607]: test results page.xml cannot be read: not JUnit XML: the root element is <html>") ||
		!strings.Contains(out, `warning[TM606]: high threat "replayed"`) {
		t.Errorf("exit %d\n%s", code, out)
	}
	code, _, errs := run(t, "check", "--test-results", "missing.json", "threat-model")
	if code != ExitUsage || !strings.Contains(errs, "missing.json") {
		t.Errorf("missing file: exit %d\n%s", code, errs)
	}
	code, _, errs = run(t, "check", "--test-results", "reports/*.xml", "threat-model")
	if code != ExitUsage || !strings.Contains(errs, "matches no file") {
		t.Errorf("empty pattern: exit %d\n%s", code, errs)
	}
	code, _, errs = run(t, "check", "--test-results", "services", "threat-model")
	if code != ExitUsage || !strings.Contains(errs, "not a regular file") {
		t.Errorf("a folder: exit %d\n%s", code, errs)
	}
}

// tmc build --test-results: the control pages and the backlog show each
// test's state and the time of the results; model.json carries them.
func TestTestResultsSite(t *testing.T) {
	pinDate(t)
	repo := layResults(t)
	out := filepath.Join(t.TempDir(), "site")
	code, stdout, errs := run(t, "build", "-o", out, "--test-results", capturedGoJSON, filepath.Join(repo, "threat-model"))
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, errs)
	}
	files := readTree(t, out)
	when := `<time datetime="2026-12-05T18:58:27Z">2026-12-05 18:58 UTC</time>`
	for page, wants := range map[string][]string{
		"control/replay.html":  {when, `<span class="badge test-failed">failed</span>`},
		"control/sig.html":     {when, `<span class="badge test-passed">passed</span>`},
		"control/sandbox.html": {when, `<span class="badge test-not-run">not run</span>`},
		"controls.html":        {when, "test-failed", "test-passed", "test-not-run"},
	} {
		for _, w := range wants {
			if !strings.Contains(string(files[page]), w) {
				t.Errorf("%s: missing %q", page, w)
			}
		}
	}
	var sm struct {
		Model json.RawMessage
	}
	if err := json.Unmarshal(files["model.json"], &sm); err != nil {
		t.Fatal(err)
	}
	var m struct {
		TestRun struct {
			Files []string
			Time  string
		} `json:"test_run"`
		Controls []struct {
			ID    string
			Tests []struct {
				Name   string
				Result struct {
					State  string
					Failed []string
				}
			}
		}
	}
	if err := json.Unmarshal(sm.Model, &m); err != nil {
		t.Fatal(err)
	}
	if m.TestRun.Time != "2026-12-05T18:58:27.582819696Z" || len(m.TestRun.Files) != 1 {
		t.Errorf("model.json test_run: %+v", m.TestRun)
	}
	states := map[string]string{}
	for _, c := range m.Controls {
		for _, f := range c.Tests {
			states[c.ID] = f.Result.State
			if f.Name != "../services/billing/webhook_test.go" && f.Name != "../services/billing/test_webhook.py" {
				t.Errorf("control %s: test name %q", c.ID, f.Name)
			}
		}
	}
	if states["sig"] != "passed" || states["replay"] != "failed" || states["sandbox"] != "not run" || states["py_sig"] != "not run" {
		t.Errorf("states in model.json: %v", states)
	}
	// Without results, nothing of them.
	out2 := filepath.Join(t.TempDir(), "site")
	if code, _, _ := run(t, "build", "-o", out2, filepath.Join(repo, "threat-model")); code != ExitOK {
		t.Fatal(code)
	}
	files = readTree(t, out2)
	if strings.Contains(string(files["controls.html"]), "results-note") || strings.Contains(string(files["model.json"]), "test_run") {
		t.Error("a build without results shows results")
	}
}
