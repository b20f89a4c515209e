package export

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
)

// update rewrites golden files instead of comparing: TMC_UPDATE=1 go test ./...
var update = os.Getenv("TMC_UPDATE") != ""

// today pins the date for what depends on it (expired acceptances).
var today = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

// peers is the folder of other tools' models and schemas beside the
// checkout (../shared/peers).
const peers = "../../../shared/peers"

// needPeer skips a test when path (under ../shared/peers) is absent,
// unless TMC_PEER_TESTS is set: then its absence fails the test.
func needPeer(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("TMC_PEER_TESTS") != "" {
			t.Fatalf("TMC_PEER_TESTS is set but %s is not beside the checkout: %v", path, err)
		}
		t.Skipf("%s is not beside the checkout (../shared/peers), so this test cannot run: %v", path, err)
	}
	return data
}

func compileModel(t *testing.T, dir string) *ir.Model {
	t.Helper()
	res, err := compiler.Compile(dir, compiler.Options{Now: today})
	if err != nil {
		t.Fatal(err)
	}
	if res.Diags.HasErrors() {
		t.Fatalf("%s has errors: %v", dir, res.Diags)
	}
	return res.Model
}

// exportTwice exports m and checks that a second export gives the same
// bytes.
func exportTwice(t *testing.T, m *ir.Model, format string) []byte {
	t.Helper()
	a, err := Export(context.Background(), m, format)
	if err != nil {
		t.Fatalf("export %s: %v", format, err)
	}
	b, err := Export(context.Background(), m, format)
	if err != nil {
		t.Fatalf("export %s again: %v", format, err)
	}
	if !bytes.Equal(a, b) {
		t.Fatalf("export %s is not deterministic: two runs differ", format)
	}
	return a
}

var goldenNames = map[string]string{
	"otm":           "checkout.otm.json",
	"threat-dragon": "checkout.threat-dragon.json",
	"threagile":     "checkout.threagile.yaml",
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (TMC_UPDATE=1 to create)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (TMC_UPDATE=1 to accept)", path)
	}
}

// TestGoldens pins each export of examples/checkout, exported twice.
func TestGoldens(t *testing.T) {
	m := compileModel(t, "../../examples/checkout")
	for _, f := range Formats {
		t.Run(f, func(t *testing.T) {
			golden(t, filepath.Join("testdata", goldenNames[f]), exportTwice(t, m, f))
		})
	}
}

// exampleModels are the example models that compile without errors (an
// example with errors on purpose, such as examples/unmarked, is refused
// by tmc export; cmd/tmc tests that).
func exampleModels(t *testing.T) map[string]*ir.Model {
	t.Helper()
	dirs, err := filepath.Glob("../../examples/*")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*ir.Model{}
	for _, d := range dirs {
		if info, err := os.Stat(d); err != nil || !info.IsDir() {
			continue
		}
		res, err := compiler.Compile(d, compiler.Options{Now: today})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Diags.HasErrors() {
			out[filepath.Base(d)] = res.Model
		}
	}
	if len(out) < 2 {
		t.Fatalf("only %d example models without errors", len(out))
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// compileSchema compiles a JSON schema (draft 7 when it names none the
// validator knows), asserting formats.
func compileSchema(t *testing.T, name string, schema []byte) *jsonschema.Schema {
	t.Helper()
	var doc any
	if err := json.Unmarshal(schema, &doc); err != nil {
		t.Fatal(err)
	}
	if m, ok := doc.(map[string]any); ok {
		// Threagile names draft 7 with https, which is not the
		// meta-schema's id: draft 7 is what it means.
		delete(m, "$schema")
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.AssertFormat()
	if err := c.AddResource(name, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, what string, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("%s is not valid against the schema: %v", what, err)
	}
}

// TestOTMSchema validates the OTM export of every example against the
// OTM schema.
func TestOTMSchema(t *testing.T) {
	s := compileSchema(t, "otm_schema.json", needPeer(t, filepath.Join(peers, "otm", "otm_schema.json")))
	models := exampleModels(t)
	for _, name := range sortedKeys(models) {
		validate(t, s, name+" as OTM", exportTwice(t, models[name], "otm"))
	}
}

// TestOTMContent checks that the OTM export keeps every boundary,
// element, flow, data asset, threat and control, with parents and ends
// that exist.
func TestOTMContent(t *testing.T) {
	for name, m := range exampleModels(t) {
		var doc otmModel
		if err := json.Unmarshal(exportTwice(t, m, "otm"), &doc); err != nil {
			t.Fatal(err)
		}
		zones, comps := map[string]bool{}, map[string]bool{}
		for _, z := range doc.TrustZones {
			zones[z.ID] = true
		}
		for _, c := range doc.Components {
			comps[c.ID] = true
		}
		for _, b := range m.Boundaries {
			if !zones[b.ID] {
				t.Errorf("%s: boundary %s is no trust zone", name, b.ID)
			}
		}
		groups := groupings(m)
		for _, e := range m.Elements {
			if comps[e.ID] == groups[e] {
				t.Errorf("%s: element %s: component %v, grouping %v", name, e.ID, comps[e.ID], groups[e])
			}
		}
		for _, c := range doc.Components {
			if p := c.Parent; !(p.TrustZone != "" && zones[p.TrustZone] || p.Component != "" && comps[p.Component]) {
				t.Errorf("%s: component %s has parent %+v, which is not in the export", name, c.ID, p)
			}
		}
		_, folded := bidirectional(m, threatsOn(m))
		if len(doc.Dataflows) != len(m.Flows)-len(folded) || len(doc.Threats) != len(m.Threats) ||
			len(doc.Mitigations) != len(m.Controls) || len(doc.Assets) != len(m.Data) {
			t.Errorf("%s: %d dataflows, %d threats, %d mitigations, %d assets; the model has %d, %d, %d, %d", name,
				len(doc.Dataflows), len(doc.Threats), len(doc.Mitigations), len(doc.Assets),
				len(m.Flows), len(m.Threats), len(m.Controls), len(m.Data))
		}
		for _, f := range doc.Dataflows {
			if !comps[f.Source] || !comps[f.Destination] {
				t.Errorf("%s: dataflow %s runs %s -> %s, not between components", name, f.ID, f.Source, f.Destination)
			}
		}
	}
}

// tdSchema is Threat Dragon's v2 schema with OpenAPI's `nullable: true`
// (which Threat Dragon's validator, Ajv, honours) turned into a type
// that admits null, since JSON Schema has no such keyword.
func tdSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile("testdata/threat-dragon/threat-dragon-v2.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(any)
	walk = func(x any) {
		switch v := x.(type) {
		case map[string]any:
			if v["nullable"] == true {
				if ty, ok := v["type"].(string); ok {
					v["type"] = []any{ty, "null"}
				}
				delete(v, "nullable")
			}
			for _, y := range v {
				walk(y)
			}
		case []any:
			for _, y := range v {
				walk(y)
			}
		}
	}
	walk(doc)
	fixed, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return compileSchema(t, "threat-dragon-v2.schema.json", fixed)
}

// TestThreatDragon validates the Threat Dragon export of every example
// against Threat Dragon's own schema and checks its diagram: every
// element, flow, boundary and threat is there, flows join cells that
// exist, and each boundary's box holds its elements and nested boxes.
func TestThreatDragon(t *testing.T) {
	s := tdSchema(t)
	models := exampleModels(t)
	for _, name := range sortedKeys(models) {
		m := models[name]
		data := exportTwice(t, m, "threat-dragon")
		validate(t, s, name+" as Threat Dragon", data)
		var doc tdModel
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Detail.Diagrams) != 1 {
			t.Fatalf("%s: %d diagrams", name, len(doc.Detail.Diagrams))
		}
		cells := map[string]tdCell{}
		threats := map[string]bool{}
		for _, c := range doc.Detail.Diagrams[0].Cells {
			if _, dup := cells[c.ID]; dup {
				t.Errorf("%s: two cells with id %s", name, c.ID)
			}
			cells[c.ID] = c
			for _, th := range c.Data.Threats {
				threats[th.Title] = true
			}
		}
		box := func(kind, id string) (tdCell, bool) {
			c, ok := cells[cellID(kind, id)]
			if !ok {
				t.Errorf("%s: %s %s has no cell", name, kind, id)
			}
			return c, ok
		}
		inside := func(c, outer tdCell) bool {
			cx, cy := c.Position.X+c.Size.Width/2, c.Position.Y+c.Size.Height/2
			return cx >= outer.Position.X && cx <= outer.Position.X+outer.Size.Width &&
				cy >= outer.Position.Y && cy <= outer.Position.Y+outer.Size.Height
		}
		groups := groupings(m)
		_, folded := bidirectional(m, threatsOn(m))
		for _, b := range m.Boundaries {
			bc, ok := box("boundary", b.ID)
			if !ok {
				continue
			}
			if bc.Shape != "trust-boundary-box" || bc.Data.Name != nameOr(b.Name, b.ID) {
				t.Errorf("%s: boundary %s is a %s named %q", name, b.ID, bc.Shape, bc.Data.Name)
			}
			for _, e := range b.Elements {
				if groups[e] {
					continue
				}
				if ec, ok := box("element", e.ID); ok && !inside(ec, bc) {
					t.Errorf("%s: element %s at %+v is outside the box of its boundary %s at %+v %+v", name, e.ID, *ec.Position, b.ID, *bc.Position, *bc.Size)
				}
			}
			if b.Parent != nil {
				if pc, ok := box("boundary", b.Parent.ID); ok && !inside(bc, pc) {
					t.Errorf("%s: boundary %s is outside the box of %s", name, b.ID, b.Parent.ID)
				}
			}
		}
		for _, e := range m.Elements {
			if groups[e] {
				if _, ok := cells[cellID("element", e.ID)]; ok {
					t.Errorf("%s: grouping %s has a cell", name, e.ID)
				}
				continue
			}
			if ec, ok := box("element", e.ID); ok && ec.Data.Name != nameOr(e.Name, e.ID) {
				t.Errorf("%s: element %s is named %q", name, e.ID, ec.Data.Name)
			}
		}
		for _, f := range m.Flows {
			if folded[f] {
				continue
			}
			fc, ok := box("flow", f.ID)
			if !ok {
				continue
			}
			if fc.Source == nil || fc.Target == nil || fc.Source.Cell != cellID("element", f.From.ID) || fc.Target.Cell != cellID("element", f.To.ID) {
				t.Errorf("%s: flow %s does not join %s and %s", name, f.ID, f.From.ID, f.To.ID)
				continue
			}
			for _, end := range []string{fc.Source.Cell, fc.Target.Cell} {
				if c, ok := cells[end]; !ok || c.Shape == "flow" || c.Shape == "trust-boundary-box" {
					t.Errorf("%s: flow %s ends at %s, which is no element cell", name, f.ID, end)
				}
			}
		}
		for _, th := range m.Threats {
			if !threats[nameOr(th.Name, th.ID)] {
				t.Errorf("%s: threat %s is on no cell", name, th.ID)
			}
		}
		if doc.Detail.ThreatTop != len(m.Threats) {
			t.Errorf("%s: threatTop %d, want %d", name, doc.Detail.ThreatTop, len(m.Threats))
		}
	}
}

// yamlToJSON reads YAML as a JSON value, for the schema validator.
func yamlToJSON(t *testing.T, data []byte) []byte {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var tgIDSyntax = regexp.MustCompile(`^[a-z0-9-]+$`)

// TestThreagile validates the Threagile export of every example against
// Threagile's schema, then checks what Threagile's parser checks beyond
// it: id syntax, unique ids, references that resolve, tags that are
// declared, no asset in two trust boundaries.
func TestThreagile(t *testing.T) {
	schema, err := os.ReadFile("testdata/threagile/schema.json")
	if err != nil {
		t.Fatal(err)
	}
	s := compileSchema(t, "threagile-schema.json", schema)
	models := exampleModels(t)
	for _, name := range sortedKeys(models) {
		m := models[name]
		data := exportTwice(t, m, "threagile")
		validate(t, s, name+" as Threagile", yamlToJSON(t, data))
		var doc tgModel
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		tags := map[string]bool{}
		for _, tg := range doc.TagsAvailable {
			tags[tg] = true
		}
		checkTags := func(what string, ts []string) {
			for _, tg := range ts {
				if !tags[tg] {
					t.Errorf("%s: %s has tag %q, not in tags_available", name, what, tg)
				}
			}
		}
		ids := func(kind string, list map[string]string) {
			seen := map[string]bool{}
			for _, title := range sortedKeys(list) {
				id := list[title]
				if !tgIDSyntax.MatchString(id) {
					t.Errorf("%s: %s %q has id %q, which Threagile rejects", name, kind, title, id)
				}
				if seen[id] {
					t.Errorf("%s: two %ss with id %q", name, kind, id)
				}
				seen[id] = true
			}
		}
		data_, assets, bounds := map[string]string{}, map[string]string{}, map[string]string{}
		for k, v := range doc.DataAssets {
			data_[k] = v.ID
			checkTags("data asset "+k, v.Tags)
		}
		for k, v := range doc.TechnicalAssets {
			assets[k] = v.ID
			checkTags("technical asset "+k, v.Tags)
		}
		for k, v := range doc.TrustBoundaries {
			bounds[k] = v.ID
		}
		ids("data asset", data_)
		ids("technical asset", assets)
		ids("trust boundary", bounds)
		isData, isAsset, isBound := invert(data_), invert(assets), invert(bounds)
		links := map[string]bool{}
		for title, a := range doc.TechnicalAssets {
			for _, d := range append(append([]string{}, a.DataAssetsProcessed...), a.DataAssetsStored...) {
				if !isData[d] {
					t.Errorf("%s: %s names data asset %q, which does not exist", name, title, d)
				}
			}
			for lt, l := range a.CommunicationLinks {
				if !isAsset[l.Target] {
					t.Errorf("%s: link %q of %s targets %q, which does not exist", name, lt, title, l.Target)
				}
				for _, d := range append(append([]string{}, l.DataAssetsSent...), l.DataAssetsReceived...) {
					if !isData[d] {
						t.Errorf("%s: link %q names data asset %q, which does not exist", name, lt, d)
					}
				}
				checkTags("link "+lt, l.Tags)
				links[a.ID+">"+regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(lower(lt), "-")] = true
			}
		}
		inBoundary := map[string]string{}
		for title, b := range doc.TrustBoundaries {
			for _, a := range b.TechnicalAssetsInside {
				if !isAsset[a] {
					t.Errorf("%s: trust boundary %s holds %q, which does not exist", name, title, a)
				}
				if prev, dup := inBoundary[a]; dup {
					t.Errorf("%s: %q is in trust boundaries %s and %s", name, a, prev, title)
				}
				inBoundary[a] = title
			}
			for _, n := range b.TrustBoundariesNested {
				if !isBound[n] {
					t.Errorf("%s: trust boundary %s nests %q, which does not exist", name, title, n)
				}
			}
		}
		for title, r := range doc.SharedRuntimes {
			for _, a := range r.TechnicalAssetsRunning {
				if !isAsset[a] {
					t.Errorf("%s: shared runtime %s runs %q, which does not exist", name, title, a)
				}
			}
		}
		if len(doc.IndividualRiskCategories) != len(m.Threats) {
			t.Errorf("%s: %d risk categories for %d threats", name, len(doc.IndividualRiskCategories), len(m.Threats))
		}
		for title, c := range doc.IndividualRiskCategories {
			for rt, r := range c.RisksIdentified {
				if r.MostRelevantTechnicalAsset != "" && !isAsset[r.MostRelevantTechnicalAsset] ||
					r.MostRelevantTrustBoundary != "" && !isBound[r.MostRelevantTrustBoundary] ||
					r.MostRelevantCommunicationLink != "" && !links[r.MostRelevantCommunicationLink] {
					t.Errorf("%s: risk %q of %s points at something that does not exist: %+v", name, rt, title, r)
				}
			}
		}
		// Threagile's parser (74e323e) reads the categories from
		// custom_risk_categories and ignores individual_risk_categories;
		// both must say the same.
		if len(doc.CustomRiskCategories) != len(doc.IndividualRiskCategories) {
			t.Errorf("%s: %d custom risk categories, %d individual ones", name, len(doc.CustomRiskCategories), len(doc.IndividualRiskCategories))
		}
		risks := map[string]bool{}
		for _, c := range doc.CustomRiskCategories {
			if ic := doc.IndividualRiskCategories[c.Title]; ic == nil || ic.ID != c.ID || len(ic.RisksIdentified) != len(c.RisksIdentified) {
				t.Errorf("%s: custom risk category %q (%s) is not the individual one of that title", name, c.Title, c.ID)
			}
			// The synthetic id Threagile gives an individual risk: the
			// category id, then what it is about, @-separated.
			for _, r := range c.RisksIdentified {
				id := c.ID
				for _, part := range []string{r.MostRelevantTechnicalAsset, r.MostRelevantCommunicationLink, r.MostRelevantTrustBoundary} {
					if part != "" {
						id += "@" + part
					}
				}
				risks[id] = true
			}
		}
		// Threagile rejects the whole model when its risk tracking names a
		// risk it does not know.
		for key := range doc.RiskTracking {
			if !risks[key] {
				t.Errorf("%s: risk tracking %q names no risk of the model", name, key)
			}
		}
	}
}

func invert(m map[string]string) map[string]bool {
	out := map[string]bool{}
	for _, v := range m {
		out[v] = true
	}
	return out
}

func lower(s string) string { return string(bytes.ToLower([]byte(s))) }

// TestSchemasBite makes sure the schema checks above can fail: a broken
// export of each format is rejected.
func TestSchemasBite(t *testing.T) {
	m := compileModel(t, "../../examples/checkout")
	check := func(what string, s *jsonschema.Schema, data []byte) {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if s.Validate(inst) == nil {
			t.Errorf("%s: a broken export passes the schema", what)
		}
	}
	td := exportTwice(t, m, "threat-dragon")
	check("threat-dragon", tdSchema(t), bytes.Replace(td, []byte(`"zIndex": `), []byte(`"zIndex": 0.5, "x": `), 1))
	schema, err := os.ReadFile("testdata/threagile/schema.json")
	if err != nil {
		t.Fatal(err)
	}
	tg := exportTwice(t, m, "threagile")
	check("threagile", compileSchema(t, "threagile-schema.json", schema),
		yamlToJSON(t, bytes.Replace(tg, []byte("technology: unknown-technology"), []byte("technology: teapot"), 1)))
	if otm, err := os.ReadFile(filepath.Join(peers, "otm", "otm_schema.json")); err == nil {
		check("otm", compileSchema(t, "otm_schema.json", otm),
			bytes.Replace(exportTwice(t, m, "otm"), []byte(`"trustRating": `), []byte(`"trustRating": "high", "x": `), 1))
	}
}
