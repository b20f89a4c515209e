package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestBaseline writes a baseline of the core example, checks that it
// silences everything recorded, then fixes one problem and adds another:
// only the new one is reported and fails the run, and the fixed one is
// counted as gone.
func TestBaseline(t *testing.T) {
	pinDate(t)
	dir := t.TempDir()
	model := filepath.Join(dir, "model")
	copyDir(t, core, model)
	bl := filepath.Join(dir, "baseline.json")

	code, out, errs := run(t, "check", "--write-baseline", bl, model)
	if code != ExitOK || out != "" || !strings.Contains(errs, "fingerprint(s)") {
		t.Fatalf("--write-baseline: exit %d, want 0\nstdout: %s\nstderr: %s", code, out, errs)
	}
	data, err := os.ReadFile(bl)
	if err != nil {
		t.Fatal(err)
	}
	var b baselineFile
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	if b.Schema != BaselineSchema || !sort.StringsAreSorted(b.Fingerprints) || !strings.Contains(string(data), "TMR-S03@webhook") ||
		!strings.Contains(string(data), `"TM301@`) || !strings.Contains(string(data), "->") {
		t.Fatalf("baseline wrong:\n%s", data)
	}
	// The fingerprints are SARIF's partialFingerprints.
	_, sarif, _ := run(t, "check", "--format", "sarif", model)
	for _, fp := range b.Fingerprints {
		if !strings.Contains(sarif, `"tmcFingerprint/v1": "`+strings.ReplaceAll(fp, ">", `\u003e`)+`"`) &&
			!strings.Contains(sarif, `"tmcFingerprint/v1": "`+fp+`"`) {
			t.Errorf("fingerprint %s not in the SARIF", fp)
		}
	}

	code, out, errs = run(t, "check", "--baseline", bl, model)
	if code != ExitOK || strings.Contains(out, "TM301") || strings.Contains(out, "finding") ||
		!strings.Contains(errs, "problem(s) suppressed") || strings.Contains(errs, "gone") {
		t.Fatalf("everything baselined: exit %d, want 0\nstdout: %s\nstderr: %s", code, out, errs)
	}
	// Declared threats have no fingerprint: --fail-on still sees the open
	// one, but no finding.
	if code, _, errs := run(t, "check", "--baseline", bl, "--fail-on", "low", model); code != ExitFail ||
		!strings.Contains(errs, "1 open threat(s) at or above low: forged_webhook") || strings.Contains(errs, "finding(s)") {
		t.Errorf("--fail-on low with every finding baselined: exit %d, want 1 for the open threat only\n%s", code, errs)
	}

	// Fix the webhook crossing; add an unmarked refund flow.
	tm := filepath.Join(model, "core.tm")
	src, _ := os.ReadFile(tm)
	changed := strings.Replace(string(src), "# error: crosses vendor and cluster, but does not say so", `crosses vendor, cluster "HMAC"`, 1)
	changed += "\nflow refund: psp -> shop.orders \"Refund\" { protocol https }\n"
	if err := os.WriteFile(tm, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json", "sarif", "github", "markdown"} {
		code, out, errs = run(t, "check", "--baseline", bl, "--format", format, model)
		if code != ExitFail || !strings.Contains(out, "refund") || strings.Contains(out, "shop.gateway") || strings.Contains(out, "forged_webhook") {
			t.Errorf("--format %s: exit %d, want 1 with only the refund problems\nstdout: %s\nstderr: %s", format, code, out, errs)
		}
		if !strings.Contains(errs, "1 baselined problems are gone; the baseline can shrink: tmc check --write-baseline "+bl) {
			t.Errorf("--format %s: the gone count is missing\nstderr: %s", format, errs)
		}
	}
	// The pull-request summary lists the new problems and the fixed one.
	var fixed string
	for _, fp := range b.Fingerprints {
		if strings.HasPrefix(fp, "TM301@") {
			fixed = fp
		}
	}
	_, out, _ = run(t, "check", "--baseline", bl, "--format", "markdown", model)
	for _, want := range []string{"### New and fixed problems\n", "Against the baseline `" + bl + "`: ",
		"error TM301 — unmarked boundary crossing: flow \"refund\"", "— finding TMR-S03 (critical, score 20) — flow \"refund\"", "likelihood 4: reachable from \\`vendor\\` in one hop without authentication (rule default 3)",
		"**Fixed** (1): in the baseline, no longer found\n\n- `" + fixed + "`\n"} {
		if fixed == "" || !strings.Contains(out, want) {
			t.Errorf("markdown against the baseline lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "No baseline") {
		t.Errorf("markdown against a baseline says there is none:\n%s", out)
	}
}

func TestBaselineErrors(t *testing.T) {
	pinDate(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{not json"), 0o644)
	other := filepath.Join(dir, "other.json")
	os.WriteFile(other, []byte(`{"schema":"tmc/check/v1","fingerprints":[]}`), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--baseline", filepath.Join(dir, "missing.json"), core}, "does not exist"},
		{[]string{"check", "--baseline", bad, core}, "not valid JSON"},
		{[]string{"check", "--baseline", other, core}, "tmc/baseline/v1"},
		{[]string{"check", "--baseline", other, "--write-baseline", other, core}, "cannot be used together"},
		{[]string{"check", "--write-baseline", filepath.Join(dir, "no", "such", "dir.json"), core}, "writing the baseline"},
	} {
		code, _, errs := run(t, c.args...)
		if code != ExitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q\nstderr: %s", c.args, code, c.want, errs)
		}
	}
}
