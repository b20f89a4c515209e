package cli

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/render/style"
)

// peersDir holds the models written by other tools' authors, beside the
// checkout (../shared/peers); they are never copied into the repository.
const peersDir = "../../../../../shared/peers"

// peerModels are the models of ../shared/peers that tmc import must take
// all the way to a site.
var peerModels = []struct{ name, format, path string }{
	{"threagile-example", "threagile", "threagile/threagile-example.yaml"},
	{"td-demo-threat-model", "threat-dragon", "threat-dragon/demo-threat-model.json"},
	{"td-v2-threat-model", "threat-dragon", "threat-dragon/v2-threat-model.json"},
	{"td-generic-cms", "threat-dragon", "threat-dragon/generic-cms.json"},
	{"td-three-tier-web-app", "threat-dragon", "threat-dragon/three-tier-web-app.json"},
	{"otm-example-json", "otm", "otm/EXAMPLE.json"},
	{"otm-example-yaml", "otm", "otm/EXAMPLE.yaml"},
}

// TestPeersImportCheckBuild runs, on every peer model, what a team moving
// to tmc runs: tmc import, tmc check, tmc build. The import must exit 0;
// the only errors check may report are unmarked crossings (TM301), the
// decisions the source leaves open, and never a syntax or resolution
// diagnostic (TM1xx, TM2xx); build must write the site with every view of
// the model drawn as a well-formed SVG. The full build is the real
// command and takes well under a second per model, so every view is
// rendered.
//
// The test skips when ../shared/peers is absent, unless TMC_PEER_TESTS is
// set (CI): then a missing model is a failure.
func TestPeersImportCheckBuild(t *testing.T) {
	pinDate(t)
	for _, p := range peerModels {
		t.Run(p.name, func(t *testing.T) {
			src := filepath.Join(peersDir, filepath.FromSlash(p.path))
			if _, err := os.Stat(src); err != nil {
				if os.Getenv("TMC_PEER_TESTS") != "" {
					t.Fatalf("TMC_PEER_TESTS is set but the peer model is missing: %v", err)
				}
				t.Skipf("the peer models are not beside the checkout (%s), so importing and rendering them is not tested: %v", peersDir, err)
			}
			tmp := t.TempDir()
			model, site := filepath.Join(tmp, "model"), filepath.Join(tmp, "site")

			code, stdout, stderr := run(t, "import", p.format, src, "-o", model)
			if code != ExitOK {
				t.Fatalf("tmc import %s %s: exit %d\n%s%s", p.format, p.path, code, stdout, stderr)
			}

			code, stdout, stderr = run(t, "check", "--format", "json", model)
			var r report
			if err := json.Unmarshal([]byte(stdout), &r); err != nil {
				t.Fatalf("tmc check: %v\n%s%s", err, stdout, stderr)
			}
			errs := 0
			for _, d := range r.Diagnostics {
				if strings.HasPrefix(d.Code, "TM1") || strings.HasPrefix(d.Code, "TM2") {
					t.Errorf("tmc check: syntax or resolution diagnostic in the imported model: %s %s %s:%d: %s", d.Severity, d.Code, d.File, d.Line, d.Message)
				}
				if d.Severity == "error" {
					errs++
					if d.Code != "TM301" {
						t.Errorf("tmc check: error other than an unmarked crossing: %s %s:%d: %s", d.Code, d.File, d.Line, d.Message)
					}
				}
			}
			want := ExitOK
			if errs > 0 {
				want = ExitFail
			}
			if code != want {
				t.Errorf("tmc check: exit %d with %d errors, want %d", code, errs, want)
			}

			// A model with check errors still builds; tmc exits 1 for them.
			code, stdout, stderr = run(t, "build", "-o", site, model)
			if code != want || !strings.Contains(stdout, "wrote "+site+": ") {
				t.Fatalf("tmc build: exit %d, want %d\n%s%s", code, want, stdout, stderr)
			}

			res, err := compiler.Compile(model, compiler.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Model.Views) == 0 {
				t.Fatal("the imported model has no views")
			}
			drawn := siteSVGs(t, site)
			for _, v := range res.Model.Views {
				if id := style.ID(v.ID, "view", v.ID); drawn[id] == 0 {
					t.Errorf("view %q: no SVG with id %q in the site", v.ID, id)
				}
			}
		})
	}
}

// siteSVGs parses every <svg> element of every page of the site as XML,
// failing the test on one that is not well-formed, and counts them by the
// id of their root element.
func siteSVGs(t *testing.T, site string) map[string]int {
	t.Helper()
	ids := map[string]int{}
	for rel, page := range readTree(t, site) {
		if !strings.HasSuffix(rel, ".html") {
			continue
		}
		for rest := page; ; {
			i := bytes.Index(rest, []byte("<svg"))
			if i < 0 {
				break
			}
			rest = rest[i:]
			id, n, err := parseSVG(rest)
			if err != nil {
				t.Errorf("%s: an SVG is not well-formed XML: %v", rel, err)
				break
			}
			ids[id]++
			rest = rest[n:]
		}
	}
	return ids
}

// parseSVG reads the element that starts data, strictly, and returns its
// id attribute and its length in bytes.
func parseSVG(data []byte) (id string, n int, err error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	depth := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return "", 0, errors.New("unterminated <svg> element")
		}
		if err != nil {
			return "", 0, err
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				for _, a := range el.Attr {
					if a.Name.Local == "id" && a.Name.Space == "" {
						id = a.Value
					}
				}
			}
			depth++
		case xml.EndElement:
			depth--
			if depth == 0 {
				return id, int(dec.InputOffset()), nil
			}
		}
	}
}
