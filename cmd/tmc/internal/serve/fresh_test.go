package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/render/site"
)

// freshEnv makes this test binary, started again, build the site of the
// model in a brand-new process (no parse, layout, placement or page cache
// of a serve that ran before) and write it as JSON to stdout: what
// `tmc build` gives.
const freshEnv = "TMC_SERVE_TEST_FRESH_BUILD"

func freshBuildMain(dir string) int {
	res, err := compiler.Compile(dir, compiler.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	files, err := readerSite(context.Background(), res)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	m := map[string][]byte{}
	for _, f := range files {
		m[f.Path] = f.Data
	}
	if err := json.NewEncoder(os.Stdout).Encode(m); err != nil {
		return 2
	}
	return 0
}

// readerSite is site.Build as tmc serve and tmc build call it: decision
// records read under the model root.
func readerSite(ctx context.Context, res *compiler.Result) ([]File, error) {
	return readerSiteOnly(ctx, res, nil)
}

func readerSiteOnly(ctx context.Context, res *compiler.Result, only func(string) bool) ([]File, error) {
	files := compiler.Confine(res.Source.Root)
	out, err := site.Build(ctx, site.Input{Model: res.Model, Diags: res.Diags,
		ReadFile: func(p string) ([]byte, error) { return files.ReadFile(p, 1<<20) }}, site.Options{Only: only})
	if err != nil {
		return nil, err
	}
	fs := make([]File, len(out))
	for i, f := range out {
		fs[i] = File(f)
	}
	return fs, nil
}

// freshBuild builds the site of dir in a new process.
func freshBuild(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), freshEnv+"="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("fresh build: %v\n%s", err, stderr.String())
	}
	m := map[string][]byte{}
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// served returns the site the server serves, as the site builder made it.
func (s *Server) served() map[string][]byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m := make(map[string][]byte, len(s.files))
	for p, f := range s.files {
		m[p] = f.raw
	}
	return m
}

func diffSites(got, want map[string][]byte) string {
	var out []string
	for p, w := range want {
		if g, ok := got[p]; !ok {
			out = append(out, "missing "+p)
		} else if !bytes.Equal(g, w) {
			out = append(out, "differs "+p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			out = append(out, "extra "+p)
		}
	}
	sort.Strings(out) // map order
	if len(out) > 10 {
		out = append(out[:10], fmt.Sprintf("and %d more", len(out)-10))
	}
	return strings.Join(out, "\n")
}

// TestServedMatchesFreshBuild is the correctness property of the
// incremental preview: after any sequence of edits (renames, elements,
// flows and boundaries added and removed, descriptions, a file added and
// removed, syntax and resolution errors and their fixes), the site the
// server serves is byte-equal to a fresh build of the same files in a new
// process; while the model does not build, it is the last good site. A
// page is open in a "browser", so the server publishes it early first.
// TMC_FRESH_EDITS sets the number of edits (default 24, 8 with -short);
// TMC_FRESH_SEED the seed.
func TestServedMatchesFreshBuild(t *testing.T) {
	n := 24
	if testing.Short() {
		n = 8
	}
	if v, err := strconv.Atoi(os.Getenv("TMC_FRESH_EDITS")); err == nil && v > 0 {
		n = v
	}
	seed := uint64(time.Now().UnixNano())
	if v, err := strconv.ParseUint(os.Getenv("TMC_FRESH_SEED"), 10, 64); err == nil {
		seed = v
	}
	t.Logf("seed %d (TMC_FRESH_SEED reruns it)", seed)
	r := rand.New(rand.NewPCG(seed, 17))

	dir := t.TempDir()
	copyTree(t, checkoutDir, dir)
	// A page open on the orders service: its page is published early.
	h := startPreviewEarly(t, dir, readerSite, readerSiteOnly, WatchOptions{})
	ev := h.connectPage("/element/shop.orders.html")
	if d := diffSites(h.srv.served(), freshBuild(t, dir)); d != "" {
		t.Fatalf("first build differs from a fresh one:\n%s", d)
	}
	orig := h.read(ordersTM)
	text := orig
	extra := "services/extra/extra.tm"
	hasExtra := false
	edits := []struct {
		name string
		do   func() string // returns the new text of orders.tm
	}{
		{"rename", func() string {
			return strings.Replace(text, `"Order service`, `"Order service`+strings.Repeat("x", 1+r.IntN(9)), 1)
		}},
		{"container and flow", func() string {
			k := r.IntN(1000)
			return text + fmt.Sprintf("\nextend shop {\n  container p%d \"P %d\" in cluster { tech \"Go\" }\n}\nflow shop.orders -> shop.p%d \"Call %d\" { protocol grpc }\n", k, k, k, k)
		}},
		{"boundary", func() string {
			k := r.IntN(1000)
			return text + fmt.Sprintf("\nboundary z%d \"Zone %d\" { trust medium }\nextend shop {\n  container zs%d \"Zone service\" in z%d { tech \"Go\" }\n}\nflow shop.orders -> shop.zs%d \"Zone call\" {\n  protocol grpc\n  crosses cluster, z%d \"mTLS\"\n}\n", k, k, k, k, k, k)
		}},
		{"description", func() string {
			return strings.Replace(text, `owner "orders-team"`, fmt.Sprintf(`owner "orders-team"  description "Edit %d"`, r.IntN(1000)), 1)
		}},
		{"syntax error", func() string {
			i := r.IntN(len(text))
			return text[:i] + " flow -> { \"" + text[i:]
		}},
		{"undefined reference", func() string { return text + "\nflow shop.orders -> nowhere \"Lost\"\n" }},
		{"unmarked crossing", func() string { return text + "\nflow shop.orders -> customer \"Back\"\n" }},
		{"fix", func() string { return orig }},
		{"file", func() string {
			if hasExtra {
				if err := os.RemoveAll(h.path("services/extra")); err != nil {
					t.Fatal(err)
				}
			} else {
				if err := os.MkdirAll(h.path("services/extra"), 0o755); err != nil {
					t.Fatal(err)
				}
				h.write(extra, "extend shop {\n  container extra \"Extra\" in cluster { tech \"Go\" }\n}\nflow shop.extra -> shop.orders \"Extra call\" { protocol grpc }\n")
			}
			hasExtra = !hasExtra
			return ""
		}},
	}
	last := h.srv.served()
	partial, reloads := 0, 0 // early reloads seen, edits that ended in a reload
	for i := range n {
		e := edits[r.IntN(len(edits))]
		if next := e.do(); next != "" {
			if next == text {
				next += "\n" // a save that changes nothing may make no event
			}
			text = next
			h.write(ordersTM, text)
		}
		// An editor's save can make more than one rebuild (a file made,
		// then written): take the events until a quiet moment, and judge
		// by the last.
		var got sseEvent
		select {
		case got = <-ev:
		case <-time.After(30 * time.Second):
			t.Fatalf("edit %d (%s): no event within 30s\n%s", i, e.name, h.out.String())
		}
		got = drain(ev, got, time.Second, &partial)
		switch got.name {
		case "reload":
			reloads++
			want := freshBuild(t, dir)
			// A rebuild still under way (a slow machine) ends with
			// another event: the site must come to the fresh one.
			for round := 0; ; round++ {
				last = h.srv.served()
				d := diffSites(last, want)
				if d == "" {
					break
				}
				if round == 3 {
					t.Fatalf("edit %d (%s): the served site differs from a fresh build:\n%s\nterminal:\n%s", i, e.name, d, h.out.String())
				}
				select {
				case got = <-ev:
					got = drain(ev, got, time.Second, &partial)
				case <-time.After(10 * time.Second):
				}
			}
		case "errors":
			if d := diffSites(h.srv.served(), last); d != "" {
				t.Fatalf("edit %d (%s): a model with errors changed the served site:\n%s", i, e.name, d)
			}
		default:
			t.Fatalf("edit %d (%s): event %q", i, e.name, got.name)
		}
		t.Logf("edit %d: %s: %s", i, e.name, got.name)
	}
	if reloads > 0 && partial == 0 {
		t.Errorf("%d rebuilds, no early reload of the open page", reloads)
	}
}

// drain returns the last of the events that follow first until none
// comes for quiet.
func drain(ev <-chan sseEvent, first sseEvent, quiet time.Duration, partial *int) sseEvent {
	last := first
	if strings.Contains(first.data, `"partial":true`) {
		*partial++
	}
	for {
		select {
		case e, ok := <-ev:
			if !ok {
				return last
			}
			if strings.Contains(e.data, `"partial":true`) {
				*partial++
			}
			last = e
		case <-time.After(quiet):
			return last
		}
	}
}
