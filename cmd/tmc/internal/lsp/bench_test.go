package lsp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tmc-dev/tmc/compiler/synth"
)

// BenchmarkDiagnosticsAfterEdit measures what an editor waits for: from
// a one-character edit (didChange) to the publishDiagnostics of that
// version, through the framed pipe, the default debounce included. The
// edit toggles a character in a string of one file; the other files'
// parses are reused (parses/op reports how many files each edit parsed).
//
//	go test ./cmd/tmc/internal/lsp -run '^$' -bench DiagnosticsAfterEdit -count 5
func BenchmarkDiagnosticsAfterEdit(b *testing.B) {
	b.Run("checkout", func(b *testing.B) {
		dir := copyTree(b, "../../../../examples/checkout")
		benchEdits(b, dir, filepath.Join(dir, "services/billing/billing.tm"))
	})
	b.Run("n=1000", func(b *testing.B) {
		root := b.TempDir()
		os.Mkdir(filepath.Join(root, ".git"), 0o755)
		dir := filepath.Join(root, "m")
		files := synth.Generate(1000)
		var tms []string
		for name, data := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, data, 0o644); err != nil {
				b.Fatal(err)
			}
			if strings.HasSuffix(name, ".tm") {
				tms = append(tms, p)
			}
		}
		sort.Strings(tms)
		benchEdits(b, dir, tms[len(tms)/2])
	})
}

func benchEdits(b *testing.B, dir, path string) {
	b.Setenv("SOURCE_DATE_EPOCH", "1795478400")
	s := New()
	eng := newSharedEngine()
	s.newEngine = func() modelEngine { return eng }
	c := startServer(b, s)
	c.result("initialize", map[string]any{"capabilities": map[string]any{}}, nil)
	c.notify("initialized", map[string]any{})
	uri := c.open(path)
	c.waitDiagnostics(uri, func([]lspDiagnostic) bool { return true })
	if n := len(errorsOf(c.diags[uri], "")); n > 0 {
		b.Fatalf("the model has %d diagnostics before the edits: %+v", n, c.diags[uri][0])
	}
	at := c.find(uri, `"`, 0, 1) // inside the first string
	parses := eng.parses
	insert := true
	cpu := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if insert {
			c.edit(uri, textEdit{Range: lspRange{at, at}, NewText: "x"})
		} else {
			c.edit(uri, textEdit{Range: lspRange{at, position{at.Line, at.Character + 1}}})
		}
		insert = !insert
		waitVersion(b, c, uri, c.vers[uri])
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(eng.parses-parses)/float64(b.N), "parses/op")
	c.exit()
}

// waitVersion reads until the diagnostics of uri at version v arrive.
func waitVersion(b *testing.B, c *testClient, uri string, v int) {
	deadline := time.After(hangLimit)
	for {
		select {
		case m, ok := <-c.in:
			if !ok {
				b.Fatal("the server closed its output")
			}
			if m.Method != "textDocument/publishDiagnostics" {
				continue
			}
			var p publishDiagnosticsParams
			json.Unmarshal(m.Params, &p)
			if p.URI == uri && p.Version != nil && *p.Version == v {
				if len(p.Diagnostics) > 0 {
					b.Fatalf("the edit broke the model: %+v", p.Diagnostics[0])
				}
				return
			}
		case <-deadline:
			b.Fatalf("no diagnostics for version %d in %s", v, hangLimit)
		}
	}
}

// BenchmarkRecompile measures the server's work for one edit without the
// pipe and the debounce: reparse the edited file, compile the model
// (parses of the other files reused). Compare BenchmarkCheck n=1000 in
// package compiler, which parses every file.
//
//	go test ./cmd/tmc/internal/lsp -run '^$' -bench Recompile -count 5
func BenchmarkRecompile(b *testing.B) {
	files := synth.Generate(1000)
	tm := map[string][]byte{}
	var names []string
	for name, data := range files {
		if strings.HasSuffix(name, ".tm") {
			tm[name] = data
			names = append(names, name)
		}
	}
	sort.Strings(names)
	edited := names[len(names)/2]
	orig := tm[edited]
	i := strings.IndexByte(string(orig), '"') + 1
	changed := append(append(append([]byte{}, orig[:i]...), 'x'), orig[i:]...)
	eng := newSharedEngine()
	root := b.TempDir()
	eng.Update(root, tm)
	b.ReportAllocs()
	cpu := cpuTime()
	b.ResetTimer()
	defer func() { b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op") }()
	for n := 0; n < b.N; n++ {
		if n%2 == 0 {
			tm[edited] = changed
		} else {
			tm[edited] = orig
		}
		eng.Update(root, tm)
	}
}
