package lsp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/dsl"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFindRoot checks the model root search: the highest folder holding
// a .tm file, not past the project root, not out of a skipped folder.
func TestFindRoot(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "outside.tm"), "") // above the project: never reached
	proj := filepath.Join(root, "proj")
	os.MkdirAll(filepath.Join(proj, ".git"), 0o755)
	write(t, filepath.Join(proj, "model/top.tm"), "")
	write(t, filepath.Join(proj, "model/svc/a/a.tm"), "")
	write(t, filepath.Join(proj, "model/svc/readme.md"), "")
	write(t, filepath.Join(proj, "model/testdata/case.tm"), "")
	write(t, filepath.Join(proj, "model/_drafts/d.tm"), "")
	write(t, filepath.Join(proj, "other/tmc.toml"), "")
	write(t, filepath.Join(proj, "other/sub/x.tm"), "")
	for _, tc := range []struct{ file, want string }{
		{"model/svc/a/a.tm", "model"},                // climbs over svc (no .tm in it) to model
		{"model/top.tm", "model"},                    // the project root holds no .tm
		{"model/testdata/case.tm", "model/testdata"}, // a model skips testdata: it is its own model
		{"model/_drafts/d.tm", "model/_drafts"},
		{"other/sub/x.tm", "other/sub"}, // tmc.toml marks a project root
	} {
		if got := findRoot(filepath.Join(proj, tc.file), ""); got != filepath.Join(proj, tc.want) {
			t.Errorf("findRoot(%s) = %s, want %s", tc.file, got, tc.want)
		}
	}
	// The editor's workspace folder bounds the search too.
	if got := findRoot(filepath.Join(proj, "model/svc/a/a.tm"), filepath.Join(proj, "model/svc")); got != filepath.Join(proj, "model/svc/a") {
		t.Errorf("findRoot inside a workspace folder: %s", got)
	}
}

// TestDiskChanges checks that the server follows the files it does not
// have open: a closed file broken on disk (reported by the watcher) gets
// its diagnostics published, a file closed with unsaved edits returns to
// its text on disk, and an editor that can register watchers is asked to.
func TestDiskChanges(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795478400")
	dir := copyTree(t, "../../../../examples/checkout")
	c := startServer(t, New())
	c.result("initialize", map[string]any{"capabilities": map[string]any{"workspace": map[string]any{
		"didChangeWatchedFiles": map[string]any{"dynamicRegistration": true}}}}, nil)
	c.notify("initialized", map[string]any{})
	billing := c.open(filepath.Join(dir, "services/billing/billing.tm"))
	c.waitDiagnostics(billing, func(ds []lspDiagnostic) bool { return len(ds) == 0 })
	registered := false
	for _, m := range c.requests {
		registered = registered || m.Method == "client/registerCapability" && strings.Contains(string(m.Params), `"**/*.tm"`)
	}
	if !registered {
		t.Error("the server did not register a watcher for .tm files")
	}

	// Break a closed file on disk: delete the data asset billing.tm uses.
	platformPath := filepath.Join(dir, "platform.tm")
	b, _ := os.ReadFile(platformPath)
	broken := strings.Replace(string(b), "data payment ", "data paymentx ", 1)
	if broken == string(b) {
		t.Fatal("platform.tm has no data payment")
	}
	write(t, platformPath, broken)
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": pathToURI(platformPath), "type": 2}}})
	c.waitDiagnostics(billing, func(ds []lspDiagnostic) bool { return len(errorsOf(ds, "TM201")) > 0 })
	write(t, platformPath, string(b))
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": pathToURI(platformPath), "type": 2}}})
	c.waitDiagnostics(billing, func(ds []lspDiagnostic) bool { return len(ds) == 0 })

	// A new file on disk joins the model; its diagnostics are published
	// although it is not open; deleted, they are cleared.
	newPath := filepath.Join(dir, "services/extra/extra.tm")
	write(t, newPath, "flow shop.orders -> nowhere \"Lost\"\n")
	newURI := pathToURI(newPath)
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": newURI, "type": 1}}})
	c.waitDiagnostics(newURI, func(ds []lspDiagnostic) bool { return len(errorsOf(ds, "TM201")) == 1 })
	os.Remove(newPath)
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": newURI, "type": 3}}})
	c.waitDiagnostics(newURI, func(ds []lspDiagnostic) bool { return len(ds) == 0 })

	// An unsaved edit that breaks another file, then closed: back to disk.
	orders := c.open(filepath.Join(dir, "services/orders/orders.tm"))
	c.edit(orders, textEdit{Range: lspRange{position{0, 0}, position{0, 0}}, NewText: "flow nowhere -> shop.orders\n"})
	c.waitDiagnostics(orders, func(ds []lspDiagnostic) bool { return len(errorsOf(ds, "TM201")) == 1 })
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": orders}})
	c.waitDiagnostics(orders, func(ds []lspDiagnostic) bool { return len(ds) == 0 })
	c.exit()
}

// TestLifecycle checks the protocol's rules around initialize, shutdown
// and exit, and malformed messages.
func TestLifecycle(t *testing.T) {
	c := startServer(t, New())
	if m := c.call("textDocument/hover", map[string]any{}); m.Error == nil || m.Error.Code != codeNotInitialized {
		t.Errorf("a request before initialize: %+v", m.Error)
	}
	c.result("initialize", map[string]any{"capabilities": map[string]any{}}, nil)
	if m := c.call("initialize", map[string]any{}); m.Error == nil {
		t.Error("a second initialize was accepted")
	}
	if m := c.call("no/such/method", map[string]any{}); m.Error == nil || m.Error.Code != codeMethodNotFound {
		t.Errorf("an unknown method: %+v", m.Error)
	}
	// Invalid JSON in a well-framed message: a parse error, and the
	// session goes on.
	c.w.Write([]byte("Content-Length: 5\r\n\r\n{nope"))
	if m := c.next(); m.Error == nil || m.Error.Code != codeParseError || string(m.ID) != "null" {
		t.Errorf("invalid JSON: %+v", m)
	}
	if m := c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": "file:///nowhere.tm"}}); m.Error == nil {
		t.Error("hover on a document that is not open succeeded")
	}
	c.notify("exit", nil)
	if err := <-c.done; err != ErrExitWithoutShutdown {
		t.Errorf("exit without shutdown: %v, want ErrExitWithoutShutdown", err)
	}
}

// TestFormatting checks the formatting handler against a formatter
// function: the capability is offered only with one, and the answer is
// one edit replacing the whole text. TestFormattingTmcFmt checks the
// formatter the server has by default, tmc fmt's.
func TestFormatting(t *testing.T) {
	dir := copyTree(t, "../../../../examples/checkout")
	s := New()
	s.Format = func(name string, src []byte) ([]byte, error) {
		if strings.Contains(string(src), "BROKEN") {
			return nil, os.ErrInvalid
		}
		if strings.HasPrefix(string(src), "# formatted\n") {
			return src, nil
		}
		return append([]byte("# formatted\n"), src...), nil
	}
	c := startServer(t, s)
	var init struct {
		Capabilities map[string]any `json:"capabilities"`
	}
	c.result("initialize", map[string]any{"capabilities": map[string]any{}}, &init)
	if init.Capabilities["documentFormattingProvider"] != true {
		t.Error("formatting not offered with a formatter")
	}
	uri := c.open(filepath.Join(dir, "services/billing/billing.tm"))
	var edits []textEdit
	c.result("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": uri}, "options": map[string]any{"tabSize": 2}}, &edits)
	if len(edits) != 1 || edits[0].Range.Start != (position{}) || !strings.HasPrefix(edits[0].NewText, "# formatted\n# Billing") {
		t.Fatalf("formatting: %+v", edits)
	}
	c.edit(uri, edits...)
	if c.texts[uri] != edits[0].NewText {
		t.Error("the edit does not replace the whole text")
	}
	c.result("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": uri}}, &edits)
	if len(edits) != 0 {
		t.Errorf("formatting formatted text: %d edits, want none", len(edits))
	}
	c.edit(uri, textEdit{Range: lspRange{position{0, 0}, position{0, 0}}, NewText: "BROKEN"})
	if m := c.call("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": uri}}); m.Error == nil {
		t.Error("a formatter error was not reported")
	}
	c.exit()
}

// TestFormattingTmcFmt checks the formatter a new server has: tmc fmt's.
// A badly indented file comes back as tmc fmt prints it, comments kept;
// a file with a syntax error is refused, not rewritten.
func TestFormattingTmcFmt(t *testing.T) {
	dir := copyTree(t, "../../../../examples/checkout")
	name := filepath.Join(dir, "services/billing/billing.tm")
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	// Undo the indentation and double the blank lines: tmc fmt restores both.
	messy := strings.ReplaceAll(strings.ReplaceAll(string(src), "\n  ", "\n"), "\n\n", "\n\n\n")
	if err := os.WriteFile(name, []byte(messy), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := dsl.Format(name, []byte(messy))
	if err != nil {
		t.Fatal(err)
	}
	if string(want) == messy {
		t.Fatal("the messy text is already formatted: the test would prove nothing")
	}
	c := startServer(t, New())
	var init struct {
		Capabilities map[string]any `json:"capabilities"`
	}
	c.result("initialize", map[string]any{"capabilities": map[string]any{}}, &init)
	if init.Capabilities["documentFormattingProvider"] != true {
		t.Fatal("a new server does not offer formatting")
	}
	uri := c.open(name)
	var edits []textEdit
	c.result("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": uri}, "options": map[string]any{"tabSize": 2}}, &edits)
	if len(edits) != 1 {
		t.Fatalf("formatting: %d edits, want 1", len(edits))
	}
	c.edit(uri, edits...)
	if c.texts[uri] != string(want) {
		t.Errorf("formatted text differs from tmc fmt's:\n%s", c.texts[uri])
	}
	if strings.Count(c.texts[uri], "#") != strings.Count(messy, "#") {
		t.Error("formatting lost a comment")
	}
	c.edit(uri, textEdit{Range: lspRange{position{0, 0}, position{0, 0}}, NewText: "flow {{ "})
	if m := c.call("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": uri}}); m.Error == nil {
		t.Error("a file with a syntax error was formatted")
	}
}
