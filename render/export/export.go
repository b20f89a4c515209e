// Package export writes a compiled threat model in the formats of other
// threat-modeling tools: Open Threat Model JSON (otm), a Threat Dragon v2
// model (threat-dragon) and a Threagile model (threagile). Each format has
// its own file; docs/import-export.md says, per format, what each tmc
// fact becomes and what is lost.
//
// Export reads the IR only (crossings, risk and status as the compiler
// computed them) and the DFD layout of render/graph for coordinates. The
// same model gives the same bytes: every list is in model order or
// sorted, and maps reach the output only through encoders that sort
// their keys.
package export

import (
	"context"
	"fmt"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render/graph"
)

// Formats are the names Export takes, in the order the CLI lists them.
var Formats = []string{"otm", "threat-dragon", "threagile"}

// Export writes m in format (one of Formats). m must have no errors: the
// exporters assume every reference resolved.
func Export(ctx context.Context, m *ir.Model, format string) ([]byte, error) {
	switch format {
	case "otm":
		return OTM(ctx, m)
	case "threat-dragon":
		return ThreatDragon(ctx, m)
	case "threagile":
		return Threagile(m)
	}
	return nil, fmt.Errorf("unknown export format %q (want %s)", format, strings.Join(Formats, ", "))
}

// layoutDFD is graph.DFDGeometry; tests may swap it.
var layoutDFD = graph.DFDGeometry

// notGrouping is the extra-node choice of the layout: every element the
// export draws gets a box.
func notGrouping(g map[*ir.Element]bool) func(*ir.Element) bool {
	return func(e *ir.Element) bool { return !g[e] }
}

// groupings are the elements that only group others: with children,
// and no flow, threat or data of their own (a C4 system around its
// containers). The DFD draws them only through their children, and so do
// the flat formats: their name goes to their descendants' descriptions.
func groupings(m *ir.Model) map[*ir.Element]bool {
	touched := map[*ir.Element]bool{}
	for _, f := range m.Flows {
		touched[f.From], touched[f.To] = true, true
	}
	for _, t := range m.Threats {
		if t.Target.Element != nil {
			touched[t.Target.Element] = true
		}
	}
	g := map[*ir.Element]bool{}
	for _, e := range m.Elements {
		if len(e.Children) > 0 && !touched[e] && len(e.Stores)+len(e.Processes) == 0 {
			g[e] = true
		}
	}
	return g
}

// partOf names the groupings around e, outermost first: "Shop platform".
func partOf(e *ir.Element, grouping map[*ir.Element]bool) string {
	var names []string
	for p := e.Parent; p != nil; p = p.Parent {
		if grouping[p] {
			names = append([]string{nameOr(p.Name, p.ID)}, names...)
		}
	}
	return strings.Join(names, " › ")
}

// reverseSuffix is what tmc import appends to the label of the second
// flow it writes for a bidirectional flow of Threat Dragon or OTM.
const reverseSuffix = " (reverse)"

// bidirectional finds the flows to write as one bidirectional flow, as
// Threat Dragon and OTM have them: a flow and its mirror labelled
// "LABEL (reverse)" that carries the same data and has no threat of its
// own (the pair tmc import writes for one bidirectional flow). It returns
// the mirrors by the flow they fold into.
func bidirectional(m *ir.Model, on map[string][]*ir.Threat) (mirror map[*ir.Flow]*ir.Flow, folded map[*ir.Flow]bool) {
	mirror, folded = map[*ir.Flow]*ir.Flow{}, map[*ir.Flow]bool{}
	for _, r := range m.Flows {
		if !strings.HasSuffix(r.Label, strings.TrimSpace(reverseSuffix)) || len(on["flow:"+r.ID]) > 0 || r.ResponseTo != nil {
			continue
		}
		for _, f := range m.Flows {
			if f != r && !folded[f] && mirror[f] == nil && f.From == r.To && f.To == r.From &&
				strings.TrimSpace(f.Label+reverseSuffix) == r.Label && sameData(f.Carries, r.Carries) {
				mirror[f], folded[r] = r, true
				break
			}
		}
	}
	return mirror, folded
}

func sameData(a, b []*ir.Data) bool {
	if len(a) != len(b) {
		return false
	}
	in := map[*ir.Data]bool{}
	for _, d := range a {
		in[d] = true
	}
	for _, d := range b {
		if !in[d] {
			return false
		}
	}
	return true
}

// strideTitle is how OTM and Threat Dragon spell a STRIDE category.
var strideTitle = map[string]string{
	"spoofing":               "Spoofing",
	"tampering":              "Tampering",
	"repudiation":            "Repudiation",
	"information_disclosure": "Information disclosure",
	"denial_of_service":      "Denial of service",
	"elevation_of_privilege": "Elevation of privilege",
}

func strideTitles(ss []string) []string {
	var out []string
	for _, s := range ss {
		if t, ok := strideTitle[s]; ok {
			out = append(out, t)
		} else {
			out = append(out, s)
		}
	}
	return out
}

// threatsOn groups the declared threats by what they are on, in model
// order: "flow:ID", "element:ID", "boundary:ID".
func threatsOn(m *ir.Model) map[string][]*ir.Threat {
	on := map[string][]*ir.Threat{}
	for _, t := range m.Threats {
		if k := targetKey(t.Target); k != "" {
			on[k] = append(on[k], t)
		}
	}
	return on
}

func targetKey(t ir.Target) string {
	switch {
	case t.Flow != nil:
		return "flow:" + t.Flow.ID
	case t.Element != nil:
		return "element:" + t.Element.ID
	case t.Boundary != nil:
		return "boundary:" + t.Boundary.ID
	}
	return ""
}

// flowName is what a flow is called where a format wants a name: its
// label, else its id.
func flowName(f *ir.Flow) string {
	if f.Label != "" {
		return f.Label
	}
	return f.ID
}

func nameOr(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// encryptedProtocols are the protocols that encrypt in transit, as the
// threat rules read them.
var encryptedProtocols = map[string]bool{"https": true, "grpcs": true, "tls": true, "mtls": true, "wss": true, "sftp": true, "ssh": true, "ldaps": true}

// encrypted reports whether the model says the flow is encrypted in
// transit: an encrypting protocol, mutual TLS, or a safeguard saying so.
func encrypted(f *ir.Flow) bool {
	return encryptedProtocols[strings.ToLower(f.Protocol)] || strings.EqualFold(f.Auth, "mtls") ||
		f.Authentication == "mtls" || f.HasSafeguard("mtls") || f.HasSafeguard("encryption_in_transit")
}

// crossingText says which boundaries a flow crosses and how each is
// marked, one clause per crosses statement: "leaves edge, enters
// cluster: mTLS ...; leaves data: unmarked".
func crossingText(f *ir.Flow) string {
	var parts []string
	for i := 0; i < len(f.Crossings); {
		c := f.Crossings[i]
		var names []string
		j := i
		for ; j < len(f.Crossings) && f.Crossings[j].Mark == c.Mark; j++ {
			names = append(names, f.Crossings[j].Direction+"s "+f.Crossings[j].Boundary.ID)
		}
		reason := "unmarked"
		if c.Mark != nil {
			reason = c.Mark.Reason
		}
		parts = append(parts, strings.Join(names, ", ")+": "+reason)
		i = j
	}
	return strings.Join(parts, "; ")
}

// controlNames lists the controls of a threat: "tenant_binding (verified)".
func controlNames(t *ir.Threat) []string {
	var out []string
	for _, c := range t.MitigatedBy {
		out = append(out, fmt.Sprintf("%s (%s)", nameOr(c.Name, c.ID), c.Status))
	}
	return out
}

// mitigationText is a threat's treatment in words, for formats that hold
// it as one string (Threat Dragon's mitigation, Threagile's mitigation).
func mitigationText(t *ir.Threat) string {
	var parts []string
	for _, c := range t.MitigatedBy {
		s := fmt.Sprintf("%s: %s (%s", c.ID, nameOr(c.Name, c.ID), c.Status)
		if c.Owner != "" {
			s += ", owner " + c.Owner
		}
		s += ")"
		parts = append(parts, s)
	}
	if a := t.Acceptance; a != nil {
		parts = append(parts, fmt.Sprintf("Accepted by %s until %s: %s", a.By, a.Until, a.Reason))
	}
	if t.Transferred != "" {
		parts = append(parts, "Transferred: "+t.Transferred)
	}
	return strings.Join(parts, "\n")
}
