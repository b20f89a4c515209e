package diff_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/diff"
	"github.com/tmc-dev/tmc/compiler/synth"
)

// WriteModel writes files under dir.
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

// BenchmarkDiff measures Diff alone on two compiled revisions of a
// 10,000-element synthetic model, the second with about 1% changes
// (synth.Variant). Compilation is outside the timed loop; the whole
// command, compilation included, is BenchmarkDiffCommand in
// cmd/tmc/internal/cli.
//
//	go test ./compiler/diff -run '^$' -bench BenchmarkDiff -count 5
func BenchmarkDiff(b *testing.B) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	files := synth.Generate(10000)
	oldDir, newDir := b.TempDir(), b.TempDir()
	writeModel(b, oldDir, files)
	writeModel(b, newDir, synth.Variant(files))
	o, err := compiler.Compile(oldDir, compiler.Options{Now: now})
	if err != nil {
		b.Fatal(err)
	}
	n, err := compiler.Compile(newDir, compiler.Options{Now: now})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var r *diff.Result
	for b.Loop() {
		r = diff.Diff(o.Model, n.Model)
	}
	b.ReportMetric(float64(len(o.Model.Elements)), "elements")
	b.ReportMetric(float64(len(r.Elements.Added)), "elements-added")
	b.ReportMetric(float64(len(r.CrossingsAdded)), "crossings-added")
	b.ReportMetric(float64(len(r.ReasonsChanged)), "reasons-changed")
	b.ReportMetric(float64(len(r.Controls)), "controls-changed")
	b.ReportMetric(float64(len(r.Findings)), "findings-changed")
}
