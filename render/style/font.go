package style

import (
	"encoding/base64"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The embedded font is Go Regular/Bold (BSD licence, golang.org/x/image):
// text is measured with its real advance widths, and diagrams embed it
// (FontFace) so browsers draw exactly what was measured.

type metrics struct {
	f      *sfnt.Font
	upem   float64
	ascii  [128]float64 // advance of each ASCII rune, in em
	mu     sync.Mutex
	other  map[rune]float64
	buffer sfnt.Buffer
}

var (
	regular, bold *metrics
	loadOnce      sync.Once
)

func load(ttf []byte) *metrics {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		panic("style: embedded font does not parse: " + err.Error())
	}
	m := &metrics{f: f, upem: float64(f.UnitsPerEm()), other: map[rune]float64{}}
	for r := rune(0); r < 128; r++ {
		m.ascii[r] = m.advance(r)
	}
	return m
}

// advance returns the advance width of r in em; runes the font lacks count
// as a wide glyph (CJK and emoji are drawn by a fallback font that is wider
// than Go's, so over-estimating keeps them inside their shapes).
func (m *metrics) advance(r rune) float64 {
	idx, err := m.f.GlyphIndex(&m.buffer, r)
	if err != nil || idx == 0 {
		if r < 0x20 {
			return 0
		}
		return 1.0
	}
	adv, err := m.f.GlyphAdvance(&m.buffer, idx, fixed.I(int(m.upem)), font.HintingNone)
	if err != nil {
		return 1.0
	}
	return float64(adv) / 64 / m.upem
}

func fonts() {
	loadOnce.Do(func() {
		regular, bold = load(goregular.TTF), load(gobold.TTF)
	})
}

// Measure returns the width in px of s set in the embedded font at size px.
func Measure(s string, size float64, isBold bool) float64 {
	fonts()
	m := regular
	if isBold {
		m = bold
	}
	w := 0.0
	for _, r := range s {
		if r < utf8.RuneSelf {
			w += m.ascii[r]
			continue
		}
		m.mu.Lock()
		a, ok := m.other[r]
		if !ok {
			a = m.advance(r)
			m.other[r] = a
		}
		m.mu.Unlock()
		w += a
	}
	return w * size
}

// Wrap breaks s into lines no wider than max px (at size), at spaces when
// it can and inside a word when a word alone is too wide. It never returns
// more than maxLines lines; the last is cut with an ellipsis.
func Wrap(s string, size, max float64, isBold bool, maxLines int) []string {
	words := strings.Fields(s)
	var lines []string
	cur := ""
	flush := func() {
		if cur != "" {
			lines = append(lines, cur)
			cur = ""
		}
	}
	for _, w := range words {
		try := w
		if cur != "" {
			try = cur + " " + w
		}
		if Measure(try, size, isBold) <= max {
			cur = try
			continue
		}
		flush()
		for Measure(w, size, isBold) > max { // break a long word
			n := fit(w, size, max, isBold)
			lines = append(lines, w[:n])
			w = w[n:]
		}
		cur = w
	}
	flush()
	if maxLines > 0 && len(lines) > maxLines {
		lines = lines[:maxLines]
		last := lines[maxLines-1]
		for last != "" && Measure(last+"…", size, isBold) > max {
			_, n := utf8.DecodeLastRuneInString(last)
			last = last[:len(last)-n]
		}
		lines[maxLines-1] = last + "…"
	}
	return lines
}

// fit returns how many bytes of w fit in max px (at least one rune).
func fit(w string, size, max float64, isBold bool) int {
	width, n := 0.0, 0
	for i, r := range w {
		width += Measure(string(r), size, isBold)
		if width > max && i > 0 {
			return i
		}
		n = i + utf8.RuneLen(r)
	}
	return n
}

// FontFace returns an @font-face rule that embeds the regular and bold
// fonts, for SVG files that must render standalone with the exact metrics.
func FontFace() string {
	fontFaceOnce.Do(func() { fontFaceCSS = fontFaceRules(goregular.TTF, gobold.TTF) })
	return fontFaceCSS
}

var (
	fontFaceOnce sync.Once
	fontFaceCSS  string
)

// FontFaceFor is FontFace for one standalone SVG document: the fonts are
// cut down to the glyphs doc can draw (printable ASCII, and every other
// character doc holds), about 85 KB instead of 400 KB.
// Should a font fail to subset, it is embedded whole.
func FontFaceFor(doc string) string {
	seen := map[rune]bool{}
	for _, r := range doc {
		if r >= 0x80 && r != utf8.RuneError {
			seen[r] = true
		}
	}
	runes := make([]rune, 0, 95+len(seen))
	for r := rune(0x20); r < 0x7f; r++ {
		runes = append(runes, r)
	}
	extra := make([]rune, 0, len(seen))
	for r := range seen {
		extra = append(extra, r)
	}
	slices.Sort(extra) // map order
	runes = append(runes, extra...)
	key := string(extra)

	subsetMu.Lock()
	css, ok := subsetCSS[key]
	subsetMu.Unlock()
	if ok {
		return css
	}
	fonts()
	reg, err1 := subsetFor(regular, goregular.TTF, runes)
	bld, err2 := subsetFor(bold, gobold.TTF, runes)
	if err1 != nil || err2 != nil {
		return FontFace()
	}
	css = fontFaceRules(reg, bld)
	subsetMu.Lock()
	if len(subsetCSS) < 64 { // a few documents' worth; render runs are short
		subsetCSS[key] = css
	}
	subsetMu.Unlock()
	return css
}

var (
	subsetMu  sync.Mutex
	subsetCSS = map[string]string{}
)

func subsetFor(m *metrics, ttf []byte, runes []rune) ([]byte, error) {
	var buf sfnt.Buffer
	glyphs := make([]uint16, 0, len(runes))
	for _, r := range runes {
		if idx, err := m.f.GlyphIndex(&buf, r); err == nil && idx != 0 {
			glyphs = append(glyphs, uint16(idx))
		}
	}
	return subsetTTF(ttf, glyphs)
}

// fontFaceRules is the @font-face rules of the two weights.
func fontFaceRules(regularTTF, boldTTF []byte) string {
	return `@font-face{font-family:"Go";font-weight:normal;src:url(data:font/ttf;base64,` +
		base64.StdEncoding.EncodeToString(regularTTF) + `)}` +
		`@font-face{font-family:"Go";font-weight:bold;src:url(data:font/ttf;base64,` +
		base64.StdEncoding.EncodeToString(boldTTF) + `)}`
}
