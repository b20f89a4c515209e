package compiler

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/tmc-dev/tmc/dsl"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// OutputMarker is the file tmc writes into folders it generates (the
// site, diagrams); loading skips folders that hold it.
const OutputMarker = ".tmc-output"

// A Source is the loaded text of a model: its root and its parsed files.
type Source struct {
	Root string // absolute path of the model root
	// Project is the absolute path of the project root: the folder the
	// paths the model names (tests, evidence, decision records) may go up
	// to, never beyond (see FindProject and SetProject). "" means Root.
	Project string
	Files   []*dsl.File
	Diags   diag.Diagnostics

	// tree, when set, holds every file of the model (LoadTree): the paths
	// the model names are looked up in it instead of under Root.
	tree Tree
	// treeDir is, for a model held in a tree, its folder relative to the
	// project root, and outside looks up the files above it (LoadTreeIn).
	treeDir string
	outside Outside

	// files reads under Root, confined to it (nil: made on first use).
	files *Confined
	// refs reads under the project root, confined to it (nil: made on
	// first use).
	refs *Confined
}

// Reader returns the reader of the files under the model root: every
// read of a file the model names goes through it, so none leaves the root.
func (s *Source) Reader() *Confined {
	if s.files == nil {
		s.files = Confine(s.Root)
	}
	return s.files
}

// A Tree is a model held in memory, as a git revision holds it: the
// regular files below the model root by root-relative, slash-separated
// name. Each file is its contents, a []byte, or a Blob, read only if the
// model needs its contents. Folders are implied by the files in them.
type Tree map[string]any

// File returns the text of the file with the given root-relative name, or nil.
func (s *Source) File(name string) []byte {
	for _, f := range s.Files {
		if f.Name == name {
			return f.Src
		}
	}
	return nil
}

// A UsageError is a problem with what was asked (a path that does not
// exist), as opposed to a problem in the model.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// SkipDir reports whether the folder name, inside dir's parent (dir is its
// full path), is left out of a model, like the go tool leaves out testdata
// and _ and . folders. tmc serve watches exactly what this loads.
func SkipDir(dir, name string) bool {
	if skipDirName(name) {
		return true
	}
	_, err := os.Lstat(filepath.Join(dir, OutputMarker))
	return err == nil
}

// skipDirName is SkipDir's rule on the folder's name alone.
func skipDirName(name string) bool {
	switch {
	case name == "testdata", name == "vendor", name == "node_modules", name == "tmc-out":
		return true
	case strings.HasPrefix(name, "."), strings.HasPrefix(name, "_"):
		return true
	}
	return false
}

// SkipFile reports whether a .tm file named name is left out when its
// folder is loaded: like the go tool, names starting with . or _ (hidden
// files, Emacs lock files .#x.tm), and editor autosaves starting with #.
func SkipFile(name string) bool { return skipFile(name) }

func skipFile(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || strings.HasPrefix(name, "#")
}

// Load reads the model at path: every .tm file below a folder, or one file.
// Its project root is the nearest folder above holding .git or tmc.toml
// (FindProject); SetProject changes it. It returns a *UsageError when path
// does not exist.
func Load(path string) (*Source, error) { return LoadWith(path, LoadOptions{}) }

// LoadOptions let an incremental user of Load (compiler/engine, for tmc
// serve and tmc lsp) put unsaved editor buffers in place of files and
// reuse the parse of files that did not change.
type LoadOptions struct {
	// Overlay returns the text of a .tm file (root-relative name, with /)
	// to use instead of the file on disk, and whether there is one.
	// Overlay names lists the overlaid files that the walk of a folder
	// would not find on disk (new, unsaved buffers); they join the model
	// when the walk would load them there.
	Overlay      func(name string) ([]byte, bool)
	OverlayNames []string
	// Parse parses the text of one file; nil means dsl.Parse. It must
	// return what dsl.Parse returns for the same name and text, and the
	// result must not be changed afterwards (a cache may hand it out
	// again).
	Parse func(name string, src []byte) (*dsl.File, diag.Diagnostics)
}

// LoadWith is Load with an overlay of unsaved buffers and a parse
// function (see LoadOptions).
func LoadWith(path string, lo LoadOptions) (*Source, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, &UsageError{fmt.Errorf("cannot load model: %w", err)}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, &UsageError{err}
	}
	src := &Source{Root: abs}
	var names []string
	if info.IsDir() {
		names = src.walk()
	} else {
		src.Root = filepath.Dir(abs)
		names = []string{filepath.Base(abs)}
	}
	src.files = Confine(src.Root)
	src.Project = FindProject(src.Root)
	if info.IsDir() && len(lo.OverlayNames) > 0 {
		have := map[string]bool{}
		for _, n := range names {
			have[n] = true
		}
		for _, n := range lo.OverlayNames {
			if !have[n] && strings.HasSuffix(n, ".tm") && Tree(nil).loads(n) {
				have[n] = true
				names = append(names, n)
			}
		}
		sort.Strings(names) // as the walk returns them
	}
	if len(names) == 0 && len(src.Diags) == 0 {
		return nil, noFiles(path)
	}
	parse := lo.Parse
	if parse == nil {
		parse = dsl.Parse
	}
	src.parse(names, func(name string) (*dsl.File, diag.Diagnostics) {
		if lo.Overlay != nil {
			if data, ok := lo.Overlay(name); ok {
				if len(data) > dsl.MaxFileSize {
					var ds diag.Diagnostics
					ds.Errorf("TM100", diag.Range{File: name}, "%s", tooBig(int64(len(data))))
					return nil, ds
				}
				return parse(name, data)
			}
		}
		return src.parseOne(name, parse)
	})
	return src, nil
}

func noFiles(path string) error {
	return &UsageError{fmt.Errorf("no .tm files under %s (folders named testdata, vendor, node_modules, tmc-out or starting with . or _ are skipped)", path)}
}

// LoadTree reads the model held in t as Load reads a folder: the same
// folders and files are left out, and the paths the model names (tests,
// evidence) are looked up in t. root is where the model lives, for
// messages; nothing is read from it. It returns a *UsageError when t
// holds no .tm file.
func LoadTree(root string, t Tree) (*Source, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	src := &Source{Root: root, tree: t}
	var names []string
	for name := range t {
		if strings.HasSuffix(name, ".tm") && t.loads(name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil, noFiles(root)
	}
	sort.Strings(names) // map order
	src.parse(names, func(name string) (*dsl.File, diag.Diagnostics) {
		var ds diag.Diagnostics
		data, size, err := t.read(name, dsl.MaxFileSize)
		switch {
		case size > dsl.MaxFileSize:
			ds.Errorf("TM100", diag.Range{File: name}, "%s", tooBig(size))
		case err != nil:
			ds.Errorf("TM100", diag.Range{File: name}, "cannot read file: %v", err)
		default:
			return dsl.Parse(name, data)
		}
		return nil, ds
	})
	return src, nil
}

// An Outside looks up a file of the project outside the model folder, for
// a model held in a Tree: name is relative to the project root, with /,
// cleaned. It returns the file ([]byte or Blob) or nil, and whether name
// is a folder. tmc diff looks such files up in the git revision.
type Outside func(name string) (file any, isDir bool)

// LoadTreeIn is LoadTree for a model in the folder modelDir (relative to
// the project root, with /; "" for the project root itself) of a project
// whose other files outside looks up: the paths the model names may then go
// up to the project root, as on disk.
func LoadTreeIn(root string, t Tree, modelDir string, outside Outside) (*Source, error) {
	src, err := LoadTree(root, t)
	if err != nil {
		return nil, err
	}
	if modelDir == "." {
		modelDir = ""
	}
	src.treeDir, src.outside = modelDir, outside
	return src, nil
}

// loads reports whether the walk of Load would take the file name: no
// folder on its way is left out by SkipDir, and its own name is not.
func (t Tree) loads(name string) bool {
	parts := strings.Split(name, "/")
	if skipFile(parts[len(parts)-1]) {
		return false
	}
	for i, dir := range parts[:len(parts)-1] {
		if skipDirName(dir) {
			return false
		}
		if _, marked := t[strings.Join(parts[:i+1], "/")+"/"+OutputMarker]; marked {
			return false
		}
	}
	return true
}

// stat reports what the tree holds at the root-relative path p: a file,
// a folder (a prefix of some file), or nothing. It reads no file.
func (t Tree) stat(p string) (isFile, isDir bool) {
	p = path.Clean(p) // as filepath.Join cleans it on disk
	if _, ok := t[p]; ok {
		return true, false
	}
	if p == "." {
		return false, true
	}
	prefix := p + "/"
	for name := range t {
		if strings.HasPrefix(name, prefix) {
			return false, true
		}
	}
	return false, false
}

// maxWalk is how many files and folders loading a folder visits at most:
// a model root is a folder of .tm files and what they name, not a whole
// disk, and a link to / must not make tmc read for minutes.
var maxWalk = 200_000

// walk lists the .tm files below the root, following symbolic links to
// folders once each (a link loop is visited once and reported by
// nothing), as long as they lead to a folder inside the root: a link out
// of the root is not followed (TM506), and a .tm link out of it is not
// read (TM503). Names are relative to the root, with /, sorted.
func (s *Source) walk() []string {
	realRoot := s.Root
	if r, err := filepath.EvalSymlinks(s.Root); err == nil {
		realRoot = r
	}
	var names []string
	visited := map[string]bool{}
	seen := 0
	var walkDir func(dir, rel string) bool
	walkDir = func(dir, rel string) bool {
		real, err := filepath.EvalSymlinks(dir)
		if err != nil || visited[real] {
			return true
		}
		visited[real] = true
		entries, err := os.ReadDir(dir)
		if err != nil {
			s.Diags.Errorf("TM100", diag.Range{File: relOrDot(rel)}, "cannot read folder: %s", cleanErr(err))
			return true
		}
		for _, e := range entries { // ReadDir sorts by name
			if seen++; seen > maxWalk {
				s.Diags.Errorf("TM100", diag.Range{File: "."}, "stopped reading the model after %d files and folders; give tmc the folder that holds the model, not a whole disk or repository", maxWalk).Detail =
					"folders named testdata, vendor, node_modules, tmc-out or starting with . or _ are not read; nor are links that lead out of the model folder"
				return false
			}
			name := e.Name()
			full := filepath.Join(dir, name)
			r := name
			if rel != "" {
				r = rel + "/" + name
			}
			isTM := strings.HasSuffix(name, ".tm")
			if isTM && skipFile(name) {
				continue
			}
			typ := e.Type()
			if typ&fs.ModeSymlink != 0 {
				target, err := filepath.EvalSymlinks(full)
				if err != nil {
					if isTM {
						s.Diags.Errorf("TM100", diag.Range{File: r}, "cannot read file: %s", cleanErr(err))
					}
					continue
				}
				info, err := os.Stat(target)
				if err != nil {
					if isTM {
						s.Diags.Errorf("TM100", diag.Range{File: r}, "cannot read file: %s", cleanErr(err))
					}
					continue
				}
				typ = info.Mode().Type()
				if !Within(realRoot, target) {
					target = leadsOut(realRoot, r, target)
					switch {
					case typ.IsDir() && !skipDirName(name):
						s.Diags.Warnf("TM506", diag.Range{File: r}, "folder link %s resolves to %s, outside the model root: not followed", r, target).Detail =
							"tmc reads nothing outside the model folder; move the .tm files it should load into the model folder"
					case isTM:
						s.Diags.Errorf("TM503", diag.Range{File: r}, "file %s resolves to %s, outside the model root: not read", r, target).Detail =
							"tmc reads nothing outside the model folder; a .tm link must lead to a file inside it"
					}
					continue
				}
			}
			switch {
			case typ.IsDir():
				if !SkipDir(full, name) && !walkDir(full, r) {
					return false
				}
			case typ.IsRegular() && isTM:
				names = append(names, r)
			}
		}
		return true
	}
	walkDir(s.Root, "")
	sort.Strings(names) // sort for determinism: folder order differs from path order
	return names
}

func tooBig(size int64) string {
	return fmt.Sprintf("file is %.1f MB, over the %d MB limit for one .tm file; split the model into several files",
		float64(size)/(1<<20), dsl.MaxFileSize>>20)
}

func relOrDot(rel string) string {
	if rel == "" {
		return "."
	}
	return rel
}

func cleanErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// parse reads and parses the named files in parallel with one. Results
// keep the order of names.
func (s *Source) parse(names []string, one func(name string) (*dsl.File, diag.Diagnostics)) {
	files := make([]*dsl.File, len(names))
	diags := make([]diag.Diagnostics, len(names))
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				files[i], diags[i] = one(names[i])
			}
		}()
	}
	for i := range names {
		work <- i
	}
	close(work)
	wg.Wait()
	for i := range names {
		if files[i] != nil {
			s.Files = append(s.Files, files[i])
		}
		s.Diags = append(s.Diags, diags[i]...)
	}
}

func (s *Source) parseOne(name string, parse func(string, []byte) (*dsl.File, diag.Diagnostics)) (*dsl.File, diag.Diagnostics) {
	data, ok, ds := s.readOne(name)
	if !ok {
		return nil, ds
	}
	return parse(name, data)
}

// ReadFiles reads, without parsing, the text of every .tm file of the
// model at root (a folder), by root-relative name with /, as Load would
// find them; what cannot be read is a diagnostic. Tools that keep parses
// between edits (the language server) read a model this way.
func ReadFiles(root string) (map[string][]byte, diag.Diagnostics) {
	s := &Source{Root: root}
	names := s.walk()
	out := make(map[string][]byte, len(names))
	for _, name := range names {
		data, ok, ds := s.readOne(name)
		s.Diags = append(s.Diags, ds...)
		if ok {
			out[name] = data
		}
	}
	return out, s.Diags
}

// readOne reads one model file, or reports false and why not.
func (s *Source) readOne(name string) ([]byte, bool, diag.Diagnostics) {
	var ds diag.Diagnostics
	data, err := s.Reader().ReadFile(name, dsl.MaxFileSize)
	if err != nil {
		var esc *EscapeError
		var big *TooLargeError
		switch {
		case errors.As(err, &esc):
			ds.Errorf("TM503", diag.Range{File: name}, "file %s, not read", esc).Detail =
				"tmc reads nothing outside the model folder; a .tm link must lead to a file inside it"
		case errors.As(err, &big):
			ds.Errorf("TM100", diag.Range{File: name}, "%s", tooBig(big.Size))
		case errors.Is(err, ErrNotRegular):
			ds.Errorf("TM100", diag.Range{File: name}, "cannot read file: %s", strings.TrimPrefix(err.Error(), name+": "))
		default:
			ds.Errorf("TM100", diag.Range{File: name}, "cannot read file: %s", cleanErr(err))
		}
		return nil, false, ds
	}
	return data, true, nil
}
