package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
)

// gitRepo makes a temporary git repository with two commits of a model
// in its folder "model": the core example with the webhook crossing
// marked, a planned control and a spare one, then a change that adds an
// unmarked crossing (flow refund), closes a threat by implementing its
// control and removes the spare control. Before the second commit it
// writes baseline.json from the first. It returns the repository.
func gitRepo(t *testing.T) string {
	t.Helper()
	return gitRepoWith(t, "model")
}

// gitRepoWith is gitRepo with the model in folder instead of "model".
func gitRepoWith(t *testing.T, folder string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed; skipping the end-to-end tests of tmc diff")
	}
	pinDate(t)
	for k, v := range map[string]string{
		"GIT_AUTHOR_NAME": "tmc test", "GIT_AUTHOR_EMAIL": "test@example.com",
		"GIT_COMMITTER_NAME": "tmc test", "GIT_COMMITTER_EMAIL": "test@example.com",
		"GIT_AUTHOR_DATE": "2026-11-24T00:00:00Z", "GIT_COMMITTER_DATE": "2026-11-24T00:00:00Z",
		"GIT_CONFIG_GLOBAL": os.DevNull, "GIT_CONFIG_NOSYSTEM": "1",
	} {
		t.Setenv(k, v)
	}
	repo := t.TempDir()
	gitRun := func(args ...string) {
		t.Helper()
		gitIn(t, repo, args...)
	}
	src, err := os.ReadFile(filepath.Join(pkgDir, core, "core.tm"))
	if err != nil {
		t.Fatal(err)
	}
	v1 := string(src)
	for _, r := range [][2]string{
		{"# error: crosses vendor and cluster, but does not say so", `crosses vendor, cluster "HMAC signature"`},
		{"status implemented        # proposed", "status planned        # proposed"},
	} {
		if !strings.Contains(v1, r[0]) {
			t.Fatalf("the core example changed: %q is gone", r[0])
		}
		v1 = strings.Replace(v1, r[0], r[1], 1)
	}
	spare := "\ncontrol rate_limit \"Rate limit at the gateway\" { status proposed }\n"
	write := func(text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(repo, folder), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(repo, folder, "core.tm"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gitRun("init", "-q")
	write(v1 + spare)
	gitRun("add", folder)
	gitRun("commit", "-q", "-m", "model")
	if code, _, errs := run(t, "check", "--write-baseline", filepath.Join(repo, "baseline.json"), filepath.Join(repo, folder)); code != ExitOK {
		t.Fatalf("--write-baseline: exit %d\n%s", code, errs)
	}
	v2 := strings.Replace(v1, "status planned        # proposed", "status implemented        # proposed", 1)
	v2 += "\nflow refund: psp -> shop.orders \"Refund\" { protocol https }\n"
	write(v2)
	gitRun("commit", "-q", "-am", "refunds")
	return repo
}

func TestDiffGit(t *testing.T) {
	repo := gitRepo(t)
	t.Chdir(repo)
	for _, c := range []struct{ format, golden string }{{"text", "diff.txt"}, {"markdown", "diff.md"}} {
		code, out, errs := run(t, "diff", "--format", c.format, "HEAD~1", "HEAD", "--", "model")
		if code != ExitOK || !strings.Contains(errs, "HEAD has errors") {
			t.Fatalf("--format %s: exit %d, want 0 and a warning that HEAD has errors\n%s%s", c.format, code, out, errs)
		}
		if !strings.Contains(out, "TMR-S03@refund") {
			t.Errorf("--format %s: the finding TMR-S03@refund is missing\n%s", c.format, out)
		}
		golden(t, filepath.Join(testdataDir(t), c.golden), out)
	}
	code, out, _ := run(t, "diff", "--format", "json", "HEAD~1", "HEAD", "--", "model")
	var doc struct {
		Schema         string
		CrossingsAdded []struct{ Flow, Boundary, Direction string } `json:"crossings_added"`
		Controls       []struct{ Kind, ID string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != ExitOK || doc.Schema != "tmc/diff/v1" ||
		len(doc.CrossingsAdded) != 2 || len(doc.Controls) != 2 {
		t.Fatalf("json: exit %d, %v\n%s", code, err, out)
	}
	code, _, errs := run(t, "diff", "--fail-on-new-crossing", "HEAD~1", "HEAD", "--", "model")
	if code != ExitFail || !strings.Contains(errs, "2 new boundary crossing(s) with no decision") || !strings.Contains(errs, "refund (leave vendor)") {
		t.Errorf("--fail-on-new-crossing: exit %d, want 1\n%s", code, errs)
	}
	// A decision affecting an end of the flow records the crossing.
	tm := filepath.Join(repo, "model", "core.tm")
	src, _ := os.ReadFile(tm)
	os.WriteFile(tm, append(src, "decision adr9 \"Refunds from the provider\" {\n  status accepted\n  affects shop.orders\n}\n"...), 0o644)
	old := t.TempDir()
	extractTo(t, repo, "HEAD~1", old)
	if code, out, errs := run(t, "diff", "--fail-on-new-crossing", filepath.Join(old, "model"), "model"); code != ExitOK || !strings.Contains(out, "decision adr9") {
		t.Errorf("folders, with a decision: exit %d, want 0\n%s%s", code, out, errs)
	}
	// The model's one file, named instead of its folder: the same diff.
	_, folderOut, _ := run(t, "diff", "HEAD~1", "HEAD", "--", "model")
	if code, out, errs := run(t, "diff", "HEAD~1", "HEAD", "--", "model/core.tm"); code != ExitOK || out != folderOut {
		t.Errorf("-- model/core.tm: exit %d, want 0 and the folder's diff\n%s%s\n--- folder\n%s", code, out, errs, folderOut)
	}
	// Same revision: nothing.
	if code, out, _ := run(t, "diff", "HEAD", "HEAD", "--", "model"); code != ExitOK || !strings.Contains(out, "no change in threat terms") {
		t.Errorf("HEAD HEAD: exit %d\n%s", code, out)
	}
	// A model absent at one revision is empty there.
	if code, out, _ := run(t, "diff", "HEAD", "HEAD", "--", "nothing"); code != ExitOK || !strings.Contains(out, "no change") {
		t.Errorf("absent model: exit %d\n%s", code, out)
	}
	// Revisions without -- PATH: say so, not "stat HEAD~1" (issue 15).
	code, _, errs = run(t, "diff", "HEAD~1", "HEAD")
	if want := `"HEAD~1" is a git revision, not a model folder: comparing git revisions needs the model's path after --, as in: tmc diff HEAD~1 HEAD -- PATH`; code != ExitUsage || !strings.Contains(errs, want) || strings.Contains(errs, "stat ") {
		t.Errorf("diff HEAD~1 HEAD: exit %d, want 2 and\n%s\ngot:\n%s", code, want, errs)
	}
	code, _, errs = run(t, "diff", "model", "nosuchfolder")
	if want := `"nosuchfolder": no such file or folder (OLD and NEW are model folders or .tm files; git revisions need the model's path after --: tmc diff REV1 REV2 -- PATH)`; code != ExitUsage || !strings.Contains(errs, want) {
		t.Errorf("diff model nosuchfolder: exit %d, want 2 and\n%s\ngot:\n%s", code, want, errs)
	}
	for _, args := range [][]string{
		{"diff", "HEAD"},
		{"diff", "nosuchrev", "HEAD", "--", "model"},
		{"diff", "--format", "xml", "HEAD~1", "HEAD", "--", "model"},
		{"diff", "a", "b", "c"},
	} {
		if code, _, _ := run(t, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// TestBaselineGit: a baseline written on the first commit makes tmc check
// of the second report only what the change brought.
func TestBaselineGit(t *testing.T) {
	repo := gitRepo(t)
	bl := filepath.Join(repo, "baseline.json")
	model := filepath.Join(repo, "model")
	code, out, errs := run(t, "check", "--baseline", bl, "--format", "sarif", model)
	if code != ExitFail {
		t.Fatalf("exit %d, want 1 for the new TM301\n%s", code, errs)
	}
	var sarif struct {
		Runs []struct {
			Results []struct {
				RuleID              string            `json:"ruleId"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range sarif.Runs[0].Results {
		fp := r.PartialFingerprints["tmcFingerprint/v1"]
		if !strings.Contains(fp, "refund") && !strings.HasPrefix(fp, "TM301@model/core.tm:") {
			t.Errorf("baselined or unrelated result reported: %s", fp)
		}
		got = append(got, r.RuleID)
	}
	if len(got) < 3 || got[0] != "TM301" || !strings.Contains(strings.Join(got, " "), "TMR-S03") {
		t.Errorf("results: %v, want the refund flow's TM301 and findings", got)
	}
	if !strings.Contains(errs, "suppressed by the baseline") {
		t.Errorf("stderr: %s", errs)
	}
	// No finding and no crossing recorded on the first commit is gone
	// (a warning about the control the change implements may be).
	_, out, _ = run(t, "check", "--baseline", bl, "--format", "markdown", model)
	if i := strings.Index(out, "**Fixed**"); i < 0 {
		t.Errorf("markdown: no fixed problems section:\n%s", out)
	} else if fixed, _, _ := strings.Cut(out[i:], "\n###"); strings.Contains(fixed, "`TMR-") || strings.Contains(fixed, "`TM301@") {
		t.Errorf("markdown: a finding or crossing listed as fixed:\n%s", out)
	}
}

// gitIn runs git in dir, with the settings of gitRepo's environment, and
// fails the test if git fails.
func gitIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// extractTo writes the folder model of rev into dir/model.
func extractTo(t *testing.T, repo, rev, dir string) {
	t.Helper()
	blobs := &catFile{dir: repo}
	defer blobs.close()
	rt, err := extract(repo, rev, "model", blobs)
	if err != nil || rt.isFile || len(rt.files) == 0 {
		t.Fatalf("extract: %v, %v", rt, err)
	}
	files := map[string][]byte{}
	for name, f := range rt.files {
		b := f.(compiler.Blob)
		if files[name], err = b.Read(); err != nil {
			t.Fatal(err)
		}
	}
	writeFiles(t, filepath.Join(dir, "model"), files)
}

// pkgDir is the package folder, taken before any test changes folder.
var pkgDir, _ = os.Getwd()

func testdataDir(t *testing.T) string {
	t.Helper()
	return filepath.Join(pkgDir, "testdata")
}

// golden compares got with the file, or rewrites it with TMC_UPDATE=1.
func golden(t *testing.T, file, got string) {
	t.Helper()
	if os.Getenv("TMC_UPDATE") != "" {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (TMC_UPDATE=1 to write it)", err)
	}
	// The threat rules grow apart from tmc diff: the findings section is
	// checked above, not against the golden file.
	if dropFindings(got) != dropFindings(string(want)) {
		t.Errorf("%s differs (TMC_UPDATE=1 to accept)\n--- got\n%s\n--- want\n%s", file, got, want)
	}
}

// dropFindings removes the findings section of a text or Markdown diff.
func dropFindings(s string) string {
	var b strings.Builder
	skip := false
	for _, line := range strings.SplitAfter(s, "\n") {
		switch {
		case strings.HasPrefix(line, "findings:") || strings.HasPrefix(line, "**Findings**"):
			skip = true
			continue
		case skip && (strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "- ") || strings.TrimSpace(line) == ""):
			continue
		}
		skip = false
		b.WriteString(line)
	}
	return b.String()
}

// commitFiles writes the files into repo and commits them all.
func commitFiles(t *testing.T, repo string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(repo, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gitIn(t, repo, "add", "-A")
	gitIn(t, repo, "commit", "-q", "-m", "change")
}

// TestDiffExportIgnore: a .tm file that .gitattributes marks
// export-ignore is part of the model at that revision, as tmc check sees
// it: its new crossing fails --fail-on-new-crossing. (git archive left it
// out, and the diff said "no change in threat terms".)
func TestDiffExportIgnore(t *testing.T) {
	repo := gitRepo(t)
	t.Chdir(repo)
	commitFiles(t, repo, map[string]string{
		".gitattributes": "model/extra.tm export-ignore\n",
		"model/extra.tm": "flow chargeback: psp -> shop.orders \"Chargeback\" { protocol https }\n",
	})
	code, out, errs := run(t, "diff", "--fail-on-new-crossing", "HEAD~1", "HEAD", "--", "model")
	if code != ExitFail || !strings.Contains(out, "chargeback") || !strings.Contains(errs, "chargeback (leave vendor)") {
		t.Errorf("exit %d, want 1 for the new crossing of chargeback\n%s%s", code, out, errs)
	}
	if _, out, _ := run(t, "check", "--format", "json", "model"); !strings.Contains(out, "chargeback") {
		t.Errorf("tmc check does not see the flow chargeback\n%s", out)
	}
}

// TestDiffReadsOnlyTheModel: tmc diff reads, from git, the .tm files that
// load and the file a named test is looked up in, nothing else: not a
// big file beside the model, even one it names as evidence, nor a .tm
// file over the size limit, nor .tm files in folders loading leaves out.
// (It used to unpack the whole folder, blobs and all, into memory.)
func TestDiffReadsOnlyTheModel(t *testing.T) {
	repo := gitRepo(t)
	t.Chdir(repo)
	big := strings.Repeat("big blob\n", 1<<20) // 9 MB, over every limit
	core, err := os.ReadFile(filepath.Join(repo, "model", "core.tm"))
	if err != nil {
		t.Fatal(err)
	}
	commitFiles(t, repo, map[string]string{
		"model/core.tm": string(core) + `
control replay "Reject replayed webhooks" {
  status implemented
  test "hook_test.go:TestReplay"
  evidence "big.bin"
  evidence "docs"
}
`,
		"model/hook_test.go":        "package hook\n\nimport \"testing\"\n\nfunc TestReplay(t *testing.T) {}\n",
		"model/big.bin":             big,
		"model/unnamed.bin":         big,
		"model/huge.tm":             "#" + big,
		"model/docs/notes.md":       "notes\n",
		"model/testdata/x.tm":       "boundary x \"X\" { trust high }\n",
		"model/_draft.tm":           "boundary x \"X\" { trust high }\n",
		"model/site/.tmc-output":    "",
		"model/site/x.tm":           "boundary x \"X\" { trust high }\n",
		"model/node_modules/m/x.tm": "boundary x \"X\" { trust high }\n",
	})
	var mu sync.Mutex
	read := map[string]int64{}
	orig := readBlob
	readBlob = func(blobs *catFile, name, oid string, size int64) ([]byte, error) {
		mu.Lock()
		read[name] += size
		mu.Unlock()
		return orig(blobs, name, oid, size)
	}
	t.Cleanup(func() { readBlob = orig })
	code, out, errs := run(t, "diff", "HEAD~1", "HEAD", "--", "model")
	if code != ExitOK || !strings.Contains(out, "replay") {
		t.Fatalf("exit %d, want 0 and the control replay\n%s%s", code, out, errs)
	}
	var total int64
	for name, n := range read {
		total += n
		if name != "core.tm" && name != "hook_test.go" {
			t.Errorf("read %s (%d bytes)", name, n)
		}
	}
	if total > 1<<20 {
		t.Errorf("read %d bytes from git, want the model's few kilobytes", total)
	}
	// The same diagnostics as from disk: the test found, the evidence
	// present, huge.tm over the limit.
	_, onDisk, _ := run(t, "check", "model")
	for _, want := range []string{"huge.tm", "TM100"} {
		if !strings.Contains(onDisk, want) {
			t.Errorf("tmc check does not report %s\n%s", want, onDisk)
		}
	}
	if strings.Contains(onDisk, "TestReplay") || strings.Contains(onDisk, "big.bin") || strings.Contains(onDisk, `"docs"`) {
		t.Errorf("tmc check reports the test or the evidence\n%s", onDisk)
	}
}

// TestDiffLinks: a symbolic link to a .tm file of the model is that file,
// as loading from disk follows it; a link out of the model, a link to a
// folder and a submodule are left out, with a warning, and never read
// through.
func TestDiffLinks(t *testing.T) {
	repo := gitRepo(t)
	t.Chdir(repo)
	for _, l := range [][2]string{
		{"_private/hidden.tm", "model/flows.tm"},
		{"../outside.tm", "model/outside.tm"},
		{"/etc/passwd", "model/passwd.tm"},
		{"_private", "model/dir"},
		{"loop.tm", "model/loop.tm"},
	} {
		if err := os.Symlink(l[0], filepath.Join(repo, filepath.FromSlash(l[1]))); err != nil {
			t.Skip("no symbolic links here:", err)
		}
	}
	commitFiles(t, repo, map[string]string{
		"model/_private/hidden.tm": "flow chargeback: psp -> shop.orders \"Chargeback\" { protocol https }\n",
		"outside.tm":               "flow outside: psp -> shop.orders \"Outside\" { protocol https }\n",
	})
	out, err := exec.Command("git", "-C", repo, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	gitIn(t, repo, "update-index", "--add", "--cacheinfo", "160000,"+strings.TrimSpace(string(out))+",model/sub")
	gitIn(t, repo, "commit", "-q", "-m", "submodule")
	code, stdout, errs := run(t, "diff", "--fail-on-new-crossing", "HEAD~2", "HEAD", "--", "model")
	if code != ExitFail || !strings.Contains(errs, "chargeback (leave vendor)") || strings.Contains(stdout, "outside") {
		t.Errorf("exit %d, want 1 for chargeback, through the link flows.tm, and nothing from outside.tm\n%s%s", code, stdout, errs)
	}
	if !strings.Contains(errs, "HEAD: 5 symbolic links or submodules under model not read") ||
		!strings.Contains(errs, "dir, loop.tm, outside.tm and 2 more") {
		t.Errorf("no warning, or the wrong one, about the links left out\n%s", errs)
	}
}
