package rules_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/rules"
	"github.com/tmc-dev/tmc/compiler/synth"
)

// BenchmarkRules measures rules.Run alone on a synthetic model of 10,000
// elements, compiled once outside the timed loop. Target: under 300 ms
// (issue 12; 72 ms on 2 shared cores after its false-positive fixes).
//
//	go test ./compiler/rules -run '^$' -bench BenchmarkRules -count 5
func BenchmarkRules(b *testing.B) {
	dir := b.TempDir()
	for name, data := range synth.Generate(10000) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	res, err := compiler.Compile(dir, compiler.Options{Now: now})
	if err != nil {
		b.Fatal(err)
	}
	m := res.Model
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = len(rules.Run(m))
	}
	b.ReportMetric(float64(n), "findings")
	b.ReportMetric(float64(len(m.Elements)), "elements")
	b.ReportMetric(float64(len(m.Flows)), "flows")
}
