package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// repoModel is a model in threat-model/ of a repository that names the
// tests, evidence and decision records the repository keeps beside it,
// relative to the .tm file naming them: one file at the model root, one
// a folder below it.
const repoModel = `boundary edge "Edge" { trust low }
system shop "Shop" { container gateway "Gateway" in edge }
control webhook_sig "Verify webhook signatures" {
  status implemented
  test "../services/billing/webhook_test.go:TestWebhookSignature"
  evidence "../docs/adr/0001-x.md"
}
decision adr1 "Signed webhooks" {
  status accepted
  file "../docs/adr/0001-x.md"
  affects shop.gateway
}
`

const repoModelSub = `control replay "Reject replays" {
  status implemented
  test "../../services/billing/webhook_test.go"
  evidence "../../docs/adr"
}
`

// layRepo lays out a repository under dir: marker (".git" as a folder,
// ".git" as a file as in a worktree, "tmc.toml", or "" for none), the
// model in threat-model/, a Go test in services/billing and an ADR in
// docs/adr. It returns the repository root.
func layRepo(t *testing.T, dir, marker string) string {
	t.Helper()
	repo := filepath.Join(dir, "repo")
	files := map[string]string{
		"threat-model/model.tm":             repoModel,
		"threat-model/parts/replay.tm":      repoModelSub,
		"services/billing/webhook_test.go":  "package billing\n\nimport \"testing\"\n\nfunc TestWebhookSignature(t *testing.T) {}\n",
		"docs/adr/0001-x.md":                "# Signed webhooks\n\nEvery webhook carries an HMAC; ADR-TEXT-MARKER.\n",
		"../outside.md":                     "outside secret\n",
		"threat-model/docs/not-this-one.md": "inside the model folder\n",
	}
	switch marker {
	case ".git":
		files[".git/HEAD"] = "ref: refs/heads/main\n"
	case ".git file":
		files[".git"] = "gitdir: /elsewhere/.git/worktrees/repo\n"
	case "tmc.toml":
		files["tmc.toml"] = ""
	}
	for name, text := range files {
		p := filepath.Join(repo, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return repo
}

// The acceptance test of issue 15, section 1: with the model in
// threat-model/ of a repository, `tmc check threat-model` from the
// repository root and `tmc check .` from inside the model folder resolve
// every path, whatever marks the repository root (.git, a .git file,
// tmc.toml); a path above the project root is TM503.
func TestProjectRootPaths(t *testing.T) {
	pinDate(t)
	for _, marker := range []string{".git", ".git file", "tmc.toml"} {
		t.Run(marker, func(t *testing.T) {
			repo := layRepo(t, t.TempDir(), marker)
			t.Chdir(repo)
			code, out, errs := run(t, "check", "threat-model")
			if code != ExitOK || !strings.Contains(out, "threat-model: ok (2 files") {
				t.Fatalf("from the repository root: exit %d\n%s%s", code, out, errs)
			}
			t.Chdir(filepath.Join(repo, "threat-model"))
			code, out, errs = run(t, "check", ".")
			if code != ExitOK || !strings.Contains(out, ".: ok (2 files") {
				t.Fatalf("from the model folder: exit %d\n%s%s", code, out, errs)
			}
			t.Chdir(filepath.Join(repo, "threat-model", "parts"))
			code, out, errs = run(t, "check", "..")
			if code != ExitOK {
				t.Fatalf("from a folder of the model: exit %d\n%s%s", code, out, errs)
			}
		})
	}
}

// A path going above the project root is TM503, even to a file that
// exists; so is a symbolic link inside the repository that leads out of
// it. Paths that stay inside are found.
func TestProjectRootEscapes(t *testing.T) {
	pinDate(t)
	dir := t.TempDir()
	repo := layRepo(t, dir, ".git")
	if err := os.Symlink(filepath.Join(dir, "outside.md"), filepath.Join(repo, "docs", "link.md")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	extra := `control up "Up" {
  status implemented
  evidence "../../outside.md"
  evidence "../docs/link.md"
  evidence "../docs/adr/0001-x.md"
}
`
	if err := os.WriteFile(filepath.Join(repo, "threat-model", "up.tm"), []byte(extra), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(repo)
	code, out, _ := run(t, "check", "threat-model")
	if code != ExitFail {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{
		`threat-model/up.tm:3:12: error[TM503]: evidence "../../outside.md" of control "up" is outside the project root`,
		`threat-model/up.tm:4:12: error[TM503]: evidence "../docs/link.md" of control "up" resolves to ` + filepath.Join(dir, "outside.md") + `, outside the project root`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if n := strings.Count(out, "error["); n != 2 || strings.Contains(out, "outside secret") {
		t.Errorf("want exactly the two TM503 errors, got %d:\n%s", n, out)
	}
}

// --root sets the project root where nothing marks it, and limits it
// where something does; a --root that does not hold the model is a usage
// error.
func TestProjectRootFlag(t *testing.T) {
	pinDate(t)
	repo := layRepo(t, t.TempDir(), "")
	model := filepath.Join(repo, "threat-model")
	// No marker: the model folder is the root, as before.
	code, out, _ := run(t, "check", model)
	if code != ExitFail || strings.Count(out, "error[TM503]") != 5 {
		t.Fatalf("without a marker or --root: exit %d, want five TM503\n%s", code, out)
	}
	code, out, errs := run(t, "check", "--root", repo, model)
	if code != ExitOK {
		t.Fatalf("--root %s: exit %d\n%s%s", repo, code, out, errs)
	}
	// --root is also a limit: the model folder itself.
	if err := os.WriteFile(filepath.Join(repo, "tmc.toml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, "check", "--root", model, model)
	if code != ExitFail || strings.Count(out, "error[TM503]") != 5 {
		t.Fatalf("--root at the model folder: exit %d, want five TM503\n%s", code, out)
	}
	code, _, errs = run(t, "check", "--root", filepath.Join(repo, "services"), model)
	if code != ExitUsage || !strings.Contains(errs, "does not hold the model folder") {
		t.Fatalf("--root beside the model: exit %d\n%s", code, errs)
	}
	code, _, errs = run(t, "check", "--root", filepath.Join(repo, "missing"), model)
	if code != ExitUsage || !strings.Contains(errs, "--root") {
		t.Fatalf("--root missing: exit %d\n%s", code, errs)
	}
	for _, cmd := range [][]string{{"build", "-o", filepath.Join(t.TempDir(), "site")}, {"render", "-o", t.TempDir()}, {"export", "otm"}} {
		args := append(append(cmd, "--root", repo), model)
		if code, out, errs := run(t, args...); code != ExitOK {
			t.Errorf("tmc %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
		}
	}
	if code, out, errs := run(t, "diff", "--root", repo, model, model); code != ExitOK {
		t.Errorf("tmc diff --root: exit %d\n%s%s", code, out, errs)
	}
}

// The site reads a decision record above the model folder, through the
// confined reader rooted at the project root.
func TestProjectRootSite(t *testing.T) {
	pinDate(t)
	repo := layRepo(t, t.TempDir(), ".git")
	out := filepath.Join(t.TempDir(), "site")
	code, stdout, errs := run(t, "build", "-o", out, filepath.Join(repo, "threat-model"))
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, errs)
	}
	page, err := os.ReadFile(filepath.Join(out, "decision", "adr1.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "ADR-TEXT-MARKER") {
		t.Errorf("the decision page does not show the record above the model folder:\n%s", page)
	}
}

// tmc diff REV1 REV2 -- PATH looks the files the model names above its
// folder up in the same revisions, as tmc check finds them on disk: no
// error at either revision; a named test is read from git, only it; a
// file removed at the second revision is TM502 there; --root limits it.
func TestProjectRootDiff(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed; skipping the test of tmc diff on a repository")
	}
	pinDate(t)
	repo := layRepo(t, t.TempDir(), "")
	os.Remove(filepath.Join(repo, "..", "outside.md"))
	gitIn(t, repo, "init", "-q")
	gitIn(t, repo, "add", "-A")
	gitIn(t, repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "one")
	os.WriteFile(filepath.Join(repo, "threat-model", "more.tm"), []byte("boundary extra \"Extra\" { trust low }\n"), 0o644)
	gitIn(t, repo, "add", "-A")
	gitIn(t, repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "two")
	os.Remove(filepath.Join(repo, "docs", "adr", "0001-x.md"))
	gitIn(t, repo, "add", "-A")
	gitIn(t, repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "three")
	t.Chdir(repo)
	var mu sync.Mutex
	var read []string
	orig := readBlob
	readBlob = func(blobs *catFile, name, oid string, size int64) ([]byte, error) {
		mu.Lock()
		read = append(read, name)
		mu.Unlock()
		return orig(blobs, name, oid, size)
	}
	t.Cleanup(func() { readBlob = orig })
	code, out, errs := run(t, "diff", "HEAD~2", "HEAD~1", "--", "threat-model")
	if code != ExitOK || strings.Contains(errs, "has errors") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	sort.Strings(read)
	if want := "model.tm model.tm more.tm parts/replay.tm parts/replay.tm services/billing/webhook_test.go services/billing/webhook_test.go"; strings.Join(read, " ") != want {
		t.Errorf("read from git: %v, want %s", read, want)
	}
	// HEAD has no ADR: an error there, and only there.
	_, _, errs = run(t, "diff", "HEAD~1", "HEAD", "--", "threat-model")
	if !strings.Contains(errs, "HEAD has errors") || strings.Contains(errs, "HEAD~1 has errors") {
		t.Errorf("want errors at HEAD only (its ADR is gone):\n%s", errs)
	}
	// --root at the model folder: the paths above it are outside.
	_, _, errs = run(t, "diff", "--root", "threat-model", "HEAD~2", "HEAD~1", "--", "threat-model")
	if !strings.Contains(errs, "HEAD~2 has errors") {
		t.Errorf("--root threat-model: want errors (paths above the root)\n%s", errs)
	}
	code, _, errs = run(t, "diff", "--root", "services", "HEAD~2", "HEAD~1", "--", "threat-model")
	if code != ExitUsage || !strings.Contains(errs, "does not hold the model folder") {
		t.Errorf("--root beside the model: exit %d\n%s", code, errs)
	}
}

// A model may not name the repository's own files under .git (its config
// may hold the CI job's credentials), neither directly nor through a
// symbolic link, and the site never shows them.
func TestProjectRootGitDir(t *testing.T) {
	pinDate(t)
	repo := layRepo(t, t.TempDir(), ".git")
	os.WriteFile(filepath.Join(repo, ".git", "config"), []byte("[http]\n\textraheader = AUTHORIZATION: basic SECRET-TOKEN\n"), 0o644)
	if err := os.Symlink(filepath.Join(repo, ".git", "config"), filepath.Join(repo, "docs", "config.md")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	os.WriteFile(filepath.Join(repo, "threat-model", "git.tm"), []byte(`decision leak "Leak" {
  status accepted
  file "../.git/config"
}
decision leak2 "Leak through a link" {
  status accepted
  file "../docs/config.md"
}
`), 0o644)
	t.Chdir(repo)
	code, out, _ := run(t, "check", "threat-model")
	if code != ExitFail || strings.Count(out, "error[TM503]") != 2 || strings.Contains(out, "SECRET-TOKEN") {
		t.Fatalf("exit %d, want two TM503\n%s", code, out)
	}
	site := filepath.Join(t.TempDir(), "site")
	run(t, "build", "-o", site, "threat-model")
	for name, data := range readTree(t, site) {
		if strings.Contains(string(data), "SECRET-TOKEN") {
			t.Errorf("%s shows the git config", name)
		}
	}
}
