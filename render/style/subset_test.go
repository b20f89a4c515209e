package style

import (
	"encoding/base64"
	"encoding/binary"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// outline is a glyph's outline and advance, as a font parser reads them.
func outline(t *testing.T, f *sfnt.Font, r rune) (sfnt.Segments, fixed.Int26_6) {
	t.Helper()
	var buf sfnt.Buffer
	idx, err := f.GlyphIndex(&buf, r)
	if err != nil || idx == 0 {
		t.Fatalf("no glyph for %q: %v", r, err)
	}
	segs, err := f.LoadGlyph(&buf, idx, fixed.I(1000), nil)
	if err != nil {
		t.Fatalf("glyph %q: %v", r, err)
	}
	adv, err := f.GlyphAdvance(&buf, idx, fixed.I(1000), font.HintingNone)
	if err != nil {
		t.Fatal(err)
	}
	return append(sfnt.Segments(nil), segs...), adv
}

// The subset draws the kept characters exactly as the whole font does,
// draws nothing for the others, keeps every advance, carries valid table checksums, and
// is much smaller.
func TestSubsetTTF(t *testing.T) {
	fonts()
	for _, c := range []struct {
		name string
		ttf  []byte
		m    *metrics
	}{{"regular", goregular.TTF, regular}, {"bold", gobold.TTF, bold}} {
		t.Run(c.name, func(t *testing.T) {
			keep := []rune("Aé→ Zz0")
			sub, err := subsetFor(c.m, c.ttf, keep)
			if err != nil {
				t.Fatal(err)
			}
			if len(sub) > len(c.ttf)/5 {
				t.Errorf("subset is %d bytes of %d", len(sub), len(c.ttf))
			}
			f, err := sfnt.Parse(sub)
			if err != nil {
				t.Fatalf("subset does not parse: %v", err)
			}
			for _, r := range keep {
				if r == ' ' {
					continue
				}
				wantSegs, wantAdv := outline(t, c.m.f, r)
				gotSegs, gotAdv := outline(t, f, r)
				if !reflect.DeepEqual(gotSegs, wantSegs) || gotAdv != wantAdv || len(gotSegs) == 0 {
					t.Errorf("%q: %d segments, advance %v; want %d, %v", r, len(gotSegs), gotAdv, len(wantSegs), wantAdv)
				}
			}
			segs, adv := outline(t, f, 'q')
			if _, wantAdv := outline(t, c.m.f, 'q'); len(segs) != 0 || adv != wantAdv {
				t.Errorf("'q' (not kept): %d segments, advance %v; want none, %v", len(segs), adv, wantAdv)
			}
			tables, err := readTables(sub)
			if err != nil {
				t.Fatal(err)
			}
			n := int(binary.BigEndian.Uint16(sub[4:]))
			for i := 0; i < n; i++ {
				rec := sub[12+16*i:]
				if tag := string(rec[:4]); tag != "head" && checksum(tables[tag]) != binary.BigEndian.Uint32(rec[4:]) {
					t.Errorf("table %s: wrong checksum", tag)
				}
			}
			if got := checksum(sub); got != 0xB1B0AFBA {
				t.Errorf("whole-font checksum %#x, want 0xB1B0AFBA", got)
			}
			again, _ := subsetFor(c.m, c.ttf, keep)
			if string(again) != string(sub) {
				t.Error("two subsets of the same glyphs differ")
			}
		})
	}
}

var fontData = regexp.MustCompile(`base64,([A-Za-z0-9+/=]+)\)`)

// A standalone SVG embeds the fonts cut down to what it holds: ASCII and
// its other characters.
func TestFooterEmbedsSubset(t *testing.T) {
	var b strings.Builder
	Header(&b, 100, 50, "v", "Café", "", Options{EmbedFont: true})
	Text(&b, 10, 20, "start", "", "Zürich → Genève")
	Footer(&b)
	doc := b.String()
	if strings.Contains(doc, fontPlaceholder) {
		t.Fatal("the placeholder is left in the document")
	}
	m := fontData.FindAllStringSubmatch(doc, -1)
	if len(m) != 2 {
		t.Fatalf("%d embedded fonts, want 2", len(m))
	}
	for _, sm := range m {
		ttf, err := base64.StdEncoding.DecodeString(sm[1])
		if err != nil {
			t.Fatal(err)
		}
		f, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range "Café Zürich → Genève~" {
			if r == ' ' {
				continue
			}
			if segs, _ := outline(t, f, r); len(segs) == 0 {
				t.Errorf("%q has no outline in the embedded font", r)
			}
		}
	}
	if len(doc) > 120_000 {
		t.Errorf("the SVG is %d bytes; the subset fonts should keep it well under 120 kB", len(doc))
	}
	// Without EmbedFont, nothing is embedded.
	b.Reset()
	Header(&b, 100, 50, "v", "t", "", Options{})
	Footer(&b)
	if strings.Contains(b.String(), "@font-face") || strings.Contains(b.String(), fontPlaceholder) {
		t.Error("a font embedded without EmbedFont")
	}
}

// The Go fonts have no composite glyphs, so components is checked on
// hand-made ones: every flag that changes a component's length.
func TestComponents(t *testing.T) {
	be := func(vs ...uint16) []byte {
		var b []byte
		for _, v := range vs {
			b = binary.BigEndian.AppendUint16(b, v)
		}
		return b
	}
	header := be(0xFFFF, 0, 0, 100, 100) // numberOfContours -1, bounding box
	composite := append(append(append([]byte{}, header...),
		be(0x0001|0x0020|0x0008, 5, 1, 2, 0x4000)...), // word args, more, one scale
		be(0x0020|0x0040, 6, 0x0102, 0x4000, 0x4000)...) // byte args, more, x and y scales
	composite = append(composite, be(0x0080, 7, 0x0102, 1, 0, 0, 1)...) // byte args, 2x2, last
	if got, err := components(composite); err != nil || !reflect.DeepEqual(got, []uint16{5, 6, 7}) {
		t.Errorf("components = %v, %v; want [5 6 7]", got, err)
	}
	if _, err := components(composite[:len(composite)-12]); err == nil {
		t.Error("a composite cut short gave no error")
	}
	if got, err := components(append(be(2, 0, 0, 1, 1), 0, 0)); got != nil || err != nil {
		t.Errorf("a simple glyph: %v, %v", got, err)
	}
}
