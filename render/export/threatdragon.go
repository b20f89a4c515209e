package export

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render/graph"
	"github.com/tmc-dev/tmc/render/layout"
)

// TDVersion is the Threat Dragon model version the export writes.
const TDVersion = "2.3.0"

// tdOffset moves the drawing away from the canvas edge.
const tdOffset = 20

type tdModel struct {
	Version string    `json:"version"`
	Summary tdSummary `json:"summary"`
	Detail  tdDetail  `json:"detail"`
}

type tdSummary struct {
	Title       string `json:"title"`
	Owner       string `json:"owner"`
	Description string `json:"description"`
	ID          int    `json:"id"`
}

type tdDetail struct {
	Contributors []tdContributor `json:"contributors"`
	Diagrams     []tdDiagram     `json:"diagrams"`
	DiagramTop   int             `json:"diagramTop"`
	Reviewer     string          `json:"reviewer"`
	ThreatTop    int             `json:"threatTop"`
}

type tdContributor struct {
	Name string `json:"name"`
}

type tdDiagram struct {
	ID          int      `json:"id"`
	Title       string   `json:"title"`
	DiagramType string   `json:"diagramType"`
	Placeholder string   `json:"placeholder"`
	Thumbnail   string   `json:"thumbnail"`
	Version     string   `json:"version"`
	Description string   `json:"description"`
	Cells       []tdCell `json:"cells"`
}

// A tdCell is a node (actor, process, store, trust-boundary-box) or an
// edge (flow) of the diagram, as Threat Dragon (AntV X6) saves it.
type tdCell struct {
	// Nodes.
	Position *tdPoint `json:"position,omitempty"`
	Size     *tdSize  `json:"size,omitempty"`
	Attrs    any      `json:"attrs"`
	Visible  *bool    `json:"visible,omitempty"`
	Shape    string   `json:"shape"`
	ZIndex   int      `json:"zIndex"`
	// Edges.
	Width     int       `json:"width,omitempty"`
	Height    int       `json:"height,omitempty"`
	Labels    []tdLabel `json:"labels,omitempty"`
	Connector string    `json:"connector,omitempty"`
	Source    *tdEnd    `json:"source,omitempty"`
	Target    *tdEnd    `json:"target,omitempty"`
	Vertices  []tdPoint `json:"vertices,omitempty"`

	ID   string `json:"id"`
	Data tdData `json:"data"`
}

type tdPoint struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

type tdSize struct {
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

type tdEnd struct {
	Cell string `json:"cell"`
}

type tdStroke struct {
	Stroke          string  `json:"stroke"`
	StrokeWidth     float64 `json:"strokeWidth"`
	StrokeDasharray *string `json:"strokeDasharray"`
}

type tdText struct {
	Text string `json:"text"`
}

type tdLabel struct {
	Markup   []tdMarkup   `json:"markup"`
	Attrs    tdLabelAttrs `json:"attrs"`
	Position float64      `json:"position"`
}

type tdMarkup struct {
	TagName  string `json:"tagName"`
	Selector string `json:"selector"`
}

type tdLabelAttrs struct {
	LabelText tdLabelText `json:"labelText"`
	LabelBody tdLabelBody `json:"labelBody"`
}

type tdLabelText struct {
	Text               string `json:"text"`
	TextAnchor         string `json:"textAnchor"`
	TextVerticalAnchor string `json:"textVerticalAnchor"`
}

type tdLabelBody struct {
	Ref         string `json:"ref"`
	RefRx       string `json:"refRx"`
	RefRy       string `json:"refRy"`
	Fill        string `json:"fill"`
	StrokeWidth int    `json:"strokeWidth"`
}

type tdLine struct {
	Stroke          string   `json:"stroke"`
	StrokeWidth     float64  `json:"strokeWidth"`
	TargetMarker    tdMarker `json:"targetMarker"`
	SourceMarker    tdMarker `json:"sourceMarker"`
	StrokeDasharray *string  `json:"strokeDasharray"`
}

type tdMarker struct {
	Name string `json:"name"`
}

// tdData is the cell's threat-model data; which fields are written
// depends on the cell's type, as in the files Threat Dragon saves.
type tdData struct {
	Type                   string     `json:"type"`
	Name                   string     `json:"name"`
	Description            string     `json:"description"`
	IsTrustBoundary        bool       `json:"isTrustBoundary"`
	OutOfScope             *bool      `json:"outOfScope,omitempty"`
	ReasonOutOfScope       *string    `json:"reasonOutOfScope,omitempty"`
	Threats                []tdThreat `json:"threats,omitempty"`
	HasOpenThreats         bool       `json:"hasOpenThreats"`
	ProvidesAuthentication *bool      `json:"providesAuthentication,omitempty"`
	PrivilegeLevel         *string    `json:"privilegeLevel,omitempty"`
	HandlesCardPayment     *bool      `json:"handlesCardPayment,omitempty"`
	HandlesGoodsOrServices *bool      `json:"handlesGoodsOrServices,omitempty"`
	IsWebApplication       *bool      `json:"isWebApplication,omitempty"`
	IsALog                 *bool      `json:"isALog,omitempty"`
	StoresCredentials      *bool      `json:"storesCredentials,omitempty"`
	IsEncrypted            *bool      `json:"isEncrypted,omitempty"`
	IsSigned               *bool      `json:"isSigned,omitempty"`
	StoresInventory        *bool      `json:"storesInventory,omitempty"`
	IsBidirectional        *bool      `json:"isBidirectional,omitempty"`
	IsPublicNetwork        *bool      `json:"isPublicNetwork,omitempty"`
	Protocol               *string    `json:"protocol,omitempty"`
}

type tdThreat struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Status      string `json:"status"`
	Severity    string `json:"severity"`
	Type        string `json:"type"`
	Description string `json:"description"`
	Mitigation  string `json:"mitigation"`
	ModelType   string `json:"modelType"`
	Score       string `json:"score"`
	Number      int    `json:"number"`
}

// Threat Dragon's words for a threat's status and severity.
var (
	tdStatus   = map[string]string{ir.Open: "Open", ir.Mitigated: "Mitigated", ir.Accepted: "Accepted", ir.Transferred: "Transferred"}
	tdSeverity = map[string]string{"low": "Low", "medium": "Medium", "high": "High", "critical": "Critical"}
)

const (
	tdStroke0    = "#333333"
	tdStrokeOpen = "red"
)

func ptr[T any](v T) *T { return &v }

// cellID is a stable UUID (version 5 layout, SHA-1 of the kind and the
// tmc id), as Threat Dragon names cells: the same model gives the same ids.
func cellID(kind, id string) string {
	h := sha1.Sum([]byte("tmc:" + kind + ":" + id))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// ThreatDragon writes m as a Threat Dragon v2 model with one STRIDE
// diagram: elements as actors, processes and stores, trust boundaries as
// boxes, flows between them, all at the positions of tmc's own DFD layout;
// declared threats on their elements and flows (and on their boundary's
// box).
func ThreatDragon(ctx context.Context, m *ir.Model) ([]byte, error) {
	groups := groupings(m)
	geo, err := layoutDFD(ctx, m, notGrouping(groups))
	if err != nil {
		return nil, err
	}
	on := threatsOn(m)
	mirror, folded := bidirectional(m, on)
	number := map[*ir.Threat]int{}
	for i, t := range m.Threats {
		number[t] = i + 1
	}
	threats := func(key string) ([]tdThreat, bool) {
		var out []tdThreat
		open := false
		for _, t := range on[key] {
			out = append(out, tdThreatOf(t, number[t]))
			if t.Status == ir.Open {
				open = true
			}
		}
		return out, open
	}
	var cells []tdCell
	extra := boxesBelow(geo, m)
	depth := func(b *ir.Boundary) int { return len(b.Chain()) - 1 }
	for _, b := range m.Boundaries {
		box, ok := geo.Boundaries[b.ID]
		if !ok {
			box = extra[b.ID]
		}
		ts, open := threats("boundary:" + b.ID)
		cells = append(cells, tdCell{
			Position: &tdPoint{round(box.X + tdOffset), round(box.Y + tdOffset)},
			Size:     &tdSize{round(box.Width), round(box.Height)},
			Attrs:    map[string]any{"label": tdText{nameOr(b.Name, b.ID)}},
			Visible:  ptr(true), Shape: "trust-boundary-box", ZIndex: depth(b) - 20,
			ID: cellID("boundary", b.ID),
			Data: tdData{Type: "tm.BoundaryBox", Name: nameOr(b.Name, b.ID), Description: boundaryDescription(b),
				IsTrustBoundary: true, Threats: ts, HasOpenThreats: open},
		})
	}
	z := 1
	for _, e := range m.Elements {
		if groups[e] {
			continue
		}
		box, ok := geo.Elements[e.ID]
		if !ok {
			box = extra["element:"+e.ID]
		}
		ts, open := threats("element:" + e.ID)
		c := tdCell{
			Position: &tdPoint{round(box.X + tdOffset), round(box.Y + tdOffset)},
			Size:     &tdSize{round(box.Width), round(box.Height)},
			Visible:  ptr(true), ZIndex: z, ID: cellID("element", e.ID),
			Data: tdData{Name: nameOr(e.Name, e.ID), Description: elementDescription(e),
				OutOfScope: ptr(e.OutOfScope != ""), ReasonOutOfScope: ptr(e.OutOfScope), Threats: ts, HasOpenThreats: open},
		}
		z++
		stroke := tdStroke{Stroke: tdStroke0, StrokeWidth: 1.5}
		if open {
			stroke = tdStroke{Stroke: tdStrokeOpen, StrokeWidth: 2.5}
		}
		switch tdShape(e) {
		case "actor":
			c.Shape, c.Data.Type = "actor", "tm.Actor"
			c.Data.ProvidesAuthentication = ptr(e.Technology == "identity_provider")
			c.Attrs = map[string]any{"text": tdText{c.Data.Name}, "body": stroke}
		case "store":
			c.Shape, c.Data.Type = "store", "tm.Store"
			c.Data.IsALog = ptr(false)
			c.Data.StoresCredentials = ptr(holdsCredentials(e))
			c.Data.IsEncrypted = ptr(e.EncryptedAtRest)
			c.Data.IsSigned = ptr(false)
			c.Attrs = map[string]any{"text": tdText{c.Data.Name}, "topLine": stroke, "bottomLine": stroke}
		default:
			c.Shape, c.Data.Type = "process", "tm.Process"
			c.Data.PrivilegeLevel = ptr("")
			c.Data.HandlesCardPayment = ptr(false)
			c.Data.HandlesGoodsOrServices = ptr(false)
			c.Data.IsWebApplication = ptr(e.Technology == "web_application" || e.Technology == "web_server")
			c.Attrs = map[string]any{"text": tdText{c.Data.Name}, "body": stroke}
		}
		cells = append(cells, c)
	}
	for _, f := range m.Flows {
		if folded[f] {
			continue // drawn as the other direction of its mirror
		}
		ts, open := threats("flow:" + f.ID)
		line := tdLine{Stroke: tdStroke0, StrokeWidth: 1.5, TargetMarker: tdMarker{"block"}, SourceMarker: tdMarker{""}}
		if open {
			line.Stroke, line.StrokeWidth = tdStrokeOpen, 2.5
		}
		name := f.Label
		c := tdCell{
			Attrs: map[string]any{"line": line}, Shape: "flow", ZIndex: z, Width: 200, Height: 100,
			Labels: []tdLabel{{
				Markup: []tdMarkup{{"ellipse", "labelBody"}, {"text", "labelText"}},
				Attrs: tdLabelAttrs{LabelText: tdLabelText{name, "middle", "middle"},
					LabelBody: tdLabelBody{"labelText", "50%", "60%", "#fff", 0}},
				Position: 0.5,
			}},
			Connector: "smooth",
			Source:    &tdEnd{cellID("element", f.From.ID)},
			Target:    &tdEnd{cellID("element", f.To.ID)},
			ID:        cellID("flow", f.ID),
			Data: tdData{Type: "tm.Flow", Name: name, Description: flowDescription(f, mirror[f]),
				OutOfScope: ptr(false), ReasonOutOfScope: ptr(""), Threats: ts, HasOpenThreats: open,
				IsBidirectional: ptr(mirror[f] != nil), IsEncrypted: ptr(encrypted(f)), IsPublicNetwork: ptr(publicNetwork(f)),
				Protocol: ptr(f.Protocol)},
		}
		z++
		if p, ok := geo.Flows[f.ID]; ok {
			c.Vertices = vertices(p)
		}
		if mirror[f] != nil {
			c.Attrs = map[string]any{"line": tdLine{Stroke: line.Stroke, StrokeWidth: line.StrokeWidth,
				TargetMarker: tdMarker{"block"}, SourceMarker: tdMarker{"block"}}}
		}
		cells = append(cells, c)
	}
	doc := tdModel{
		Version: TDVersion,
		Summary: tdSummary{Title: nameOr(m.Name, "Threat model"), Owner: m.Owner, Description: m.Description},
		Detail: tdDetail{
			Contributors: []tdContributor{},
			Diagrams: []tdDiagram{{ID: 0, Title: "Data-flow diagram", DiagramType: "STRIDE", Placeholder: "",
				Thumbnail: "./public/content/images/thumbnail.stride.jpg", Version: TDVersion,
				Description: "Exported by tmc from the model's data-flow diagram.", Cells: cells}},
			DiagramTop: 1,
			ThreatTop:  len(m.Threats),
		},
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

// tdShape is how Threat Dragon draws an element: people and what another
// party runs are actors (external entities), data stores and queues are
// stores, the rest are processes.
func tdShape(e *ir.Element) string {
	switch {
	case e.Kind == ir.Person:
		return "actor"
	case e.External || e.Boundary != nil && e.Boundary.Trust == "external":
		return "actor"
	case e.Kind == ir.Database || e.Kind == ir.Cache || e.Kind == ir.Bucket || e.Kind == ir.Queue:
		return "store"
	}
	return "process"
}

func holdsCredentials(e *ir.Element) bool {
	for _, d := range e.Stores {
		if d.Credentials {
			return true
		}
	}
	return false
}

// publicNetwork reports whether one end of the flow is in an untrusted
// zone (or in none): the flow runs over a network tmc does not trust.
func publicNetwork(f *ir.Flow) bool {
	for _, e := range []*ir.Element{f.From, f.To} {
		if e.Boundary == nil {
			return true
		}
		for b := e.Boundary; b != nil; b = b.Parent {
			if b.Trust == "untrusted" {
				return true
			}
		}
	}
	return false
}

// vertices are points on a flow's path for Threat Dragon's smooth
// connector: the joints of the spline's cubic pieces, or the middle of
// the path when it is one piece.
func vertices(p graph.FlowPath) []tdPoint {
	s := p.Spline
	var out []tdPoint
	for i := 3; i+3 < len(s); i += 3 {
		out = append(out, tdPoint{round(s[i].X + tdOffset), round(s[i].Y + tdOffset)})
	}
	if out == nil && len(s) == 4 {
		// The point at t = 1/2 of the cubic.
		x := (s[0].X + 3*s[1].X + 3*s[2].X + s[3].X) / 8
		y := (s[0].Y + 3*s[1].Y + 3*s[2].Y + s[3].Y) / 8
		out = append(out, tdPoint{round(x + tdOffset), round(y + tdOffset)})
	}
	return out
}

// boxesBelow places what the layout has no box for (a boundary that holds
// no element) in a row below the drawing, so that Threat Dragon shows it.
func boxesBelow(geo *graph.Geometry, m *ir.Model) map[string]layout.Box {
	out := map[string]layout.Box{}
	x, y := 0.0, geo.Height+20
	for _, b := range m.Boundaries {
		if _, ok := geo.Boundaries[b.ID]; !ok {
			out[b.ID] = layout.Box{X: x, Y: y, Width: 200, Height: 100}
			x += 220
		}
	}
	for _, e := range m.Elements {
		if _, ok := geo.Elements[e.ID]; !ok {
			out["element:"+e.ID] = layout.Box{X: x, Y: y, Width: 160, Height: 80}
			x += 180
		}
	}
	return out
}

func tdThreatOf(t *ir.Threat, n int) tdThreat {
	th := tdThreat{ID: cellID("threat", t.ID), Title: nameOr(t.Name, t.ID), Status: tdStatus[t.Status],
		Severity: tdSeverity[t.Band], Type: "Generic", ModelType: "STRIDE", Number: n,
		Mitigation: mitigationText(t)}
	if th.Status == "" {
		th.Status = "Open"
	}
	if th.Severity == "" {
		th.Severity = "TBD"
	}
	if len(t.Stride) > 0 {
		th.Type = strideTitles(t.Stride)[0]
	}
	if t.Score > 0 {
		th.Score = fmt.Sprint(t.Score)
	}
	var lines []string
	if t.Description != "" {
		lines = append(lines, t.Description, "")
	}
	facts := []string{"tmc threat " + t.ID}
	if len(t.Stride) > 1 {
		facts = append(facts, "STRIDE: "+strings.Join(strideTitles(t.Stride), ", "))
	}
	if t.Score > 0 {
		facts = append(facts, fmt.Sprintf("impact %d, likelihood %d: score %d (%s)", t.Impact, t.Likelihood, t.Score, t.Band))
	}
	if t.Owner != "" {
		facts = append(facts, "owner "+t.Owner)
	}
	lines = append(lines, strings.Join(facts, "; "))
	th.Description = strings.Join(lines, "\n")
	return th
}

func boundaryDescription(b *ir.Boundary) string {
	facts := []string{"trust " + b.Trust}
	if b.Type != "" {
		facts = append(facts, "type "+b.Type)
	}
	if b.Owner != "" {
		facts = append(facts, "owner "+b.Owner)
	}
	if b.Parent != nil {
		facts = append(facts, "inside "+nameOr(b.Parent.Name, b.Parent.ID))
	}
	return joinDescription(b.Description, "tmc boundary "+b.ID+": "+strings.Join(facts, "; "))
}

func elementDescription(e *ir.Element) string {
	facts := []string{e.Kind}
	add := func(k, v string) {
		if v != "" {
			facts = append(facts, k+" "+v)
		}
	}
	add("tech", e.Tech)
	add("technology", e.Technology)
	add("owner", e.Owner)
	add("exposure", e.Exposure)
	if e.Parent != nil {
		add("part of", nameOr(e.Parent.Name, e.Parent.ID))
	}
	if len(e.Safeguards) > 0 {
		add("safeguards", strings.Join(e.Safeguards, ", "))
	}
	if len(e.Stores) > 0 {
		add("stores", strings.Join(dataIDs(e.Stores), ", "))
	}
	if len(e.Processes) > 0 {
		add("processes", strings.Join(dataIDs(e.Processes), ", "))
	}
	return joinDescription(e.Description, "tmc element "+e.ID+": "+strings.Join(facts, "; "))
}

func flowDescription(f, mirror *ir.Flow) string {
	var facts []string
	add := func(k, v string) {
		if v != "" {
			facts = append(facts, k+" "+v)
		}
	}
	add("auth", f.Auth)
	add("authentication", f.Authentication)
	add("authorization", f.Authorization)
	if len(f.Carries) > 0 {
		add("carries", strings.Join(dataIDs(f.Carries), ", "))
	}
	if len(f.Safeguards) > 0 {
		add("safeguards", strings.Join(f.Safeguards, ", "))
	}
	if f.ResponseTo != nil {
		add("reply to", f.ResponseTo.ID)
	}
	if len(f.Crossings) > 0 {
		facts = append(facts, "crossings: "+crossingText(f))
	}
	if mirror != nil {
		add("and back as", mirror.ID)
	}
	head := "tmc flow " + f.ID
	if len(facts) > 0 {
		head += ": " + strings.Join(facts, "; ")
	}
	return joinDescription(f.Description, head)
}

func joinDescription(desc, facts string) string {
	if desc == "" {
		return facts
	}
	return strings.TrimRight(desc, "\n") + "\n\n" + facts
}
