package site

import (
	"bytes"
	"embed"
	"fmt"
	"github.com/tmc-dev/tmc/render/internal/deephash"
	"html/template"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/compiler/rules"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// CSP is the Content-Security-Policy of every page: nothing loads from
// elsewhere, scripts only from the site's own files (no inline script, no
// event-handler attribute), inline styles for the diagrams' <style>
// blocks, images and fonts from the site or data: URLs (the embedded
// font), no <base>, no form submission.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; base-uri 'none'; form-action 'none'"

//go:embed templates/*.html
var templateFS embed.FS

// pageTemplates are the page kinds, each a templates/<name>.html that
// defines "content", executed inside templates/layout.html.
var pageTemplates = []string{
	"index", "register", "controls", "diagnostics", "search", "rules", "changes", "report",
	"boundary", "element", "flow", "data", "threat", "finding", "control", "decision", "view",
}

var (
	tmplOnce sync.Once
	tmpls    map[string]*template.Template
	tmplErr  error
)

var clsPattern = regexp.MustCompile(`[^a-z0-9]+`)

var templateFuncs = template.FuncMap{
	"csp": func() string { return CSP },
	// cls turns a value into a CSS class part: lower-case letters, digits, -.
	"cls": func(s string) string {
		return strings.Trim(clsPattern.ReplaceAllString(strings.ToLower(s), "-"), "-")
	},
	"strideName":  strideName,
	"strideShort": strideShort,
	"sub":         func(a, b int) int { return a - b },
	"rowsHeading": rowsHeading,
	"link":        func(text, url string) link { return link{text, url} },
}

// rowsHeading is the heading of the first column of a threat table:
// "Threat", "Finding" or "Threat or finding".
func rowsHeading(rows []threatRow) string {
	threats, findings := false, false
	for _, r := range rows {
		if r.Finding {
			findings = true
		} else {
			threats = true
		}
	}
	switch {
	case findings && threats:
		return "Threat or finding"
	case findings:
		return "Finding"
	}
	return "Threat"
}

func templates() (map[string]*template.Template, error) {
	tmplOnce.Do(func() {
		base, err := template.New("layout").Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
		if err != nil {
			tmplErr = err
			return
		}
		tmpls = map[string]*template.Template{}
		for _, name := range pageTemplates {
			t, err := base.Clone()
			if err == nil {
				t, err = t.ParseFS(templateFS, "templates/"+name+".html")
			}
			if err != nil {
				tmplErr = fmt.Errorf("site: template %s: %v", name, err)
				return
			}
			tmpls[name] = t
		}
	})
	return tmpls, tmplErr
}

// A page is what the layout needs; D is the page kind's own data.
type page struct {
	Kind        string // the template, also a class on <body>
	Nav         string // the current item of the navigation
	Root        string // "" or "../"
	Title       string
	Model       string
	Sources     string
	DiagCount   int
	DiagErrors  bool
	SearchIndex bool
	Revision    *Revision
	Version     string
	HasChanges  bool // the build has changes.html
	ExtraCSS    template.CSS
	Crumbs      []link
	D           any
}

// A link is a text, linked when URL is set.
type link struct{ Text, URL string }

// A prop is one line of a page's property list.
type prop struct {
	Key, Value string
	Code       bool // show Value as code
	Wide       bool // two columns wide where there is room
	Links      []link
}

type dataChip struct{ Text, URL, Class string }

type crossingChip struct {
	Verb     string // "leaves", "enters"
	Boundary link
	Trust    string
	Marked   bool
	Reason   string
}

// A threatRow is one row of a threat table: a declared threat, or a
// finding of a threat rule (Finding set).
type threatRow struct {
	ID, Name, URL string
	Stride        []string
	StrideKeys    string
	Target        link
	TargetKind    string
	TargetKey     string
	Boundaries    []link
	BoundaryKeys  string
	Impact        int
	Likelihood    int
	Score         int
	Band          string
	BandKey       string
	BandRank      int
	Status        string

	Finding    bool
	Rule       link   // a finding's rule, linked to its entry on rules.html
	Message    string // a finding's message: what is wrong at its target
	SourceKeys string // for the register's filter: "declared" (and the rules of the findings it claims) or "rule RULE"
	Claims     []link // the findings a declared threat claims
	ClaimedBy  link   // the threat that claims a finding
	Acceptance *acceptanceData
	Dismissal  *dismissalData // the dismissal of a finding
}

type controlRow struct {
	ID, Name, URL, Status, Owner string
	StatusRank                   int
	Threats                      []link
	Tests, Evidence              []fileRow
}

type fileRow struct {
	Path, Test, URL string
	Found, Escapes  bool
	// Result is the state of a test in the test results (passed,
	// failed, not run), ResultClass its badge's class; "" without results.
	Result, ResultClass string
}

// resultsNote says which test results the states on a page come from.
type resultsNote struct {
	Time     string // "2026-12-05 18:58 UTC", or "" when the results have no time
	DateTime string // the same, RFC 3339, for <time datetime>
	Files    string // the results files, comma-separated
}

// resultsNote returns the note of the model's test results, or nil.
func (b *builder) resultsNote() *resultsNote {
	r := b.m.TestRun
	if r == nil {
		return nil
	}
	n := &resultsNote{Files: strings.Join(r.Files, ", ")}
	if !r.Time.IsZero() {
		t := r.Time.UTC()
		n.Time, n.DateTime = t.Format("2006-01-02 15:04 UTC"), t.Format(time.RFC3339)
	}
	return n
}

type flowRow struct {
	ID, Label, URL  string
	From, To, Other link
	Protocol, Auth  string
	Carries         []dataChip
	Crossings       []crossingChip
}

type flowTable struct {
	Other string // the column heading of the other end: "To" or "From"
	Rows  []flowRow
}

type diagram struct {
	Anchor    string
	Name      string
	URL       string
	KindLabel string
	Note      string
	SVG       template.HTML
	Err       string
	Fit       bool
}

// A pctx builds the data of one page: links relative to it, its Markdown.
type pctx struct {
	b    *builder
	root string
	md   *mdContext
}

func (b *builder) pctx(root string) *pctx {
	return &pctx{b: b, root: root, md: &mdContext{root: root, sourceURL: b.sourceURL, decisions: b.decisionFiles, ids: newPageIDs()}}
}

func (pc *pctx) url(kind, id string) string { return pc.root + pagePath(kind, id) }

func (pc *pctx) elementLink(e *ir.Element) link {
	if e == nil {
		return link{Text: "(unresolved)"}
	}
	return link{title(e.Name, e.ID), pc.url(kindElement, e.ID)}
}

func (pc *pctx) boundaryLink(bd *ir.Boundary) link {
	if bd == nil {
		return link{Text: "(none)"}
	}
	return link{title(bd.Name, bd.ID), pc.url(kindBoundary, bd.ID)}
}

func (pc *pctx) flowLink(f *ir.Flow) link {
	if f == nil {
		return link{Text: "(unresolved)"}
	}
	return link{flowTitle(f), pc.url(kindFlow, f.ID)}
}

func (pc *pctx) threatLink(t *ir.Threat) link {
	return link{title(t.Name, t.ID), pc.url(kindThreat, t.ID)}
}

func (pc *pctx) controlLink(c *ir.Control) link {
	return link{title(c.Name, c.ID), pc.url(kindControl, c.ID)}
}

func (pc *pctx) decisionLink(d *ir.Decision) link {
	return link{title(d.Name, d.ID), pc.url(kindDecision, d.ID)}
}

func (pc *pctx) viewLink(v *ir.View) link { return link{title(v.Name, v.ID), pc.url(kindView, v.ID)} }

func (pc *pctx) dataChip(d *ir.Data) dataChip {
	return dataChip{title(d.Name, d.ID), pc.url(kindData, d.ID), d.Classification}
}

func (pc *pctx) markdown(src, prefix, base string) template.HTML {
	return pc.md.render(src, prefix, base)
}

// sourceProp is the "Declared in" line: file:line, linked with --source-url.
func (pc *pctx) sourceProp(r diag.Range) prop {
	loc := location(r)
	if loc == "" {
		return prop{Key: "Declared in"}
	}
	if u := sourceLink(pc.b.sourceURL, r.File); u != "" {
		return prop{Key: "Declared in", Links: []link{{loc, u}}, Wide: true}
	}
	return prop{Key: "Declared in", Value: loc, Code: true, Wide: true}
}

func location(r diag.Range) string {
	switch {
	case r.File == "":
		return ""
	case r.Start.IsValid():
		return fmt.Sprintf("%s:%d:%d", r.File, r.Start.Line, r.Start.Col)
	}
	return r.File
}

func fileDir(r diag.Range) string {
	if i := strings.LastIndexByte(r.File, '/'); i >= 0 {
		return r.File[:i]
	}
	return "."
}

func flowTitle(f *ir.Flow) string {
	if strings.TrimSpace(f.Label) != "" {
		return f.Label
	}
	return f.ID
}

func yesNo(v bool) string {
	if v {
		return "yes"
	}
	return "no"
}

// strideName is the name of a STRIDE category, or of a LINDDUN one
// ("linddun:data_disclosure": "LINDDUN data disclosure"), as rules spell
// them.
func strideName(s string) string {
	if rest, ok := strings.CutPrefix(s, "linddun:"); ok {
		return "LINDDUN " + strings.ReplaceAll(rest, "_", " ")
	}
	switch s {
	case "spoofing":
		return "Spoofing"
	case "tampering":
		return "Tampering"
	case "repudiation":
		return "Repudiation"
	case "information_disclosure":
		return "Information disclosure"
	case "denial_of_service":
		return "Denial of service"
	case "elevation_of_privilege":
		return "Elevation of privilege"
	}
	return s
}

// strideShort is the letter of a category (L for LINDDUN ones).
func strideShort(s string) string {
	if strings.HasPrefix(s, "linddun:") {
		return "L"
	}
	switch s {
	case "spoofing":
		return "S"
	case "tampering":
		return "T"
	case "repudiation":
		return "R"
	case "information_disclosure":
		return "I"
	case "denial_of_service":
		return "D"
	case "elevation_of_privilege":
		return "E"
	}
	return s
}

var strideOrder = []string{"spoofing", "tampering", "repudiation", "information_disclosure", "denial_of_service", "elevation_of_privilege"}

var bandOrder = []string{"low", "medium", "high", "critical"}

func bandRank(band string) int {
	for i, b := range bandOrder {
		if b == band {
			return i + 1
		}
	}
	return 0
}

var threatStatuses = []string{ir.Open, ir.Mitigated, ir.Accepted, ir.Transferred, ir.Dismissed}

var controlStatuses = []string{"proposed", "planned", "implemented", "verified"}

func controlRank(status string) int {
	for i, s := range controlStatuses {
		if s == status {
			return i
		}
	}
	return len(controlStatuses)
}

var classOrder = []string{"public", "internal", "confidential", "restricted", "secret"}

func classRank(c string) int {
	for i, s := range classOrder {
		if s == c {
			return i + 1
		}
	}
	return 0
}

func kindLabel(k string) string {
	switch k {
	case ir.ViewDFD:
		return "Data-flow diagram"
	case ir.ViewContext:
		return "C4 context"
	case ir.ViewContainer:
		return "C4 container"
	case ir.ViewComponent:
		return "C4 component"
	case ir.ViewSequence:
		return "Sequence diagram"
	}
	return k
}

func elementKindLabel(k string) string {
	switch k {
	case ir.Person:
		return "Person"
	case ir.System:
		return "System"
	case ir.Container:
		return "Container"
	case ir.Component:
		return "Component"
	case ir.Database:
		return "Database"
	case ir.Cache:
		return "Cache"
	case ir.Queue:
		return "Queue"
	case ir.Bucket:
		return "Bucket"
	}
	return "Element"
}

func crossingVerb(dir string) string {
	if dir == ir.Enter {
		return "enters"
	}
	return "leaves"
}

// targetProp is the "Target" property of a threat or finding page: the
// link to what it is on, and its kind.
func (r threatRow) targetProp() prop {
	p := prop{Key: "Target", Links: []link{r.Target}}
	if r.TargetKind != "" {
		p.Links = append(p.Links, link{Text: r.TargetKind})
	}
	return p
}

func (pc *pctx) threatRow(t *ir.Threat) threatRow {
	r := threatRow{ID: t.ID, Name: title(t.Name, t.ID), URL: pc.url(kindThreat, t.ID),
		Stride: t.Stride, StrideKeys: strings.Join(t.Stride, " "),
		Impact: t.Impact, Likelihood: t.Likelihood, Score: t.Score,
		Band: t.Band, BandKey: t.Band, BandRank: bandRank(t.Band), Status: t.Status}
	pc.fillRisk(&r, t.Target, pc.b.threatBounds[t], pc.b.threatBoundsAll[t])
	sources := []string{"declared"}
	for _, f := range pc.b.claimsOf[t] {
		r.Claims = append(r.Claims, pc.findingLink(f))
		sources = append(sources, f.Rule)
	}
	r.SourceKeys = strings.Join(sources, " ")
	if a := t.Acceptance; a != nil && (t.Status == ir.Accepted || a.Expired) { // one that counts, or one that no longer does
		r.Acceptance = &acceptanceData{Reason: a.Reason, By: a.By, Until: a.Until, Expired: a.Expired}
	}
	return r
}

// findingRow is the row of a finding: its rule's title, its fingerprint
// as id, its message.
func (pc *pctx) findingRow(f *ir.Finding) threatRow {
	r := threatRow{ID: f.Fingerprint, Name: title(f.Title, f.Rule), URL: pc.findingURL(f),
		Stride: f.Stride, StrideKeys: strings.Join(f.Stride, " "),
		Impact: f.Impact, Likelihood: f.Likelihood, Score: f.Score,
		Band: f.Band, BandKey: f.Band, BandRank: bandRank(f.Band), Status: f.Status,
		Finding: true, Rule: pc.ruleLink(f.Rule), Message: f.Message, SourceKeys: "rule " + f.Rule}
	pc.fillRisk(&r, f.Target, pc.b.findingBounds[f], pc.b.findingBoundsAll[f])
	if pc.b.isThreat[f.ClaimedBy] {
		r.ClaimedBy = pc.threatLink(f.ClaimedBy)
	}
	r.Acceptance = pc.b.findingAcceptance(f)
	if x := f.Dismissal; x != nil {
		r.Dismissal = &dismissalData{Reason: x.Reason, Reviewer: x.Reviewer}
	}
	return r
}

// findingAcceptance is the acceptance of a finding: the one in force, or
// an expired one (the finding is open again).
func (b *builder) findingAcceptance(f *ir.Finding) *acceptanceData {
	a := f.Acceptance
	if a == nil {
		a = f.ExpiredAcceptance
	}
	if a == nil {
		return nil
	}
	d := &acceptanceData{Reason: a.Reason, By: a.Owner, Until: a.Until, Expired: a.Expired}
	if a.Pattern {
		d.Pattern = a.Fingerprint
	}
	return d
}

// fillRisk sets the band key, the target and the boundaries of a row.
func (pc *pctx) fillRisk(r *threatRow, target ir.Target, direct, all []*ir.Boundary) {
	if r.BandKey == "" {
		r.BandKey = "unscored"
	}
	r.Target, r.TargetKind = pc.targetLink(target)
	r.TargetKey = strings.ToLower(r.Target.Text + " " + target.ID())
	for _, bd := range direct {
		r.Boundaries = append(r.Boundaries, pc.boundaryLink(bd))
	}
	var keys []string
	for _, bd := range all {
		keys = append(keys, bd.ID)
	}
	r.BoundaryKeys = strings.Join(keys, " ")
}

// targetLink is the link to what a threat or finding is on, and what it is
// ("flow webhook", "container shop.api").
func (pc *pctx) targetLink(t ir.Target) (link, string) {
	switch {
	case t.Flow != nil:
		return pc.flowLink(t.Flow), "flow " + t.Flow.ID
	case t.Element != nil:
		return pc.elementLink(t.Element), t.Element.Kind + " " + t.Element.ID
	case t.Boundary != nil:
		return pc.boundaryLink(t.Boundary), "boundary " + t.Boundary.ID
	}
	return link{Text: "(unresolved)"}, ""
}

func (pc *pctx) findingURL(f *ir.Finding) string {
	if p, ok := pc.b.findingFile[f]; ok {
		return pc.root + p
	}
	return ""
}

func (pc *pctx) findingLink(f *ir.Finding) link { return link{f.Fingerprint, pc.findingURL(f)} }

// ruleLink links a rule id to its entry on rules.html (anchored as in
// docs/rules.md: rules.html#tmr-s03); an id that is no built-in rule is
// text.
func (pc *pctx) ruleLink(id string) link {
	if r := rules.Lookup(id); r != nil {
		return link{id, pc.root + "rules.html#" + ruleAnchor(r.ID)}
	}
	return link{Text: id}
}

func (pc *pctx) threatRows(ts []*ir.Threat) []threatRow { return pc.riskRows(ts, nil) }

func (pc *pctx) findingRows(fs []*ir.Finding) []threatRow { return pc.riskRows(nil, fs) }

// riskRows are the rows of threats and findings, highest score first; at
// one score declared threats first, then findings; then by id.
func (pc *pctx) riskRows(ts []*ir.Threat, fs []*ir.Finding) []threatRow {
	out := make([]threatRow, 0, len(ts)+len(fs))
	for _, t := range ts {
		if t != nil {
			out = append(out, pc.threatRow(t))
		}
	}
	for _, f := range fs {
		if f != nil {
			out = append(out, pc.findingRow(f))
		}
	}
	sortRows(out)
	return out
}

func sortRows(rows []threatRow) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := &rows[i], &rows[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Finding != b.Finding {
			return !a.Finding
		}
		return a.ID < b.ID
	})
}

func (pc *pctx) fileRow(f *ir.FileRef) fileRow {
	r := fileRow{Path: f.Shown(), Test: f.Test, Found: f.Found, Escapes: f.Escapes}
	if f.Result != nil {
		r.Result, r.ResultClass = f.Result.State, "test-"+strings.ReplaceAll(f.Result.State, " ", "-")
	}
	if !f.Escapes {
		r.URL = sourceLink(pc.b.sourceURL, f.Name)
	}
	return r
}

func (pc *pctx) controlRow(c *ir.Control) controlRow {
	r := controlRow{ID: c.ID, Name: title(c.Name, c.ID), URL: pc.url(kindControl, c.ID), Status: c.Status, Owner: c.Owner,
		StatusRank: controlRank(c.Status)}
	for _, t := range c.Mitigates {
		if t != nil {
			r.Threats = append(r.Threats, pc.threatLink(t))
		}
	}
	for _, f := range c.Tests {
		if f != nil {
			r.Tests = append(r.Tests, pc.fileRow(f))
		}
	}
	for _, f := range c.Evidence {
		if f != nil {
			r.Evidence = append(r.Evidence, pc.fileRow(f))
		}
	}
	return r
}

func (pc *pctx) crossings(f *ir.Flow) []crossingChip {
	var out []crossingChip
	for _, x := range f.Crossings {
		if x == nil || x.Boundary == nil {
			continue
		}
		c := crossingChip{Verb: crossingVerb(x.Direction), Boundary: pc.boundaryLink(x.Boundary), Trust: x.Boundary.Trust, Marked: x.Mark != nil}
		if x.Mark != nil {
			c.Reason = x.Mark.Reason
		}
		out = append(out, c)
	}
	return out
}

func (pc *pctx) flowRow(f *ir.Flow, other *ir.Element) flowRow {
	r := flowRow{ID: f.ID, Label: flowTitle(f), URL: pc.url(kindFlow, f.ID), From: pc.elementLink(f.From), To: pc.elementLink(f.To),
		Other: pc.elementLink(other), Protocol: f.Protocol, Auth: f.Auth, Crossings: pc.crossings(f)}
	for _, d := range f.Carries {
		if d != nil {
			r.Carries = append(r.Carries, pc.dataChip(d))
		}
	}
	return r
}

// render executes a page template into a file.
func (b *builder) render(p string, pg *page) error {
	ts, err := templates()
	if err != nil {
		return err
	}
	if !b.wants(p) {
		return nil
	}
	t := ts[pg.Kind]
	m := b.m
	pg.Model = title(m.Name, "Threat model")
	pg.Sources = plural(len(m.Files), ".tm file")
	pg.DiagCount = len(b.in.Diags)
	pg.DiagErrors = b.in.Diags.HasErrors()
	pg.Revision = b.in.Revision
	pg.Version = b.opts.Version
	pg.HasChanges = b.in.Changes != nil
	key, cached := deephash.Sum(pg)
	if cached {
		if data, ok := pageCache.get(p, key); ok {
			b.add(p, data)
			return nil
		}
	}
	var buf bytes.Buffer
	buf.Grow(16 << 10)
	if err := t.ExecuteTemplate(&buf, "layout", pg); err != nil {
		return fmt.Errorf("site: page %s: %v", p, err)
	}
	data := neutralizeHTML(buf.Bytes())
	if cached {
		pageCache.put(p, key, data)
	}
	b.add(p, data)
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// pages writes every page, the assets, the search index and model.json.
func (b *builder) pages() error {
	steps := []func() error{
		b.overviewPage, b.registerPage, b.controlsPage, b.changesPage, b.reportPage, b.diagnosticsPage, b.searchPage, b.rulesPage,
		b.boundaryPages, b.elementPages, b.flowPages, b.dataPages, b.threatPages, b.findingPages, b.controlPages,
		b.decisionPages, b.viewPages, b.assets, b.modelJSON,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return b.searchIndex()
}
