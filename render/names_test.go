package render

import (
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render/internal/idgen"
)

// TestFileNameStable: the compiler's view ids of normal length are their
// own file names, as before.
func TestFileNameStable(t *testing.T) {
	for id, want := range map[string]string{
		"dfd":                   "dfd.svg",
		"component-shop.orders": "component-shop.orders.svg",
		"sequence-Checkout":     "sequence-Checkout.svg",
		"checkout_dfd":          "checkout_dfd.svg",
		"con":                   "~63on.svg",
		".hidden":               "~2Ehidden.svg",
		"a/b":                   "a~2Fb.svg",
		"~":                     "~7E.svg",
		"":                      "~.svg",
	} {
		if got := FileName(&ir.View{ID: id}); got != want {
			t.Errorf("FileName(%q) = %q, want %q", id, got, want)
		}
	}
}

// TestFileNameLong: a view of a 300-character id has a name within
// MaxNameBytes that keeps a readable prefix (defect 9: it had 304 bytes,
// and tmc render failed with "file name too long").
func TestFileNameLong(t *testing.T) {
	id := "container-" + strings.Repeat("a", 300)
	got := FileName(&ir.View{ID: id})
	if len(got) > MaxNameBytes || !strings.HasPrefix(got, "container-aaaa") || !strings.HasSuffix(got, ".svg") || !strings.Contains(got, ShortMarker) {
		t.Errorf("FileName(%d bytes) = %q (%d bytes)", len(id), got, len(got))
	}
	if again := FileName(&ir.View{ID: id}); again != got {
		t.Errorf("not deterministic: %q, then %q", got, again)
	}
	if other := FileName(&ir.View{ID: id + "b"}); other == got {
		t.Errorf("two long ids share %q", got)
	}
}

// TestShortenEscapes: the prefix of a shortened name never ends inside
// a ~XX escape, and the result has at most max bytes.
func TestShortenEscapes(t *testing.T) {
	name := strings.Repeat("~41", 50)
	for max := 23; max < 60; max++ {
		got := Shorten(name, "k", max)
		prefix, _, ok := strings.Cut(got, ShortMarker)
		if !ok || len(got) > max || len(prefix)%3 != 0 {
			t.Errorf("Shorten(max %d) = %q", max, got)
		}
	}
	if got := Shorten("abc", "k", 23); got != "abc" {
		t.Errorf("a short name changed: %q", got)
	}
}

// TestFileNameProperty: for random view ids (long, upper case, unicode,
// dots, odd bytes) FileName is within the budget, one valid file name,
// and distinct ids get distinct names; the file system takes them.
func TestFileNameProperty(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	dir := t.TempDir()
	seen := map[string]string{}
	prev := ""
	for i := 0; i < 3000; i++ {
		id := idgen.Random(rng, 100, 40)
		if i%2 == 1 {
			id = idgen.Variant(rng, prev) // close to the id before
		}
		prev = id
		name := FileName(&ir.View{ID: id})
		if len(name) > MaxNameBytes {
			t.Fatalf("FileName(%q) = %q: %d bytes", id, name, len(name))
		}
		if strings.ContainsAny(name, "/\\:*?\"<>|\x00") || strings.HasPrefix(name, ".") || strings.ContainsRune(name, ' ') {
			t.Fatalf("FileName(%q) = %q is not a portable file name", id, name)
		}
		for _, r := range name {
			if r >= 0x80 || r < 0x20 {
				t.Fatalf("FileName(%q) = %q: byte %q", id, name, r)
			}
		}
		if other, dup := seen[name]; dup && other != id {
			t.Fatalf("FileName(%q) = FileName(%q) = %q", id, other, name)
		}
		seen[name] = id
		if i%30 == 0 {
			if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
				t.Fatalf("FileName(%q): %v", id, err)
			}
		}
	}
}
