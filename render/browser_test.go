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
  // An embedded font the browser rejects (a broken subset) falls back to
  // another font silently; its status says so.
  for (const f of document.fonts) {
    if (f.status !== 'loaded') problems.push('font ' + f.family + ' ' + f.weight + ': ' + f.status);
  }
  const svg = document.documentElement;
  return JSON.stringify({problems, nodes: nodes.length, width: svg.width.baseVal.value, height: svg.height.baseVal.value});
})()`

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
<style>@font-face{font-family:"Broken";src:url(data:font/ttf;base64,AAEAAAALAIAAAwAwT1MvMg==)} text{font-family:"Broken"}</style>
</svg>`
	if err := os.WriteFile(bad, []byte(svg), 0o644); err != nil {
		t.Fatal(err)
	}
	r, _ := check(t, bctx, bad)
	var overflow, overlap, badFont bool
	for _, p := range r.Problems {
		overflow = overflow || strings.HasPrefix(p, "text overflows a")
		overlap = overlap || strings.HasPrefix(p, "overlap: a and b")
		badFont = badFont || strings.HasPrefix(p, `font "Broken"`) || strings.HasPrefix(p, "font Broken")
	}
	if !overflow || !overlap || !badFont {
		t.Errorf("checker missed problems: %q", r.Problems)
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
				if err := os.WriteFile(filepath.Join(pngDir, fmt.Sprintf("%s-%s.png", name, v.ID)), png, 0o644); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}
