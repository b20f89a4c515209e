package compiler

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ProjectMarkers are the names whose presence makes a folder a project
// root: a git checkout (.git, a folder, or a file in a worktree or
// submodule) or a tmc.toml.
var ProjectMarkers = []string{".git", "tmc.toml"}

// FindProject returns the project root of the model root dir (absolute):
// the nearest folder at or above dir that holds one of ProjectMarkers, or
// dir itself when none does, so a model outside any repository keeps its
// own folder as the limit of what it may name.
func FindProject(dir string) string {
	for d := dir; ; {
		for _, m := range ProjectMarkers {
			if _, err := os.Lstat(filepath.Join(d, m)); err == nil {
				return d
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

// SetProject makes dir the project root of the model, as `--root` does:
// the paths the model names may go up to it, never beyond. dir must be an
// existing folder at or above the model root; anything else is a
// *UsageError.
func (s *Source) SetProject(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return &UsageError{err}
	}
	info, err := os.Stat(abs)
	if err != nil {
		return &UsageError{fmt.Errorf("--root: %w", err)}
	}
	if !info.IsDir() {
		return &UsageError{fmt.Errorf("--root %s is not a folder", dir)}
	}
	if !Within(abs, s.Root) && !Within(realPath(abs), realPath(s.Root)) {
		return &UsageError{fmt.Errorf("--root %s does not hold the model folder %s; give a folder at or above it", dir, s.Root)}
	}
	s.Project = abs
	s.refs = nil
	return nil
}

func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// ProjectRoot returns the folder the model's paths may go up to: Project,
// or the model root when no project root is set.
func (s *Source) ProjectRoot() string {
	if s.Project == "" {
		return s.Root
	}
	return s.Project
}

// modelDir returns the model root relative to the project root, with /:
// "" when they are the same folder.
func (s *Source) modelDir() string {
	if s.tree != nil {
		return s.treeDir
	}
	if s.Project == "" || s.Project == s.Root {
		return ""
	}
	rel, err := filepath.Rel(s.Project, s.Root)
	if err != nil || rel == "." {
		rel, err = filepath.Rel(realPath(s.Project), realPath(s.Root))
	}
	if err != nil || rel == "." || !filepath.IsLocal(rel) {
		return ""
	}
	return filepath.ToSlash(rel)
}

// Refs returns the reader of the files the model names (tests, evidence,
// decision records): every read is confined to the project root, as
// Reader confines the .tm files to the model root.
func (s *Source) Refs() *Confined {
	if s.refs == nil {
		s.refs = Confine(s.ProjectRoot())
	}
	return s.refs
}

// ReadRef reads, at most max bytes, the file a model path names, given as
// FileRef.Name (relative to the model root, with /, and perhaps going up
// to the project root with ..): confined to the project root, as every
// read of a named file is.
func (s *Source) ReadRef(name string, max int64) ([]byte, error) {
	p, ok := s.projectPath(name)
	if !ok {
		return nil, &EscapeError{Path: name}
	}
	if s.tree != nil {
		data, size, err := s.treeRead(p, max)
		if err == nil && size > max {
			return nil, &TooLargeError{Path: name, Size: size, Max: max}
		}
		return data, err
	}
	data, err := s.Refs().ReadFile(p, max)
	var esc *EscapeError
	if errors.As(err, &esc) {
		esc.Path = name
	}
	return data, err
}

// inTree returns the name in the model's tree of the project-relative
// path p, and whether p is in the model folder at all.
func (s *Source) inTree(p string) (string, bool) {
	if s.treeDir == "" {
		return p, true
	}
	if p == s.treeDir {
		return ".", true
	}
	if rest, ok := strings.CutPrefix(p, s.treeDir+"/"); ok {
		return rest, true
	}
	return p, false
}

// treeStat is Tree.stat for a project-relative path of a model held in a
// tree: in the model's tree, else through the Outside lookup.
func (s *Source) treeStat(p string) (isFile, isDir bool) {
	p = path.Clean(p)
	if key, in := s.inTree(p); in {
		return s.tree.stat(key)
	}
	if s.outside == nil {
		return false, false
	}
	f, dir := s.outside(p)
	return f != nil, dir
}

// treeRead is Tree.read for a project-relative path of a model held in a
// tree.
func (s *Source) treeRead(p string, max int64) ([]byte, int64, error) {
	p = path.Clean(p)
	if key, in := s.inTree(p); in {
		return s.tree.read(key, max)
	}
	if s.outside != nil {
		if f, _ := s.outside(p); f != nil {
			return Tree{p: f}.read(p, max)
		}
	}
	return nil, 0, fs.ErrNotExist
}

// RefPath returns the file system path of FileRef.Name name, or "" when it
// leaves the project root.
func (s *Source) RefPath(name string) string {
	p, ok := s.projectPath(name)
	if !ok {
		return ""
	}
	return filepath.Join(s.ProjectRoot(), filepath.FromSlash(p))
}

// projectPath turns a model-root-relative name into a project-relative
// one; false when it leaves the project root.
func (s *Source) projectPath(name string) (string, bool) {
	p := path.Clean(path.Join(s.modelDir(), name))
	if path.IsAbs(name) || p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}
