package serve

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/dsl"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// The overlay shows each error's source line from a line index built once
// per file. The attack pass: a 1.7 MB file with 4 errors near its end
// blocked serve's first build for minutes, each lookup copying the rest
// of the file per line. What the lookup allocates is the measure.
func TestProblemsLinear(t *testing.T) {
	var src bytes.Buffer
	const lines = 20000
	for i := 0; i < lines; i++ {
		fmt.Fprintf(&src, "# line %d of a long model file, padded to look like a real one\n", i+1)
	}
	res := &compiler.Result{Source: &compiler.Source{Files: []*dsl.File{{Name: "big.tm", Src: src.Bytes()}}}}
	for n := lines - 3; n <= lines; n++ {
		res.Diags.Errorf("TM101", diag.Range{File: "big.tm", Start: diag.Pos{Line: n, Col: 3}}, "syntax error")
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ps := problems(res)
	runtime.ReadMemStats(&after)
	if alloc, limit := after.TotalAlloc-before.TotalAlloc, uint64(4*src.Len()); alloc > limit {
		t.Errorf("the overlay of 4 errors in a %d KB file allocated %d KB, over %d KB", src.Len()>>10, alloc>>10, limit>>10)
	}
	if len(ps) != 4 || !strings.HasPrefix(ps[3].Source, fmt.Sprintf("# line %d of", lines)) {
		t.Errorf("problems %+v", ps)
	}
}
