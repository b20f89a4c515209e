package serve

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// quiet is how long a test waits to be sure no second event follows: well
// past the debounce's longest wait and a rebuild.
const quiet = 600 * time.Millisecond

const ordersTM = "services/orders/orders.tm"

// Every way an editor saves, and new and removed files, gives exactly one
// reload, after which the new content is served.
func TestEditsReloadOnce(t *testing.T) {
	h := startPreview(t, siteUnderTest, WatchOptions{})
	ev := h.connect()
	if !h.servedWith(`Order service`) {
		t.Fatal("the first build does not show the order service")
	}
	orig := h.read(ordersTM)

	t.Run("in-place write", func(t *testing.T) {
		h := h.with(t)
		h.write(ordersTM, replaceIn(t, orig, `"Order service"`, `"Order service in place"`))
		h.expectOne(ev, "reload", quiet)
		if !h.servedWith("Order service in place") {
			t.Error("new name not served")
		}
	})

	t.Run("atomic save", func(t *testing.T) {
		h := h.with(t)
		// VS Code and most tools: a temporary file, renamed over the target.
		tmp := h.path("services/orders/.orders.tm.tmp-12345")
		if err := os.WriteFile(tmp, []byte(replaceIn(t, orig, `"Order service"`, `"Order service atomic"`)), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, h.path(ordersTM)); err != nil {
			t.Fatal(err)
		}
		h.expectOne(ev, "reload", quiet)
		if !h.servedWith("Order service atomic") {
			t.Error("new name not served")
		}
	})

	t.Run("jetbrains safe write", func(t *testing.T) {
		h := h.with(t)
		jbTmp := h.path(ordersTM + "___jb_tmp___")
		jbOld := h.path(ordersTM + "___jb_old___")
		if err := os.WriteFile(jbTmp, []byte(replaceIn(t, orig, `"Order service"`, `"Order service jb"`)), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(h.path(ordersTM), jbOld); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(jbTmp, h.path(ordersTM)); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(jbOld); err != nil {
			t.Fatal(err)
		}
		h.expectOne(ev, "reload", quiet)
		if !h.servedWith("Order service jb") {
			t.Error("new name not served")
		}
	})

	t.Run("vim save", func(t *testing.T) {
		h := h.with(t)
		// vim with backupcopy=no: probe file 4913, rename the original to
		// file~, write a new file, remove the backup; plus its swap file.
		probe := h.path("services/orders/4913")
		if err := os.WriteFile(probe, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Remove(probe)
		if err := os.WriteFile(h.path("services/orders/.orders.tm.swp"), []byte("swap"), 0o644); err != nil {
			t.Fatal(err)
		}
		backup := h.path(ordersTM + "~")
		if err := os.Rename(h.path(ordersTM), backup); err != nil {
			t.Fatal(err)
		}
		h.write(ordersTM, replaceIn(t, orig, `"Order service"`, `"Order service vim"`))
		if err := os.Remove(backup); err != nil {
			t.Fatal(err)
		}
		h.expectOne(ev, "reload", quiet)
		if !h.servedWith("Order service vim") {
			t.Error("new name not served")
		}
		// Writes to the swap file alone change nothing.
		if err := os.WriteFile(h.path("services/orders/.orders.tm.swp"), []byte("swap 2"), 0o644); err != nil {
			t.Fatal(err)
		}
		select {
		case e := <-ev:
			t.Fatalf("event %q after a swap file write", e.name)
		case <-time.After(quiet):
		}
	})

	t.Run("new file in a new folder", func(t *testing.T) {
		h := h.with(t)
		if err := os.MkdirAll(h.path("services/audit/sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		h.write("services/audit/sub/audit.tm", `extend shop {
  container audit "Audit log writer" in cluster { tech "Go" }
}
`)
		h.expectOne(ev, "reload", quiet)
		if !h.servedWith("Audit log writer") {
			t.Error("new element not served")
		}
		// The new folder is watched: an edit there is seen too.
		h.write("services/audit/sub/audit.tm", `extend shop {
  container audit "Audit trail writer" in cluster { tech "Go" }
}
`)
		h.expectOne(ev, "reload", quiet)
		if !h.servedWith("Audit trail writer") {
			t.Error("edited element not served")
		}
	})

	t.Run("deletion", func(t *testing.T) {
		h := h.with(t)
		if err := os.Remove(h.path("services/audit/sub/audit.tm")); err != nil {
			t.Fatal(err)
		}
		h.expectOne(ev, "reload", quiet)
		if h.servedWith("Audit trail writer") {
			t.Error("deleted element still served")
		}
	})

	t.Run("folder removal", func(t *testing.T) {
		h := h.with(t)
		h.write("services/audit/sub/audit.tm", `extend shop {
  container audit "Audit again" in cluster { tech "Go" }
}
`)
		h.expectOne(ev, "reload", quiet)
		if err := os.RemoveAll(h.path("services/audit")); err != nil {
			t.Fatal(err)
		}
		h.expectOne(ev, "reload", quiet)
		if h.servedWith("Audit again") {
			t.Error("element of a removed folder still served")
		}
	})

	t.Run("ignored", func(t *testing.T) {
		h := h.with(t)
		// Not part of the model: output folders, hidden and skipped
		// folders, files that are not .tm, editor leftovers, chmod.
		for _, d := range []string{"tmc-out", ".git", "_scratch", "vendor", "testdata", "node_modules", "site"} {
			if err := os.MkdirAll(h.path(d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		h.write("site/.tmc-output", "marker\n")
		for _, f := range []string{"tmc-out/x.tm", ".git/x.tm", "_scratch/x.tm", "vendor/x.tm", "testdata/x.tm", "node_modules/x.tm", "site/x.tm",
			"notes.txt", "services/orders/orders.tm~", "services/orders/#orders.tm#", "services/orders/.#orders.tm",
			"services/orders/.goutputstream-ABC123"} {
			h.write(f, "garbage {")
		}
		if err := os.Chmod(h.path(ordersTM), 0o600); err != nil {
			t.Fatal(err)
		}
		select {
		case e := <-ev:
			t.Fatalf("event %q (%s) for a change outside the model\nterminal:\n%s", e.name, e.data, h.out.String())
		case <-time.After(quiet):
		}
		// Removing them is no change either. (.#orders.tm must go: the
		// compiler loads it, being a .tm file, though the watcher ignores
		// it as an emacs lock file.)
		for _, f := range []string{"services/orders/orders.tm~", "services/orders/#orders.tm#", "services/orders/.#orders.tm",
			"services/orders/.goutputstream-ABC123", "notes.txt"} {
			if err := os.Remove(h.path(f)); err != nil {
				t.Fatal(err)
			}
		}
		select {
		case e := <-ev:
			t.Fatalf("event %q (%s) for a change outside the model\nterminal:\n%s", e.name, e.data, h.out.String())
		case <-time.After(quiet):
		}
	})

	t.Run("syntax error and fix", func(t *testing.T) {
		h := h.with(t)
		good := h.read(ordersTM)
		h.write(ordersTM, good+"\nflow x: -> \"oops\"\n")
		e := h.expectOne(ev, "errors", quiet)
		var got struct {
			Problems []Problem
		}
		if err := json.Unmarshal([]byte(e.data), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Problems) != 1 {
			t.Fatalf("problems: %+v", got.Problems)
		}
		p := got.Problems[0]
		if p.File != ordersTM || p.Line == 0 || p.Column != 9 || p.Code != "TM101" ||
			!strings.Contains(p.Source, `flow x: -> "oops"`) || p.Caret != "        ^^" || p.Message == "" {
			t.Errorf("problem: %+v", p)
		}
		if !strings.Contains(h.out.String(), "error[TM101]") {
			t.Errorf("terminal does not show the diagnostic:\n%s", h.out.String())
		}
		// The last good site is still served; the status says it failed.
		if !h.servedWith("Order service vim") {
			t.Error("last good site not served")
		}
		_, st := h.get(statusPath)
		if !strings.Contains(st, `"ok":false`) || !strings.Contains(st, `"errors":1`) {
			t.Errorf("status %s", st)
		}
		// A page that connects now learns about the errors at once.
		ev2 := h.connect()
		if e := <-ev2; e.name != "errors" {
			t.Errorf("new stream: %q, want errors", e.name)
		}
		h.write(ordersTM, good)
		h.expectOne(ev, "reload", quiet)
		if e := <-ev2; e.name != "reload" {
			t.Errorf("second stream: %q, want reload", e.name)
		}
		_, st = h.get(statusPath)
		if !strings.Contains(st, `"ok":true`) {
			t.Errorf("status %s", st)
		}
	})

	t.Run("check errors do not block", func(t *testing.T) {
		h := h.with(t)
		// An unmarked crossing (TM301) is a check error: the site is
		// rebuilt and shows it.
		good := h.read(ordersTM)
		bad := replaceIn(t, good, `crosses data "per-service DB role; row-level security on tenant_id"`, ``)
		h.write(ordersTM, bad)
		h.expectOne(ev, "reload", quiet)
		_, st := h.get(statusPath)
		if !strings.Contains(st, `"ok":true`) || strings.Contains(st, `"errors":0`) {
			t.Errorf("status %s", st)
		}
		h.write(ordersTM, good)
		h.expectOne(ev, "reload", quiet)
	})

	if t.Failed() {
		t.Logf("terminal:\n%s", h.out.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(h.out.String()), "\n") {
		if strings.HasPrefix(line, "rebuilt in ") && !strings.Contains(line, " ms: ") {
			t.Errorf("rebuild line %q", line)
		}
	}
}

// Served pages carry the live script, a CSP that allows it and its event
// stream, and the security headers.
func TestServedPages(t *testing.T) {
	h := startPreview(t, fakeSite(false), WatchOptions{})
	resp := mustGet(t, h.url+"/")
	body := readAll(t, resp)
	if !strings.Contains(body, `<script src="/__tmc/live.js" data-build="1"></script></body>`) {
		t.Errorf("live script not injected before </body>:\n%s", body)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "connect-src 'self'") || !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q", csp)
	}
	if !strings.Contains(body, `content="default-src &#39;none&#39;; style-src &#39;self&#39;; img-src &#39;self&#39;; script-src &#39;self&#39;; connect-src &#39;self&#39;"`) {
		t.Errorf("meta CSP not extended:\n%s", body)
	}
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "no-store",
		"Content-Type":           "text/html; charset=utf-8",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if r := mustGet(t, h.url+"/assets/site.css"); r.Header.Get("Content-Type") != "text/css; charset=utf-8" || r.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("css headers %v", r.Header)
	}
	if r := mustGet(t, h.url+livePath); r.StatusCode != 200 || r.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Errorf("live.js: %d %v", r.StatusCode, r.Header)
	} else if js := readAll(t, r); strings.Contains(js, "innerHTML") || !strings.Contains(js, "EventSource") {
		t.Error("live.js uses innerHTML or no EventSource")
	}
	code, st := h.get(statusPath)
	if code != 200 || !strings.Contains(st, `"build":1`) || !strings.Contains(st, `"ok":true`) {
		t.Errorf("status %d %s", code, st)
	}
	if code, _ := h.get("/element/"); code != 404 {
		t.Errorf("folder without index: %d, want 404 (no listings)", code)
	}
}

func TestFirstBuildBlocked(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/m.tm", []byte("person p \"P\"\nflow x: -> \"oops\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := startPreviewAt(t, dir, fakeSite(false), WatchOptions{})
	code, body := h.get("/")
	if code != 200 || !strings.Contains(body, "no site yet") || !strings.Contains(body, "/__tmc/live.js") {
		t.Errorf("placeholder: %d\n%s", code, body)
	}
	ev := h.connect()
	if e := <-ev; e.name != "errors" {
		t.Fatalf("event %q, want errors", e.name)
	}
	h.write("m.tm", "person p \"Fixed person\"\n")
	h.expectOne(ev, "reload", quiet)
	if !h.servedWith("Fixed person") {
		t.Error("fixed model not served")
	}
}
