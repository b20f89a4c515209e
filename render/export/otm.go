package export

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"regexp"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render/layout"
)

// OTMVersion is the Open Threat Model version the export follows.
const OTMVersion = "0.2.0"

// otmDiagram is the id of the one diagram representation: the DFD.
const otmDiagram = "dfd"

// otmRootZone is the trust zone that holds the elements no boundary
// places: OTM requires every component to have a parent.
const otmRootZone = "tmc-root"

type otmModel struct {
	OTMVersion      string              `json:"otmVersion"`
	Project         otmProject          `json:"project"`
	Representations []otmRepresentation `json:"representations"`
	Assets          []otmAsset          `json:"assets"`
	TrustZones      []otmTrustZone      `json:"trustZones"`
	Components      []otmComponent      `json:"components"`
	Dataflows       []otmDataflow       `json:"dataflows"`
	Threats         []otmThreat         `json:"threats"`
	Mitigations     []otmMitigation     `json:"mitigations"`
}

type otmProject struct {
	Name        string         `json:"name"`
	ID          string         `json:"id"`
	Description string         `json:"description,omitempty"`
	Owner       string         `json:"owner,omitempty"`
	Attributes  map[string]any `json:"attributes,omitempty"`
}

type otmSize struct {
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

type otmPosition struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

type otmRepresentation struct {
	Name string   `json:"name"`
	ID   string   `json:"id"`
	Type string   `json:"type"`
	Size *otmSize `json:"size,omitempty"`
}

type otmRepElement struct {
	Representation string       `json:"representation"`
	ID             string       `json:"id"`
	Position       *otmPosition `json:"position,omitempty"`
	Size           *otmSize     `json:"size,omitempty"`
}

type otmAsset struct {
	Name        string         `json:"name"`
	ID          string         `json:"id"`
	Description string         `json:"description,omitempty"`
	Risk        otmAssetRisk   `json:"risk"`
	Attributes  map[string]any `json:"attributes,omitempty"`
}

type otmAssetRisk struct {
	Confidentiality float64 `json:"confidentiality"`
	Integrity       float64 `json:"integrity"`
	Availability    float64 `json:"availability"`
	Comment         string  `json:"comment,omitempty"`
}

type otmParent struct {
	TrustZone string `json:"trustZone,omitempty"`
	Component string `json:"component,omitempty"`
}

type otmTrustZone struct {
	ID              string          `json:"id"`
	Name            string          `json:"name"`
	Type            string          `json:"type,omitempty"`
	Description     string          `json:"description,omitempty"`
	Risk            otmTrustRisk    `json:"risk"`
	Parent          *otmParent      `json:"parent,omitempty"`
	Representations []otmRepElement `json:"representations,omitempty"`
	Attributes      map[string]any  `json:"attributes,omitempty"`
}

type otmTrustRisk struct {
	TrustRating float64 `json:"trustRating"`
}

type otmAssetInstance struct {
	Processed []string `json:"processed,omitempty"`
	Stored    []string `json:"stored,omitempty"`
}

type otmThreatInstance struct {
	Threat      string                  `json:"threat"`
	State       string                  `json:"state"`
	Mitigations []otmMitigationInstance `json:"mitigations,omitempty"`
}

type otmMitigationInstance struct {
	Mitigation string `json:"mitigation"`
	State      string `json:"state"`
}

type otmComponent struct {
	ID              string              `json:"id"`
	Name            string              `json:"name"`
	Type            string              `json:"type"`
	Description     string              `json:"description,omitempty"`
	Parent          otmParent           `json:"parent"`
	Representations []otmRepElement     `json:"representations,omitempty"`
	Assets          *otmAssetInstance   `json:"assets,omitempty"`
	Threats         []otmThreatInstance `json:"threats,omitempty"`
	Tags            []string            `json:"tags,omitempty"`
	Attributes      map[string]any      `json:"attributes,omitempty"`
}

type otmDataflow struct {
	ID            string              `json:"id"`
	Name          string              `json:"name"`
	Description   string              `json:"description,omitempty"`
	Bidirectional bool                `json:"bidirectional"`
	Source        string              `json:"source"`
	Destination   string              `json:"destination"`
	Assets        []string            `json:"assets,omitempty"`
	Threats       []otmThreatInstance `json:"threats,omitempty"`
	Tags          []string            `json:"tags,omitempty"`
	Attributes    map[string]any      `json:"attributes,omitempty"`
}

type otmThreat struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Categories  []string       `json:"categories,omitempty"`
	Risk        otmThreatRisk  `json:"risk"`
	Tags        []string       `json:"tags,omitempty"`
	Attributes  map[string]any `json:"attributes,omitempty"`
}

type otmThreatRisk struct {
	Likelihood        float64 `json:"likelihood"`
	LikelihoodComment string  `json:"likelihoodComment,omitempty"`
	Impact            float64 `json:"impact"`
	ImpactComment     string  `json:"impactComment,omitempty"`
}

type otmMitigation struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Description   string         `json:"description,omitempty"`
	RiskReduction float64        `json:"riskReduction"`
	Attributes    map[string]any `json:"attributes,omitempty"`
}

// Scales: OTM rates 0 to 100.
var (
	otmConfidentiality = map[string]float64{"public": 0, "internal": 25, "confidential": 50, "restricted": 75, "secret": 100}
	otmTrustRating     = map[string]float64{"untrusted": 0, "external": 15, "low": 40, "medium": 65, "high": 90, "control": 100}
)

// otmRating puts a rating of the Threagile scale on 0-100: archive 20 to
// mission_critical 100; 0 when not rated.
func otmRating(r string) float64 { return float64(ir.Rating(r) * 20) }

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slug is a lower-case id made of a name: "Checkout platform":
// "checkout-platform".
func slug(s string) string {
	s = strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if s == "" {
		return "model"
	}
	return s
}

// OTM writes m as an Open Threat Model (JSON, OTM 0.2.0): boundaries as
// trust zones, elements as components, flows as dataflows, data as
// assets, declared threats and controls as threats and mitigations, with
// the DFD layout as the diagram representation; every tmc fact without an
// OTM field is an attribute.
func OTM(ctx context.Context, m *ir.Model) ([]byte, error) {
	groups := groupings(m)
	geo, err := layoutDFD(ctx, m, notGrouping(groups))
	if err != nil {
		return nil, err
	}
	on := threatsOn(m)
	mirror, folded := bidirectional(m, on)
	doc := otmModel{
		OTMVersion: OTMVersion,
		Project: otmProject{Name: nameOr(m.Name, "Threat model"), ID: slug(m.Name), Description: m.Description,
			Owner: m.Owner, Attributes: attrs("reviewed", m.Reviewed, "generator", "tmc export otm")},
		Representations: []otmRepresentation{{Name: "Data-flow diagram", ID: otmDiagram, Type: "diagram",
			Size: &otmSize{round(geo.Width), round(geo.Height)}}},
		Assets: []otmAsset{}, TrustZones: []otmTrustZone{}, Components: []otmComponent{},
		Dataflows: []otmDataflow{}, Threats: []otmThreat{}, Mitigations: []otmMitigation{},
	}
	for _, d := range m.Data {
		comment := "confidentiality from classification " + d.Classification
		if d.Integrity == "" || d.Availability == "" {
			comment += "; 0: not rated in the model"
		}
		doc.Assets = append(doc.Assets, otmAsset{Name: nameOr(d.Name, d.ID), ID: d.ID, Description: d.Description,
			Risk: otmAssetRisk{Confidentiality: otmConfidentiality[d.Classification], Integrity: otmRating(d.Integrity),
				Availability: otmRating(d.Availability), Comment: comment},
			Attributes: attrs("classification", d.Classification, "pii", d.PII, "credentials", d.Credentials,
				"tenant_scoped", d.TenantScoped, "integrity", d.Integrity, "availability", d.Availability, "owner", d.Owner)})
	}
	// Absolute boxes of everything drawn, to give OTM positions relative
	// to the parent (as Threat Dragon reads them).
	zoneBox := func(id string) (layout.Box, bool) {
		b, ok := geo.Boundaries[id]
		return b, ok
	}
	needRoot := false
	for _, e := range m.Elements {
		if !groups[e] && e.Boundary == nil && (e.Parent == nil || groups[e.Parent]) {
			needRoot = true
		}
	}
	for _, b := range m.Boundaries {
		z := otmTrustZone{ID: b.ID, Name: nameOr(b.Name, b.ID), Type: b.Type, Description: b.Description,
			Risk:       otmTrustRisk{otmTrustRating[b.Trust]},
			Attributes: attrs("trust", b.Trust, "type", b.Type, "owner", b.Owner)}
		if z.Type == "" {
			z.Type = b.Trust
		}
		var origin layout.Point
		if b.Parent != nil {
			z.Parent = &otmParent{TrustZone: b.Parent.ID}
			if pb, ok := zoneBox(b.Parent.ID); ok {
				origin = layout.Point{X: pb.X, Y: pb.Y}
			}
		}
		if box, ok := zoneBox(b.ID); ok {
			z.Representations = []otmRepElement{repElement("zone:"+b.ID, box, origin)}
		}
		doc.TrustZones = append(doc.TrustZones, z)
	}
	if needRoot {
		doc.TrustZones = append(doc.TrustZones, otmTrustZone{ID: otmRootZone, Name: "Outside every trust boundary",
			Type: "untrusted", Description: "The elements that no boundary of the tmc model places; tmc counts them as untrusted.",
			Risk: otmTrustRisk{0}, Attributes: attrs("tmcRoot", true)})
	}
	for _, e := range m.Elements {
		if groups[e] {
			continue // its name is its descendants' partOf
		}
		c := otmComponent{ID: e.ID, Name: nameOr(e.Name, e.ID), Type: otmType(e), Description: e.Description,
			Tags: otmTags(e), Attributes: elementAttrs(e)}
		if g := partOf(e, groups); g != "" {
			c.Attributes["partOf"] = g
		}
		var origin layout.Point
		switch {
		case e.Parent != nil && !e.Placed && !groups[e.Parent]:
			c.Parent.Component = e.Parent.ID
			if pb, ok := geo.Elements[e.Parent.ID]; ok {
				origin = layout.Point{X: pb.X, Y: pb.Y}
			}
		case e.Boundary != nil:
			c.Parent.TrustZone = e.Boundary.ID
			if pb, ok := zoneBox(e.Boundary.ID); ok {
				origin = layout.Point{X: pb.X, Y: pb.Y}
			}
		default:
			c.Parent.TrustZone = otmRootZone
		}
		if box, ok := geo.Elements[e.ID]; ok {
			c.Representations = []otmRepElement{repElement("element:"+e.ID, box, origin)}
		}
		if len(e.Stores)+len(e.Processes) > 0 {
			c.Assets = &otmAssetInstance{Processed: dataIDs(e.Processes), Stored: dataIDs(e.Stores)}
		}
		c.Threats = otmInstances(on["element:"+e.ID])
		doc.Components = append(doc.Components, c)
	}
	for _, f := range m.Flows {
		if folded[f] {
			continue // the other direction of its mirror
		}
		df := otmDataflow{ID: f.ID, Name: flowName(f), Description: f.Description, Source: f.From.ID, Destination: f.To.ID,
			Assets: dataIDs(f.Carries), Threats: otmInstances(on["flow:"+f.ID]), Attributes: flowAttrs(f)}
		if r := mirror[f]; r != nil {
			df.Bidirectional = true
			df.Attributes["reverse"] = r.ID
		}
		for _, t := range []string{f.Protocol, f.Authentication} {
			if t != "" {
				df.Tags = append(df.Tags, t)
			}
		}
		if len(f.Crossings) > 0 {
			df.Tags = append(df.Tags, "crosses-trust-boundary")
		}
		doc.Dataflows = append(doc.Dataflows, df)
	}
	for _, t := range m.Threats {
		ot := otmThreat{ID: t.ID, Name: nameOr(t.Name, t.ID), Description: t.Description, Categories: strideTitles(t.Stride),
			Risk: otmThreatRisk{Likelihood: float64(t.Likelihood * 20), Impact: float64(t.Impact * 20)},
			Attributes: attrs("status", t.Status, "owner", t.Owner, "impact", t.Impact, "likelihood", t.Likelihood,
				"score", t.Score, "band", t.Band, "target", targetKey(t.Target), "transferred", t.Transferred,
				"claims", t.Claims)}
		if t.Likelihood == 0 {
			ot.Risk.LikelihoodComment = "not rated in the model"
		}
		if t.Impact == 0 {
			ot.Risk.ImpactComment = "not rated in the model"
		}
		if a := t.Acceptance; a != nil {
			ot.Attributes["accepted"] = map[string]any{"reason": a.Reason, "by": a.By, "until": a.Until, "expired": a.Expired}
		}
		if t.Band != "" {
			ot.Tags = []string{t.Band}
		}
		doc.Threats = append(doc.Threats, ot)
	}
	for _, c := range m.Controls {
		mit := otmMitigation{ID: c.ID, Name: nameOr(c.Name, c.ID), Description: c.Description,
			Attributes: attrs("status", c.Status, "owner", c.Owner, "tests", refPaths(c.Tests), "evidence", refPaths(c.Evidence),
				"provides", provisions(c))}
		if c.Effective() {
			mit.RiskReduction = 100
		}
		doc.Mitigations = append(doc.Mitigations, mit)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func round(x float64) float64 { return math.Round(x) }

func repElement(id string, b layout.Box, origin layout.Point) otmRepElement {
	return otmRepElement{Representation: otmDiagram, ID: id,
		Position: &otmPosition{round(b.X - origin.X), round(b.Y - origin.Y)},
		Size:     &otmSize{round(b.Width), round(b.Height)}}
}

// otmType is the component type: the technology when the model says it
// ("web-server"), else what the kind is. Threat Dragon draws a type with
// "database" in it as a store and one with "service" as a process.
func otmType(e *ir.Element) string {
	if e.Technology != "" {
		return strings.ReplaceAll(e.Technology, "_", "-")
	}
	switch e.Kind {
	case ir.Container:
		return "service"
	case ir.Database:
		return "database"
	case ir.Cache, ir.Bucket:
		return e.Kind + "-database"
	case ir.Queue:
		return "queue-service"
	case ir.System:
		if e.External {
			return "external-system"
		}
	}
	return e.Kind
}

func otmTags(e *ir.Element) []string {
	var tags []string
	if e.Tech != "" {
		tags = append(tags, e.Tech)
	}
	if e.External {
		tags = append(tags, "external")
	}
	return tags
}

func elementAttrs(e *ir.Element) map[string]any {
	a := attrs("kind", e.Kind, "tech", e.Tech, "technology", e.Technology, "owner", e.Owner, "exposure", e.Exposure,
		"tenancy", e.Tenancy, "encrypted_at_rest", e.EncryptedAtRest, "external", e.External,
		"admin_interface", e.AdminInterface, "multi_tenant", e.MultiTenant, "control_plane", e.ControlPlane,
		"writes_logs", e.WritesLogs, "safeguards", e.Safeguards, "accepts", e.Accepts,
		"custom_developed", e.CustomDeveloped, "out_of_scope", e.OutOfScope, "criticality", e.Criticality,
		"machine", e.Machine)
	if e.Parent != nil {
		a["parent"] = e.Parent.ID
	}
	if e.RunsOn != nil {
		a["runs_on"] = e.RunsOn.ID
		a["runtime"] = map[string]any{"id": e.RunsOn.ID, "name": e.RunsOn.Name, "type": e.RunsOn.Type}
	}
	return a
}

func flowAttrs(f *ir.Flow) map[string]any {
	a := attrs("protocol", f.Protocol, "auth", f.Auth, "authentication", f.Authentication,
		"authorization", f.Authorization, "readonly", f.Readonly, "vpn", f.VPN, "ip_filtered", f.IPFiltered,
		"usage", f.Usage, "idempotency_key", f.IdempotencyKey, "safeguards", f.Safeguards, "encrypted", encrypted(f))
	if f.ResponseTo != nil {
		a["response_to"] = f.ResponseTo.ID
	}
	var cs []map[string]any
	for _, c := range f.Crossings {
		x := map[string]any{"boundary": c.Boundary.ID, "direction": c.Direction, "marked": c.Mark != nil}
		if c.Mark != nil {
			x["reason"] = c.Mark.Reason
		}
		cs = append(cs, x)
	}
	if cs != nil {
		a["crossings"] = cs
	}
	return a
}

func otmInstances(ts []*ir.Threat) []otmThreatInstance {
	var out []otmThreatInstance
	for _, t := range ts {
		in := otmThreatInstance{Threat: t.ID, State: t.Status}
		for _, c := range t.MitigatedBy {
			in.Mitigations = append(in.Mitigations, otmMitigationInstance{Mitigation: c.ID, State: c.Status})
		}
		out = append(out, in)
	}
	return out
}

func dataIDs(ds []*ir.Data) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

func refPaths(rs []*ir.FileRef) []string {
	var out []string
	for _, r := range rs {
		p := r.Shown()
		if r.Test != "" {
			p += ":" + r.Test
		}
		out = append(out, p)
	}
	return out
}

func provisions(c *ir.Control) []string {
	var out []string
	for _, p := range c.Provides {
		out = append(out, p.Safeguard+" on "+p.Target.ID())
	}
	return out
}

// attrs makes an attribute object of key, value pairs, leaving out empty
// values (""; false; 0; empty lists), so that only what the model says
// is written.
func attrs(kv ...any) map[string]any {
	a := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		switch v := kv[i+1].(type) {
		case string:
			if v != "" {
				a[k] = v
			}
		case bool:
			if v {
				a[k] = v
			}
		case int:
			if v != 0 {
				a[k] = v
			}
		case []string:
			if len(v) > 0 {
				a[k] = v
			}
		default:
			a[k] = v
		}
	}
	return a
}
