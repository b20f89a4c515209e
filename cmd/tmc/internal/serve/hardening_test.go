package serve

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tmc-dev/tmc/compiler"
)

// liveness bounds every wait of these tests: they check that something
// happens, not how fast.
const liveness = 10 * time.Second

// rawDo sends one request as written, with extra header lines, on a
// connection of its own, and returns the response with its body read.
func rawDo(t *testing.T, base, method, target, host string, headers ...string) (*http.Response, string) {
	t.Helper()
	addr := strings.TrimPrefix(base, "http://")
	if host == "" {
		host = addr
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(liveness))
	fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", method, target, host)
	for _, h := range headers {
		fmt.Fprintf(c, "%s\r\n", h)
	}
	fmt.Fprintf(c, "\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") == "text/event-stream" {
		c.Close() // it never ends: closing the body would wait for its end
		return resp, ""
	}
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

const searchIndex = "// tmc search index\nwindow.TMC_SEARCH = [{\"title\":\"Secret threat\"}];\n"

// indexServer serves a site with a search index, as the real site has.
func indexServer(t *testing.T) (*Server, string) {
	t.Helper()
	s, url := testServer(t)
	s.Publish(&Build{Seq: 2, Files: []File{
		{Path: "index.html", Data: []byte(`<html><body>home</body></html>`)},
		{Path: "assets/search-index.js", Data: []byte(searchIndex)},
		{Path: "element/index.html", Data: []byte("<html><body>elements</body></html>")},
	}})
	return s, url
}

// Defect A: every response, errors and the event stream included, tells
// browsers not to hand it to a page of another origin, so that no page
// can include the search index (a script that sets a global) or any other
// file of the preview.
func TestCrossOriginResourcePolicy(t *testing.T) {
	_, url := indexServer(t)
	empty := NewServer(ServerOptions{})
	eurl := serveHTTP(t, empty)
	for _, tc := range []struct {
		base, method, target, host string
		headers                    []string
		code                       int
	}{
		{url, "GET", "/", "", nil, 200},
		{url, "HEAD", "/", "", nil, 200},
		{url, "GET", "/assets/search-index.js", "", nil, 200},
		{url, "GET", "/nope.html", "", nil, 404},
		{url, "GET", "/__tmc/x", "", nil, 404},
		{url, "GET", livePath, "", nil, 200},
		{url, "GET", statusPath, "", nil, 200},
		{url, "GET", eventsPath, "", nil, 200},
		{url, "GET", "/element", "", nil, 302},
		{url, "GET", "/favicon.ico", "", nil, 204},
		{url, "POST", "/index.html", "", []string{"Content-Length: 0"}, 405},
		{url, "GET", "/%2e%2e/go.mod", "", nil, 400},
		{url, "GET", "/", "evil.example.com", nil, 403},
		{url, "GET", "/assets/search-index.js", "", []string{"Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: no-cors", "Sec-Fetch-Dest: script"}, 403},
		{eurl, "GET", "/", "", nil, 200},
		{eurl, "GET", "/assets/search-index.js", "", nil, 503},
	} {
		resp, _ := rawDo(t, tc.base, tc.method, tc.target, tc.host, tc.headers...)
		if resp.StatusCode != tc.code {
			t.Errorf("%s %s (Host %q, %v): %d, want %d", tc.method, tc.target, tc.host, tc.headers, resp.StatusCode, tc.code)
		}
		if got := resp.Header.Get("Cross-Origin-Resource-Policy"); got != "same-origin" {
			t.Errorf("%s %s (Host %q, %v): Cross-Origin-Resource-Policy %q, want same-origin", tc.method, tc.target, tc.host, tc.headers, got)
		}
	}
}

// serveHTTP serves s on a loopback port until the test ends.
func serveHTTP(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := s.HTTPServer()
	go hs.Serve(ln)
	t.Cleanup(func() { s.Close(); hs.Close() })
	return "http://" + ln.Addr().String()
}

// Defect A: a request the browser marks as coming from another site is
// refused, whatever it asks for; from another origin of this site
// (another port of localhost), only opening a page in a tab is answered.
// Requests without Fetch Metadata (curl, older browsers) are answered.
func TestFetchMetadata(t *testing.T) {
	_, url := indexServer(t)
	for _, tc := range []struct {
		site, mode, dest string
		code             int
	}{
		{"", "", "", 200},
		{"none", "navigate", "document", 200},
		{"same-origin", "no-cors", "script", 200},
		{"same-origin", "cors", "empty", 200},
		{"cross-site", "no-cors", "script", 403},
		{"cross-site", "cors", "empty", 403},
		{"cross-site", "navigate", "document", 403},
		{"cross-site", "navigate", "iframe", 403},
		{"same-site", "no-cors", "script", 403},
		{"same-site", "cors", "empty", 403},
		{"same-site", "navigate", "iframe", 403},
		{"same-site", "navigate", "document", 200},
		{"elsewhere", "no-cors", "script", 403},
	} {
		for _, target := range []string{"/assets/search-index.js", "/", statusPath, eventsPath} {
			var hs []string
			if tc.site != "" {
				hs = []string{"Sec-Fetch-Site: " + tc.site, "Sec-Fetch-Mode: " + tc.mode, "Sec-Fetch-Dest: " + tc.dest}
			}
			resp, body := rawDo(t, url, "GET", target, "", hs...)
			if resp.StatusCode != tc.code {
				t.Errorf("GET %s, %s %s %s: %d, want %d", target, tc.site, tc.mode, tc.dest, resp.StatusCode, tc.code)
			}
			if tc.code != 403 {
				continue
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || len(body) > 100 || strings.Contains(body, "Secret") || strings.Contains(body, "home") {
				t.Errorf("GET %s, %s: refusal %q %q", target, tc.site, ct, body)
			}
		}
	}
}

// gatedSite is a site builder whose builds, from the nth on, wait until
// the test releases them, ignoring their context as the compiler does.
type gatedSite struct {
	from     int32
	n        atomic.Int32
	started  chan struct{} // one per gated build
	finished chan struct{} // one per gated build that returned
	gate     chan struct{}
	once     sync.Once
}

func newGatedSite(t *testing.T, from int32) *gatedSite {
	g := &gatedSite{from: from, started: make(chan struct{}, 8), finished: make(chan struct{}, 8), gate: make(chan struct{})}
	t.Cleanup(g.release)
	return g
}

func (g *gatedSite) release() { g.once.Do(func() { close(g.gate) }) }

func (g *gatedSite) site(ctx context.Context, res *compiler.Result) ([]File, error) {
	if g.n.Add(1) >= g.from {
		g.started <- struct{}{}
		<-g.gate
		defer func() { g.finished <- struct{}{} }()
	}
	name := res.Model.Elements[0].Name
	return []File{
		{Path: "index.html", Data: []byte("<html><body>site of " + name + "</body></html>")},
		{Path: "element/p.html", Data: []byte("<html><body>" + name + "</body></html>")},
	}, nil
}

func (g *gatedSite) waitStarted(t *testing.T) {
	t.Helper()
	select {
	case <-g.started:
	case <-time.After(liveness):
		t.Fatal("the build did not start")
	}
}

func smallModel(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "m.tm"), []byte("person p \"Pat\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Defect B: a stop in the middle of the first build returns from Start
// at once, and the abandoned build, when it ends, publishes and prints
// nothing.
func TestStartStopsDuringBuild(t *testing.T) {
	g := newGatedSite(t, 1)
	var published atomic.Int32
	var out syncBuffer
	loop := NewLoop(Config{Path: smallModel(t), Site: g.site, Out: &out, Publish: func(*Build) { published.Add(1) }})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := loop.Start(ctx); done <- err }()
	g.waitStarted(t)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Start: %v, want context.Canceled", err)
		}
	case <-time.After(liveness):
		t.Fatal("Start did not return after the context ended, in the middle of a build")
	}
	g.release()
	select {
	case <-g.finished:
	case <-time.After(liveness):
		t.Fatal("the abandoned build did not end")
	}
	if n := published.Load(); n != 0 || out.String() != "" {
		t.Errorf("the abandoned build was published %d times, printed %q", n, out.String())
	}
}

// Defect B: a stop in the middle of a rebuild returns from Run at once.
func TestRunStopsDuringRebuild(t *testing.T) {
	dir := smallModel(t)
	g := newGatedSite(t, 2)
	loop := NewLoop(Config{Path: dir, Site: g.site, Watch: WatchOptions{Debounce: 5 * time.Millisecond, MaxWait: 20 * time.Millisecond}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := loop.Start(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- loop.Run(ctx) }()
	if err := os.WriteFile(filepath.Join(dir, "m.tm"), []byte("person p \"Sam\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g.waitStarted(t)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(liveness):
		t.Fatal("Run did not return after the context ended, in the middle of a rebuild")
	}
}

// startGated runs Preview on a model whose first build waits for the
// test, and returns a harness on it and stop, which ends the context and
// waits for Preview's result.
func startGated(t *testing.T, g *gatedSite) (*harness, func() error) {
	t.Helper()
	h := &harness{t: t, dir: smallModel(t), out: &syncBuffer{}}
	h.srv = NewServer(ServerOptions{})
	h.loop = NewLoop(Config{Path: h.dir, Site: g.site, Publish: h.srv.Publish, Out: h.out})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.url = "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var result error
	go func() { result = Preview(ctx, ln, h.srv, h.loop); close(done) }()
	stop := func() error {
		t.Helper()
		cancel()
		select {
		case <-done:
			return result
		case <-time.After(liveness):
			t.Fatal("Preview did not return after the context ended")
			return nil
		}
	}
	t.Cleanup(func() { stop() })
	return h, stop
}

// Defect B: the preview answers before the first build is done: pages say
// the site is being built and reload by themselves once it is.
func TestPreviewServesBeforeFirstBuild(t *testing.T) {
	g := newGatedSite(t, 1)
	h, stop := startGated(t, g)
	g.waitStarted(t)
	if code, body := h.get("/"); code != 200 || !strings.Contains(body, "building") || !strings.Contains(body, "/__tmc/live.js") {
		t.Errorf("GET / during the first build: %d\n%s", code, body)
	}
	if code, body := h.get("/element/p.html"); code != 503 || !strings.Contains(body, "building") || !strings.Contains(body, "/__tmc/live.js") {
		t.Errorf("GET /element/p.html during the first build: %d\n%s", code, body)
	}
	if code, st := h.get(statusPath); code != 200 || !strings.Contains(st, `"building":true`) {
		t.Errorf("status during the first build: %d %s", code, st)
	}
	ev := h.connect()
	g.release()
	if e := h.expectOne(ev, "reload", 100*time.Millisecond); !strings.Contains(e.data, `"build":1`) {
		t.Errorf("reload %s", e.data)
	}
	if code, body := h.get("/element/p.html"); code != 200 || !strings.Contains(body, "Pat") {
		t.Errorf("GET /element/p.html after the first build: %d\n%s", code, body)
	}
	if _, st := h.get(statusPath); strings.Contains(st, "building") || !strings.Contains(st, `"ok":true`) {
		t.Errorf("status after the first build: %s", st)
	}
	if err := stop(); err != nil {
		t.Errorf("Preview: %v", err)
	}
}

// Defect B: a stop in the middle of the first build ends the preview at
// once: Preview returns and no longer serves.
func TestPreviewStopsDuringBuild(t *testing.T) {
	g := newGatedSite(t, 1)
	h, stop := startGated(t, g)
	g.waitStarted(t)
	ev := h.connect() // an open event stream does not hold the stop up
	if code, _ := h.get("/"); code != 200 {
		t.Errorf("GET /: %d", code)
	}
	if err := stop(); err != nil {
		t.Errorf("Preview: %v", err)
	}
	for range ev {
	}
	if resp, err := http.Get(h.url + "/"); err == nil {
		resp.Body.Close()
		t.Error("still serving after the stop")
	}
}

// The first build's failure is Preview's error (the command fails).
func TestPreviewFirstBuildFails(t *testing.T) {
	srv := NewServer(ServerOptions{})
	failing := func(context.Context, *compiler.Result) ([]File, error) { return nil, errFake }
	loop := NewLoop(Config{Path: smallModel(t), Site: failing, Publish: srv.Publish})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- Preview(context.Background(), ln, srv, loop) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "site not built: fake failure") {
			t.Errorf("Preview: %v", err)
		}
	case <-time.After(liveness):
		t.Fatal("Preview did not return")
	}
}

// Defect C: the server that serves the preview has timeouts.
func TestHTTPServerTimeouts(t *testing.T) {
	hs := NewServer(ServerOptions{}).HTTPServer()
	if hs.ReadHeaderTimeout != DefaultReadHeaderTimeout || hs.WriteTimeout != DefaultWriteTimeout || hs.IdleTimeout != DefaultIdleTimeout {
		t.Errorf("timeouts: read header %v, write %v, idle %v", hs.ReadHeaderTimeout, hs.WriteTimeout, hs.IdleTimeout)
	}
	if DefaultReadHeaderTimeout <= 0 || DefaultWriteTimeout <= 0 || DefaultIdleTimeout <= 0 {
		t.Error("a default timeout is zero")
	}
}

// expectClosed waits until the server closes c.
func expectClosed(t *testing.T, c net.Conn, br *bufio.Reader, what string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(liveness))
	if _, err := io.Copy(io.Discard, br); err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("%s: the server kept the connection open", what)
		}
	}
}

// Defect C: an idle keep-alive connection, or one that never finishes its
// headers, is closed by the server.
func TestIdleConnectionClosed(t *testing.T) {
	s := NewServer(ServerOptions{IdleTimeout: 100 * time.Millisecond, ReadHeaderTimeout: 100 * time.Millisecond})
	s.Publish(&Build{Seq: 1, Files: []File{{Path: "index.html", Data: []byte("<html><body>home</body></html>")}}})
	addr := strings.TrimPrefix(serveHTTP(t, s), "http://")

	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
	br := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(liveness))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Close {
		t.Fatalf("GET /: %d, close %v", resp.StatusCode, resp.Close)
	}
	expectClosed(t, c, br, "idle keep-alive connection")

	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fmt.Fprintf(slow, "GET / HTTP/1.1\r\nHost: %s\r\n", addr) // and never the blank line
	expectClosed(t, slow, bufio.NewReader(slow), "unfinished headers")
}

// Defect C: the event stream stays open past the write timeout.
func TestEventStreamOutlivesWriteTimeout(t *testing.T) {
	s := NewServer(ServerOptions{WriteTimeout: 50 * time.Millisecond, Keepalive: time.Hour})
	s.Publish(&Build{Seq: 1, Files: []File{{Path: "index.html", Data: []byte("<html><body>home</body></html>")}}})
	h := &harness{t: t, url: serveHTTP(t, s), srv: s, out: &syncBuffer{}}
	ev := h.connect()
	time.Sleep(300 * time.Millisecond) // well past the write timeout
	s.Publish(&Build{Seq: 2, Files: []File{{Path: "index.html", Data: []byte("<html><body>again</body></html>")}}})
	select {
	case e, ok := <-ev:
		if !ok {
			t.Fatal("the event stream was closed by the write timeout")
		}
		if e.name != "reload" || !strings.Contains(e.data, `"build":2`) {
			t.Errorf("event %s %s, want reload of build 2", e.name, e.data)
		}
	case <-time.After(liveness):
		t.Fatal("no reload event")
	}
}
