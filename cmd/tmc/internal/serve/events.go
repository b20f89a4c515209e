package serve

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"sync"
	"time"
)

// A hub fans events out to the open event streams.
type hub struct {
	mu     sync.Mutex
	subs   map[chan []byte]string // the site path of the page that listens, or ""
	done   chan struct{}
	closed bool
}

func (h *hub) init() {
	h.subs = map[chan []byte]string{}
	h.done = make(chan struct{})
}

// subscribe returns a channel of events for the page at the site path
// page ("" for none), or false once the hub is closed.
func (h *hub) subscribe(page string) (chan []byte, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, false
	}
	c := make(chan []byte, 16)
	h.subs[c] = page
	return c, true
}

// shown returns the site paths of the pages that listen, sorted.
func (h *hub) shown() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, p := range h.subs {
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.Strings(out) // map order
	return out
}

func (h *hub) unsubscribe(c chan []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[c]; ok {
		delete(h.subs, c)
		close(c)
	}
}

// broadcast sends an event to every stream without waiting: a stream
// too slow to take 16 events is closed (its page reconnects, and the
// hello it then gets brings it up to date).
func (h *hub) broadcast(msg []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.subs {
		select {
		case c <- msg:
		default:
			delete(h.subs, c)
			close(c)
		}
	}
}

// count returns the number of open streams.
func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	close(h.done)
	for c := range h.subs {
		delete(h.subs, c)
		close(c)
	}
}

// message formats one server-sent event.
func message(event string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString("event: ")
	b.WriteString(event)
	b.WriteString("\n")
	for _, line := range bytes.Split(data, []byte("\n")) {
		b.WriteString("data: ")
		b.Write(line)
		b.WriteString("\n")
	}
	b.WriteString("\n")
	return b.Bytes()
}

// events streams server-sent events: hello (the number of the site being
// served, and the version of the page that listens, named by ?page=, so
// that a page that changed while it was not listening reloads), errors
// while the model does not build, and reload after every good build, with
// the pages whose bytes changed (only they reload).
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	page := ""
	if q := r.URL.Query().Get("page"); q != "" {
		page = sitePath(q)
	}
	c, ok := s.hub.subscribe(page)
	if !ok {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	defer s.hub.unsubscribe(c)
	s.mu.RLock()
	good, blocked := s.good, s.blocked
	s.mu.RUnlock()
	rc := http.NewResponseController(w)
	// A stream lives for as long as its page: the server's write timeout,
	// meant for files, would cut it. Lift it (an error means the writer
	// has no deadline to lift).
	_ = rc.SetWriteDeadline(time.Time{})
	var first bytes.Buffer
	first.WriteString("retry: 1000\n\n")
	hello, _ := json.Marshal(struct {
		Build   int  `json:"build"`
		Blocked bool `json:"blocked"`
		Page    int  `json:"page"` // the version of the page that listens (?page=PATH), 0 for none
	}{good, blocked != nil, s.pageVersion(r.URL.Query().Get("page"))})
	first.Write(message("hello", hello))
	if blocked != nil {
		first.Write(message("errors", blocked))
	}
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(first.Bytes()); err != nil {
		return
	}
	if rc.Flush() != nil {
		return
	}
	tick := time.NewTicker(s.opts.Keepalive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.hub.done:
			return
		case msg, ok := <-c:
			if !ok {
				return
			}
			if _, err := w.Write(msg); err != nil {
				return
			}
		case <-tick.C:
			if _, err := w.Write([]byte(": keepalive\n\n")); err != nil {
				return
			}
		}
		if rc.Flush() != nil {
			return
		}
	}
}
