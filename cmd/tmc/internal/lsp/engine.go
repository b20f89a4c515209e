package lsp

import (
	"hash/maphash"
	"sort"
	"time"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/dsl"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// A modelEngine compiles one model from the text of its files, by
// root-relative name. It may keep what it learns between calls (the
// parse of unchanged files); it is called from one goroutine at a time.
// The incremental engine of issue 17 can stand in for parseEngine here.
type modelEngine interface {
	Update(root string, files map[string][]byte) *compiler.Result
}

// parseEngine keeps each file's parse keyed by a hash of its text, so an
// edit reparses only the files that changed, then compiles the whole
// model (resolution, checks and rules are whole-model passes).
type parseEngine struct {
	seed   maphash.Seed
	cache  map[string]*parsed
	parses int // dsl.Parse calls so far, for tests
	// now is today for date checks; nil means compiler.Today.
	now func() time.Time
}

type parsed struct {
	hash  uint64
	size  int
	file  *dsl.File
	diags diag.Diagnostics
}

func newParseEngine() *parseEngine {
	return &parseEngine{seed: maphash.MakeSeed(), cache: map[string]*parsed{}}
}

func (e *parseEngine) Update(root string, files map[string][]byte) *compiler.Result {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names) // sort for determinism: Load gives files in path order
	src := &compiler.Source{Root: root}
	for _, name := range names {
		data := files[name]
		h := maphash.Bytes(e.seed, data)
		p := e.cache[name]
		if p == nil || p.hash != h || p.size != len(data) {
			f, ds := dsl.Parse(name, data)
			e.parses++
			p = &parsed{hash: h, size: len(data), file: f, diags: ds}
			e.cache[name] = p
		}
		src.Files = append(src.Files, p.file)
		for _, d := range p.diags {
			c := *d // the compiler owns the diagnostics it returns
			src.Diags = append(src.Diags, &c)
		}
	}
	for name := range e.cache {
		if _, ok := files[name]; !ok {
			delete(e.cache, name)
		}
	}
	var opts compiler.Options
	if e.now != nil {
		opts.Now = e.now()
	} else if now, err := compiler.Today(); err == nil {
		opts.Now = now
	}
	return compiler.CompileSource(src, opts)
}
