// Package check holds the checks tmc runs over a compiled model. Each
// check is a declared value with a name, the codes it reports and a doc
// line, in a file of its own per family; docs/checks.md documents every
// code. Checks read the IR and report; they never change it.
package check

import (
	"time"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// A Check is one family of checks.
type Check struct {
	Name  string
	Codes []string
	Doc   string
	Run   func(*Pass)
}

// A Pass is what a check sees: the model, today's date, and where to report.
type Pass struct {
	Model *ir.Model
	Now   time.Time
	Diags *diag.Diagnostics
	// Short returns the shortest reference to a declaration that is still
	// unambiguous (its bare id when unique), for help text.
	Short func(path string) string
}

// All lists the checks in the order they run.
var All = []*Check{Crossings, Placement, DataUse, Sequences, Threats, Paths, Evidence, Results, Review}
