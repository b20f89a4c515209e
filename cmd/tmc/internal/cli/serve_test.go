package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A background is a tmc command running in-process until stopped.
type background struct {
	stdout, stderr *lockedBuffer
	cancel         func()
	done           chan int
}

// start runs tmc with args until stop, as Ctrl-C would stop it.
func start(t *testing.T, args ...string) *background {
	t.Helper()
	b := &background{stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, done: make(chan int, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	root := newRoot(b.stdout, b.stderr)
	root.SetArgs(args)
	root.SetIn(strings.NewReader(""))
	root.SetOut(b.stdout)
	root.SetErr(b.stderr)
	go func() {
		err := root.ExecuteContext(ctx)
		code := ExitOK
		var ee *exitError
		switch {
		case err == nil:
		case errors.As(err, &ee):
			code = ee.code
		default:
			b.stderr.Write([]byte("tmc: " + err.Error() + "\n"))
			code = ExitUsage
		}
		b.done <- code
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-b.done:
		case <-time.After(10 * time.Second):
			t.Error("command did not stop")
		}
	})
	return b
}

// waitOutput waits until stdout matches re and returns the match.
func (b *background) waitOutput(t *testing.T, re string) []string {
	t.Helper()
	r := regexp.MustCompile(re)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := r.FindStringSubmatch(b.stdout.String()); m != nil {
			return m
		}
		select {
		case code := <-b.done:
			b.done <- code
			t.Fatalf("exited %d before printing %q\nstdout:\n%s\nstderr:\n%s", code, re, b.stdout, b.stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("no %q in stdout:\n%s\nstderr:\n%s", re, b.stdout, b.stderr)
	return nil
}

// stop stops the command as Ctrl-C does and returns its exit status.
func (b *background) stop(t *testing.T) int {
	t.Helper()
	b.cancel()
	select {
	case code := <-b.done:
		b.done <- code
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("command did not stop")
	}
	return -1
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServe(t *testing.T) {
	pinDate(t)
	dir := t.TempDir()
	copyDir(t, checkoutModel, dir)
	opened := make(chan string, 4)
	defer func(old func(string, io.Writer)) { openBrowser = old }(openBrowser)
	openBrowser = func(url string, _ io.Writer) { opened <- url }

	b := start(t, "serve", "--addr", "127.0.0.1:0", "--open", dir)
	url := b.waitOutput(t, `serving .* on (http://127\.0\.0\.1:\d+/) \(Ctrl-C to stop\)`)[1]
	b.waitOutput(t, `built in \d+ ms`)
	select {
	case got := <-opened:
		if got != url {
			t.Errorf("--open opened %s, want %s", got, url)
		}
	case <-time.After(5 * time.Second):
		t.Error("--open opened nothing")
	}
	code, body := httpGet(t, url)
	if code != 200 || !strings.Contains(body, "Checkout platform") || !strings.Contains(body, `<script src="/__tmc/live.js"`) {
		t.Fatalf("GET /: %d\n%.500s", code, body)
	}
	for _, p := range []string{"register.html", "controls.html", "model.json"} {
		if code, _ := httpGet(t, url+p); code != 200 {
			t.Errorf("GET /%s: %d", p, code)
		}
	}
	// An edit is rebuilt and served.
	tm := filepath.Join(dir, "platform.tm")
	src, err := os.ReadFile(tm)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tm, bytes.Replace(src, []byte(`model "Checkout platform"`), []byte(`model "Checkout platform, edited"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	b.waitOutput(t, `rebuilt in \d+ ms: \d+ errors?, \d+ warnings?\n`)
	if _, body := httpGet(t, url); !strings.Contains(body, "Checkout platform, edited") {
		t.Error("edit not served")
	}
	// A syntax error prints the diagnostics as tmc check does.
	if err := os.WriteFile(tm, append(src, []byte("\nflow x: -> \"oops\"\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	b.waitOutput(t, `error\[TM101\]: syntax error in flow[^\n]*\n[\s\S]*not rebuilt: the browser shows them over the last good site`)
	if _, body := httpGet(t, url); !strings.Contains(body, "Checkout platform, edited") {
		t.Error("last good site not served")
	}
	if code := b.stop(t); code != ExitOK {
		t.Errorf("Ctrl-C: exit %d, want 0\n%s", code, b.stderr)
	}
	if !strings.HasSuffix(b.stdout.String(), "stopped\n") {
		t.Errorf("stdout does not end with stopped:\n%s", b.stdout)
	}
	if _, err := http.Get(url); err == nil {
		t.Error("still serving after Ctrl-C")
	}
}

// Serve listens before the first build, however long it takes: the
// address is printed, and answers, before the site is built.
func TestServeListensFirst(t *testing.T) {
	b := start(t, "serve", "--addr", "127.0.0.1:0", checkoutModel)
	url := b.waitOutput(t, `serving .* on (http://127\.0\.0\.1:\d+/) \(Ctrl-C to stop\)`)[1]
	out := b.waitOutput(t, `(?s)^.*built in \d+ ms`)[0]
	if s, built := strings.Index(out, "serving "), strings.Index(out, "built in "); s < 0 || built < s {
		t.Errorf("built before serving:\n%s", out)
	}
	if code, body := httpGet(t, url); code != 200 || !strings.Contains(body, "Checkout platform") {
		t.Errorf("GET /: %d\n%.300s", code, body)
	}
	if code := b.stop(t); code != ExitOK {
		t.Errorf("Ctrl-C: exit %d\n%s", code, b.stderr)
	}
}

// No page of another site can read the model through the preview: the
// search index is a script that sets a global, which a foreign page
// could include. Browsers are told not to hand any response to another
// origin, and requests they mark as cross-site are refused.
func TestServeCrossSite(t *testing.T) {
	b := start(t, "serve", "--addr", "127.0.0.1:0", checkoutModel)
	url := b.waitOutput(t, `serving .* on (http://127\.0\.0\.1:\d+/) \(Ctrl-C to stop\)`)[1]
	b.waitOutput(t, `built in \d+ ms`)
	get := func(site, dest string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", url+"assets/search-index.js", nil)
		if site != "" {
			req.Header.Set("Sec-Fetch-Site", site)
			req.Header.Set("Sec-Fetch-Mode", "no-cors")
			req.Header.Set("Sec-Fetch-Dest", dest)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp, string(data)
	}
	resp, body := get("same-origin", "script")
	if resp.StatusCode != 200 || !strings.Contains(body, "TMC_SEARCH") {
		t.Fatalf("same-origin search index: %d %.200s", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Cross-Origin-Resource-Policy"); got != "same-origin" {
		t.Errorf("Cross-Origin-Resource-Policy %q", got)
	}
	for _, site := range []string{"cross-site", "same-site"} {
		resp, body := get(site, "script")
		if resp.StatusCode != 403 || strings.Contains(body, "TMC_SEARCH") || resp.Header.Get("Cross-Origin-Resource-Policy") != "same-origin" {
			t.Errorf("%s script load: %d %v %.200s", site, resp.StatusCode, resp.Header, body)
		}
	}
}

func TestServeAddr(t *testing.T) {
	code, _, stderr := run(t, "serve", "--addr", "0.0.0.0:0", checkoutModel)
	if code != ExitUsage || !strings.Contains(stderr, "--allow-remote") {
		t.Errorf("non-loopback without --allow-remote: exit %d\n%s", code, stderr)
	}
	code, _, stderr = run(t, "serve", "--addr", ":7878", checkoutModel)
	if code != ExitUsage || !strings.Contains(stderr, "every interface") {
		t.Errorf(":7878: exit %d\n%s", code, stderr)
	}
	code, _, stderr = run(t, "serve", "--addr", "7878", checkoutModel)
	if code != ExitUsage || !strings.Contains(stderr, "HOST:PORT") {
		t.Errorf("bad addr: exit %d\n%s", code, stderr)
	}
	// A port in use is named, with the way out.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	code, _, stderr = run(t, "serve", "--addr", ln.Addr().String(), checkoutModel)
	if code != ExitUsage || !strings.Contains(stderr, "already in use") || !strings.Contains(stderr, "--addr 127.0.0.1:0") {
		t.Errorf("port in use: exit %d\n%s", code, stderr)
	}
	code, _, stderr = run(t, "serve", "--addr", "127.0.0.1:0", filepath.Join(t.TempDir(), "missing"))
	if code != ExitUsage || !strings.Contains(stderr, "cannot load model") {
		t.Errorf("missing model: exit %d\n%s", code, stderr)
	}
	code, _, stderr = run(t, "serve", "--addr", "127.0.0.1:0", t.TempDir())
	if code != ExitUsage || !strings.Contains(stderr, "no .tm files") {
		t.Errorf("empty folder: exit %d\n%s", code, stderr)
	}
	// --allow-remote: served, with a warning.
	b := start(t, "serve", "--addr", "0.0.0.0:0", "--allow-remote", checkoutModel)
	b.waitOutput(t, `serving `)
	if !strings.Contains(b.stderr.String(), "warning: serving on") || !strings.Contains(b.stderr.String(), "reachable from other machines") {
		t.Errorf("no warning:\n%s", b.stderr)
	}
	if code := b.stop(t); code != ExitOK {
		t.Errorf("exit %d", code)
	}
}

func TestWatch(t *testing.T) {
	pinDate(t)
	dir := filepath.Join(t.TempDir(), "model")
	copyDir(t, checkoutModel, dir)
	// The output folder beside the model, as the output folder policy
	// wants it.
	out := filepath.Join(filepath.Dir(dir), "public")
	b := start(t, "watch", "-o", out, dir)
	b.waitOutput(t, `watching .*, writing the site to .* \(Ctrl-C to stop\)`)
	index := filepath.Join(out, "index.html")
	page, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(page, []byte("/__tmc/")) {
		t.Error("the written site carries the live-reload script")
	}
	tm := filepath.Join(dir, "platform.tm")
	src, _ := os.ReadFile(tm)
	if err := os.WriteFile(tm, bytes.Replace(src, []byte(`model "Checkout platform"`), []byte(`model "Checkout platform, watched"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	b.waitOutput(t, `rebuilt in `)
	page, _ = os.ReadFile(index)
	if !bytes.Contains(page, []byte("Checkout platform, watched")) {
		t.Error("edit not written")
	}
	// Writing the site caused no further rebuild.
	time.Sleep(600 * time.Millisecond)
	if n := strings.Count(b.stdout.String(), "rebuilt in "); n != 1 {
		t.Errorf("%d rebuilds, want 1:\n%s", n, b.stdout)
	}
	// A syntax error leaves the last good site.
	if err := os.WriteFile(tm, append(src, []byte("\nflow x: -> \"oops\"\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	b.waitOutput(t, `not rebuilt: .*public keeps the last good site`)
	page, _ = os.ReadFile(index)
	if !bytes.Contains(page, []byte("Checkout platform, watched")) {
		t.Error("last good site replaced")
	}
	if code := b.stop(t); code != ExitOK {
		t.Errorf("Ctrl-C: exit %d\n%s", code, b.stderr)
	}
	// A folder tmc did not write is not replaced.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "keep.txt"), []byte("mine"), 0o644)
	code, _, stderr := run(t, "watch", "-o", other, checkoutModel)
	if code != ExitUsage || !strings.Contains(stderr, "tmc did not create it") {
		t.Errorf("foreign folder: exit %d\n%s", code, stderr)
	}
}

// TestServeCompilesIncrementally: tmc serve and tmc watch compile through
// one incremental engine, so a rebuild after a save parses only the saved
// file and keeps the parse of the others (the same *dsl.File), with the
// --root the command was given.
func TestServeCompilesIncrementally(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "../../../../examples/checkout", dir)
	compile := compileIncremental(&modelFlags{root: dir})
	first, err := compile(dir)
	if err != nil {
		t.Fatal(err)
	}
	orders := filepath.Join(dir, "services/orders/orders.tm")
	text, err := os.ReadFile(orders)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(orders, append(text, "\n# saved again\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	second, err := compile(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Source.Files) != len(second.Source.Files) || len(first.Source.Files) < 2 {
		t.Fatalf("%d files, then %d", len(first.Source.Files), len(second.Source.Files))
	}
	for i, f := range second.Source.Files {
		same := f == first.Source.Files[i]
		if saved := f.Name == "services/orders/orders.tm"; same == saved {
			t.Errorf("%s: parse reused %v, want %v", f.Name, same, !saved)
		}
	}
	if second.Source.Project != dir {
		t.Errorf("project root %q, want the --root %q", second.Source.Project, dir)
	}
}
