package compiler_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
)

// A property of the confined reader and of loading: in random trees of
// files, folders and symbolic links (to files and folders inside the
// root, out of it, to /proc/self/environ, dangling, in loops), nothing
// outside the model root is ever read: no byte of a file outside reaches
// the loaded sources, a diagnostic, or a ReadFile result, and every
// ReadFile that succeeds returns a file whose real path is inside the root.
//
// In one tree of two the model root lies in a project (a folder holding
// .git) that the outside files are not in: the paths the model names may
// then go up to the project root, and the property holds for it.
func TestConfinementProperty(t *testing.T) {
	const trees = 120
	t.Setenv("TMC_CANARY_SECRET", canary)
	reads, refusals := 0, 0
	for seed := int64(1); seed <= trees; seed++ {
		rng := rand.New(rand.NewSource(seed))
		world := t.TempDir()
		project := world
		if seed%2 == 0 {
			project = filepath.Join(world, "project")
			os.MkdirAll(filepath.Join(project, ".git"), 0o755)
			os.WriteFile(filepath.Join(project, "beside.md"), []byte("in the project"), 0o644)
		}
		root := filepath.Join(project, "root")
		outside := filepath.Join(world, "outside")
		paths := confineTree(rng, root, outside)

		res, err := compiler.Compile(root, compiler.Options{Now: fuzzNow})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		noCanary(t, res)
		for _, d := range res.Diags {
			if strings.Contains(d.Summary+d.Detail, "outside secret") {
				t.Fatalf("seed %d: a file outside leaked into %v", seed, d)
			}
		}
		for _, f := range res.Source.Files {
			if bytes.Contains(f.Src, []byte("outside secret")) {
				t.Fatalf("seed %d: %s loaded a file outside the root", seed, f.Name)
			}
		}

		if project != world {
			if res.Source.Project != project {
				t.Fatalf("seed %d: project root %s, want %s", seed, res.Source.Project, project)
			}
			for _, name := range []string{"../beside.md", "../../outside/secret.txt", "../root/../../outside/secret.txt", "../root/../../outside/dir"} {
				data, err := res.Source.ReadRef(name, 1<<20)
				if bytes.Contains(data, []byte("outside secret")) || (name == "../beside.md") != (err == nil) {
					t.Fatalf("seed %d: ReadRef(%s) = %q, %v", seed, name, data, err)
				}
			}
		}
		realRoot, _ := filepath.EvalSymlinks(root)
		files := compiler.Confine(root)
		for _, p := range append(paths, "env", "a/../env", "../outside/secret.txt", "/etc/passwd") {
			data, err := files.ReadFile(p, 1<<20)
			var esc *compiler.EscapeError
			switch {
			case err == nil:
				reads++
				real, rerr := filepath.EvalSymlinks(filepath.Join(root, filepath.FromSlash(p)))
				if rerr != nil || !strings.HasPrefix(real, realRoot+string(filepath.Separator)) {
					t.Fatalf("seed %d: read %s, whose real path %s is outside %s", seed, p, real, realRoot)
				}
				if bytes.Contains(data, []byte("outside secret")) || bytes.Contains(data, []byte(canary)) {
					t.Fatalf("seed %d: read %s: %q", seed, p, data)
				}
			case errors.As(err, &esc):
				refusals++
			}
		}
	}
	// Both sides are exercised.
	if reads < trees || refusals < trees {
		t.Errorf("%d reads, %d refusals over %d trees; the generator no longer exercises both", reads, refusals, trees)
	}
}

// confineTree makes a random tree under root, with .tm files that name
// other paths as decision records, tests and evidence, and files outside
// it holding "outside secret"; it returns the root-relative paths made.
func confineTree(rng *rand.Rand, root, outside string) []string {
	os.MkdirAll(root, 0o755)
	os.WriteFile(filepath.Join(root, "base.tm"), []byte(validBoundary), 0o644)
	os.MkdirAll(filepath.Join(outside, "dir"), 0o755)
	os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("outside secret"), 0o644)
	os.WriteFile(filepath.Join(outside, "evil.tm"), []byte("boundary outside_secret \"outside secret\" { trust high }\n"), 0o644)
	os.WriteFile(filepath.Join(outside, "dir", "more.tm"), []byte("boundary outside_secret2 \"outside secret\" { trust high }\n"), 0o644)
	targets := []string{
		filepath.Join(outside, "secret.txt"), filepath.Join(outside, "evil.tm"), filepath.Join(outside, "dir"),
		outside, "/proc/self/environ", "/", "..", "../..", "missing", ".",
	}
	dirs := []string{""}
	var paths []string
	for i := 0; i < 14; i++ {
		parent := dirs[rng.Intn(len(dirs))]
		name := fmt.Sprintf("n%d", i)
		switch rng.Intn(3) {
		case 0:
			name += ".tm"
		case 1:
			name += ".md"
		}
		rel := filepath.ToSlash(filepath.Join(parent, name))
		full := filepath.Join(root, filepath.FromSlash(rel))
		switch rng.Intn(4) {
		case 0:
			os.MkdirAll(full, 0o755)
			dirs = append(dirs, rel)
		case 1, 2:
			var text string
			if strings.HasSuffix(name, ".tm") {
				text = fmt.Sprintf("boundary b%d \"B\" { trust high }\n", i)
				if len(paths) > 0 {
					p := paths[rng.Intn(len(paths))]
					text += fmt.Sprintf("decision d%d \"D\" {\n  status accepted\n  file %q\n}\ncontrol c%d \"C\" {\n  status implemented\n  test %q\n  evidence %q\n}\n", i, p, i, p+":TestX", p)
				}
			} else {
				text = "inside " + rel
			}
			os.WriteFile(full, []byte(text), 0o644)
		default:
			target := targets[rng.Intn(len(targets))]
			if rng.Intn(3) == 0 && len(paths) > 0 {
				target = filepath.Join(root, filepath.FromSlash(paths[rng.Intn(len(paths))]))
			}
			os.Symlink(target, full)
			if info, err := os.Stat(full); err == nil && info.IsDir() {
				dirs = append(dirs, rel)
			}
		}
		paths = append(paths, rel)
	}
	os.Symlink("/proc/self/environ", filepath.Join(root, "env"))
	return paths
}
