package check

import "fmt"

// Evidence checks that a test named with `test "path:TestName"` is
// declared in its file (TM605).
var Evidence = &Check{
	Name:  "evidence",
	Codes: []string{"TM605"},
	Doc:   "a test named with path:TestName is declared in its file",
	Run: func(p *Pass) {
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
