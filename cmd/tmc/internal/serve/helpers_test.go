package serve

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/render"
	"github.com/tmc-dev/tmc/render/site"
)

const checkoutDir = "../../../../examples/checkout"

// siteUnderTest builds the site in the integration tests: the real one.
var siteUnderTest SiteFunc = realSite

// realSite is site.Build, as tmc serve calls it.
func realSite(ctx context.Context, res *compiler.Result) ([]File, error) {
	return realSiteOnly(ctx, res, nil)
}

// realSiteOnly is realSite limited to some paths (nil: all).
func realSiteOnly(ctx context.Context, res *compiler.Result, only func(string) bool) ([]File, error) {
	files, err := site.Build(ctx, site.Input{Model: res.Model, Diags: res.Diags}, site.Options{Only: only})
	if err != nil {
		return nil, err
	}
	out := make([]File, len(files))
	for i, f := range files {
		out[i] = File(f)
	}
	return out, nil
}

// fakeSite stands in for site.Build: an overview page listing every
// element by name, a page per element, a style sheet and, with diagrams,
// every view rendered as SVG (so layouts run as in the real site).
func fakeSite(diagrams bool) SiteFunc {
	return func(ctx context.Context, res *compiler.Result) ([]File, error) {
		m := res.Model
		const head = `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
			`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'self'; img-src 'self'">` +
			`<link rel="stylesheet" href="%sassets/site.css"><title>%s</title></head><body>`
		var idx strings.Builder
		fmt.Fprintf(&idx, head, "", html.EscapeString(m.Name))
		fmt.Fprintf(&idx, "<h1>%s</h1><ul>", html.EscapeString(m.Name))
		files := []File{{Path: "assets/site.css", Data: []byte("body{font-family:sans-serif}\n")}}
		for _, e := range m.Elements {
			fmt.Fprintf(&idx, `<li><a href="element/%s.html">%s</a></li>`, html.EscapeString(e.ID), html.EscapeString(e.Name))
			var p strings.Builder
			fmt.Fprintf(&p, head, "../", html.EscapeString(e.Name))
			fmt.Fprintf(&p, "<h1>%s</h1><p>%s</p></body></html>", html.EscapeString(e.Name), html.EscapeString(e.Description))
			files = append(files, File{Path: "element/" + e.ID + ".html", Data: []byte(p.String())})
		}
		idx.WriteString("</ul>")
		if diagrams {
			for _, v := range m.Views {
				svg, err := render.View(ctx, m, v, render.Options{})
				if err != nil {
					return nil, err
				}
				files = append(files, File{Path: "diagrams/" + render.FileName(v), Data: svg})
				fmt.Fprintf(&idx, `<img src="diagrams/%s" alt="">`, html.EscapeString(render.FileName(v)))
			}
		}
		fmt.Fprintf(&idx, "<p>%d diagnostics</p></body></html>", len(res.Diags))
		files = append(files, File{Path: "index.html", Data: []byte(idx.String())})
		sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
		return files, nil
	}
}

// copyTree copies a folder.
func copyTree(t testing.TB, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A harness is a running preview of a model in a temporary folder.
type harness struct {
	t    testing.TB
	dir  string
	url  string
	srv  *Server
	loop *Loop
	out  *syncBuffer
}

// startPreview copies the example into a temporary folder and serves it on
// a random loopback port, as tmc serve does.
func startPreview(t testing.TB, site SiteFunc, opts WatchOptions) *harness {
	t.Helper()
	dir := t.TempDir()
	copyTree(t, checkoutDir, dir)
	return startPreviewAt(t, dir, site, opts)
}

func startPreviewAt(t testing.TB, dir string, site SiteFunc, opts WatchOptions) *harness {
	return startPreviewEarly(t, dir, site, nil, opts)
}

// startPreviewEarly is startPreviewAt with early publishing of the pages
// browsers show, as tmc serve does, when only is set.
func startPreviewEarly(t testing.TB, dir string, site SiteFunc, only func(context.Context, *compiler.Result, func(string) bool) ([]File, error), opts WatchOptions) *harness {
	t.Helper()
	h := &harness{t: t, dir: dir, out: &syncBuffer{}}
	h.srv = NewServer(ServerOptions{})
	cfg := Config{Path: dir, Site: site, Publish: h.srv.Publish, Out: h.out, Watch: opts}
	if only != nil {
		cfg.Shown, cfg.SiteOnly, cfg.PublishEarly = h.srv.Shown, only, h.srv.PublishEarly
	}
	h.loop = NewLoop(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := h.loop.Start(ctx); err != nil {
		cancel()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	h.url = "http://" + ln.Addr().String()
	hs := h.srv.HTTPServer()
	go hs.Serve(ln)
	done := make(chan error, 1)
	go func() { done <- h.loop.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("loop: %v", err)
		}
		h.srv.Close()
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		if err := hs.Shutdown(sctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return h
}

// with returns the harness reporting to t (a subtest).
func (h *harness) with(t testing.TB) *harness {
	c := *h
	c.t = t
	return &c
}

type sseEvent struct {
	name, data string
	at         time.Time
}

// connect opens the event stream and returns its events, after hello.
func (h *harness) connect() <-chan sseEvent { return h.connectPage("") }

// connectPage opens the event stream of a page that shows the request
// path page ("" for none), as live.js does, and returns its events, after
// hello.
func (h *harness) connectPage(page string) <-chan sseEvent {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	target := h.url + eventsPath
	if page != "" {
		target += "?page=" + url.QueryEscape(page)
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", target, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		h.t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		h.t.Fatalf("event stream Content-Type %q", ct)
	}
	h.t.Cleanup(func() { cancel(); resp.Body.Close() })
	ch := make(chan sseEvent, 64)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					ev.at = time.Now()
					ch <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data += strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	select {
	case ev := <-ch:
		if ev.name != "hello" {
			h.t.Fatalf("first event %q, want hello", ev.name)
		}
	case <-time.After(5 * time.Second):
		h.t.Fatal("no hello event")
	}
	return ch
}

// expectOne waits for one event named name and makes sure no other event
// follows within quiet.
func (h *harness) expectOne(ch <-chan sseEvent, name string, quiet time.Duration) sseEvent {
	h.t.Helper()
	var got sseEvent
	select {
	case got = <-ch:
		if got.name != name {
			h.t.Fatalf("event %q (%s), want %q\nterminal:\n%s", got.name, got.data, name, h.out.String())
		}
	case <-time.After(15 * time.Second):
		h.t.Fatalf("no %q event within 15s\nterminal:\n%s", name, h.out.String())
	}
	select {
	case ev := <-ch:
		h.t.Fatalf("a second event %q (%s) after %q\nterminal:\n%s", ev.name, ev.data, name, h.out.String())
	case <-time.After(quiet):
	}
	return got
}

// get fetches a path and returns status and body.
func (h *harness) get(p string) (int, string) {
	h.t.Helper()
	resp, err := http.Get(h.url + p)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// servedWith reports whether some page of the site, fetched over HTTP,
// contains s.
func (h *harness) servedWith(s string) bool {
	h.t.Helper()
	for _, p := range h.srv.Paths() {
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		if code, body := h.get("/" + p); code == 200 && strings.Contains(body, s) {
			return true
		}
	}
	return false
}

func (h *harness) path(rel string) string { return filepath.Join(h.dir, filepath.FromSlash(rel)) }

func (h *harness) read(rel string) string {
	h.t.Helper()
	b, err := os.ReadFile(h.path(rel))
	if err != nil {
		h.t.Fatal(err)
	}
	return string(b)
}

func (h *harness) write(rel, text string) {
	h.t.Helper()
	if err := os.WriteFile(h.path(rel), []byte(text), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

// replaceIn returns text with old replaced by new, failing when old is
// not there.
func replaceIn(t testing.TB, text, old, new string) string {
	t.Helper()
	if !strings.Contains(text, old) {
		t.Fatalf("%q not in the text", old)
	}
	return strings.Replace(text, old, new, 1)
}

var errFake = errors.New("fake failure")
