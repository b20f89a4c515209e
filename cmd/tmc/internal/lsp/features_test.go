package lsp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const smallModel = `boundary net "Net" { trust untrusted }
boundary dc "DC" {
  trust high
  boundary db "DB tier" { trust high }
}
person user "User" in net
system shop "Shop" {
  container api "API" in dc { tech "Go" }
  database store "Store" in dc.db
}
data order "Order" { classification internal }
flow place: user -> shop.api "Place"
flow save: shop.api -> store "Save" { carries order }
flow read: store -> shop.api "Read" {
  carries order
}
sequence s "S" {
  user -> shop.api "POST"
}
threat t "T" {
  stride spoofing
  on user -> store
  impact 3 likelihood 2
  mitigated_by k
}
control k "K" { status planned }
`

// startSmall opens m.tm of a small model in a fresh project.
func startSmall(t *testing.T, src string) (*testClient, string) {
	t.Helper()
	t.Setenv("SOURCE_DATE_EPOCH", "1795478400")
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, ".git"), 0o755)
	path := filepath.Join(root, "m.tm")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	c := startServer(t, New())
	c.result("initialize", map[string]any{"capabilities": map[string]any{}}, nil)
	c.notify("initialized", map[string]any{})
	uri := c.open(path)
	c.waitDiagnostics(uri, func([]lspDiagnostic) bool { return true })
	return c, uri
}

// fixAll applies the quick fix of the first diagnostic with code until
// none is left, and returns the text.
func fixOne(t *testing.T, c *testClient, uri, code, title string) {
	t.Helper()
	ds := c.waitDiagnostics(uri, func(ds []lspDiagnostic) bool { return len(errorsOf(ds, code)) > 0 })
	d := errorsOf(ds, code)[0]
	var actions []codeAction
	c.result("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri}, "range": d.Range,
		"context": map[string]any{"diagnostics": []lspDiagnostic{d}}}, &actions)
	a := findAction(t, actions, title)
	c.edit(uri, a.Edit.Changes[uri]...)
}

// TestQuickFixes applies each kind of quick fix and checks the text and
// that the diagnostic goes away.
func TestQuickFixes(t *testing.T) {
	c, uri := startSmall(t, smallModel)
	// TM301 on a flow without a block, with a block on one line, and with
	// a block over lines.
	for _, f := range []struct{ id, want string }{
		{"place", "flow place: user -> shop.api \"Place\" {\n  crosses net, dc \"<how trust is established>\"\n}\n"},
		{"save", "flow save: shop.api -> store \"Save\" { carries order crosses db \"<how trust is established>\" }\n"},
		{"read", "flow read: store -> shop.api \"Read\" {\n  carries order\n  crosses db \"<how trust is established>\"\n}\n"},
	} {
		fixOne(t, c, uri, "TM301", "Add crosses")
		if !strings.Contains(c.texts[uri], f.want) {
			t.Errorf("after the fix of flow %s:\n%s", f.id, c.texts[uri])
		}
	}
	// TM201 "no flow from user to store": the fix adds the flow before
	// the threat, with its crosses line.
	fixOne(t, c, uri, "TM201", "Add flow user -> store")
	if !strings.Contains(c.texts[uri], "flow user -> store \"<label>\" {\n  crosses net, dc, db \"<how trust is established>\"\n}\n\nthreat t") {
		t.Errorf("after the fix of TM201:\n%s", c.texts[uri])
	}
	c.waitDiagnostics(uri, func(ds []lspDiagnostic) bool { return len(errorsOf(ds, "")) == len(errorsOf(ds, "TM501")) })

	// Did-you-mean: a keyword (TM102), a value (TM103), a name (TM201).
	p := c.find(uri, "trust high", 0, len("trust "))
	c.edit(uri, textEdit{Range: lspRange{p, position{p.Line, p.Character + 4}}, NewText: "hihg"})
	fixOne(t, c, uri, "TM103", `Replace with "high"`)
	p = c.find(uri, "carries order\n", 0, 0)
	c.edit(uri, textEdit{Range: lspRange{p, position{p.Line, p.Character + 7}}, NewText: "carrise"})
	fixOne(t, c, uri, "TM102", `Replace with "carries"`)
	p = c.find(uri, "{ carries order", 0, len("{ carries "))
	c.edit(uri, textEdit{Range: lspRange{p, position{p.Line, p.Character + 5}}, NewText: "ordr"})
	fixOne(t, c, uri, "TM201", `Replace with "order"`)
	c.waitDiagnostics(uri, func(ds []lspDiagnostic) bool { return len(errorsOf(ds, "")) == len(errorsOf(ds, "TM501")) })
	if strings.Contains(c.texts[uri], "hihg") || strings.Contains(c.texts[uri], "carrise") || strings.Contains(c.texts[uri], "ordr") {
		t.Errorf("a did-you-mean fix was not applied:\n%s", c.texts[uri])
	}
	c.exit()
}

// TestCompletionContexts checks what completion offers where.
func TestCompletionContexts(t *testing.T) {
	c, uri := startSmall(t, smallModel+"view v \"V\" {\n  dfd\n}\n")
	at := func(insert, after string, n int) []string {
		t.Helper()
		p := c.find(uri, after, n, len([]rune(after)))
		c.edit(uri, textEdit{Range: lspRange{p, p}, NewText: insert})
		end := position{p.Line, p.Character + len([]rune(insert))}
		if i := strings.LastIndex(insert, "\n"); i >= 0 {
			end = position{p.Line + strings.Count(insert, "\n"), len([]rune(insert[i+1:]))}
		}
		var cl completionList
		c.result("textDocument/completion", posParams(uri, end), &cl)
		c.edit(uri, textEdit{Range: lspRange{p, end}})
		var out []string
		for _, it := range cl.Items {
			out = append(out, it.Label)
		}
		return out
	}
	has := func(what string, got []string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !contains2(got, w) {
				t.Errorf("%s: %v lacks %q", what, got, w)
			}
		}
	}
	hasNot := func(what string, got []string, not ...string) {
		t.Helper()
		for _, w := range not {
			if contains2(got, w) {
				t.Errorf("%s: %v has %q", what, got, w)
			}
		}
	}
	got := at(" in ", `person user "User"`, 0)
	has("in", got, "net", "dc", "db")
	hasNot("in", got, "user", "order")
	got = at(" ", "trust", 0)
	has("trust values", got, "untrusted", "high", "external")
	got = at("\n  safeguards ", `container api "API" in dc { tech "Go"`, 0)
	has("safeguards", got, "rate_limiting", "mtls")
	got = at("\n  shop.api -> ", `user -> shop.api "POST"`, 0)
	has("sequence message", got, "user", "store", "api")
	hasNot("sequence message", got, "net", "order")
	got = at("\n  claims \"", "mitigated_by k", 0)
	has("claims", got, "TMR-S01")
	got = at("\n  include ", "  dfd", 0)
	has("view include", got, "store", "user")
	got = at("\n  mitigated_by ", "likelihood 2", 0)
	has("mitigated_by", got, "k")
	hasNot("mitigated_by", got, "t", "user")
	got = at("\n  on ", "stride spoofing", 0)
	has("on", got, "place", "user", "net")
	// While typing a crosses line (not yet a statement): the boundaries
	// the compiled flow crosses.
	got = at("\n  crosses ", "  carries order", 0)
	if len(got) != 1 || got[0] != "db" {
		t.Errorf("crosses in flow read: %v, want [db]", got)
	}
	got = at("shop.", "flow save: ", 0)
	has("a dotted name", got, "api")
	var h hover
	c.result("textDocument/hover", posParams(uri, c.find(uri, "trust untrusted", 0, 2)), &h)
	if !strings.Contains(h.Contents.Value, "trust untrusted|low|medium|high|external|control") {
		t.Errorf("hover on the trust keyword: %q", h.Contents.Value)
	}
	c.result("textDocument/hover", posParams(uri, c.find(uri, "carries order", 0, 2)), &h)
	if !strings.Contains(h.Contents.Value, "carries DATA[, DATA...]") {
		t.Errorf("hover on the carries keyword: %q", h.Contents.Value)
	}
	got = at("\n  ", "  carries order", 0)
	has("flow keywords", got, "crosses", "protocol")
	hasNot("flow keywords", got, "trust", "flow")
	c.exit()
}
