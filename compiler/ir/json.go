package ir

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/tmc-dev/tmc/dsl/diag"
)

// JSONSchema names the JSON form of the IR; docs/model-schema.md describes it.
const JSONSchema = "tmc/ir/v1"

// The JSON form replaces pointers by ids. Field order is fixed by the
// struct definitions and every list keeps the IR's order, so the output is
// byte-identical for the same model.

type jRange struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
}

func jr(r diag.Range) *jRange {
	if r.File == "" && !r.Start.IsValid() {
		return nil
	}
	return &jRange{r.File, r.Start.Line, r.Start.Col, r.End.Line, r.End.Col}
}

type jModel struct {
	Schema      string      `json:"schema"`
	Name        string      `json:"name"`
	Owner       string      `json:"owner"`
	Reviewed    string      `json:"reviewed"`
	Description string      `json:"description"`
	Range       *jRange     `json:"range"`
	Files       []string    `json:"files"`
	Boundaries  []jBoundary `json:"boundaries"`
	Elements    []jElement  `json:"elements"`
	Data        []jData     `json:"data"`
	Runtimes    []jRuntime  `json:"runtimes"`
	Flows       []jFlow     `json:"flows"`
	Sequences   []jSequence `json:"sequences"`
	Threats     []jThreat   `json:"threats"`
	Controls    []jControl  `json:"controls"`
	Decisions   []jDecision `json:"decisions"`
	Views       []jView     `json:"views"`
	Findings    []jFinding  `json:"findings"`
	TestRun     *jTestRun   `json:"test_run,omitempty"`
}

type jTestRun struct {
	Files []string `json:"files"`
	Time  string   `json:"time"` // RFC 3339, UTC
}

type jTestResult struct {
	State  string   `json:"state"`
	Failed []string `json:"failed,omitempty"`
	Files  []string `json:"files"`
}

type jFinding struct {
	Rule          string         `json:"rule"`
	Fingerprint   string         `json:"fingerprint"`
	Target        *jTarget       `json:"target"`
	Stride        []string       `json:"stride"`
	Impact        int            `json:"impact"`
	Likelihood    int            `json:"likelihood"`
	Score         int            `json:"score"`
	Band          string         `json:"band"`
	ImpactWhy     string         `json:"impact_why,omitempty"`     // "impact 4: carries restricted `card` (rule default 3)"
	LikelihoodWhy string         `json:"likelihood_why,omitempty"` // "likelihood 3: rule default (reachable from `internet` in 2 hops)"
	Status        string         `json:"status"`
	Message       string         `json:"message"`
	Range         *jRange        `json:"range"`
	ClaimedBy     string         `json:"claimed_by,omitempty"` // the id of the threat that claims it
	Accepted      *AcceptedJSON  `json:"accepted,omitempty"`
	Dismissed     *DismissedJSON `json:"dismissed,omitempty"`
}

// DismissedJSON is the dismissal of a finding, in model.json and in tmc
// check's JSON: the fingerprint it was written with, its reason and its
// reviewer.
type DismissedJSON struct {
	Dismiss  string `json:"dismiss"`
	Reason   string `json:"reason"`
	Reviewer string `json:"reviewer"`
}

// JSON is the dismissal as DismissedJSON, or nil for none.
func (d *FindingDismissal) JSON() *DismissedJSON {
	if d == nil {
		return nil
	}
	return &DismissedJSON{d.Fingerprint, d.Reason, d.Reviewer}
}

// jSafeguardSource is one origin of a safeguard: control is the id of
// the control that provides it, "" when declared; pending that the
// control is not in place yet, so the safeguard does not count.
type jSafeguardSource struct {
	Name    string `json:"name"`
	Control string `json:"control"`
	Pending bool   `json:"pending"`
}

func jsources(ss []SafeguardSource) []jSafeguardSource {
	out := make([]jSafeguardSource, 0, len(ss))
	for _, s := range ss {
		j := jSafeguardSource{Name: s.Name, Pending: s.Pending}
		if s.Control != nil {
			j.Control = s.Control.ID
		}
		out = append(out, j)
	}
	return out
}

type jProvision struct {
	Safeguard string   `json:"safeguard"`
	Target    *jTarget `json:"target"`
	Range     *jRange  `json:"range"`
}

// AcceptedJSON is the acceptance of a finding, in model.json and in
// tmc check's JSON: the fingerprint or pattern it was written with, and
// its reason, owner and expiry.
type AcceptedJSON struct {
	Accept string `json:"accept"`
	Reason string `json:"reason"`
	Owner  string `json:"owner"`
	Until  string `json:"until"`
}

// JSON is the acceptance as AcceptedJSON, or nil for none.
func (a *FindingAcceptance) JSON() *AcceptedJSON {
	if a == nil {
		return nil
	}
	return &AcceptedJSON{a.Fingerprint, a.Reason, a.Owner, a.Until}
}

type jBoundary struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Trust       string   `json:"trust"`
	Type        string   `json:"type"`
	Description string   `json:"description"`
	Owner       string   `json:"owner"`
	Parent      string   `json:"parent"`
	Children    []string `json:"children"`
	Elements    []string `json:"elements"`
	Range       *jRange  `json:"range"`
}

type jElement struct {
	ID              string   `json:"id"`
	Kind            string   `json:"kind"`
	Name            string   `json:"name"`
	Description     string   `json:"description"`
	Tech            string   `json:"tech"`
	Owner           string   `json:"owner"`
	Exposure        string   `json:"exposure"`
	Tenancy         string   `json:"tenancy"`
	EncryptedAtRest bool     `json:"encrypted_at_rest"`
	External        bool     `json:"external"`
	AdminInterface  bool     `json:"admin_interface"`
	MultiTenant     bool     `json:"multi_tenant"`
	ControlPlane    bool     `json:"control_plane"`
	WritesLogs      bool     `json:"writes_logs"`
	Safeguards      []string `json:"safeguards"`
	Technology      string   `json:"technology"`
	Stores          []string `json:"stores"`
	Processes       []string `json:"processes"`
	Accepts         []string `json:"accepts"`
	CustomDeveloped bool     `json:"custom_developed"`
	OutOfScope      string   `json:"out_of_scope"`
	RunsOn          string   `json:"runs_on"`
	Criticality     string   `json:"criticality"`
	Machine         string   `json:"machine"`
	Parent          string   `json:"parent"`
	Children        []string `json:"children"`
	Boundary        string   `json:"boundary"`
	Placed          bool     `json:"placed"`
	Range           *jRange  `json:"range"`
	// SafeguardSources: where each safeguard comes from.
	SafeguardSources []jSafeguardSource `json:"safeguard_sources"`
}

type jData struct {
	ID             string  `json:"id"`
	Name           string  `json:"name"`
	Classification string  `json:"classification"`
	PII            bool    `json:"pii"`
	Credentials    bool    `json:"credentials"`
	TenantScoped   bool    `json:"tenant_scoped"`
	Integrity      string  `json:"integrity"`
	Availability   string  `json:"availability"`
	Description    string  `json:"description"`
	Owner          string  `json:"owner"`
	Range          *jRange `json:"range"`
}

type jRuntime struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	Description string   `json:"description"`
	Owner       string   `json:"owner"`
	Elements    []string `json:"elements"`
	Range       *jRange  `json:"range"`
}

type jMark struct {
	Boundaries []string `json:"boundaries"`
	Reason     string   `json:"reason"`
	Range      *jRange  `json:"range"`
}

type jCrossing struct {
	Boundary  string `json:"boundary"`
	Direction string `json:"direction"`
	Marked    bool   `json:"marked"`
	Reason    string `json:"reason"`
}

type jFlow struct {
	ID             string `json:"id"`
	Named          bool   `json:"named"`
	From           string `json:"from"`
	To             string `json:"to"`
	Label          string `json:"label"`
	Protocol       string `json:"protocol"`
	Auth           string `json:"auth"`
	Authentication string `json:"authentication"`
	// AuthenticationDerived: authentication was read from auth.
	AuthenticationDerived bool        `json:"authentication_derived"`
	Authorization         string      `json:"authorization"`
	Readonly              bool        `json:"readonly"`
	ResponseTo            string      `json:"response_to"`
	VPN                   bool        `json:"vpn"`
	IPFiltered            bool        `json:"ip_filtered"`
	Usage                 string      `json:"usage"`
	Description           string      `json:"description"`
	Carries               []string    `json:"carries"`
	IdempotencyKey        bool        `json:"idempotency_key"`
	Safeguards            []string    `json:"safeguards"`
	Marks                 []jMark     `json:"marks"`
	Crossings             []jCrossing `json:"crossings"`
	Range                 *jRange     `json:"range"`
	// SafeguardSources: where each safeguard comes from.
	SafeguardSources []jSafeguardSource `json:"safeguard_sources"`
}

type jStep struct {
	Kind     string    `json:"kind"`
	Number   int       `json:"number,omitempty"`
	From     string    `json:"from,omitempty"`
	To       string    `json:"to,omitempty"`
	Reply    bool      `json:"reply,omitempty"`
	Label    string    `json:"label,omitempty"`
	Flow     string    `json:"flow,omitempty"`
	Over     []string  `json:"over,omitempty"`
	Text     string    `json:"text,omitempty"`
	Branches []jBranch `json:"branches,omitempty"`
	Range    *jRange   `json:"range"`
}

type jBranch struct {
	Label string  `json:"label"`
	Steps []jStep `json:"steps"`
}

type jSequence struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Description  string   `json:"description"`
	Participants []string `json:"participants"`
	Steps        []jStep  `json:"steps"`
	Range        *jRange  `json:"range"`
}

type jAcceptance struct {
	Reason  string `json:"reason"`
	By      string `json:"by"`
	Until   string `json:"until"`
	Expired bool   `json:"expired"`
}

type jTarget struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

type jThreat struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Owner       string       `json:"owner"`
	Stride      []string     `json:"stride"`
	Target      *jTarget     `json:"target"`
	Impact      int          `json:"impact"`
	Likelihood  int          `json:"likelihood"`
	Score       int          `json:"score"`
	Band        string       `json:"band"`
	MitigatedBy []string     `json:"mitigated_by"`
	Acceptance  *jAcceptance `json:"acceptance"`
	Transferred string       `json:"transferred"`
	Claims      []string     `json:"claims,omitempty"` // fingerprints of the findings it claims
	Status      string       `json:"status"`
	Range       *jRange      `json:"range"`
}

type jFile struct {
	Path  string  `json:"path"`
	Name  string  `json:"name"`
	Test  string  `json:"test,omitempty"`
	Found bool    `json:"found"`
	Range *jRange `json:"range"`
	// Result is present only when the model was compiled with test results.
	Result *jTestResult `json:"result,omitempty"`
}

type jControl struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Status      string       `json:"status"`
	Owner       string       `json:"owner"`
	Tests       []jFile      `json:"tests"`
	Evidence    []jFile      `json:"evidence"`
	Mitigates   []string     `json:"mitigates"`
	Range       *jRange      `json:"range"`
	Provides    []jProvision `json:"provides"`
}

type jDecision struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Status      string   `json:"status"`
	File        *jFile   `json:"file"`
	Affects     []string `json:"affects"`
	Range       *jRange  `json:"range"`
}

type jView struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Kind        string    `json:"kind"`
	Declared    bool      `json:"declared"`
	Of          string    `json:"of"`
	Sequence    string    `json:"sequence"`
	Elements    []string  `json:"elements"`
	Flows       *[]string `json:"flows,omitempty"` // absent: every flow between the shown elements
	Filter      string    `json:"filter,omitempty"`
	Boundary    string    `json:"boundary,omitempty"`
	Zones       bool      `json:"zones,omitempty"`
}

func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, id(x))
	}
	return out
}

func bid(b *Boundary) string {
	if b == nil {
		return ""
	}
	return b.ID
}

func eid(e *Element) string {
	if e == nil {
		return ""
	}
	return e.ID
}

func did(d *Data) string { return d.ID }

func rid(r *Runtime) string {
	if r == nil {
		return ""
	}
	return r.ID
}

func jtarget(t Target) *jTarget {
	switch {
	case t.Flow != nil:
		return &jTarget{"flow", t.Flow.ID}
	case t.Element != nil:
		return &jTarget{"element", t.Element.ID}
	case t.Boundary != nil:
		return &jTarget{"boundary", t.Boundary.ID}
	}
	return nil
}

// Kind returns "flow", "element" or "boundary", or "" for no target.
func (t Target) Kind() string {
	if j := jtarget(t); j != nil {
		return j.Kind
	}
	return ""
}

func jf(f *FileRef) jFile {
	j := jFile{Path: f.Path, Name: f.Name, Test: f.Test, Found: f.Found, Range: jr(f.Range)}
	if r := f.Result; r != nil {
		j.Result = &jTestResult{State: r.State, Failed: r.Failed, Files: append([]string{}, r.Files...)}
	}
	return j
}

func jsteps(steps []*Step) []jStep {
	out := []jStep{}
	for _, s := range steps {
		j := jStep{Kind: s.Kind, Number: s.Number, From: eid(s.From), To: eid(s.To), Reply: s.Reply,
			Label: s.Label, Text: s.Text, Range: jr(s.Range)}
		if s.Flow != nil {
			j.Flow = s.Flow.ID
		}
		if len(s.Over) > 0 {
			j.Over = ids(s.Over, eid)
		}
		for _, b := range s.Branches {
			j.Branches = append(j.Branches, jBranch{b.Label, jsteps(b.Steps)})
		}
		out = append(out, j)
	}
	return out
}

// MarshalJSON returns the JSON form of the model (schema tmc/ir/v1),
// indented, ending in a newline.
func MarshalJSON(m *Model) ([]byte, error) {
	j := jModel{Schema: JSONSchema, Name: m.Name, Owner: m.Owner, Reviewed: m.Reviewed, Description: m.Description,
		Range: jr(m.Range), Files: append([]string{}, m.Files...),
		Boundaries: []jBoundary{}, Elements: []jElement{}, Data: []jData{}, Runtimes: []jRuntime{}, Flows: []jFlow{}, Sequences: []jSequence{},
		Threats: []jThreat{}, Controls: []jControl{}, Decisions: []jDecision{}, Views: []jView{}, Findings: []jFinding{}}
	if m.TestRun != nil {
		j.TestRun = &jTestRun{Files: append([]string{}, m.TestRun.Files...), Time: m.TestRun.Time.UTC().Format(time.RFC3339Nano)}
	}
	for _, b := range m.Boundaries {
		j.Boundaries = append(j.Boundaries, jBoundary{b.ID, b.Name, b.Trust, b.Type, b.Description, b.Owner, bid(b.Parent),
			ids(b.Children, bid), ids(b.Elements, eid), jr(b.Range)})
	}
	for _, e := range m.Elements {
		j.Elements = append(j.Elements, jElement{e.ID, e.Kind, e.Name, e.Description, e.Tech, e.Owner, e.Exposure, e.Tenancy,
			e.EncryptedAtRest, e.External, e.AdminInterface, e.MultiTenant, e.ControlPlane, e.WritesLogs,
			append([]string{}, e.Safeguards...), e.Technology, ids(e.Stores, did), ids(e.Processes, did),
			append([]string{}, e.Accepts...), e.CustomDeveloped, e.OutOfScope, rid(e.RunsOn), e.Criticality, e.Machine, eid(e.Parent), ids(e.Children, eid), bid(e.Boundary), e.Placed, jr(e.Range),
			jsources(e.SafeguardSources)})
	}
	for _, d := range m.Data {
		j.Data = append(j.Data, jData{d.ID, d.Name, d.Classification, d.PII, d.Credentials, d.TenantScoped, d.Integrity, d.Availability,
			d.Description, d.Owner, jr(d.Range)})
	}
	for _, r := range m.Runtimes {
		j.Runtimes = append(j.Runtimes, jRuntime{r.ID, r.Name, r.Type, r.Description, r.Owner, ids(r.Elements, eid), jr(r.Range)})
	}
	for _, f := range m.Flows {
		fl := jFlow{ID: f.ID, Named: f.Named, From: eid(f.From), To: eid(f.To), Label: f.Label, Protocol: f.Protocol, Auth: f.Auth,
			Authentication: f.Authentication, AuthenticationDerived: f.AuthenticationDerived, Authorization: f.Authorization,
			Readonly: f.Readonly, VPN: f.VPN, IPFiltered: f.IPFiltered, Usage: f.Usage,
			Description: f.Description, Carries: ids(f.Carries, did), IdempotencyKey: f.IdempotencyKey,
			Safeguards: append([]string{}, f.Safeguards...),
			Marks:      []jMark{}, Crossings: []jCrossing{}, Range: jr(f.Range), SafeguardSources: jsources(f.SafeguardSources)}
		if f.ResponseTo != nil {
			fl.ResponseTo = f.ResponseTo.ID
		}
		for _, mk := range f.Marks {
			fl.Marks = append(fl.Marks, jMark{ids(mk.Boundaries, bid), mk.Reason, jr(mk.Range)})
		}
		for _, x := range f.Crossings {
			c := jCrossing{Boundary: x.Boundary.ID, Direction: x.Direction, Marked: x.Mark != nil}
			if x.Mark != nil {
				c.Reason = x.Mark.Reason
			}
			fl.Crossings = append(fl.Crossings, c)
		}
		j.Flows = append(j.Flows, fl)
	}
	for _, s := range m.Sequences {
		j.Sequences = append(j.Sequences, jSequence{s.ID, s.Name, s.Description, ids(s.Participants, eid), jsteps(s.Steps), jr(s.Range)})
	}
	for _, t := range m.Threats {
		jt := jThreat{ID: t.ID, Name: t.Name, Description: t.Description, Owner: t.Owner, Stride: append([]string{}, t.Stride...),
			Impact: t.Impact, Likelihood: t.Likelihood, Score: t.Score, Band: t.Band,
			MitigatedBy: ids(t.MitigatedBy, func(c *Control) string { return c.ID }), Transferred: t.Transferred, Claims: append([]string(nil), t.Claims...), Status: t.Status, Range: jr(t.Range)}
		jt.Target = jtarget(t.Target)
		if a := t.Acceptance; a != nil {
			jt.Acceptance = &jAcceptance{a.Reason, a.By, a.Until, a.Expired}
		}
		j.Threats = append(j.Threats, jt)
	}
	for _, c := range m.Controls {
		jc := jControl{c.ID, c.Name, c.Description, c.Status, c.Owner, []jFile{}, []jFile{},
			ids(c.Mitigates, func(t *Threat) string { return t.ID }), jr(c.Range), []jProvision{}}
		for _, p := range c.Provides {
			jc.Provides = append(jc.Provides, jProvision{p.Safeguard, jtarget(p.Target), jr(p.Range)})
		}
		for _, f := range c.Tests {
			jc.Tests = append(jc.Tests, jf(f))
		}
		for _, f := range c.Evidence {
			jc.Evidence = append(jc.Evidence, jf(f))
		}
		j.Controls = append(j.Controls, jc)
	}
	for _, d := range m.Decisions {
		jd := jDecision{ID: d.ID, Name: d.Name, Description: d.Description, Status: d.Status, Affects: ids(d.Affects, eid), Range: jr(d.Range)}
		if d.File != nil {
			f := jf(d.File)
			jd.File = &f
		}
		j.Decisions = append(j.Decisions, jd)
	}
	for _, v := range m.Views {
		jv := jView{ID: v.ID, Name: v.Name, Description: v.Description, Kind: v.Kind, Declared: v.Declared, Of: eid(v.Of)}
		if v.Sequence != nil {
			jv.Sequence = v.Sequence.ID
		}
		if v.Elements != nil {
			jv.Elements = ids(v.Elements, eid)
		}
		if v.Flows != nil {
			fl := ids(v.Flows, func(f *Flow) string { return f.ID })
			jv.Flows = &fl
		}
		if v.Boundary != nil {
			jv.Boundary = v.Boundary.ID
		}
		jv.Filter, jv.Zones = v.Filter, v.Zones
		j.Views = append(j.Views, jv)
	}
	for _, f := range m.Findings {
		jf := jFinding{f.Rule, f.Fingerprint, jtarget(f.Target), append([]string{}, f.Stride...),
			f.Impact, f.Likelihood, f.Score, f.Band, f.ImpactWhy, f.LikelihoodWhy, f.Status, f.Message, jr(f.Range), "", nil, nil}
		if f.ClaimedBy != nil {
			jf.ClaimedBy = f.ClaimedBy.ID
		}
		jf.Accepted = f.Acceptance.JSON()
		jf.Dismissed = f.Dismissal.JSON()
		j.Findings = append(j.Findings, jf)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
