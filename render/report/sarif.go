package report

import (
	"encoding/json"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/tmc-dev/tmc/dsl/diag"
)

// SARIF schema and version written by SARIF.
const (
	SARIFSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	SARIFVersion = "2.1.0"
	// FingerprintKey is the partialFingerprints key of every result.
	FingerprintKey = "tmcFingerprint/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	// BaselineState is "new" for every result of a check against a
	// baseline (the baseline leaves out the others); empty without one.
	BaselineState string `json:"baselineState,omitempty"`
	// Suppressions record, for a finding the model accepts or a threat
	// claims, that the model itself closed it (kind inSource), and why.
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
	Properties   map[string]any     `json:"properties,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

type sarifLocation struct {
	ID               *int              `json:"id,omitempty"`
	PhysicalLocation *sarifPhysicalLoc `json:"physicalLocation,omitempty"`
	Message          *sarifText        `json:"message,omitempty"`
	LogicalLocations []sarifLogicalLoc `json:"logicalLocations,omitempty"`
}

type sarifLogicalLoc struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
}

type sarifPhysicalLoc struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           *sarifRegion     `json:"region,omitempty"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

func sarifLevel(s diag.Severity) string {
	switch s {
	case diag.Error:
		return "error"
	case diag.Warning:
		return "warning"
	}
	return "note"
}

func findingLevel(band string) string {
	if findingIsWarning(band) {
		return "warning"
	}
	return "note"
}

// ruleName turns a description into a SARIF rule name:
// "unmarked boundary crossing" -> "UnmarkedBoundaryCrossing".
func ruleName(desc string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(desc, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

func (in *Input) location(r diag.Range, msg string) sarifLocation {
	loc := sarifLocation{PhysicalLocation: &sarifPhysicalLoc{
		ArtifactLocation: sarifArtifactLoc{URI: uriReference(in.uri(r.File)), URIBaseID: "%SRCROOT%"},
	}}
	if r.Start.Line > 0 {
		reg := &sarifRegion{StartLine: r.Start.Line, StartColumn: r.Start.Col}
		if r.End.Line >= r.Start.Line && r.End.Line > 0 {
			reg.EndLine = r.End.Line
			if r.End.Col > 0 && (r.End.Line > r.Start.Line || r.End.Col > r.Start.Col) {
				reg.EndColumn = r.End.Col
			}
		}
		loc.PhysicalLocation.Region = reg
	}
	if msg != "" {
		loc.Message = &sarifText{Text: msg}
	}
	return loc
}

// SARIF writes a SARIF 2.1.0 log with one run: a rule for every documented
// diagnostic code, every other code that appears and every threat rule
// that found something; a result for every diagnostic and finding.
func SARIF(w io.Writer, in Input) error {
	var rules []sarifRule
	index := map[string]int{}
	addCheck := func(code, desc string, sev diag.Severity) {
		if _, ok := index[code]; ok {
			return
		}
		index[code] = len(rules)
		rules = append(rules, sarifRule{
			ID: code, Name: ruleName(desc),
			ShortDescription:     sarifText{desc},
			FullDescription:      sarifText{code + ": " + desc + ". See " + in.checkHelp(code) + "."},
			HelpURI:              absolute(in.checkHelp(code)),
			DefaultConfiguration: sarifConfig{sarifLevel(sev)},
		})
	}
	codes := map[string]Check{}
	for _, c := range Checks {
		codes[c.Code] = c
	}
	for _, d := range in.Diags {
		if _, ok := codes[d.Code]; !ok {
			codes[d.Code] = Check{Code: d.Code, Description: "diagnostic " + d.Code, Severity: d.Severity}
		}
	}
	for _, c := range sortedChecks(codes) {
		addCheck(c.Code, c.Description, c.Severity)
	}

	// Threat rules, sorted by id; the level is that of the worst finding.
	type ruleInfo struct {
		title, band string
		stride      []string
		score       int
	}
	found := map[string]*ruleInfo{}
	for _, f := range in.Findings {
		ri := found[f.Rule]
		if ri == nil {
			ri = &ruleInfo{title: f.Title, stride: f.Stride}
			found[f.Rule] = ri
		}
		if f.Score > ri.score {
			ri.score, ri.band = f.Score, f.Band
		}
		if ri.band == "" {
			ri.band = f.Band
		}
	}
	ids := make([]string, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		ri := found[id]
		if _, ok := index[id]; ok {
			continue
		}
		title := ri.title
		if title == "" {
			title = "threat rule " + id
		}
		full := title + "."
		if len(ri.stride) > 0 {
			full = title + " (STRIDE: " + strings.Join(ri.stride, ", ") + ")."
		}
		full += " See " + in.ruleHelp(id) + "."
		r := sarifRule{
			ID: id, Name: ruleName(title),
			ShortDescription:     sarifText{title},
			FullDescription:      sarifText{full},
			HelpURI:              absolute(in.ruleHelp(id)),
			DefaultConfiguration: sarifConfig{findingLevel(ri.band)},
			Properties:           map[string]any{"tags": []string{"security", "threat-model"}},
		}
		if ri.score > 0 {
			// GitHub code scanning reads security-severity (0.0-10.0).
			r.Properties["security-severity"] = securitySeverity(ri.score)
		}
		index[id] = len(rules)
		rules = append(rules, r)
	}

	results := []sarifResult{}
	state := ""
	if in.Baseline.Used {
		state = "new"
	}
	fps := in.Fingerprints()
	for i, d := range in.Diags {
		res := sarifResult{
			RuleID: d.Code, RuleIndex: index[d.Code], Level: sarifLevel(d.Severity),
			Message:             sarifText{diagMessage(d)},
			PartialFingerprints: map[string]string{FingerprintKey: fps[i]},
			BaselineState:       state,
		}
		if d.Subject.File != "" {
			res.Locations = []sarifLocation{in.location(d.Subject, "")}
		}
		for j, n := range d.Related {
			if n.Range.File == "" {
				continue
			}
			loc := in.location(n.Range, n.Message)
			id := j + 1
			loc.ID = &id
			res.RelatedLocations = append(res.RelatedLocations, loc)
		}
		results = append(results, res)
	}
	for _, f := range in.Findings {
		res := sarifResult{
			RuleID: f.Rule, RuleIndex: index[f.Rule], Level: findingLevel(f.Band),
			Message:             sarifText{sarifFindingMessage(f)},
			PartialFingerprints: map[string]string{FingerprintKey: f.Fingerprint},
			BaselineState:       state,
			Properties:          findingProperties(f),
		}
		if f.Closed() {
			res.Suppressions = []sarifSuppression{{Kind: "inSource", Status: "accepted", Justification: f.StatusNote}}
		}
		if f.Range.File != "" {
			loc := in.location(f.Range, "")
			if f.Target != "" {
				loc.LogicalLocations = []sarifLogicalLoc{{FullyQualifiedName: f.Target}}
			}
			res.Locations = []sarifLocation{loc}
		}
		results = append(results, res)
	}

	log := sarifLog{Schema: SARIFSchema, Version: SARIFVersion, Runs: []sarifRun{{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "tmc", Version: in.ToolVersion,
			InformationURI: "https://github.com/tmc-dev/tmc",
			Rules:          rules,
		}},
		ColumnKind: "unicodeCodePoints",
		Results:    results,
	}}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// uriReference escapes a relative path for a URI reference: spaces, "%",
// "#" and "?" are percent-encoded; a ":" in the first segment gets "./".
func uriReference(p string) string {
	return (&url.URL{Path: p}).String()
}

// absolute returns u when it is an absolute URI, else "".
func absolute(u string) string {
	if p, err := url.Parse(u); err == nil && p.IsAbs() {
		return u
	}
	return ""
}

func sortedChecks(m map[string]Check) []Check {
	out := make([]Check, 0, len(m))
	for _, c := range m {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// securitySeverity maps a risk score (1-25) to GitHub's 0.0-10.0 scale.
func securitySeverity(score int) string {
	score = min(score, 25)
	return strconv.FormatFloat(float64(score)*10/25, 'f', 1, 64)
}

// diagMessage is the summary of a diagnostic, with its detail and fix.
func diagMessage(d *diag.Diagnostic) string {
	msg := d.Summary
	if d.Detail != "" {
		msg += "\n" + d.Detail
	}
	if d.Fix != "" {
		msg += "\nhelp: add `" + d.Fix + "`"
	}
	return msg
}

// findingMessage is the message of a finding, with its band and score.
func findingMessage(f FindingInput) string {
	msg := f.Message
	if msg == "" {
		msg = f.Title
	}
	if f.Band != "" {
		msg += " (" + f.Band + ", score " + strconv.Itoa(f.Score) + ")"
	}
	return msg
}

// sarifFindingMessage is findingMessage with, on a line of its own, why
// the finding has its impact and likelihood.
func sarifFindingMessage(f FindingInput) string {
	msg := findingMessage(f)
	if f.Why != "" {
		msg += "\nwhy: " + f.Why
	}
	return msg
}

func findingProperties(f FindingInput) map[string]any {
	p := map[string]any{}
	if f.Why != "" {
		p["why"] = f.Why
	}
	if f.Target != "" {
		p["target"] = f.Target
	}
	if len(f.Stride) > 0 {
		p["stride"] = f.Stride
	}
	if f.Impact > 0 {
		p["impact"] = f.Impact
	}
	if f.Likelihood > 0 {
		p["likelihood"] = f.Likelihood
	}
	if f.Score > 0 {
		p["score"] = f.Score
	}
	if f.Band != "" {
		p["band"] = f.Band
	}
	if f.Status != "" {
		p["status"] = f.Status
	}
	return p
}
