package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// run runs tmc in-process and returns its exit status and output.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

type report struct {
	Schema      string `json:"schema"`
	Diagnostics []struct {
		Code, Severity, File, Message, Help string
		Line, Column                        int
		EndLine                             int `json:"end_line"`
		EndColumn                           int `json:"end_column"`
		Related                             []struct {
			File    string
			Line    int
			Message string
		}
	} `json:"diagnostics"`
	Summary struct{ Errors, Warnings int } `json:"summary"`
}

const core = "../../../../compiler/testdata/core"

func pinDate(t *testing.T) { t.Setenv("SOURCE_DATE_EPOCH", "1795478400") } // 2026-11-24

func TestCheckCoreExample(t *testing.T) {
	pinDate(t)
	code, out, _ := run(t, "check", "--format", "json", core)
	if code != ExitFail {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	var r report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Schema != "tmc/check/v1" || r.Summary.Errors != 1 || r.Summary.Warnings != 1 || len(r.Diagnostics) != 2 {
		t.Fatalf("unexpected report: %s", out)
	}
	d := r.Diagnostics[0]
	if d.Code != "TM301" || d.Line != 95 || d.Column != 6 || d.EndColumn != 13 ||
		!strings.Contains(d.Message, `"webhook"`) || !strings.Contains(d.Message, `"vendor"`) || !strings.Contains(d.Message, `"cluster"`) ||
		d.Help != `crosses vendor, cluster "<how trust is established>"` || filepath.Base(d.File) != "core.tm" {
		t.Errorf("TM301 diagnostic wrong: %+v", d)
	}
	if len(d.Related) != 2 {
		t.Errorf("TM301 should point at both boundaries: %+v", d.Related)
	}
	if w := r.Diagnostics[1]; w.Code != "TM501" || w.Severity != "warning" || !strings.Contains(w.Message, "forged_webhook") {
		t.Errorf("TM501 diagnostic wrong: %+v", w)
	}
	if code, _, _ := run(t, "check", "--strict", core); code != ExitFail {
		t.Errorf("--strict: exit %d, want 1", code)
	}
}

// Marking the webhook flow makes the core example exit 0: only a warning
// remains, and warnings fail a run only with --strict.
func TestCheckCoreExampleMarked(t *testing.T) {
	pinDate(t)
	dir := t.TempDir()
	copyDir(t, core, dir)
	tm := filepath.Join(dir, "core.tm")
	src, err := os.ReadFile(tm)
	if err != nil {
		t.Fatal(err)
	}
	marked := strings.Replace(string(src), "# error: crosses vendor and cluster, but does not say so",
		`crosses vendor, cluster "HMAC signature verified with the webhook secret"`, 1)
	if marked == string(src) {
		t.Fatal("core example changed; cannot mark the webhook flow")
	}
	if err := os.WriteFile(tm, []byte(marked), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := run(t, "check", dir)
	if code != ExitOK || !strings.Contains(out, "warning[TM501]") || !strings.Contains(out, "0 errors, 1 warning") {
		t.Fatalf("exit %d, want 0 with one warning\n%s", code, out)
	}
	if code, _, _ := run(t, "check", "--strict", dir); code != ExitFail {
		t.Errorf("--strict with a warning: exit %d, want 1", code)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestFailOn(t *testing.T) {
	pinDate(t)
	dir := t.TempDir()
	copyDir(t, core, dir)
	tm := filepath.Join(dir, "core.tm")
	src, _ := os.ReadFile(tm)
	marked := strings.Replace(string(src), "# error: crosses vendor and cluster, but does not say so", `crosses vendor, cluster "HMAC"`, 1)
	if err := os.WriteFile(tm, []byte(marked), 0o644); err != nil {
		t.Fatal(err)
	}
	// forged_webhook is open with impact 5 x likelihood 3 = 15: high.
	if code, _, errOut := run(t, "check", "--fail-on", "high", dir); code != ExitFail || !strings.Contains(errOut, "forged_webhook") {
		t.Errorf("--fail-on high: exit %d, %q", code, errOut)
	}
	// The webhook from the provider states no authentication: TMR-S03 on
	// it is 5 x 4 = 20, critical (its likelihood one above the rule's
	// default, for the unauthenticated hop from an untrusted zone); the
	// declared threat is not.
	if code, _, errOut := run(t, "check", "--fail-on", "critical", dir); code != ExitFail ||
		!strings.Contains(errOut, "TMR-S03@webhook") || strings.Contains(errOut, "forged_webhook") {
		t.Errorf("--fail-on critical: exit %d, want 1 for TMR-S03@webhook alone: %q", code, errOut)
	}
	if code, _, _ := run(t, "check", "--fail-on", "severe", dir); code != ExitUsage {
		t.Errorf("--fail-on severe: exit %d, want 2", code)
	}
}

func TestCheckTextFormat(t *testing.T) {
	pinDate(t)
	_, out, _ := run(t, "check", core)
	for _, want := range []string{
		"core.tm:95:6: error[TM301]: unmarked boundary crossing",
		"95 | flow webhook: psp -> shop.billing \"Payment webhook\" {\n",
		"   |      ^^^^^^^\n",
		"= help: add `crosses vendor, cluster \"<how trust is established>\"`",
		"1 error, 1 warning",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
}

func TestExamples(t *testing.T) {
	pinDate(t)
	code, out, _ := run(t, "check", "--strict", "../../../../examples/checkout")
	if code != ExitOK || !strings.Contains(out, ": ok (") {
		t.Errorf("examples/checkout: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "check", "../../../../examples/unmarked")
	if code != ExitFail || !strings.Contains(out, "error[TM301]") || strings.Count(out, "error[") != 1 {
		t.Errorf("examples/unmarked: exit %d, want exactly one TM301\n%s", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"check", "does/not/exist"},
		{"check", "--format", "yaml", core},
		{"check", "--no-such-flag"},
		{"check", "a", "b"},
		{"no-such-command"},
		{"check", t.TempDir()}, // no .tm files: a CI job pointed at the wrong folder must not pass
	} {
		code, _, errOut := run(t, args...)
		if code != ExitUsage || !strings.HasPrefix(errOut, "tmc: ") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and a message", args, code, errOut)
		}
	}
	t.Setenv("SOURCE_DATE_EPOCH", "yesterday")
	if code, _, errOut := run(t, "check", core); code != ExitUsage || !strings.Contains(errOut, "SOURCE_DATE_EPOCH") {
		t.Errorf("bad SOURCE_DATE_EPOCH: exit %d, %q", code, errOut)
	}
}

func TestVersionHelpCompletion(t *testing.T) {
	if code, out, _ := run(t, "version"); code != 0 || !strings.HasPrefix(out, "tmc ") {
		t.Errorf("version: %d %q", code, out)
	}
	if code, out, _ := run(t, "help"); code != 0 || !strings.Contains(out, "check") {
		t.Errorf("help: %d %q", code, out)
	}
	if code, out, _ := run(t, "completion", "bash"); code != 0 || !strings.Contains(out, "tmc") {
		t.Errorf("completion: %d", code)
	}
}

// The CI formats keep tmc check's exit status and write what CI reads.
func TestCheckCIFormats(t *testing.T) {
	pinDate(t)
	code, out, _ := run(t, "check", "--format", "sarif", core)
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID              string            `json:"ruleId"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if code != ExitFail || json.Unmarshal([]byte(out), &sarif) != nil || sarif.Version != "2.1.0" || len(sarif.Runs) != 1 {
		t.Fatalf("sarif: exit %d\n%.500s", code, out)
	}
	var has301 bool
	for _, r := range sarif.Runs[0].Results {
		has301 = has301 || r.RuleID == "TM301" && r.PartialFingerprints["tmcFingerprint/v1"] != ""
	}
	if !has301 {
		t.Error("sarif: no TM301 result with a fingerprint")
	}
	code, out, _ = run(t, "check", "--format", "github", core)
	if code != ExitFail || !strings.HasPrefix(out, "::error file=") || !strings.Contains(out, "title=TM301::") {
		t.Errorf("github: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "check", "--format", "markdown", "../../../../examples/checkout")
	if code != ExitOK || !strings.HasPrefix(out, "## tmc: Checkout platform") {
		t.Errorf("markdown: exit %d\n%s", code, out)
	}
}

// tmc check lists findings by score, highest first, and --min-band leaves
// out those below a band in every format, without changing the exit
// status (issue 15).
func TestCheckMinBand(t *testing.T) {
	pinDate(t)
	const checkout = "../../../../examples/checkout"
	findingLine := regexp.MustCompile(`finding\[[^\]]+\] (\w+) (\d+): .*\((\S+)\)$`)
	textFindings := func(out string) (bands []string, fps []string) {
		last := 1 << 30
		for _, l := range strings.Split(out, "\n") {
			m := findingLine.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			score, _ := strconv.Atoi(m[2])
			if score > last {
				t.Errorf("findings not by score, highest first: %d after %d\n%s", score, last, l)
			}
			last = score
			bands, fps = append(bands, m[1]), append(fps, m[3])
		}
		return bands, fps
	}
	code, all, _ := run(t, "check", checkout)
	allBands, _ := textFindings(all)
	if code != ExitOK || len(allBands) == 0 || strings.Contains(all, "not listed") {
		t.Fatalf("check: exit %d, %d findings\n%s", code, len(allBands), all)
	}
	var high int
	for _, b := range allBands {
		if b == "high" || b == "critical" {
			high++
		}
	}
	if high == 0 || high == len(allBands) {
		t.Fatalf("examples/checkout should have findings above and below high: %v", allBands)
	}
	code, out, _ := run(t, "check", "--min-band", "high", checkout)
	bands, fps := textFindings(out)
	if code != ExitOK || len(bands) != high || !strings.Contains(out, fmt.Sprintf("findings below high: %d, not listed (--min-band high)\n", len(allBands)-high)) {
		t.Errorf("--min-band high: exit %d, %d findings, want %d and a note on the rest\n%s", code, len(bands), high, out)
	}
	for _, b := range bands {
		if b != "high" && b != "critical" {
			t.Errorf("--min-band high lists a %s finding", b)
		}
	}
	// JSON: the same findings (in fingerprint order, docs/cli.md).
	_, out, _ = run(t, "check", "--format", "json", "--min-band", "high", checkout)
	var doc struct {
		Findings []struct{ Fingerprint, Band, Status string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var jfps []string
	open := 0
	for _, f := range doc.Findings {
		jfps = append(jfps, f.Fingerprint)
		if f.Status == "open" {
			open++
		}
	}
	if !slices.IsSorted(jfps) || !slices.Equal(jfps, slices.Sorted(slices.Values(fps))) {
		t.Errorf("json lists other findings than text, or not by fingerprint:\n%v\n%v", jfps, fps)
	}
	// SARIF, GitHub annotations and the Markdown summary: only findings at
	// or above the band.
	_, out, _ = run(t, "check", "--format", "sarif", "--min-band", "high", checkout)
	for _, fp := range fps {
		if !strings.Contains(out, fp) {
			t.Errorf("sarif --min-band high: %s missing", fp)
		}
	}
	if n := strings.Count(out, `"ruleId": "TMR-`); n != len(fps) {
		t.Errorf("sarif --min-band high: %d findings, want %d", n, len(fps))
	}
	_, out, _ = run(t, "check", "--format", "github", "--min-band", "high", checkout)
	if n := strings.Count(out, ",title=TMR-"); n != open { // annotations are for open findings
		t.Errorf("github --min-band high: %d finding annotations, want %d\n%s", n, open, out)
	}
	_, out, _ = run(t, "check", "--format", "markdown", "--min-band", "high", checkout)
	if !regexp.MustCompile(`\| Open findings \(critical / high / medium / low\) \| \d+ / [1-9]\d* / 0 / 0 \|`).MatchString(out) {
		t.Errorf("markdown --min-band high counts findings below high\n%s", out)
	}
	if want := fmt.Sprintf("\n%d findings below high not listed (`--min-band high`).\n", len(allBands)-high); !strings.Contains(out, want) {
		t.Errorf("markdown --min-band high does not say what it left out: want %q\n%s", want, out)
	}
	_, out, _ = run(t, "check", "--format", "sarif", "--min-band", "critical", checkout)
	if n := strings.Count(out, `"ruleId": "TMR-`); n != 0 { // examples/checkout has no critical finding
		t.Errorf("sarif --min-band critical reports %d finding(s)", n)
	}
	// The exit status weighs every finding: --fail-on still sees those
	// --min-band leaves out.
	if code, _, errs := run(t, "check", "--min-band", "critical", "--fail-on", "medium", checkout); code != ExitFail || !strings.Contains(errs, "finding(s) at or above medium") {
		t.Errorf("--min-band critical --fail-on medium: exit %d, want 1\n%s", code, errs)
	}
	if code, _, errs := run(t, "check", "--min-band", "severe", checkout); code != ExitUsage || !strings.Contains(errs, "--min-band must be low, medium, high or critical") {
		t.Errorf("--min-band severe: exit %d, want 2\n%s", code, errs)
	}
}
