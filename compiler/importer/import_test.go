package importer_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/importer"
	"github.com/tmc-dev/tmc/dsl"
)

// update rewrites the golden files instead of comparing: TMC_UPDATE=1.
var update = os.Getenv("TMC_UPDATE") != ""

// today pins the date for checks that depend on it.
var today = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

// peers are the models written by other tools' authors that every
// importer must read (../shared/peers, beside the checkout; never copied
// into the repository).
var peers = []struct{ name, format, path string }{
	{"threagile-example", "threagile", "threagile/threagile-example.yaml"},
	{"td-demo-threat-model", "threat-dragon", "threat-dragon/demo-threat-model.json"},
	{"td-v2-threat-model", "threat-dragon", "threat-dragon/v2-threat-model.json"},
	{"td-generic-cms", "threat-dragon", "threat-dragon/generic-cms.json"},
	{"td-three-tier-web-app", "threat-dragon", "threat-dragon/three-tier-web-app.json"},
	{"otm-example-json", "otm", "otm/EXAMPLE.json"},
	{"otm-example-yaml", "otm", "otm/EXAMPLE.yaml"},
}

const peersDir = "../../../shared/peers"

// peerFile reads a peer model, skipping the test when ../shared/peers is
// absent, unless TMC_PEER_TESTS is set (CI), where that is a failure.
func peerFile(t testing.TB, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(peersDir, filepath.FromSlash(rel)))
	if err != nil {
		if os.Getenv("TMC_PEER_TESTS") != "" {
			t.Fatalf("TMC_PEER_TESTS is set but the peer model is missing: %v", err)
		}
		t.Skipf("the peer models are not beside the checkout (%s), so importing them is not tested: %v", peersDir, err)
	}
	return data
}

// compileClean compiles the imported files and fails on any syntax or
// resolution error (TM1xx, TM2xx) and any error but an unmarked crossing
// (TM301), the gap the source leaves for tmc check to report.
func compileClean(t testing.TB, res *importer.Result) *compiler.Result {
	t.Helper()
	for _, f := range res.Files {
		if out, err := dsl.Format(f.Name, f.Data); err != nil || !bytes.Equal(out, f.Data) {
			t.Errorf("imported %s is not formatted as tmc fmt formats it (%v)", f.Name, err)
		}
	}
	cres, err := res.Compile("imported", compiler.Options{Now: today})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range cres.Diags {
		if d.Severity.String() == "error" && d.Code != "TM301" {
			t.Errorf("imported model: %v", d)
		}
	}
	return cres
}

// TestPeers imports every peer model, pins the .tm files and the summary
// under testdata/NAME, and checks that the model compiles without syntax
// or resolution errors and has views to draw.
func TestPeers(t *testing.T) {
	for _, p := range peers {
		t.Run(p.name, func(t *testing.T) {
			data := peerFile(t, p.path)
			res, err := importer.Import(p.format, data)
			if err != nil {
				t.Fatal(err)
			}
			again, err := importer.Import(p.format, data)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(res.Files, again.Files, func(a, b importer.File) bool { return a.Name == b.Name && bytes.Equal(a.Data, b.Data) }) {
				t.Error("two imports of the same file differ")
			}
			cres := compileClean(t, res)
			if len(cres.Model.Views) == 0 || len(cres.Model.Elements) == 0 {
				t.Errorf("imported model has %d elements and %d views", len(cres.Model.Elements), len(cres.Model.Views))
			}
			var sum bytes.Buffer
			res.Summary.Print(&sum)
			got := map[string][]byte{"summary.txt": sum.Bytes()}
			for _, f := range res.Files {
				got[f.Name] = f.Data
			}
			golden(t, filepath.Join("testdata", p.name), got)
		})
	}
}

// golden compares files with the folder dir, or rewrites it.
func golden(t *testing.T, dir string, got map[string][]byte) {
	t.Helper()
	if update {
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range got {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("no golden files (run with TMC_UPDATE=1): %v", err)
	}
	var want []string
	for _, e := range entries {
		want = append(want, e.Name())
	}
	var names []string
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	if !slices.Equal(want, names) {
		t.Errorf("files: got %v, want %v (TMC_UPDATE=1 rewrites them)", names, want)
	}
	for _, n := range names {
		w, err := os.ReadFile(filepath.Join(dir, n))
		if err == nil && !bytes.Equal(w, got[n]) {
			t.Errorf("%s differs from %s (TMC_UPDATE=1 rewrites it):\n%s", n, filepath.Join(dir, n), firstDiff(string(w), string(got[n])))
		}
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, w, g)
		}
	}
	return ""
}

// TestCrossingMarks: a link that states its protection is marked with
// those facts and where they come from; one that states nothing is not.
func TestCrossingMarks(t *testing.T) {
	src := `title: Marks
technical_assets:
  Client:
    id: client
    type: external-entity
    internet: true
    communication_links:
      Stated:
        target: api
        protocol: https
        authentication: token
        vpn: true
      Silent:
        target: api
  API:
    id: api
    type: process
    technology: web-service-rest
trust_boundaries:
  Cloud:
    id: cloud
    type: network-cloud-provider
    technical_assets_inside: [api]
`
	res, err := importer.Threagile([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cres := compileClean(t, res)
	all := ""
	for _, f := range res.Files {
		all += string(f.Data)
	}
	if !strings.Contains(all, `crosses internet, cloud "imported from Threagile: authentication token, VPN, protocol https"`) {
		t.Errorf("the stated link is not marked with its facts:\n%s", all)
	}
	unmarked := 0
	for _, d := range cres.Diags {
		if d.Code == "TM301" {
			unmarked++
			if !strings.Contains(d.Summary, "silent") {
				t.Errorf("unexpected unmarked crossing: %v", d)
			}
		}
	}
	if unmarked != 1 || res.Summary.Unmarked() != 1 || res.Summary.Marked() != 1 {
		t.Errorf("want the silent link unmarked, and only it: %d TM301, summary %d marked %d unmarked", unmarked, res.Summary.Marked(), res.Summary.Unmarked())
	}
}
