package check

import (
	"fmt"

	"github.com/tmc-dev/tmc/compiler/ir"
)

// Paths checks the files a model names: control tests and evidence and
// decision records must exist under the model root (TM502) and must not
// point outside it (TM503).
var Paths = &Check{
	Name:  "paths",
	Codes: []string{"TM502", "TM503"},
	Doc:   "test, evidence and file paths exist under the model root and stay inside it",
	Run: func(p *Pass) {
		for _, c := range p.Model.Controls {
			for _, f := range c.Tests {
				path(p, f, "test", fmt.Sprintf("control %q", c.ID))
			}
			for _, f := range c.Evidence {
				path(p, f, "evidence", fmt.Sprintf("control %q", c.ID))
			}
		}
		for _, d := range p.Model.Decisions {
			if d.File != nil {
				path(p, d.File, "file", fmt.Sprintf("decision %q", d.ID))
			}
		}
	},
}

func path(p *Pass, f *ir.FileRef, what, owner string) {
	switch {
	case f.Escapes && f.Resolved != "":
		d := p.Diags.Errorf("TM503", f.Range, "%s %q of %s resolves to %s, outside the model root", what, f.Path, owner, f.Resolved)
		d.Detail = "a symbolic link on the path leads out of the model root; tmc reads nothing outside it"
	case f.Escapes:
		d := p.Diags.Errorf("TM503", f.Range, "%s %q of %s is outside the model root", what, f.Path, owner)
		d.Detail = "paths are relative to the model root and use /; a model may only point at files it ships with"
	case !f.Found:
		d := p.Diags.Errorf("TM502", f.Range, "%s %q of %s not found under the model root", what, f.Path, owner)
		d.Detail = "paths are relative to the model root (the folder given to tmc) and use /"
	}
}
