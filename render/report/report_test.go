package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
)

var examples = []struct{ name, path, prefix string }{
	{"core", "../../compiler/testdata/core", "compiler/testdata/core/"},
	{"checkout", "../../examples/checkout", "examples/checkout/"},
	// closing closes findings every way a model can: provides, claims,
	// accept and dismiss.
	{"closing", "testdata/closing", "render/report/testdata/closing/"},
}

func compile(t *testing.T, path, prefix string) Input {
	t.Helper()
	res, err := compiler.Compile(path, compiler.Options{Now: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	in := FromModel(res.Model, res.Diags)
	in.ToolVersion = "test"
	in.DocsBase = "https://github.com/tmc-dev/tmc/blob/main/docs/"
	in.RootPrefix = prefix
	in.Source = res.Source.File
	return in
}

func render(t *testing.T, f func(*bytes.Buffer, Input) error, in Input) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := f(&b, in); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sarifOf(b *bytes.Buffer, in Input) error    { return SARIF(b, in) }
func githubOf(b *bytes.Buffer, in Input) error   { return GitHub(b, in) }
func markdownOf(b *bytes.Buffer, in Input) error { return Markdown(b, in) }

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if os.Getenv("TMC_UPDATE") == "1" {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with TMC_UPDATE=1 to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with TMC_UPDATE=1 to update it)\ngot:\n%s", path, got)
	}
}

func TestGolden(t *testing.T) {
	for _, ex := range examples {
		t.Run(ex.name, func(t *testing.T) {
			in := compile(t, ex.path, ex.prefix)
			golden(t, ex.name+".github.golden", render(t, githubOf, in))
			golden(t, ex.name+".md.golden", render(t, markdownOf, in))
		})
	}
}

func loadSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSARIFValidates(t *testing.T) {
	schema := loadSchema(t)
	for _, ex := range examples {
		t.Run(ex.name, func(t *testing.T) {
			in := compile(t, ex.path, ex.prefix)
			out := render(t, sarifOf, in)
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(doc); err != nil {
				t.Fatalf("SARIF does not validate: %v\n%s", err, out)
			}
			// A second compilation gives the same bytes.
			again := render(t, sarifOf, compile(t, ex.path, ex.prefix))
			if !bytes.Equal(out, again) {
				t.Error("two runs give different SARIF")
			}
			checkStructure(t, out, in)
		})
	}
}

// TestSARIFFindings validates a log with findings and odd text.
func TestSARIFFindings(t *testing.T) {
	schema := loadSchema(t)
	in := syntheticInput()
	out := render(t, sarifOf, in)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Fatalf("SARIF does not validate: %v\n%s", err, out)
	}
	checkStructure(t, out, in)
	if !bytes.Contains(out, []byte(`"tmcFingerprint/v1": "TMR-S03@webhook"`)) {
		t.Errorf("finding fingerprint missing:\n%s", out)
	}
	if bytes.Contains(out, []byte(`"helpUri"`)) || !bytes.Contains(out, []byte(`See docs/rules.md#tmr-s03`)) {
		t.Errorf("relative help links must stay out of helpUri:\n%s", out)
	}
	if bytes.Contains(out, []byte(`"baselineState"`)) {
		t.Errorf("baselineState without a baseline:\n%s", out)
	}
	// Against a baseline every result is new, and the log still validates.
	in.Baseline = Baseline{Used: true, File: "b.json", Fixed: []string{"TMR-S01@gone"}}
	withBase := render(t, sarifOf, in)
	if doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(withBase)); err != nil || schema.Validate(doc) != nil {
		t.Errorf("SARIF against a baseline does not validate: %v\n%s", err, withBase)
	}
	if n := bytes.Count(withBase, []byte(`"baselineState": "new"`)); n != len(in.Diags)+len(in.Findings) {
		t.Errorf("%d results with baselineState new, want %d", n, len(in.Diags)+len(in.Findings))
	}
	in.Baseline = Baseline{}
	in.DocsBase = "https://example.com/docs/"
	out = render(t, sarifOf, in)
	if !bytes.Contains(out, []byte(`"helpUri": "https://example.com/docs/rules.md#tmr-s03"`)) ||
		!bytes.Contains(out, []byte(`"helpUri": "https://example.com/docs/checks.md#tm301"`)) {
		t.Errorf("help links missing:\n%s", out)
	}
	if !bytes.Contains(out, []byte(`"uri": "models/shop/core.tm"`)) || !bytes.Contains(out, []byte(`"uri": "models/shop/dir,with:odd/core.tm"`)) {
		t.Errorf("path not relative to the repository root:\n%s", out)
	}
}

// TestSchemaRejects makes sure the schema in testdata really validates.
func TestSchemaRejects(t *testing.T) {
	schema := loadSchema(t)
	out := render(t, sarifOf, syntheticInput())
	for _, bad := range [][2]string{
		{`"level": "error"`, `"level": "fatal"`},
		{`"startLine": 2`, `"startLine": 0`},
		{`"version": "2.1.0"`, `"version": "2.0.0"`},
		{`"ruleIndex": 12`, `"ruleIndex": -2`},
	} {
		mut := bytes.Replace(out, []byte(bad[0]), []byte(bad[1]), 1)
		if bytes.Equal(mut, out) {
			t.Fatalf("%s not in the output", bad[0])
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(mut))
		if err != nil {
			t.Fatal(err)
		}
		if schema.Validate(doc) == nil {
			t.Errorf("schema accepts %s", bad[1])
		}
	}
}

func TestURIReference(t *testing.T) {
	for in, want := range map[string]string{
		"models/core.tm":       "models/core.tm",
		"my models/a#b%c.tm":   "my%20models/a%23b%25c.tm",
		"dir,with:odd/x.tm":    "./dir,with:odd/x.tm",
		"models/dir:x/core.tm": "models/dir:x/core.tm",
	} {
		if got := uriReference(in); got != want {
			t.Errorf("uriReference(%q) = %q, want %q", in, got, want)
		}
	}
}

type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID      string `json:"id"`
					HelpURI string `json:"helpUri"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
		} `json:"results"`
	} `json:"runs"`
}

// checkStructure checks what the schema cannot: rule indexes, every known
// code present, one result per diagnostic and finding, unique fingerprints.
func checkStructure(t *testing.T, out []byte, in Input) {
	t.Helper()
	var doc sarifDoc
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != SARIFSchema || doc.Version != "2.1.0" || len(doc.Runs) != 1 {
		t.Fatalf("bad header: %q %q %d runs", doc.Schema, doc.Version, len(doc.Runs))
	}
	run := doc.Runs[0]
	if run.Tool.Driver.Name != "tmc" || run.Tool.Driver.Version != in.ToolVersion {
		t.Errorf("driver = %q %q", run.Tool.Driver.Name, run.Tool.Driver.Version)
	}
	ids := map[string]bool{}
	for _, r := range run.Tool.Driver.Rules {
		if ids[r.ID] {
			t.Errorf("rule %s twice", r.ID)
		}
		ids[r.ID] = true
	}
	for _, c := range Checks {
		if !ids[c.Code] {
			t.Errorf("rule %s missing", c.Code)
		}
	}
	if want := len(in.Diags) + len(in.Findings); len(run.Results) != want {
		t.Fatalf("%d results, want %d", len(run.Results), want)
	}
	fps := map[string]bool{}
	for _, r := range run.Results {
		if r.RuleIndex < 0 || r.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s: ruleIndex %d does not point at its rule", r.RuleID, r.RuleIndex)
		}
		fp := r.PartialFingerprints[FingerprintKey]
		if fp == "" || fps[fp] {
			t.Errorf("result %s: fingerprint %q empty or repeated", r.RuleID, fp)
		}
		fps[fp] = true
		for _, l := range r.Locations {
			u := l.PhysicalLocation.ArtifactLocation
			if u.URIBaseID != "%SRCROOT%" || !strings.HasPrefix(u.URI, strings.TrimSuffix(in.RootPrefix, "/")) || strings.Contains(u.URI, "\\") {
				t.Errorf("result %s: location %+v", r.RuleID, u)
			}
			if reg := l.PhysicalLocation.Region; reg != nil && reg.StartLine < 1 {
				t.Errorf("result %s: region with line %d", r.RuleID, reg.StartLine)
			}
		}
	}
}

// TestFingerprintsStable checks that diagnostic fingerprints survive a
// declaration moving down the file and do not depend on the machine (the
// absolute path of the model).
func TestFingerprintsStable(t *testing.T) {
	core := compile(t, "../../compiler/testdata/core", "models/")
	fps := core.fingerprints()
	if len(fps) == 0 {
		t.Fatal("core example has no diagnostics")
	}
	if got := core.fingerprints(); strings.Join(got, " ") != strings.Join(fps, " ") {
		t.Errorf("fingerprints differ between two calls: %v, %v", fps, got)
	}

	src, err := os.ReadFile("../../compiler/testdata/core/core.tm")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../compiler/testdata/core")); err != nil {
		t.Fatal(err)
	}
	moved := append([]byte("// moved\n\n\n"), src...)
	if err := os.WriteFile(filepath.Join(dir, "core.tm"), moved, 0o644); err != nil {
		t.Fatal(err)
	}
	other := compile(t, dir, "models/")
	got := other.fingerprints()
	if strings.Join(got, " ") != strings.Join(fps, " ") {
		t.Errorf("fingerprints changed when lines moved:\n%v\n%v", fps, got)
	}
	if other.Diags[0].Subject.Start.Line == core.Diags[0].Subject.Start.Line {
		t.Error("the move did not move the diagnostic")
	}
}

func syntheticInput() Input {
	src := map[string][]byte{"core.tm": []byte("model \"x\"\nflow webhook: psp -> shop {\n  crosses vendor \"mTLS\"\n}\n")}
	ds := diag.Diagnostics{
		{Severity: diag.Error, Code: "TM301", Summary: `unmarked boundary crossing: flow "webhook", 50% done, a:b`,
			Fix:     `crosses cluster "<how>"`,
			Subject: diag.Range{File: "core.tm", Start: diag.Pos{Line: 2, Col: 6}, End: diag.Pos{Line: 2, Col: 13}},
			Related: []diag.Note{{Range: diag.Range{File: "core.tm", Start: diag.Pos{Line: 3, Col: 3}, End: diag.Pos{Line: 3, Col: 10}}, Message: "boundary \"vendor\" (untrusted)"}}},
		{Severity: diag.Warning, Code: "TM999", Summary: "new check\nsecond line <b>|x|</b>",
			Subject: diag.Range{File: "dir,with:odd/core.tm"}},
		{Severity: diag.Warning, Code: "TM505", Summary: "model last reviewed",
			Subject: diag.Range{File: "core.tm", Start: diag.Pos{Line: 1, Col: 1}, End: diag.Pos{Line: 3, Col: 4}}},
	}
	return Input{
		ToolVersion: "1.2.3", DocsBase: "docs/", RootPrefix: "models/shop",
		Source: func(f string) []byte { return src[f] },
		Diags:  ds,
		Findings: []FindingInput{
			{Rule: "TMR-S03", Title: "webhook without signature", Fingerprint: "TMR-S03@webhook", Target: "webhook",
				Stride: []string{"spoofing"}, Impact: 4, Likelihood: 5, Score: 20, Band: "critical", Status: "open",
				Message: "flow \"webhook\" takes * from _an_ [external] caller",
				Range:   diag.Range{File: "core.tm", Start: diag.Pos{Line: 2, Col: 6}, End: diag.Pos{Line: 2, Col: 13}}},
			{Rule: "TMR-I01", Fingerprint: "TMR-I01@shop", Target: "shop", Score: 4, Band: "low", Status: "open",
				Message: "shop logs", Range: diag.Range{File: "core.tm"}},
		},
	}
}

func TestGitHubEscaping(t *testing.T) {
	out := string(render(t, githubOf, syntheticInput()))
	want := []string{
		"::error file=models/shop/core.tm,line=2,col=6,endLine=2,endColumn=13,title=TM301::unmarked boundary crossing: flow \"webhook\", 50%25 done, a:b%0Ahelp: add `crosses cluster \"<how>\"`\n",
		"::warning file=models/shop/dir%2Cwith%3Aodd/core.tm,title=TM999::new check%0Asecond line <b>|x|</b>\n",
		"::warning file=models/shop/core.tm,line=1,col=1,endLine=3,title=TM505::model last reviewed\n",
		"::warning file=models/shop/core.tm,line=2,col=6,endLine=2,endColumn=13,title=TMR-S03 webhook without signature::flow \"webhook\" takes * from _an_ [external] caller (critical, score 20)\n",
		"::notice file=models/shop/core.tm,title=TMR-I01::shop logs (low, score 4)\n",
	}
	if got := strings.Join(want, ""); out != got {
		t.Errorf("got:\n%s\nwant:\n%s", out, got)
	}
}

func TestMarkdownEscaping(t *testing.T) {
	in := syntheticInput()
	in.Model = &ir.Model{Name: "Shop | *bold* <script>"}
	out := string(render(t, markdownOf, in))
	for _, want := range []string{
		"## tmc: Shop \\| \\*bold\\* \\<script\\>\n",
		"❌ 1 error, 2 warnings\n",
		"| Open findings (critical / high / medium / low) | 1 / 0 / 0 / 1 |\n",
		"- `models/shop/core.tm:2` — error TM301 — unmarked boundary crossing",
		"new check second line \\<b\\>\\|x\\|\\</b\\>\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

func TestMarkdownMore(t *testing.T) {
	var in Input
	for i := 0; i < MaxMarkdownDiags+7; i++ {
		in.Diags.Warnf("TM303", diag.Range{File: "a.tm", Start: diag.Pos{Line: i + 1, Col: 1}}, "element in no trust boundary")
	}
	out := string(render(t, markdownOf, in))
	if !strings.Contains(out, "- and 7 more\n") || strings.Count(out, "TM303") != MaxMarkdownDiags {
		t.Errorf("bad truncation:\n%s", out)
	}
	if !strings.Contains(out, "✅ no errors, 57 warnings") {
		t.Errorf("bad verdict:\n%s", out)
	}
}

// TestGoldenBaseline: against a baseline, the summary lists the new
// problems (diagnostics, then findings) and the fixed fingerprints instead
// of every diagnostic. The core example stands for a change whose baseline
// recorded the warning and all findings but two, and two problems the
// change fixed.
func TestGoldenBaseline(t *testing.T) {
	in := compile(t, "../../compiler/testdata/core", "compiler/testdata/core/")
	if len(in.Diags) != 2 || len(in.Findings) < 3 {
		t.Fatalf("the core example changed: %d diagnostics, %d findings", len(in.Diags), len(in.Findings))
	}
	fps := in.Fingerprints()
	suppressed := 1 + len(in.Findings) - 2
	in.Diags, in.DiagFingerprints, in.Findings = in.Diags[:1], fps[:1], in.Findings[:2]
	m := *in.Model
	m.Findings = m.Findings[:2]
	in.Model = &m
	in.Baseline = Baseline{Used: true, File: ".tmc-baseline.json", Suppressed: suppressed,
		Fixed: []string{"TM302@compiler/testdata/core/core.tm:0123456789abcdef", "TMR-S03@refund"}}
	out := render(t, markdownOf, in)
	golden(t, "core.baseline.md.golden", out)
	for _, unwanted := range []string{NoBaselineNote, "### Diagnostics", "TM501"} {
		if bytes.Contains(out, []byte(unwanted)) {
			t.Errorf("%q in a summary against a baseline:\n%s", unwanted, out)
		}
	}

	// Nothing new, nothing fixed.
	in.Diags, in.DiagFingerprints, in.Findings, m.Findings = nil, nil, nil, nil
	in.Baseline.Fixed = nil
	out = render(t, markdownOf, in)
	for _, want := range []string{"✅ no new errors\n", "| New errors | 0 |\n", "Against the baseline `.tmc-baseline.json`: 0 new, 0 fixed, ", "**New**: none\n", "**Fixed**: none\n"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

// Without a baseline the summary says that everything is listed as found
// and how to get new and fixed problems.
func TestMarkdownNoBaseline(t *testing.T) {
	out := string(render(t, markdownOf, syntheticInput()))
	if !strings.Contains(out, "\n"+NoBaselineNote+"\n") || !strings.Contains(out, "tmc check --write-baseline") ||
		strings.Contains(out, "New and fixed") || !strings.Contains(out, "### Diagnostics\n") {
		t.Errorf("no-baseline summary wrong:\n%s", out)
	}
}

func TestMarkdownBaselineMore(t *testing.T) {
	in := syntheticInput()
	for i := 0; i < MaxMarkdownDiags; i++ {
		in.Diags.Warnf("TM303", diag.Range{File: "a.tm", Start: diag.Pos{Line: i + 1, Col: 1}}, "element in no trust boundary")
	}
	in.DiagFingerprints = nil
	for i := 0; i < MaxMarkdownFixed+5; i++ {
		in.Baseline.Fixed = append(in.Baseline.Fixed, fmt.Sprintf("TMR-X%02d@`odd`", i))
	}
	in.Baseline.Used = true
	out := string(render(t, markdownOf, in))
	// 3 + 50 diagnostics and 2 findings: 55 new, 50 listed.
	for _, want := range []string{"**New** (55)\n", "- and 5 more\n", "**Fixed** (25)", "- `TMR-X00@'odd'`\n", "Against the baseline: 55 new, 25 fixed, 0 unchanged"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n- `"); n != MaxMarkdownDiags+MaxMarkdownFixed {
		t.Errorf("%d items listed, want %d:\n%s", n, MaxMarkdownDiags+MaxMarkdownFixed, out)
	}
	if strings.Contains(out, "TMR-I01") {
		t.Errorf("findings past the cap listed:\n%s", out)
	}
}

// TestSARIFSuppressions: in the checkout example, the finding a threat
// claims and the one an accept covers carry an inSource suppression with
// the reason; open ones carry none. GitHub annotations leave both out.
func TestSARIFSuppressions(t *testing.T) {
	in := compile(t, "../../examples/checkout", "examples/checkout/")
	var doc struct {
		Runs []struct {
			Results []struct {
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Suppressions        []struct{ Kind, Status, Justification string }
			}
		}
	}
	if err := json.Unmarshal(render(t, sarifOf, in), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range doc.Runs[0].Results {
		for _, s := range r.Suppressions {
			if s.Kind != "inSource" || s.Status != "accepted" {
				t.Errorf("%s: suppression %+v", r.PartialFingerprints[FingerprintKey], s)
			}
			got[r.PartialFingerprints[FingerprintKey]] = s.Justification
		}
	}
	want := map[string]string{
		"TMR-I01@cart_rw":          `claimed by threat "cache_leak" (status accepted)`,
		"TMR-R01@payment_delivery": `accepted until 2027-06-30 by "payments-lead": payment events carry the order id; end-to-end trace ids come with the tracing rollout`,
	}
	if len(got) != len(want) {
		t.Errorf("suppressed results %v, want %v", got, want)
	}
	for fp, j := range want {
		if got[fp] != j {
			t.Errorf("%s: justification %q, want %q", fp, got[fp], j)
		}
	}
	for _, line := range strings.Split(string(render(t, githubOf, in)), "\n") {
		for fp := range want {
			rule, target, _ := strings.Cut(fp, "@")
			if strings.Contains(line, "title="+rule+" ") && strings.Contains(line, `::flow "`+target+`"`) {
				t.Errorf("GitHub annotates %s, which the model closed:\n%s", fp, line)
			}
		}
	}
}

// TestDismissedFindings: a dismissed finding is closed like an accepted
// one: SARIF suppresses it in source with the reviewer and reason, GitHub
// leaves it out, and the Markdown summary counts it on its own row.
func TestDismissedFindings(t *testing.T) {
	in := compile(t, "testdata/closing", "render/report/testdata/closing/")
	var doc struct {
		Runs []struct {
			Results []struct {
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Properties          map[string]any    `json:"properties"`
				Suppressions        []struct{ Kind, Status, Justification string }
			}
		}
	}
	if err := json.Unmarshal(render(t, sarifOf, in), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range doc.Runs[0].Results {
		fp := r.PartialFingerprints[FingerprintKey]
		for _, s := range r.Suppressions {
			if s.Kind != "inSource" || s.Status != "accepted" {
				t.Errorf("%s: suppression %+v", fp, s)
			}
			got[fp] = fmt.Sprint(r.Properties["status"]) + ": " + s.Justification
		}
	}
	want := map[string]string{
		"TMR-S01@hook":   `dismissed: dismissed by "security-lead": the edge gateway verifies the provider's client certificate before the API; see ADR 7`,
		"TMR-S05@hook":   `claimed: claimed by threat "replay" (status open)`,
		"TMR-S05@refund": `accepted: accepted until 2027-06-30 by "payments-lead": refunds are reconciled by hand until the dedup table ships`,
	}
	for fp, j := range want {
		if got[fp] != j {
			t.Errorf("%s: %q, want %q", fp, got[fp], j)
		}
	}
	if _, ok := got["TMR-S01@refund"]; ok {
		t.Errorf("the open finding TMR-S01@refund is suppressed")
	}
	for _, line := range strings.Split(string(render(t, githubOf, in)), "\n") {
		if strings.Contains(line, "title=TMR-S01 ") && strings.Contains(line, `::flow "hook"`) {
			t.Errorf("GitHub annotates the dismissed finding:\n%s", line)
		}
	}
	md := string(render(t, markdownOf, in))
	for _, row := range []string{
		"| Findings claimed by a threat or accepted | 2 |",
		"| Findings dismissed as false positives or not applicable | 1 |",
	} {
		if !strings.Contains(md, row) {
			t.Errorf("Markdown summary lacks %q:\n%s", row, md)
		}
	}
}
