package site

import (
	"fmt"
	"html/template"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// Diagrams inlined on the overview: at most this many, within this many
// bytes of SVG; the others are listed as links (a model of a thousand
// elements has hundreds of views).
const (
	overviewMaxDiagrams = 40
	overviewSVGBudget   = 6 << 20
	overviewSVGMax      = 1536 << 10 // one diagram larger than this is linked, not inlined
)

type stat struct {
	Label, Sub, URL, Class string
	Value                  int
}

type barItem struct {
	Name, Class, URL string
	Count            int
	Pct              string
}

type bar struct {
	Label string
	Total int
	Items []barItem
}

func newBar(label string, items []barItem) bar {
	b := bar{Label: label, Items: items}
	for _, it := range items {
		b.Total += it.Count
	}
	for i := range b.Items {
		if b.Total > 0 {
			b.Items[i].Pct = fmt.Sprintf("%.2f", float64(b.Items[i].Count)*100/float64(b.Total))
		} else {
			b.Items[i].Pct = "0"
		}
	}
	return b
}

// A heatCell counts the register's rows at one impact and likelihood:
// the open ones (Count, shown by default) and all of them (All, shown
// with the map's toggle).
type heatCell struct {
	Impact, Likelihood, Score, Count, All int
	Band, URL, AllURL                     string
}

type heatRow struct {
	Impact int
	Cells  []heatCell
}

type heatMap struct {
	Likelihoods []int
	Rows        []heatRow
	Unscored    int // open rows without a score
	UnscoredAll int
}

type diagRow struct {
	Severity, Code, Message, Detail, Fix, Location string
	Rank                                           int
	Related                                        []diagNote
}

type diagNote struct{ Location, Message string }

type diagSummary struct {
	Errors, Warnings, Infos, Total int
	Top                            []diagRow
}

type treeNode struct {
	Name, URL, Trust, Summary string
	Elements                  []link
	Children                  []treeNode
}

type dataRow struct {
	ID, Name, URL, Class string
	Rank, Flows, Crossed int
	Flags                []string
}

type decisionRow struct {
	ID, Name, URL, Status string
	Affects               []link
	File                  string // the record's path (report.html)
}

type overviewData struct {
	Owner, Reviewed string
	FileCount       int
	TopRisks        []topRisk
	OpenRisks       int // open rows of the register, beyond the top ones too
	Description     template.HTML
	Stats           []stat
	Diag            diagSummary
	Heat            heatMap
	ThreatStatus    bar
	ControlStatus   bar
	Crossings       bar
	ViewCount       int
	Diagrams        []diagram
	MoreDiagrams    []link
	BoundaryCount   int
	Tree            []treeNode
	Unplaced        []link
	Data            []dataRow
	Decisions       []decisionRow
}

func diagRowOf(d *diag.Diagnostic) diagRow {
	r := diagRow{Severity: d.Severity.String(), Code: d.Code, Message: d.Summary, Detail: d.Detail, Fix: d.Fix,
		Location: location(d.Subject), Rank: int(d.Severity)}
	if r.Location == "" {
		r.Location = "(model)"
	}
	for _, n := range d.Related {
		r.Related = append(r.Related, diagNote{location(n.Range), n.Message})
	}
	return r
}

func (b *builder) overviewPage() error {
	m := b.m
	pc := b.pctx("")
	d := &overviewData{Owner: m.Owner, Reviewed: m.Reviewed, FileCount: len(m.Files),
		Description: pc.markdown(m.Description, "md-", fileDir(m.Range)), ViewCount: len(m.Views), BoundaryCount: len(m.Boundaries)}

	// Counts.
	marked, unmarked := 0, 0
	for _, f := range m.Flows {
		if f == nil {
			continue
		}
		for _, x := range f.Crossings {
			if x == nil {
				continue
			}
			if x.Mark != nil {
				marked++
			} else {
				unmarked++
			}
		}
	}
	// The register's rows: declared threats, and the findings of the
	// threat rules no declared threat claims (a claimed finding is counted
	// once, as its threat).
	byStatus := map[string]int{}
	threatsOpen := 0
	for _, t := range m.Threats {
		if t != nil {
			byStatus[t.Status]++
			if t.Status == ir.Open {
				threatsOpen++
			}
		}
	}
	findingStatus := map[string]int{}
	findings := 0
	for _, f := range m.Findings {
		if f == nil {
			continue
		}
		findings++
		findingStatus[f.Status]++
		if b.listed(f) {
			byStatus[f.Status]++
		}
	}
	ctlStatus := map[string]int{}
	inPlace := 0
	for _, c := range m.Controls {
		if c != nil {
			ctlStatus[c.Status]++
			if c.Effective() {
				inPlace++
			}
		}
	}
	crossSub := fmt.Sprintf("%d marked", marked)
	crossClass := ""
	crossURL := ""
	if unmarked > 0 {
		crossSub += fmt.Sprintf(" · %d unmarked", unmarked)
		crossClass = "stat-bad"
		crossURL = "diagnostics.html"
	}
	openClass := ""
	if threatsOpen > 0 {
		openClass = "stat-warn"
	}
	findingClass := ""
	if findingStatus[ir.Open] > 0 {
		findingClass = "stat-warn"
	}
	findingSub := fmt.Sprintf("%d open", findingStatus[ir.Open])
	if n := findingStatus[ir.Accepted]; n > 0 {
		findingSub += fmt.Sprintf(" · %d accepted", n)
	}
	if n := findingStatus[ir.Dismissed]; n > 0 {
		findingSub += fmt.Sprintf(" · %d dismissed", n)
	}
	if n := findingStatus[ir.Claimed]; n > 0 {
		findingSub += fmt.Sprintf(" · %d claimed", n)
	}
	d.Stats = []stat{
		{Label: "Trust boundaries", Value: len(m.Boundaries), URL: "#boundaries"},
		{Label: "Elements", Value: len(m.Elements), URL: "#boundaries"},
		{Label: "Flows", Value: len(m.Flows), URL: "#diagrams"},
		{Label: "Data assets", Value: len(m.Data), URL: ifThen(len(m.Data) > 0, "#data")},
		{Label: "Boundary crossings", Value: marked + unmarked, Sub: crossSub, Class: crossClass, URL: crossURL},
		{Label: "Threats", Value: len(m.Threats), Sub: fmt.Sprintf("%d open", threatsOpen), Class: openClass, URL: "register.html#source=declared"},
		{Label: "Findings", Value: findings, Sub: findingSub, Class: findingClass, URL: "register.html#source=rule"},
		{Label: "Controls", Value: len(m.Controls), Sub: fmt.Sprintf("%d in place", inPlace), URL: "controls.html"},
	}
	var tItems []barItem
	for _, s := range threatStatuses {
		tItems = append(tItems, barItem{Name: s, Class: "status-" + s, URL: "register.html#status=" + s, Count: byStatus[s]})
	}
	d.ThreatStatus = newBar("threats and findings by status", tItems)
	var cItems []barItem
	for _, s := range controlStatuses {
		cItems = append(cItems, barItem{Name: s, Class: "status-" + s, URL: "controls.html", Count: ctlStatus[s]})
	}
	d.ControlStatus = newBar("controls by status", cItems)
	d.Crossings = newBar("boundary crossings", []barItem{
		{Name: "marked", Class: "status-mitigated", Count: marked},
		{Name: "unmarked", Class: "status-open", URL: "diagnostics.html", Count: unmarked},
	})

	// Heat map: impact 5 (top) to 1, likelihood 1 to 5.
	// Every row of the register counts: declared threats and the findings
	// no declared threat claims.
	// The map counts the open rows; its toggle shows all of them.
	var counts, all [6][6]int
	count := func(impact, likelihood int, status string) {
		open := status == ir.Open
		if impact >= 1 && impact <= 5 && likelihood >= 1 && likelihood <= 5 {
			all[impact][likelihood]++
			if open {
				counts[impact][likelihood]++
			}
			return
		}
		d.Heat.UnscoredAll++
		if open {
			d.Heat.Unscored++
		}
	}
	for _, t := range m.Threats {
		if t != nil {
			count(t.Impact, t.Likelihood, t.Status)
		}
	}
	for _, f := range m.Findings {
		if f != nil && b.listed(f) {
			count(f.Impact, f.Likelihood, f.Status)
		}
	}
	d.Heat.Likelihoods = []int{1, 2, 3, 4, 5}
	for i := 5; i >= 1; i-- {
		row := heatRow{Impact: i}
		for l := 1; l <= 5; l++ {
			row.Cells = append(row.Cells, heatCell{Impact: i, Likelihood: l, Score: i * l, Count: counts[i][l], All: all[i][l],
				Band: compiler.Band(i * l), URL: fmt.Sprintf("register.html#impact=%d&likelihood=%d&status=open", i, l),
				AllURL: fmt.Sprintf("register.html#impact=%d&likelihood=%d", i, l)})
		}
		d.Heat.Rows = append(d.Heat.Rows, row)
	}

	d.TopRisks, d.OpenRisks = pc.openRisks(overviewTopRisks)

	// Diagnostics: errors first, then warnings, then the rest.
	ds := b.in.Diags
	d.Diag = diagSummary{Errors: ds.Count(diag.Error), Warnings: ds.Count(diag.Warning), Total: len(ds)}
	d.Diag.Infos = d.Diag.Total - d.Diag.Errors - d.Diag.Warnings
	for _, sev := range []diag.Severity{diag.Error, diag.Warning, diag.Info} {
		for _, x := range ds {
			if x != nil && x.Severity == sev && len(d.Diag.Top) < 5 {
				d.Diag.Top = append(d.Diag.Top, diagRowOf(x))
			}
		}
	}

	// Diagrams.
	total := 0
	for _, vs := range b.views {
		v := vs.view
		if v == nil {
			continue
		}
		size := len(vs.svg)
		if vs.err == nil && (len(d.Diagrams) >= overviewMaxDiagrams || size > overviewSVGMax || total+size > overviewSVGBudget) {
			d.MoreDiagrams = append(d.MoreDiagrams, pc.viewLink(v))
			continue
		}
		total += size
		d.Diagrams = append(d.Diagrams, b.diagramOf(pc, vs, "", true))
	}

	// Boundary tree.
	seen := map[*ir.Boundary]bool{}
	var node func(bd *ir.Boundary, depth int) treeNode
	node = func(bd *ir.Boundary, depth int) treeNode {
		seen[bd] = true
		n := treeNode{Name: title(bd.Name, bd.ID), URL: pc.url(kindBoundary, bd.ID), Trust: bd.Trust}
		for _, e := range bd.Elements {
			if e != nil {
				n.Elements = append(n.Elements, pc.elementLink(e))
			}
		}
		n.Summary = plural(len(n.Elements), "element")
		for _, c := range bd.Children {
			if c != nil && !seen[c] && depth < 50 {
				n.Children = append(n.Children, node(c, depth+1))
			}
		}
		return n
	}
	for _, bd := range m.Boundaries {
		if bd != nil && bd.Parent == nil && !seen[bd] {
			d.Tree = append(d.Tree, node(bd, 0))
		}
	}
	for _, bd := range m.Boundaries { // boundaries in a parent loop
		if bd != nil && !seen[bd] {
			d.Tree = append(d.Tree, node(bd, 0))
		}
	}
	for _, e := range m.Elements {
		if e != nil && e.Boundary == nil {
			d.Unplaced = append(d.Unplaced, pc.elementLink(e))
		}
	}

	// Data assets and decisions.
	carriers := b.carriers()
	for _, x := range m.Data {
		if x == nil {
			continue
		}
		r := dataRow{ID: x.ID, Name: title(x.Name, x.ID), URL: pc.url(kindData, x.ID), Class: x.Classification,
			Rank: classRank(x.Classification), Flags: dataFlags(x), Flows: len(carriers[x]), Crossed: len(b.crossedBy(carriers[x]))}
		d.Data = append(d.Data, r)
	}
	for _, x := range m.Decisions {
		if x == nil {
			continue
		}
		r := decisionRow{ID: x.ID, Name: title(x.Name, x.ID), URL: pc.url(kindDecision, x.ID), Status: x.Status}
		for _, e := range x.Affects {
			if e != nil {
				r.Affects = append(r.Affects, pc.elementLink(e))
			}
		}
		d.Decisions = append(d.Decisions, r)
	}

	b.addSearch(title(m.Name, "Overview"), "overview", "", "index.html", m.Owner, m.Description)
	return b.render("index.html", &page{Kind: "index", Nav: "overview", Root: "", Title: "Overview", D: d})
}

func dataFlags(x *ir.Data) []string {
	var out []string
	if x.PII {
		out = append(out, "pii")
	}
	if x.Credentials {
		out = append(out, "credentials")
	}
	if x.TenantScoped {
		out = append(out, "tenant_scoped")
	}
	return out
}

// carriers returns the flows that carry each data asset, in model order.
func (b *builder) carriers() map[*ir.Data][]*ir.Flow {
	if b.carriedBy != nil {
		return b.carriedBy
	}
	out := map[*ir.Data][]*ir.Flow{}
	for _, f := range b.m.Flows {
		if f == nil {
			continue
		}
		seen := map[*ir.Data]bool{}
		for _, x := range f.Carries {
			if x != nil && !seen[x] {
				seen[x] = true
				out[x] = append(out[x], f)
			}
		}
	}
	b.carriedBy = out
	return out
}

// crossedBy returns the boundaries the flows cross, in model order.
func (b *builder) crossedBy(flows []*ir.Flow) []*ir.Boundary {
	seen := map[*ir.Boundary]bool{}
	var out []*ir.Boundary
	for _, f := range flows {
		for _, x := range f.Crossings {
			if x != nil && x.Boundary != nil && !seen[x.Boundary] {
				seen[x.Boundary] = true
				out = append(out, x.Boundary)
			}
		}
	}
	b.sortBoundaries(out)
	return out
}

// diagramOf makes the figure of a view for a page.
func (b *builder) diagramOf(pc *pctx, vs *viewSVG, note string, fit bool) diagram {
	v := vs.view
	dg := diagram{Anchor: "diagram-" + fileName(v.ID), Name: title(v.Name, v.ID), URL: pc.url(kindView, v.ID),
		KindLabel: kindLabel(v.Kind), Note: note, Fit: fit}
	if vs.err != nil {
		dg.Err = vs.err.Error()
	} else {
		dg.SVG = vs.svgFor(pc.root)
	}
	return dg
}

func ifThen(cond bool, s string) string {
	if cond {
		return s
	}
	return ""
}
