package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/dsl"
)

// A Server is one language server session. The zero value is not usable;
// call New.
type Server struct {
	// Debounce is how long the server waits after an edit that follows
	// another within Debounce before it recompiles, so that a burst of
	// keystrokes compiles once; an edit after a quiet spell compiles at
	// once.
	Debounce time.Duration
	// Format formats one file's text (tmc fmt); nil turns formatting off.
	Format func(name string, src []byte) ([]byte, error)
	// Version is reported to the client in serverInfo.
	Version string
	// Log receives a line per problem the server cannot tell the editor
	// about (a broken message stream); nil discards them.
	Log io.Writer

	newEngine func() modelEngine
	w         *writer
	docs      map[string]*document // by absolute path
	models    map[string]*model    // by root
	workspace string               // the editor's root folder, or ""

	initialized  bool
	shutdown     bool
	watchDynamic bool
	nextID       int

	timer      *time.Timer
	tick       chan struct{}
	lastChange time.Time
}

// New returns a server with the default debounce and engine.
func New() *Server {
	return &Server{
		Debounce:  30 * time.Millisecond,
		Format:    dsl.Format,
		newEngine: func() modelEngine { return newSharedEngine() },
		docs:      map[string]*document{},
		models:    map[string]*model{},
		tick:      make(chan struct{}, 1),
	}
}

// ErrExitWithoutShutdown is Serve's error when the client sends exit
// before shutdown (the process should exit with status 1).
var ErrExitWithoutShutdown = errors.New("exit before shutdown")

// Serve reads requests from in and writes responses and notifications to
// out until the client sends exit, in ends, or ctx is done. It returns nil
// after shutdown and exit, or at the end of input.
func (s *Server) Serve(ctx context.Context, in io.Reader, out io.Writer) error {
	s.w = &writer{w: out}
	msgs := make(chan []byte)
	errc := make(chan error, 1)
	done := make(chan struct{})
	defer close(done)
	go func() {
		br := bufio.NewReaderSize(in, 64<<10)
		for {
			body, err := readMessage(br)
			if err != nil {
				errc <- err
				return
			}
			select {
			case msgs <- body:
			case <-done:
				return
			}
		}
	}()
	defer func() {
		if s.timer != nil {
			s.timer.Stop()
		}
	}()
	for {
		select {
		case body := <-msgs:
			if exit, err := s.handle(body); exit {
				return err
			}
		case <-s.tick:
			s.flush()
		case err := <-errc:
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *Server) logf(format string, args ...any) {
	if s.Log != nil {
		fmt.Fprintf(s.Log, format+"\n", args...)
	}
}

// handle runs one message; exit reports the end of the session.
func (s *Server) handle(body []byte) (exit bool, err error) {
	var m message
	if err := json.Unmarshal(body, &m); err != nil {
		s.w.respond(json.RawMessage("null"), nil, &rpcError{Code: codeParseError, Message: "invalid JSON: " + err.Error()})
		return false, nil
	}
	if m.Method == "" {
		return false, nil // a response to one of our requests, or junk
	}
	isRequest := len(m.ID) > 0 && string(m.ID) != "null"
	if isRequest && !validID(m.ID) {
		s.w.respond(json.RawMessage("null"), nil, &rpcError{Code: codeInvalidRequest, Message: "id must be a number or a string"})
		return false, nil
	}
	if m.Method == "exit" {
		if !s.shutdown {
			return true, ErrExitWithoutShutdown
		}
		return true, nil
	}
	result, rerr := s.dispatch(m.Method, m.Params, isRequest)
	if isRequest {
		if rerr != nil {
			s.w.respond(m.ID, nil, rerr)
		} else {
			s.w.respond(m.ID, result, nil)
		}
	}
	return false, nil
}

func validID(id json.RawMessage) bool {
	var v any
	if json.Unmarshal(id, &v) != nil {
		return false
	}
	switch v.(type) {
	case float64, string:
		return true
	}
	return false
}

// dispatch runs a method. A panic in a handler is a bug; it becomes an
// internal error so that one bad request does not end the session.
func (s *Server) dispatch(method string, params json.RawMessage, isRequest bool) (result any, rerr *rpcError) {
	defer func() {
		if r := recover(); r != nil {
			s.logf("tmc lsp: panic in %s: %v\n%s", method, r, debug.Stack())
			result, rerr = nil, &rpcError{Code: codeInternalError, Message: fmt.Sprintf("internal error: panic: %v", r)}
		}
	}()
	if !s.initialized && method != "initialize" {
		return nil, &rpcError{Code: codeNotInitialized, Message: "the server is not initialized"}
	}
	if s.shutdown && isRequest {
		return nil, &rpcError{Code: codeInvalidRequest, Message: "the server is shut down"}
	}
	switch method {
	case "initialize":
		return s.initialize(params)
	case "initialized":
		s.registerWatchers()
		return nil, nil
	case "shutdown":
		s.shutdown = true
		return nil, nil
	case "textDocument/didOpen":
		return nil, s.didOpen(params)
	case "textDocument/didChange":
		return nil, s.didChange(params)
	case "textDocument/didClose":
		return nil, s.didClose(params)
	case "workspace/didChangeWatchedFiles":
		return nil, s.didChangeWatchedFiles(params)
	case "textDocument/hover":
		return s.hover(params)
	case "textDocument/definition":
		return s.definition(params)
	case "textDocument/references":
		return s.references(params)
	case "textDocument/prepareRename":
		return s.prepareRename(params)
	case "textDocument/rename":
		return s.rename(params)
	case "textDocument/completion":
		return s.completion(params)
	case "textDocument/codeAction":
		return s.codeAction(params)
	case "textDocument/documentSymbol":
		return s.documentSymbol(params)
	case "workspace/symbol":
		return s.workspaceSymbol(params)
	case "textDocument/semanticTokens/full":
		return s.semanticTokensFull(params)
	case "textDocument/formatting":
		if s.Format != nil {
			return s.formatting(params)
		}
	}
	if isRequest {
		return nil, &rpcError{Code: codeMethodNotFound, Message: "method not supported: " + method}
	}
	return nil, nil // notifications we do not handle ($/cancelRequest, didSave, ...)
}

func (s *Server) initialize(params json.RawMessage) (any, *rpcError) {
	if s.initialized {
		return nil, &rpcError{Code: codeInvalidRequest, Message: "initialize sent twice"}
	}
	var p initializeParams
	if len(params) > 0 {
		if err := decode(params, &p); err != nil {
			return nil, err
		}
	}
	// The workspace bounds the model root search; with several folders,
	// the first (the search stops at .git or tmc.toml anyway).
	root := p.RootURI
	if root == "" && len(p.WorkspaceFolders) > 0 {
		root = p.WorkspaceFolders[0].URI
	}
	if root != "" {
		if dir, ok := uriToPath(root); ok {
			s.workspace = dir
		}
	}
	s.watchDynamic = p.Capabilities.Workspace.DidChangeWatchedFiles.DynamicRegistration
	s.initialized = true
	caps := map[string]any{
		"positionEncoding": "utf-16",
		"textDocumentSync": map[string]any{
			"openClose": true,
			"change":    2, // incremental
		},
		"hoverProvider":           true,
		"definitionProvider":      true,
		"referencesProvider":      true,
		"renameProvider":          map[string]any{"prepareProvider": true},
		"completionProvider":      map[string]any{"triggerCharacters": []string{".", "\""}},
		"codeActionProvider":      map[string]any{"codeActionKinds": []string{"quickfix"}},
		"documentSymbolProvider":  true,
		"workspaceSymbolProvider": true,
		"semanticTokensProvider": map[string]any{
			"legend": map[string]any{"tokenTypes": tokenTypes, "tokenModifiers": tokenModifiers},
			"full":   true,
		},
	}
	if s.Format != nil {
		caps["documentFormattingProvider"] = true
	}
	return map[string]any{
		"capabilities": caps,
		"serverInfo":   map[string]any{"name": "tmc", "version": s.Version},
	}, nil
}

// registerWatchers asks the client to report changes of .tm files on
// disk, when it can register the watcher dynamically.
func (s *Server) registerWatchers() {
	if !s.watchDynamic {
		return
	}
	s.nextID++
	s.w.request(s.nextID, "client/registerCapability", map[string]any{
		"registrations": []any{map[string]any{
			"id":     "tmc-watch",
			"method": "workspace/didChangeWatchedFiles",
			"registerOptions": map[string]any{
				"watchers": []any{map[string]any{"globPattern": "**/*.tm"}},
			},
		}},
	})
}

// doc returns the open document of a URI, compiling its model first if
// an edit is pending.
func (s *Server) doc(uri string) (*document, *rpcError) {
	if _, ok := uriToPath(uri); !ok {
		return nil, &rpcError{Code: codeInvalidParams, Message: "not a file: URI: " + uri}
	}
	d := s.openDoc(uri)
	if d == nil {
		return nil, &rpcError{Code: codeRequestFailed, Message: "the document is not open: " + uri}
	}
	s.ensure(d.model)
	return d, nil
}

// openDoc returns the open document of a URI, or nil: not a file: URI,
// or not open.
func (s *Server) openDoc(uri string) *document {
	p, ok := uriToPath(uri)
	if !ok {
		return nil
	}
	return s.docs[p]
}

func (s *Server) didOpen(params json.RawMessage) *rpcError {
	var p didOpenParams
	if err := decode(params, &p); err != nil {
		return err
	}
	path, ok := uriToPath(p.TextDocument.URI)
	if !ok || !strings.HasSuffix(path, ".tm") {
		return nil // not ours
	}
	m := s.modelFor(path)
	name := relName(m.root, path)
	if name == "" {
		return nil
	}
	s.docs[path] = &document{path: path, uri: p.TextDocument.URI, version: p.TextDocument.Version,
		src: []byte(p.TextDocument.Text), model: m, name: name}
	m.openURIs[name] = p.TextDocument.URI
	s.changed(m)
	return nil
}

// modelFor returns the model that holds the file at path, loading it
// from disk the first time.
func (s *Server) modelFor(path string) *model {
	root := findRoot(path, s.workspace)
	if m := s.models[root]; m != nil {
		return m
	}
	m := &model{root: root, engine: s.newEngine(), published: map[string]string{}, openURIs: map[string]string{}}
	m.disk, m.diskDiags = compiler.ReadFiles(root)
	s.models[root] = m
	return m
}

func (s *Server) didChange(params json.RawMessage) *rpcError {
	var p didChangeParams
	if err := decode(params, &p); err != nil {
		return err
	}
	d := s.openDoc(p.TextDocument.URI)
	if d == nil {
		return nil
	}
	for _, c := range p.ContentChanges {
		d.src = applyChange(d.src, c)
	}
	d.version = p.TextDocument.Version
	s.changed(d.model)
	return nil
}

func (s *Server) didClose(params json.RawMessage) *rpcError {
	var p didCloseParams
	if err := decode(params, &p); err != nil {
		return err
	}
	d := s.openDoc(p.TextDocument.URI)
	if d == nil {
		return nil
	}
	delete(s.docs, d.path)
	delete(d.model.openURIs, d.name)
	// The buffer may have held unsaved text: the file is what disk says.
	s.reread(d.model, d.name)
	s.changed(d.model)
	return nil
}

func (s *Server) didChangeWatchedFiles(params json.RawMessage) *rpcError {
	var p didChangeWatchedFilesParams
	if err := decode(params, &p); err != nil {
		return err
	}
	roots := make([]string, 0, len(s.models))
	for root := range s.models {
		roots = append(roots, root)
	}
	sort.Strings(roots) // sort for determinism
	for _, ev := range p.Changes {
		path, ok := uriToPath(ev.URI)
		if !ok || !strings.HasSuffix(path, ".tm") {
			continue
		}
		for _, root := range roots {
			m := s.models[root]
			name := relName(root, path)
			if name == "" || !loads(root, name) {
				continue
			}
			s.reread(m, name)
			s.changed(m)
		}
	}
	return nil
}

// loads reports whether a model rooted at root loads the file name.
func loads(root, name string) bool {
	parts := strings.Split(name, "/")
	dir := root
	for _, p := range parts[:len(parts)-1] {
		dir = filepath.Join(dir, p)
		if compiler.SkipDir(dir, p) {
			return false
		}
	}
	base := parts[len(parts)-1]
	return !strings.HasPrefix(base, ".") && !strings.HasPrefix(base, "_") && !strings.HasPrefix(base, "#")
}

// reread reads one file of a model from disk again (or forgets it, if it
// is gone).
func (s *Server) reread(m *model, name string) {
	b, err := os.ReadFile(filepath.Join(m.root, filepath.FromSlash(name)))
	if err != nil || len(b) > dsl.MaxFileSize {
		delete(m.disk, name)
		return
	}
	m.disk[name] = b
}

// changed marks a model for recompilation: at once after a quiet spell
// (a single edit is not kept waiting), else once the edits of a burst
// are Debounce apart.
func (s *Server) changed(m *model) {
	m.dirty = true
	now := time.Now()
	quiet := now.Sub(s.lastChange) > s.Debounce
	s.lastChange = now
	if s.timer != nil {
		s.timer.Stop()
	}
	wait := s.Debounce
	if quiet {
		wait = 0
	}
	s.timer = time.AfterFunc(wait, func() {
		select {
		case s.tick <- struct{}{}:
		default:
		}
	})
}

// flush compiles every model with pending edits and publishes its
// diagnostics.
func (s *Server) flush() {
	roots := make([]string, 0, len(s.models))
	for root, m := range s.models {
		if m.dirty {
			roots = append(roots, root)
		}
	}
	sort.Strings(roots) // sort for determinism
	for _, root := range roots {
		s.ensure(s.models[root])
	}
}

// ensure compiles a model if an edit is pending, and publishes.
func (s *Server) ensure(m *model) {
	if m.res != nil && !m.dirty {
		return
	}
	s.compile(m)
	s.publish(m)
}
