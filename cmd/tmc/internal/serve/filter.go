package serve

import (
	"strings"

	"github.com/tmc-dev/tmc/compiler"
)

// skipDir is the loader's rule (compiler.SkipDir): watching less would
// miss changes, watching more would rebuild on tmc's own output.
func skipDir(dir, name string) bool { return compiler.SkipDir(dir, name) }

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
