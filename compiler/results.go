package compiler

import (
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/compiler/testresults"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// applyResults matches the tests the controls name against the test
// results (Options.TestResults): each test gets a state, passed, failed
// or not run (see package testresults for the rule). A results file that
// could not be read is TM607.
func (c *compiler) applyResults(r *testresults.Results) {
	if r == nil {
		return
	}
	c.m.TestRun = &ir.TestRun{Files: append([]string{}, r.Files...), Time: r.Time}
	for _, e := range r.Errors {
		rg := diag.Range{File: c.outsideName(e.File)}
		if e.Line > 0 {
			rg.Start = diag.Pos{Line: e.Line, Col: 1}
			rg.End = rg.Start
		}
		d := c.diags.Errorf("TM607", rg, "test results %s cannot be read: %s", e.File, e.Msg)
		d.Detail = "tmc reads go test -json output and JUnit XML (<testsuites> or <testsuite> with <testcase> elements); the controls' tests count as not run"
	}
	for _, k := range c.m.Controls {
		for _, f := range k.Tests {
			if f == nil || f.Escapes || f.Name == "" {
				continue
			}
			proj := strings.TrimSuffix(path.Join(c.modelDir, f.Name), "/")
			state, cases := r.Match(proj, f.Test)
			res := &ir.TestResult{State: state}
			files := map[string]bool{}
			for _, tc := range cases {
				files[tc.Source] = true
				if tc.State == testresults.Failed {
					res.Failed = append(res.Failed, tc.ID())
				}
			}
			for name := range files {
				res.Files = append(res.Files, name)
			}
			sort.Strings(res.Files) // map order
			f.Result = res
		}
	}
}

// outsideName returns a file given on the command line (relative to the
// current folder, or absolute) as diagnostics name files: relative to the
// model root, with /.
func (c *compiler) outsideName(name string) string {
	abs, err := filepath.Abs(name)
	if err != nil || c.root == "" {
		return filepath.ToSlash(name)
	}
	rel, err := filepath.Rel(c.root, abs)
	if err != nil {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(rel)
}
