package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
		out       string
		sourceURL string
	)
	cmd := &cobra.Command{
		Use:   "build [PATH]",
		Short: "Build the threat-report site",
		Long: `Build writes the static threat-report site of the model at PATH (default:
the current folder) into the output folder (default site/): an overview
with the risk heat map and every diagram, a page per boundary, element,
flow, data asset, threat, control and decision, the threat register, the
control backlog, the diagnostics, search, and model.json.

The site is built in a temporary folder and swapped in at the end: a build
that fails leaves the previous site untouched. A model with check errors
still builds (the site shows them) and tmc exits 1; a model with syntax or
resolution errors prints them and writes nothing.`,
		Example: `  tmc build examples/checkout
  tmc build -o public --source-url 'https://github.com/ORG/REPO/blob/main/{path}' .`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			start := time.Now()
			path := modelPath(args)
			if err := checkSourceURL(sourceURL); err != nil {
				return &usageError{err}
			}
			if err := checkOutputFolder(out); err != nil {
				return &usageError{err}
			}
			res, err := compile(path)
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
			stop := progress(cmd.ErrOrStderr(), "building site")
			files, err := site.Build(context.Background(), site.Input{
				Model: res.Model, Diags: res.Diags, ReadFile: modelFileReader(res.Source.Root),
			}, site.Options{SourceURL: sourceURL})
			stop()
			if err != nil {
				return fmt.Errorf("site not built, the previous one is untouched: %w", err)
			}
			if err := swapIn(out, files); err != nil {
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
	cmd.Flags().StringVarP(&out, "out", "o", "site", "folder to write the site to (replaced as a whole)")
	cmd.Flags().StringVar(&sourceURL, "source-url", "", "link test, evidence and decision files: a URL with {path}, e.g. https://github.com/ORG/REPO/blob/main/{path}")
	return cmd
}

// modelFileReader reads files under the model root for the site (decision
// records), refusing paths that leave it.
func modelFileReader(root string) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		if compiler.Escapes(p) {
			return nil, fmt.Errorf("%s: outside the model root", p)
		}
		f, err := os.Open(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil {
			return nil, err
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil {
			return nil, err
		}
		if !info.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: not a regular file", p)
		}
		return io.ReadAll(io.LimitReader(f, maxADRSize))
	}
}

// checkOutputFolder refuses to replace a folder tmc did not write: the
// build replaces its output folder as a whole.
func checkOutputFolder(dir string) error {
	info, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s exists and is not a folder", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, compiler.OutputMarker)); err == nil {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("refusing to replace %s: it is not empty and tmc did not write it (no %s file); remove it or choose another -o", dir, compiler.OutputMarker)
	}
	return nil
}

// swapIn writes files into a new folder beside dir, then swaps it in for
// dir, so readers see the old site or the new one, never a mix, and stale
// files of the old site disappear.
func swapIn(dir string, files []site.File) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".new-")
	if err != nil {
		return err
	}
	fail := func(err error) error {
		os.RemoveAll(tmp)
		return err
	}
	for _, f := range files {
		p := filepath.Join(tmp, filepath.FromSlash(f.Path))
		if !strings.HasPrefix(p, tmp+string(filepath.Separator)) {
			return fail(fmt.Errorf("site file %q leaves the output folder", f.Path))
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fail(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return fail(err)
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, compiler.OutputMarker), []byte("written by tmc build; replaced as a whole by the next build\n"), 0o644); err != nil {
		return fail(err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fail(err)
	}
	old := ""
	if _, err := os.Stat(dir); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			return fail(err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			os.Rename(old, dir) // put the previous site back
		}
		return fail(err)
	}
	if old != "" {
		os.RemoveAll(old)
	}
	return nil
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
