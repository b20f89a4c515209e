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
	opts := e.opts
	if opts.Now.IsZero() {
		now, err := compiler.Today()
		if err != nil {
			return nil, &compiler.UsageError{Err: err}
		}
		opts.Now = now
	}
	names := make([]string, 0, len(e.overlay))
	for n := range e.overlay {
		names = append(names, n)
	}
	sort.Strings(names) // map order
	var (
		mu    sync.Mutex // parses run in parallel
		next  = map[string]*parsed{}
		stats Stats
	)
	src, err := compiler.LoadWith(e.path, compiler.LoadOptions{
		Overlay: func(name string) ([]byte, bool) {
			data, ok := e.overlay[name]
			return data, ok
		},
		OverlayNames: names,
		Parse: func(name string, text []byte) (*dsl.File, diag.Diagnostics) {
			sum := sha256.Sum256(text)
			mu.Lock()
			p := e.parsed[name]
			mu.Unlock()
			if p != nil && p.sum == sum {
				mu.Lock()
				next[name] = p
				stats.Reused++
				mu.Unlock()
				return p.file, p.diags
			}
			f, ds := dsl.Parse(name, text)
			mu.Lock()
			next[name] = &parsed{sum: sum, file: f, diags: ds}
			stats.Parsed++
			mu.Unlock()
			return f, ds
		},
	})
	if err != nil {
		return nil, err
	}
	e.parsed = next // files gone from the model are forgotten
	e.stats = stats
	return compiler.CompileSource(src, opts), nil
}

// Stats returns the counts of the last Update.
func (e *Engine) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stats
}
