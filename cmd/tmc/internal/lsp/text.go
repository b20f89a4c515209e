package lsp

import (
	"bytes"
	"unicode/utf8"

	"github.com/tmc-dev/tmc/dsl/diag"
)

// Positions: the compiler counts lines and columns from 1, columns in
// Unicode code points; LSP counts from 0, characters in UTF-16 code
// units. A text converts between the two for one version of a file.
// Lines end at "\n" (a "\r" before it belongs to no column that matters),
// as the lexer counts them.

// A text is one version of a file with the start of each line.
type text struct {
	src    []byte
	starts []int
}

func newText(src []byte) *text {
	starts := make([]int, 1, 1+bytes.Count(src, []byte{'\n'}))
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &text{src: src, starts: starts}
}

// line returns the bytes of 0-based line n without its "\n", or nil.
func (t *text) line(n int) []byte {
	if n < 0 || n >= len(t.starts) {
		return nil
	}
	end := len(t.src)
	if n+1 < len(t.starts) {
		end = t.starts[n+1] - 1
	}
	return t.src[t.starts[n]:end]
}

// toLSP converts a compiler position to an LSP one. An invalid position
// is the start of the file; one past a line's end is its end.
func (t *text) toLSP(p diag.Pos) position {
	if !p.IsValid() {
		return position{}
	}
	n := p.Line - 1
	if n >= len(t.starts) {
		n = len(t.starts) - 1
		return position{Line: n, Character: utf16Len(t.line(n))}
	}
	line := t.line(n)
	units := 0
	for col := 1; col < p.Col && len(line) > 0; col++ {
		r, size := utf8.DecodeRune(line)
		line = line[size:]
		units += utf16Width(r)
	}
	return position{Line: n, Character: units}
}

func (t *text) rangeToLSP(r diag.Range) lspRange {
	start := t.toLSP(r.Start)
	end := start
	if r.End.IsValid() {
		end = t.toLSP(r.End)
	}
	return lspRange{start, end}
}

// offset converts an LSP position to a byte offset, clamped to the text:
// a line past the end is the end, a character past a line's end is the
// line's end, and one inside a surrogate pair is the pair's start.
func (t *text) offset(p position) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(t.starts) {
		return len(t.src)
	}
	line := t.line(p.Line)
	off, units := 0, 0
	for off < len(line) {
		r, size := utf8.DecodeRune(line[off:])
		w := utf16Width(r)
		if units+w > p.Character {
			break
		}
		units += w
		off += size
	}
	return t.starts[p.Line] + off
}

// fromLSP converts an LSP position to a compiler position (line, column
// in code points, byte offset).
func (t *text) fromLSP(p position) diag.Pos {
	off := t.offset(p)
	n := lineOf(t.starts, off)
	col := 1 + utf8.RuneCount(t.src[t.starts[n]:off])
	return diag.Pos{Line: n + 1, Col: col, Offset: off}
}

// posAt converts a byte offset to an LSP position.
func (t *text) posAt(off int) position {
	off = max(0, min(off, len(t.src)))
	n := lineOf(t.starts, off)
	return position{Line: n, Character: utf16Len(t.src[t.starts[n]:off])}
}

func lineOf(starts []int, off int) int {
	lo, hi := 0, len(starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if starts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

func utf16Width(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}

func utf16Len(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		n += utf16Width(r)
	}
	return n
}

// applyChange applies one didChange content change to src: a range
// replaced by text, or the whole text when the range is absent.
func applyChange(src []byte, c contentChange) []byte {
	if c.Range == nil {
		return []byte(c.Text)
	}
	t := newText(src)
	start, end := t.offset(c.Range.Start), t.offset(c.Range.End)
	if end < start {
		start, end = end, start
	}
	out := make([]byte, 0, len(src)-(end-start)+len(c.Text))
	out = append(out, src[:start]...)
	out = append(out, c.Text...)
	return append(out, src[end:]...)
}

// contains reports whether a compiler range holds the position (start
// inclusive, end inclusive so that a cursor just after a name is on it).
func contains(r diag.Range, p diag.Pos) bool {
	if !r.Start.IsValid() {
		return false
	}
	if p.Line < r.Start.Line || p.Line == r.Start.Line && p.Col < r.Start.Col {
		return false
	}
	end := r.End
	if !end.IsValid() {
		end = r.Start
	}
	return p.Line < end.Line || p.Line == end.Line && p.Col <= end.Col
}
