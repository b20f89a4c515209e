package serve

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// editor makes numbered edits of the example that change its diagrams
// for real. Layouts are cached by the graph's structure and node sizes
// (not its text), so each edit gives the order service a name of another
// length and adds 0 to 24 containers with a flow from it: 1,000 edits
// make 1,000 different graphs, and every rebuild lays out the views that
// show the order service again. A description carries the edit number, to
// check that the edit is served.
type editor struct {
	h    *harness
	orig string
	n    int
}

func newEditor(h *harness) *editor { return &editor{h: h, orig: h.read(ordersTM)} }

// edit saves edit n+1 and returns its marker.
func (e *editor) edit() string {
	e.n++
	i := e.n
	marker := fmt.Sprintf("soak edit %d", i)
	name := "Order service " + strings.Repeat("x", i%40)
	text := strings.Replace(e.orig, `"Order service"`, strconv.Quote(name), 1)
	text = strings.Replace(text, `owner "orders-team"`, `owner "orders-team"  description "`+marker+`"`, 1)
	var b strings.Builder
	b.WriteString(text)
	for k := 0; k < (i/40)%25; k++ {
		fmt.Fprintf(&b, "\nextend shop {\n  container soak%d \"Soak %d\" in cluster { tech \"Go\" }\n}\n", k, k)
		fmt.Fprintf(&b, "flow shop.orders -> shop.soak%d \"Call %d\" { protocol grpc }\n", k, k)
	}
	e.h.save(ordersTM, b.String())
	return marker
}

// reloadAfter waits for the reload event of one edit and returns the
// latency from the save to the event.
func reloadAfter(tb testing.TB, ev <-chan sseEvent, saved time.Time) time.Duration {
	tb.Helper()
	for {
		select {
		case e, ok := <-ev:
			if !ok {
				tb.Fatal("event stream closed")
			}
			if e.name == "reload" {
				return e.at.Sub(saved)
			}
			tb.Fatalf("event %q: %s", e.name, e.data)
		case <-time.After(60 * time.Second):
			tb.Fatal("no reload within 60s")
		}
	}
}

func percentile(ds []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(float64(len(s)-1)*p + 0.5)
	return s[i]
}

// BenchmarkSaveToReload measures, over 50 edits of examples/checkout that
// change its diagrams, the time from a save to the reload event on the
// page's event stream: debounce, compile, site build (with layouts of the
// changed views) and the push. Targets: median under 150 ms, p95 under
// 300 ms. "fake-site" builds only the element pages and the diagrams, to
// show the cost of everything but the site's pages.
//
//	go test -run '^$' -bench SaveToReload -benchtime 1x ./cmd/tmc/internal/serve
func BenchmarkSaveToReload(b *testing.B) {
	for _, bc := range []struct {
		name string
		site SiteFunc
	}{{"site", realSite}, {"fake-site", fakeSite(true)}} {
		b.Run(bc.name, func(b *testing.B) {
			h := startPreview(b, bc.site, WatchOptions{})
			ev := h.connect()
			ed := newEditor(h)
			var lat []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for j := 0; j < 50; j++ {
					saved := time.Now()
					ed.edit()
					lat = append(lat, reloadAfter(b, ev, saved))
					time.Sleep(50 * time.Millisecond) // someone typing, not a loop
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(percentile(lat, 0.5).Microseconds())/1000, "median-ms")
			b.ReportMetric(float64(percentile(lat, 0.95).Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(percentile(lat, 1).Microseconds())/1000, "max-ms")
			b.Logf("%s: %d edits: median %v, p95 %v, max %v", bc.name, len(lat),
				percentile(lat, 0.5).Round(time.Millisecond), percentile(lat, 0.95).Round(time.Millisecond), percentile(lat, 1).Round(time.Millisecond))
		})
	}
}

// procStatus returns a field of /proc/self/status in KB (0 where there is
// none).
func procStatus(field string) int { return statusField("/proc/self/status", field) }

func statusField(file, field string) int {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return n
		}
	}
	return 0
}

// workerWatch samples the processes this one starts (render/layout's
// layout workers) every few milliseconds and keeps the largest peak RSS
// (VmHWM) seen, in KB, and how many there were. getrusage's children
// figure cannot be used: Go starts children with vfork semantics (the
// child shares this process's memory until exec), and the kernel folds
// that memory's peak into the child's.
type workerWatch struct {
	stop       chan struct{}
	done       chan struct{}
	peak, seen atomic.Int64
}

func watchWorkers() *workerWatch {
	w := &workerWatch{stop: make(chan struct{}), done: make(chan struct{})}
	self := strconv.Itoa(os.Getpid())
	go func() {
		defer close(w.done)
		known := map[string]bool{}
		tick := time.NewTicker(3 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-tick.C:
			}
			entries, _ := os.ReadDir("/proc")
			for _, e := range entries {
				pid := e.Name()
				if pid[0] < '0' || pid[0] > '9' {
					continue
				}
				st, err := os.ReadFile("/proc/" + pid + "/stat")
				if err != nil {
					continue
				}
				// pid (comm) state ppid ...: comm may hold spaces.
				f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+1:]))
				if len(f) < 2 || f[1] != self {
					continue
				}
				// Between fork and exec a child shares this process's
				// memory (and its VmHWM): only a started worker counts.
				env, err := os.ReadFile("/proc/" + pid + "/environ")
				if err != nil || !bytes.Contains(env, []byte("TMC_LAYOUT_WORKER=1")) {
					continue
				}
				if !known[pid] {
					known[pid] = true
					w.seen.Add(1)
				}
				if kb := statusField("/proc/"+pid+"/status", "VmHWM"); int64(kb) > w.peak.Load() {
					w.peak.Store(int64(kb))
				}
			}
		}
	}()
	return w
}

func (w *workerWatch) close() { close(w.stop); <-w.done }

// TestSoak makes 1,000 edits (TMC_SOAK_N) to examples/checkout, the mix
// people make while modelling (BenchmarkEditToReload's: renames, added and
// removed containers with flows, a new boundary and its removal), through
// the watcher, the loop, the real site builder and the server, with a
// page open, as tmc serve runs them. It checks memory stays bounded: the
// peak RSS of this process, plus the largest layout worker times the
// workers that may run at once, under 300 MB; and that it returns to its
// plateau: the memory in use after the last hundred edits is within 15 %
// of that after the third hundred, so it does not grow with the number
// of edits. Run with TMC_SOAK=1; it takes minutes.
func TestSoak(t *testing.T) {
	if os.Getenv("TMC_SOAK") == "" {
		t.Skip("TMC_SOAK=1 runs the 1,000-edit soak test")
	}
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("TMC_SOAK_N")); err == nil && v > 0 {
		n = v
	}
	m := benchModels[0]
	dir := t.TempDir()
	m.setup(t, dir)
	h := startPreviewEarly(t, dir, realSite, realSiteOnly, WatchOptions{})
	page := "element/" + m.from + ".html"
	ev := h.connectPage("/" + page)
	ed := newMixEditor(h, m, false)
	workers := watchWorkers()
	defer workers.close()
	start := time.Now()
	var lat []time.Duration
	settled := map[int]int{} // edits -> RSS in MB after a collection
	for i := 1; i <= n; i++ {
		saved := time.Now()
		ed.edit()
		lat = append(lat, pageReloadAfter(t, ev, page, saved))
		if i%100 == 0 || i == n {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			debug.FreeOSMemory()
			settled[i] = procStatus("VmRSS") >> 10
			t.Logf("%4d edits, %v: RSS %d MB after a collection, peak %d MB, heap %d MB; %d layout workers, largest %d MB; median %v, p95 %v",
				i, time.Since(start).Round(time.Second), settled[i], procStatus("VmHWM")>>10, ms.HeapInuse>>20,
				workers.seen.Load(), workers.peak.Load()>>10, percentile(lat, 0.5).Round(time.Millisecond), percentile(lat, 0.95).Round(time.Millisecond))
			lat = lat[:0]
			if want := fmt.Sprintf("bench edit %d", ed.n); !h.servedWith(want) {
				t.Fatalf("edit %d not served", i)
			}
		}
	}
	peak, worker := procStatus("VmHWM")>>10, int(workers.peak.Load()>>10)
	total := peak + runtime.NumCPU()*worker
	t.Logf("peak RSS %d MB + %d worker(s) at most %d MB each = %d MB", peak, runtime.NumCPU(), worker, total)
	if total > 300 {
		t.Errorf("memory: %d MB, over 300 MB", total)
	}
	if n >= 400 {
		if base, last := settled[300], settled[n]; float64(last) > 1.15*float64(base) {
			t.Errorf("memory grows with the edits: %d MB after 300, %d MB after %d", base, last, n)
		}
	}
}
