package rules_test

import (
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/importer"
	"github.com/tmc-dev/tmc/compiler/rules"
)

// importedFullFloor is how many of Threagile's 23 categories the rules
// find fully on the model tmc import writes from Threagile's example
// (measured; the hand translation in testdata/threagile finds 19). Raise
// it when the importer or the rules get better.
const importedFullFloor = 19

// TestThreagileImported is TestThreagileExample's comparison on the model
// that tmc import writes from the peer file itself, not on the hand
// translation: how many of the categories Threagile reports on its example
// the rules find on the same targets, with the importer's reading of the
// facts.
func TestThreagileImported(t *testing.T) {
	data, err := os.ReadFile(threagileExampleYAML)
	if err != nil {
		if os.Getenv("TMC_PEER_TESTS") != "" {
			t.Fatalf("TMC_PEER_TESTS is set but Threagile's example is not beside the checkout: %v", err)
		}
		t.Skipf("Threagile's example model is not beside the checkout (../shared/peers), so its import is not compared: %v", err)
	}
	imp, err := importer.Threagile(data)
	if err != nil {
		t.Fatal(err)
	}
	res, err := imp.Compile("threagile-import", compiler.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range res.Diags {
		if d.Severity.String() == "error" {
			t.Errorf("imported model does not compile: %v", d)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	claimers := map[string][]string{}
	for _, r := range rules.All {
		for _, p := range r.Peers {
			if c, ok := strings.CutPrefix(p, "threagile:"); ok {
				claimers[c] = append(claimers[c], r.ID)
			}
		}
	}
	var names []string
	for c := range threagileExpected {
		names = append(names, c)
	}
	sort.Strings(names)
	full := 0
	var report []string
	for _, c := range names {
		want := threagileExpected[c]
		matched := make([]bool, len(want))
		for _, f := range res.Model.Findings {
			if !slices.Contains(claimers[c], f.Rule) {
				continue
			}
			for i, w := range want {
				if slices.ContainsFunc(w.Targets, func(id string) bool { return sameTarget(f.Target.ID(), id) }) {
					matched[i] = true
				}
			}
		}
		n := 0
		for _, ok := range matched {
			if ok {
				n++
			}
		}
		status := "none"
		switch {
		case n == len(want):
			status = "full"
			full++
		case n > 0:
			status = "part"
		}
		line := c + ": " + status
		if status != "full" {
			line += " (missed: " + strings.Join(missed(want, matched), ", ") + ")"
		}
		report = append(report, line)
	}
	t.Logf("imported Threagile example: %d of %d categories full\n  %s", full, len(threagileExpected), strings.Join(report, "\n  "))
	if full < importedFullFloor {
		t.Errorf("%d categories full on the imported model, fewer than the floor of %d", full, importedFullFloor)
	}
}
