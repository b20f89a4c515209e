package site

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/tmc-dev/tmc/compiler/diff"
)

// clippedJS lists what is clipped on a page: a table wider than the box
// that holds it (a .table-wrap scrolls, and in print nothing scrolls), a
// cell whose content is wider than the cell, and a page wider than the
// window. Each entry names the table by its first header and the page
// section it is in.
const clippedJS = `(() => {
  const out = [];
  const name = (t) => {
    const sec = t.closest('section[id]') || t.closest('section');
    const th = t.querySelector('th');
    return (sec && sec.id ? '#' + sec.id + ' ' : '') + (t.className ? 'table.' + t.className.split(' ').join('.') : 'table') +
      ' (' + (th ? th.textContent.trim().slice(0, 24) : '') + ')';
  };
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) out.push('the page is ' + doc.scrollWidth + ' px wide in ' + doc.clientWidth);
  for (const t of document.querySelectorAll('main table')) {
    if (t.getClientRects().length === 0) continue; // not shown
    const box = t.parentElement;
    if (box.scrollWidth > box.clientWidth + 1) out.push(name(t) + ': ' + box.scrollWidth + ' px in a box of ' + box.clientWidth);
    const r = t.getBoundingClientRect();
    if (r.right > doc.clientWidth + 1) out.push(name(t) + ': ends at ' + Math.round(r.right) + ' px, the page at ' + doc.clientWidth);
    for (const c of t.querySelectorAll('th, td')) {
      if (c.scrollWidth > c.clientWidth + 1) {
        out.push(name(t) + ': a cell (' + c.textContent.trim().slice(0, 30) + ') holds ' + c.scrollWidth + ' px in ' + c.clientWidth);
        break;
      }
    }
  }
  return out;
})()`

// TestBrowserReview opens the checkout site, with a Changes page, in
// headless Chromium: the overview's first screen (1280x800) lists the
// top open risks; no table on any page is clipped at 1280 and 1920 px
// wide nor in print (A4 width, print media); the heat map's toggle
// counts all rows; search tolerates a typo.
func TestBrowserReview(t *testing.T) {
	b := newBrowser(t)
	in := inputFor(t, checkoutDir)
	// Every crossing, finding, threat and control new: the Changes page
	// at its fullest.
	in.Changes = diff.Diff(nil, in.Model)
	in.Changes.Old = "v0.1.0"
	in.Revision = &Revision{Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-12-01 10:00 UTC"}
	files := build(t, in, Options{SourceURL: "https://example.com/{path}", Version: "v1.2.3"})
	dir := filepath.Join(t.TempDir(), "site")
	writeSite(t, dir, files)
	var pages []string
	for _, f := range files {
		if strings.HasSuffix(f.Path, ".html") {
			pages = append(pages, f.Path)
		}
	}
	sort.Strings(pages)
	url := func(p string) string { return "file://" + filepath.ToSlash(filepath.Join(dir, p)) }

	// The first screen of the overview lists the top open risks.
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	ctx := b.open(t, url("index.html"))
	top, _ := b.topRisksWant(t, in)
	shown := eval[[]string](t, ctx, `[...document.querySelectorAll('#top-risks tbody tr')].filter(r => r.getBoundingClientRect().bottom <= window.innerHeight).map(r => r.querySelector('.id').textContent)`)
	if len(shown) < 3 || len(shown) > len(top) {
		t.Errorf("the overview's first screen shows %d top risks (%v), want at least 3 of %v", len(shown), shown, top)
	}
	for i, id := range shown {
		if i < len(top) && id != top[i] {
			t.Errorf("top risk %d on the first screen is %s, want %s", i+1, id, top[i])
		}
	}

	// The heat map counts open rows, and all rows with its toggle.
	sum := `[...document.querySelectorAll('table.heat td a')].reduce((n, a) => n + (parseInt(a.textContent, 10) || 0), 0)`
	openCount := eval[int](t, ctx, sum)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-heat-toggle]`))); err != nil {
		t.Fatal(err)
	}
	allCount := eval[int](t, ctx, sum)
	_, open := b.topRisksWant(t, in)
	all := len(in.Model.Threats)
	for _, f := range in.Model.Findings {
		if f.Status != "claimed" {
			all++
		}
	}
	if openCount != open || allCount != all || open == all {
		t.Errorf("heat map counts %d open and %d in all, want %d and %d", openCount, allCount, open, all)
	}

	// Search: a typo of 4 letters or more still finds the page.
	ctx = b.open(t, url("search.html")+"#q=webhok")
	if got := eval[[]string](t, ctx, `[...document.querySelectorAll('#search-results li a.result-title')].map(a => a.getAttribute('href'))`); !contains(got, pagePath(kindFlow, "webhook")) {
		t.Errorf("search for webhok found %v, not the webhook flow", got)
	}
	for _, q := range []string{"CWE-345", "idempotency_keys", "tenant%20claim"} {
		ctx = b.open(t, url("search.html")+"#q="+q)
		if n := eval[int](t, ctx, `document.querySelectorAll('#search-results li').length`); n == 0 {
			t.Errorf("search for %s found nothing", q)
		}
	}

	// No table is clipped, on any page, at 1280 and 1920 px and in print.
	for _, mode := range []struct {
		name  string
		width int64
		print bool
	}{{"1280 px", 1280, false}, {"1920 px", 1920, false}, {"print", 718, true}} {
		m := ""
		if mode.print {
			m = "print"
		}
		if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(mode.width, 900), media(m)); err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			ctx := b.open(t, url(p))
			for _, c := range eval[[]string](t, ctx, clippedJS) {
				t.Errorf("%s, %s: %s", mode.name, p, c)
			}
		}
	}
	// The hostile model's long names and ids wrap too.
	hfiles := build(t, hostileInput(t), Options{})
	hdir := filepath.Join(t.TempDir(), "hostile")
	writeSite(t, hdir, hfiles)
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(1280, 900), media("")); err != nil {
		t.Fatal(err)
	}
	for _, f := range hfiles {
		if strings.HasSuffix(f.Path, ".html") {
			ctx := b.open(t, "file://"+filepath.ToSlash(filepath.Join(hdir, f.Path)))
			for _, c := range eval[[]string](t, ctx, clippedJS) {
				t.Errorf("hostile, 1280 px, %s: %s", f.Path, c)
			}
		}
	}
	for _, pr := range b.take() {
		t.Error(pr)
	}
}

// media emulates a CSS media type ("print"; "" for the screen).
func media(m string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
		return err
	})
}

// topRisksWant returns the ids of the open rows of the register in the
// order the overview lists them, and how many there are.
func (b *browser) topRisksWant(t *testing.T, in Input) ([]string, int) {
	bl := newBuilder(in, Options{})
	rows, total := bl.pctx("").openRisks(0)
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.Row.ID)
	}
	return ids, total
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
