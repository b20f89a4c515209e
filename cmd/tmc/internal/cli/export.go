package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tmc-dev/tmc/render/export"
)

func newExport() *cobra.Command {
	var mflags modelFlags
	var out string
	cmd := &cobra.Command{
		Use:   "export FORMAT PATH",
		Short: "Write the model in another tool's format (otm, threat-dragon, threagile)",
		Long: `Export compiles the model at PATH (a folder or one .tm file) and writes it
in the format of another threat-modeling tool:

  otm            Open Threat Model JSON (OTM 0.2.0): trust zones, components,
                 dataflows, assets, threats and mitigations; tmc facts
                 without an OTM field are attributes
  threat-dragon  a Threat Dragon v2 model: one STRIDE diagram laid out as
                 tmc's own data-flow diagram, with the threats on their
                 elements and flows
  threagile      a Threagile model (YAML), for teams that want its report

A model with errors is not exported: they are printed as tmc check prints
them (exit 1). Warnings do not stop the export. The output goes to
stdout, or with -o to FILE, written whole or not at all.
docs/import-export.md says what each tmc fact becomes in each format and
what is lost.

Exit status: 0 written, 1 the model has errors, 2 usage or I/O error.`,
		Example: `  tmc export otm examples/checkout -o checkout.otm.json
  tmc export threat-dragon . -o threat-model.json
  tmc export threagile threat-model > threagile.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return &usageError{fmt.Errorf("tmc export takes FORMAT and PATH, got %d argument(s) (see 'tmc export --help')", len(args))}
			}
			return nil
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return export.Formats, cobra.ShellCompDirectiveNoFileComp
			}
			return []string{"tm"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			format, path := args[0], args[1]
			known := false
			for _, f := range export.Formats {
				known = known || f == format
			}
			if !known {
				return &usageError{fmt.Errorf("unknown format %q: want %s", format, strings.Join(export.Formats, ", "))}
			}
			if out != "" {
				if info, err := os.Stat(out); err == nil && info.IsDir() {
					return &usageError{fmt.Errorf("-o %s is a folder: give the file to write", out)}
				}
			}
			res, err := compile(path, &mflags)
			if err != nil {
				return err
			}
			if res.Diags.HasErrors() {
				if err := printer(res).Text(cmd.ErrOrStderr(), res.Diags); err != nil {
					return &usageError{err}
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "tmc: %s has errors: not exported\n", path)
				return &exitError{ExitFail}
			}
			data, err := export.Export(context.Background(), res.Model, format)
			if err != nil {
				return &usageError{fmt.Errorf("export %s: %w", format, err)}
			}
			if out == "" {
				if _, err := cmd.OutOrStdout().Write(data); err != nil {
					return &usageError{err}
				}
				return nil
			}
			if err := writeAtomic(out, data); err != nil {
				var pe *os.PathError
				if errors.As(err, &pe) {
					return &usageError{fmt.Errorf("cannot write %s: %v", out, pe.Err)}
				}
				return &usageError{err}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s\n", filepath.Clean(out))
			return nil
		},
	}
	mflags.register(cmd)
	cmd.Flags().StringVarP(&out, "out", "o", "", "write to this file (replaced whole, never half-written) instead of stdout")
	return cmd
}
