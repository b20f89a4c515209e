package lsp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
)

// TestDiagnosticsMatchCheck edits a file (with text outside ASCII before
// the errors on their lines) and compares what the server publishes with
// what `tmc check` finds in the same text saved to disk: same codes,
// ranges (converted to UTF-16) and messages, in every file. It also
// checks that an edit reparses the edited file only.
func TestDiagnosticsMatchCheck(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795478400")
	dir := copyTree(t, "../../../../examples/checkout")
	s := New()
	eng := newSharedEngine()
	s.newEngine = func() modelEngine { return eng }
	c := startServer(t, s)
	c.result("initialize", map[string]any{"capabilities": map[string]any{}}, nil)
	c.notify("initialized", map[string]any{})
	path := filepath.Join(dir, "services/billing/billing.tm")
	billing := c.open(path)
	c.waitDiagnostics(billing, func(ds []lspDiagnostic) bool { return len(ds) == 0 })
	parses := eng.parses

	p := c.find(billing, `"Record charge" {`, 0, 0)
	c.edit(billing, textEdit{Range: lspRange{p, position{p.Line, p.Character + len(`"Record charge" {`)}},
		NewText: `"Récord 支付 😀 charge" { carries nope`})
	p = c.find(billing, `  crosses data "billing DB role`, 0, 0)
	c.edit(billing, textEdit{Range: lspRange{p, position{p.Line + 1, 0}}})
	p = c.find(billing, "container billing", 0, 0)
	c.edit(billing, textEdit{Range: lspRange{p, p}, NewText: "# 😀😀 ünïcode\n  exposur private\n  "})
	c.waitDiagnostics(billing, func(ds []lspDiagnostic) bool {
		return len(errorsOf(ds, "TM201")) == 1 && len(errorsOf(ds, "TM301")) == 1 && len(errorsOf(ds, "TM102")) == 1
	})
	if n := eng.parses - parses; n < 1 || n > 3 {
		t.Errorf("three edits of one file parsed %d files, want one per compile of billing.tm only", n)
	}

	if err := os.WriteFile(path, []byte(c.texts[billing]), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := compiler.Compile(dir, compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{}
	texts := map[string]*text{}
	for _, d := range res.Diags {
		tx := texts[d.Subject.File]
		if tx == nil {
			tx = newText(res.Source.File(d.Subject.File))
			texts[d.Subject.File] = tx
		}
		uri := pathToURI(filepath.Join(dir, filepath.FromSlash(d.Subject.File)))
		r := tx.rangeToLSP(d.Subject)
		want[uri] = append(want[uri], summary(d.Code, r, strings.SplitN(d.Summary, "\n", 2)[0]))
	}
	got := map[string][]string{}
	for uri, ds := range c.diags {
		for _, d := range ds {
			got[uri] = append(got[uri], summary(d.Code, d.Range, strings.SplitN(d.Message, "\n", 2)[0]))
		}
	}
	for uri := range want {
		if len(want[uri]) != len(got[uri]) || strings.Join(want[uri], "\n") != strings.Join(got[uri], "\n") {
			t.Errorf("%s:\nserver:\n%s\ntmc check:\n%s", uri, strings.Join(got[uri], "\n"), strings.Join(want[uri], "\n"))
		}
	}
	for uri, g := range got {
		if len(g) > 0 && len(want[uri]) == 0 {
			t.Errorf("%s: the server reports %v, tmc check nothing", uri, g)
		}
	}
	// The TM201 after the emoji: its column counts the emoji as two units.
	d := errorsOf(c.diags[billing], "TM201")[0]
	if want := c.find(billing, "nope", 0, 0); d.Range.Start != want {
		t.Errorf("TM201 at %+v, want %+v", d.Range.Start, want)
	}
}

func summary(code string, r lspRange, msg string) string {
	return code + " " + itoa(r.Start.Line) + ":" + itoa(r.Start.Character) + "-" + itoa(r.End.Line) + ":" + itoa(r.End.Character) + " " + msg
}

func itoa(n int) string {
	s := []byte{}
	if n == 0 {
		return "0"
	}
	for n > 0 {
		s = append([]byte{byte('0' + n%10)}, s...)
		n /= 10
	}
	return string(s)
}
