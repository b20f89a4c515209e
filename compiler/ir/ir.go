// Package ir is the intermediate representation of a threat model: what
// the compiler builds from the .tm files and what every renderer reads.
//
// The IR is plain Go structs with resolved pointers. Every collection is a
// slice in a stable order (source order: files sorted by path, then
// position), every node keeps its source range, and facts the compiler
// derives (crossings, risk, status) are stored here so renderers never
// re-derive them.
package ir

import (
	"fmt"
	"strings"
	"time"

	"github.com/tmc-dev/tmc/dsl/diag"
)

// A Model is a whole compiled threat model.
type Model struct {
	Name        string
	Owner       string
	Reviewed    string // YYYY-MM-DD, or empty
	ReviewedAt  diag.Range
	Description string // Markdown
	Range       diag.Range

	Files      []string // .tm files, relative to the model root, with /
	Boundaries []*Boundary
	Elements   []*Element
	Data       []*Data
	// Runtimes are the runtime declarations (shared hosts, node pools,
	// clusters, accounts), in source order.
	Runtimes  []*Runtime
	Flows     []*Flow
	Sequences []*Sequence
	Threats   []*Threat
	Controls  []*Control
	Decisions []*Decision
	Views     []*View // default views first, then declared ones
	// Findings are what the threat rules found, sorted by fingerprint.
	// They are not diagnostics: they never change the exit status.
	Findings []*Finding
	// Acceptances are the accept declarations, in source order.
	Acceptances []*FindingAcceptance
	// Dismissals are the dismiss declarations, in source order.
	Dismissals []*FindingDismissal
	// TestRun is the test results the model was compiled with
	// (--test-results); nil when none were given.
	TestRun *TestRun
	// Refs are the names the compiler resolved, one per identifier that
	// names a declaration: shop.billing is a use of shop.billing (at
	// "billing") and of shop (at "shop"). In the order resolved; tools
	// (the language server) read them for definitions, references and
	// renames. They are not part of the JSON form.
	Refs []Ref
}

// A Ref is one identifier that names a declaration.
type Ref struct {
	Range diag.Range // the identifier: one segment of a dotted reference
	Path  string     // the full path of the declaration it names
	Kind  string     // what that declaration is: boundary, element, data asset, flow, ...
}

// A TestRun is the test results a model was compiled with: the results
// files and when the results were made.
type TestRun struct {
	Files []string // as given, in the order given
	// Time is the newest timestamp in the results, or the modification
	// time of a file whose format has none.
	Time time.Time
}

// Test states, of a test a control names, against the test results.
const (
	TestPassed = "passed"
	TestFailed = "failed"
	TestNotRun = "not run" // not in the results, or only skipped
)

// A TestResult is what the test results say of a test a control names.
type TestResult struct {
	State string // TestPassed, TestFailed or TestNotRun
	// Failed names the results that failed (package or classname and
	// test name, as testresults.Case.ID), in the order of
	// testresults.Match; empty unless the state is failed.
	Failed []string
	Files  []string // the results files its results came from, sorted
}

// A Boundary represents a trust boundary: a zone in which one level of
// trust holds. Boundaries nest.
type Boundary struct {
	ID    string // dotted path: "cluster.data"
	Name  string
	Trust string // untrusted | low | medium | high | external | control
	// Type is what kind of boundary it is: network, network_segment,
	// execution_environment, cloud_account, cloud_region, container,
	// process, physical, organization, namespace; "" when not said.
	Type        string
	Description string
	Owner       string
	Parent      *Boundary // nil for a top-level boundary
	Children    []*Boundary
	Elements    []*Element // elements whose effective boundary is this one
	Range       diag.Range
	IDRange     diag.Range // the id where it is declared
}

// Chain returns the boundaries from the outermost down to b.
func (b *Boundary) Chain() []*Boundary {
	var out []*Boundary
	for x := b; x != nil; x = x.Parent {
		out = append(out, x)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// CrossingsBetween returns the crossings of a flow from an element in
// boundary from to one in boundary to (nil is the root): the boundaries it
// leaves, innermost first, then those it enters, outermost first. Marks are
// not set. The compiler records them on every flow this way, and help text
// that suggests a new flow uses it to write the crosses line it needs.
func CrossingsBetween(from, to *Boundary) []*Crossing {
	fc, tc := from.Chain(), to.Chain()
	k := 0
	for k < len(fc) && k < len(tc) && fc[k] == tc[k] {
		k++
	}
	var out []*Crossing
	for i := len(fc) - 1; i >= k; i-- {
		out = append(out, &Crossing{Boundary: fc[i], Direction: Leave})
	}
	for _, b := range tc[k:] {
		out = append(out, &Crossing{Boundary: b, Direction: Enter})
	}
	return out
}

// Element kinds.
const (
	Person    = "person"
	System    = "system"
	Container = "container"
	Component = "component"
	Database  = "database"
	Cache     = "cache"
	Queue     = "queue"
	Bucket    = "bucket"
)

// An Element represents a C4 element: a person, a system, a container (or
// one of its variants database, cache, queue, bucket) or a component.
type Element struct {
	ID              string // dotted path: "shop.orders"
	Kind            string
	Name            string
	Description     string
	Tech            string
	Owner           string
	Exposure        string
	Tenancy         string
	EncryptedAtRest bool
	External        bool
	AdminInterface  bool
	MultiTenant     bool
	ControlPlane    bool
	WritesLogs      bool
	Safeguards      []string // sorted, without duplicates
	// Technology is what the element is, from a closed list (web_server,
	// api, database, identity_store, llm, ...; docs/language.md); "" when
	// not said. Tech is the free label.
	Technology string
	// Stores and Processes are the data at rest and in use at the
	// element, in the order written, without duplicates.
	Stores    []*Data
	Processes []*Data
	// Accepts are the input formats the element parses (json, xml,
	// serialized_objects, files, ...), in the order written, without
	// duplicates.
	Accepts         []string
	CustomDeveloped bool
	// OutOfScope is why the element is out of the model's scope; "" when
	// it is in scope.
	OutOfScope string
	// RunsOn is the runtime (shared host, node pool, account) the element
	// runs on, or nil.
	RunsOn *Runtime
	// Criticality rates what the element's loss would cost: archive,
	// operational, important, critical, mission_critical; "" when not said.
	Criticality string
	// Machine is what the element runs as: physical, virtual,
	// container or serverless; "" when not said.
	Machine  string
	Parent   *Element
	Children []*Element
	// Boundary is the effective trust boundary: the element's own `in`,
	// else its parent's; nil when nothing places it.
	Boundary *Boundary
	// Placed reports whether the element has its own `in`.
	Placed  bool
	Range   diag.Range
	IDRange diag.Range // the id where it is declared
	// SafeguardSources says where each safeguard comes from: declared
	// on the element, or provided by a control (see SafeguardSource).
	SafeguardSources []SafeguardSource
}

// IsContainer reports whether the element is a container or one of its
// variants.
func (e *Element) IsContainer() bool {
	switch e.Kind {
	case Container, Database, Cache, Queue, Bucket:
		return true
	}
	return false
}

// A Data represents a data asset that flows carry.
type Data struct {
	ID             string
	Name           string
	Classification string // public | internal | confidential | restricted | secret
	PII            bool
	Credentials    bool
	TenantScoped   bool
	// Integrity and Availability rate what a loss of each would cost:
	// archive, operational, important, critical, mission_critical; ""
	// when not said.
	Integrity    string
	Availability string
	Description  string
	Owner        string
	Range        diag.Range
	IDRange      diag.Range // the id where it is declared
}

// Ratings is the scale of data integrity and availability and of element
// criticality, lowest first (Threagile's scale).
var Ratings = []string{"archive", "operational", "important", "critical", "mission_critical"}

// Rating returns the rank of a rating on the Ratings scale, 1 (archive)
// to 5 (mission_critical), or 0 when r is not one.
func Rating(r string) int {
	for i, x := range Ratings {
		if x == r {
			return i + 1
		}
	}
	return 0
}

// A Runtime represents what elements run on and share: a host, a node
// pool, a cluster, a cloud account or a serverless platform.
type Runtime struct {
	ID          string
	Name        string
	Type        string // host | node_pool | cluster | cloud_account | serverless_platform, or ""
	Description string
	Owner       string
	Elements    []*Element // the elements that run on it, in model order
	Range       diag.Range
	IDRange     diag.Range // the id where it is declared
}

// A Flow represents a directed data flow between two elements.
type Flow struct {
	ID       string // the declared id, else "FROM->TO"
	Named    bool   // the id was declared
	From, To *Element
	Label    string
	Protocol string
	// Auth is the free-text `auth` as written; when only `authentication`
	// is given, it is that word, so that readers of Auth see it.
	Auth string
	// Authentication is how the sender authenticates: none, credentials,
	// session, token, client_certificate, mtls, two_factor, externalized;
	// "" when unknown. AuthenticationDerived reports that it was read
	// from a free-text auth (auth jwt: token) rather than written.
	Authentication        string
	AuthenticationDerived bool
	// Authorization is whose rights the receiver checks: none,
	// technical_user, end_user_identity; "" when not said.
	Authorization string
	Readonly      bool // the flow only reads: the receiver changes nothing
	// ResponseTo is the request this flow answers (it goes the opposite
	// way), or nil: a reply is not an inbound call.
	ResponseTo     *Flow
	VPN            bool
	IPFiltered     bool
	Usage          string // business | devops, or ""
	Description    string
	Carries        []*Data
	IdempotencyKey bool
	Safeguards     []string // sorted, without duplicates; idempotency_key adds idempotency_keys
	Marks          []*Mark
	// Crossings are the boundaries the flow leaves (innermost first), then
	// those it enters (outermost first).
	Crossings []*Crossing
	// Unresolved reports that an end of the flow, or the boundary of an
	// end, did not resolve: Crossings is empty and crossing checks skip it.
	Unresolved bool
	Range      diag.Range // the whole declaration
	Head       diag.Range // the id, or FROM -> TO
	// SafeguardSources says where each safeguard comes from: declared
	// on the flow, or provided by a control (see SafeguardSource).
	SafeguardSources []SafeguardSource
}

// A SafeguardSource is one origin of a safeguard of an element or a
// flow: its own safeguards statement (Control nil), or a control's
// `provides NAME on TARGET`. A control's safeguard counts (is in the
// target's Safeguards, which the threat rules read) once the control is
// implemented or verified; before that it is Pending and listed here
// only. Sources are sorted by name; for one name, declared first, then
// controls in model order.
type SafeguardSource struct {
	Name    string
	Control *Control // the control that provides it, or nil when declared
	Pending bool     // the control is proposed or planned: it does not count yet
}

// A Provision is one safeguard a control provides on one target
// (`provides NAME on TARGET`).
type Provision struct {
	Safeguard string
	Target    Target // a flow or an element
	Range     diag.Range
}

// A Mark is one `crosses` statement of a flow.
type Mark struct {
	Boundaries []*Boundary
	Refs       []diag.Range // where each boundary is named, parallel to Boundaries
	Reason     string
	Range      diag.Range
}

// Directions of a crossing.
const (
	Leave = "leave"
	Enter = "enter"
)

// A Crossing is one boundary a flow leaves or enters.
type Crossing struct {
	Boundary  *Boundary
	Direction string // Leave or Enter
	Mark      *Mark  // the crosses statement that names it; nil when unmarked
}

// A Sequence represents an ordered interaction between elements.
type Sequence struct {
	ID           string
	Name         string
	Description  string
	Participants []*Element // in order of first appearance
	Steps        []*Step
	Range        diag.Range
	IDRange      diag.Range // the id where it is declared
}

// Step kinds.
const (
	StepMessage = "message"
	StepNote    = "note"
	StepAlt     = "alt"
	StepOpt     = "opt"
	StepLoop    = "loop"
	StepPar     = "par"
)

// A Step is one statement of a sequence: a message, a note, or a group
// (alt, opt, loop, par) with branches.
type Step struct {
	Kind string

	// Messages.
	Number   int // 1-based, in reading order
	From, To *Element
	Reply    bool
	Label    string
	Flow     *Flow // the flow the message travels on; nil when none matches

	// Notes.
	Over []*Element
	Text string

	// Groups: alt has one branch per alt/else, par one per par/and, opt and
	// loop one.
	Branches []*Branch

	Range diag.Range
}

// A Branch is one block of a group step.
type Branch struct {
	Label string
	Steps []*Step
}

// Threat statuses.
const (
	Open        = "open"
	Mitigated   = "mitigated"
	Accepted    = "accepted"
	Transferred = "transferred"
	// Claimed is the status of a finding a declared threat claims: the
	// threat carries its status.
	Claimed = "claimed"
	// Dismissed is the status of a finding a dismiss declaration closes:
	// a false positive, or a finding that does not apply.
	Dismissed = "dismissed"
)

// A Threat represents a threat to a flow, an element or a boundary.
type Threat struct {
	ID          string
	Name        string
	Description string
	Owner       string
	Stride      []string
	Target      Target
	Impact      int // 1-5, 0 when not given
	Likelihood  int // 1-5, 0 when not given
	Score       int // Impact x Likelihood
	Band        string
	MitigatedBy []*Control
	// MitigationUnresolved reports a mitigated_by naming a control that
	// is not declared (TM201): the threat says how it is closed, so it is
	// not also reported as having no mitigation (TM501).
	MitigationUnresolved bool
	Acceptance           *Acceptance
	Transferred          string
	Claims               []string // fingerprints of the findings the threat claims
	Status               string   // Open, Mitigated, Accepted or Transferred
	Range                diag.Range
	IDRange              diag.Range // the id where it is declared
}

// A Target is what a threat is on; exactly one field is set (none when the
// target did not resolve).
type Target struct {
	Flow     *Flow
	Element  *Element
	Boundary *Boundary
}

// ID returns the id of the target, or "".
func (t Target) ID() string {
	switch {
	case t.Flow != nil:
		return t.Flow.ID
	case t.Element != nil:
		return t.Element.ID
	case t.Boundary != nil:
		return t.Boundary.ID
	}
	return ""
}

// An Acceptance records a risk accepted by an owner until a date.
type Acceptance struct {
	Reason  string
	By      string
	Until   string // YYYY-MM-DD
	Expired bool
	Range   diag.Range
}

// A Control represents a security control that mitigates threats.
type Control struct {
	ID          string
	Name        string
	Description string
	Status      string // proposed | planned | implemented | verified
	Owner       string
	Tests       []*FileRef
	Evidence    []*FileRef
	Mitigates   []*Threat
	Range       diag.Range
	IDRange     diag.Range // the id where it is declared
	// Provides are the safeguards the control puts in place, in the
	// order written; they count on their targets once it is Effective.
	Provides []*Provision
}

// Effective reports whether the control is in place (implemented or verified).
func (c *Control) Effective() bool { return c.Status == "implemented" || c.Status == "verified" }

// A FileRef is a path the model names (a test, evidence, an ADR). It is
// written relative to the .tm file that names it, with /, and may go up
// to the project root (the nearest folder above the model holding .git or
// tmc.toml, or --root), never beyond.
type FileRef struct {
	Path string // as written, without a :TestName suffix
	// Name is the path relative to the model root, cleaned, with /; it
	// starts with ../ where it goes up out of the model folder. "" when
	// the path escapes the project root.
	Name  string
	Test  string // the TestName after ":", for tests
	Found bool   // the file exists under the project root
	// Suggest is, for a path not Found, the path relative to the .tm file
	// of what it names relative to the model root, when that exists: the
	// rule before paths were relative to the file that names them.
	Suggest string
	// TestFound reports, for a test with a TestName in a file that exists,
	// whether the file declares it (`func TestName(` in a .go file, the
	// name anywhere in other files).
	TestFound bool
	Escapes   bool // the path leaves the project root (absolute, climbs out with .., or a symbolic link leads out)
	// Resolved is where a symbolic link on the path leads, when it leads
	// out of the project root; the file is then neither looked at nor read.
	Resolved string
	Range    diag.Range
	// Result is the state of the test in the test results, for a test
	// when the model was compiled with results; nil otherwise.
	Result *TestResult
}

// Shown is the path to show a reader of the report or of another tool's
// format: Name, relative to the model root, where the path resolves, else
// the path as written.
func (f *FileRef) Shown() string {
	if f.Name != "" {
		return f.Name
	}
	return f.Path
}

// A Decision represents a security architecture decision record.
type Decision struct {
	ID          string
	Name        string
	Description string
	Status      string
	File        *FileRef
	Affects     []*Element
	Range       diag.Range
	IDRange     diag.Range // the id where it is declared
}

// View kinds.
const (
	ViewDFD       = "dfd"
	ViewContext   = "context"
	ViewContainer = "container"
	ViewComponent = "component"
	ViewSequence  = "sequence"
)

// A View is one diagram to draw.
type View struct {
	ID          string // "dfd", "context", "container-shop", "component-shop.orders", "sequence-checkout", or a declared id
	Name        string
	Description string
	Kind        string
	Declared    bool
	Of          *Element  // the system of a container view, the container of a component view
	Sequence    *Sequence // for sequence views
	// Elements are the elements an include/exclude/around selected, in
	// model order; nil means the view's kind decides (the whole model for
	// dfd).
	Elements []*Element
	// Flows are the flows a data-flow view draws when a filter chose them
	// (crossing, unmarked, carries, or a per-boundary view), in model
	// order; nil means every flow between the shown elements. An end of
	// one of them that is not among Elements is drawn as a stub: a small
	// labelled endpoint standing for an element outside the view.
	Flows []*Flow
	// Filter says in words what the filters chose ("crossing edge,
	// unmarked"), for the diagram's subtitle; "" without filters.
	Filter string
	// Boundary is the boundary a per-boundary view (boundary-<path>) is
	// about: its own elements and every flow that crosses it.
	Boundary *Boundary
	// Zones draws the view at the level of trust zones: every boundary a
	// node (nested ones inside their parent's cluster), and the crossing
	// flows between two zones rolled up into one edge ("n crossings, k
	// unmarked"). The dfd view of a model too large to draw in full is one
	// (see compiler.OverviewThreshold).
	Zones bool
	Range diag.Range
}

// HasSafeguard reports whether the element declares the safeguard.
func (e *Element) HasSafeguard(name string) bool { return hasString(e.Safeguards, name) }

// HasSafeguard reports whether the flow declares the safeguard.
func (f *Flow) HasSafeguard(name string) bool { return hasString(f.Safeguards, name) }

func hasString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Band returns the risk band of a score: low 1-4, medium 5-9, high 10-16,
// critical 20-25.
func Band(score int) string {
	switch {
	case score <= 0:
		return ""
	case score <= 4:
		return "low"
	case score <= 9:
		return "medium"
	case score <= 16:
		return "high"
	default:
		return "critical"
	}
}

// A Finding is a threat a rule found in the model (see package
// compiler/rules).
type Finding struct {
	Rule        string   // rule id: "TMR-S03"
	Title       string   // rule title
	Stride      []string // the rule's categories
	Target      Target
	Fingerprint string // "RULE@TARGET-ID": stable across runs and commits
	Message     string
	Impact      int
	Likelihood  int
	Score       int
	Band        string
	// ImpactWhy and LikelihoodWhy say where the impact and the likelihood
	// come from: "impact 5: carries restricted `card` (rule default 4)",
	// "likelihood 3: rule default (reachable from `internet` in 2 hops)"
	// (docs/rules.md, "Severity"); "" for a finding made outside the rules.
	ImpactWhy     string
	LikelihoodWhy string
	Status        string     // Open, Accepted (by an accept declaration), Dismissed (by a dismiss declaration) or Claimed (by a threat)
	Range         diag.Range // the target's head or id
	ClaimedBy     *Threat    // the threat that claims the finding, or nil
	Acceptance    *FindingAcceptance
	// ExpiredAcceptance is the most specific acceptance that covered the
	// finding and has expired (TM601), or nil; it says why an open
	// finding was accepted before.
	ExpiredAcceptance *FindingAcceptance
	// Dismissal is the dismiss declaration that names the finding, or nil.
	Dismissal *FindingDismissal
}

// Why joins ImpactWhy and LikelihoodWhy: "impact 5: carries restricted
// `card` (rule default 4); likelihood 4: reachable from `internet` in one
// hop without authentication (rule default 3)"; "" when neither is set.
func (f *Finding) Why() string {
	switch {
	case f.ImpactWhy == "":
		return f.LikelihoodWhy
	case f.LikelihoodWhy == "":
		return f.ImpactWhy
	}
	return f.ImpactWhy + "; " + f.LikelihoodWhy
}

// StatusNote says why a finding is not open: "claimed by threat
// "cache_leak" (status accepted)", "dismissed by "lead": reason",
// "accepted until 2027-06-30 by "lead": reason", or several joined by
// "; also ". It is "" for an open finding that
// no acceptance covers.
func (f *Finding) StatusNote() string {
	var parts []string
	if f.Status == Claimed && f.ClaimedBy != nil {
		parts = append(parts, fmt.Sprintf("claimed by threat %q (status %s)", f.ClaimedBy.ID, f.ClaimedBy.Status))
	}
	if d := f.Dismissal; d != nil {
		parts = append(parts, fmt.Sprintf("dismissed by %q: %s", d.Reviewer, d.Reason))
	}
	if a := f.Acceptance; a != nil {
		parts = append(parts, fmt.Sprintf("accepted until %s by %q: %s", a.Until, a.Owner, a.Reason))
	}
	return strings.Join(parts, "; also ")
}

// A FindingAcceptance is `accept "RULE@TARGET" { reason owner until }`: a
// finding accepted in the model until a date. With a pattern
// ("RULE@*", "RULE@shop.*") it accepts every finding of the rule whose
// fingerprint starts with what comes before the *.
type FindingAcceptance struct {
	Fingerprint string // the fingerprint or the pattern, as written
	Pattern     bool   // Fingerprint ends with *
	Reason      string
	Owner       string
	Until       string // YYYY-MM-DD
	Expired     bool
	Findings    []*Finding // the findings it matches, in model order (one without a pattern)
	Range       diag.Range
}

// A FindingDismissal is `dismiss "RULE@TARGET" { reason reviewer }`: a
// finding a reviewer judged a false positive or not applicable. It has
// no expiry and names one finding (no patterns).
type FindingDismissal struct {
	Fingerprint string // as written
	Reason      string
	Reviewer    string
	Finding     *Finding // the finding it closes, or nil when none matches
	Range       diag.Range
}
