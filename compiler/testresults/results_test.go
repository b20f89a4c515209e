package testresults

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tinyTests is a package with a passing, a failing (in a subtest) and a
// skipped test.
const tinyTests = `package billing

import "testing"

func TestWebhookSignature(t *testing.T) {}

func TestIgnoresReplayedEvent(t *testing.T) {
	t.Run("same_id", func(t *testing.T) { t.Error("replayed event charged twice") })
}

func TestChargeRetry(t *testing.T) { t.Skip("needs the PSP sandbox") }
`

type query struct {
	file, test, want string
	failed           []string // ids of the failed cases, in order
}

func checkQueries(t *testing.T, r *Results, qs []query) {
	t.Helper()
	for _, q := range qs {
		got, cases := r.Match(q.file, q.test)
		if got != q.want {
			t.Errorf("Match(%q, %q) = %s, want %s", q.file, q.test, got, q.want)
		}
		var failed []string
		for _, c := range cases {
			if c.State == Failed {
				failed = append(failed, c.ID())
			}
		}
		if strings.Join(failed, ",") != strings.Join(q.failed, ",") {
			t.Errorf("Match(%q, %q) failed cases %q, want %q", q.file, q.test, failed, q.failed)
		}
	}
}

var goQueries = []query{
	{"services/billing/webhook_test.go", "TestWebhookSignature", Passed, nil},
	{"services/billing/webhook_test.go", "TestIgnoresReplayedEvent", Failed, []string{
		"example.com/shop/services/billing.TestIgnoresReplayedEvent",
		"example.com/shop/services/billing.TestIgnoresReplayedEvent/same_id"}},
	{"services/billing/webhook_test.go", "TestIgnoresReplayedEvent/same_id", Failed, []string{"example.com/shop/services/billing.TestIgnoresReplayedEvent/same_id"}},
	{"services/billing/webhook_test.go", "TestChargeRetry", NotRun, nil},
	{"services/billing/webhook_test.go", "TestNotThere", NotRun, nil},
	{"services/billing/webhook_test.go", "TestWebhook", NotRun, nil}, // a prefix is not the name
	{"services/orders/webhook_test.go", "TestWebhookSignature", NotRun, nil},
	{"billing/webhook_test.go", "TestWebhookSignature", Passed, nil},
	{"ervices/billing/webhook_test.go", "TestWebhookSignature", NotRun, nil}, // segment by segment
	{"webhook_test.go", "TestWebhookSignature", Passed, nil},                 // at the project root: any package
}

// The captured output of `go test -json` on tinyTests, in
// example.com/shop/services/billing (go 1.26): read always.
func TestGoJSONCaptured(t *testing.T) {
	data, err := os.ReadFile("testdata/gotest.json")
	if err != nil {
		t.Fatal(err)
	}
	var r Results
	if err := r.Add("testdata/gotest.json", data, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if len(r.Cases) != 4 {
		t.Errorf("%d cases, want 4 (three tests and a subtest)", len(r.Cases))
	}
	if want := time.Date(2026, 12, 5, 18, 58, 27, 582819696, time.UTC); !r.Time.Equal(want) {
		t.Errorf("time %v, want the last event's %v", r.Time, want)
	}
	checkQueries(t, &r, goQueries)
	if st, cases := r.Match("services/billing/webhook_test.go", ""); st != Failed || len(cases) != 4 {
		t.Errorf("the whole file: %s with %d cases, want failed with 4", st, len(cases))
	}
}

// Real `go test -json` output, made now with the go command on PATH, reads
// as the captured copy does.
func TestGoJSONLive(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH: the live go test -json test needs it (TestGoJSONCaptured reads a captured copy)")
	}
	dir := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/shop\n\ngo 1.22\n")
	write("services/billing/webhook_test.go", tinyTests)
	cmd := exec.Command(goCmd, "test", "-json", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
	out, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("go test -json: %v", err)
	}
	if ee == nil {
		t.Fatalf("go test -json passed; a test fails on purpose:\n%s", out)
	}
	start := time.Now().UTC().Add(-time.Second)
	var r Results
	if err := r.Add("live.json", out, time.Time{}); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	checkQueries(t, &r, goQueries)
	if r.Time.Before(start) {
		t.Errorf("time %v is before the run started (%v)", r.Time, start)
	}
}

func TestJUnit(t *testing.T) {
	cases := []struct {
		file string
		time time.Time
		qs   []query
	}{
		{"pytest.xml", time.Date(2026, 12, 4, 9, 15, 2, 123456000, time.UTC), []query{
			{"services/billing/test_webhook.py", "test_rejects_forged_signature", Passed, nil},
			{"services/billing/test_webhook.py", "test_ignores_replayed_event", Failed, []string{"services.billing.test_webhook.test_ignores_replayed_event[stripe]"}},
			{"services/billing/test_webhook.py", "test_refund_needs_tenant", Failed, []string{"services.billing.test_webhook.TestRefunds.test_refund_needs_tenant"}},
			{"services/billing/test_webhook.py", "test_psp_sandbox", NotRun, nil},
			{"services/billing/test_webhook.py", "", Failed, []string{"services.billing.test_webhook.TestRefunds.test_refund_needs_tenant", "services.billing.test_webhook.test_ignores_replayed_event[stripe]"}},
			{"app/services/billing/test_webhook.py", "test_rejects_forged_signature", Passed, nil},
			{"services/orders/test_webhook.py", "test_rejects_forged_signature", NotRun, nil},
		}},
		{"surefire.xml", time.Time{}, []query{
			{"billing/src/test/java/com/example/billing/WebhookTest.java", "rejectsForgedSignature", Passed, nil},
			{"billing/src/test/java/com/example/billing/WebhookTest.java", "ignoresReplayedEvent", Failed, []string{"com.example.billing.WebhookTest.ignoresReplayedEvent"}},
			{"billing/src/test/java/com/example/billing/WebhookTest.java", "chargesInSandbox", NotRun, nil},
			{"billing/src/test/java/com/example/other/WebhookTest.java", "rejectsForgedSignature", NotRun, nil},
		}},
		{"gradle.xml", time.Date(2026, 12, 4, 10, 2, 44, 0, time.UTC), []query{
			{"gateway/src/test/kotlin/com/example/gateway/TenantBindingTest.kt", "bindsTenantToAudience", Passed, nil},
			{"gateway/src/test/kotlin/com/example/gateway/TenantBindingTest.kt", "", Passed, nil},
		}},
		{"jest.xml", time.Date(2026, 12, 4, 11, 30, 1, 0, time.UTC), []query{
			{"web/src/redaction.test.js", "redacts tokens", Passed, nil},
			{"web/src/redaction.test.js", "keeps ids", Failed, []string{"redaction keeps ids.keeps ids"}},
			{"web/src/csp.test.js", "sets a strict policy", Passed, nil},
			{"web/src/other.test.js", "", NotRun, nil},
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			p := filepath.Join("testdata", c.file)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			mtime := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
			var r Results
			if err := r.Add(p, data, mtime); err != nil {
				t.Fatal(err)
			}
			want := c.time
			if want.IsZero() {
				want = mtime // surefire writes no timestamp
			}
			if !r.Time.Equal(want) {
				t.Errorf("time %v, want %v", r.Time, want)
			}
			checkQueries(t, &r, c.qs)
		})
	}
}

// Several files add up: the newest time of all, failures from any.
func TestSeveralFiles(t *testing.T) {
	var r Results
	for _, f := range []string{"gotest.json", "pytest.xml", "surefire.xml"} {
		data, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Add(f, data, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	if !r.Time.Equal(time.Date(2026, 12, 5, 18, 58, 27, 582819696, time.UTC)) || len(r.Files) != 3 {
		t.Errorf("time %v, files %v", r.Time, r.Files)
	}
	checkQueries(t, &r, goQueries[:2])
}

func TestMalformed(t *testing.T) {
	cases := []struct {
		name, text string
		line       int
		msg        string
	}{
		{"empty", "", 0, "neither go test -json output nor JUnit XML"},
		{"text", "PASS\nok  \texample.com/x\t0.01s\n", 0, "no test event"},
		{"binary", "\x00\xff\xfe", 0, "not UTF-8"},
		{"broken json", "{\"Action\":\"run\",\"Test\":\"TestA\"}\n{\"Action\":\"pass\",\"Test\n", 2, "not a go test -json event"},
		{"json without action", "{\"Test\":\"TestA\"}\n", 1, "no Action"},
		{"json bad time", "{\"Action\":\"pass\",\"Time\":\"yesterday\"}\n", 1, "not a go test -json event"},
		{"html", "<!DOCTYPE html>\n<html><body>404</body></html>", 2, "root element is <html>"},
		{"truncated xml", "<testsuites>\n<testsuite>\n<testcase name=\"a\">", 3, "broken XML"},
		{"bad xml", "<testsuite><testcase name=\"a></testsuite>", 1, "broken XML"},
		{"no root", "<?xml version=\"1.0\"?>\n<!-- nothing -->\n", 0, "without a <testsuites>"},
		{"two roots", "<testsuite></testsuite>\n<testsuite></testsuite>", 2, "second root"},
		{"entity", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><testsuite><testcase name=\"&e;\"/></testsuite>", 1, "broken XML"},
		{"encoding", "<?xml version=\"1.0\" encoding=\"EBCDIC\"?><testsuite/>", 1, "broken XML"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r Results
			err := r.Add("r.out", []byte(c.text), time.Time{})
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v, want a *FormatError", err)
			}
			if fe.Line != c.line || !strings.Contains(fe.Msg, c.msg) || fe.File != "r.out" {
				t.Errorf("got %q (line %d), want line %d containing %q", fe.Error(), fe.Line, c.line, c.msg)
			}
			if len(r.Errors) != 1 || len(r.Cases) != 0 || len(r.Files) != 1 {
				t.Errorf("results %+v", r)
			}
		})
	}
}

// FuzzParse: any input gives cases or a *FormatError, never a panic; every
// case has a known state and its source, and parsing is deterministic.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"gotest.json", "pytest.xml", "surefire.xml", "gradle.xml", "jest.xml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("<testsuites><testsuite><testsuite><testcase/></testsuite></testsuite></testsuites>"))
	f.Add([]byte("{\"Action\":\"fail\",\"Package\":\"p\",\"Test\":\"T\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cases, _, err := Parse("f", data)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) || fe.File != "f" || fe.Msg == "" {
				t.Fatalf("error %v is not a *FormatError naming the file", err)
			}
			return
		}
		for _, c := range cases {
			if c.State != Passed && c.State != Failed && c.State != Skipped || c.Source != "f" {
				t.Fatalf("case %+v", c)
			}
			c.ofFile("a/b_test.go")
			c.ofTest("TestA")
		}
		again, _, _ := Parse("f", data)
		if len(again) != len(cases) {
			t.Fatalf("%d cases, then %d", len(cases), len(again))
		}
	})
}
