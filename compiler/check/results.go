package check

import (
	"fmt"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// Results holds the controls of the threats that matter to their tests'
// results, when the model is compiled with test results (--test-results):
// a high or critical threat, neither accepted nor transferred, every one
// of whose controls has a test that failed is TM606. The results files
// that cannot be read (TM607) are reported where they are read.
var Results = &Check{
	Name:  "results",
	Codes: []string{"TM606", "TM607"},
	Doc:   "with test results, high and critical threats have a control whose tests did not fail",
	Run: func(p *Pass) {
		if p.Model.TestRun == nil {
			return
		}
		for _, t := range p.Model.Threats {
			if !highRisk(t.Band) || t.Status == ir.Accepted || t.Status == ir.Transferred || len(t.MitigatedBy) == 0 {
				continue
			}
			var parts []string
			var notes []diag.Note
			all := true
			for _, k := range t.MitigatedBy {
				failed := failedTests(k)
				if len(failed) == 0 {
					all = false
					break
				}
				for _, f := range failed {
					parts = append(parts, fmt.Sprintf("control %q: %s in %s", k.ID, testLabel(f), strings.Join(f.Result.Files, ", ")))
					notes = append(notes, diag.Note{Range: f.Range, Message: fmt.Sprintf("failed in %s: %s", strings.Join(f.Result.Files, ", "), firstN(f.Result.Failed, 3))})
				}
			}
			if !all {
				continue
			}
			d := p.Diags.Warnf("TM606", t.IDRange, "%s threat %q: every control of it has a failing test: %s", t.Band, t.ID, strings.Join(parts, "; "))
			d.Detail = "its controls are in place by their status, but the test results say they do not work: fix the code or the test, or set the control back to `status planned` until they pass"
			d.Related = notes
		}
	},
}

// failedTests returns the tests of the control that failed in the results.
func failedTests(k *ir.Control) []*ir.FileRef {
	var out []*ir.FileRef
	for _, f := range k.Tests {
		if f != nil && f.Result != nil && f.Result.State == ir.TestFailed {
			out = append(out, f)
		}
	}
	return out
}

func testLabel(f *ir.FileRef) string {
	if f.Test != "" {
		return fmt.Sprintf("%q", f.Path+":"+f.Test)
	}
	return fmt.Sprintf("%q", f.Path)
}

// firstN joins the first n items and says how many more there are.
func firstN(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}
