package lsp

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/dsl"
)

// TestConversation drives the server as an editor does, on a copy of
// examples/checkout: open a file, break it, see the diagnostic, apply the
// quick fix, see it clear; then every request the server answers.
func TestConversation(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795478400") // 2026-11-24
	dir := copyTree(t, "../../../../examples/checkout")
	c := startServer(t, New())

	var init struct {
		Capabilities map[string]any `json:"capabilities"`
	}
	c.result("initialize", map[string]any{"processId": nil, "rootUri": pathToURI(filepath.Dir(dir)), "capabilities": map[string]any{}}, &init)
	for _, cap := range []string{"hoverProvider", "definitionProvider", "referencesProvider", "renameProvider", "completionProvider",
		"codeActionProvider", "documentSymbolProvider", "workspaceSymbolProvider", "semanticTokensProvider", "textDocumentSync"} {
		if init.Capabilities[cap] == nil {
			t.Errorf("initialize: no %s", cap)
		}
	}
	if init.Capabilities["documentFormattingProvider"] != true {
		t.Error("formatting (tmc fmt) not offered")
	}
	c.notify("initialized", map[string]any{})

	billing := c.open(filepath.Join(dir, "services/billing/billing.tm"))
	platform := pathToURI(filepath.Join(dir, "platform.tm"))
	c.waitDiagnostics(billing, func(ds []lspDiagnostic) bool { return len(ds) == 0 })

	// Break it: delete the crosses line of flow record.
	start := c.find(billing, `  crosses data "billing DB role`, 0, 0)
	c.edit(billing, textEdit{Range: lspRange{start, position{start.Line + 1, 0}}})
	ds := c.waitDiagnostics(billing, func(ds []lspDiagnostic) bool { return len(errorsOf(ds, "TM301")) == 1 })
	d := errorsOf(ds, "TM301")[0]
	if want := c.find(billing, "record:", 0, 0); d.Range.Start != want || d.Range.End.Character != want.Character+len("record") {
		t.Errorf("TM301 at %+v, want the flow id at %+v", d.Range, want)
	}
	if d.Severity != 1 || !strings.Contains(d.Message, `flow "record" leaves "cluster" and enters "cluster.data"`) && !strings.Contains(d.Message, `flow "record"`) {
		t.Errorf("TM301: %+v", d)
	}
	if !strings.Contains(d.Message, "help: crosses data") || len(d.RelatedInformation) == 0 {
		t.Errorf("TM301 without its help or related boundary: %+v", d)
	}
	if rel := d.RelatedInformation[0].Location; rel.URI != platform {
		t.Errorf("TM301 related location in %s, want platform.tm", rel.URI)
	}

	// The quick fix adds the crosses line; applied, the error clears.
	var actions []codeAction
	c.result("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": billing}, "range": d.Range,
		"context": map[string]any{"diagnostics": []lspDiagnostic{d}}}, &actions)
	fix := findAction(t, actions, "Add crosses data")
	c.edit(billing, fix.Edit.Changes[billing]...)
	if !strings.Contains(c.texts[billing], "  protocol postgres  carries payment\n  crosses data \"<how trust is established>\"\n}") {
		t.Errorf("the fix did not put the crosses line in the flow's block:\n%s", c.texts[billing])
	}
	c.waitDiagnostics(billing, func(ds []lspDiagnostic) bool { return len(errorsOf(ds, "")) == 0 })

	// A misspelt name: TM201 with a did-you-mean, fixed by its quick fix.
	p := c.find(billing, "carries payment\n  crosses data \"<how", 0, len("carries "))
	c.edit(billing, textEdit{Range: lspRange{p, position{p.Line, p.Character + len("payment")}}, NewText: "paymnet"})
	ds = c.waitDiagnostics(billing, func(ds []lspDiagnostic) bool { return len(errorsOf(ds, "TM201")) == 1 })
	d = errorsOf(ds, "TM201")[0]
	if d.Range.Start != p || !strings.Contains(d.Message, `did you mean "payment"?`) {
		t.Errorf("TM201: %+v", d)
	}
	c.result("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": billing}, "range": d.Range,
		"context": map[string]any{"diagnostics": []lspDiagnostic{d}}}, &actions)
	fix = findAction(t, actions, `Replace with "payment"`)
	c.edit(billing, fix.Edit.Changes[billing]...)
	c.waitDiagnostics(billing, func(ds []lspDiagnostic) bool { return len(errorsOf(ds, "")) == 0 })

	// A sequence message without a flow: TM401; the fix adds the flow
	// with the crosses line it needs.
	p = c.find(billing, `    shop.billing -> shop.events "payment.succeeded or payment.failed"`, 0, 0)
	c.edit(billing, textEdit{Range: lspRange{p, p}, NewText: "    shop.ledger -> psp \"reconcile\"\n"})
	ds = c.waitDiagnostics(billing, func(ds []lspDiagnostic) bool { return len(errorsOf(ds, "TM401")) == 1 })
	d = errorsOf(ds, "TM401")[0]
	c.result("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": billing}, "range": d.Range,
		"context": map[string]any{"diagnostics": []lspDiagnostic{d}}}, &actions)
	fix = findAction(t, actions, "Add flow ledger -> psp")
	c.edit(billing, fix.Edit.Changes[billing]...)
	if !strings.Contains(c.texts[billing], "flow ledger -> psp \"reconcile\" {\n  crosses data, cluster, vendor \"<how trust is established>\"\n}\n\nsequence webhook_handling") {
		t.Errorf("the missing flow was not added before the sequence:\n%s", c.texts[billing])
	}
	c.waitDiagnostics(billing, func(ds []lspDiagnostic) bool { return len(errorsOf(ds, "")) == 0 })

	// Hover: an element's kind, boundary chain and trust; a flow's
	// crossings with their reasons; findings with score and band.
	var h hover
	c.result("textDocument/hover", posParams(billing, c.find(billing, "shop.ledger \"Record charge\"", 0, 6)), &h)
	for _, want := range []string{"**database** `shop.ledger`", "`cluster` › `cluster.data`", "trust: high"} {
		if !strings.Contains(h.Contents.Value, want) {
			t.Errorf("hover on shop.ledger lacks %q:\n%s", want, h.Contents.Value)
		}
	}
	c.result("textDocument/hover", posParams(billing, c.find(billing, "charge: shop.billing", 0, 1)), &h)
	for _, want := range []string{"**flow** `charge`", "leaves `cluster` (trust high): egress allow-list", "enters `vendor` (trust external)"} {
		if !strings.Contains(h.Contents.Value, want) {
			t.Errorf("hover on flow charge lacks %q:\n%s", want, h.Contents.Value)
		}
	}
	c.result("textDocument/hover", posParams(billing, c.find(billing, "record: shop.billing", 0, 1)), &h)
	if !strings.Contains(h.Contents.Value, "**Findings**") || !strings.Contains(h.Contents.Value, "TMR-D04") || !strings.Contains(h.Contents.Value, "score 9, medium") {
		t.Errorf("hover on flow record lacks its finding TMR-D04 with score and band:\n%s", h.Contents.Value)
	}

	// Definition, across files.
	var locs []location
	c.result("textDocument/definition", posParams(billing, c.find(billing, "in cluster {", 0, 4)), &locs)
	if len(locs) != 1 || locs[0].URI != platform || locs[0].Range.Start.Line != 29 {
		t.Errorf("definition of cluster: %+v, want platform.tm line 30", locs)
	}
	c.result("textDocument/definition", posParams(billing, c.find(billing, "shop.ledger \"Record", 0, 6)), &locs)
	if want := c.find(billing, "ledger \"Payments ledger\"", 0, 0); len(locs) != 1 || locs[0].URI != billing || locs[0].Range.Start != want {
		t.Errorf("definition of shop.ledger: %+v, want %+v", locs, want)
	}
	// The prefix of a dotted name is a use of its own.
	c.result("textDocument/definition", posParams(billing, c.find(billing, "shop.ledger \"Record", 0, 1)), &locs)
	if len(locs) != 1 || locs[0].URI == billing {
		t.Errorf("definition of shop in shop.ledger: %+v, want platform.tm", locs)
	}

	// References of a data asset, across files.
	c.result("textDocument/references", map[string]any{"textDocument": map[string]any{"uri": billing},
		"position": c.find(billing, "carries card, payment", 0, len("carries card, ")), "context": map[string]any{"includeDeclaration": true}}, &locs)
	files := map[string]bool{}
	for _, l := range locs {
		files[l.URI] = true
	}
	if len(locs) < 4 || !files[platform] || !files[billing] || len(files) < 3 {
		t.Errorf("references of payment: %d in %d files: %+v", len(locs), len(files), locs)
	}

	// Rename: refused for a taken name and an invalid one, done across
	// files otherwise.
	ledger := posParams(billing, c.find(billing, "shop.ledger \"Record", 0, 6))
	var prep prepareRenameResult
	c.result("textDocument/prepareRename", ledger, &prep)
	if prep.Placeholder != "ledger" {
		t.Errorf("prepareRename: %+v", prep)
	}
	for _, bad := range []string{"billing", "9lives", "a.b"} {
		m := c.call("textDocument/rename", withNewName(ledger, bad))
		if m.Error == nil {
			t.Errorf("rename to %q was not refused", bad)
		} else if bad == "billing" && !strings.Contains(m.Error.Message, `"billing" is already taken`) {
			t.Errorf("rename to billing: %s", m.Error.Message)
		}
	}
	var we workspaceEdit
	c.open(filepath.Join(dir, "services/orders/orders.tm"))
	c.result("textDocument/rename", withNewName(ledger, "journal"), &we)
	n := 0
	for uri, edits := range we.Changes {
		for _, e := range edits {
			if e.NewText != "journal" {
				t.Errorf("rename edit %+v in %s", e, uri)
			}
			n++
		}
	}
	if n < 3 {
		t.Errorf("rename of ledger: %d edits: %+v", n, we)
	}
	if len(we.Changes) != 2 {
		t.Errorf("rename of ledger changes %d files, want billing.tm and orders.tm", len(we.Changes))
	}
	for uri, edits := range we.Changes {
		c.edit(uri, edits...)
	}
	c.waitDiagnostics(billing, func(ds []lspDiagnostic) bool { return len(errorsOf(ds, "")) == 0 })
	if !strings.Contains(c.texts[billing], "database journal \"Payments ledger\"") || strings.Contains(c.texts[billing], "shop.ledger") {
		t.Errorf("rename left the file:\n%s", c.texts[billing])
	}

	// Completion: data after carries, the crossed boundaries after
	// crosses, keywords at a statement start, rule ids in claims.
	labels := func(p position) []string {
		var cl completionList
		c.result("textDocument/completion", posParams(billing, p), &cl)
		var out []string
		for _, it := range cl.Items {
			out = append(out, it.Label)
		}
		return out
	}
	p = c.find(billing, "carries card, payment", 0, len("carries "))
	c.edit(billing, textEdit{Range: lspRange{p, p}, NewText: "ps"})
	got := labels(position{p.Line, p.Character + 2})
	if !contains2(got, "psp_key") || !contains2(got, "order") || contains2(got, "psp") || contains2(got, "cluster") {
		t.Errorf("completion after carries: %v", got)
	}
	c.edit(billing, textEdit{Range: lspRange{p, position{p.Line, p.Character + 2}}})
	p = c.find(billing, "crosses cluster, vendor", 0, len("crosses "))
	got = labels(p)
	if len(got) != 2 || got[0] != "cluster" || got[1] != "vendor" {
		t.Errorf("completion after crosses in flow charge: %v, want the two boundaries it crosses", got)
	}
	p = c.find(billing, "flow record:", 0, 0)
	c.edit(billing, textEdit{Range: lspRange{p, p}, NewText: "\n"})
	got = labels(p)
	if !contains2(got, "flow") || !contains2(got, "boundary") || !contains2(got, "threat") || contains2(got, "crosses") {
		t.Errorf("completion at the top level: %v", got)
	}
	c.edit(billing, textEdit{Range: lspRange{p, position{p.Line + 1, 0}}})
	p = c.find(billing, "  idempotency_key\n", 0, 0)
	got = labels(p)
	if !contains2(got, "crosses") || !contains2(got, "carries") || contains2(got, "flow") || contains2(got, "trust") {
		t.Errorf("completion in a flow block: %v", got)
	}

	// Document symbols: a tree.
	var syms []documentSymbol
	c.open(filepath.Join(dir, "platform.tm"))
	c.result("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": billing}}, &syms)
	var names []string
	for _, s := range syms {
		names = append(names, s.Name)
	}
	if !contains2(names, "psp") || !contains2(names, "charge") || !contains2(names, "webhook_handling") {
		t.Errorf("document symbols: %v", names)
	}
	c.result("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": platform}}, &syms)
	if nested := findSymbol(syms, "cluster"); nested == nil || findSymbol(nested.Children, "data") == nil {
		t.Errorf("platform.tm symbols do not nest data in cluster: %+v", syms)
	}
	orders := pathToURI(filepath.Join(dir, "services/orders/orders.tm"))
	c.result("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": orders}}, &syms)
	if findSymbol(syms, "shop.orders.api->shop.orders.authz") == nil {
		var names []string
		for _, s := range syms {
			names = append(names, s.Name)
		}
		t.Errorf("orders.tm symbols lack the flow without an id: %v", names)
	}

	// Workspace symbols: fuzzy.
	var ws []symbolInformation
	c.result("workspace/symbol", map[string]any{"query": "jrnl"}, &ws)
	if len(ws) == 0 || ws[0].Name != "shop.journal" {
		t.Errorf("workspace symbols for jrnl: %+v", ws)
	}

	// Semantic tokens: keywords, comments, strings, declarations.
	var st semanticTokens
	c.result("textDocument/semanticTokens/full", map[string]any{"textDocument": map[string]any{"uri": billing}}, &st)
	toks := decodeTokens(st.Data)
	if len(st.Data)%5 != 0 || len(toks) < 50 {
		t.Fatalf("semantic tokens: %d numbers", len(st.Data))
	}
	want := map[position]string{
		{0, 0}:                                      "comment",
		c.find(billing, "system psp", 0, 0):         "keyword",
		c.find(billing, "system psp", 0, 7):         "class+declaration",
		c.find(billing, `"Payment provider"`, 0, 0): "string",
		c.find(billing, "in vendor", 0, 3):          "namespace",
		c.find(billing, "carries card", 0, 8):       "struct",
	}
	for p, w := range want {
		if toks[p] != w {
			t.Errorf("semantic token at %+v: %q, want %q", p, toks[p], w)
		}
	}

	// Formatting goes through tmc fmt: after the quick fixes above, the
	// edits it answers give exactly tmc fmt's text.
	formatted, err := dsl.Format("billing.tm", []byte(c.texts[billing]))
	if err != nil {
		t.Fatal(err)
	}
	var fmtEdits []textEdit
	c.result("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": billing}, "options": map[string]any{"tabSize": 2, "insertSpaces": true}}, &fmtEdits)
	c.edit(billing, fmtEdits...)
	if c.texts[billing] != string(formatted) {
		t.Errorf("formatting did not give tmc fmt's text:\n%s", c.texts[billing])
	}

	// Before shutdown, nothing is left in an error state.
	c.result("shutdown", nil, nil)
	c.notify("exit", nil)
	if err := <-c.done; err != nil {
		t.Errorf("Serve after shutdown and exit: %v", err)
	}
}

func posParams(uri string, p position) map[string]any {
	return map[string]any{"textDocument": map[string]any{"uri": uri}, "position": p}
}

func withNewName(p map[string]any, name string) map[string]any {
	out := map[string]any{"newName": name}
	for k, v := range p {
		out[k] = v
	}
	return out
}

func findAction(t *testing.T, actions []codeAction, prefix string) codeAction {
	t.Helper()
	for _, a := range actions {
		if strings.HasPrefix(a.Title, prefix) && a.Edit != nil {
			return a
		}
	}
	b, _ := json.Marshal(actions)
	t.Fatalf("no code action %q in %s", prefix, b)
	return codeAction{}
}

func findSymbol(syms []documentSymbol, name string) *documentSymbol {
	for i := range syms {
		if syms[i].Name == name {
			return &syms[i]
		}
	}
	return nil
}

func contains2(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// decodeTokens turns LSP's relative encoding into type names by start.
func decodeTokens(data []uint32) map[position]string {
	out := map[position]string{}
	line, char := 0, 0
	for i := 0; i+4 < len(data); i += 5 {
		if data[i] > 0 {
			line += int(data[i])
			char = int(data[i+1])
		} else {
			char += int(data[i+1])
		}
		name := tokenTypes[data[i+3]]
		if data[i+4]&1 != 0 {
			name += "+declaration"
		}
		out[position{line, char}] = name
	}
	return out
}
