package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/dsl"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// fmtOptions are tmc fmt's flags.
type fmtOptions struct {
	write, list, diff, check bool
}

func newFmt() *cobra.Command {
	var o fmtOptions
	cmd := &cobra.Command{
		Use:   "fmt [-w] [-l] [-d] [--check] [PATH...]",
		Short: "Format .tm files in the canonical layout",
		Long: `Fmt prints .tm files in tmc's one canonical layout, as gofmt does for Go:
two-space indentation per block, one space inside a statement and two
between statements that share a line, one-line blocks kept when they fit
in 120 columns, long lists wrapped after a comma, runs of blank lines made
one. Every comment stays where it was, statements stay in the order they
were written, and the formatted file compiles to the same model.

PATH is a .tm file or a folder: every .tm file below it that tmc check
would load (folders named testdata, vendor, node_modules, tmc-out or
starting with . or _ are skipped). Without a PATH, fmt formats standard
input to standard output.

Without a flag, the formatted files are printed to standard output.
  -w        write the result back to each file that changes (through a
            temporary file and a rename; the file's mode is kept)
  -l        list the files whose formatting differs
  -d        print a unified diff of the changes
  --check   list the files whose formatting differs and exit 1 if there
            is one, changing nothing (for CI)

A file with syntax errors is not formatted: fmt prints its diagnostics,
leaves it as it is and goes on with the others.

Exit status: 0, or 1 when a file has syntax errors (or, with --check,
needs formatting), 2 for usage or I/O errors.`,
		Example: `  tmc fmt -w threat-model
  tmc fmt -d services/payments/payments.tm
  tmc fmt --check .`,
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"tm"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFmt(cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr(), args, o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.write, "write", "w", false, "write the result to each file instead of standard output")
	f.BoolVarP(&o.list, "list", "l", false, "list the files whose formatting differs")
	f.BoolVarP(&o.diff, "diff", "d", false, "print a unified diff of the changes")
	f.BoolVar(&o.check, "check", false, "list the files whose formatting differs and exit 1 if any (changes nothing)")
	return cmd
}

func runFmt(stdin io.Reader, stdout, stderr io.Writer, args []string, o fmtOptions) error {
	if o.check && o.write {
		return &usageError{errors.New("--check changes nothing; it cannot be used with -w")}
	}
	r := &fmtRun{o: o, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		if o.write {
			return &usageError{errors.New("cannot use -w with standard input")}
		}
		src, err := io.ReadAll(io.LimitReader(stdin, dsl.MaxFileSize+1))
		if err != nil {
			return err
		}
		r.file("<standard input>", src, nil)
		return r.status()
	}
	// Every PATH is looked at before any file is formatted: a mistyped
	// one is a usage error, not a half-done run.
	var files []string
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil {
			return &usageError{fmt.Errorf("cannot format %s: %w", arg, errors.Unwrap(err))}
		}
		if !info.IsDir() {
			if !info.Mode().IsRegular() {
				return &usageError{fmt.Errorf("cannot format %s: not a regular file", arg)}
			}
			files = append(files, arg)
			continue
		}
		found, err := fmtFiles(arg)
		if err != nil {
			return err
		}
		files = append(files, found...)
	}
	for _, path := range files {
		if err := r.path(path); err != nil {
			return err
		}
	}
	return r.status()
}

// fmtFiles lists the .tm files below dir that tmc check would load, sorted.
func fmtFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != dir && compiler.SkipDir(path, d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if filepath.Ext(path) == ".tm" && d.Type().IsRegular() && !compiler.SkipFile(d.Name()) {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot walk %s: %w", dir, err)
	}
	sort.Strings(out) // WalkDir's order already; said for determinism
	return out, nil
}

type fmtRun struct {
	o              fmtOptions
	stdout, stderr io.Writer
	syntax         bool // a file had syntax errors
	unformatted    bool // a file's formatting differs
}

func (r *fmtRun) status() error {
	if r.syntax || r.o.check && r.unformatted {
		return &exitError{ExitFail}
	}
	return nil
}

// path formats the file at path.
func (r *fmtRun) path(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	src, err := io.ReadAll(io.LimitReader(f, dsl.MaxFileSize+1))
	f.Close()
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", path, err)
	}
	return r.file(path, src, func(out []byte) error { return writeFormatted(path, out) })
}

// file formats src, shown as name, and does what the flags ask; write
// writes the result back.
func (r *fmtRun) file(name string, src []byte, write func([]byte) error) error {
	out, err := dsl.Format(name, src)
	if err != nil {
		var se *dsl.SyntaxError
		if !errors.As(err, &se) {
			return err
		}
		r.syntax = true
		p := &diag.Printer{Source: func(string) []byte { return src }}
		return p.Text(r.stderr, se.Diags)
	}
	changed := !bytes.Equal(src, out)
	if changed {
		r.unformatted = true
	}
	if !r.o.write && !r.o.list && !r.o.diff && !r.o.check {
		_, err := r.stdout.Write(out)
		return err
	}
	if changed && (r.o.list || r.o.check) {
		if _, err := fmt.Fprintln(r.stdout, name); err != nil {
			return err
		}
	}
	if changed && r.o.diff {
		if err := unifiedDiff(r.stdout, name+".orig", name, src, out); err != nil {
			return err
		}
	}
	if changed && r.o.write {
		if err := write(out); err != nil {
			return fmt.Errorf("cannot write %s: %w", name, err)
		}
	}
	return nil
}

// writeFormatted replaces the file at path (or, for a symbolic link, the
// file it points to) with data, keeping its mode, through a temporary file
// in the same folder and a rename: a reader sees the old or the new text,
// never half of one.
func writeFormatted(path string, data []byte) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	info, err := os.Stat(target)
	if err != nil {
		return err
	}
	return writeAtomicMode(target, data, info.Mode().Perm())
}
