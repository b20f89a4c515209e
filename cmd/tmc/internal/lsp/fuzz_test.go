package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const fuzzModel = `boundary net "Net" { trust untrusted }
boundary dc "DC" { trust high  boundary db "DB tier" { trust high } }
person user "User — ünïcode 😀" in net
system shop "Shop" {
  container api "API" in dc { tech "Go" }
  database store "Store" in dc.db
}
data order "Order" { classification internal }
flow place: user -> shop.api "Place" {
  carries order
  crosses net, dc "TLS"
}
flow shop.api -> store "Save" { carries order }
sequence s "S" {
  user -> shop.api "POST"
  shop.api -> user "reply"
}
threat t "T" { stride spoofing on place impact 3 likelihood 2 mitigated_by k }
control k "K" { status planned }
`

// fuzzMethods are the requests and notifications a fuzz input picks
// from, each with a random position or range and text.
var fuzzMethods = []string{
	"textDocument/didChange", "textDocument/didChange", "textDocument/didChange",
	"textDocument/hover", "textDocument/definition", "textDocument/references",
	"textDocument/prepareRename", "textDocument/rename", "textDocument/completion",
	"textDocument/codeAction", "textDocument/documentSymbol", "workspace/symbol",
	"textDocument/semanticTokens/full", "workspace/didChangeWatchedFiles", "textDocument/didClose",
	"raw", "textDocument/didOpen",
}

// FuzzLSPMessages drives the server with random messages (framed bodies
// of any bytes) and random edits and requests at random positions. The
// server must never panic (a handler panic is answered as an internal
// error, which fails the test) nor hang: Serve must return after exit.
func FuzzLSPMessages(f *testing.F) {
	f.Add([]byte{0, 1, 5, 3, 'a', 'b', 'c', 3, 1, 2, 0, 8, 2, 2, 0})
	f.Add([]byte{0, 8, 2, 0, 9, 8, 2, 0, 7, 8, 3, 2, 'z', 'z'})
	f.Add([]byte{15, 0, 0, 12, '{', '"', 'i', 'd', '"', ':', '[', ']', '}', 0, 0, 0, 0})
	f.Add([]byte{15, 0, 0, 30, '{', '"', 'j', 's', 'o', 'n', 'r', 'p', 'c', '"', ':', '"', '2', '.', '0', '"', ',', '"', 'i', 'd', '"', ':', '1', ',', '"', 'm', '"', '}'})
	f.Add([]byte{0, 1, 2, 5, 0xF0, 0x9F, 0x98, 0x80, '"', 9, 1, 2, 0})
	f.Add([]byte{0, 0, 0, 200, 'f', 'l', 'o', 'w', ' ', 'x', ' ', '-', '>', ' ', '{', '{', '{'})
	f.Add([]byte{14, 0, 0, 0, 3, 1, 1, 0, 16, 0, 0, 0, 3, 1, 1, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		root := t.TempDir()
		os.Mkdir(filepath.Join(root, ".git"), 0o755)
		path := filepath.Join(root, "m.tm")
		if err := os.WriteFile(path, []byte(fuzzModel), 0o644); err != nil {
			t.Fatal(err)
		}
		uri := pathToURI(path)
		s := New()
		s.Debounce = time.Millisecond
		s.Format = func(name string, src []byte) ([]byte, error) { return src, nil }
		sr, cw := io.Pipe()
		cr, sw := io.Pipe()
		done := make(chan error, 1)
		go func() { done <- s.Serve(context.Background(), sr, sw); sw.Close() }()
		panics := make(chan string, 1024)
		readerDone := make(chan struct{})
		go func() {
			defer close(readerDone)
			br := bufio.NewReader(cr)
			for {
				body, err := readMessage(br)
				if err != nil {
					return
				}
				var m message
				if json.Unmarshal(body, &m) != nil {
					panics <- "invalid JSON from the server: " + string(body)
					continue
				}
				if m.Error != nil && strings.Contains(m.Error.Message, "panic") {
					select {
					case panics <- m.Error.Message:
					default:
					}
				}
			}
		}()
		go func() {
			defer cw.Close()
			send := func(v any) bool {
				body, _ := json.Marshal(v)
				_, err := fmt.Fprintf(cw, "Content-Length: %d\r\n\r\n%s", len(body), body)
				return err == nil
			}
			send(map[string]any{"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": map[string]any{"capabilities": map[string]any{}}})
			send(map[string]any{"jsonrpc": "2.0", "method": "initialized", "params": map[string]any{}})
			send(map[string]any{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": map[string]any{
				"textDocument": map[string]any{"uri": uri, "version": 1, "text": fuzzModel}}})
			for id := 1; len(data) >= 4; id++ {
				method := fuzzMethods[int(data[0])%len(fuzzMethods)]
				line, char, n := int(data[1]%24), int(data[2]%48), int(data[3])
				data = data[4:]
				n = min(n, len(data))
				text := string(data[:n])
				data = data[n:]
				pos := map[string]any{"line": line, "character": char}
				rng := map[string]any{"start": pos, "end": map[string]any{"line": line + n%3, "character": (char + n) % 50}}
				doc := map[string]any{"uri": uri}
				var params any = map[string]any{"textDocument": doc, "position": pos}
				switch method {
				case "raw":
					if _, err := fmt.Fprintf(cw, "Content-Length: %d\r\n\r\n%s", len(text), text); err != nil {
						return
					}
					continue
				case "textDocument/didChange":
					params = map[string]any{"textDocument": map[string]any{"uri": uri, "version": id + 1},
						"contentChanges": []any{map[string]any{"range": rng, "text": text}}}
				case "textDocument/didOpen":
					params = map[string]any{"textDocument": map[string]any{"uri": uri, "version": id + 1, "text": text}}
				case "textDocument/didClose":
					params = map[string]any{"textDocument": doc}
				case "textDocument/rename":
					params = map[string]any{"textDocument": doc, "position": pos, "newName": text}
				case "textDocument/references":
					params = map[string]any{"textDocument": doc, "position": pos, "context": map[string]any{"includeDeclaration": n%2 == 0}}
				case "textDocument/codeAction":
					params = map[string]any{"textDocument": doc, "range": rng, "context": map[string]any{"diagnostics": []any{}}}
				case "textDocument/documentSymbol", "textDocument/semanticTokens/full":
					params = map[string]any{"textDocument": doc}
				case "workspace/symbol":
					params = map[string]any{"query": text}
				case "workspace/didChangeWatchedFiles":
					params = map[string]any{"changes": []any{map[string]any{"uri": uri, "type": 1 + n%3}}}
				}
				msg := map[string]any{"jsonrpc": "2.0", "method": method, "params": params}
				if !strings.HasPrefix(method, "textDocument/did") && !strings.HasPrefix(method, "workspace/did") {
					msg["id"] = id
				}
				if !send(msg) {
					return
				}
				if method == "textDocument/didChange" || method == "textDocument/didOpen" {
					send(map[string]any{"jsonrpc": "2.0", "id": -id, "method": "textDocument/formatting", "params": map[string]any{"textDocument": doc}})
				}
			}
			send(map[string]any{"jsonrpc": "2.0", "id": 99999, "method": "shutdown"})
			send(map[string]any{"jsonrpc": "2.0", "method": "exit"})
		}()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("the server did not end the session: a hang")
		}
		sr.Close() // unblock a writer the server stopped reading
		select {
		case <-readerDone:
		case <-time.After(30 * time.Second):
			t.Fatal("the server's output never ended")
		}
		select {
		case p := <-panics:
			t.Fatal(p)
		default:
		}
	})
}
