package synth

import (
	"sort"
	"strings"
)

// Unmark removes the crosses statements of k crossing flows of a
// generated model, spread over its system files (every len/k-th flow with
// a crosses line, in file name order), so the model has k flows with
// unmarked crossings: what a reviewer must find on the diagrams. It
// returns the new files and the removed flows' first lines.
func Unmark(files map[string][]byte, k int) (map[string][]byte, []string) {
	type at struct {
		name string
		line int // the flow's first line
	}
	var names []string
	for name := range files {
		if strings.HasPrefix(name, "systems/") && strings.HasSuffix(name, ".tm") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	lines := map[string][]string{}
	var cands []at
	for _, name := range names {
		ls := strings.Split(string(files[name]), "\n")
		lines[name] = ls
		start := -1
		for i, l := range ls {
			if strings.HasPrefix(l, "flow ") && strings.HasSuffix(l, "{") {
				start = i
			}
			if start >= 0 && strings.HasPrefix(l, "  crosses ") && (len(cands) == 0 || cands[len(cands)-1] != at{name, start}) {
				cands = append(cands, at{name, start})
			}
		}
	}
	out := make(map[string][]byte, len(files))
	for name, b := range files {
		out[name] = b
	}
	if k <= 0 || len(cands) == 0 {
		return out, nil
	}
	k = min(k, len(cands))
	step := len(cands) / k
	drop := map[at]bool{}
	var heads []string
	for i := 0; i < k; i++ {
		c := cands[i*step+step/2]
		drop[c] = true
		heads = append(heads, strings.TrimSuffix(lines[c.name][c.line], " {"))
	}
	for _, name := range names {
		ls := lines[name]
		var keep []string
		flow := -1
		for i, l := range ls {
			if strings.HasPrefix(l, "flow ") {
				flow = i
			}
			if strings.HasPrefix(l, "  crosses ") && drop[at{name, flow}] {
				continue
			}
			keep = append(keep, l)
		}
		out[name] = []byte(strings.Join(keep, "\n"))
	}
	return out, heads
}
