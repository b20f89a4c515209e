package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/render/site"
)

// The one output folder policy of every command that writes (build,
// watch, render, init). A command that replaces or fills a folder must
// never be able to remove or change what the user did not ask for: an
// unset variable in `-o "$OUT_DIR"` once made `tmc build` replace, and so
// delete, the current folder.

// outputUse says what a command does with its output folder.
type outputUse int

const (
	// replaceFolder: the folder is replaced as a whole (build, watch).
	replaceFolder outputUse = iota
	// addFiles: files are written into the folder (render).
	addFiles
	// newModel: a new model's file is created in it (init).
	newModel
)

// example is a folder to suggest for a use, as it would be typed.
func (u outputUse) example() string {
	switch u {
	case addFiles:
		return "-o diagrams"
	case newModel:
		return "tmc init " + defaultInitDir
	}
	return "-o site"
}

// display shows an absolute path relative to the current folder when it
// is below it, as the user would type it.
func display(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return rel
		}
	}
	return p
}

// what names a use's output in messages.
func (u outputUse) what() string {
	switch u {
	case addFiles:
		return "the diagrams"
	case newModel:
		return "a new model"
	}
	return "the site"
}

// checkOutput applies the policy to the folder given with -o (or as
// init's DIR) and returns its absolute path, with the symbolic links of
// its existing part resolved: the path every later write must use.
// modelRoot is the root of the model the command reads ("" for init).
// Refused, with a usage error naming the folder: an empty path; /; the
// home folder or a folder above it; the current folder or a folder above
// it; the model root, a folder above it or inside it; anything that is not
// a folder; and a non-empty folder tmc did not create (no .tmc-output
// marker; for init, a folder that holds a model).
func checkOutput(given, modelRoot string, use outputUse) (string, error) {
	refuse := func(format string, args ...any) error {
		return &usageError{fmt.Errorf("refusing to write %s to %q: %s", use.what(), given, fmt.Sprintf(format, args...))}
	}
	if strings.TrimSpace(given) == "" {
		if use == newModel {
			return "", &usageError{errors.New(`the folder is empty (""): name the folder of the new model, e.g. tmc init threat-model`)}
		}
		return "", &usageError{errors.New(`the output folder is empty (-o ""): name a folder, e.g. -o site; an unset variable in -o "$OUT_DIR" gives this`)}
	}
	abs, err := filepath.Abs(given)
	if err != nil {
		return "", &usageError{err}
	}
	out := resolveExisting(abs)
	if filepath.Dir(out) == out {
		return "", refuse("it is the root of the file system")
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		home = resolveExisting(home)
		if out == home {
			return "", refuse("it is your home folder")
		}
		if inside(home, out) {
			return "", refuse("it holds your home folder")
		}
	}
	if wd, err := os.Getwd(); err == nil {
		wd = resolveExisting(wd)
		if out == wd {
			return "", refuse("it is the current folder; name a folder inside it, e.g. %s", use.example())
		}
		if inside(wd, out) {
			return "", refuse("it holds the current folder")
		}
	}
	if modelRoot != "" {
		root := resolveExisting(modelRoot)
		modelRoot = display(modelRoot)
		switch {
		case out == root:
			return "", refuse("it is the model folder; name a folder outside the model, e.g. -o %s", suggestBeside(root, use))
		case inside(root, out):
			return "", refuse("it holds the model folder %s", modelRoot)
		case inside(out, root):
			return "", refuse("it is inside the model folder %s; name a folder outside the model, e.g. -o %s", modelRoot, suggestBeside(root, use))
		}
	}
	info, err := os.Stat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return "", &usageError{err}
	}
	if !info.IsDir() {
		return "", refuse("it exists and is not a folder")
	}
	if use == newModel {
		return out, nil // init looks for a model there itself
	}
	if marked(out) {
		return out, nil
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return "", &usageError{err}
	}
	if len(entries) > 0 {
		return "", refuse("it is not empty and tmc did not create it (no %s file in it); remove it or name another folder", compiler.OutputMarker)
	}
	return out, nil
}

// marked reports whether tmc created the folder: it holds the marker, a
// regular file (a link named like it does not count).
func marked(dir string) bool {
	info, err := os.Lstat(filepath.Join(dir, compiler.OutputMarker))
	return err == nil && info.Mode().IsRegular()
}

// inside reports whether path is strictly below dir; both are clean and
// absolute.
func inside(path, dir string) bool {
	if path == dir {
		return false
	}
	if !strings.HasSuffix(dir, string(filepath.Separator)) {
		dir += string(filepath.Separator)
	}
	return strings.HasPrefix(path, dir)
}

// resolveExisting resolves the symbolic links of the longest existing
// part of the absolute path p and appends the rest: the folder p is, or
// will be once created.
func resolveExisting(p string) string {
	p = filepath.Clean(p)
	var rest []string
	for {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(append([]string{real}, rest...)...)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return filepath.Join(append([]string{p}, rest...)...)
		}
		rest = append([]string{filepath.Base(p)}, rest...)
		p = parent
	}
}

// suggestBeside names a folder beside the model root, relative to the
// current folder when that is shorter, for messages.
func suggestBeside(root string, use outputUse) string {
	name := "site"
	if use == addFiles {
		name = "diagrams"
	}
	s := filepath.Join(filepath.Dir(root), name)
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(resolveExisting(wd), s); err == nil && len(rel) < len(s) {
			return rel
		}
	}
	return s
}

// outputFor applies the policy to the output folder out of a command that
// reads the model at path (see checkOutput).
func outputFor(path, out string, use outputUse) (string, error) {
	root, err := modelRoot(path)
	if err != nil {
		return "", err
	}
	return checkOutput(out, root, use)
}

// modelRoot returns the root of the model at path, as compiler.Load
// takes it: the folder, or the folder of the file.
func modelRoot(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", &usageError{fmt.Errorf("cannot load model: %w", err)}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", &usageError{err}
	}
	if !info.IsDir() {
		abs = filepath.Dir(abs)
	}
	return abs, nil
}

// The temporary folders of a swap are named .NAME.new-RANDOM beside the
// output folder NAME; the one holding the previous site while the new one
// moves in gets .old. One that a killed build left is removed by the next
// build: a live one holds buildingFile, locked while it is written.
const buildingFile = ".tmc-building"

// staleAge is how old a leftover without a lock file must be before it is
// removed: such a folder is either just being made, or about to be
// renamed into place, for a moment.
const staleAge = time.Minute

// swapIn writes files into a new folder beside dir (an absolute path that
// checkOutput accepted), then swaps it in for dir, so readers see the old
// site or the new one, never a mix, and stale files of the old site
// disappear. Leftovers of builds that were killed are removed first.
func swapIn(dir string, files []site.File) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	prefix := "." + filepath.Base(dir) + ".new-"
	removeStale(parent, prefix)
	tmp, err := os.MkdirTemp(parent, prefix)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		os.RemoveAll(tmp)
		return err
	}
	lock, err := lockBuilding(filepath.Join(tmp, buildingFile))
	if err != nil {
		return fail(err)
	}
	defer lock.Close()
	for _, f := range files {
		p := filepath.Join(tmp, filepath.FromSlash(f.Path))
		if !strings.HasPrefix(p, tmp+string(filepath.Separator)) || filepath.Base(p) == buildingFile {
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
	if err := os.Remove(filepath.Join(tmp, buildingFile)); err != nil {
		return fail(err)
	}
	old := ""
	if _, err := os.Lstat(dir); err == nil {
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

// removeStale removes the leftovers of killed swaps in parent: folders
// named prefix+RANDOM (or with .old) whose lock nobody holds, or, without
// a lock file, that are older than staleAge.
func removeStale(parent, prefix string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), prefix) { // IsDir: a link is never followed
			continue
		}
		p := filepath.Join(parent, e.Name())
		switch held, err := lockHeld(filepath.Join(p, buildingFile)); {
		case err == nil && held:
			continue // a build that is running
		case err == nil:
			os.RemoveAll(p) // its build is gone
		default:
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleAge {
				os.RemoveAll(p)
			}
		}
	}
}
