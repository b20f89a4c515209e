package report

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"

	"github.com/tmc-dev/tmc/dsl/diag"
)

// Fingerprints read each diagnostic's source line from a line index built
// once per file. The attack pass: a 1.7 MB file with 4 diagnostics near
// its end took 22 s of CPU, each lookup copying the rest of the file per
// line. What the lookup allocates is the measure (tests assert no times).
func TestFingerprintsLinear(t *testing.T) {
	var src bytes.Buffer
	const lines = 20000
	for i := 0; i < lines; i++ {
		fmt.Fprintf(&src, "# line %d of a long model file, padded to look like a real one\n", i+1)
	}
	var ds diag.Diagnostics
	for n := lines - 3; n <= lines; n++ {
		ds.Errorf("TM101", diag.Range{File: "big.tm", Start: diag.Pos{Line: n, Col: 1}}, "syntax error")
	}
	in := Input{Diags: ds, Source: func(string) []byte { return src.Bytes() }}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fps := in.Fingerprints()
	runtime.ReadMemStats(&after)
	if alloc, limit := after.TotalAlloc-before.TotalAlloc, uint64(4*src.Len()); alloc > limit {
		t.Errorf("fingerprinting 4 diagnostics of a %d KB file allocated %d KB, over %d KB", src.Len()>>10, alloc>>10, limit>>10)
	}
	// The fingerprint hashes the line's text: two lines differ.
	if len(fps) != 4 || fps[0] == fps[1] {
		t.Errorf("fingerprints %v", fps)
	}
}
