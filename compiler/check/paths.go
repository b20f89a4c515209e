package check

import (
	"fmt"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
)

// Paths checks the files a model names: control tests and evidence and
// decision records must exist (TM502) and must not point outside the
// project root (TM503). Paths are relative to the .tm file that names
// them and may go up to the project root.
var Paths = &Check{
	Name:  "paths",
	Codes: []string{"TM502", "TM503"},
	Doc:   "test, evidence and file paths exist and stay inside the project root",
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

// pathsRule is what every TM502 and TM503 says about where paths lead.
const pathsRule = "paths are relative to the .tm file that names them and use /; they may go up to the project root (the nearest folder above the model holding .git or tmc.toml, or --root), never beyond it nor into a .git folder"

func path(p *Pass, f *ir.FileRef, what, owner string) {
	switch {
	case f.Escapes && f.Resolved != "":
		d := p.Diags.Errorf("TM503", f.Range, "%s %q of %s resolves to %s, outside the project root", what, f.Path, owner, f.Resolved)
		d.Detail = "a symbolic link on the path leads out of the project root; tmc reads nothing outside it"
	case f.Escapes:
		d := p.Diags.Errorf("TM503", f.Range, "%s %q of %s is outside the project root", what, f.Path, owner)
		d.Detail = pathsRule
	case !f.Found:
		msg := fmt.Sprintf("%s %q of %s not found", what, f.Path, owner)
		if f.Name != "" && strings.TrimSuffix(f.Name, "/") != strings.TrimSuffix(f.Path, "/") {
			msg += fmt.Sprintf(" (it names %s, relative to the model root)", f.Name)
		}
		d := p.Diags.Errorf("TM502", f.Range, "%s", msg)
		d.Detail = pathsRule
		if f.Suggest != "" {
			test := ""
			if f.Test != "" {
				test = ":" + f.Test
			}
			d.Detail = fmt.Sprintf("paths are relative to the .tm file that names them; relative to the model root, %q exists: write `%s %q`", f.Path, what, f.Suggest+test)
		}
	}
}
