package cli

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/render/site"
)

// snapshot records everything below dir, without following links: each
// folder, each file with its contents, each link with its target.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			snap[rel] = "link " + target
			return err
		case d.IsDir():
			snap[rel] = "dir"
		default:
			b, err := os.ReadFile(p)
			snap[rel] = "file " + string(b)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// diffSnapshots lists what changed between two snapshots.
func diffSnapshots(before, after map[string]string) []string {
	var out []string
	for p, v := range before {
		if w, ok := after[p]; !ok {
			out = append(out, "removed "+p)
		} else if v != w {
			out = append(out, "changed "+p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			out = append(out, "added "+p)
		}
	}
	sort.Strings(out)
	return out
}

// The attack pass: `tmc build -o ""` (what -o "$OUT_DIR" gives when the
// variable is unset) replaced, and so deleted, the current folder. Every
// command that writes refuses it and touches nothing.
func TestEmptyOutputTouchesNothing(t *testing.T) {
	pinDate(t)
	model, err := filepath.Abs(checkoutModel)
	if err != nil {
		t.Fatal(err)
	}
	cwd := t.TempDir()
	os.WriteFile(filepath.Join(cwd, "work.txt"), []byte("a day of work"), 0o644)
	os.MkdirAll(filepath.Join(cwd, "src"), 0o755)
	t.Chdir(cwd)
	before := snapshot(t, cwd)
	for _, args := range [][]string{
		{"build", "-o", "", model},
		{"build", "-o", " ", model},
		{"watch", "-o", "", model},
		{"render", "-o", "", model},
		{"init", ""},
	} {
		code, _, errOut := run(t, args...)
		if code != ExitUsage || !strings.Contains(errOut, "is empty") {
			t.Errorf("%q: exit %d, %q; want 2 and a word on the empty path", args, code, errOut)
		}
		if d := diffSnapshots(before, snapshot(t, cwd)); len(d) > 0 {
			t.Fatalf("%q touched the current folder: %v", args, d)
		}
	}
}

// Each folder the policy refuses, for each command that writes, with a
// usage error naming the folder, and nothing touched anywhere.
func TestOutputPolicy(t *testing.T) {
	pinDate(t)
	world := t.TempDir()
	home := filepath.Join(world, "home", "me")
	t.Setenv("HOME", home)
	model := filepath.Join(world, "models", "threat-model")
	copyDir(t, checkoutModel, model)
	mk := func(p string) string {
		p = filepath.Join(world, p)
		os.MkdirAll(p, 0o755)
		return p
	}
	mk("home/me/notes")
	os.WriteFile(filepath.Join(home, "notes", "n.txt"), []byte("mine"), 0o644)
	cwd := mk("repo/services")
	os.WriteFile(filepath.Join(cwd, "main.go"), []byte("package main"), 0o644)
	foreign := mk("repo/docs")
	os.WriteFile(filepath.Join(foreign, "README.md"), []byte("docs"), 0o644)
	os.WriteFile(filepath.Join(world, "repo", "file.txt"), []byte("x"), 0o644)
	os.Symlink(cwd, filepath.Join(world, "link-to-cwd"))
	os.Symlink(model, filepath.Join(world, "link-to-model"))
	os.Symlink(home, filepath.Join(world, "link-to-home"))
	t.Chdir(cwd)

	refused := map[string]string{
		".":                        "is the current folder",
		"..":                       "holds the current folder",
		"/":                        "root of the file system",
		home:                       "is your home folder",
		filepath.Dir(home):         "holds your home folder",
		world + "/link-to-home":    "is your home folder",
		world + "/link-to-cwd":     "is the current folder",
		model:                      "is the model folder",
		world + "/link-to-model":   "is the model folder",
		filepath.Dir(model):        "holds the model folder",
		model + "/site":            "inside the model folder",
		world + "/link-to-model/x": "inside the model folder",
		foreign:                    "tmc did not create it",
		world + "/repo/file.txt":   "not a folder",
	}
	before := snapshot(t, world)
	for out, why := range refused {
		for _, cmd := range []string{"build", "watch", "render"} {
			code, _, errOut := run(t, cmd, "-o", out, model)
			if code != ExitUsage || !strings.Contains(errOut, why) || !strings.Contains(errOut, fmt.Sprintf("%q", out)) {
				t.Errorf("%s -o %s: exit %d, %q; want 2, %q and the folder named", cmd, out, code, errOut, why)
			}
		}
		if d := diffSnapshots(before, snapshot(t, world)); len(d) > 0 {
			t.Fatalf("-o %s touched: %v", out, d)
		}
	}
	for _, dir := range []string{".", "/", home, world + "/link-to-cwd"} {
		if code, _, errOut := run(t, "init", dir); code != ExitUsage {
			t.Errorf("init %s: exit %d, %q", dir, code, errOut)
		}
	}
	if d := diffSnapshots(before, snapshot(t, world)); len(d) > 0 {
		t.Fatalf("init touched: %v", d)
	}

	// Accepted: a new folder beside the model, an empty one, one tmc wrote.
	for _, out := range []string{"../public", mk("empty"), "../public"} {
		if code, stdout, errOut := run(t, "build", "-o", out, model); code != ExitOK {
			t.Errorf("build -o %s: exit %d\n%s%s", out, code, stdout, errOut)
		}
	}
	if code, stdout, errOut := run(t, "render", "-o", "../diagrams", model); code != ExitOK {
		t.Errorf("render: exit %d\n%s%s", code, stdout, errOut)
	}
	if code, stdout, errOut := run(t, "render", "-o", "../diagrams", model); code != ExitOK {
		t.Errorf("render again into the folder it wrote: exit %d\n%s%s", code, stdout, errOut)
	}
}

// The attack pass: `tmc render -o FOLDER` wrote its marker into a
// non-empty folder of the user's, which then dropped that folder's .tm
// files from the model and let a later `tmc build -o` delete them.
func TestRenderRefusesUserFolder(t *testing.T) {
	pinDate(t)
	user := t.TempDir()
	os.WriteFile(filepath.Join(user, "extra.tm"), []byte("boundary x \"X\" { trust high }\n"), 0o644)
	before := snapshot(t, user)
	if code, _, errOut := run(t, "render", "-o", user, checkoutModel); code != ExitUsage || !strings.Contains(errOut, "tmc did not create it") {
		t.Errorf("render into a user folder: exit %d, %q", code, errOut)
	}
	if d := diffSnapshots(before, snapshot(t, user)); len(d) > 0 {
		t.Errorf("render touched the user's folder: %v", d)
	}
	if code, _, _ := run(t, "build", "-o", user, checkoutModel); code != ExitUsage {
		t.Errorf("build over the user's folder: exit %d", code)
	}
}

// The attack pass: kill -9 during a build left .site.new-* folders that
// piled up beside the output. The next build removes leftovers whose
// build is gone, and leaves a running build's folder alone.
func TestBuildRemovesStaleLeftovers(t *testing.T) {
	pinDate(t)
	parent := t.TempDir()
	out := filepath.Join(parent, "site")
	dead := filepath.Join(parent, ".site.new-111")        // killed mid-write: lock file, nobody holds it
	oldSite := filepath.Join(parent, ".site.new-222.old") // killed after the first rename
	running := filepath.Join(parent, ".site.new-333")     // a build that runs now
	fresh := filepath.Join(parent, ".site.new-444")       // just made, no lock file yet
	other := filepath.Join(parent, ".public.new-555")     // another output's leftover
	for _, d := range []string{dead, oldSite, running, fresh, other} {
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, "index.html"), []byte("x"), 0o644)
	}
	os.WriteFile(filepath.Join(dead, buildingFile), nil, 0o600)
	lock, err := lockBuilding(filepath.Join(running, buildingFile))
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	long := time.Now().Add(-2 * staleAge)
	os.Chtimes(oldSite, long, long)

	if code, stdout, errOut := run(t, "build", "-o", out, checkoutModel); code != ExitOK {
		t.Fatalf("build: exit %d\n%s%s", code, stdout, errOut)
	}
	for _, d := range []string{dead, oldSite} {
		if _, err := os.Lstat(d); err == nil {
			t.Errorf("%s was left behind", filepath.Base(d))
		}
	}
	for _, d := range []string{running, fresh, other} {
		if _, err := os.Lstat(d); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(d), err)
		}
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 4 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("beside the site: %v", names)
	}
	if _, err := os.Stat(filepath.Join(out, buildingFile)); err == nil {
		t.Error("the lock file was published with the site")
	}
}

// A property of the policy and the swap together: in random trees of
// files, folders and links, with a random output path (links to the
// model, the current folder, home, above them...), checkOutput followed
// by swapIn never writes or removes anything outside the output folder,
// and a refusal touches nothing at all.
func TestOutputPolicyProperty(t *testing.T) {
	const trees = 150
	swapped := 0
	for seed := int64(1); seed <= trees; seed++ {
		rng := rand.New(rand.NewSource(seed))
		world := t.TempDir()
		t.Setenv("HOME", filepath.Join(world, "home"))
		paths := randomTree(rng, world)
		model := filepath.Join(world, paths[rng.Intn(len(paths))])
		if info, err := os.Stat(model); err != nil || !info.IsDir() {
			model = world
		}
		cwd := filepath.Join(world, paths[rng.Intn(len(paths))])
		if info, err := os.Stat(cwd); err != nil || !info.IsDir() {
			cwd = world
		}
		t.Chdir(cwd)
		// Candidates: every path of the tree, relative and absolute, a new
		// one, the empty path, . and ..
		cands := []string{"", ".", "..", "new-site", filepath.Join(world, "fresh", "site")}
		for _, p := range paths {
			cands = append(cands, filepath.Join(world, p))
			if rel, err := filepath.Rel(cwd, filepath.Join(world, p)); err == nil {
				cands = append(cands, rel)
			}
		}
		out := cands[rng.Intn(len(cands))]
		before := snapshot(t, world)
		dir, err := checkOutput(out, model, replaceFolder)
		if err != nil {
			if d := diffSnapshots(before, snapshot(t, world)); len(d) > 0 {
				t.Fatalf("seed %d: refused -o %q but touched %v", seed, out, d)
			}
			continue
		}
		files := []site.File{{Path: "index.html", Data: []byte("new")}, {Path: "a/b.html", Data: []byte("new")}}
		if err := swapIn(dir, files); err != nil {
			t.Fatalf("seed %d: swapIn %q: %v", seed, dir, err)
		}
		rel, _ := filepath.Rel(resolveExisting(world), dir)
		for _, change := range diffSnapshots(before, snapshot(t, world)) {
			p := change[strings.IndexByte(change, ' ')+1:]
			parentMade := strings.HasPrefix(change, "added ") && strings.HasPrefix(rel, p+string(filepath.Separator))
			if p != rel && !strings.HasPrefix(p, rel+string(filepath.Separator)) && !parentMade {
				t.Fatalf("seed %d: -o %q (model %s, cwd %s) changed %s outside %s", seed, out, model, cwd, change, rel)
			}
		}
		if !marked(dir) {
			t.Fatalf("seed %d: the output has no marker", seed)
		}
		swapped++
	}
	// Both sides of the policy are exercised.
	if swapped < trees/10 || swapped > trees*9/10 {
		t.Errorf("%d of %d trees swapped; the generator no longer exercises both sides", swapped, trees)
	}
	t.Logf("%d of %d output paths accepted and swapped in", swapped, trees)
}

// randomTree makes a few folders, files and links (inside and outside
// the tree, to folders and files, dangling) below dir and returns their
// paths relative to dir.
func randomTree(rng *rand.Rand, dir string) []string {
	paths := []string{"home"}
	os.MkdirAll(filepath.Join(dir, "home", "docs"), 0o755)
	os.WriteFile(filepath.Join(dir, "home", "docs", "cv.txt"), []byte("mine"), 0o644)
	for i := 0; i < 12; i++ {
		parent := paths[rng.Intn(len(paths))]
		if info, err := os.Stat(filepath.Join(dir, parent)); err != nil || !info.IsDir() {
			parent = ""
		}
		p := filepath.Join(parent, fmt.Sprintf("n%d", i))
		full := filepath.Join(dir, p)
		switch rng.Intn(5) {
		case 0, 1:
			os.MkdirAll(full, 0o755)
		case 2:
			os.WriteFile(full, []byte(fmt.Sprintf("file %d", i)), 0o644)
		case 3:
			os.MkdirAll(full, 0o755)
			os.WriteFile(filepath.Join(full, compiler.OutputMarker), nil, 0o644)
			if rng.Intn(2) == 0 {
				os.WriteFile(filepath.Join(full, "old.html"), []byte("old"), 0o644)
			}
		case 4:
			var target string
			switch rng.Intn(4) {
			case 0:
				target = filepath.Join(dir, paths[rng.Intn(len(paths))])
			case 1:
				target = ".."
			case 2:
				target = "/"
			default:
				target = "missing"
			}
			os.Symlink(target, full)
		}
		paths = append(paths, p)
	}
	return paths
}

// A report of what a refusal looks like, for the docs.
func TestOutputPolicyMessage(t *testing.T) {
	code, _, errOut := run(t, "build", "-o", "", checkoutModel)
	want := `tmc: the output folder is empty (-o ""): name a folder, e.g. -o site; an unset variable in -o "$OUT_DIR" gives this`
	if code != ExitUsage || !bytes.Contains([]byte(errOut), []byte(want)) {
		t.Errorf("exit %d, %q; want %q (docs/cli.md shows it)", code, errOut, want)
	}
}

// tmc's own threat model (docs/security.md) checks clean, strictly: its
// controls name tests through examples/tmc/verify.sh, which .ci/run
// checks against the tests that exist.
func TestOwnThreatModel(t *testing.T) {
	pinDate(t)
	if code, out, errOut := run(t, "check", "--strict", "../../../../examples/tmc"); code != ExitOK {
		t.Errorf("tmc check --strict examples/tmc: exit %d\n%s%s", code, out, errOut)
	}
}
