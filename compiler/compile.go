package compiler

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/tmc-dev/tmc/compiler/check"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/compiler/rules"
	"github.com/tmc-dev/tmc/compiler/testresults"
	"github.com/tmc-dev/tmc/dsl"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// Options tune a compilation.
type Options struct {
	// Now is today, for checks that depend on the date. Zero means
	// SOURCE_DATE_EPOCH when set, else the clock (see Today).
	Now time.Time

	// Root is the project root, as `--root` gives it: the folder the
	// paths the model names may go up to. "" means the nearest folder
	// above the model holding .git or tmc.toml (FindProject).
	Root string

	// TestResults are the results of test runs (--test-results): the
	// tests the controls name are matched against them (TM606, TM607).
	// nil means none were given.
	TestResults *testresults.Results
}

// Today returns the date checks compare against: SOURCE_DATE_EPOCH (Unix
// seconds) when set, so tests and reproducible builds pin it, else now.
func Today() (time.Time, error) {
	if v := os.Getenv("SOURCE_DATE_EPOCH"); v != "" {
		sec, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", v)
		}
		return time.Unix(sec, 0).UTC(), nil
	}
	return time.Now().UTC(), nil
}

// A Result is a compiled model and everything found on the way.
type Result struct {
	Source *Source
	Model  *ir.Model
	Diags  diag.Diagnostics // sorted by file, line, column
}

// Compile loads and compiles the model at path (a folder or one file). The
// error is non-nil only for usage problems (a path that does not exist, a
// bad SOURCE_DATE_EPOCH); problems in the model are diagnostics.
func Compile(path string, opts Options) (*Result, error) {
	if opts.Now.IsZero() {
		now, err := Today()
		if err != nil {
			return nil, &UsageError{err}
		}
		opts.Now = now
	}
	src, err := Load(path)
	if err != nil {
		return nil, err
	}
	if opts.Root != "" {
		if err := src.SetProject(opts.Root); err != nil {
			return nil, err
		}
	}
	return CompileSource(src, opts), nil
}

// CompileSource compiles already loaded files. Resolution and checks run on
// whatever parsed.
func CompileSource(src *Source, opts Options) *Result {
	if opts.Now.IsZero() {
		opts.Now = time.Now().UTC()
	}
	c := &compiler{
		m:        &ir.Model{},
		opts:     opts,
		root:     src.Root,
		modelDir: src.modelDir(),
		files:    src.Refs(),
		tree:     src.tree,
		src:      src,
		syms:     map[string]*symbol{},
		byName:   map[string][]*symbol{},
		props:    map[any]map[string]diag.Range{},
		broken:   map[string]bool{},
	}
	c.diags = append(c.diags, src.Diags...)
	for _, f := range src.Files {
		c.m.Files = append(c.m.Files, f.Name)
	}
	c.declareFiles(src.Files)
	c.lower()
	computeCrossings(c.m)
	c.finishViews()
	c.applyResults(opts.TestResults)
	pass := &check.Pass{Model: c.m, Now: opts.Now, Diags: &c.diags, Short: c.shortName}
	for _, k := range check.All {
		k.Run(pass)
	}
	c.m.Findings = rules.Run(c.m)
	c.settleFindings()
	c.diags.Sort()
	return &Result{Source: src, Model: c.m, Diags: c.diags}
}

// ParseFile is a convenience for tools and tests: parse and compile one
// in-memory file as a whole model rooted at root.
func ParseFile(root, name string, text []byte, opts Options) *Result {
	f, ds := dsl.Parse(name, text)
	return CompileSource(&Source{Root: root, Files: []*dsl.File{f}, Diags: ds}, opts)
}
