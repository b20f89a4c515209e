package serve

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tmc-dev/tmc/render/browsertest"
)

// The browser test opens the preview in headless Chromium and edits the
// model: the page reloads by itself, shows the change and keeps its scroll
// position; a syntax error shows the overlay over the page, and fixing it
// clears it; the badge counts the diagnostics; and nothing breaks the
// site's Content-Security-Policy (no console error, no blocked request).
//
// It needs Debian's chromium. Without it the test skips, unless
// TMC_BROWSER_TESTS is set (by .ci/run, which installs chromium).

// A tab is one headless Chromium tab and what its pages reported.
type tab struct {
	ctx context.Context
	*browsertest.Watch
}

func newTab(t *testing.T) *tab {
	ctx := browsertest.Start(t, chromedp.WindowSize(1200, 800))
	return &tab{ctx: ctx, Watch: browsertest.NewWatch(t, ctx)}
}

// take returns and clears the problems reported so far.
func (b *tab) take() []string { return b.Take() }

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

	// An edit that leaves this page's bytes as they are (a description
	// the register does not show) does not reload it: the badge is
	// refreshed, the page keeps its state.
	b.waitTrue(t, "the badge after the reload", `!!document.getElementById('tmc-serve-badge')`)
	b.eval(t, `window.__tmcMark = 'kept'; ''`)
	ev := h.connect()
	orders := h.read(ordersTM)
	h.write(ordersTM, replaceIn(t, orders, `owner "orders-team"`, `owner "orders-team"  description "Takes orders"`))
	e := h.expectOne(ev, "reload", 300*time.Millisecond)
	if !strings.Contains(e.data, `"element/shop.orders.html"`) || strings.Contains(e.data, `"register.html"`) {
		t.Fatalf("reload event %s: want the orders page listed and the register not", e.data)
	}
	time.Sleep(300 * time.Millisecond) // time for a reload that should not come
	if mark := b.eval(t, `String(window.__tmcMark)`); mark != "kept" {
		t.Error("the register reloaded though its bytes did not change")
	}
	for _, p := range b.take() {
		t.Error(p)
	}
}
