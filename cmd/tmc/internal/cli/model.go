package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/engine"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/compiler/testresults"
)

// maxResultsFile is the size limit of one test results file: the JUnit
// XML of a large Maven build runs to tens of megabytes.
const maxResultsFile = 256 << 20

// modelFlags are the flags of every command that compiles a model.
type modelFlags struct {
	root        string   // --root: the project root
	testResults []string // --test-results: files or patterns
}

// register adds the flags every command that compiles a model takes.
func (f *modelFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.root, "root", "", "project root: the folder test, evidence and decision paths may go up to, never beyond (default: the nearest folder at or above the model holding .git or tmc.toml, else the model folder)")
}

// registerResults adds --test-results.
func (f *modelFlags) registerResults(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.testResults, "test-results", nil, "read test results from this file: go test -json output or JUnit XML (repeatable; a quoted pattern such as 'reports/*.xml' reads every file it matches); the controls' tests are then passed, failed or not run")
}

// options returns the compiler options the flags ask for, reading the
// test results files. A results file that is missing is a usage error;
// one that is not test results is a diagnostic (TM607).
func (f *modelFlags) options() (compiler.Options, error) {
	opts := compiler.Options{Root: f.root}
	if len(f.testResults) == 0 {
		return opts, nil
	}
	var names []string
	for _, v := range f.testResults {
		if !strings.ContainsAny(v, "*?[") {
			names = append(names, v)
			continue
		}
		m, err := filepath.Glob(v)
		if err != nil {
			return opts, &usageError{fmt.Errorf("--test-results %s: %v", v, err)}
		}
		if len(m) == 0 {
			return opts, &usageError{fmt.Errorf("--test-results %s matches no file", v)}
		}
		names = append(names, m...) // Glob sorts
	}
	r := &testresults.Results{}
	for _, name := range names {
		info, err := os.Stat(name)
		switch {
		case err != nil:
			return opts, &usageError{fmt.Errorf("--test-results: %w", err)}
		case !info.Mode().IsRegular():
			return opts, &usageError{fmt.Errorf("--test-results %s is not a regular file", name)}
		case info.Size() > maxResultsFile:
			return opts, &usageError{fmt.Errorf("--test-results %s is %d MB, over the limit of %d MB", name, info.Size()>>20, maxResultsFile>>20)}
		}
		data, err := os.ReadFile(name)
		if err != nil {
			return opts, &usageError{fmt.Errorf("--test-results: %w", err)}
		}
		_ = r.Add(name, data, info.ModTime()) // a file that is not results is TM607
	}
	opts.TestResults = r
	return opts, nil
}

// compileWith is compile for the rebuild loop of serve and watch.
func compileWith(flags *modelFlags) func(string) (*compiler.Result, error) {
	return func(path string) (*compiler.Result, error) {
		opts, err := flags.options()
		if err != nil {
			return nil, err
		}
		return compiler.Compile(path, opts)
	}
}

// compileIncremental is compileWith for the commands that compile one
// model again and again (serve, watch): one incremental engine
// (compiler/engine) for the life of the command, so a rebuild parses only
// the files that changed since the last.
func compileIncremental(flags *modelFlags) func(string) (*compiler.Result, error) {
	var (
		mu sync.Mutex
		e  *engine.Engine
	)
	return func(path string) (*compiler.Result, error) {
		mu.Lock()
		defer mu.Unlock()
		if e == nil {
			opts, err := flags.options()
			if err != nil {
				return nil, err
			}
			e = engine.New(path, opts)
		}
		return e.Update()
	}
}

// textTestResults prints, when the model was compiled with test results,
// the state of every test the controls name, in model order:
//
//	test results: 2026-12-05T18:58:27Z (test-results.json)
//	  passed   control "webhook_signature": ../services/billing/webhook_test.go:TestWebhookSignature
//	  failed   control "replay_guard": ../services/billing/webhook_test.go:TestIgnoresReplayedEvent
//	  not run  control "sandbox": ../services/billing/webhook_test.go:TestChargeRetry
//	tests: 1 passed, 1 failed, 1 not run
func textTestResults(w io.Writer, m *ir.Model) error {
	if m.TestRun == nil {
		return nil
	}
	var b strings.Builder
	when := "no time"
	if !m.TestRun.Time.IsZero() {
		when = m.TestRun.Time.UTC().Format("2006-01-02T15:04:05Z")
	}
	fmt.Fprintf(&b, "test results: %s (%s)\n", when, strings.Join(m.TestRun.Files, ", "))
	n := map[string]int{}
	for _, k := range m.Controls {
		for _, f := range k.Tests {
			if f == nil || f.Result == nil {
				continue
			}
			n[f.Result.State]++
			name := f.Path
			if f.Test != "" {
				name += ":" + f.Test
			}
			fmt.Fprintf(&b, "  %-8s control %q: %s\n", f.Result.State, k.ID, name)
		}
	}
	fmt.Fprintf(&b, "tests: %d passed, %d failed, %d not run\n", n[ir.TestPassed], n[ir.TestFailed], n[ir.TestNotRun])
	_, err := io.WriteString(w, b.String())
	return err
}
