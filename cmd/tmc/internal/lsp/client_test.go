package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// A testClient drives a Server through in-memory pipes with real
// framing, as an editor does.
type testClient struct {
	t     testing.TB
	w     *io.PipeWriter
	in    chan message
	queue []message // notifications read while waiting for a response
	// requests are the requests the server sent (client/registerCapability).
	requests []message
	nextID   int
	texts    map[string]string // the client's copy of each open document
	vers     map[string]int
	done     chan error
	// diags holds the latest diagnostics published for each URI, and
	// diagVers the document version they were computed for.
	diags    map[string][]lspDiagnostic
	diagVers map[string]int
}

// hangLimit bounds every wait: a server that never answers fails the test
// instead of hanging it. It is not a speed assertion.
const hangLimit = 20 * time.Second

func startServer(t testing.TB, s *Server) *testClient {
	cr, sw := io.Pipe() // server -> client
	sr, cw := io.Pipe() // client -> server
	c := &testClient{t: t, w: cw, in: make(chan message, 1024), texts: map[string]string{}, vers: map[string]int{},
		done: make(chan error, 1), diags: map[string][]lspDiagnostic{}, diagVers: map[string]int{}}
	go func() {
		c.done <- s.Serve(context.Background(), sr, sw)
		sw.Close()
	}()
	go func() {
		br := bufio.NewReader(cr)
		for {
			body, err := readMessage(br)
			if err != nil {
				close(c.in)
				return
			}
			var m message
			if err := json.Unmarshal(body, &m); err != nil {
				t.Errorf("server wrote invalid JSON: %v: %s", err, body)
				continue
			}
			c.in <- m
		}
	}()
	t.Cleanup(func() { cw.Close(); cr.Close() })
	return c
}

func (c *testClient) send(v any) {
	c.t.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		c.t.Fatalf("writing to the server: %v", err)
	}
}

func (c *testClient) next() message {
	c.t.Helper()
	select {
	case m, ok := <-c.in:
		if !ok {
			c.t.Fatal("the server closed its output")
		}
		if m.Method != "" && len(m.ID) > 0 {
			c.requests = append(c.requests, m)
		}
		if m.Method == "textDocument/publishDiagnostics" {
			var p publishDiagnosticsParams
			json.Unmarshal(m.Params, &p)
			c.diags[p.URI] = p.Diagnostics
			if p.Version != nil {
				c.diagVers[p.URI] = *p.Version
			}
		}
		return m
	case <-time.After(hangLimit):
		c.t.Fatalf("no message from the server in %s", hangLimit)
	}
	return message{}
}

// call sends a request and returns its response.
func (c *testClient) call(method string, params any) message {
	c.t.Helper()
	c.nextID++
	id := c.nextID
	c.send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	for {
		m := c.next()
		if m.Method == "" && string(m.ID) == fmt.Sprint(id) {
			return m
		}
		if m.Method != "" {
			c.queue = append(c.queue, m)
		}
	}
}

// result calls and decodes a successful result into v.
func (c *testClient) result(method string, params, v any) {
	c.t.Helper()
	m := c.call(method, params)
	if m.Error != nil {
		c.t.Fatalf("%s: error %d %s", method, m.Error.Code, m.Error.Message)
	}
	if v != nil {
		// Decode into a zero value: Unmarshal merges into what is there.
		rv := reflect.ValueOf(v).Elem()
		rv.Set(reflect.Zero(rv.Type()))
		if err := json.Unmarshal(m.Result, v); err != nil {
			c.t.Fatalf("%s: result %s: %v", method, m.Result, err)
		}
	}
}

func (c *testClient) notify(method string, params any) {
	c.t.Helper()
	c.send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// waitDiagnostics reads until diagnostics for uri satisfy ok; for an
// open document, they must be those of its current version.
func (c *testClient) waitDiagnostics(uri string, ok func([]lspDiagnostic) bool) []lspDiagnostic {
	c.t.Helper()
	c.queue = nil // their diagnostics are recorded in c.diags
	current := func() bool { v, open := c.vers[uri]; return !open || c.diagVers[uri] == v }
	if ds, seen := c.diags[uri]; seen && current() && ok(ds) {
		return ds
	}
	deadline := time.Now().Add(hangLimit)
	for time.Now().Before(deadline) {
		m := c.next()
		if m.Method != "textDocument/publishDiagnostics" {
			continue
		}
		var p publishDiagnosticsParams
		json.Unmarshal(m.Params, &p)
		if p.URI == uri && current() && ok(p.Diagnostics) {
			return p.Diagnostics
		}
	}
	c.t.Fatalf("diagnostics for %s never matched; last: %+v", uri, c.diags[uri])
	return nil
}

func (c *testClient) open(path string) string {
	c.t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		c.t.Fatal(err)
	}
	uri := pathToURI(path)
	c.texts[uri] = string(b)
	c.vers[uri] = 1
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "tm", "version": 1, "text": string(b)}})
	return uri
}

// edit sends incremental changes and applies them to the client's copy.
func (c *testClient) edit(uri string, edits ...textEdit) {
	c.t.Helper()
	// Apply from the end so that earlier ranges stay valid.
	sort.SliceStable(edits, func(i, j int) bool {
		a, b := edits[i].Range.Start, edits[j].Range.Start
		return a.Line > b.Line || a.Line == b.Line && a.Character > b.Character
	})
	var changes []contentChange
	src := []byte(c.texts[uri])
	for _, e := range edits {
		r := e.Range
		ch := contentChange{Range: &r, Text: e.NewText}
		changes = append(changes, ch)
		src = applyChange(src, ch)
	}
	c.texts[uri] = string(src)
	c.vers[uri]++
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": c.vers[uri]},
		"contentChanges": changes,
	})
}

// find returns the LSP position of the n-th (0-based) occurrence of s in
// the client's copy of uri, plus offset runes into it.
func (c *testClient) find(uri, s string, n, into int) position {
	c.t.Helper()
	text := c.texts[uri]
	off := -1
	for i := 0; i <= n; i++ {
		j := strings.Index(text[off+1:], s)
		if j < 0 {
			c.t.Fatalf("%q (occurrence %d) not in %s", s, n, uri)
		}
		off += 1 + j
	}
	return newText([]byte(text)).posAt(off + len(string([]rune(s)[:into])))
}

func (c *testClient) exit() error {
	c.t.Helper()
	c.result("shutdown", nil, nil)
	c.notify("exit", nil)
	select {
	case err := <-c.done:
		return err
	case <-time.After(hangLimit):
		c.t.Fatal("the server did not exit")
	}
	return nil
}

// copyTree copies a folder (examples/checkout) into a fresh project: a
// temporary folder holding .git, so that the model root search stops.
func copyTree(t testing.TB, from string) string {
	t.Helper()
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(root, filepath.Base(from))
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func errorsOf(ds []lspDiagnostic, code string) []lspDiagnostic {
	var out []lspDiagnostic
	for _, d := range ds {
		if code == "" && d.Severity <= 2 || d.Code == code {
			out = append(out, d)
		}
	}
	return out
}
