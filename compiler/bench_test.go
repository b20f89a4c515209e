package compiler_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/synth"
)

// benchNow pins the date so date-dependent checks do not vary.
var benchNow = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// writeModel writes files under dir.
func writeModel(tb testing.TB, dir string, files map[string][]byte) {
	tb.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkCheck measures compiler.Compile (load, parse, resolve, checks)
// on synthetic models of 100, 1,000 and 10,000 elements. The model is
// generated and written once, outside the timed loop.
//
//	go test ./compiler -run '^$' -bench BenchmarkCheck -count 5
func BenchmarkCheck(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			files := synth.Generate(n)
			st := synth.Count(files)
			dir := b.TempDir()
			writeModel(b, dir, files)
			b.ReportAllocs()
			var res *compiler.Result
			for b.Loop() {
				var err error
				res, err = compiler.Compile(dir, compiler.Options{Now: benchNow})
				if err != nil {
					b.Fatal(err)
				}
			}
			if len(res.Diags) != 0 {
				b.Fatalf("synthetic model has %d diagnostics; first: %v", len(res.Diags), res.Diags[0])
			}
			b.ReportMetric(float64(st.Lines), "lines")
			b.ReportMetric(float64(len(res.Model.Flows)), "flows")
			b.ReportMetric(float64(len(res.Model.Elements)), "elements")
		})
	}
}

// TestSynthChecksClean keeps the generator honest: what it writes must
// check with no diagnostics at all, with the element and flow counts it
// promises, and the same bytes every time.
func TestSynthChecksClean(t *testing.T) {
	for _, n := range []int{1, 17, 300} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			files := synth.Generate(n)
			dir := t.TempDir()
			writeModel(t, dir, files)
			res, err := compiler.Compile(dir, compiler.Options{Now: benchNow})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range res.Diags {
				t.Errorf("%v", d)
			}
			if got := len(res.Model.Elements); got != n {
				t.Errorf("elements = %d, want %d", got, n)
			}
			st := synth.Count(files)
			if st.Elements != n || st.Flows != len(res.Model.Flows) {
				t.Errorf("Count = %+v; compiled %d elements, %d flows", st, len(res.Model.Elements), len(res.Model.Flows))
			}
			if n >= 300 {
				if f := len(res.Model.Flows); f < 19*n/10 || f > 2*n {
					t.Errorf("flows = %d, want about 2 per element (%d)", f, 2*n)
				}
				crossings := 0
				for _, f := range res.Model.Flows {
					crossings += len(f.Crossings)
				}
				if crossings < n/2 {
					t.Errorf("only %d crossings", crossings)
				}
			}
			again := synth.Generate(n)
			if len(again) != len(files) {
				t.Fatalf("Generate(%d) gave %d files, then %d", n, len(files), len(again))
			}
			for name, data := range files {
				if string(again[name]) != string(data) {
					t.Fatalf("Generate(%d) is not deterministic: %s differs", n, name)
				}
			}
		})
	}
}
