package site

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

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

func chromiumPath(t *testing.T) string {
	for _, p := range []string{os.Getenv("TMC_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	msg := "headless Chromium not found (apt-get install -y chromium); site browser test skipped"
	if os.Getenv("TMC_BROWSER_TESTS") != "" {
		t.Fatal(msg + ", but TMC_BROWSER_TESTS is set")
	}
	t.Skip(msg)
	return ""
}

// A browser is one headless Chromium tab and what it reported.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
	dialogs  []string
}

func (b *browser) report(format string, args ...any) {
	b.mu.Lock()
	b.problems = append(b.problems, fmt.Sprintf(format, args...))
	b.mu.Unlock()
}

// take returns and clears the problems reported so far.
func (b *browser) take() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.problems
	b.problems = nil
	return p
}

func newBrowser(t *testing.T) *browser {
	bin := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	b := &browser{ctx: ctx}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				b.report("console %s: %s", ev.Type, strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			b.report("exception: %s %s", ev.ExceptionDetails.Text, exceptionText(ev.ExceptionDetails))
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				b.report("log %s (%s): %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
			}
		case *network.EventLoadingFailed:
			if !ev.Canceled {
				b.report("failed request (%s): %s %s", ev.Type, ev.ErrorText, ev.BlockedReason)
			}
		case *cdppage.EventJavascriptDialogOpening:
			b.mu.Lock()
			b.dialogs = append(b.dialogs, fmt.Sprintf("%s %q on %s", ev.Type, ev.Message, ev.URL))
			b.mu.Unlock()
			go chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false}) //nolint:errcheck
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil || d.Exception == nil {
		return ""
	}
	return d.Exception.Description
}

// open loads a page and waits until its scripts ran.
func (b *browser) open(t *testing.T, url string) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady("body")); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise(r => requestAnimationFrame(() => setTimeout(() => r(true), 0)))`, awaitIt)); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return ctx
}

func awaitIt(p *runtime.EvaluateParams) { yes := true; p.AwaitPromise = &yes }

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
	wantShown := 0
	for _, th := range in.Model.Threats {
		if th.Impact == 5 && th.Likelihood == 3 {
			wantShown++
		}
	}
	if shown != wantShown || wantShown == 0 {
		t.Errorf("register#impact=5&likelihood=3 shows %d rows, want %d", shown, wantShown)
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
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, d := range b.dialogs {
		t.Errorf("a dialog opened: %s", d)
	}
}

var _ = cdp.Empty{}
