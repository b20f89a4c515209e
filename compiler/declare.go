package compiler

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/compiler/rules"
	"github.com/tmc-dev/tmc/dsl"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// A kind is what a symbol declares.
type kind int

const (
	kBoundary kind = iota
	kElement
	kData
	kFlow
	kSequence
	kThreat
	kControl
	kDecision
	kView
	kRuntime
)

var kindNames = [...]string{"boundary", "element", "data asset", "flow", "sequence", "threat", "control", "decision", "view", "runtime"}

func (k kind) String() string { return kindNames[k] }

// A symbol is one named declaration.
type symbol struct {
	path string
	kind kind
	rng  diag.Range // the id where it is declared

	boundary *ir.Boundary
	element  *ir.Element
	data     *ir.Data
	flow     *ir.Flow
	seq      *ir.Sequence
	threat   *ir.Threat
	control  *ir.Control
	decision *ir.Decision
	view     *ir.View
	runtime  *ir.Runtime
}

// title is the display name a declaration gives itself ("Password" in
// `data pw "Password"`), or "".
func (s *symbol) title() string {
	switch s.kind {
	case kBoundary:
		return s.boundary.Name
	case kElement:
		return s.element.Name
	case kData:
		return s.data.Name
	case kFlow:
		return s.flow.Label
	case kSequence:
		return s.seq.Name
	case kThreat:
		return s.threat.Name
	case kControl:
		return s.control.Name
	case kDecision:
		return s.decision.Name
	case kView:
		return s.view.Name
	case kRuntime:
		return s.runtime.Name
	}
	return ""
}

func (s *symbol) kindName() string {
	if s.kind == kElement {
		return s.element.Kind
	}
	return s.kind.String()
}

// Pending AST for the lowering phase, kept beside the IR node it fills.
type (
	boundaryDecl struct {
		file string
		ast  *dsl.BoundaryDecl
		b    *ir.Boundary
		up   *ir.Boundary // lexical parent
	}
	elementDecl struct {
		file string
		in   *dsl.Ref
		e    *ir.Element
	}
	flowDecl struct {
		file string
		ast  *dsl.FlowDecl
		f    *ir.Flow
	}
	seqDecl struct {
		file string
		ast  *dsl.SequenceDecl
		s    *ir.Sequence
	}
	threatDecl struct {
		file string
		ast  *dsl.ThreatDecl
		t    *ir.Threat
	}
	controlDecl struct {
		file string
		ast  *dsl.ControlDecl
		c    *ir.Control
	}
	decisionDecl struct {
		file string
		ast  *dsl.DecisionDecl
		d    *ir.Decision
	}
	viewDecl struct {
		file   string
		ast    *dsl.ViewDecl
		v      *ir.View
		filter *viewFilter // resolved filters, applied once crossings are known
	}
	extendDecl struct {
		file string
		ast  *dsl.ExtendDecl
	}
	// elementRefs is a statement of an element whose references
	// (stores, processes, runs_on) resolve once everything is declared.
	elementRefs struct {
		file string
		e    *ir.Element
		stmt *dsl.ElementStmt
	}
	// responseTo is a flow's response_to, resolved once flows are named.
	responseTo struct {
		file string
		f    *ir.Flow
		ref  *dsl.Ref
	}
)

// compiler holds the state of one compilation.
type compiler struct {
	diags diag.Diagnostics
	m     *ir.Model
	// claimRanges are the claims of every threat, with where they are
	// written; settleFindings applies them.
	claimRanges []claimRef
	opts        Options
	root        string
	modelDir    string    // the model root relative to the project root, with /; "" when the same
	files       *Confined // reads under the project root, confined to it
	tree        Tree      // the model's files when it is held in memory (LoadTree)
	src         *Source
	syms        map[string]*symbol
	byName      map[string][]*symbol // last path segment -> symbols
	props       map[any]map[string]diag.Range

	boundaries []*boundaryDecl
	elements   []*elementDecl
	flows      []*flowDecl
	seqs       []*seqDecl
	threats    []*threatDecl
	controls   []*controlDecl
	decisions  []*decisionDecl
	views      []*viewDecl
	extends    []*extendDecl
	elemRefs   []elementRefs
	responses  []responseTo
	modelRange *diag.Range
	broken     map[string]bool // ids of declarations that did not parse
	suggested  int             // did-you-mean searches so far
	flowIndex  map[[2]*ir.Element][]*ir.Flow
	nameCache  map[string][]string
	titleCache map[string]*titleIndex
	// refFiles caches what the model's test, evidence and decision paths
	// found on disk, by full path: controls often share one test file.
	refFiles map[string]*refFile
}

// maxSuggestions bounds the did-you-mean searches of one compilation: each
// one compares a name with every declared name.
const maxSuggestions = 200

func rng(file string, n *dsl.Node) diag.Range { return dsl.NodeRange(file, n) }

// declare enters a symbol; a path declared twice is TM203, pointing at both.
func (c *compiler) declare(s *symbol) bool {
	if old, ok := c.syms[s.path]; ok {
		d := c.diags.Errorf("TM203", s.rng, "duplicate declaration of %q", s.path)
		d.Related = append(d.Related, diag.Note{Range: old.rng, Message: fmt.Sprintf("%q first declared here (as a %s)", s.path, old.kindName())})
		d.Detail = "names are shared by all files of a model; rename one of them"
		return false
	}
	c.syms[s.path] = s
	last := s.path[strings.LastIndexByte(s.path, '.')+1:]
	c.byName[last] = append(c.byName[last], s)
	return true
}

// prop records that a property was set on owner; setting it twice is TM203.
func (c *compiler) prop(owner any, name string, r diag.Range) bool {
	m := c.props[owner]
	if m == nil {
		m = map[string]diag.Range{}
		c.props[owner] = m
	}
	if old, ok := m[name]; ok {
		d := c.diags.Errorf("TM203", r, "duplicate %q property", name)
		d.Related = append(d.Related, diag.Note{Range: old, Message: fmt.Sprintf("%q first set here", name)})
		return false
	}
	m[name] = r
	return true
}

func (c *compiler) setStr(owner any, file, name string, dst *string, s *dsl.Str, stmt *dsl.Node) {
	if s != nil && c.prop(owner, name, rng(file, stmt)) {
		*dst = string(s.Value)
	}
}

func (c *compiler) setWord(owner any, file, name string, dst *string, w *dsl.Word, stmt *dsl.Node, allowed []string) {
	if w == nil || !c.prop(owner, name, rng(file, stmt)) {
		return
	}
	c.checkValue(file, name, w, allowed)
	*dst = w.Value
}

func (c *compiler) setFlag(owner any, file, name string, dst *bool, set bool, stmt *dsl.Node) {
	if set && c.prop(owner, name, rng(file, stmt)) {
		*dst = true
	}
}

// checkValue reports a word outside its allowed set (TM103).
func (c *compiler) checkValue(file, what string, w *dsl.Word, allowed []string) bool {
	if allowed == nil {
		return true
	}
	for _, a := range allowed {
		if a == w.Value {
			return true
		}
	}
	d := c.diags.Errorf("TM103", rng(file, &w.Node), "invalid %s %q", what, w.Value)
	if s := suggestValue(what, w.Value, allowed); s != "" {
		d.Summary += fmt.Sprintf("; did you mean %q?", s)
		d.Replace = s
	}
	d.Detail = fmt.Sprintf("%s is one of: %s", what, strings.Join(allowed, ", "))
	return false
}

// suggestValue suggests the allowed value a user most likely meant: the
// same word in lower case, then a value of the same meaning (synonyms), then
// a close spelling. Meaning comes before spelling: "trusted" is one edit from
// "untrusted" but means "high".
func suggestValue(what, value string, allowed []string) string {
	lower := strings.ToLower(value)
	if lower != value && slices.Contains(allowed, lower) {
		return lower
	}
	if s, ok := valueSynonyms[what][strings.ReplaceAll(lower, "-", "_")]; ok && slices.Contains(allowed, s) {
		return s
	}
	return dsl.Suggest(value, allowed)
}

// valueSynonyms maps words users write for a property to the allowed value
// of the same meaning, by property name.
var valueSynonyms = map[string]map[string]string{
	"trust": {
		"trusted": "high", "full": "high", "fully_trusted": "high",
		"semi_trusted": "medium", "semitrusted": "medium", "partial": "medium", "partially_trusted": "medium",
		"dmz": "low", "perimeter": "low", "low_trust": "low",
		"none": "untrusted", "public": "untrusted", "internet": "untrusted", "zero": "untrusted", "not_trusted": "untrusted",
		"third_party": "external", "thirdparty": "external", "partner": "external", "vendor": "external", "saas": "external",
		"admin": "control", "management": "control", "control_plane": "control", "ci": "control",
	},
	"classification": {
		"sensitive": "confidential", "private": "confidential",
		"top_secret": "secret", "credential": "secret", "credentials": "secret",
		"open": "public",
	},
}

// Allowed values.
var (
	trustLevels      = []string{"untrusted", "low", "medium", "high", "external", "control"}
	classifications  = []string{"public", "internal", "confidential", "restricted", "secret"}
	strideCategories = []string{"spoofing", "tampering", "repudiation", "information_disclosure", "denial_of_service", "elevation_of_privilege"}
	controlStatuses  = []string{"proposed", "planned", "implemented", "verified"}
	decisionStatuses = []string{"proposed", "accepted", "rejected", "deprecated", "superseded"}
	exposures        = []string{"public", "internal", "private"}
	tenancies        = []string{"single", "shared", "row_level", "schema", "database"}
	ratings          = ir.Ratings
	machines         = []string{"physical", "virtual", "container", "serverless"}
	boundaryTypes    = []string{"network", "network_segment", "execution_environment", "cloud_account", "cloud_region", "container", "process", "physical", "organization", "namespace"}
	runtimeTypes     = []string{"host", "node_pool", "cluster", "cloud_account", "serverless_platform"}
	authentications  = []string{"none", "credentials", "session", "token", "client_certificate", "mtls", "two_factor", "externalized"}
	authorizations   = []string{"none", "technical_user", "end_user_identity"}
	usages           = []string{"business", "devops"}
)

// Technologies is the vocabulary of an element's technology statement;
// docs/language.md describes each one and the threat rules read it.
var Technologies = []string{
	// Serving and the edge.
	"web_server", "web_application", "api", "api_gateway", "load_balancer", "reverse_proxy", "waf", "cdn", "dns",
	"vpn_gateway", "mail_server",
	// Identity and secrets.
	"identity_provider", "identity_store", "secret_store", "hsm",
	// Data.
	"database", "cache", "file_server", "object_store", "message_queue", "search_index", "data_warehouse", "vector_store",
	// Build and run.
	"build_pipeline", "source_repository", "artifact_registry", "container_platform", "service_registry",
	"function", "batch_job", "scheduler", "monitoring",
	// Applications.
	"cms", "erp", "llm", "ai_agent",
	// Clients and devices.
	"browser", "mobile_app", "desktop_app", "workstation", "iot_device",
}

// Formats is the vocabulary of an element's accepts statement: what
// input it parses.
var Formats = []string{
	"json", "xml", "yaml", "csv", "protobuf", "graphql", "form_data", "plain_text", "html", "markdown", "sql",
	"serialized_objects", "files", "templates",
}

// Safeguards is the vocabulary of the safeguards statement, on flows and
// elements: the compiler's own words, which docs/language.md describes,
// and those the rule files add (rules.ExtraSafeguards, described in
// docs/rules.md). The threat rules (compiler/rules) read them.
var Safeguards = append(baseSafeguards, extraSafeguardNames()...)

func extraSafeguardNames() []string {
	var out []string
	for _, s := range rules.ExtraSafeguards() {
		out = append(out, s.Name)
	}
	return out
}

var baseSafeguards = []string{
	"rate_limiting", "quota", "audit_logging", "correlation_id", "webhook_signature",
	"token_audience_check", "token_issuer_check", "tenant_from_token", "tenant_aware_cache_keys",
	"tenant_isolation", "backpressure", "dead_letter_queue", "retry_backoff", "idempotency_keys",
	"egress_allow_list", "input_validation", "secrets_from_vault", "least_privilege_rbac",
	"admission_policy", "pinned_images", "deploy_approval", "log_redaction", "mtls",
	"encryption_in_transit", "producer_authentication", "ordering_guarantee", "data_minimization",
}

func join(prefix, id string) string {
	if prefix == "" {
		return id
	}
	return prefix + "." + id
}

// declareFiles runs the declare phase over all files, in file order.
func (c *compiler) declareFiles(files []*dsl.File) {
	for _, f := range files {
		for _, id := range f.Broken {
			c.broken[id] = true
		}
		for _, d := range f.Decls {
			switch {
			case d.Model != nil:
				c.declareModel(f.Name, d.Model)
			case d.Boundary != nil:
				c.declareBoundary(f.Name, d.Boundary, nil, "")
			case d.Element != nil:
				c.declareElement(f.Name, d.Element, nil, "")
			case d.Extend != nil:
				c.extends = append(c.extends, &extendDecl{f.Name, d.Extend})
			case d.Data != nil:
				c.declareData(f.Name, d.Data)
			case d.Flow != nil:
				c.declareFlow(f.Name, d.Flow)
			case d.Sequence != nil:
				s := &ir.Sequence{ID: d.Sequence.ID.Value, Range: rng(f.Name, &d.Sequence.Node), IDRange: rng(f.Name, &d.Sequence.ID.Node)}
				if d.Sequence.Name != nil {
					s.Name = string(d.Sequence.Name.Value)
				}
				if c.declare(&symbol{path: s.ID, kind: kSequence, rng: s.IDRange, seq: s}) {
					c.m.Sequences = append(c.m.Sequences, s)
					c.seqs = append(c.seqs, &seqDecl{f.Name, d.Sequence, s})
				}
			case d.Threat != nil:
				t := &ir.Threat{ID: d.Threat.ID.Value, Range: rng(f.Name, &d.Threat.Node), IDRange: rng(f.Name, &d.Threat.ID.Node)}
				if d.Threat.Name != nil {
					t.Name = string(d.Threat.Name.Value)
				}
				if c.declare(&symbol{path: t.ID, kind: kThreat, rng: t.IDRange, threat: t}) {
					c.m.Threats = append(c.m.Threats, t)
					c.threats = append(c.threats, &threatDecl{f.Name, d.Threat, t})
				}
			case d.Control != nil:
				k := &ir.Control{ID: d.Control.ID.Value, Range: rng(f.Name, &d.Control.Node), IDRange: rng(f.Name, &d.Control.ID.Node)}
				if d.Control.Name != nil {
					k.Name = string(d.Control.Name.Value)
				}
				if c.declare(&symbol{path: k.ID, kind: kControl, rng: k.IDRange, control: k}) {
					c.m.Controls = append(c.m.Controls, k)
					c.controls = append(c.controls, &controlDecl{f.Name, d.Control, k})
				}
			case d.Decision != nil:
				k := &ir.Decision{ID: d.Decision.ID.Value, Range: rng(f.Name, &d.Decision.Node), IDRange: rng(f.Name, &d.Decision.ID.Node)}
				if d.Decision.Name != nil {
					k.Name = string(d.Decision.Name.Value)
				}
				if c.declare(&symbol{path: k.ID, kind: kDecision, rng: k.IDRange, decision: k}) {
					c.m.Decisions = append(c.m.Decisions, k)
					c.decisions = append(c.decisions, &decisionDecl{f.Name, d.Decision, k})
				}
			case d.Accept != nil:
				c.declareAccept(f.Name, d.Accept)
			case d.Dismiss != nil:
				c.declareDismiss(f.Name, d.Dismiss)
			case d.Runtime != nil:
				c.declareRuntime(f.Name, d.Runtime)
			case d.View != nil:
				v := &ir.View{ID: d.View.ID.Value, Declared: true, Range: rng(f.Name, &d.View.Node)}
				if d.View.Name != nil {
					v.Name = string(d.View.Name.Value)
				}
				if c.declare(&symbol{path: v.ID, kind: kView, rng: rng(f.Name, &d.View.ID.Node), view: v}) {
					c.views = append(c.views, &viewDecl{file: f.Name, ast: d.View, v: v})
				}
			}
		}
	}
	c.applyExtends()
}

func (c *compiler) declareModel(file string, d *dsl.ModelDecl) {
	r := rng(file, &d.Node)
	if c.modelRange != nil {
		e := c.diags.Errorf("TM203", r, "duplicate model declaration")
		e.Related = append(e.Related, diag.Note{Range: *c.modelRange, Message: "model first declared here"})
		e.Detail = "a model has one model block; keep it in one file (for example platform.tm)"
		return
	}
	c.modelRange = &r
	c.m.Range = r
	if d.Name != nil {
		c.m.Name = string(d.Name.Value)
	}
	for _, s := range d.Body {
		c.setStr(c.m, file, "owner", &c.m.Owner, s.Owner, &s.Node)
		c.setStr(c.m, file, "description", &c.m.Description, s.Description, &s.Node)
		if s.Reviewed != nil && c.prop(c.m, "reviewed", rng(file, &s.Node)) {
			if _, ok := c.date(file, s.Reviewed); ok {
				c.m.Reviewed = s.Reviewed.Value
				c.m.ReviewedAt = rng(file, &s.Reviewed.Node)
			}
		}
	}
}

func (c *compiler) declareBoundary(file string, d *dsl.BoundaryDecl, up *ir.Boundary, prefix string) {
	b := &ir.Boundary{ID: join(prefix, d.ID.Value), Range: rng(file, &d.Node)}
	if d.Name != nil {
		b.Name = string(d.Name.Value)
	}
	b.IDRange = rng(file, &d.ID.Node)
	if !c.declare(&symbol{path: b.ID, kind: kBoundary, rng: b.IDRange, boundary: b}) {
		return
	}
	c.m.Boundaries = append(c.m.Boundaries, b)
	c.boundaries = append(c.boundaries, &boundaryDecl{file, d, b, up})
	if d.In != nil && up != nil {
		c.diags.Errorf("TM101", rng(file, &d.In.Node), "a nested boundary cannot also say `in`").Detail =
			"a boundary written inside another is already inside it; remove `in`, or move the boundary to the top level"
	}
	for _, s := range d.Body {
		switch {
		case s.Boundary != nil:
			c.declareBoundary(file, s.Boundary, b, b.ID)
		default:
			c.setWord(b, file, "trust", &b.Trust, s.Trust, &s.Node, trustLevels)
			c.setStr(b, file, "description", &b.Description, s.Description, &s.Node)
			c.setStr(b, file, "owner", &b.Owner, s.Owner, &s.Node)
			c.setWord(b, file, "type", &b.Type, s.Type, &s.Node, boundaryTypes)
		}
	}
	if _, ok := c.props[b]["trust"]; !ok && !hasUnknown(d.Body, func(s *dsl.BoundaryStmt) *dsl.Unknown { return s.Unknown }) {
		d := c.diags.Errorf("TM104", rng(file, &d.ID.Node), "boundary %q has no trust level", b.ID)
		d.Detail = "say how far the zone is trusted: trust " + strings.Join(trustLevels, " | ")
	}
}

// hasUnknown reports whether a block holds a statement the parser did not
// recognise: then a "missing property" is likely that statement
// misspelled, already reported, and not worth a second diagnostic.
func hasUnknown[T any](body []T, unknown func(T) *dsl.Unknown) bool {
	for _, s := range body {
		if unknown(s) != nil {
			return true
		}
	}
	return false
}

// allowedParent reports whether an element of kind child may be declared
// inside one of kind parent (nil: at the top level), following C4.
func allowedParent(child string, parent *ir.Element) bool {
	switch child {
	case ir.Person, ir.System:
		return parent == nil
	case ir.Component:
		return parent != nil && parent.IsContainer()
	default: // containers and their variants
		return parent != nil && parent.Kind == ir.System
	}
}

func article(kind string) string {
	if strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}

func (c *compiler) declareElement(file string, d *dsl.ElementDecl, parent *ir.Element, prefix string) {
	e := &ir.Element{ID: join(prefix, d.ID.Value), Kind: d.Kind, Parent: parent, Range: rng(file, &d.Node)}
	if d.Name != nil {
		e.Name = string(d.Name.Value)
	}
	if !allowedParent(e.Kind, parent) {
		where := "at the top level"
		if parent != nil {
			where = "inside " + article(parent.Kind)
		}
		r := c.diags.Errorf("TM205", rng(file, &d.ID.Node), "%s cannot be declared %s", article(e.Kind), where)
		r.Detail = "C4 nesting: person and system at the top level, containers (container, database, cache, queue, bucket) inside a system, components inside a container"
	}
	e.IDRange = rng(file, &d.ID.Node)
	if !c.declare(&symbol{path: e.ID, kind: kElement, rng: e.IDRange, element: e}) {
		return
	}
	if parent != nil {
		parent.Children = append(parent.Children, e)
	}
	c.m.Elements = append(c.m.Elements, e)
	c.elements = append(c.elements, &elementDecl{file, d.In, e})
	c.elementBody(file, e, d.Body)
}

func (c *compiler) elementBody(file string, e *ir.Element, body []*dsl.ElementStmt) {
	for _, s := range body {
		if s.Element != nil {
			c.declareElement(file, s.Element, e, e.ID)
			continue
		}
		c.setStr(e, file, "description", &e.Description, s.Description, &s.Node)
		c.setStr(e, file, "tech", &e.Tech, s.Tech, &s.Node)
		c.setStr(e, file, "owner", &e.Owner, s.Owner, &s.Node)
		c.setWord(e, file, "exposure", &e.Exposure, s.Exposure, &s.Node, exposures)
		c.setWord(e, file, "tenancy", &e.Tenancy, s.Tenancy, &s.Node, tenancies)
		c.setFlag(e, file, "encrypted_at_rest", &e.EncryptedAtRest, s.EncryptedAtRest, &s.Node)
		c.setFlag(e, file, "external", &e.External, s.External, &s.Node)
		c.setFlag(e, file, "admin_interface", &e.AdminInterface, s.AdminInterface, &s.Node)
		c.setFlag(e, file, "multi_tenant", &e.MultiTenant, s.MultiTenant, &s.Node)
		c.setFlag(e, file, "control_plane", &e.ControlPlane, s.ControlPlane, &s.Node)
		c.setFlag(e, file, "writes_logs", &e.WritesLogs, s.WritesLogs, &s.Node)
		c.addSafeguards(file, &e.Safeguards, s.Safeguards)
		c.setWord(e, file, "technology", &e.Technology, s.Technology, &s.Node, Technologies)
		c.setWord(e, file, "criticality", &e.Criticality, s.Criticality, &s.Node, ratings)
		c.setWord(e, file, "machine", &e.Machine, s.Machine, &s.Node, machines)
		c.setFlag(e, file, "custom_developed", &e.CustomDeveloped, s.CustomDeveloped, &s.Node)
		for _, w := range s.Accepts {
			if c.checkValue(file, "format", w, Formats) && !slices.Contains(e.Accepts, w.Value) {
				e.Accepts = append(e.Accepts, w.Value)
			}
		}
		if s.OutOfScope != nil && c.prop(e, "out_of_scope", rng(file, &s.Node)) {
			e.OutOfScope = string(s.OutOfScope.Value)
			if strings.TrimSpace(e.OutOfScope) == "" {
				e.OutOfScope = "out of scope"
				c.diags.Errorf("TM104", rng(file, &s.OutOfScope.Node), "empty reason in out_of_scope").Detail =
					"say why the element is left out of the analysis: out_of_scope \"operated and assessed by the vendor\""
			}
		}
		if s.Stores != nil || s.Processes != nil || s.RunsOn != nil {
			c.elemRefs = append(c.elemRefs, elementRefs{file, e, s})
		}
	}
}

// addSafeguards adds the known names of a safeguards statement to dst,
// keeping it sorted and without duplicates; unknown names are TM103. A
// block may have several safeguards statements: their union counts.
func (c *compiler) addSafeguards(file string, dst *[]string, ws []*dsl.Word) {
	for _, w := range ws {
		if c.checkValue(file, "safeguard", w, Safeguards) {
			*dst = addSorted(*dst, w.Value)
		}
	}
}

// addSorted inserts x into the sorted slice xs unless it is there.
func addSorted(xs []string, x string) []string {
	i := sort.SearchStrings(xs, x)
	if i < len(xs) && xs[i] == x {
		return xs
	}
	xs = append(xs, "")
	copy(xs[i+1:], xs[i:])
	xs[i] = x
	return xs
}

// applyExtends applies extend blocks once their target exists: an extend
// may target an element another extend adds, in any file order.
func (c *compiler) applyExtends() {
	pending := c.extends
	for len(pending) > 0 {
		var next []*extendDecl
		for _, x := range pending {
			if s := c.lookup(x.ast.Target.Parts, kElement); s != nil {
				c.addRefs(x.file, x.ast.Target, s)
				c.elementBody(x.file, s.element, x.ast.Body)
			} else {
				next = append(next, x)
			}
		}
		if len(next) == len(pending) {
			for _, x := range next { // report why each target does not resolve
				c.resolve(x.file, x.ast.Target, "extend", kElement)
			}
			return
		}
		pending = next
	}
}

func (c *compiler) declareData(file string, d *dsl.DataDecl) {
	x := &ir.Data{ID: d.ID.Value, Range: rng(file, &d.Node)}
	if d.Name != nil {
		x.Name = string(d.Name.Value)
	}
	x.IDRange = rng(file, &d.ID.Node)
	if !c.declare(&symbol{path: x.ID, kind: kData, rng: x.IDRange, data: x}) {
		return
	}
	c.m.Data = append(c.m.Data, x)
	for _, s := range d.Body {
		c.setWord(x, file, "integrity", &x.Integrity, s.Integrity, &s.Node, ratings)
		c.setWord(x, file, "availability", &x.Availability, s.Availability, &s.Node, ratings)
		c.setWord(x, file, "classification", &x.Classification, s.Classification, &s.Node, classifications)
		c.setFlag(x, file, "pii", &x.PII, s.PII, &s.Node)
		c.setFlag(x, file, "credentials", &x.Credentials, s.Credentials, &s.Node)
		c.setFlag(x, file, "tenant_scoped", &x.TenantScoped, s.TenantScoped, &s.Node)
		c.setStr(x, file, "description", &x.Description, s.Description, &s.Node)
		c.setStr(x, file, "owner", &x.Owner, s.Owner, &s.Node)
	}
	if _, ok := c.props[x]["classification"]; !ok && !hasUnknown(d.Body, func(s *dsl.DataStmt) *dsl.Unknown { return s.Unknown }) {
		r := c.diags.Errorf("TM104", rng(file, &d.ID.Node), "data asset %q has no classification", x.ID)
		r.Detail = "classification is one of: " + strings.Join(classifications, ", ")
	}
}

func (c *compiler) declareRuntime(file string, d *dsl.RuntimeDecl) {
	x := &ir.Runtime{ID: d.ID.Value, Range: rng(file, &d.Node), IDRange: rng(file, &d.ID.Node)}
	if d.Name != nil {
		x.Name = string(d.Name.Value)
	}
	if !c.declare(&symbol{path: x.ID, kind: kRuntime, rng: x.IDRange, runtime: x}) {
		return
	}
	c.m.Runtimes = append(c.m.Runtimes, x)
	for _, s := range d.Body {
		c.setWord(x, file, "type", &x.Type, s.Type, &s.Node, runtimeTypes)
		c.setStr(x, file, "description", &x.Description, s.Description, &s.Node)
		c.setStr(x, file, "owner", &x.Owner, s.Owner, &s.Node)
	}
}

func (c *compiler) declareFlow(file string, d *dsl.FlowDecl) {
	f := &ir.Flow{Range: rng(file, &d.Node)}
	if d.Label != nil {
		f.Label = string(d.Label.Value)
	}
	head := rng(file, &d.From.Node)
	head.End = rng(file, &d.To.Node).End
	f.Head = head
	if d.ID != nil {
		f.ID, f.Named = d.ID.Value, true
		f.Head = rng(file, &d.ID.Node)
		if !c.declare(&symbol{path: f.ID, kind: kFlow, rng: f.Head, flow: f}) {
			return
		}
	}
	c.m.Flows = append(c.m.Flows, f)
	c.flows = append(c.flows, &flowDecl{file, d, f})
}

// lookup finds the symbol a reference names without reporting anything:
// nil unless exactly one symbol of a wanted kind matches.
func (c *compiler) lookup(parts []string, want ...kind) *symbol {
	cands := c.candidates(parts)
	var hit *symbol
	for _, s := range cands {
		if wanted(s.kind, want) {
			if hit != nil {
				return nil
			}
			hit = s
		}
	}
	return hit
}

func wanted(k kind, want []kind) bool {
	for _, w := range want {
		if k == w {
			return true
		}
	}
	return false
}

// candidates returns the symbols a reference may mean: the exact path, or
// else every symbol whose path ends with the reference.
func (c *compiler) candidates(parts []string) []*symbol {
	path := strings.Join(parts, ".")
	if s, ok := c.syms[path]; ok {
		return []*symbol{s}
	}
	var out []*symbol
	for _, s := range c.byName[parts[len(parts)-1]] {
		if strings.HasSuffix(s.path, "."+path) || s.path == path {
			out = append(out, s)
		}
	}
	return out
}

// resolve resolves a reference to a symbol of one of the wanted kinds,
// reporting TM201 (undefined), TM202 (ambiguous) or TM204 (wrong kind).
// use names the statement, for messages ("in", "carries").
func (c *compiler) resolve(file string, r *dsl.Ref, use string, want ...kind) *symbol {
	at := rng(file, &r.Node)
	name := strings.Join(r.Parts, ".")
	cands := c.candidates(r.Parts)
	var hits []*symbol
	for _, s := range cands {
		if wanted(s.kind, want) {
			hits = append(hits, s)
		}
	}
	wantNames := make([]string, len(want))
	for i, w := range want {
		wantNames[i] = w.String()
	}
	wantText := strings.Join(wantNames, " or ")
	wantArticles := make([]string, len(want))
	for i, w := range wantNames {
		wantArticles[i] = article(w)
	}
	needs := strings.Join(wantArticles, " or ")
	if len(wantArticles) > 2 {
		needs = strings.Join(wantArticles[:len(wantArticles)-1], ", ") + " or " + wantArticles[len(wantArticles)-1]
	}
	switch {
	case len(hits) == 1:
		c.addRefs(file, r, hits[0])
		return hits[0]
	case len(hits) > 1:
		d := c.diags.Errorf("TM202", at, "ambiguous name %q: %d %ss match", name, len(hits), wantText)
		for _, h := range hits {
			d.Related = append(d.Related, diag.Note{Range: h.rng, Message: fmt.Sprintf("candidate %q declared here", h.path)})
		}
		d.Detail = fmt.Sprintf("write the full path, for example %q", hits[0].path)
	case len(cands) > 0:
		s := cands[0]
		d := c.diags.Errorf("TM204", at, "%q is %s, but %s needs %s", name, article(s.kindName()), use, needs)
		d.Related = append(d.Related, diag.Note{Range: s.rng, Message: fmt.Sprintf("%q declared here", s.path)})
	case c.broken[r.Parts[0]] || c.broken[r.Parts[len(r.Parts)-1]]:
		// Declared in a declaration with a syntax error, already reported.
	default:
		d := c.diags.Errorf("TM201", at, "undefined name %q: no %s has it", name, strings.Join(wantNames, ", "))
		if len(want) == 1 {
			d.Summary = fmt.Sprintf("undefined %s %q", wantText, name)
		}
		if c.suggested++; c.suggested > maxSuggestions {
			return nil // a model this broken gains nothing from more guesses
		}
		names := c.namesOf(want)
		if sug := dsl.Suggest(name, names); sug != "" {
			d.Summary += fmt.Sprintf("; did you mean %q?", sug)
			d.Replace = sug
		} else if sug := c.suggestLast(r.Parts[len(r.Parts)-1], want); sug != "" {
			d.Summary += fmt.Sprintf("; did you mean %q?", sug)
			d.Replace = sug
		} else if sug, title := c.suggestByTitle(name, want); sug != "" {
			d.Summary += fmt.Sprintf("; did you mean %q (named %q)?", sug, title)
			d.Replace = sug
		}
	}
	return nil
}

// addRefs records that r names s: one ir.Ref for its last segment, and one
// for each leading segment, which names an ancestor of s (shop in
// shop.billing).
func (c *compiler) addRefs(file string, r *dsl.Ref, s *symbol) {
	// The tokens are a, ., b, ., c (a view pattern adds . * after them).
	if len(r.Tokens) < 2*len(r.Parts)-1 {
		return
	}
	for i, part := range r.Parts {
		if r.Tokens[2*i].Value != part || i > 0 && r.Tokens[2*i-1].Value != "." {
			return // not a reference as the grammar builds it
		}
	}
	if c.m.Refs == nil {
		c.m.Refs = make([]ir.Ref, 0, 4*len(c.syms)) // about as many uses as there are names: fewer regrowths
	}
	path := s.path
	for i := len(r.Parts) - 1; i >= 0; i-- {
		t := r.Tokens[2*i]
		kindName := s.kind.String()
		if i < len(r.Parts)-1 {
			cut := strings.LastIndexByte(path, '.')
			if cut < 0 {
				return
			}
			path = path[:cut]
			up, ok := c.syms[path]
			if !ok {
				return
			}
			kindName = up.kind.String()
		}
		end := diag.Pos{Line: t.Pos.Line, Col: t.Pos.Column + len(t.Value), Offset: t.Pos.Offset + len(t.Value)}
		c.m.Refs = append(c.m.Refs, ir.Ref{
			Range: diag.Range{File: file, Start: diag.Pos{Line: t.Pos.Line, Col: t.Pos.Column, Offset: t.Pos.Offset}, End: end},
			Path:  path, Kind: kindName,
		})
	}
}

// namesOf returns the sorted paths of the symbols of the wanted kinds,
// computed once per set of kinds.
func (c *compiler) namesOf(want []kind) []string {
	key := fmt.Sprint(want)
	if names, ok := c.nameCache[key]; ok {
		return names
	}
	var names []string
	for p, s := range c.syms {
		if wanted(s.kind, want) {
			names = append(names, p)
		}
	}
	sort.Strings(names) // sort for determinism: map order is random
	if c.nameCache == nil {
		c.nameCache = map[string][]string{}
	}
	c.nameCache[key] = names
	return names
}

// suggestLast suggests a path whose last segment is close to name.
func (c *compiler) suggestLast(name string, want []kind) string {
	var lasts []string
	for last, syms := range c.byName {
		for _, s := range syms {
			if wanted(s.kind, want) {
				lasts = append(lasts, last)
				break
			}
		}
	}
	best := dsl.Suggest(name, lasts)
	if best == "" {
		return ""
	}
	for _, s := range c.byName[best] {
		if wanted(s.kind, want) {
			return s.path
		}
	}
	return ""
}

// suggestByTitle suggests a declaration of the wanted kinds whose display
// name is what the user wrote, or close to it: `carries password` when
// `data pw "Password"` exists. Names compare in lower case with runs of
// anything but letters and digits read as one _. It returns the shortest
// reference to the declaration and its display name.
func (c *compiler) suggestByTitle(name string, want []kind) (ref, title string) {
	key := titleKey(name)
	if key == "" {
		return "", ""
	}
	idx := c.titlesOf(want)
	best, ok := idx.byKey[key]
	if !ok {
		if k := dsl.Suggest(key, idx.keys); k != "" {
			best = idx.byKey[k]
		}
	}
	if best == "" {
		return "", ""
	}
	return c.shortName(best), c.syms[best].title()
}

// A titleIndex maps the folded display names of the declarations of some
// kinds to their paths.
type titleIndex struct {
	byKey map[string]string // title key -> path, the first in path order
	keys  []string          // sorted
}

// titlesOf returns the title index of the wanted kinds, computed once per
// set of kinds.
func (c *compiler) titlesOf(want []kind) *titleIndex {
	key := fmt.Sprint(want)
	if idx, ok := c.titleCache[key]; ok {
		return idx
	}
	idx := &titleIndex{byKey: map[string]string{}}
	for _, p := range c.namesOf(want) { // sorted: the first path wins a shared title
		k := titleKey(c.syms[p].title())
		if k == "" || len(k) > 64 {
			continue
		}
		if _, ok := idx.byKey[k]; !ok {
			idx.byKey[k] = p
			idx.keys = append(idx.keys, k)
		}
	}
	sort.Strings(idx.keys)
	if c.titleCache == nil {
		c.titleCache = map[string]*titleIndex{}
	}
	c.titleCache[key] = idx
	return idx
}

// titleKey folds a display name or a reference for suggestByTitle:
// "Orders DB", "orders-db" and "orders.db" all give "orders_db".
func titleKey(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 && unicode.IsLetter(r) {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			gap = false
			b.WriteRune(r)
			continue
		}
		gap = true
	}
	return b.String()
}

// shortName returns the shortest reference that names s unambiguously:
// its last segment when unique, else its path.
func (c *compiler) shortName(path string) string {
	last := path[strings.LastIndexByte(path, '.')+1:]
	if len(c.byName[last]) == 1 {
		return last
	}
	return path
}
