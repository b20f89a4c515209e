// Package serve is tmc's live preview: a watcher that turns file system
// events into model changes, a loop that rebuilds the site after each
// change (never two at once, never losing the last change), and an HTTP
// server that serves the latest good site from memory, pushes a reload to
// every open page over server-sent events, and shows the diagnostics of a
// model that does not build over the last good site.
package serve

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"mime"
	"net"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

//go:embed live.js
var liveJS []byte

// Reserved paths: the site never has a top folder named __tmc.
const (
	eventsPath = "/__tmc/events"
	livePath   = "/__tmc/live.js"
	statusPath = "/__tmc/status"
)

// ServerOptions tune a Server.
type ServerOptions struct {
	// AllowRemote answers requests whatever their Host header. Without
	// it only loopback hosts (localhost, 127.0.0.1, [::1]) are answered,
	// so a web page cannot read the preview through DNS rebinding.
	AllowRemote bool
	// Keepalive is the period of the comments that keep an event stream
	// open through proxies (default 20 s).
	Keepalive time.Duration
	// The timeouts of the http.Server that HTTPServer returns: for
	// reading a request's headers (default 10 s), for writing a response
	// (default 30 s; event streams are exempt), and for keeping an idle
	// keep-alive connection open (default 60 s).
	ReadHeaderTimeout, WriteTimeout, IdleTimeout time.Duration
}

// The default timeouts of ServerOptions.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
)

// A Server serves the latest good site from memory. It is an
// http.Handler; Publish gives it each new build.
type Server struct {
	opts ServerOptions
	hub  hub

	mu       sync.RWMutex
	files    map[string]*servedFile
	good     int    // number of the site being served (good builds so far)
	siteCSP  string // the policy of files that are not pages
	status   status
	blocked  []byte // the errors event, while the model does not build
	diagHref string
	built    bool // some build was published, good or not

	// While a build is published in two steps (PublishEarly, then
	// Publish), early holds the pages already served from it and
	// pending is open: requests for every other file wait for the rest
	// of the build, so that no page of the new site links to a page of
	// the old one. before is the site to go back to should the rest
	// fail.
	early   map[string]bool
	pending chan struct{}
	before  map[string]*servedFile
}

type servedFile struct {
	data  []byte
	ctype string
	csp   string
	code  int // 0: 200
	// raw is the file as the site builder made it (a page without the
	// live script); version the number of the site in which these bytes
	// first appeared, which a page carries as its data-build.
	raw     []byte
	version int
}

// status is the JSON of /__tmc/status.
type status struct {
	Build       int    `json:"build"` // number of the site being served
	Seq         int    `json:"seq"`   // rebuilds so far
	OK          bool   `json:"ok"`    // the last rebuild produced the site being served
	Errors      int    `json:"errors"`
	Warnings    int    `json:"warnings"`
	TookMS      int64  `json:"took_ms"`
	Diagnostics string `json:"diagnostics,omitempty"` // the site's diagnostics page
	Building    bool   `json:"building,omitempty"`    // the first build is not done yet
}

// NewServer returns a server with nothing built yet: it shows a
// placeholder page until the first Publish.
func NewServer(opts ServerOptions) *Server {
	if opts.Keepalive <= 0 {
		opts.Keepalive = 20 * time.Second
	}
	if opts.ReadHeaderTimeout <= 0 {
		opts.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = DefaultWriteTimeout
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	s := &Server{opts: opts, files: map[string]*servedFile{}, siteCSP: defaultCSP,
		status: status{Building: true}}
	s.hub.init()
	return s
}

// HTTPServer returns an http.Server that serves s with its timeouts: a
// client that is slow to send its headers, to read a response, or that
// keeps a connection open doing nothing is cut off. The event stream
// lifts the write timeout for itself.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           s,
		ReadHeaderTimeout: s.opts.ReadHeaderTimeout,
		WriteTimeout:      s.opts.WriteTimeout,
		IdleTimeout:       s.opts.IdleTimeout,
	}
}

// Publish makes a build current. A good build replaces the site and
// tells every open page to reload; a failed one keeps the site and tells
// the pages to show its problems.
func (s *Server) Publish(b *Build) {
	defer s.settle()
	if !b.OK() {
		s.mu.Lock()
		if s.before != nil {
			s.files = s.before // the early pages go with the build that failed
		}
		s.built = true
		s.status = status{Build: s.good, Seq: b.Seq, Errors: b.Errors, Warnings: b.Warnings,
			TookMS: b.Took.Milliseconds(), Diagnostics: s.diagHref}
		ev := struct {
			Build    int       `json:"build"`
			Seq      int       `json:"seq"`
			Errors   int       `json:"errors"`
			Warnings int       `json:"warnings"`
			Problems []Problem `json:"problems"`
		}{s.good, b.Seq, b.Errors, b.Warnings, b.Problems}
		if ev.Problems == nil {
			ev.Problems = []Problem{}
		}
		data, _ := json.Marshal(ev)
		s.blocked = data
		s.mu.Unlock()
		s.hub.broadcast(message("errors", data))
		return
	}
	s.mu.RLock()
	good := s.good + 1
	old := s.files
	s.mu.RUnlock()
	files := make(map[string]*servedFile, len(b.Files))
	siteCSP := ""
	var changed []string // pages whose bytes changed, or that came or went
	all := false         // a file every page uses changed: every page reloads
	for _, f := range b.Files {
		sf := &servedFile{raw: f.Data, data: f.Data, ctype: contentType(f.Path), version: good}
		page := strings.HasSuffix(f.Path, ".html")
		o := old[f.Path]
		same := o != nil && bytes.Equal(o.raw, f.Data)
		if same {
			sf.version = o.version
		}
		if page {
			if same {
				sf.data, sf.csp = o.data, o.csp
			} else {
				sf.data, sf.csp = livePage(f.Data, good)
				changed = append(changed, f.Path)
			}
			if siteCSP == "" || f.Path == "index.html" {
				if p, start, _ := pagePolicy(f.Data); start >= 0 {
					siteCSP = livePolicy(p)
				}
			}
		} else if !same && !loadedOnDemand(f.Path) {
			all = true
		}
		files[f.Path] = sf
	}
	for p := range old {
		if _, ok := files[p]; !ok && strings.HasSuffix(p, ".html") {
			changed = append(changed, p)
		}
	}
	sort.Strings(changed) // map order
	if siteCSP == "" {
		siteCSP = defaultCSP
	}
	for _, f := range files {
		if f.csp == "" {
			f.csp = siteCSP
		}
	}
	href := ""
	for _, p := range []string{"diagnostics.html", "diagnostics/index.html"} {
		if files[p] != nil {
			href = "/" + p
			break
		}
	}
	s.mu.Lock()
	s.files, s.good, s.siteCSP, s.blocked, s.diagHref, s.built = files, good, siteCSP, nil, href, true
	s.status = status{Build: good, Seq: b.Seq, OK: true, Errors: b.Errors, Warnings: b.Warnings,
		TookMS: b.Took.Milliseconds(), Diagnostics: href}
	s.mu.Unlock()
	if changed == nil {
		changed = []string{}
	}
	data, _ := json.Marshal(struct {
		Build int      `json:"build"`
		Pages []string `json:"pages"` // the pages to reload
		All   bool     `json:"all"`   // every page reloads
	}{good, changed, all})
	s.hub.broadcast(message("reload", data))
}

// loadedOnDemand reports whether a site file that is not a page is read
// only when a page asks for it (the search index, the model's JSON): a
// change to it reloads no open page.
func loadedOnDemand(p string) bool {
	return p == "assets/search-index.js" || p == "model.json"
}

// pageVersion returns the version of the page at a request path: the
// number of the site in which its bytes last changed, or 0 when the site
// has no such page.
func (s *Server) pageVersion(p string) int {
	name := sitePath(p)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if f := s.files[name]; f != nil {
		return f.version
	}
	return 0
}

// sitePath is the site file a request path names: "" and folders are
// their index.html.
func sitePath(p string) string {
	name := strings.TrimPrefix(path.Clean("/"+p), "/")
	if name == "" {
		return "index.html"
	}
	if strings.HasSuffix(p, "/") {
		return name + "/index.html"
	}
	return name
}

// Shown returns the site paths of the pages open in browsers (those that
// listen to the event stream), sorted.
func (s *Server) Shown() []string { return s.hub.shown() }

// PublishEarly serves some pages of a build before the rest is built: the
// pages browsers show (see Shown), so that they reload as soon as their
// own page is ready. Until the Publish of the same build, requests for
// any other file wait for it. The reload event says partial: a second one
// follows with the rest.
func (s *Server) PublishEarly(seq int, files []File) {
	s.mu.Lock()
	if s.pending != nil { // an early build that never finished: start over
		close(s.pending)
	}
	if s.before == nil {
		s.before = s.files
	}
	version := s.good + 1
	next := make(map[string]*servedFile, len(s.files)+len(files))
	for p, f := range s.files {
		next[p] = f
	}
	s.early = map[string]bool{}
	var changed []string
	for _, f := range files {
		s.early[f.Path] = true
		o := s.files[f.Path]
		if o != nil && bytes.Equal(o.raw, f.Data) {
			continue
		}
		sf := &servedFile{raw: f.Data, data: f.Data, ctype: contentType(f.Path), version: version}
		if strings.HasSuffix(f.Path, ".html") {
			sf.data, sf.csp = livePage(f.Data, version)
			changed = append(changed, f.Path)
		} else {
			sf.csp = s.siteCSP
		}
		next[f.Path] = sf
	}
	sort.Strings(changed)
	s.files = next
	s.pending = make(chan struct{})
	s.mu.Unlock()
	if changed == nil {
		changed = []string{}
	}
	data, _ := json.Marshal(struct {
		Build   int      `json:"build"`
		Pages   []string `json:"pages"`
		All     bool     `json:"all"`
		Partial bool     `json:"partial"`
	}{version, changed, false, true})
	s.hub.broadcast(message("reload", data))
}

// settle ends an early publication: requests that wait go on.
func (s *Server) settle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending != nil {
		close(s.pending)
	}
	s.pending, s.early, s.before = nil, nil, nil
}

// wait waits, for a request of a file that is not an early page, until
// the build published early is complete (or the request ends).
func (s *Server) wait(r *http.Request, name string) {
	s.mu.RLock()
	pending, early := s.pending, s.early[name]
	s.mu.RUnlock()
	if pending == nil || early {
		return
	}
	select {
	case <-pending:
	case <-r.Context().Done():
	case <-s.hub.done:
	}
}

// Close ends every event stream (http.Server.Shutdown waits for
// connections to go idle, which a stream never does).
func (s *Server) Close() { s.hub.close() }

// Paths lists the paths of the site being served.
func (s *Server) Paths() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.files))
	for p := range s.files {
		out = append(out, p)
	}
	return out
}

// ServeHTTP serves the site and the preview's own endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	// Browsers hand nothing of the preview to a page of another origin:
	// not a script (the search index is one), not an image, not a style
	// sheet, whatever the page's own policy.
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if !s.opts.AllowRemote && !loopbackHost(r.Host) {
		h.Set("Content-Security-Policy", defaultCSP)
		http.Error(w, "tmc serve answers only requests to localhost, 127.0.0.1 or [::1]", http.StatusForbidden)
		return
	}
	if foreign(r) {
		h.Set("Content-Security-Policy", defaultCSP)
		http.Error(w, "tmc serve: cross-site request refused", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		h.Set("Content-Security-Policy", defaultCSP)
		http.Error(w, "method not allowed: the preview is read-only", http.StatusMethodNotAllowed)
		return
	}
	if !cleanPath(r) {
		h.Set("Content-Security-Policy", defaultCSP)
		http.Error(w, "bad path", http.StatusBadRequest)
		return
	}
	switch r.URL.Path {
	case eventsPath:
		h.Set("Content-Security-Policy", defaultCSP)
		s.events(w, r)
		return
	case livePath:
		s.write(w, r, &servedFile{data: liveJS, ctype: "text/javascript; charset=utf-8", csp: defaultCSP})
		return
	case statusPath:
		s.mu.RLock()
		data, _ := json.Marshal(s.status)
		s.mu.RUnlock()
		s.write(w, r, &servedFile{data: data, ctype: "application/json", csp: defaultCSP})
		return
	}
	p := r.URL.Path
	if strings.HasPrefix(strings.TrimPrefix(path.Clean(p), "/"), "__tmc/") {
		s.notFound(w, r)
		return
	}
	name := sitePath(p)
	s.wait(r, name)
	s.mu.RLock()
	f := s.files[name]
	_, dirIndex := s.files[name+"/index.html"]
	empty := len(s.files) == 0
	s.mu.RUnlock()
	switch {
	case f != nil:
		s.write(w, r, f)
	case dirIndex && !strings.HasSuffix(p, "/"):
		// A folder with an index: its relative links need the slash.
		target := path.Base(p) + "/"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		h.Set("Location", target)
		h.Set("Content-Security-Policy", defaultCSP)
		w.WriteHeader(http.StatusFound)
	case name == "favicon.ico":
		// Browsers ask for it whatever the page says: no icon, no 404 in
		// the console.
		h.Set("Content-Security-Policy", defaultCSP)
		w.WriteHeader(http.StatusNoContent)
	case empty:
		s.write(w, r, s.placeholder(name == "index.html"))
	default:
		s.notFound(w, r)
	}
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	good := s.good
	s.mu.RUnlock()
	f := s.page(good, http.StatusNotFound, "Not found", "There is no such page in the site.")
	s.write(w, r, f)
}

// placeholder is the page served for every path until the first good
// build: the site is being built (serve listens before it builds), or the
// model does not build. It reloads by itself once the site is there. It is
// a 200 for the overview, a 503 for other pages (not there yet).
func (s *Server) placeholder(index bool) *servedFile {
	s.mu.RLock()
	good, built := s.good, s.built
	s.mu.RUnlock()
	code := http.StatusOK
	if !index {
		code = http.StatusServiceUnavailable
	}
	if !built {
		return s.page(good, code, "tmc serve: building the site…",
			"The model is being built. This page reloads by itself once its site is ready.")
	}
	return s.page(good, code, "tmc serve: no site yet",
		"The model has not built yet. Its errors show over this page; it reloads by itself once they are fixed.")
}

// foreign reports whether the browser says (with Fetch Metadata) that
// the request comes from a page of another site, or is anything but the
// opening of a page when it comes from another origin of this site
// (another port of localhost): the preview answers only its own pages,
// and the address bar. Requests without Sec-Fetch-Site (curl, browsers
// before 2023) are not refused; Cross-Origin-Resource-Policy still
// keeps browsers from giving what they load to another origin.
func foreign(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return false
	case "same-site":
		return r.Header.Get("Sec-Fetch-Mode") != "navigate" || r.Header.Get("Sec-Fetch-Dest") != "document"
	}
	return true // cross-site, or a value unknown when this was written
}

// page is a page of the preview itself, with the live script so that it
// reloads with the site.
func (s *Server) page(good, code int, title, text string) *servedFile {
	body := fmt.Sprintf(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>%s</title></head><body><h1>%s</h1><p>%s</p><p><a href="/">Overview</a></p></body></html>`,
		html.EscapeString(title), html.EscapeString(title), html.EscapeString(text))
	data, _ := livePage([]byte(body), 0) // version 0: the site has no such page (see pageVersion)
	return &servedFile{data: data, ctype: "text/html; charset=utf-8", csp: defaultCSP, code: code}
}

// write sends a file: its headers always, its content for GET.
func (s *Server) write(w http.ResponseWriter, r *http.Request, f *servedFile) {
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Content-Security-Policy", f.csp)
	h.Set("Content-Length", fmt.Sprint(len(f.data)))
	code := f.code
	if code == 0 {
		code = http.StatusOK
	}
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write(f.data)
	}
}

// cleanPath reports whether a request path is one a site file could
// have: absolute, no . or .. segment (raw or percent-encoded), no
// encoded slash or backslash, no NUL.
func cleanPath(r *http.Request) bool {
	p := r.URL.Path
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") {
		return false
	}
	raw := strings.ToLower(r.URL.EscapedPath())
	if strings.Contains(raw, "%2f") || strings.Contains(raw, "%5c") || strings.Contains(raw, "%00") {
		return false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// loopbackHost reports whether a Host header names this machine.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// contentType is the Content-Type of a site file, by extension.
func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	switch ext {
	case ".html":
		return "text/html; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".json", ".sarif", ".map":
		return "application/json"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	case ".ico":
		return "image/x-icon"
	case ".woff2":
		return "font/woff2"
	case ".woff":
		return "font/woff"
	case ".ttf":
		return "font/ttf"
	case ".txt", ".md":
		return "text/plain; charset=utf-8"
	case ".xml":
		return "application/xml"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}
