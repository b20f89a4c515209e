// Package cli is the tmc command line: flags, wiring, exit codes and
// terminal output over the compiler and renderers. It holds no logic a
// library user would need.
package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Exit statuses.
const (
	ExitOK    = 0 // no error
	ExitFail  = 1 // the model has errors (or warnings, with --strict)
	ExitUsage = 2 // usage or I/O error
)

// exitError carries an exit status out of a command.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// usageError marks an error as the user's invocation's fault (exit 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }

// Main runs tmc with args (without the program name) and returns the exit
// status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintf(stderr, "tmc: %v\n", err)
	var ue *usageError
	if errors.As(err, &ue) {
		return ExitUsage
	}
	// Anything else cobra reports (unknown command, bad flag) is usage.
	return ExitUsage
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "tmc",
		Short: "tmc compiles threat models written beside the code",
		Long: `tmc is a threat model compiler. It reads the .tm files of a model (C4
elements, trust boundaries, data flows, sequences, threats, controls and
decisions), checks them like a compiler - above all that every data flow
crossing a trust boundary says how trust is established there - and
renders diagrams and a threat-report site.

Documentation: docs/language.md, docs/checks.md and docs/cli.md.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())}
	})
	root.AddCommand(newInit(), newImport(), newCheck(), newDiff(), newRules(), newRender(), newBuild(), newServe(), newWatch(), newExport(), newFmt(), newLSP(), newVersion())
	return root
}
