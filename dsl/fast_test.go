package dsl_test

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/tmc-dev/tmc/compiler/synth"
	"github.com/tmc-dev/tmc/dsl"
)

// sameBothWays fails t unless the fast path and participle give the same
// declarations and diagnostics for src. It returns the declarations parsed
// and how many the fast path took.
func sameBothWays(t *testing.T, name string, src []byte) (decls, fastN int, clean bool) {
	t.Helper()
	fast, slow, fd, sd, n := dsl.ParseBothWays(name, src)
	if !reflect.DeepEqual(fast, slow) {
		for i := range min(len(fast.Decls), len(slow.Decls)) {
			if !reflect.DeepEqual(fast.Decls[i], slow.Decls[i]) {
				t.Fatalf("%s: declaration %d differs between the fast path and participle:\nfast: %s\nslow: %s",
					name, i, dump(fast.Decls[i]), dump(slow.Decls[i]))
			}
		}
		t.Fatalf("%s: the fast path and participle differ (%d and %d declarations, broken %q and %q)",
			name, len(fast.Decls), len(slow.Decls), fast.Broken, slow.Broken)
	}
	if !reflect.DeepEqual(fd, sd) {
		t.Fatalf("%s: diagnostics differ:\nfast: %v\nslow: %v", name, fd, sd)
	}
	return len(fast.Decls), n, len(fd) == 0
}

func dump(d dsl.Decl) string {
	s := fmt.Sprintf("%+v", d)
	for _, v := range []any{d.Model, d.Boundary, d.Element, d.Extend, d.Data, d.Flow, d.Sequence, d.Threat, d.Control, d.Decision, d.View, d.Accept, d.Runtime, d.Dismiss} {
		if !reflect.ValueOf(v).IsNil() {
			s = fmt.Sprintf("%+v", v)
		}
	}
	return s
}

// TestFastPathMatchesParticiple parses every .tm file of the repository
// (examples, test data, the fuzz corpus) and a synthetic model both ways:
// the fast path must build exactly participle's AST and diagnostics, and
// must take every declaration of a file that has no syntax error, or it
// would not be the fast path of a real model.
func TestFastPathMatchesParticiple(t *testing.T) {
	srcs := repoSources(t)
	for name, b := range synth.Generate(300) {
		if strings.HasSuffix(name, ".tm") {
			srcs["synth/"+name] = b
		}
	}
	for i, s := range fuzzSeeds {
		srcs[fmt.Sprintf("seed-%d", i)] = []byte(s)
	}
	var decls, fastN, cleanDecls, cleanFast int
	for name, src := range srcs {
		d, n, clean := sameBothWays(t, name, src)
		decls += d
		fastN += n
		if clean {
			cleanDecls += d
			cleanFast += n
			if n != d {
				t.Errorf("%s: the fast path took %d of %d declarations of a file without syntax errors", name, n, d)
			}
		}
	}
	t.Logf("%d inputs, %d declarations; the fast path took %d (%d of %d in files without syntax errors)",
		len(srcs), decls, fastN, cleanFast, cleanDecls)
}

// repoSources returns every .tm input of the repository, by path: the .tm
// files (examples, test data), the .tm files of txtar archives under
// testdata and the fuzz corpus entries.
func repoSources(t *testing.T) map[string][]byte {
	t.Helper()
	var files []string
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".tm") || strings.HasSuffix(path, ".txtar") || strings.Contains(path, filepath.Join("testdata", "fuzz"))) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 40 {
		t.Fatalf("found %d .tm files under the repository; the walk is broken", len(files))
	}
	srcs := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f, ".txtar") {
			for _, m := range txtar.Parse(b).Files {
				if strings.HasSuffix(m.Name, ".tm") {
					srcs[f+"/"+m.Name] = m.Data
				}
			}
			continue
		}
		if strings.Contains(f, filepath.Join("testdata", "fuzz")) {
			b = corpusBytes(b)
			if b == nil {
				continue
			}
		}
		srcs[f] = b
	}
	return srcs
}

// corpusBytes decodes a `go test fuzz v1` corpus file holding one []byte,
// or returns nil.
func corpusBytes(b []byte) []byte {
	lines := strings.SplitN(string(b), "\n", 3)
	if len(lines) < 2 || lines[0] != "go test fuzz v1" || !strings.HasPrefix(lines[1], "[]byte(") {
		return nil
	}
	var s string
	if _, err := fmt.Sscanf(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"), "%q", &s); err != nil {
		return nil
	}
	return []byte(s)
}

// TestFastPathMutations edits valid declarations the way a person typing
// does (a word deleted, doubled, swapped with its neighbour, or replaced by
// a keyword, a name, a string, a number or punctuation) and checks that
// the fast path and participle still agree on every result: the edges of
// the fast path's forms are where a difference would hide.
func TestFastPathMutations(t *testing.T) {
	var srcs []string
	for _, f := range []string{"../compiler/testdata/core/core.tm", "../examples/checkout/platform.tm", "../examples/checkout/services/billing/billing.tm"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, string(b))
	}
	for _, b := range synth.Generate(40) {
		srcs = append(srcs, string(b))
	}
	srcs = append(srcs, "view v \"Filters\" {\n  dfd\n  crossing edge, cluster.data\n  unmarked\n  carries order, card\n  around shop.orders 2\n  around psp\n}\n")
	inserts := []string{"around", "crossing", "unmarked", "0x2", "crosses", "on", "in", "->", "-->", ",", ".", ".*", "{", "}", ":", `"s"`, "7", "2026-01-02",
		"x", "a.b", "over", "else", "and", "by", "until", "of", "note", "alt", "opt", "par", "description", "container",
		"boundary", "provides", "accepted", "protocol", "auth", "carries", "flow", "system", "stride", "0x1f", "99999999999999999999", "#c", "//c"}
	rng := rand.New(rand.NewPCG(1, 2))
	formatted := 0
	runs := 3000
	if testing.Short() {
		runs = 300
	}
	for i := 0; i < runs; i++ {
		words := strings.Fields(srcs[rng.IntN(len(srcs))])
		if len(words) < 2 {
			continue
		}
		for edits := 1 + rng.IntN(3); edits > 0; edits-- {
			k := rng.IntN(len(words))
			switch rng.IntN(4) {
			case 0:
				words = append(words[:k], words[k+1:]...)
			case 1:
				words = append(words[:k+1], words[k:]...)
			case 2:
				if k+1 < len(words) {
					words[k], words[k+1] = words[k+1], words[k]
				}
			case 3:
				words[k] = inserts[rng.IntN(len(inserts))]
			}
			if len(words) < 2 {
				break
			}
		}
		// Line breaks matter to unknown statements: keep some.
		var b strings.Builder
		for j, w := range words {
			if j > 0 {
				if rng.IntN(6) == 0 {
					b.WriteByte('\n')
				} else {
					b.WriteByte(' ')
				}
			}
			b.WriteString(w)
		}
		sameBothWays(t, fmt.Sprintf("mutation-%d", i), []byte(b.String()))
		// The formatter meets the same edges: whatever of these parses
		// formats to the same AST and comments, idempotently.
		if checkFormat(t, fmt.Sprintf("mutation-%d", i), []byte(b.String())) != nil {
			formatted++
		}
	}
	t.Logf("%d of %d mutations parsed and were formatted", formatted, runs)
}
