package importer

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
)

// OWASP Threat Dragon models: v2 (cells with a shape and a data object)
// and v1 (diagramJson.cells with a type and the facts on the cell).

type tdModel struct {
	Version string `json:"version"`
	Summary struct {
		Title       string `json:"title"`
		Owner       string `json:"owner"`
		Description string `json:"description"`
	} `json:"summary"`
	Detail struct {
		Contributors []struct {
			Name string `json:"name"`
		} `json:"contributors"`
		Reviewer string      `json:"reviewer"`
		Diagrams []tdDiagram `json:"diagrams"`
	} `json:"detail"`
}

type tdDiagram struct {
	Title       string            `json:"title"`
	Description string            `json:"description"`
	DiagramType string            `json:"diagramType"`
	Cells       []json.RawMessage `json:"cells"`
	DiagramJSON *struct {
		Cells []json.RawMessage `json:"cells"`
	} `json:"diagramJson"`
}

type tdPoint struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

type tdEnd struct {
	Cell string   `json:"cell"` // v2
	ID   string   `json:"id"`   // v1
	X    *float64 `json:"x"`
	Y    *float64 `json:"y"`
}

type tdText struct {
	Text string `json:"text"`
}

type tdCellJSON struct {
	Shape    string   `json:"shape"` // v2
	Type     string   `json:"type"`  // v1
	ID       string   `json:"id"`
	Position *tdPoint `json:"position"`
	Size     *struct {
		Width  float64 `json:"width"`
		Height float64 `json:"height"`
	} `json:"size"`
	Source   tdEnd     `json:"source"`
	Target   tdEnd     `json:"target"`
	Vertices []tdPoint `json:"vertices"`
	Labels   []struct {
		Attrs struct {
			Text      tdText `json:"text"`
			LabelText tdText `json:"labelText"`
		} `json:"attrs"`
	} `json:"labels"`
	Attrs struct {
		Text tdText `json:"text"`
	} `json:"attrs"`
	Data *tdProps `json:"data"`
}

type tdProps struct {
	Type                   string     `json:"type"`
	Name                   string     `json:"name"`
	Description            string     `json:"description"`
	OutOfScope             bool       `json:"outOfScope"`
	ReasonOutOfScope       string     `json:"reasonOutOfScope"`
	Threats                []tdThreat `json:"threats"`
	Protocol               string     `json:"protocol"`
	IsEncrypted            bool       `json:"isEncrypted"`
	IsPublicNetwork        bool       `json:"isPublicNetwork"`
	IsBidirectional        bool       `json:"isBidirectional"`
	IsALog                 bool       `json:"isALog"`
	StoresCredentials      bool       `json:"storesCredentials"`
	IsSigned               bool       `json:"isSigned"`
	StoresInventory        bool       `json:"storesInventory"`
	ProvidesAuthentication bool       `json:"providesAuthentication"`
	HandlesCardPayment     bool       `json:"handlesCardPayment"`
	HandlesGoodsOrServices bool       `json:"handlesGoodsOrServices"`
	IsWebApplication       bool       `json:"isWebApplication"`
	PrivilegeLevel         string     `json:"privilegeLevel"`
}

type tdThreat struct {
	Status      string `json:"status"`
	Severity    string `json:"severity"`
	Title       string `json:"title"`
	Type        string `json:"type"`
	Description string `json:"description"`
	Mitigation  string `json:"mitigation"`
	ModelType   string `json:"modelType"`
}

// A tdCell is a cell of either version.
type tdCell struct {
	kind       string // actor, process, store, flow, box, curve, text
	id, name   string
	x, y, w, h float64
	from, to   string
	path       []tdPoint // a curve's or a flow's points
	p          tdProps
	elem       *element
	zone       *region
}

// A region is a trust boundary drawn as a box or a closed curve.
type region struct {
	cell *tdCell
	poly []tdPoint
	area float64
	b    *boundary
	n    int // elements inside
}

var tdKinds = map[string]string{
	"actor": "actor", "process": "process", "store": "store", "flow": "flow",
	"trust-boundary-box": "box", "trust-boundary-curve": "curve", "td-text-block": "text",
	"tm.Actor": "actor", "tm.Process": "process", "tm.Store": "store", "tm.Flow": "flow",
	"tm.Boundary": "curve", "tm.BoundaryBox": "box", "tm.Text": "text",
}

// Threat Dragon's threat types and tmc's STRIDE words, beyond STRIDE's own
// names: CIA and LINDDUN categories where one STRIDE word says the same.
var tdStride = map[string]string{
	"confidentiality": "information_disclosure", "integrity": "tampering", "availability": "denial_of_service",
	"linkability": "information_disclosure", "identifiability": "information_disclosure", "detectability": "information_disclosure",
	"disclosure of information": "information_disclosure", "non-repudiation": "repudiation",
}

// severity -> impact, likelihood
var tdSeverity = map[string][2]int{"critical": {5, 4}, "high": {4, 3}, "medium": {3, 2}, "low": {2, 2}}

// ThreatDragon imports an OWASP Threat Dragon model (v2, or v1 where the
// file is one).
func ThreatDragon(data []byte) (*Result, error) {
	if err := checkInput("Threat Dragon", data); err != nil {
		return nil, err
	}
	var src tdModel
	if err := decodeJSON("Threat Dragon model", data, &src); err != nil {
		return nil, err
	}
	if src.Summary.Title == "" && len(src.Detail.Diagrams) == 0 {
		return nil, fmt.Errorf("Threat Dragon model: no summary title and no diagrams: is this a Threat Dragon file?")
	}
	v1 := src.Version == ""
	for _, d := range src.Detail.Diagrams {
		if d.DiagramJSON != nil {
			v1 = true
		}
	}
	m := newModel("Threat Dragon")
	m.title = src.Summary.Title
	if m.title == "" {
		m.title = "Imported Threat Dragon model"
	}
	m.owner = src.Summary.Owner
	m.mapped("model")
	ver := "v2 " + src.Version
	if v1 {
		ver = "v1"
	}
	m.header = []string{
		"Imported from an OWASP Threat Dragon model (" + strings.TrimSpace(ver) + ") by tmc import.",
		"Threat Dragon draws trust boundaries as boxes and curves: an element is in",
		"the smallest box or closed curve its centre lies in. What has no tmc fact",
		"is listed in a `# not mapped:` comment on its element; docs/import-export.md",
		"says how each field is read.",
	}
	var desc []string
	if d := clean(src.Summary.Description); d != "" {
		desc = append(desc, d)
	}
	var people []string
	for _, c := range src.Detail.Contributors {
		if n := oneLine(c.Name); n != "" {
			people = append(people, n)
		}
	}
	if len(people) > 0 {
		desc = append(desc, "Contributors: "+strings.Join(people, ", ")+".")
	}
	if r := oneLine(src.Detail.Reviewer); r != "" {
		desc = append(desc, "Reviewer: "+r+".")
	}
	td := &tdImport{m: m, multi: len(src.Detail.Diagrams) > 1}
	for i, d := range src.Detail.Diagrams {
		cells := d.Cells
		if d.DiagramJSON != nil {
			cells = d.DiagramJSON.Cells
		}
		notes, err := td.diagram(i, &d, cells)
		if err != nil {
			return nil, err
		}
		desc = append(desc, notes...)
	}
	m.desc = strings.Join(desc, "\n\n")
	return &Result{Files: m.files(), Summary: m.sum}, nil
}

type tdImport struct {
	m     *model
	multi bool
}

func (c *tdCellJSON) props() tdProps {
	if c.Data != nil {
		return *c.Data
	}
	return tdProps{}
}

func (td *tdImport) cells(raw []json.RawMessage) ([]*tdCell, error) {
	var out []*tdCell
	for i, r := range raw {
		var c tdCellJSON
		if err := json.Unmarshal(r, &c); err != nil {
			return nil, fmt.Errorf("Threat Dragon model: cell %d: %v", i+1, err)
		}
		p := c.props()
		kind := tdKinds[c.Shape]
		if kind == "" {
			kind = tdKinds[c.Type]
		}
		if kind == "" && p.Type != "" {
			kind = tdKinds[p.Type]
		}
		if c.Data == nil { // v1: the facts are on the cell
			if err := json.Unmarshal(r, &p); err != nil {
				return nil, fmt.Errorf("Threat Dragon model: cell %d: %v", i+1, err)
			}
			p.Type, p.Name = c.Type, c.Attrs.Text.Text
		}
		cell := &tdCell{kind: kind, id: c.ID, p: p, name: p.Name}
		if cell.name == "" {
			cell.name = c.Attrs.Text.Text
		}
		if kind == "flow" && cell.name == "" && len(c.Labels) > 0 {
			cell.name = c.Labels[0].Attrs.Text.Text
			if cell.name == "" {
				cell.name = c.Labels[0].Attrs.LabelText.Text
			}
		}
		if c.Position != nil {
			cell.x, cell.y = c.Position.X, c.Position.Y
		}
		if c.Size != nil {
			cell.w, cell.h = c.Size.Width, c.Size.Height
		}
		cell.from, cell.to = c.Source.Cell+c.Source.ID, c.Target.Cell+c.Target.ID
		if c.Source.X != nil && c.Source.Y != nil {
			cell.path = append(cell.path, tdPoint{*c.Source.X, *c.Source.Y})
		}
		cell.path = append(cell.path, c.Vertices...)
		if c.Target.X != nil && c.Target.Y != nil {
			cell.path = append(cell.path, tdPoint{*c.Target.X, *c.Target.Y})
		}
		out = append(out, cell)
	}
	return out, nil
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func (td *tdImport) diagram(n int, d *tdDiagram, raw []json.RawMessage) ([]string, error) {
	m := td.m
	cells, err := td.cells(raw)
	if err != nil {
		return nil, err
	}
	title := oneLine(d.Title)
	if title == "" {
		title = fmt.Sprintf("Diagram %d", n+1)
	}
	var notes []string
	if x := clean(d.Description); x != "" {
		notes = append(notes, "**"+title+":** "+x)
	}
	byID := map[string]*tdCell{}
	var regions []*region
	var elems, flows []*tdCell
	for _, c := range cells {
		if c.id != "" {
			byID[c.id] = c
		}
		switch c.kind {
		case "box":
			if !finite(c.x, c.y, c.w, c.h) || c.w <= 0 || c.h <= 0 {
				m.dropped("boundary", "trust boundary box without a size", "nothing can be inside it")
				continue
			}
			regions = append(regions, &region{cell: c, poly: []tdPoint{{c.x, c.y}, {c.x + c.w, c.y}, {c.x + c.w, c.y + c.h}, {c.x, c.y + c.h}}, area: c.w * c.h})
		case "curve":
			if len(c.path) < 3 {
				m.dropped("boundary", "trust boundary line", "a straight line encloses nothing; tmc boundaries are zones")
				continue
			}
			regions = append(regions, &region{cell: c, poly: c.path, area: math.Abs(polyArea(c.path))})
		case "actor", "process", "store":
			if !finite(c.x, c.y, c.w, c.h) {
				c.x, c.y, c.w, c.h = 0, 0, 0, 0
			}
			elems = append(elems, c)
		case "flow":
			flows = append(flows, c)
		case "text":
			if x := clean(c.name); x != "" {
				notes = append(notes, "Text on "+title+": "+oneLine(x))
				m.mapped("other")
			}
		default:
			m.dropped("other", "cell of shape "+orNone(c.kind), "not a Threat Dragon element, flow or boundary")
		}
	}
	prefix := ""
	if td.multi {
		prefix = title + " "
	}
	// Which region holds each element: the smallest one its centre is in.
	var onLine []string
	for _, e := range elems {
		cx, cy := e.x+e.w/2, e.y+e.h/2
		for _, r := range regions {
			if inPoly(cx, cy, r.poly) {
				if e.zone == nil || r.area < e.zone.area {
					e.zone = r
				}
			}
		}
		for _, r := range regions {
			if e.w > 0 && e.h > 0 && crossesRect(r.poly, r.cell.kind == "box", e.x, e.y, e.w, e.h) {
				onLine = append(onLine, fmt.Sprintf("%s sits on the line of %s", oneLine(e.name), regionName(r)))
			}
		}
		if e.zone != nil {
			e.zone.n++
		}
	}
	// Boundaries: the regions that hold an element, nested by containment.
	sort.SliceStable(regions, func(i, j int) bool { return regions[i].area > regions[j].area })
	k := 0
	for _, r := range regions {
		if r.n == 0 && !holdsRegion(r, regions) {
			m.dropped("boundary", "trust boundary that encloses no element", "a tmc boundary is a zone elements are in; the flows drawn across it are listed on the model")
			crossed := td.flowsAcross(r, flows, byID)
			note := fmt.Sprintf("the %s %s encloses no element and is not imported", r.cell.kind, regionName(r))
			if len(crossed) > 0 {
				note += "; it is drawn across " + strings.Join(crossed, ", ")
			}
			m.modelNM = append(m.modelNM, note)
			m.note("%s", note)
			continue
		}
		k++
		name := oneLine(r.cell.name)
		if name == "" {
			name = fmt.Sprintf("%sTrust boundary %d", prefix, k)
		}
		b := &boundary{id: m.newID("boundary", name), name: name, trust: "medium"}
		b.comments = []string{"Threat Dragon " + map[string]string{"box": "box", "curve": "curve"}[r.cell.kind] + "; Threat Dragon has no trust level: medium written, review it."}
		b.desc = r.cell.p.Description
		for _, o := range regions {
			if o != r && o.b != nil && o.area > r.area && polyInside(r.poly, o.poly) {
				if b.parent == nil || o.area < regionOf(b.parent, regions).area {
					b.parent = o.b
				}
			}
		}
		r.b = b
		m.mapped("boundary")
		m.boundaries = append(m.boundaries, b)
	}
	for _, l := range onLine {
		m.note("%s (%s)", l, title)
	}
	// Elements, grouped by zone.
	groups := map[*region]*group{}
	systems := map[*region]*element{}
	for _, c := range elems {
		r := c.zone
		var b *boundary
		if r != nil {
			b = r.b
		}
		g := groups[r]
		if g == nil {
			g = &group{}
			if b != nil {
				g.file = b.id + ".tm"
				g.comments = []string{"The elements in " + b.name + " and the flows they send (imported from Threat Dragon; see platform.tm)."}
			} else {
				g.file = ident(prefix+"outside") + ".tm"
				g.comments = []string{"The elements outside every trust boundary" + strings.TrimSuffix(" of "+prefix, " of ") + " and the flows they send (imported from Threat Dragon; see platform.tm)."}
			}
			groups[r] = g
			m.groups = append(m.groups, g)
		}
		name := oneLine(c.name)
		e := &element{id: m.newID("element", name, c.kind), name: name}
		m.mapped("element")
		c.elem = e
		td.elementFacts(c, e)
		if c.kind == "actor" {
			e.kind = "person"
			e.in = b
			g.elems = append(g.elems, e)
			continue
		}
		sys := systems[r]
		if sys == nil {
			if b != nil {
				sys = &element{id: m.newID("system", b.id+"_system"), name: b.name + " systems", kind: "system", in: b}
			} else {
				sys = &element{id: m.newID("system", prefix+m.title, "system"), name: strings.TrimSpace(prefix + m.title), kind: "system"}
			}
			sys.comments = []string{"Threat Dragon has no systems: the processes and stores of one trust boundary are grouped here."}
			systems[r] = sys
			g.elems = append([]*element{sys}, g.elems...)
		}
		e.kind = "container"
		if c.kind == "store" {
			e.kind = "database"
		}
		e.parent = sys
		sys.children = append(sys.children, e)
	}
	for _, l := range onLine {
		for _, c := range elems {
			if c.elem != nil && strings.HasPrefix(l, oneLine(c.name)+" sits") {
				c.elem.comments = append(c.elem.comments, "Drawn on a boundary line in Threat Dragon: "+l+"; placed by its centre.")
			}
		}
	}
	// Flows.
	for _, c := range flows {
		from, to := byID[c.from], byID[c.to]
		if from == nil || to == nil || from.elem == nil || to.elem == nil {
			m.dropped("flow", "flow with a loose end", "a tmc flow goes from one element to another")
			m.modelNM = append(m.modelNM, fmt.Sprintf("flow %q of %s: one of its ends is not attached to an element", oneLine(c.name), title))
			continue
		}
		g := groups[from.zone]
		f := td.flow(c, from.elem, to.elem, "")
		g.flows = append(g.flows, f)
		if c.p.IsBidirectional {
			r := td.flow(c, to.elem, from.elem, " (reverse)")
			r.comments = []string{"Threat Dragon draws " + oneLine(c.name) + " both ways: this is its other direction."}
			groups[to.zone].flows = append(groups[to.zone].flows, r)
		}
		td.threats(c.p.Threats, f.id)
	}
	for _, c := range elems {
		td.threats(c.p.Threats, c.elem.path())
	}
	for _, r := range regions {
		if r.b != nil {
			td.threats(r.cell.p.Threats, r.b.id)
		}
	}
	return notes, nil
}

func regionOf(b *boundary, rs []*region) *region {
	for _, r := range rs {
		if r.b == b {
			return r
		}
	}
	return &region{}
}

func holdsRegion(r *region, rs []*region) bool {
	for _, o := range rs {
		if o != r && o.n > 0 && o.area < r.area && polyInside(o.poly, r.poly) {
			return true
		}
	}
	return false
}

func regionName(r *region) string {
	if n := oneLine(r.cell.name); n != "" {
		return fmt.Sprintf("%q", n)
	}
	if len(r.poly) > 0 {
		return fmt.Sprintf("at (%.0f, %.0f)", r.poly[0].X, r.poly[0].Y)
	}
	return "without a name"
}

// flowsAcross lists the flows whose straight line between their ends'
// centres crosses the region's outline.
func (td *tdImport) flowsAcross(r *region, flows []*tdCell, byID map[string]*tdCell) []string {
	var out []string
	for _, f := range flows {
		a, b := byID[f.from], byID[f.to]
		if a == nil || b == nil {
			continue
		}
		pts := append([]tdPoint{{a.x + a.w/2, a.y + a.h/2}}, f.path...)
		pts = append(pts, tdPoint{b.x + b.w/2, b.y + b.h/2})
		if polylinesCross(pts, r.poly, r.cell.kind == "box") {
			out = append(out, fmt.Sprintf("%q", oneLine(f.name)))
		}
	}
	return out
}

func (td *tdImport) elementFacts(c *tdCell, e *element) {
	m := td.m
	p := c.p
	add := func(t, cm string) { e.stmts = append(e.stmts, stmt{t, cm}) }
	if p.OutOfScope {
		why := p.ReasonOutOfScope
		if clean(why) == "" {
			why = "out of scope in Threat Dragon (no reason given)"
		}
		add("out_of_scope "+quote(why), "")
	}
	if c.kind == "store" && p.IsEncrypted {
		add("encrypted_at_rest", "Threat Dragon: isEncrypted")
	}
	if c.kind == "process" && p.IsWebApplication {
		add("technology web_application", "Threat Dragon: isWebApplication")
	} else if c.kind == "process" && p.ProvidesAuthentication {
		add("technology identity_provider", "Threat Dragon: providesAuthentication")
	}
	if c.kind == "store" && p.StoresCredentials {
		d := &dataAsset{id: m.newID("data", e.id+"_credentials"), name: "Credentials stored in " + e.name}
		d.stmts = []stmt{{"classification secret", ""}, {"credentials", "Threat Dragon: the store's storesCredentials"}}
		m.data = append(m.data, d)
		m.mapped("data")
		add("stores "+d.id, "Threat Dragon: storesCredentials")
	}
	e.desc = p.Description
	flag := func(on bool, fact, why string) {
		if on {
			e.nm = append(e.nm, m.gap("element", fact, why))
		}
	}
	flag(p.IsALog, "isALog", "tmc has no fact for a store that is a log")
	flag(p.IsSigned, "isSigned", "no tmc fact for signed stores")
	flag(p.StoresInventory, "storesInventory", "no tmc fact")
	flag(p.HandlesCardPayment, "handlesCardPayment", "say it with a data asset the element processes (classification restricted)")
	flag(p.HandlesGoodsOrServices, "handlesGoodsOrServices", "no tmc fact")
	flag(c.kind == "actor" && p.ProvidesAuthentication, "providesAuthentication", "no tmc fact for a person")
	flag(c.kind == "process" && p.IsWebApplication && p.ProvidesAuthentication, "providesAuthentication", "technology is web_application already")
	if pl := oneLine(p.PrivilegeLevel); pl != "" {
		e.nm = append(e.nm, m.gapv("element", "privilegeLevel", pl, "no tmc fact"))
	}
}

func (td *tdImport) flow(c *tdCell, from, to *element, suffix string) *flow {
	m := td.m
	name := oneLine(c.name)
	f := &flow{id: m.newID("flow", name+suffix, "flow"), name: name + suffix, from: from, to: to, desc: c.p.Description}
	m.mapped("flow")
	var prot []string
	if p := oneLine(c.p.Protocol); p != "" {
		w := strings.ToLower(p)
		if ident(w) != w {
			w = quote(p)
		}
		f.stmts = append(f.stmts, stmt{text: "protocol " + w})
		prot = append(prot, "protocol "+p)
	}
	if c.p.IsEncrypted {
		f.stmts = append(f.stmts, stmt{"safeguards encryption_in_transit", "Threat Dragon: isEncrypted"})
		prot = append(prot, "encrypted")
	}
	f.protection = prot
	if c.p.IsPublicNetwork {
		f.nm = append(f.nm, m.gap("flow", "isPublicNetwork", "tmc reads where a flow runs from the boundaries of its ends"))
	}
	if c.p.OutOfScope {
		why := oneLine(c.p.ReasonOutOfScope)
		f.nm = append(f.nm, m.gapv("flow", "outOfScope", strings.TrimSpace("("+why+")"), "tmc has no out-of-scope flows; out_of_scope is a fact of elements"))
	}
	return f
}

func (td *tdImport) threats(ts []tdThreat, on string) {
	m := td.m
	for _, x := range ts {
		name := oneLine(x.Title)
		if name == "" {
			name = oneLine(x.Description)
		}
		th := &threat{id: m.newID("threat", name, "threat"), name: name, on: on, desc: x.Description}
		m.mapped("threat")
		stride := strideOf(x.Type)
		if stride == "" {
			stride = tdStride[strings.ToLower(oneLine(x.Type))]
		}
		if stride == "" {
			stride = "tampering"
			th.nm = append(th.nm, m.gapv("threat", "type", orNone(x.Type), "no STRIDE word for it; tampering written, review it"))
		}
		th.stmts = append(th.stmts, stmt{text: "stride " + stride}, stmt{text: "on " + on})
		il, ok := tdSeverity[strings.ToLower(oneLine(x.Severity))]
		if !ok {
			il = [2]int{3, 3}
			th.nm = append(th.nm, m.gapv("threat", "severity", orNone(x.Severity), "not a severity tmc can read; impact 3 and likelihood 3 written, review them"))
		}
		th.stmts = append(th.stmts, stmt{fmt.Sprintf("impact %d", il[0]), "Threat Dragon: severity " + orNone(x.Severity)}, stmt{text: fmt.Sprintf("likelihood %d", il[1])})
		status := strings.ToLower(oneLine(x.Status))
		if mt := clean(x.Mitigation); mt != "" {
			ctl := &control{id: m.newID("control", th.id+"_mitigation"), name: "Mitigation: " + name, desc: mt}
			m.mapped("mitigation")
			st := "proposed"
			if status == "mitigated" {
				st = "implemented"
			}
			ctl.stmts = []stmt{{"status " + st, "Threat Dragon: threat status " + orNone(x.Status)}}
			m.controls = append(m.controls, ctl)
			th.stmts = append(th.stmts, stmt{text: "mitigated_by " + ctl.id})
		} else if status == "mitigated" {
			th.nm = append(th.nm, m.gap("threat", "status Mitigated without a mitigation", "a tmc threat is mitigated by a control, and the source names none"))
		}
		if status == "notapplicable" || status == "not applicable" {
			th.nm = append(th.nm, m.gap("threat", "status NotApplicable", "tmc dismisses findings of its rules, not declared threats; delete the threat if it does not apply"))
		}
		m.threats = append(m.threats, th)
	}
}

// ---- geometry ----

func polyArea(p []tdPoint) float64 {
	a := 0.0
	for i := range p {
		j := (i + 1) % len(p)
		a += p[i].X*p[j].Y - p[j].X*p[i].Y
	}
	return a / 2
}

// inPoly reports whether (x, y) is inside the closed polygon p.
func inPoly(x, y float64, p []tdPoint) bool {
	in := false
	for i, j := 0, len(p)-1; i < len(p); j, i = i, i+1 {
		if (p[i].Y > y) != (p[j].Y > y) && x < (p[j].X-p[i].X)*(y-p[i].Y)/(p[j].Y-p[i].Y)+p[i].X {
			in = !in
		}
	}
	return in
}

func polyInside(inner, outer []tdPoint) bool {
	for _, q := range inner {
		if !inPoly(q.X, q.Y, outer) {
			return false
		}
	}
	return true
}

func segsCross(a, b, c, d tdPoint) bool {
	cross := func(o, p, q tdPoint) float64 { return (p.X-o.X)*(q.Y-o.Y) - (p.Y-o.Y)*(q.X-o.X) }
	d1, d2 := cross(c, d, a), cross(c, d, b)
	d3, d4 := cross(a, b, c), cross(a, b, d)
	return (d1 > 0) != (d2 > 0) && (d3 > 0) != (d4 > 0) && d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0
}

// outline returns the segments of a region's drawn line: a box is closed,
// a curve is drawn open (its closing chord is not a line on the diagram).
func outline(p []tdPoint, closed bool) [][2]tdPoint {
	var s [][2]tdPoint
	for i := 0; i+1 < len(p); i++ {
		s = append(s, [2]tdPoint{p[i], p[i+1]})
	}
	if closed && len(p) > 2 {
		s = append(s, [2]tdPoint{p[len(p)-1], p[0]})
	}
	return s
}

func polylinesCross(a, region []tdPoint, closed bool) bool {
	for _, s := range outline(region, closed) {
		for i := 0; i+1 < len(a); i++ {
			if segsCross(a[i], a[i+1], s[0], s[1]) {
				return true
			}
		}
	}
	return false
}

// crossesRect reports whether the region's drawn line passes through the
// rectangle.
func crossesRect(p []tdPoint, closed bool, x, y, w, h float64) bool {
	rect := []tdPoint{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}}
	for _, s := range outline(p, closed) {
		if inPoly(s[0].X, s[0].Y, rect) || inPoly(s[1].X, s[1].Y, rect) {
			return true
		}
		for _, r := range outline(rect, true) {
			if segsCross(s[0], s[1], r[0], r[1]) {
				return true
			}
		}
	}
	return false
}
