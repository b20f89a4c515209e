package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl"
	"github.com/tmc-dev/tmc/dsl/diag"
	"github.com/tmc-dev/tmc/render"
	"github.com/tmc-dev/tmc/render/site"
)

func newRender() *cobra.Command {
	var (
		mflags   modelFlags
		out      string
		views    []string
		linkBase string
	)
	cmd := &cobra.Command{
		Use:   "render [PATH]",
		Short: "Render the model's diagrams as SVG",
		Long: `Render writes one SVG per view of the model at PATH (default: the current
folder) into the output folder: the default views (dfd, context,
container-<system>, component-<container>, sequence-<id>) and the declared
ones. A model with check errors still renders (the diagrams show them); a
model with syntax or resolution errors prints them and writes nothing.

Exit status as tmc check.`,
		Example: `  tmc render examples/checkout
  tmc render -o docs/diagrams --view dfd --view sequence-checkout .`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := modelPath(args)
			dir, err := outputFor(path, out, addFiles)
			if err != nil {
				return err
			}
			res, err := compile(path, &mflags)
			if err != nil {
				return err
			}
			p := printer(res)
			stdout := cmd.OutOrStdout()
			if err := p.Text(stdout, res.Diags); err != nil {
				return &usageError{err}
			}
			if blocking(res.Diags) {
				fmt.Fprintln(cmd.ErrOrStderr(), "tmc: syntax or resolution errors: no diagrams written")
				return &exitError{ExitFail}
			}
			selected, err := selectViews(res.Model, views)
			if err != nil {
				return &usageError{err}
			}
			opts := render.Options{EmbedFont: true}
			if linkBase != "" {
				base := strings.TrimSuffix(linkBase, "/") + "/"
				// The page the site writes for the thing, named as the site names it.
				opts.Link = func(kind, id string) string {
					if p := site.PageLink(kind, id); p != "" {
						return base + p
					}
					return ""
				}
			}
			// A view that cannot be drawn (too large to lay out in time) is
			// reported; the other views are still written.
			rendered := make([][]byte, len(selected))
			failed := 0
			for i, v := range selected {
				svg, err := render.View(context.Background(), res.Model, v, opts)
				if err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "tmc: view %q not rendered: %v\n", v.ID, err)
					failed++
					continue
				}
				rendered[i] = svg
			}
			// Everything rendered: now write, each file atomically.
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return &usageError{err}
			}
			if !marked(dir) {
				if err := writeAtomic(filepath.Join(dir, compiler.OutputMarker), []byte("written by tmc render; tmc does not load .tm files below this folder\n")); err != nil {
					return &usageError{err}
				}
			}
			for i, v := range selected {
				if rendered[i] == nil {
					continue
				}
				file := filepath.Join(out, render.FileName(v))
				if err := writeAtomic(file, rendered[i]); err != nil {
					return &usageError{err}
				}
				fmt.Fprintf(stdout, "wrote %s\n", file)
			}
			if failed > 0 {
				return &exitError{ExitFail}
			}
			return status(res.Diags, false)
		},
	}
	mflags.register(cmd)
	cmd.Flags().StringVarP(&out, "out", "o", filepath.Join("tmc-out", "diagrams"), "folder to write the SVG files to")
	cmd.Flags().StringArrayVar(&views, "view", nil, "render only this view (repeatable); see the ids tmc render prints")
	cmd.Flags().StringVar(&linkBase, "link-base", "", "make every element, flow and boundary a link to its page of the site (tmc build) at LINK-BASE: LINK-BASE/<kind>/<page name>.html")
	return cmd
}

// blocking reports whether the model did not resolve: syntax (TM1xx) and
// resolution (TM2xx) errors leave nothing sound to draw.
func blocking(ds diag.Diagnostics) bool {
	for _, d := range ds {
		if d.Severity == diag.Error && (strings.HasPrefix(d.Code, "TM1") || strings.HasPrefix(d.Code, "TM2")) {
			return true
		}
	}
	return false
}

func selectViews(m *ir.Model, ids []string) ([]*ir.View, error) {
	if len(ids) == 0 {
		return m.Views, nil
	}
	byID := map[string]*ir.View{}
	var all []string
	for _, v := range m.Views {
		byID[v.ID] = v
		all = append(all, v.ID)
	}
	sort.Strings(all)
	var out []*ir.View
	for _, id := range ids {
		v, ok := byID[id]
		if !ok {
			msg := fmt.Sprintf("no view %q", id)
			if s := dsl.Suggest(id, all); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			return nil, fmt.Errorf("%s (views: %s)", msg, strings.Join(all, ", "))
		}
		out = append(out, v)
	}
	return out, nil
}

// writeAtomic writes a file through a temporary file and a rename, so a
// reader never sees half a file.
func writeAtomic(path string, data []byte) error { return writeAtomicMode(path, data, 0o644) }

// writeAtomicMode is writeAtomic for a file of the given mode.
func writeAtomicMode(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmc-*.tmp")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
