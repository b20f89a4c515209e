package site

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"github.com/tmc-dev/tmc/render/browsertest"
	"github.com/tmc-dev/tmc/render/style"
)

// The browser test opens the sites of examples/checkout and of the hostile
// model in headless Chromium, from file://: every page loads with no console
// error, no failed request and no horizontal page scroll at 375 px wide;
// clicking a node of a data-flow diagram opens that element's page; the
// register applies the heat map's filter from the URL hash; search finds
// pages; and no page of the hostile site opens a dialog.
//
// It needs Debian's chromium. Without it the test skips, unless
// TMC_BROWSER_TESTS is set (by .ci/run, which installs chromium).

// A browser is one headless Chromium tab and what it reported.
type browser struct {
	ctx context.Context
	*browsertest.Watch
}

func newBrowser(t *testing.T) *browser {
	ctx := browsertest.Start(t)
	return &browser{ctx: ctx, Watch: browsertest.NewWatch(t, ctx)}
}

// take returns and clears the problems reported so far.
func (b *browser) take() []string { return b.Take() }

func (b *browser) open(t *testing.T, url string) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady("body")); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise(r => requestAnimationFrame(() => setTimeout(() => r(true), 0)))`, browsertest.AwaitPromise)); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return ctx
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

func TestBrowser(t *testing.T) {
	b := newBrowser(t)
	root := t.TempDir()
	checkout := filepath.Join(root, "checkout")
	hostile := filepath.Join(root, "hostile")
	in := inputFor(t, checkoutDir)
	files := build(t, in, Options{SourceURL: "https://example.com/{path}"})
	writeSite(t, checkout, files)
	hfiles := build(t, hostileInput(t), Options{SourceURL: "https://example.com/{path}"})
	writeSite(t, hostile, hfiles)

	var pages []string
	for _, f := range files {
		if strings.HasSuffix(f.Path, ".html") {
			pages = append(pages, f.Path)
		}
	}
	sort.Strings(pages)

	// Every page, at phone width: no error, no failed request, no
	// horizontal page scroll.
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		ctx := b.open(t, "file://"+filepath.ToSlash(filepath.Join(checkout, p)))
		w := eval[float64](t, ctx, `document.documentElement.scrollWidth`)
		if w > 375 {
			t.Errorf("%s: the page scrolls sideways at 375 px (%v px wide)", p, w)
		}
		for _, pr := range b.take() {
			t.Errorf("%s: %s", p, pr)
		}
	}

	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}

	// Clicking a DFD node opens the element's page.
	ctx := b.open(t, "file://"+filepath.ToSlash(filepath.Join(checkout, pagePath(kindView, "checkout_dfd"))))
	sel := "#" + style.ID("checkout_dfd", "element", "shop.orders")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatal(err)
	}
	want := "/" + pagePath(kindElement, "shop.orders")
	var loc string
	for i := 0; i < 50; i++ {
		l, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && strings.HasSuffix(l, want) {
			loc = l
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if loc == "" {
		t.Errorf("clicking %s did not open %s", sel, want)
	}

	// The heat map's cell filters the register.
	ctx = b.open(t, "file://"+filepath.ToSlash(filepath.Join(checkout, "register.html"))+"#impact=5&likelihood=3")
	shown := eval[int](t, ctx, `[...document.querySelectorAll('#register tbody tr')].filter(r => !r.hidden).length`)
	wantShown, wantFindings := 0, 0
	for _, th := range in.Model.Threats {
		if th.Impact == 5 && th.Likelihood == 3 {
			wantShown++
		}
	}
	for _, f := range in.Model.Findings {
		if f.Status == "claimed" {
			continue
		}
		wantFindings++
		if f.Impact == 5 && f.Likelihood == 3 {
			wantShown++
		}
	}
	if shown != wantShown || wantShown == 0 {
		t.Errorf("register#impact=5&likelihood=3 shows %d rows, want %d", shown, wantShown)
	}
	// The source filter: the findings no threat claims; a rule's findings
	// and the threats that claim them.
	ctx = b.open(t, "file://"+filepath.ToSlash(filepath.Join(checkout, "register.html"))+"#source=rule")
	if shown := eval[int](t, ctx, `[...document.querySelectorAll('#register tbody tr')].filter(r => !r.hidden).length`); shown != wantFindings || shown == 0 {
		t.Errorf("register#source=rule shows %d rows, want %d", shown, wantFindings)
	}
	wantOpen := 0
	for _, th := range in.Model.Threats {
		if th.Status == "open" {
			wantOpen++
		}
	}
	for _, f := range in.Model.Findings {
		if f.Status == "open" {
			wantOpen++
		}
	}
	ctx = b.open(t, "file://"+filepath.ToSlash(filepath.Join(checkout, "register.html"))+"#status=open")
	if shown := eval[int](t, ctx, `[...document.querySelectorAll('#register tbody tr')].filter(r => !r.hidden).length`); shown != wantOpen || shown == 0 {
		t.Errorf("register#status=open shows %d rows, want %d", shown, wantOpen)
	}
	ctx = b.open(t, "file://"+filepath.ToSlash(filepath.Join(checkout, "register.html"))+"#source=TMR-I01")
	if ids := eval[[]string](t, ctx, `[...document.querySelectorAll('#register tbody tr')].filter(r => !r.hidden).map(r => r.querySelector('.id').textContent)`); strings.Join(ids, " ") != "cache_leak" {
		t.Errorf("register#source=TMR-I01 shows %v, want the threat that claims TMR-I01@cart_rw", ids)
	}
	ctx = b.open(t, "file://"+filepath.ToSlash(filepath.Join(checkout, "register.html"))+"#status=accepted&boundary=cluster")
	shown = eval[int](t, ctx, `[...document.querySelectorAll('#register tbody tr')].filter(r => !r.hidden).length`)
	if shown == 0 {
		t.Error("register#status=accepted&boundary=cluster shows nothing")
	}

	// Search finds a page, from file://.
	ctx = b.open(t, "file://"+filepath.ToSlash(filepath.Join(checkout, "search.html"))+"#q=billing")
	results := eval[int](t, ctx, `document.querySelectorAll('#search-results li').length`)
	if results == 0 {
		t.Error("search for billing found nothing")
	}
	for _, pr := range b.take() {
		t.Error(pr)
	}

	// The hostile site: every page loads and opens no dialog.
	for _, f := range hfiles {
		if !strings.HasSuffix(f.Path, ".html") {
			continue
		}
		ctx := b.open(t, "file://"+filepath.ToSlash(filepath.Join(hostile, f.Path)))
		_ = eval[bool](t, ctx, `true`)
		for _, pr := range b.take() {
			t.Errorf("hostile %s: %s", f.Path, pr)
		}
	}
	ctx = b.open(t, "file://"+filepath.ToSlash(filepath.Join(hostile, "search.html"))+"#q=script")
	if n := eval[int](t, ctx, `document.querySelectorAll('#search-results li').length`); n == 0 {
		t.Error("hostile search found nothing")
	}
	time.Sleep(300 * time.Millisecond)
	for _, d := range b.Dialogs() {
		t.Errorf("a dialog opened: %s", d)
	}
}

var _ = cdp.Empty{}
