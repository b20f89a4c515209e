package diag

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	for _, tc := range []struct {
		src   string
		lines []string
	}{
		{"", []string{""}},
		{"a", []string{"a"}},
		{"a\n", []string{"a", ""}},
		{"a\r\nb\r\n\nc", []string{"a", "b", "", "c"}},
		{"\n\n", []string{"", "", ""}},
	} {
		l := NewLines([]byte(tc.src))
		if l.Count() != len(tc.lines) {
			t.Errorf("%q: %d lines, want %d", tc.src, l.Count(), len(tc.lines))
		}
		for i, want := range tc.lines {
			if got, ok := l.Line(i + 1); !ok || string(got) != want {
				t.Errorf("%q line %d: %q %v, want %q", tc.src, i+1, got, ok, want)
			}
		}
		for _, n := range []int{0, -1, len(tc.lines) + 1} {
			if _, ok := l.Line(n); ok {
				t.Errorf("%q line %d: found", tc.src, n)
			}
		}
	}
}

// BigFile is a file of many lines with diagnostics on its last lines: the
// case the attack pass found (a 1.7 MB file with 4 diagnostics near its
// end took 22 s of CPU when each diagnostic scanned, and copied, the file
// from its start).
func BigFile(lines, diags int) ([]byte, Diagnostics) {
	var b bytes.Buffer
	for i := 0; i < lines; i++ {
		fmt.Fprintf(&b, "# line %d of a long model file, padded to look like a real one\n", i+1)
	}
	var ds Diagnostics
	for i := 0; i < diags; i++ {
		n := lines - diags + i + 1
		ds.Errorf("TM101", Range{File: "big.tm", Start: Pos{Line: n, Col: 3}, End: Pos{Line: n, Col: 7}}, "syntax error %d", i)
	}
	return b.Bytes(), ds
}

// AllocatedBy returns the bytes f allocates.
func AllocatedBy(f func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// The printer indexes a file once, whatever the number of diagnostics:
// what it allocates grows with the file and the output, not with their
// product. (Allocation is the measure: tests assert no times.)
func TestPrinterLinear(t *testing.T) {
	src, ds := BigFile(20000, 200)
	p := &Printer{Source: func(string) []byte { return src }}
	var out strings.Builder
	alloc := AllocatedBy(func() { p.Text(&out, ds) })
	if limit := uint64(8 * len(src)); alloc > limit {
		t.Errorf("printing %d diagnostics of a %d KB file allocated %d KB, over %d KB", len(ds), len(src)>>10, alloc>>10, limit>>10)
	}
	if !strings.Contains(out.String(), "20000 | # line 20000 of") {
		t.Errorf("the last line is not shown:\n%.400s", out.String())
	}
}
