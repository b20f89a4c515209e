package check

import "github.com/tmc-dev/tmc/compiler/ir"

// DataUse warns about data assets that nothing stores, processes or
// carries (TM206): Threagile's unnecessary-data-asset. Such an asset is
// either a leftover, or the model does not yet say where it lives and
// travels, and then every rule about data (encryption, disclosure,
// severity from the data at stake) is blind to it.
var DataUse = &Check{
	Name:  "data-use",
	Codes: []string{"TM206"},
	Doc:   "every data asset is stored, processed or carried somewhere",
	Run: func(p *Pass) {
		used := map[*ir.Data]bool{}
		for _, e := range p.Model.Elements {
			for _, d := range e.Stores {
				used[d] = true
			}
			for _, d := range e.Processes {
				used[d] = true
			}
		}
		for _, f := range p.Model.Flows {
			for _, d := range f.Carries {
				used[d] = true
			}
		}
		for _, d := range p.Model.Data {
			if used[d] {
				continue
			}
			w := p.Diags.Warnf("TM206", d.IDRange, "data %q is stored, processed and carried nowhere", d.ID)
			w.Detail = "no flow `carries` it and no element `stores` or `processes` it, so no rule can say where it is exposed; say where it travels and lives, or delete it if the system no longer has it"
		}
	},
}
