package compiler

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// A Confined reads the files of one model root, and nothing outside it.
// Every read of a file the model names (its .tm files, the tests,
// evidence and decision records it points at, the records the site
// shows) goes through one: a path is resolved through its symbolic links
// first, and a target outside the root is refused with an *EscapeError
// (TM503), so a model from an untrusted pull request cannot make tmc read
// and publish /proc/self/environ or a file beside the checkout. Only
// regular files are read, each under a size cap. The open itself goes
// through os.Root, so a link swapped in between the check and the open
// cannot escape either.
type Confined struct {
	root string // as given (absolute)

	once     sync.Once
	realRoot string   // root with its own symbolic links resolved
	r        *os.Root // nil when the root cannot be opened
	rootErr  error
}

// Confine returns the reader of the files under root (an absolute path).
func Confine(root string) *Confined { return &Confined{root: root} }

func (c *Confined) open() {
	c.once.Do(func() {
		c.realRoot = c.root
		if real, err := filepath.EvalSymlinks(c.root); err == nil {
			c.realRoot = real
		}
		c.r, c.rootErr = os.OpenRoot(c.realRoot)
	})
}

// An EscapeError is a model path that leads outside the model root:
// lexically (absolute, or climbing out with ..) or through a symbolic
// link, in which case Resolved is where it leads.
type EscapeError struct {
	Path     string // the path as the model names it, relative to the root
	Resolved string // the resolved target, for a symbolic link; "" for a lexical escape
}

func (e *EscapeError) Error() string {
	if e.Resolved != "" {
		return fmt.Sprintf("%s resolves to %s, outside the model root", e.Path, e.Resolved)
	}
	return fmt.Sprintf("%s is outside the model root", e.Path)
}

// ErrNotRegular is returned (wrapped) for a path that is not a regular
// file: a folder, a named pipe, a device, a socket.
var ErrNotRegular = errors.New("not a regular file")

// A TooLargeError is a file over the size cap of a read.
type TooLargeError struct {
	Path      string
	Size, Max int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is %d bytes, over the limit of %d bytes", e.Path, e.Size, e.Max)
}

// Resolve returns the real path of the root-relative, slash-separated path
// p, its symbolic links resolved, or an *EscapeError when it leads
// outside the root. A path that does not exist gives the error of the
// file system (fs.ErrNotExist).
func (c *Confined) Resolve(p string) (string, error) {
	if Escapes(p) {
		return "", &EscapeError{Path: p}
	}
	c.open()
	real, err := filepath.EvalSymlinks(filepath.Join(c.realRoot, filepath.FromSlash(p)))
	if err != nil {
		return "", err
	}
	if !Within(c.realRoot, real) {
		return "", &EscapeError{Path: p, Resolved: leadsOut(c.realRoot, p, real)}
	}
	if rel, err := filepath.Rel(c.realRoot, real); err == nil && inGitDir(filepath.ToSlash(rel)) {
		return "", &EscapeError{Path: p, Resolved: real}
	}
	return real, nil
}

// inGitDir reports whether the slash-separated relative path p passes
// through a folder named .git: a repository's own files (its config may
// hold the CI job's credentials) are never a model's tests, evidence or
// decision records, and never published.
func inGitDir(p string) bool {
	for _, s := range strings.Split(p, "/") {
		if s == ".git" {
			return true
		}
	}
	return false
}

// leadsOut returns where the symbolic links on the root-relative path p
// first lead out of realRoot, as the links say it (/proc/self/environ,
// not the /proc/1234/environ that resolving it gives, so messages are the
// same from run to run); real, the fully resolved path, when the links
// cannot be followed one by one.
func leadsOut(realRoot, p, real string) string {
	cur := realRoot
	parts := strings.Split(p, "/")
	for hops := 0; len(parts) > 0; {
		part := parts[0]
		parts = parts[1:]
		if part == "" || part == "." {
			continue
		}
		next := filepath.Join(cur, part)
		if !Within(realRoot, next) {
			return filepath.Join(append([]string{next}, parts...)...)
		}
		info, err := os.Lstat(next)
		if err != nil {
			return real
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		if hops++; hops > 255 {
			return real
		}
		target, err := os.Readlink(next)
		if err != nil {
			return real
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(cur, target)
		}
		target = filepath.Clean(target)
		if !Within(realRoot, target) {
			return filepath.Join(append([]string{target}, parts...)...)
		}
		rel, err := filepath.Rel(realRoot, target)
		if err != nil {
			return real
		}
		cur = realRoot
		parts = append(strings.Split(filepath.ToSlash(rel), "/"), parts...)
	}
	return real
}

// Within reports whether path is dir or below it; both are clean
// absolute paths. The watcher and the language server use it too.
func Within(dir, path string) bool {
	if path == dir {
		return true
	}
	if !strings.HasSuffix(dir, string(filepath.Separator)) {
		dir += string(filepath.Separator)
	}
	return strings.HasPrefix(path, dir)
}

// rel returns the real path's name relative to the real root, for os.Root.
func (c *Confined) rel(real string) string {
	r, err := filepath.Rel(c.realRoot, real)
	if err != nil {
		return real // refused by os.Root: not relative
	}
	return r
}

// Stat returns what the path p names, after Resolve: a file or a folder.
func (c *Confined) Stat(p string) (fs.FileInfo, error) {
	real, err := c.Resolve(p)
	if err != nil {
		return nil, err
	}
	if c.r == nil {
		return nil, c.rootErr
	}
	return c.r.Stat(c.rel(real))
}

// ReadFile reads the regular file at the root-relative path p, at most
// max bytes: a larger file is a *TooLargeError, a path outside the root
// an *EscapeError, anything but a regular file ErrNotRegular.
func (c *Confined) ReadFile(p string, max int64) ([]byte, error) {
	real, err := c.Resolve(p)
	if err != nil {
		return nil, err
	}
	if c.r == nil {
		return nil, c.rootErr
	}
	name := c.rel(real)
	// Look before opening: opening a named pipe would block.
	info, err := c.r.Lstat(name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, notRegular(p, info.Mode())
	}
	f, err := c.r.OpenFile(name, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err = f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() { // swapped since the look
		return nil, notRegular(p, info.Mode())
	}
	if info.Size() > max {
		return nil, &TooLargeError{Path: p, Size: info.Size(), Max: max}
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max { // grew since the stat
		return nil, &TooLargeError{Path: p, Size: int64(len(data)), Max: max}
	}
	return data, nil
}

func notRegular(p string, m fs.FileMode) error {
	what := "a folder"
	if !m.IsDir() {
		what = m.Type().String()
	}
	return fmt.Errorf("%s: %w (%s)", p, ErrNotRegular, what)
}
