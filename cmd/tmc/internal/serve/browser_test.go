package serve

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser test opens the preview in headless Chromium and edits the
// model: the page reloads by itself, shows the change and keeps its scroll
// position; a syntax error shows the overlay over the page, and fixing it
// clears it; the badge counts the diagnostics; and nothing breaks the
// site's Content-Security-Policy (no console error, no blocked request).
//
// It needs Debian's chromium. Without it the test skips, unless
// TMC_BROWSER_TESTS is set (by .ci/run, which installs chromium).

func chromiumBinary(t *testing.T) string {
	for _, p := range []string{os.Getenv("TMC_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	msg := "headless Chromium not found (apt-get install -y chromium); serve browser test skipped"
	if os.Getenv("TMC_BROWSER_TESTS") != "" {
		t.Fatal(msg + ", but TMC_BROWSER_TESTS is set")
	}
	t.Skip(msg)
	return ""
}

type tab struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
}

func (b *tab) report(format string, args ...any) {
	b.mu.Lock()
	b.problems = append(b.problems, fmt.Sprintf(format, args...))
	b.mu.Unlock()
}

func (b *tab) take() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.problems
	b.problems = nil
	return p
}

func newTab(t *testing.T) *tab {
	bin := chromiumBinary(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 800))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	b := &tab{ctx: ctx}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				b.report("console %s: %s", ev.Type, strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			b.report("exception: %s", ev.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				b.report("log %s (%s): %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
			}
		case *network.EventLoadingFailed:
			if !ev.Canceled {
				b.report("failed request (%s): %s %s", ev.Type, ev.ErrorText, ev.BlockedReason)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// eval runs a script in the page.
func (b *tab) eval(t *testing.T, script string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](script))
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	return out
}

// waitTrue waits until a script returns true; a page that reloads in the
// meantime makes some evaluations fail, which are retried.
func (b *tab) waitTrue(t *testing.T, what, script string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](script))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s (%s)", what, script)
}

func TestBrowserLiveReload(t *testing.T) {
	b := newTab(t)
	h := startPreview(t, siteUnderTest, WatchOptions{})
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(h.url+"/"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	b.waitTrue(t, "the badge", `!!document.getElementById('tmc-serve-badge') && document.getElementById('tmc-serve-badge').textContent.includes('error')`)
	if badge := b.eval(t, `document.getElementById('tmc-serve-badge').textContent`); badge != "0 errors · 0 warnings" {
		t.Errorf("badge %q", badge)
	}
	// Scroll down and mark the page: a reload loses the mark.
	b.eval(t, `window.scrollTo(0, 700); window.__tmcMark = 'before'; String(window.scrollY)`)
	y := b.eval(t, `String(window.scrollY)`)
	if y == "0" {
		t.Fatal("page too short to scroll")
	}

	// An edit: the page reloads by itself, shows it, keeps its place.
	tm := "platform.tm"
	orig := h.read(tm)
	h.write(tm, replaceIn(t, orig, `model "Checkout platform"`, `model "Checkout platform, live"`))
	b.waitTrue(t, "the reload with the edit", `window.__tmcMark === undefined && document.body.textContent.includes('Checkout platform, live')`)
	b.waitTrue(t, "the scroll position", fmt.Sprintf(`Math.abs(window.scrollY - %s) < 2`, y))

	// A syntax error: the overlay, over the same page (no reload).
	b.eval(t, `window.__tmcMark = 'errors'; ''`)
	h.write(tm, replaceIn(t, orig, `model "Checkout platform"`, `model "Checkout platform, live"`)+"\nflow x: -> \"oops\"\n")
	b.waitTrue(t, "the overlay", `!!document.getElementById('tmc-serve-overlay')`)
	text := b.eval(t, `document.getElementById('tmc-serve-overlay').textContent`)
	for _, want := range []string{"platform.tm:", "error[TM101]", `flow x: -> "oops"`, "^^", "last good site"} {
		if !strings.Contains(text, want) {
			t.Errorf("overlay lacks %q:\n%s", want, text)
		}
	}
	if mark := b.eval(t, `String(window.__tmcMark)`); mark != "errors" {
		t.Error("the page reloaded on a failed build")
	}
	b.waitTrue(t, "the badge to count the error", `document.getElementById('tmc-serve-badge').textContent.startsWith('1 error')`)

	// The fix: the overlay goes away by itself.
	h.write(tm, replaceIn(t, orig, `model "Checkout platform"`, `model "Checkout platform, fixed"`))
	b.waitTrue(t, "the reload after the fix", `window.__tmcMark === undefined && document.body.textContent.includes('Checkout platform, fixed')`)
	if has := b.eval(t, `String(!!document.getElementById('tmc-serve-overlay'))`); has != "false" {
		t.Error("overlay still shown after the fix")
	}
	// Other pages reload too.
	if err := chromedp.Do(ctx, chromedp.Navigate(h.url+"/register.html"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	b.waitTrue(t, "the badge on another page", `!!document.getElementById('tmc-serve-badge')`)
	b.eval(t, `window.__tmcMark = 'register'; ''`)
	h.write(tm, orig)
	b.waitTrue(t, "the reload of another page", `window.__tmcMark === undefined && location.pathname === '/register.html'`)
	for _, p := range b.take() {
		t.Error(p)
	}
}
