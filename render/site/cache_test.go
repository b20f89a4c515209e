package site

import (
	"bytes"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
)

func sameSite(t *testing.T, what string, got, want []File) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d files, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i].Path != want[i].Path || !bytes.Equal(got[i].Data, want[i].Data) {
			t.Fatalf("%s: %s differs from a build without cached pages", what, got[i].Path)
		}
	}
}

// TestPageCache: a site built with cached pages is byte-equal to one
// built without them, after an edit too, and the cache forgets the paths
// a build no longer writes.
func TestPageCache(t *testing.T) {
	pageCache.clear()
	in := inputFor(t, checkoutDir)
	first := build(t, in, Options{})
	if n := len(pageCache.m); n == 0 {
		t.Fatal("no page cached")
	}
	sameSite(t, "unchanged model", build(t, inputFor(t, checkoutDir), Options{}), first)

	src, err := compiler.Load(checkoutDir)
	if err != nil {
		t.Fatal(err)
	}
	f := src.Files[0]
	edited := append([]byte(nil), src.File(f.Name)...)
	edited = append(edited, "\nextend shop {\n  container cachetest \"Cache test\" in cluster { tech \"Go\" }\n}\nflow shop.orders -> shop.cachetest \"Call\" { protocol grpc }\n"...)
	buildEdited := func() []File {
		tree := compiler.Tree{}
		for _, g := range src.Files {
			tree[g.Name] = g.Src
		}
		tree[f.Name] = edited
		s, err := compiler.LoadTree(src.Root, tree)
		if err != nil {
			t.Fatal(err)
		}
		res := compiler.CompileSource(s, compiler.Options{Now: today})
		return build(t, Input{Model: res.Model, Diags: res.Diags}, Options{})
	}
	cached := buildEdited()
	pageCache.clear()
	fresh := buildEdited()
	sameSite(t, "edited model", cached, fresh)
	if !bytes.Contains(fileMap(fresh)["index.html"], []byte("Cache test")) && fileMap(fresh)["element/shop.cachetest.html"] == nil {
		t.Fatal("the edit is not in the site")
	}
	pageCache.retain(map[string]bool{"index.html": true})
	if len(pageCache.m) != 1 {
		t.Fatalf("retain kept %d pages, want 1", len(pageCache.m))
	}
}

// TestOnly: a build limited by Options.Only returns exactly the files it
// accepts, each byte-equal to the full build's.
func TestOnly(t *testing.T) {
	in := inputFor(t, checkoutDir)
	full := fileMap(build(t, in, Options{}))
	want := map[string]bool{"element/shop.orders.html": true, "index.html": true, "model.json": true, "no/such.html": true}
	pageCache.clear() // the pages are made, not taken from the full build
	got := build(t, inputFor(t, checkoutDir), Options{Only: func(p string) bool { return want[p] }})
	if len(got) != 3 {
		t.Fatalf("%d files, want 3", len(got))
	}
	for _, f := range got {
		if !want[f.Path] || !bytes.Equal(f.Data, full[f.Path]) {
			t.Errorf("%s: not asked for, or differs from the full build", f.Path)
		}
	}
}
