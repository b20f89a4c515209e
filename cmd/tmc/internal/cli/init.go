package cli

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tmc-dev/tmc/compiler"
)

// starterFile is what tmc init writes.
const starterFile = "threat-model.tm"

// defaultInitDir is where tmc init starts a model without a DIR: a folder
// of its own, as the docs lay a repository out, never the current folder.
const defaultInitDir = "threat-model"

// starter is the model tmc init writes: the practice in four steps
// (boundaries, elements, flows that say how they cross, a threat closed
// by a control), small enough to read at once, and clean under tmc check.
//
//go:embed starter.tm.txt
var starter string

func newInit() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Start a threat model: write a commented starter model into DIR",
		Long: `Init writes ` + starterFile + ` into DIR (default: ` + defaultInitDir + `;
created if missing): a small model that checks clean and shows the
practice in four steps - trust boundaries, the people and systems in
them, data flows that say how they cross a boundary, and a threat closed
by a control - with comments saying what to change.

It refuses to write into a folder that holds .tm files already, so it
never touches an existing model, and, as every command that writes, into
an empty path, /, the home folder or the current folder itself.`,
		Example: `  tmc init threat-model
  tmc init --name "Payments" services/payments/threat-model`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := defaultInitDir
			if len(args) == 1 {
				dir = args[0]
			}
			if _, err := checkOutput(dir, "", newModel); err != nil {
				return err
			}
			if strings.ContainsAny(name, "\n\r") || strings.TrimSpace(name) == "" {
				return &usageError{errors.New("--name must be one non-empty line")}
			}
			if existing := tmFiles(dir); len(existing) > 0 {
				return &usageError{fmt.Errorf("%s holds a model already (%s); tmc init starts a new one in an empty folder or one without .tm files", dir, strings.Join(existing, ", "))}
			}
			today, err := compiler.Today()
			if err != nil {
				return &usageError{err}
			}
			text := strings.NewReplacer("{{NAME}}", strconv.Quote(name), "{{TODAY}}", today.Format("2006-01-02")).Replace(starter)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return &usageError{err}
			}
			path := filepath.Join(dir, starterFile)
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if err != nil {
				return &usageError{err}
			}
			if _, err := f.WriteString(text); err != nil {
				f.Close()
				os.Remove(path)
				return &usageError{err}
			}
			if err := f.Close(); err != nil {
				os.Remove(path)
				return &usageError{err}
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "wrote %s\n\nNext:\n", path)
			fmt.Fprintf(out, "  tmc check %s    check it (run it in CI too: docs/ci.md)\n", dir)
			fmt.Fprintf(out, "  tmc serve %s    see it as a site that follows every save\n", dir)
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "My service", "the model's name")
	return cmd
}

// tmFiles lists the .tm files directly in dir, or in the folders below it
// that a model would load, stopping at the first few.
func tmFiles(dir string) []string {
	var found []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || len(found) >= 3 {
			return filepath.SkipDir
		}
		if d.IsDir() && p != dir && compiler.SkipDir(p, d.Name()) {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".tm") {
			rel, _ := filepath.Rel(dir, p)
			found = append(found, filepath.ToSlash(rel))
		}
		return nil
	})
	return found
}
