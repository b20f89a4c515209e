package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tmc-dev/tmc/render/browsertest"
)

// TestBuildBase: tmc build --base REV adds changes.html, the diff of REV
// and the work tree, and every footer names the commit, its date and the
// tmc version. A temporary repository is committed, then edited; the
// site is built with --base HEAD.
func TestBuildBase(t *testing.T) {
	repo := gitRepo(t)
	model := filepath.Join(repo, "model")
	tm := filepath.Join(model, "core.tm")
	src, err := os.ReadFile(tm)
	if err != nil {
		t.Fatal(err)
	}
	// The edit: a new flow out to the provider, its crossings marked.
	edit := "\nflow payout: shop.billing -> psp \"Request payout\" {\n  protocol https\n  crosses cluster, vendor \"mTLS to the provider; payout API key from the secret store\"\n}\n"
	if err := os.WriteFile(tm, append(src, edit...), 0o644); err != nil {
		t.Fatal(err)
	}
	head := strings.TrimSpace(gitOut(t, repo, "rev-parse", "HEAD"))
	out := filepath.Join(t.TempDir(), "site")
	code, stdout, errs := run(t, "build", "-o", out, "--base", "HEAD", model)
	if code == ExitUsage || !strings.Contains(stdout, "wrote ") {
		t.Fatalf("exit %d\n%s%s", code, stdout, errs)
	}
	files := readTree(t, out)
	changes := string(files["changes.html"])
	for _, want := range []string{
		`<h1>Changes since <code>HEAD</code></h1>`,
		`<h2>New boundary crossings <span class="count">2</span></h2>`,
		`<a href="flow/payout.html">payout</a>`,
		`mTLS to the provider; payout API key from the secret store`,
		`<span class="badge missing">none</span>`, // no decision came with them
	} {
		if !strings.Contains(changes, want) {
			t.Errorf("changes.html: %q missing", want)
		}
	}
	footer := `at commit <code class="commit" title="` + head + `">` + head[:12] + `</code> of <time>2026-11-24 00:00 UTC</time>, with uncommitted changes`
	for _, p := range []string{"index.html", "changes.html", "report.html", "flow/payout.html"} {
		page := string(files[p])
		if !strings.Contains(page, footer) || !strings.Contains(page, "compiled by tmc "+version()+" from") {
			t.Errorf("%s: the footer does not name the commit, its date and the version", p)
		}
		if !strings.Contains(page, `<a href="`+strings.Repeat("../", strings.Count(p, "/"))+`changes.html"`) {
			t.Errorf("%s: no link to the Changes page", p)
		}
	}
	// The same inputs give the same bytes.
	again := filepath.Join(t.TempDir(), "again")
	if code, _, errs := run(t, "build", "-o", again, "--base", "HEAD", model); code == ExitUsage {
		t.Fatalf("second build: exit %d\n%s", code, errs)
	}
	for p, data := range readTree(t, again) {
		if !bytes.Equal(data, files[p]) {
			t.Errorf("%s differs between two builds", p)
		}
	}
	// Committed, the work tree no longer differs.
	gitIn(t, repo, "commit", "-q", "-am", "payouts")
	if code, _, errs := run(t, "build", "-o", out, model); code == ExitUsage {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	files = readTree(t, out)
	if _, ok := files["changes.html"]; ok {
		t.Error("changes.html without --base")
	}
	if idx := string(files["index.html"]); strings.Contains(idx, "uncommitted") || !strings.Contains(idx, `title="`+strings.TrimSpace(gitOut(t, repo, "rev-parse", "HEAD"))+`"`) {
		t.Error("index.html: the footer does not name the new commit, or says it has uncommitted changes")
	}

	// A revision that does not exist, and a model outside any
	// repository, are usage errors; the latter's footer says not in git.
	if code, _, _ := run(t, "build", "-o", out, "--base", "nosuchrev", model); code != ExitUsage {
		t.Errorf("--base nosuchrev: exit %d, want 2", code)
	}
	plain := t.TempDir()
	if err := os.WriteFile(filepath.Join(plain, "core.tm"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := run(t, "build", "-o", filepath.Join(t.TempDir(), "s"), "--base", "HEAD", plain); code != ExitUsage {
		t.Errorf("--base outside git: exit %d, want 2", code)
	}
	plainOut := filepath.Join(t.TempDir(), "s2")
	run(t, "build", "-o", plainOut, plain)
	if idx, _ := os.ReadFile(filepath.Join(plainOut, "index.html")); !bytes.Contains(idx, []byte("from 1 .tm file (not in git).")) {
		t.Error("outside git, the footer does not say so")
	}

	// In a browser (last: it skips without Chromium): the Changes page
	// of the build with --base lists the two new crossings.
	ctx := browsertest.Start(t)
	watch := browsertest.NewWatch(t, ctx)
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate("file://"+filepath.ToSlash(filepath.Join(again, "changes.html"))), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	rows, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#crossings table:first-of-type tbody tr')].filter(r => r.getClientRects().length > 0).map(r => r.cells[0].textContent + ' ' + r.cells[2].textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows, "; ") != "payout leaves cluster; payout enters vendor" {
		t.Errorf("the Changes page shows the crossings %q, want payout leaving cluster and entering vendor", rows)
	}
	for _, p := range watch.Take() {
		t.Error(p)
	}
}

// gitOut runs git in dir and returns its output.
func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := git(dir, args...)
	if err != nil {
		t.Fatalf("git %v: %v", args, err)
	}
	return out
}
