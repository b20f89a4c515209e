package check

import (
	"fmt"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// Evidence holds the loop of the practice closed for the threats that
// matter: every high or critical threat that is neither accepted nor
// transferred needs a control that is implemented or verified (TM603), with
// a test and evidence (TM604); a test named with `test "path:TestName"`
// must be declared in its file (TM605). Whether the files exist is TM502's.
var Evidence = &Check{
	Name:  "evidence",
	Codes: []string{"TM603", "TM604", "TM605"},
	Doc:   "high and critical threats are closed by an implemented control with a test and evidence; named tests exist",
	Run: func(p *Pass) {
		for _, t := range p.Model.Threats {
			if !highRisk(t.Band) || t.Status == ir.Accepted || t.Status == ir.Transferred || len(t.MitigatedBy) == 0 {
				continue // no mitigation at all is TM501's
			}
			var effective []*ir.Control
			for _, k := range t.MitigatedBy {
				if k.Effective() {
					effective = append(effective, k)
				}
			}
			if len(effective) == 0 {
				d := p.Diags.Warnf("TM603", t.IDRange, "%s threat %q has no implemented or verified control", t.Band, t.ID)
				d.Detail = "it stays open until one of its controls is in place: set `status implemented` (or `verified`) when it is, or accept the risk"
				for _, k := range t.MitigatedBy {
					d.Related = append(d.Related, diag.Note{Range: k.IDRange, Message: fmt.Sprintf("control %q is %s", k.ID, statusOr(k.Status))})
				}
				continue
			}
			var gaps []diag.Note
			var help string // the lines the first effective control lacks
			closed := false
			for _, k := range effective {
				var missing, lines []string
				if len(k.Tests) == 0 {
					missing = append(missing, "test")
					lines = append(lines, "`test \"path/to/file_test.go:TestName\"`")
				}
				if len(k.Evidence) == 0 {
					missing = append(missing, "evidence")
					lines = append(lines, "`evidence \"docs/...\"`")
				}
				if len(missing) == 0 {
					closed = true
					break
				}
				if help == "" {
					help = fmt.Sprintf("add %s to control %q (paths relative to its .tm file)", strings.Join(lines, " and "), k.ID)
				}
				gaps = append(gaps, diag.Note{Range: k.IDRange, Message: fmt.Sprintf("control %q has no %s", k.ID, strings.Join(missing, " and no "))})
			}
			if closed {
				continue
			}
			d := p.Diags.Warnf("TM604", t.IDRange, "%s threat %q is mitigated, but no control of it has both a test and evidence", t.Band, t.ID)
			d.Detail = help
			d.Related = gaps
		}
		for _, k := range p.Model.Controls {
			for _, f := range k.Tests {
				if f.Test != "" && f.Found && !f.TestFound {
					d := p.Diags.Warnf("TM605", f.Range, "test %q of control %q is not declared in %s", f.Test, k.ID, f.Path)
					d.Detail = fmt.Sprintf("tmc looks for `func %s(` in a .go file, the name as a whole word in other files; fix the name or the path", f.Test)
				}
			}
		}
	},
}

func statusOr(s string) string {
	if s == "" {
		return "without a status"
	}
	return s
}
