package serve

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/tmc-dev/tmc/compiler"
)

// skipDir reports whether a folder below the model root is left out of the
// model. It mirrors compiler's rule (compiler/load.go, skipDir): testdata,
// vendor, node_modules, tmc-out, names starting with . or _, and folders
// holding the output marker that tmc writes into what it generates. The
// watcher must skip exactly what the loader skips: watching less misses
// changes, watching more rebuilds on tmc's own output (TestSkipMatchesLoader
// keeps the two in step).
func skipDir(dir, name string) bool {
	switch {
	case name == "testdata", name == "vendor", name == "node_modules", name == "tmc-out":
		return true
	case strings.HasPrefix(name, "."), strings.HasPrefix(name, "_"):
		return true
	}
	_, err := os.Lstat(filepath.Join(dir, compiler.OutputMarker))
	return err == nil
}

// editorTemp reports whether a file name is one an editor makes while it
// saves and removes again (or keeps as a backup): never a change to the
// model, and never worth a rebuild.
//
//	4913                  vim's probe for a writable folder
//	*.swp, *.swx, *.swo   vim swap files
//	*~                    vim, emacs and gedit backups
//	.#*                   emacs lock files
//	#*#                   emacs auto-save files
//	.goutputstream-*      GNOME (GIO) atomic writes
//	*___jb_tmp___         JetBrains safe write, new content
//	*___jb_old___         JetBrains safe write, old content
func editorTemp(name string) bool {
	switch {
	case name == "4913":
		return true
	case strings.HasSuffix(name, ".swp"), strings.HasSuffix(name, ".swx"), strings.HasSuffix(name, ".swo"):
		return true
	case strings.HasSuffix(name, "~"):
		return true
	case strings.HasPrefix(name, ".#"):
		return true
	case len(name) > 1 && strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"):
		return true
	case strings.HasPrefix(name, ".goutputstream-"):
		return true
	case strings.HasSuffix(name, "___jb_tmp___"), strings.HasSuffix(name, "___jb_old___"):
		return true
	}
	return false
}

// isModelFile reports whether a file name is a .tm file.
func isModelFile(name string) bool {
	return strings.HasSuffix(name, ".tm") && !editorTemp(name)
}
