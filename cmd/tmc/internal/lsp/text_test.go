package lsp

import (
	"testing"

	"github.com/tmc-dev/tmc/dsl/diag"
)

// TestPositions checks the conversion between the compiler's positions
// (code points) and LSP's (UTF-16 code units) on text with accents, CJK
// and characters outside the BMP, which take two UTF-16 units.
func TestPositions(t *testing.T) {
	src := "ab\n# é 日本 😀x\r\nlast"
	tx := newText([]byte(src))
	for _, tc := range []struct {
		p    diag.Pos
		want position
	}{
		{diag.Pos{Line: 1, Col: 1}, position{0, 0}},
		{diag.Pos{Line: 1, Col: 3}, position{0, 2}},
		{diag.Pos{Line: 2, Col: 3}, position{1, 2}},   // before é
		{diag.Pos{Line: 2, Col: 4}, position{1, 3}},   // after é: one unit
		{diag.Pos{Line: 2, Col: 8}, position{1, 7}},   // before 😀
		{diag.Pos{Line: 2, Col: 9}, position{1, 9}},   // after 😀: two units
		{diag.Pos{Line: 2, Col: 10}, position{1, 10}}, // after x
		{diag.Pos{Line: 3, Col: 5}, position{2, 4}},
		{diag.Pos{Line: 9, Col: 1}, position{2, 4}}, // past the end: the end
		{diag.Pos{}, position{0, 0}},
	} {
		if got := tx.toLSP(tc.p); got != tc.want {
			t.Errorf("toLSP(%+v) = %+v, want %+v", tc.p, got, tc.want)
		}
		if !tc.p.IsValid() || tc.p.Line > 3 {
			continue
		}
		back := tx.fromLSP(tc.want)
		if back.Line != tc.p.Line || back.Col != tc.p.Col {
			t.Errorf("fromLSP(%+v) = %+v, want line %d col %d", tc.want, back, tc.p.Line, tc.p.Col)
		}
		if got := tx.posAt(back.Offset); got != tc.want {
			t.Errorf("posAt(%d) = %+v, want %+v", back.Offset, got, tc.want)
		}
	}
	// A character inside a surrogate pair is the pair's start; past a
	// line's end is its end.
	if off := tx.offset(position{1, 8}); src[off:off+4] != "😀" {
		t.Errorf("offset inside a surrogate pair: %d", off)
	}
	if off := tx.offset(position{0, 99}); off != 2 {
		t.Errorf("offset past the line's end: %d, want 2", off)
	}
}

func TestApplyChange(t *testing.T) {
	src := []byte("flow a -> b \"é😀\" {\n  carries x\n}\n")
	got := applyChange(src, contentChange{Range: &lspRange{position{0, 14}, position{0, 16}}, Text: "ü"})
	if want := "flow a -> b \"éü\" {\n  carries x\n}\n"; string(got) != want {
		t.Errorf("replacing a surrogate pair: %q, want %q", got, want)
	}
	got = applyChange(src, contentChange{Range: &lspRange{position{1, 2}, position{2, 0}}, Text: ""})
	if want := "flow a -> b \"é😀\" {\n  }\n"; string(got) != want {
		t.Errorf("deleting across lines: %q, want %q", got, want)
	}
	got = applyChange(src, contentChange{Text: "whole"})
	if string(got) != "whole" {
		t.Errorf("full sync: %q", got)
	}
	// Reversed and out-of-range ranges are clamped, not a panic.
	got = applyChange([]byte("abc"), contentChange{Range: &lspRange{position{5, 0}, position{0, 1}}, Text: "X"})
	if string(got) != "aX" {
		t.Errorf("reversed range: %q", got)
	}
}
