package lsp

import (
	"time"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/engine"
)

// A modelEngine compiles one model from the text of its files, by
// root-relative name. It may keep what it learns between calls (the
// parse of unchanged files); it is called from one goroutine at a time.
type modelEngine interface {
	Update(root string, files map[string][]byte) *compiler.Result
}

// sharedEngine is the incremental compiler tmc serve uses too
// (compiler/engine), fed the texts the server holds: the files on disk
// under the editor's open buffers. An edit parses only the files whose
// text changed; resolution, checks and rules are whole-model passes.
type sharedEngine struct {
	root   string
	eng    *engine.Engine
	parses int // files parsed so far, for tests and benchmarks
}

func newSharedEngine() *sharedEngine { return &sharedEngine{} }

func (e *sharedEngine) Update(root string, files map[string][]byte) *compiler.Result {
	if e.eng == nil || e.root != root {
		e.root, e.eng = root, engine.New(root, compiler.Options{})
	}
	res, err := e.eng.Compile(files)
	if err != nil {
		// Only a SOURCE_DATE_EPOCH that is not a number gets here: check
		// as of now rather than not at all.
		res, _ = engine.New(root, compiler.Options{Now: time.Now().UTC()}).Compile(files)
		return res
	}
	e.parses += e.eng.Stats().Parsed
	return res
}
