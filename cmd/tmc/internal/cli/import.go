package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/importer"
)

func newImport() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "import FORMAT FILE",
		Short: "Write a tmc model from a Threagile, Threat Dragon or Open Threat Model file",
		Long: `Import reads FILE in FORMAT and writes a tmc model into the folder given
with -o (default: ` + defaultInitDir + `): platform.tm with the model block, the trust
boundaries, runtimes, data and controls, then one file per trust zone
with its elements, the flows they send and the threats on them.

FORMAT is one of:
  threagile       a Threagile model (YAML)
  threat-dragon   an OWASP Threat Dragon model (JSON, v2; v1 where the file is one)
  otm             an Open Threat Model file (JSON or YAML)

Every fact of the source is mapped to a tmc fact or listed, on its element,
in a "# not mapped:" comment; the summary printed at the end counts both.
A flow that crosses a trust boundary is marked only where the source states
how the link is protected, with a reason quoting those facts; the others
stay unmarked, so tmc check lists what is left to decide.

As tmc init, it refuses to write into a folder that holds .tm files
already, an empty path, /, the home folder or the current folder itself.`,
		Example: `  tmc import threagile threagile.yaml -o threat-model
  tmc import threat-dragon model.json -o threat-model
  tmc import otm otm.yaml`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, file := args[0], args[1]
			if !contains(importer.Formats, format) {
				return &usageError{fmt.Errorf("unknown format %q: want one of %s", format, strings.Join(importer.Formats, ", "))}
			}
			dir, err := checkOutput(out, "", newModel)
			if err != nil {
				return err
			}
			if existing := tmFiles(dir); len(existing) > 0 {
				return &usageError{fmt.Errorf("%s holds a model already (%s); tmc import writes a new model into an empty folder or one without .tm files", out, strings.Join(existing, ", "))}
			}
			data, err := readLimited(file, importer.MaxInput)
			if err != nil {
				return &usageError{err}
			}
			res, err := importer.Import(format, data)
			if err != nil {
				return &usageError{fmt.Errorf("%s: %w", file, err)}
			}
			// The written model must load: check it in memory first.
			cres, err := res.Compile(dir, compiler.Options{})
			if err != nil {
				return &usageError{err}
			}
			for _, d := range cres.Diags {
				if d.Severity.String() == "error" && (strings.HasPrefix(d.Code, "TM1") || strings.HasPrefix(d.Code, "TM2")) {
					return fmt.Errorf("the imported model does not compile (a bug of tmc import; please report it with the input): %v", d)
				}
			}
			if err := writeNew(dir, res.Files); err != nil {
				return &usageError{err}
			}
			stdout := cmd.OutOrStdout()
			for _, f := range res.Files {
				fmt.Fprintf(stdout, "wrote %s\n", filepath.Join(out, f.Name))
			}
			fmt.Fprintln(stdout)
			res.Summary.Print(stdout)
			fmt.Fprintf(stdout, "\nNext:\n  tmc check %s    see what is left to decide (unmarked crossings, open threats)\n", out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", defaultInitDir, "folder to write the model into (created if missing)")
	return cmd
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// readLimited reads a file of at most max bytes.
func readLimited(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.IsDir() {
		return nil, fmt.Errorf("%s is a folder; name the file to import", name)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is larger than the %d MB tmc import reads", name, max>>20)
	}
	return data, nil
}

// writeNew creates the files in dir, never replacing one: on any failure
// the files written so far are removed.
func writeNew(dir string, files []importer.File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var written []string
	undo := func(err error) error {
		for _, p := range written {
			os.Remove(p)
		}
		return err
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if !strings.HasPrefix(p, dir+string(filepath.Separator)) {
			return undo(errors.New("file " + f.Name + " leaves the output folder"))
		}
		w, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return undo(err)
		}
		written = append(written, p)
		if _, err := w.Write(f.Data); err != nil {
			w.Close()
			return undo(err)
		}
		if err := w.Close(); err != nil {
			return undo(err)
		}
	}
	return nil
}
