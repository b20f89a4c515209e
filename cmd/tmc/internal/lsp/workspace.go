package lsp

import (
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// A model is one model the editor has a file of open.
type model struct {
	root      string
	disk      map[string][]byte // the .tm files on disk, by root-relative name
	diskDiags diag.Diagnostics  // what could not be read
	engine    modelEngine
	res       *compiler.Result
	files     map[string][]byte // the text res was compiled from
	texts     map[string]*text  // line indexes of files, made when needed
	idx       *index            // names in res, made when needed
	dirty     bool              // a file changed since res
	openURIs  map[string]string // name -> the URI the editor opened it by
	published map[string]string // URI -> the diagnostics last published there, as JSON
}

// A document is a file open in the editor.
type document struct {
	path    string
	uri     string
	version int
	src     []byte
	model   *model
	name    string // root-relative, with /
}

// uriToPath converts a file: URI to a clean absolute path; ok is false for
// other schemes.
func uriToPath(uri string) (string, bool) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return "", false
	}
	p := u.Path
	if runtime.GOOS == "windows" {
		p = strings.TrimPrefix(p, "/")
	}
	p = filepath.FromSlash(p)
	if !filepath.IsAbs(p) {
		return "", false
	}
	return filepath.Clean(p), true
}

// pathToURI converts an absolute path to a file: URI.
func pathToURI(p string) string {
	s := filepath.ToSlash(p)
	if !strings.HasPrefix(s, "/") {
		s = "/" + s
	}
	return (&url.URL{Scheme: "file", Path: s}).String()
}

// findRoot returns the model root for a .tm file at path: the highest
// folder, walking up from the file's own, that directly holds a .tm file,
// not past the project root (a folder holding .git or tmc.toml), nor
// the editor's workspace root when the file is in it, nor out of a folder
// a model skips.
func findRoot(path, workspace string) string {
	dir := filepath.Dir(path)
	root := dir
	inWorkspace := workspace != "" && compiler.Within(workspace, dir)
	for {
		if isProjectRoot(dir) || inWorkspace && dir == workspace {
			return root
		}
		parent := filepath.Dir(dir)
		if parent == dir || compiler.SkipDir(dir, filepath.Base(dir)) {
			return root
		}
		dir = parent
		if holdsTM(dir) {
			root = dir
		}
	}
}

func isProjectRoot(dir string) bool {
	for _, name := range compiler.ProjectMarkers {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

func holdsTM(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		n := e.Name()
		if strings.HasSuffix(n, ".tm") && !compiler.SkipFile(n) && !e.IsDir() {
			return true
		}
	}
	return false
}

// relName is path relative to root with /, or "" when it is not under root.
func relName(root, path string) string {
	if !compiler.Within(root, path) {
		return ""
	}
	rel, _ := filepath.Rel(root, path)
	return filepath.ToSlash(rel)
}

// files returns the model's text: disk overlaid with open documents.
func (s *Server) files(m *model) map[string][]byte {
	out := make(map[string][]byte, len(m.disk)+1)
	for name, b := range m.disk {
		out[name] = b
	}
	for _, d := range s.docs {
		if d.model == m {
			out[d.name] = d.src
		}
	}
	return out
}

// compile recompiles a model from its current text.
func (s *Server) compile(m *model) {
	files := s.files(m)
	m.res = m.engine.Update(m.root, files)
	if len(m.diskDiags) > 0 {
		m.res.Diags = append(m.res.Diags, m.diskDiags...)
		m.res.Diags.Sort()
	}
	m.files = files
	m.texts = map[string]*text{}
	m.idx = nil
	m.dirty = false
}

// index returns the names of the last compilation.
func (m *model) index() *index {
	if m.idx == nil {
		m.idx = buildIndex(m.res)
	}
	return m.idx
}

// textOf returns the compiled text of a file of the model, or an empty text.
func (m *model) textOf(name string) *text {
	if t := m.texts[name]; t != nil {
		return t
	}
	t := newText(m.files[name])
	m.texts[name] = t
	return t
}

// uri returns the URI of a file of the model: the editor's own when the
// file is open (clients differ in how they escape URIs), else ours.
func (m *model) uri(name string) string {
	if u, ok := m.openURIs[name]; ok {
		return u
	}
	return pathToURI(filepath.Join(m.root, filepath.FromSlash(name)))
}

func (m *model) location(r diag.Range) location {
	return location{URI: m.uri(r.File), Range: m.textOf(r.File).rangeToLSP(r)}
}
