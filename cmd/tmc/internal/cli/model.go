package cli

import (
	"github.com/spf13/cobra"

	"github.com/tmc-dev/tmc/compiler"
)

// modelFlags are the flags of every command that compiles a model.
type modelFlags struct {
	root string // --root: the project root
}

// register adds the flags to cmd.
func (f *modelFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.root, "root", "", "project root: the folder test, evidence and decision paths may go up to, never beyond (default: the nearest folder at or above the model holding .git or tmc.toml, else the model folder)")
}

// options returns the compiler options the flags ask for.
func (f *modelFlags) options() (compiler.Options, error) {
	return compiler.Options{Root: f.root}, nil
}

// compileWith is compile for the rebuild loop of serve and watch: the
// flags are read again on every rebuild (the results files may change).
func compileWith(flags *modelFlags) func(string) (*compiler.Result, error) {
	return func(path string) (*compiler.Result, error) {
		opts, err := flags.options()
		if err != nil {
			return nil, err
		}
		return compiler.Compile(path, opts)
	}
}
