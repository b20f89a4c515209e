package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/render/site"
)

// maxADRSize bounds a decision record read into the site.
const maxADRSize = 1 << 20

func newBuild() *cobra.Command {
	var (
		mflags    modelFlags
		out       string
		sourceURL string
		base      string
	)
	cmd := &cobra.Command{
		Use:   "build [PATH]",
		Short: "Build the threat-report site",
		Long: `Build writes the static threat-report site of the model at PATH (default:
the current folder) into the output folder (default site/): an overview
with the risk heat map and every diagram, a page per boundary, element,
flow, data asset, threat, control and decision, the threat register, the
control backlog, the diagnostics, search, report.html (the whole model on
one page, for print and PDF), and model.json. Every page's footer names
the commit the model comes from, its date and the tmc version.

With --base REV, the site has a Changes page too: what changed in threat
terms between the model at the git revision REV and the model now (the
work tree), as tmc diff reports it.

The site is built in a temporary folder and swapped in at the end: a build
that fails leaves the previous site untouched. A model with check errors
still builds (the site shows them) and tmc exits 1; a model with syntax or
resolution errors prints them and writes nothing.`,
		Example: `  tmc build examples/checkout
  tmc build -o public --source-url 'https://github.com/ORG/REPO/blob/main/{path}' .
  tmc build --base origin/main threat-model`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			start := time.Now()
			path := modelPath(args)
			if err := checkSourceURL(sourceURL); err != nil {
				return &usageError{err}
			}
			dir, err := outputFor(path, out, replaceFolder)
			if err != nil {
				return err
			}
			res, err := compile(path, &mflags)
			if err != nil {
				return err
			}
			stdout := cmd.OutOrStdout()
			if err := printer(res).Text(stdout, res.Diags); err != nil {
				return &usageError{err}
			}
			if blocking(res.Diags) {
				fmt.Fprintln(cmd.ErrOrStderr(), "tmc: syntax or resolution errors: site not built, the previous one is untouched")
				return &exitError{ExitFail}
			}
			in := site.Input{Model: res.Model, Diags: res.Diags, ReadFile: modelFileReader(res.Source),
				Revision: revisionOf(res.Source.Root)}
			if base != "" {
				if in.Changes, err = baseChanges(base, path, mflags.root, res, cmd.ErrOrStderr()); err != nil {
					return err
				}
			}
			stop := progress(cmd.ErrOrStderr(), "building site")
			files, err := site.Build(context.Background(), in, site.Options{SourceURL: sourceURL, Version: version()})
			stop()
			if err != nil {
				return fmt.Errorf("site not built, the previous one is untouched: %w", err)
			}
			if err := swapIn(dir, files); err != nil {
				return &usageError{fmt.Errorf("site not written, the previous one is untouched: %w", err)}
			}
			pages := 0
			for _, f := range files {
				if strings.HasSuffix(f.Path, ".html") {
					pages++
				}
			}
			fmt.Fprintf(stdout, "wrote %s: %d pages, %d diagrams in %.2fs\n", out, pages, len(res.Model.Views), time.Since(start).Seconds())
			return status(res.Diags, false)
		},
	}
	mflags.register(cmd)
	mflags.registerResults(cmd)
	cmd.Flags().StringVarP(&out, "out", "o", "site", "folder to write the site to (replaced as a whole)")
	cmd.Flags().StringVar(&base, "base", "", "add a Changes page: what changed since this git revision (as tmc diff REV -- PATH)")
	cmd.Flags().StringVar(&sourceURL, "source-url", "", "link test, evidence and decision files: a URL with {path}, e.g. https://github.com/ORG/REPO/blob/main/{path}")
	return cmd
}

// modelFileReader reads the files the model names for the site (decision
// records), through the compiler's confined reader: no path, and no
// symbolic link, leads it out of the project root.
func modelFileReader(src *compiler.Source) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		return src.ReadRef(name, maxADRSize)
	}
}

// progress shows that a long step is running when w is a terminal: after a
// second, the elapsed time, updated in place. The returned func stops it.
func progress(w io.Writer, what string) func() {
	f, ok := w.(*os.File)
	if !ok {
		return func() {}
	}
	if info, err := f.Stat(); err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		start := time.Now()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		shown := false
		for {
			select {
			case <-done:
				if shown {
					fmt.Fprint(f, "\r\033[K")
				}
				return
			case <-tick.C:
				fmt.Fprintf(f, "\r%s… %ds", what, int(time.Since(start).Seconds()))
				shown = true
			}
		}
	}()
	return func() { close(done); <-finished }
}
