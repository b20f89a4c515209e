package dsl

import "github.com/tmc-dev/tmc/dsl/diag"

// ParseBothWays parses src with the fast path on (as Parse does) and with
// participle alone, and says how many declarations the fast path took.
func ParseBothWays(filename string, src []byte) (fast, slow *File, fastDiags, slowDiags diag.Diagnostics, fastN int) {
	f := &fileParser{file: &File{Name: filename, Src: src}}
	f.parse(src)
	s := &fileParser{file: &File{Name: filename, Src: src}, slow: true}
	s.parse(src)
	return f.file, s.file, f.diags, s.diags, f.fastN
}
