package cli

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func framed(bodies ...string) string {
	var b strings.Builder
	for _, body := range bodies {
		fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s", len(body), body)
	}
	return b.String()
}

// TestLSPCommand runs `tmc lsp` in process over a whole session on stdin:
// initialize, shutdown, exit is status 0; exit without shutdown is 1.
func TestLSPCommand(t *testing.T) {
	in := framed(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`,
		`{"jsonrpc":"2.0","method":"initialized","params":{}}`,
		`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`,
		`{"jsonrpc":"2.0","method":"exit"}`)
	var out, errOut bytes.Buffer
	if code := Main([]string{"lsp"}, strings.NewReader(in), &out, &errOut); code != ExitOK {
		t.Fatalf("tmc lsp: status %d, stderr %s", code, errOut.String())
	}
	for _, want := range []string{`"id":1,"result":{"capabilities":`, `"name":"tmc"`, `"id":2,"result":null`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("tmc lsp output lacks %s:\n%s", want, out.String())
		}
	}
	out.Reset()
	in = framed(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`, `{"jsonrpc":"2.0","method":"exit"}`)
	if code := Main([]string{"lsp"}, strings.NewReader(in), &out, &errOut); code != ExitFail {
		t.Errorf("exit without shutdown: status %d, want %d", code, ExitFail)
	}
	// A stream that is not LSP: usage error, with a message.
	errOut.Reset()
	if code := Main([]string{"lsp"}, strings.NewReader("hello\n\n"), &out, &errOut); code != ExitUsage || errOut.String() != "tmc: lsp: malformed header \"hello\"\n" {
		t.Errorf("garbage on stdin: status %d, stderr %q", code, errOut.String())
	}
}
