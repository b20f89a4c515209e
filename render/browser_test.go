package render_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/render"
	"github.com/tmc-dev/tmc/render/browsertest"
)

// The browser test loads every view of the examples and of DESIGN.md's
// core example in headless Chromium and checks, with the browser's own
// measurements, that no label overflows its shape and no two node shapes
// overlap. It saves each view as PNG (into TMC_BROWSER_PNG_DIR when set).
//
// The README's images come from this test. To redraw them after a change
// to the renderer, from the repository root:
//
//	TMC_BROWSER_TESTS=1 TMC_BROWSER_PNG_DIR=/tmp/tmc-png go test ./render -run TestBrowserLayout -count=1
//	for f in unmarked-dfd checkout-dfd checkout-container-shop checkout-sequence-checkout; do cp /tmp/tmc-png/$f.png docs/images/; done
//
// and docs/security.md's picture of tmc's own model with
//
//	go run ./cmd/tmc render -o /tmp/tmc-svg --view dfd examples/tmc && cp /tmp/tmc-svg/dfd.svg docs/images/tmc-dfd.svg
//
// The README shows unmarked-dfd.png inline, so it must stay readable at
// GitHub's content width (about 880 px) without scaling: the test fails
// when that view grows wider (readmeWidth). The larger checkout views
// are linked, not shown inline.
//
// It needs Debian's chromium. Without it the test skips, unless
// TMC_BROWSER_TESTS=1 (set by .ci/run, which installs chromium) turns the
// skip into a failure.

const checkScript = `(() => {
  const rect = el => el.getBoundingClientRect();
  const union = els => {
    let r = null;
    for (const e of els) {
      const b = rect(e);
      if (!r) { r = {l: b.left, t: b.top, r: b.right, b: b.bottom}; continue; }
      r = {l: Math.min(r.l, b.left), t: Math.min(r.t, b.top), r: Math.max(r.r, b.right), b: Math.max(r.b, b.bottom)};
    }
    return r;
  };
  const problems = [];
  const tol = 1.0;
  const nodes = [...document.querySelectorAll('g.tm-node, g.tm-note')];
  const boxes = [];
  for (const g of nodes) {
    const shapes = [...g.querySelectorAll(':scope > .tm-shape')];
    if (shapes.length === 0) { problems.push('no shape: ' + g.id); continue; }
    const box = union(shapes);
    if (g.classList.contains('tm-node')) boxes.push({id: g.id, box});
    for (const t of g.querySelectorAll('text')) {
      const b = rect(t);
      if (b.width === 0) continue;
      if (b.left < box.l - tol || b.right > box.r + tol || b.top < box.t - tol || b.bottom > box.b + tol) {
        problems.push('text overflows ' + g.id + ': "' + t.textContent + '"');
      }
    }
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].box, b = boxes[j].box;
      const w = Math.min(a.r, b.r) - Math.max(a.l, b.l), h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
      if (w > tol && h > tol) problems.push('overlap: ' + boxes[i].id + ' and ' + boxes[j].id);
    }
  }
  // Text on a flow lies on the flow's label background (DFD and C4) or
  // plate (sequence), whichever of them holds it.
  const inside = (b, r) => b.left >= r.left - tol && b.right <= r.right + tol && b.top >= r.top - tol && b.bottom <= r.bottom + tol;
  for (const g of document.querySelectorAll('g.tm-flow')) {
    const bgs = [...g.querySelectorAll(':scope > .tm-label-bg, :scope > .tm-plate')].map(rect);
    if (bgs.length === 0) continue;
    for (const t of g.querySelectorAll(':scope > text')) {
      const b = rect(t);
      if (b.width === 0) continue;
      if (!bgs.some(r => inside(b, r))) problems.push('text overflows its label background ' + g.id + ': "' + t.textContent + '"');
    }
  }
  // A crossing badge's text lies on the badge.
  for (const g of document.querySelectorAll('g.tm-badge')) {
    const r = g.querySelector(':scope > rect');
    for (const t of g.querySelectorAll(':scope > text')) {
      if (!r || !inside(rect(t), rect(r))) problems.push('text overflows badge: "' + t.textContent + '"');
    }
  }
  // Each cell of the crossing table stays in its column: it ends before
  // the next column's heading starts, the last column inside the table.
  for (const table of document.querySelectorAll('g.tm-xtable')) {
    const frame = table.querySelector(':scope > .tm-shape');
    const heads = [...table.querySelectorAll(':scope > text')].map(t => rect(t).left).sort((a, b) => a - b);
    if (!frame || heads.length === 0) { problems.push('crossing table without frame or headings'); continue; }
    const end = rect(frame).right;
    for (const t of table.querySelectorAll('text')) {
      const b = rect(t);
      if (b.width === 0) continue;
      const col = heads.filter(x => x <= b.left + tol).length - 1;
      const limit = col + 1 < heads.length ? heads[col + 1] : end;
      if (col < 0 || b.right > limit + tol) problems.push('crossing table cell overflows its column: "' + t.textContent + '"');
    }
  }
  // Nothing is drawn outside the canvas: a table, legend or label that
  // sticks out past the SVG's width or height is cut off in every export.
  const svg = document.documentElement;
  const canvas = rect(svg);
  for (const e of svg.querySelectorAll('text, rect, path, polygon, polyline, line, circle, ellipse')) {
    if (e.closest('defs, title, style')) continue;
    const b = rect(e);
    if (b.width === 0 && b.height === 0) continue;
    if (b.left < canvas.left - tol || b.right > canvas.right + tol || b.top < canvas.top - tol || b.bottom > canvas.bottom + tol) {
      const g = e.closest('g[id], g[class]');
      problems.push('drawn outside the canvas (' + Math.round(canvas.width) + 'x' + Math.round(canvas.height) + '): ' + e.tagName + ' in ' + (g ? (g.id || g.getAttribute('class')) : 'svg') + (e.tagName === 'text' ? ' "' + e.textContent + '"' : '') + ' at ' + [b.left, b.top, b.right, b.bottom].map(Math.round).join(','));
    }
  }
  // An embedded font the browser rejects (a broken subset) falls back to
  // another font silently; its status says so.
  for (const f of document.fonts) {
    if (f.status !== 'loaded') problems.push('font ' + f.family + ' ' + f.weight + ': ' + f.status);
  }
  return JSON.stringify({problems, nodes: nodes.length, width: svg.width.baseVal.value, height: svg.height.baseVal.value});
})()`

// readmeWidth is about the width of GitHub's README column: an image no
// wider is shown at its own size.
const readmeWidth = 880

type pageResult struct {
	Problems      []string `json:"problems"`
	Nodes         int      `json:"nodes"`
	Width, Height float64
}

// startBrowser starts headless Chromium for the test.
func startBrowser(t *testing.T) context.Context { return browsertest.Start(t) }

// check loads an SVG file and runs checkScript on it; it returns the
// result and a full-page PNG.
func check(t *testing.T, bctx context.Context, file string) (pageResult, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(bctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+file), chromedp.WaitReady("svg")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, browsertest.AwaitPromise)); err != nil {
		t.Fatal(err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](checkScript))
	if err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	var r pageResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	return r, png
}

// The checker itself must catch what it looks for.
func TestBrowserCheckerCatchesProblems(t *testing.T) {
	bctx := startBrowser(t)
	bad := filepath.Join(t.TempDir(), "bad.svg")
	svg := `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200">
<g class="tm-node" id="a"><rect class="tm-shape" x="10" y="10" width="60" height="30"/><text x="15" y="30" font-size="13">a label far too long for its box</text></g>
<g class="tm-node" id="b"><rect class="tm-shape" x="40" y="20" width="60" height="30"/><text x="45" y="40" font-size="13">b</text></g>
<g class="tm-flow" id="f"><path d="M 10 100 H 200"/><rect class="tm-label-bg" x="20" y="80" width="40" height="16"/><text x="22" y="92" font-size="13">a flow label wider than its background</text></g>
<g class="tm-badge"><rect x="20" y="120" width="20" height="15"/><text x="22" y="132" font-size="11">!1 Internet</text></g>
<g class="tm-xtable"><rect class="tm-shape" x="150" y="130" width="200" height="40"/><text x="152" y="142" font-size="11">#</text><text x="180" y="142" font-size="11">Flow</text><text x="260" y="142" font-size="11">Reason</text>
<g class="tm-xrow"><text x="180" y="160" font-size="11">a flow name running into the next column</text></g></g>
<g class="tm-legend"><rect class="tm-shape" x="300" y="180" width="150" height="40"/></g>
<style>@font-face{font-family:"Broken";src:url(data:font/ttf;base64,AAEAAAALAIAAAwAwT1MvMg==)} text{font-family:"Broken"}</style>
</svg>`
	if err := os.WriteFile(bad, []byte(svg), 0o644); err != nil {
		t.Fatal(err)
	}
	r, _ := check(t, bctx, bad)
	want := map[string]bool{
		"text overflows a":                                      false, // a label wider than its node
		"overlap: a and b":                                      false, // two nodes on top of each other
		"text overflows its label background f":                 false, // a flow label off its background
		`text overflows badge: "!1 Internet"`:                   false, // a crossing badge too narrow
		"crossing table cell overflows its column":              false, // a table cell into the next column
		"drawn outside the canvas (400x200): rect in tm-legend": false, // a legend past the bottom edge
		"font ": false, // an embedded font the browser rejects
	}
	for _, p := range r.Problems {
		for prefix := range want {
			want[prefix] = want[prefix] || strings.HasPrefix(p, prefix)
		}
	}
	for prefix, found := range want {
		if !found {
			t.Errorf("checker missed %q; it found %q", prefix, r.Problems)
		}
	}
}

func TestBrowserLayout(t *testing.T) {
	bctx := startBrowser(t)
	pngDir := os.Getenv("TMC_BROWSER_PNG_DIR")
	if pngDir == "" {
		pngDir = t.TempDir()
	} else if err := os.MkdirAll(pngDir, 0o755); err != nil {
		t.Fatal(err)
	}
	svgDir := t.TempDir()

	models := map[string]string{"checkout": "../examples/checkout", "unmarked": "../examples/unmarked", "core": "../compiler/testdata/core"}
	for _, name := range []string{"checkout", "core", "unmarked"} {
		res, err := compiler.Compile(models[name], compiler.Options{Now: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range res.Model.Views {
			t.Run(name+"/"+v.ID, func(t *testing.T) {
				svg, err := render.View(context.Background(), res.Model, v, render.Options{EmbedFont: true})
				if err != nil {
					t.Fatal(err)
				}
				file := filepath.Join(svgDir, name+"-"+render.FileName(v))
				if err := os.WriteFile(file, svg, 0o644); err != nil {
					t.Fatal(err)
				}
				r, png := check(t, bctx, file)
				if r.Nodes == 0 {
					t.Errorf("no nodes found in %s", file)
				}
				for _, p := range r.Problems {
					t.Error(p)
				}
				if name == "unmarked" && v.ID == "dfd" {
					if r.Width > readmeWidth {
						t.Errorf("%s is %.0f px wide; the README shows it inline, which GitHub scales down past %d px", file, r.Width, readmeWidth)
					}
					// The README says this picture shows the unmarked crossing.
					for _, class := range []string{"tm-flow tm-crossing tm-unmarked", "tm-badge tm-badge-unmarked", "tm-xrow tm-xrow-unmarked"} {
						if !strings.Contains(string(svg), class) {
							t.Errorf("%s: no %q; the README's picture of an unmarked crossing lost it", file, class)
						}
					}
				}
				if err := os.WriteFile(filepath.Join(pngDir, fmt.Sprintf("%s-%s.png", name, v.ID)), png, 0o644); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}
