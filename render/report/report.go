// Package report writes the result of `tmc check` for continuous
// integration: SARIF 2.1.0 for code scanning (SARIF), workflow command
// annotations for GitHub Actions (GitHub) and a compact Markdown summary for
// a pull-request comment (Markdown).
//
// Every writer reads one Input: the diagnostics, the findings of the threat
// rules and, for the Markdown summary, the model. Output depends only on the
// Input, never on the clock, the machine or map order.
package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// An Input is everything a report is made from.
type Input struct {
	// ToolVersion is the version of tmc ("0.4.0", or "devel").
	ToolVersion string
	// DocsBase is where the documentation lives, ending in "/": help links
	// are DocsBase + "checks.md#tm301" and DocsBase + "rules.md#tmr-s03".
	// Empty means DefaultDocsBase. SARIF wants absolute help links: with a
	// relative DocsBase, SARIF rules carry the link in their description
	// only.
	DocsBase string
	// RootPrefix is the model root relative to the repository root, with
	// "/" and ending in "/" ("models/checkout/"); empty when the model root
	// is the repository root. Paths in reports are RootPrefix + Range.File.
	RootPrefix string
	// Source returns the text of a model file named as in Range.File, or
	// nil. It keys diagnostic fingerprints on the text of the offending
	// line, so moving a declaration does not change them.
	Source func(file string) []byte

	Diags diag.Diagnostics // sorted, as the compiler returns them
	// DiagFingerprints, when it has one entry per diagnostic, holds their
	// fingerprints; otherwise they are computed (see Fingerprints). A
	// caller that drops diagnostics (a baseline) passes the fingerprints
	// computed before, so the "#2" suffixes of twins do not shift.
	DiagFingerprints []string
	Findings         []FindingInput // in the order to report them
	// Model is the compiled model; Markdown needs it for the model name and
	// the top threats per boundary. May be nil.
	Model *ir.Model
	// Baseline says what `tmc check --baseline` did. The zero value means
	// no baseline: everything found is reported, none of it as new.
	Baseline Baseline
	// MinBand is the band below which findings are left out of Findings
	// (`tmc check --min-band`), and Below how many were; "" and 0 when
	// every finding is listed.
	MinBand string
	Below   int
}

// A Baseline is the outcome of comparing a check with a baseline file.
// When Used, Diags and Findings hold only what the baseline does not
// record: the new problems.
type Baseline struct {
	Used bool
	// File is the baseline as the user named it (".tmc-baseline.json").
	File string
	// Suppressed counts the problems left out because the baseline
	// records them.
	Suppressed int
	// Fixed lists, sorted, the recorded fingerprints that no longer occur:
	// problems the change fixed.
	Fixed []string
}

// A FindingInput is one finding of the threat rules.
type FindingInput struct {
	Rule        string // "TMR-S03"
	Title       string // the rule's title; may be empty
	Fingerprint string // stable across runs and commits: "TMR-S03@webhook"
	Target      string // the id of the flow, element or boundary
	Stride      []string
	Impact      int
	Likelihood  int
	Score       int
	Band        string // low | medium | high | critical
	Status      string // open, accepted, dismissed or claimed
	// StatusNote says why a finding that is not open is closed: by which
	// threat's claim, by whom and why it is dismissed, or until when, by
	// whom and why it is accepted.
	StatusNote string
	// Why says where the impact and the likelihood come from
	// (ir.Finding.Why); "" when not known.
	Why     string
	Message string
	Range   diag.Range
}

// Closed reports whether a threat claims the finding or the model accepts
// or dismisses it; a finding without a status is open.
func (f FindingInput) Closed() bool { return f.Status != "" && f.Status != ir.Open }

// Findings converts the findings of a compiled model.
func Findings(fs []*ir.Finding) []FindingInput {
	out := make([]FindingInput, 0, len(fs))
	for _, f := range fs {
		out = append(out, FindingInput{
			Rule: f.Rule, Title: f.Title, Fingerprint: f.Fingerprint, Target: f.Target.ID(),
			Stride: f.Stride, Impact: f.Impact, Likelihood: f.Likelihood, Score: f.Score,
			Band: f.Band, Status: f.Status, StatusNote: f.StatusNote(), Why: f.Why(), Message: f.Message, Range: f.Range,
		})
	}
	return out
}

// FromModel returns an Input for a compiled model and its diagnostics, with
// the model's findings.
func FromModel(m *ir.Model, ds diag.Diagnostics) Input {
	in := Input{Diags: ds, Model: m}
	if m != nil {
		in.Findings = Findings(m.Findings)
	}
	return in
}

// A Check is one documented diagnostic code.
type Check struct {
	Code        string
	Description string // the heading of its entry in docs/checks.md
	Severity    diag.Severity
}

// Checks lists every diagnostic code documented in docs/checks.md, sorted
// by code.
var Checks = []Check{
	{"TM100", "file cannot be read", diag.Error},
	{"TM101", "syntax error", diag.Error},
	{"TM102", "unknown keyword or property", diag.Error},
	{"TM103", "invalid value", diag.Error},
	{"TM104", "missing required property", diag.Error},
	{"TM105", "free-text auth that says no authentication word", diag.Warning},
	{"TM201", "undefined reference", diag.Error},
	{"TM202", "ambiguous reference", diag.Error},
	{"TM203", "duplicate declaration", diag.Error},
	{"TM204", "reference to the wrong kind", diag.Error},
	{"TM205", "element nested against the C4 rules", diag.Error},
	{"TM206", "data asset stored, processed and carried nowhere", diag.Warning},
	{"TM301", "unmarked boundary crossing", diag.Error},
	{"TM302", "stale crossing mark", diag.Warning},
	{"TM303", "element in no trust boundary", diag.Warning},
	{"TM401", "sequence message with no matching flow", diag.Warning},
	{"TM501", "threat with neither a mitigation nor an acceptance", diag.Warning},
	{"TM502", "path not found", diag.Error},
	{"TM503", "path outside the project root", diag.Error},
	{"TM504", "too many open high or critical threats on one boundary", diag.Warning},
	{"TM505", "review date older than 180 days", diag.Warning},
	{"TM506", "folder link out of the model root, not followed", diag.Warning},
	{"TM601", "expired acceptance of a finding or a threat", diag.Error},
	{"TM602", "claim, acceptance or dismissal that matches no finding", diag.Warning},
	{"TM603", "high or critical threat with no control in place", diag.Warning},
	{"TM604", "high or critical threat whose control has no test or evidence", diag.Warning},
	{"TM605", "named test not declared in its file", diag.Warning},
	{"TM606", "high or critical threat whose controls' tests failed", diag.Warning},
	{"TM607", "test results file cannot be read", diag.Error},
}

func lookupCheck(code string) (Check, bool) {
	i := sort.Search(len(Checks), func(i int) bool { return Checks[i].Code >= code })
	if i < len(Checks) && Checks[i].Code == code {
		return Checks[i], true
	}
	return Check{}, false
}

// uri returns the repository-relative path of a model file.
func (in *Input) uri(file string) string {
	if file == "" {
		return ""
	}
	p := strings.ReplaceAll(in.RootPrefix, "\\", "/")
	if p != "" && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return path.Clean(p + file)
}

// DefaultDocsBase is where the documentation of tmc is published.
const DefaultDocsBase = "https://github.com/tmc-dev/tmc/blob/main/docs/"

func (in *Input) docsBase() string {
	if in.DocsBase == "" {
		return DefaultDocsBase
	}
	return in.DocsBase
}

// checkHelp returns the link to the docs entry of a diagnostic code.
func (in *Input) checkHelp(code string) string {
	return in.docsBase() + "checks.md#" + strings.ToLower(code)
}

// ruleHelp returns the link to the docs entry of a threat rule.
func (in *Input) ruleHelp(rule string) string {
	return in.docsBase() + "rules.md#" + strings.ToLower(rule)
}

// Fingerprints returns the tmcFingerprint/v1 of every diagnostic, as
// SARIF's partialFingerprints carry them: DiagFingerprints when it is
// parallel to Diags, else computed as below.
func (in *Input) Fingerprints() []string {
	if len(in.DiagFingerprints) == len(in.Diags) && in.DiagFingerprints != nil {
		return in.DiagFingerprints
	}
	return in.fingerprints()
}

// fingerprints computes the tmcFingerprint/v1 of every diagnostic:
// CODE@PATH:HASH, HASH the first 16 hex digits of the SHA-256 of the code,
// the path and the trimmed text of the subject's first line (its line
// number when the text is not available). Diagnostics that would share one
// get "#2", "#3"... in order.
func (in *Input) fingerprints() []string {
	out := make([]string, len(in.Diags))
	seen := map[string]int{}
	var lines diag.LineCache // each file indexed once, however many diagnostics
	for i, d := range in.Diags {
		file := in.uri(d.Subject.File)
		var key string
		if line, ok := lines.Line(d.Subject.File, d.Subject.Start.Line, in.Source); ok && d.Subject.File != "" {
			key = strings.TrimSpace(string(line))
		} else {
			key = fmt.Sprintf("line %d", d.Subject.Start.Line)
		}
		sum := sha256.Sum256([]byte(d.Code + "\x00" + file + "\x00" + key))
		fp := d.Code + "@" + file + ":" + hex.EncodeToString(sum[:])[:16]
		seen[fp]++
		if n := seen[fp]; n > 1 {
			fp += fmt.Sprintf("#%d", n)
		}
		out[i] = fp
	}
	return out
}

// findingIsWarning reports whether a finding's band makes it a warning
// (high, critical) rather than a note.
func findingIsWarning(band string) bool { return band == "high" || band == "critical" }

// bands lists risk bands, worst first.
var bands = []string{"critical", "high", "medium", "low"}
