package importer

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// Open Threat Model (OTM 0.x), JSON or YAML.

type otmModel struct {
	Version string `json:"otmVersion" yaml:"otmVersion"`
	Project struct {
		Name         string   `json:"name" yaml:"name"`
		ID           string   `json:"id" yaml:"id"`
		Description  string   `json:"description" yaml:"description"`
		Owner        string   `json:"owner" yaml:"owner"`
		OwnerContact string   `json:"ownerContact" yaml:"ownerContact"`
		Tags         []string `json:"tags" yaml:"tags"`
		Attributes   any      `json:"attributes" yaml:"attributes"`
	} `json:"project" yaml:"project"`
	Representations []any          `json:"representations" yaml:"representations"`
	Assets          []otmAsset     `json:"assets" yaml:"assets"`
	Components      []otmComponent `json:"components" yaml:"components"`
	Dataflows       []otmFlow      `json:"dataflows" yaml:"dataflows"`
	TrustZones      []otmZone      `json:"trustZones" yaml:"trustZones"`
	Threats         []otmThreat    `json:"threats" yaml:"threats"`
	Mitigations     []otmMitig     `json:"mitigations" yaml:"mitigations"`
}

type otmParent struct {
	TrustZone string `json:"trustZone" yaml:"trustZone"`
	Component string `json:"component" yaml:"component"`
}

type otmAsset struct {
	Name        string `json:"name" yaml:"name"`
	ID          string `json:"id" yaml:"id"`
	Description string `json:"description" yaml:"description"`
	Risk        struct {
		Confidentiality *float64 `json:"confidentiality" yaml:"confidentiality"`
		Integrity       *float64 `json:"integrity" yaml:"integrity"`
		Availability    *float64 `json:"availability" yaml:"availability"`
		Comment         string   `json:"comment" yaml:"comment"`
	} `json:"risk" yaml:"risk"`
	Attributes any `json:"attributes" yaml:"attributes"`
}

type otmThreatRef struct {
	Threat      string `json:"threat" yaml:"threat"`
	State       string `json:"state" yaml:"state"`
	Mitigations []struct {
		Mitigation string `json:"mitigation" yaml:"mitigation"`
		State      string `json:"state" yaml:"state"`
	} `json:"mitigations" yaml:"mitigations"`
}

type otmComponent struct {
	Name            string    `json:"name" yaml:"name"`
	ID              string    `json:"id" yaml:"id"`
	Description     string    `json:"description" yaml:"description"`
	Parent          otmParent `json:"parent" yaml:"parent"`
	Type            string    `json:"type" yaml:"type"`
	Tags            []string  `json:"tags" yaml:"tags"`
	Representations []any     `json:"representations" yaml:"representations"`
	Assets          struct {
		Processed []string `json:"processed" yaml:"processed"`
		Stored    []string `json:"stored" yaml:"stored"`
	} `json:"assets" yaml:"assets"`
	Threats    []otmThreatRef `json:"threats" yaml:"threats"`
	Attributes any            `json:"attributes" yaml:"attributes"`
}

type otmFlow struct {
	Name            string         `json:"name" yaml:"name"`
	ID              string         `json:"id" yaml:"id"`
	Description     string         `json:"description" yaml:"description"`
	Bidirectional   bool           `json:"bidirectional" yaml:"bidirectional"`
	Source          string         `json:"source" yaml:"source"`
	Destination     string         `json:"destination" yaml:"destination"`
	Tags            []string       `json:"tags" yaml:"tags"`
	Assets          []string       `json:"assets" yaml:"assets"`
	Representations []any          `json:"representations" yaml:"representations"`
	Threats         []otmThreatRef `json:"threats" yaml:"threats"`
	Attributes      any            `json:"attributes" yaml:"attributes"`
}

type otmZone struct {
	Name        string `json:"name" yaml:"name"`
	ID          string `json:"id" yaml:"id"`
	Type        string `json:"type" yaml:"type"`
	Description string `json:"description" yaml:"description"`
	Risk        struct {
		TrustRating *float64 `json:"trustRating" yaml:"trustRating"`
	} `json:"risk" yaml:"risk"`
	Parent          otmParent `json:"parent" yaml:"parent"`
	Representations []any     `json:"representations" yaml:"representations"`
	Attributes      any       `json:"attributes" yaml:"attributes"`
}

type otmThreat struct {
	Name        string   `json:"name" yaml:"name"`
	ID          string   `json:"id" yaml:"id"`
	Description string   `json:"description" yaml:"description"`
	Categories  []string `json:"categories" yaml:"categories"`
	CWEs        []string `json:"cwes" yaml:"cwes"`
	Risk        struct {
		Likelihood        *float64 `json:"likelihood" yaml:"likelihood"`
		LikelihoodComment string   `json:"likelihoodComment" yaml:"likelihoodComment"`
		Impact            *float64 `json:"impact" yaml:"impact"`
		ImpactComment     string   `json:"impactComment" yaml:"impactComment"`
	} `json:"risk" yaml:"risk"`
	Tags       []string `json:"tags" yaml:"tags"`
	Attributes any      `json:"attributes" yaml:"attributes"`
}

type otmMitig struct {
	Name          string   `json:"name" yaml:"name"`
	ID            string   `json:"id" yaml:"id"`
	Description   string   `json:"description" yaml:"description"`
	RiskReduction *float64 `json:"riskReduction" yaml:"riskReduction"`
	Attributes    any      `json:"attributes" yaml:"attributes"`
}

// scale maps a 0-100 rating to one of the words, lowest first.
func scale(v float64, words []string) string {
	switch {
	case v != v || v < 0:
		v = 0
	case v > 100:
		v = 100
	}
	i := int(v * float64(len(words)) / 100.01)
	return words[i]
}

var (
	otmClass  = []string{"public", "internal", "confidential", "restricted", "secret"}
	otmRating = []string{"archive", "operational", "important", "critical", "mission_critical"}
	otmTrust  = []string{"untrusted", "low", "medium", "high"}
	otmFive   = []string{"1", "2", "3", "4", "5"}
	otmTech   = map[string]string{
		"web-client": "browser", "browser": "browser", "web-service": "web_application", "web-application": "web_application",
		"web-server": "web_server", "api": "api", "api-gateway": "api_gateway", "load-balancer": "load_balancer", "database": "database",
		"cache": "cache", "message-queue": "message_queue", "queue": "message_queue", "mobile-client": "mobile_app",
		"identity-provider": "identity_provider", "cdn": "cdn", "waf": "waf", "function": "function", "object-storage": "object_store",
	}
	otmControl = map[string]string{"implemented": "implemented", "required": "proposed", "recommended": "proposed", "planned": "planned"}
)

// OTM imports an Open Threat Model file, JSON or YAML.
func OTM(data []byte) (*Result, error) {
	if err := checkInput("OTM", data); err != nil {
		return nil, err
	}
	var src otmModel
	if t := bytes.TrimLeft(data, " \t\r\n\ufeff"); len(t) > 0 && t[0] == '{' {
		if err := decodeJSON("OTM file", data, &src); err != nil {
			return nil, err
		}
	} else if err := decodeYAML("OTM file", data, &src); err != nil {
		return nil, err
	}
	if src.Version == "" && src.Project.Name == "" {
		return nil, fmt.Errorf("OTM file: no otmVersion and no project: is this an Open Threat Model file?")
	}
	m := newModel("OTM")
	o := &otmImport{m: m, src: &src, zones: map[string]*boundary{}, elems: map[string]*element{}, data: map[string]string{}, groups: map[*boundary]*group{}, systems: map[*boundary]*element{}, threats: map[string]*otmThreat{}, mitig: map[string]*otmMitig{}, controls: map[string]*control{}}
	o.project()
	o.zonesAndData()
	o.components()
	o.flows()
	o.unused()
	return &Result{Files: m.files(), Summary: m.sum}, nil
}

type otmImport struct {
	m        *model
	src      *otmModel
	zones    map[string]*boundary
	elems    map[string]*element
	data     map[string]string
	groups   map[*boundary]*group
	systems  map[*boundary]*element
	threats  map[string]*otmThreat
	mitig    map[string]*otmMitig
	controls map[string]*control // mitigation id + status
	used     map[string]bool
}

func (o *otmImport) project() {
	m, p := o.m, o.src.Project
	m.title = p.Name
	if m.title == "" {
		m.title = "Imported OTM model"
	}
	m.owner = p.Owner
	m.mapped("model")
	m.header = []string{
		"Imported from an Open Threat Model file (otmVersion " + orNone(o.src.Version) + ") by tmc import.",
		"What has no tmc fact is listed in a `# not mapped:` comment on its element;",
		"docs/import-export.md says how each OTM field is read.",
	}
	var d []string
	if x := clean(p.Description); x != "" {
		d = append(d, x)
	}
	if p.OwnerContact != "" {
		d = append(d, "Owner contact: "+oneLine(p.OwnerContact)+".")
	}
	if p.ID != "" {
		d = append(d, "OTM project id: "+oneLine(p.ID)+".")
	}
	m.desc = strings.Join(d, "\n\n")
	if len(p.Tags) > 0 {
		m.modelNM = append(m.modelNM, m.gapv("model", "tags", strings.Join(p.Tags, ", "), "a tmc model has no tags"))
	}
	if nonEmpty(p.Attributes) {
		m.modelNM = append(m.modelNM, m.gap("model", "attributes", "free key-value pairs with no tmc fact"))
	}
	if len(o.src.Representations) > 0 {
		m.modelNM = append(m.modelNM, m.gap("model", "representations", "diagram and code representations; tmc lays its diagrams out itself"))
	}
}

func nonEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case map[string]any:
		return len(x) > 0
	case []any:
		return len(x) > 0
	case string:
		return x != ""
	}
	return true
}

func (o *otmImport) zonesAndData() {
	m, s := o.m, o.src
	for i := range s.TrustZones {
		z := &s.TrustZones[i]
		b := &boundary{id: m.newID("boundary", z.Name, z.ID), name: z.Name, desc: z.Description, src: z.ID}
		m.mapped("boundary")
		if z.Risk.TrustRating != nil {
			b.trust = scale(*z.Risk.TrustRating, otmTrust)
			b.comments = []string{fmt.Sprintf("OTM trust zone %s, trustRating %g: %s.", oneLine(z.ID), *z.Risk.TrustRating, b.trust)}
		} else {
			b.trust = "medium"
			b.comments = []string{"OTM trust zone " + oneLine(z.ID) + " has no trustRating: medium written, review it."}
		}
		if z.Type != "" {
			b.nm = append(b.nm, m.gapv("boundary", "type", z.Type, "OTM zone types are free words; tmc's boundary type is a closed list"))
		}
		if len(z.Representations) > 0 {
			b.nm = append(b.nm, m.gap("boundary", "representations", "diagram positions; tmc lays its diagrams out itself"))
		}
		if nonEmpty(z.Attributes) {
			b.nm = append(b.nm, m.gap("boundary", "attributes", "free key-value pairs with no tmc fact"))
		}
		if _, dup := o.zones[z.ID]; !dup {
			o.zones[z.ID] = b
		}
		m.boundaries = append(m.boundaries, b)
	}
	for i := range s.TrustZones {
		z := &s.TrustZones[i]
		if p := o.zones[z.Parent.TrustZone]; p != nil && p != o.zones[z.ID] && !inChain(p, o.zones[z.ID]) {
			o.zones[z.ID].parent = p
		}
	}
	for i := range s.Assets {
		a := &s.Assets[i]
		d := &dataAsset{id: m.newID("data", a.Name, a.ID), name: a.Name}
		m.mapped("data")
		o.data[a.ID] = d.id
		if v := a.Risk.Confidentiality; v != nil {
			d.stmts = append(d.stmts, stmt{"classification " + scale(*v, otmClass), fmt.Sprintf("OTM: confidentiality %g", *v)})
		} else {
			d.stmts = append(d.stmts, stmt{"classification internal", "OTM gives no confidentiality: review it"})
		}
		if v := a.Risk.Integrity; v != nil {
			d.stmts = append(d.stmts, stmt{"integrity " + scale(*v, otmRating), fmt.Sprintf("OTM: integrity %g", *v)})
		}
		if v := a.Risk.Availability; v != nil {
			d.stmts = append(d.stmts, stmt{"availability " + scale(*v, otmRating), fmt.Sprintf("OTM: availability %g", *v)})
		}
		desc := clean(a.Description)
		if c := clean(a.Risk.Comment); c != "" {
			desc = strings.TrimSpace(desc + "\n\nRating: " + c)
		}
		if desc != "" {
			d.stmts = append(d.stmts, stmt{text: "description " + text(desc, "  ")})
		}
		if nonEmpty(a.Attributes) {
			d.nm = append(d.nm, m.gap("data", "attributes", "free key-value pairs with no tmc fact"))
		}
		m.data = append(m.data, d)
	}
	for i := range s.Threats {
		o.threats[s.Threats[i].ID] = &s.Threats[i]
	}
	for i := range s.Mitigations {
		o.mitig[s.Mitigations[i].ID] = &s.Mitigations[i]
	}
	o.used = map[string]bool{}
}

func (o *otmImport) group(b *boundary) *group {
	if g := o.groups[b]; g != nil {
		return g
	}
	g := &group{}
	if b == nil {
		g.file = "outside.tm"
		g.comments = []string{"Components in no trust zone and the flows they send (imported from OTM; see platform.tm)."}
	} else {
		g.file = b.id + ".tm"
		g.comments = []string{"Components in " + b.name + " and the flows they send (imported from OTM; see platform.tm)."}
	}
	o.groups[b] = g
	o.m.groups = append(o.m.groups, g)
	return g
}

func (o *otmImport) components() {
	m, s := o.m, o.src
	// Top-level components first, then those inside a component.
	var nested []*otmComponent
	for i := range s.Components {
		c := &s.Components[i]
		if c.Parent.Component != "" {
			nested = append(nested, c)
			continue
		}
		b := o.zones[c.Parent.TrustZone]
		sys := o.systems[b]
		g := o.group(b)
		if sys == nil {
			if b != nil {
				sys = &element{id: m.newID("system", b.id+"_system"), name: b.name + " systems", kind: "system", in: b}
			} else {
				sys = &element{id: m.newID("system", m.title), name: m.title, kind: "system"}
			}
			sys.comments = []string{"OTM has no systems: the components of one trust zone are grouped here."}
			o.systems[b] = sys
			g.elems = append(g.elems, sys)
		}
		e := &element{id: m.newID("element", c.Name, c.ID), name: c.Name, kind: "container", parent: sys}
		switch otmTech[strings.ToLower(c.Type)] {
		case "database":
			e.kind = "database"
		case "cache":
			e.kind = "cache"
		case "message_queue":
			e.kind = "queue"
		case "object_store":
			e.kind = "bucket"
		}
		sys.children = append(sys.children, e)
		o.elems[c.ID] = e
		o.facts(e, c)
		if c.Parent.TrustZone != "" && b == nil {
			e.nm = append(e.nm, m.gapv("element", "parent trust zone", c.Parent.TrustZone, "no such trust zone in the file"))
		}
	}
	for len(nested) > 0 {
		var rest []*otmComponent
		for _, c := range nested {
			p := o.elems[c.Parent.Component]
			if p == nil {
				rest = append(rest, c)
				continue
			}
			e := &element{id: m.newID("element", c.Name, c.ID), name: c.Name, kind: "component"}
			if p.kind == "component" { // C4 stops at components: hang it on the container
				e.nm = append(e.nm, m.gap("element", "nesting below a component", "C4 components hold no components; placed in the enclosing container"))
				p = p.parent
			}
			e.parent = p
			p.children = append(p.children, e)
			o.elems[c.ID] = e
			o.facts(e, c)
		}
		if len(rest) == len(nested) { // parents that do not exist, or a loop
			for _, c := range rest {
				m.dropped("element", "component under a missing parent", "its parent component is not in the file")
				m.modelNM = append(m.modelNM, "component "+oneLine(c.Name)+": its parent component "+oneLine(c.Parent.Component)+" is not in the file")
			}
			break
		}
		nested = rest
	}
	// Threats on components, now that every element exists.
	for i := range s.Components {
		c := &s.Components[i]
		if e := o.elems[c.ID]; e != nil {
			o.threatRefs(c.Threats, e.path(), e.name)
		}
	}
}

func (o *otmImport) facts(e *element, c *otmComponent) {
	m := o.m
	m.mapped("element")
	if w := otmTech[strings.ToLower(c.Type)]; w != "" {
		e.stmts = append(e.stmts, stmt{"technology " + w, "OTM: type " + c.Type})
	} else if c.Type != "" {
		e.nm = append(e.nm, m.gapv("element", "type", c.Type, "no word of tmc's technology list fits; kept in the tech label"))
	}
	label := c.Type
	if len(c.Tags) > 0 {
		label = strings.TrimSpace(label + " (" + strings.Join(c.Tags, ", ") + ")")
	}
	if label != "" {
		e.stmts = append(e.stmts, stmt{text: "tech " + quote(label)})
	}
	refs := func(ids []string) []string {
		var out []string
		seen := map[string]bool{}
		for _, id := range ids {
			d, ok := o.data[id]
			if !ok {
				e.nm = append(e.nm, m.gapv("element", "asset", id, "no such asset in the file"))
				continue
			}
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
		return out
	}
	stored := refs(c.Assets.Stored)
	isStored := map[string]bool{}
	for _, d := range stored {
		isStored[d] = true
	}
	var processed []string
	for _, d := range refs(c.Assets.Processed) {
		if !isStored[d] {
			processed = append(processed, d)
		}
	}
	if len(stored) > 0 {
		e.stmts = append(e.stmts, stmt{text: "stores " + strings.Join(stored, ", ")})
	}
	if len(processed) > 0 {
		e.stmts = append(e.stmts, stmt{text: "processes " + strings.Join(processed, ", ")})
	}
	e.desc = c.Description
	if len(c.Representations) > 0 {
		e.nm = append(e.nm, m.gap("element", "representations", "diagram positions and code locations; tmc lays its diagrams out itself"))
	}
	if nonEmpty(c.Attributes) {
		e.nm = append(e.nm, m.gap("element", "attributes", "free key-value pairs with no tmc fact"))
	}
}

func (o *otmImport) flows() {
	m, s := o.m, o.src
	for i := range s.Dataflows {
		df := &s.Dataflows[i]
		from, to := o.elems[df.Source], o.elems[df.Destination]
		if from == nil || to == nil {
			m.dropped("flow", "dataflow with an unknown end", "its source or destination is not a component of the file")
			m.modelNM = append(m.modelNM, fmt.Sprintf("dataflow %s: source %s or destination %s is not a component", oneLine(df.ID), oneLine(df.Source), oneLine(df.Destination)))
			continue
		}
		g := o.group(from.zone())
		mk := func(a, b *element, suffix string) *flow {
			f := &flow{id: m.newID("flow", df.ID, df.Name), name: oneLine(df.Name) + suffix, from: a, to: b, desc: df.Description}
			if suffix != "" {
				f.id = m.newID("flow", df.ID+" reverse", df.Name+" reverse")
			}
			m.mapped("flow")
			var ds []string
			for _, id := range df.Assets {
				if d, ok := o.data[id]; ok {
					ds = append(ds, d)
				} else {
					f.nm = append(f.nm, m.gapv("flow", "asset", id, "no such asset in the file"))
				}
			}
			if len(ds) > 0 {
				f.stmts = append(f.stmts, stmt{text: "carries " + strings.Join(ds, ", ")})
			}
			if len(df.Tags) > 0 {
				f.nm = append(f.nm, m.gapv("flow", "tags", strings.Join(df.Tags, ", "), "tmc flows have no tags; OTM states nothing else about how the flow is protected, so its crossings stay unmarked"))
			}
			if nonEmpty(df.Attributes) {
				f.nm = append(f.nm, m.gap("flow", "attributes", "free key-value pairs with no tmc fact"))
			}
			return f
		}
		f := mk(from, to, "")
		g.flows = append(g.flows, f)
		if df.Bidirectional {
			r := mk(to, from, " (reverse)")
			r.comments = []string{"OTM marks " + oneLine(df.ID) + " bidirectional: this is its other direction."}
			o.group(to.zone()).flows = append(o.group(to.zone()).flows, r)
		}
		o.threatRefs(df.Threats, f.id, f.name)
	}
}

func (o *otmImport) threatRefs(refs []otmThreatRef, on, onName string) {
	m := o.m
	for _, r := range refs {
		t := o.threats[r.Threat]
		if t == nil {
			m.dropped("threat", "threat reference to an unknown threat", "the threat is not in the file's threats")
			m.modelNM = append(m.modelNM, "threat "+oneLine(r.Threat)+" on "+onName+": not in the file's threats")
			continue
		}
		o.used[t.ID] = true
		name := oneLine(t.Name)
		th := &threat{id: m.newID("threat", t.Name+" "+strings.ReplaceAll(on, ".", " "), t.ID), name: name, on: on}
		m.mapped("threat")
		var strides []string
		for _, c := range t.Categories {
			if w := strideOf(c); w != "" && !contains(strides, w) {
				strides = append(strides, w)
			} else if w == "" {
				th.nm = append(th.nm, m.gapv("threat", "category", c, "not a STRIDE category"))
			}
		}
		if len(strides) == 0 {
			strides = []string{"tampering"}
			th.nm = append(th.nm, m.gap("threat", "no STRIDE category", "tampering written, review it"))
		}
		th.stmts = append(th.stmts, stmt{text: "stride " + strings.Join(strides, ", ")}, stmt{text: "on " + on})
		imp, lik := "3", "3"
		impC, likC := "OTM gives no impact: review it", "OTM gives no likelihood: review it"
		if v := t.Risk.Impact; v != nil {
			imp, impC = scale(*v, otmFive), fmt.Sprintf("OTM: impact %g of 100", *v)
		}
		if v := t.Risk.Likelihood; v != nil {
			lik, likC = scale(*v, otmFive), fmt.Sprintf("OTM: likelihood %g of 100", *v)
		}
		th.stmts = append(th.stmts, stmt{"impact " + imp, impC}, stmt{"likelihood " + lik, likC})
		var d []string
		if x := clean(t.Description); x != "" {
			d = append(d, x)
		}
		if x := clean(t.Risk.ImpactComment); x != "" {
			d = append(d, "**Impact:** "+x)
		}
		if x := clean(t.Risk.LikelihoodComment); x != "" {
			d = append(d, "**Likelihood:** "+x)
		}
		if len(t.CWEs) > 0 {
			d = append(d, "CWE: "+strings.Join(t.CWEs, ", ")+".")
		}
		if r.State != "" {
			d = append(d, "OTM state: "+oneLine(r.State)+".")
		}
		th.desc = strings.Join(d, "\n\n")
		if len(t.Tags) > 0 {
			th.nm = append(th.nm, m.gapv("threat", "tags", strings.Join(t.Tags, ", "), "tmc threats have no tags"))
		}
		var ctls []string
		for _, mr := range r.Mitigations {
			mt := o.mitig[mr.Mitigation]
			if mt == nil {
				th.nm = append(th.nm, m.gapv("mitigation", "mitigation", mr.Mitigation, "not in the file's mitigations"))
				continue
			}
			o.used[mt.ID] = true
			status := otmControl[strings.ToLower(mr.State)]
			if status == "" {
				status = "proposed"
			}
			key := mt.ID + "\x00" + status
			c := o.controls[key]
			if c == nil {
				c = &control{id: m.newID("control", mt.Name, mt.ID), name: mt.Name, desc: mt.Description}
				c.stmts = []stmt{{"status " + status, "OTM: state " + orNone(mr.State)}}
				if mt.RiskReduction != nil {
					c.nm = append(c.nm, m.gapv("mitigation", "riskReduction", fmt.Sprintf("%g", *mt.RiskReduction), "tmc computes a threat's status from its controls, not a reduction"))
				}
				o.controls[key] = c
				m.controls = append(m.controls, c)
				m.mapped("mitigation")
			}
			if !contains(ctls, c.id) {
				ctls = append(ctls, c.id)
			}
		}
		if len(ctls) > 0 {
			th.stmts = append(th.stmts, stmt{text: "mitigated_by " + strings.Join(ctls, ", ")})
		}
		m.threats = append(m.threats, th)
	}
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// unused lists the threats and mitigations no component or flow uses.
func (o *otmImport) unused() {
	m := o.m
	var lines []string
	for _, t := range o.src.Threats {
		if !o.used[t.ID] {
			m.dropped("threat", "threat on nothing", "no component or dataflow names it, and a tmc threat is on something")
			lines = append(lines, "threat "+oneLine(t.Name)+" ("+oneLine(t.ID)+"): no component or dataflow names it")
		}
	}
	for _, mt := range o.src.Mitigations {
		if !o.used[mt.ID] {
			m.dropped("mitigation", "mitigation of nothing", "no threat instance names it")
			lines = append(lines, "mitigation "+oneLine(mt.Name)+" ("+oneLine(mt.ID)+"): no threat names it")
		}
	}
	sort.Strings(lines)
	for _, l := range lines {
		m.trailer = append(m.trailer, "not mapped: "+l)
	}
}
