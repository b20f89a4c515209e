package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tmc-dev/tmc/cmd/tmc/internal/lsp"
)

func newLSP() *cobra.Command {
	return &cobra.Command{
		Use:   "lsp",
		Short: "Run the language server (LSP over stdio) for editors",
		Long: `Run tmc's language server: the Language Server Protocol 3.17 over
standard input and output, for editors. It checks the model that holds
each open .tm file as you type (the diagnostics of tmc check), and
answers hover, go to definition, find references, rename, completion,
quick fixes, document and workspace symbols and semantic highlighting.

An editor starts it; see docs/editors.md for VS Code, Neovim, Helix and
Zed. Messages it cannot send to the editor go to standard error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s := lsp.New()
			s.Version = version()
			s.Log = cmd.ErrOrStderr()
			err := s.Serve(cmd.Context(), cmd.InOrStdin(), cmd.OutOrStdout())
			if errors.Is(err, lsp.ErrExitWithoutShutdown) {
				return &exitError{ExitFail}
			}
			if err != nil {
				return &usageError{fmt.Errorf("lsp: %w", err)}
			}
			return nil
		},
	}
}
