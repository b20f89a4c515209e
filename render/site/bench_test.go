package site

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tmc-dev/tmc/compiler/synth"
	"github.com/tmc-dev/tmc/render/graph"
)

// BenchmarkBuildCheckout measures Build on examples/checkout, warm: the
// model is compiled once, and the layout cache of render/layout holds the
// Graphviz layouts after the first iteration (as a second tmc build in one
// process would). Every iteration still places and routes every diagram
// and renders every page: the placement and page caches, which tmc serve
// keeps between rebuilds, are emptied first (BenchmarkRebuildCheckout
// keeps them). Target: under 500 ms.
//
//	go test ./render/site -run '^$' -bench BenchmarkBuildCheckout -count 5
func BenchmarkBuildCheckout(b *testing.B) {
	in := inputFor(b, checkoutDir)
	if _, err := Build(context.Background(), in, Options{}); err != nil { // warm
		b.Fatal(err)
	}
	b.ReportAllocs()
	var files []File
	for b.Loop() {
		forgetCaches()
		var err error
		files, err = Build(context.Background(), in, Options{})
		if err != nil {
			b.Fatal(err)
		}
	}
	reportSize(b, files)
}

// BenchmarkBuild1000 measures Build on a synthetic model of 1,000
// elements (compiler/synth), compiled once outside the timed loop. Its
// 321 views outnumber the layout cache of render/layout (256 entries), so
// later iterations are only partly warm; one iteration in a fresh process
// is the cold cost of tmc build. Target: under 10 s.
//
//	go test ./render/site -run '^$' -bench BenchmarkBuild1000 -benchtime 1x -count 5
func BenchmarkBuild1000(b *testing.B) {
	dir := b.TempDir()
	for name, data := range synth.Generate(1000) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	in := inputFor(b, dir)
	b.ReportAllocs()
	var files []File
	for b.Loop() {
		forgetCaches()
		var err error
		files, err = Build(context.Background(), in, Options{})
		if err != nil {
			b.Fatal(err)
		}
	}
	reportSize(b, files)
}

// BenchmarkRebuildCheckout measures what tmc serve does when a save
// changes nothing the site shows: Build on examples/checkout with every
// cache kept (layouts, placed diagrams, rendered pages).
//
//	go test ./render/site -run '^$' -bench BenchmarkRebuildCheckout -count 5
func BenchmarkRebuildCheckout(b *testing.B) {
	in := inputFor(b, checkoutDir)
	if _, err := Build(context.Background(), in, Options{}); err != nil { // warm
		b.Fatal(err)
	}
	b.ReportAllocs()
	var files []File
	for b.Loop() {
		var err error
		files, err = Build(context.Background(), in, Options{})
		if err != nil {
			b.Fatal(err)
		}
	}
	reportSize(b, files)
}

// forgetCaches empties the caches tmc serve keeps between rebuilds
// (placed diagrams, rendered pages), so that a build does the work of a
// tmc build.
func forgetCaches() {
	pageCache.clear()
	graph.ForgetPlacements()
}

func reportSize(b *testing.B, files []File) {
	total := 0
	for _, f := range files {
		total += len(f.Data)
	}
	b.ReportMetric(float64(len(files)), "files")
	b.ReportMetric(float64(total)/(1<<20), "MB")
}
