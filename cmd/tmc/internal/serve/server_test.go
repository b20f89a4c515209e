package serve

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func mustGet(t testing.TB, url string) *http.Response {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func readAll(t testing.TB, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// testServer serves a small site, with a secret file beside it on disk
// that must never be reachable.
func testServer(t *testing.T) (*Server, string) {
	t.Helper()
	s := NewServer(ServerOptions{})
	s.Publish(&Build{Seq: 1, Files: []File{
		{Path: "index.html", Data: []byte(`<html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body>home</body></html>`)},
		{Path: "assets/site.css", Data: []byte("body{}")},
		{Path: "element/index.html", Data: []byte("<html><body>elements</body></html>")},
		{Path: "element/a.html", Data: []byte("<html><body>element a</body></html>")},
		{Path: "model.json", Data: []byte(`{"secret":"no"}`)},
	}})
	ts := httptest.NewServer(s)
	t.Cleanup(func() { s.Close(); ts.Close() })
	return s, ts.URL
}

// rawRequest sends a request line as is (Go's client would clean or
// re-encode the path) and returns the status code and body.
func rawRequest(t *testing.T, base, method, target string) (int, string) {
	t.Helper()
	addr := strings.TrimPrefix(base, "http://")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", method, target, addr)
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestPathTraversal(t *testing.T) {
	_, url := testServer(t)
	for _, target := range []string{
		"/../go.mod", "/%2e%2e/go.mod", "/%2E%2E/go.mod", "/..%2fgo.mod", "/..%2Fgo.mod", "/assets/../../x",
		"/assets/%2e%2e/%2e%2e/go.mod", "/..\\go.mod", "/%5c..%5cgo.mod", "/./index.html", "/assets/%2e/site.css",
		"/assets/..%252f..%252fgo.mod", "/%00", "/index.html%00.css", "//etc/passwd", "/etc/passwd",
		"/../../../../../../etc/passwd", "/.tmc-output", "/__tmc/../index.html", "/__tmc/x",
	} {
		code, body := rawRequest(t, url, "GET", target)
		if code != 400 && code != 404 {
			t.Errorf("GET %s: %d, want 400 or 404", target, code)
		}
		if strings.Contains(body, "module ") || strings.Contains(body, "root:") || strings.Contains(body, "home") {
			t.Errorf("GET %s returned content:\n%s", target, body)
		}
	}
	if code, body := rawRequest(t, url, "GET", "/"); code != 200 || !strings.Contains(body, "home") {
		t.Errorf("GET /: %d %s", code, body)
	}
}

func TestMethodsAndRouting(t *testing.T) {
	_, url := testServer(t)
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
		req, _ := http.NewRequest(m, url+"/index.html", strings.NewReader("x"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: %d, Allow %q", m, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}
	// HEAD: headers, no body.
	resp, err := http.Head(url + "/index.html")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.ContentLength <= 0 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("HEAD: %d %d %v", resp.StatusCode, resp.ContentLength, resp.Header)
	}
	for path, want := range map[string]string{
		"/":                    "home",
		"/index.html":          "home",
		"/element/":            "elements",
		"/element/index.html":  "elements",
		"/element/a.html":      "element a",
		"/element/a.html?x=1":  "element a",
		"/assets/site.css":     "body{}",
		"/model.json":          `"secret"`,
		"/element/missing.htm": "Not found",
	} {
		code, body := rawRequest(t, url, "GET", path)
		if !strings.Contains(body, want) {
			t.Errorf("GET %s: %d %q, want %q", path, code, body, want)
		}
	}
	// A folder with an index, without the slash, redirects to it.
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = c.Get(url + "/element")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "element/" {
		t.Errorf("/element: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Every response carries the security headers, errors too.
	for _, p := range []string{"/", "/nope", "/assets/site.css", "/__tmc/status"} {
		r := mustGet(t, url+p)
		r.Body.Close()
		if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s headers: %v", p, r.Header)
		}
	}
}

// Only requests for a loopback host are answered: a web page cannot read
// the preview by pointing its own domain name at 127.0.0.1.
func TestHostCheck(t *testing.T) {
	_, url := testServer(t)
	addr := strings.TrimPrefix(url, "http://")
	for host, want := range map[string]int{
		addr:                      200,
		"localhost:7878":          200,
		"[::1]:7878":              200,
		"preview.localhost":       200,
		"evil.example.com":        403,
		"evil.example.com:7878":   403,
		"127.0.0.1.nip.io:7878":   403,
		"192.168.1.10:7878":       403,
		"localhost.evil.com:7878": 403,
	} {
		req, _ := http.NewRequest("GET", url+"/", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %q: %d, want %d", host, resp.StatusCode, want)
		}
	}
	if loopbackHost("") {
		t.Error("an empty Host is not loopback")
	}
	s := NewServer(ServerOptions{AllowRemote: true})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/", nil)
	req.Host = "192.168.1.10:7878"
	s.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Errorf("--allow-remote: %d", rec.Code)
	}
}

func TestLivePolicy(t *testing.T) {
	for in, want := range map[string]string{
		"default-src 'none'; style-src 'self'":                           "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'",
		"default-src 'self'":                                             "default-src 'self'; script-src 'self'; connect-src 'self'",
		"script-src 'none'; connect-src 'none'":                          "script-src 'self'; connect-src 'self'",
		"script-src 'self' 'sha256-abc'; img-src data:":                  "script-src 'self' 'sha256-abc'; img-src data:; connect-src 'self'",
		"default-src 'none'; script-src-elem 'none'; connect-src 'self'": "default-src 'none'; script-src-elem 'self'; connect-src 'self'; script-src 'self'",
		"": "script-src 'self'; connect-src 'self'",
	} {
		if got := livePolicy(in); got != want {
			t.Errorf("livePolicy(%q)\n = %q\nwant %q", in, got, want)
		}
	}
}

func TestLivePage(t *testing.T) {
	page := `<!doctype html><html><head><META HTTP-EQUIV='content-security-policy' CONTENT="default-src 'none'"><title>x</title></head>` +
		`<body><p>&lt;/body&gt;</p></body></html>`
	out, csp := livePage([]byte(page), 3)
	want := `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;self&#39;; connect-src &#39;self&#39;"><title>x</title></head>` +
		`<body><p>&lt;/body&gt;</p><script src="/__tmc/live.js" data-build="3"></script></body></html>`
	if string(out) != want {
		t.Errorf("livePage:\n%s\nwant\n%s", out, want)
	}
	if csp != "default-src 'none'; script-src 'self'; connect-src 'self'" {
		t.Errorf("csp %q", csp)
	}
	// No </body>: the script goes at the end; no meta: the default policy.
	out, csp = livePage([]byte("<p>x"), 1)
	if string(out) != `<p>x<script src="/__tmc/live.js" data-build="1"></script>` || csp != defaultCSP {
		t.Errorf("no body: %s %q", out, csp)
	}
}

// Shutting down ends open event streams instead of waiting for them.
func TestCloseEndsStreams(t *testing.T) {
	s, url := testServer(t)
	resp := mustGet(t, url+eventsPath)
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	line, _ := br.ReadString('\n')
	if !strings.HasPrefix(line, "retry:") {
		t.Fatalf("first line %q", line)
	}
	done := make(chan struct{})
	go func() { io.Copy(io.Discard, br); close(done) }()
	s.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("stream still open after Close")
	}
	if n := s.hub.count(); n != 0 {
		t.Errorf("%d streams left", n)
	}
}

// readEvent reads one server-sent event: its name and data.
func readEvent(t *testing.T, r *bufio.Reader) (string, string) {
	t.Helper()
	var name, data string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "" && name != "":
			return name, data
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data += strings.TrimPrefix(line, "data: ")
		}
	}
}

// A page keeps its bytes and its version while a build does not change
// it; the reload event lists the pages that changed, came or went, and
// says "all" when a style sheet changed; hello gives the version of the
// page that listens.
func TestPageVersions(t *testing.T) {
	s, url := testServer(t)
	page := func(p string) string { return readAll(t, mustGet(t, url+p)) }
	a1 := page("/element/a.html")
	if !strings.Contains(a1, `data-build="1"`) {
		t.Fatalf("page a: %s", a1)
	}
	resp := mustGet(t, url+eventsPath+"?page="+"/element/a.html")
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	if name, data := readEvent(t, r); name != "hello" || !strings.Contains(data, `"page":1`) {
		t.Fatalf("%s %s: want hello with page 1", name, data)
	}
	s.Publish(&Build{Seq: 2, Files: []File{
		{Path: "index.html", Data: []byte(`<html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body>home, changed</body></html>`)},
		{Path: "assets/site.css", Data: []byte("body{}")},
		{Path: "element/a.html", Data: []byte("<html><body>element a</body></html>")},
		{Path: "element/b.html", Data: []byte("<html><body>element b</body></html>")},
		{Path: "model.json", Data: []byte(`{"changed":true}`)},
	}})
	if name, data := readEvent(t, r); name != "reload" || data != `{"build":2,"pages":["element/b.html","element/index.html","index.html"],"all":false}` {
		t.Fatalf("%s %s", name, data)
	}
	if a2 := page("/element/a.html"); a2 != a1 {
		t.Fatalf("unchanged page a was served changed:\n%s\n%s", a1, a2)
	}
	if b := page("/element/b.html"); !strings.Contains(b, `data-build="2"`) {
		t.Fatalf("new page b: %s", b)
	}
	resp2 := mustGet(t, url+eventsPath+"?page="+"/")
	defer resp2.Body.Close()
	if name, data := readEvent(t, bufio.NewReader(resp2.Body)); name != "hello" || !strings.Contains(data, `"page":2`) {
		t.Fatalf("%s %s: want hello with page 2 for the changed index", name, data)
	}
	s.Publish(&Build{Seq: 3, Files: []File{
		{Path: "index.html", Data: []byte(`<html><body>home</body></html>`)},
		{Path: "assets/site.css", Data: []byte("body{color:red}")},
	}})
	if name, data := readEvent(t, r); name != "reload" || !strings.Contains(data, `"all":true`) {
		t.Fatalf("%s %s: a changed style sheet reloads every page", name, data)
	}
}

// PublishEarly serves the pages browsers show at once and makes every
// other request wait for the rest of the build; a build that then fails
// takes the early pages back.
func TestPublishEarly(t *testing.T) {
	s, url := testServer(t)
	resp := mustGet(t, url+eventsPath+"?page=/element/a.html")
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	readEvent(t, r) // hello
	if got := s.Shown(); len(got) != 1 || got[0] != "element/a.html" {
		t.Fatalf("Shown = %q", got)
	}
	s.PublishEarly(2, []File{{Path: "element/a.html", Data: []byte("<html><body>element a, new</body></html>")}})
	if name, data := readEvent(t, r); name != "reload" || data != `{"build":2,"pages":["element/a.html"],"all":false,"partial":true}` {
		t.Fatalf("%s %s", name, data)
	}
	if a := readAll(t, mustGet(t, url+"/element/a.html")); !strings.Contains(a, "element a, new") || !strings.Contains(a, `data-build="2"`) {
		t.Fatalf("early page: %s", a)
	}
	got := make(chan string, 1)
	go func() { got <- readAll(t, mustGet(t, url+"/index.html")) }()
	select {
	case body := <-got:
		t.Fatalf("another page was served before the rest of the build: %s", body)
	case <-time.After(200 * time.Millisecond):
	}
	s.Publish(&Build{Seq: 2, Files: []File{
		{Path: "index.html", Data: []byte(`<html><body>home, new</body></html>`)},
		{Path: "element/a.html", Data: []byte("<html><body>element a, new</body></html>")},
	}})
	select {
	case body := <-got:
		if !strings.Contains(body, "home, new") {
			t.Fatalf("the waiting request got %s", body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting request did not go on after Publish")
	}
	// The early page is not listed again: its bytes are those served.
	if name, data := readEvent(t, r); name != "reload" || data != `{"build":2,"pages":["element/index.html","index.html"],"all":false}` {
		t.Fatalf("%s %s", name, data)
	}

	// Early, then a failure: the early page goes back.
	s.PublishEarly(3, []File{{Path: "element/a.html", Data: []byte("<html><body>element a, newer</body></html>")}})
	s.Publish(&Build{Seq: 3, Problems: []Problem{{Severity: "error", Message: "site not built"}}})
	if a := readAll(t, mustGet(t, url+"/element/a.html")); !strings.Contains(a, "element a, new<") {
		t.Fatalf("after a failed build, the early page stayed: %s", a)
	}
}
