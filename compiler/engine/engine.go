// Package engine is the incremental compiler that tmc serve and tmc lsp
// share: it holds one model and compiles it again after each change,
// doing only the work the change needs.
//
// An Engine keeps the parse of every .tm file by its name and the
// SHA-256 of its text. Update reads the model again (from disk, or from
// the unsaved editor buffers set with SetOverlay, which take the place of
// the files of the same name), parses only the files whose text changed,
// and resolves and checks the whole model from the parsed files: that
// part takes a few milliseconds on a model of hundreds of elements
// (docs/performance.md), less than keeping track of what each change
// touches would cost. The result is what compiler.Compile returns for the
// same files, byte for byte once rendered (TestEngineMatchesCompile).
//
// An Engine is safe for concurrent use; Updates run one at a time.
package engine

import (
	"crypto/sha256"
	"path/filepath"
	"sort"
	"sync"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/dsl"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// An Engine compiles one model again and again (see the package doc).
type Engine struct {
	path string
	opts compiler.Options

	mu      sync.Mutex
	overlay map[string][]byte  // unsaved buffers by root-relative name
	parsed  map[string]*parsed // the last parse of each file, by name
	stats   Stats
}

// A parsed file: the parse of one text. Never changed once stored.
type parsed struct {
	sum   [32]byte
	file  *dsl.File
	diags diag.Diagnostics
}

// Stats count the work of the last Update.
type Stats struct {
	Parsed, Reused int // files parsed, and files whose earlier parse was reused
}

// New returns an engine for the model at path (a folder, or one .tm file,
// as compiler.Compile takes). opts.Now zero means today, looked up at
// each Update (see compiler.Today).
func New(path string, opts compiler.Options) *Engine {
	return &Engine{path: path, opts: opts, overlay: map[string][]byte{}, parsed: map[string]*parsed{}}
}

// SetOverlay makes data the text of the file name (relative to the model
// root, with /) for every later Update, whatever the disk holds: an
// editor's unsaved buffer. A name that is not on disk joins the model when
// loading a folder would take a file of that name.
func (e *Engine) SetOverlay(name string, data []byte) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.overlay[name] = append([]byte(nil), data...)
}

// ClearOverlay makes the file name read from disk again (the editor
// closed or saved it).
func (e *Engine) ClearOverlay(name string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.overlay, name)
}

// Update compiles the model as it is now: the files on disk under the
// overlay. It parses only the files whose text changed since the last
// Update. The error is non-nil only for usage problems, as
// compiler.Compile's (the path does not exist, it holds no .tm file, a bad
// SOURCE_DATE_EPOCH).
func (e *Engine) Update() (*compiler.Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	opts, err := e.options()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(e.overlay))
	for n := range e.overlay {
		names = append(names, n)
	}
	sort.Strings(names) // map order
	p := e.newPass()
	src, err := compiler.LoadWith(e.path, compiler.LoadOptions{
		Overlay: func(name string) ([]byte, bool) {
			data, ok := e.overlay[name]
			return data, ok
		},
		OverlayNames: names,
		Parse:        p.parse,
	})
	if err != nil {
		return nil, err
	}
	p.finish()
	return compiler.CompileSource(src, opts), nil
}

// Compile compiles the model from files, the text of every .tm file of
// the model by root-relative name with /, for a tool that holds the texts
// itself (the language server: the files on disk and the editor's unsaved
// buffers). The engine's path must be the model's folder. As Update, it
// parses only the texts that changed since the last Update or Compile,
// and the model's project root is found as Load finds it. The error is
// non-nil only for usage problems (a bad SOURCE_DATE_EPOCH, a --root
// that does not hold the model).
func (e *Engine) Compile(files map[string][]byte) (*compiler.Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	opts, err := e.options()
	if err != nil {
		return nil, err
	}
	root, err := filepath.Abs(e.path)
	if err != nil {
		return nil, &compiler.UsageError{Err: err}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names) // map order; Load gives files in path order
	p := e.newPass()
	src := &compiler.Source{Root: root, Project: compiler.FindProject(root)}
	for _, name := range names {
		f, ds := p.parse(name, files[name])
		if f != nil {
			src.Files = append(src.Files, f)
		}
		src.Diags = append(src.Diags, ds...)
	}
	p.finish()
	return compiler.CompileSource(src, opts), nil
}

// options returns the compile options of one update: today's date looked
// up now when the engine was given none.
func (e *Engine) options() (compiler.Options, error) {
	opts := e.opts
	if opts.Now.IsZero() {
		now, err := compiler.Today()
		if err != nil {
			return opts, &compiler.UsageError{Err: err}
		}
		opts.Now = now
	}
	return opts, nil
}

// A pass is one Update or Compile: the parses it used, which replace the
// engine's when it finishes (files gone from the model are forgotten).
type pass struct {
	e     *Engine
	mu    sync.Mutex // parses run in parallel
	next  map[string]*parsed
	stats Stats
}

func (e *Engine) newPass() *pass { return &pass{e: e, next: map[string]*parsed{}} }

// parse returns the parse of text as the file name: the last one when the
// text did not change, else a new one.
func (p *pass) parse(name string, text []byte) (*dsl.File, diag.Diagnostics) {
	sum := sha256.Sum256(text)
	p.mu.Lock()
	old := p.e.parsed[name]
	p.mu.Unlock()
	if old != nil && old.sum == sum {
		p.mu.Lock()
		p.next[name] = old
		p.stats.Reused++
		p.mu.Unlock()
		return old.file, old.diags
	}
	f, ds := dsl.Parse(name, text)
	p.mu.Lock()
	p.next[name] = &parsed{sum: sum, file: f, diags: ds}
	p.stats.Parsed++
	p.mu.Unlock()
	return f, ds
}

func (p *pass) finish() {
	p.e.parsed = p.next
	p.e.stats = p.stats
}

// Stats returns the counts of the last Update.
func (e *Engine) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stats
}
