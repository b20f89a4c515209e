package style

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// subsetTTF returns a copy of the TrueType font ttf that keeps the
// outlines of the given glyphs only (and of the glyphs their composites
// are built from, and glyph 0, the missing-glyph box). Every other glyph
// keeps its index and advance but has no outline, so cmap, hmtx, kerning
// and the hinting tables stay valid as they are; only glyf and loca
// shrink. It is written for the embedded Go fonts: a subset whose glyf
// would need long offsets is an error, and the caller embeds the font
// whole. The post table loses its glyph names (format 3) and a DSIG
// signature is dropped, as it no longer matches. The result is
// deterministic: the same font and glyphs give the same bytes.
func subsetTTF(ttf []byte, glyphs []uint16) ([]byte, error) {
	tables, err := readTables(ttf)
	if err != nil {
		return nil, err
	}
	head, maxp, loca, glyf := tables["head"], tables["maxp"], tables["loca"], tables["glyf"]
	if len(head) < 54 || len(maxp) < 6 || loca == nil || glyf == nil {
		return nil, errors.New("not a TrueType font with glyf outlines")
	}
	numGlyphs := int(binary.BigEndian.Uint16(maxp[4:]))
	long := binary.BigEndian.Uint16(head[50:]) != 0
	offsets := make([]int, numGlyphs+1)
	for i := range offsets {
		switch {
		case long && 4*i+4 <= len(loca):
			offsets[i] = int(binary.BigEndian.Uint32(loca[4*i:]))
		case !long && 2*i+2 <= len(loca):
			offsets[i] = 2 * int(binary.BigEndian.Uint16(loca[2*i:]))
		default:
			return nil, errors.New("loca table too short")
		}
	}
	glyph := func(g int) ([]byte, error) {
		start, end := offsets[g], offsets[g+1]
		if start > end || end > len(glyf) {
			return nil, fmt.Errorf("glyph %d out of the glyf table", g)
		}
		return glyf[start:end], nil
	}

	// The glyphs to keep, with the components of composite glyphs.
	keep := make([]bool, numGlyphs)
	todo := append([]uint16{0}, glyphs...)
	for len(todo) > 0 {
		g := int(todo[len(todo)-1])
		todo = todo[:len(todo)-1]
		if g >= numGlyphs || keep[g] {
			continue
		}
		keep[g] = true
		data, err := glyph(g)
		if err != nil {
			return nil, err
		}
		comps, err := components(data)
		if err != nil {
			return nil, fmt.Errorf("glyph %d: %v", g, err)
		}
		todo = append(todo, comps...)
	}

	// New glyf and loca: each glyph padded to 4 bytes, and short (halved,
	// 16-bit) offsets, which hold while glyf stays under 128 KiB.
	var newGlyf []byte
	starts := make([]int, numGlyphs+1)
	for g := 0; g < numGlyphs; g++ {
		starts[g] = len(newGlyf)
		if keep[g] {
			data, _ := glyph(g)
			newGlyf = append(newGlyf, data...)
			for len(newGlyf)%4 != 0 {
				newGlyf = append(newGlyf, 0)
			}
		}
	}
	starts[numGlyphs] = len(newGlyf)
	if len(newGlyf) >= 1<<17 { // the Go fonts' whole glyf is 126 KB
		return nil, errors.New("subset too large for short loca offsets")
	}
	var newLoca []byte
	for _, off := range starts {
		newLoca = binary.BigEndian.AppendUint16(newLoca, uint16(off/2))
	}
	tables["glyf"], tables["loca"] = newGlyf, newLoca

	newHead := append([]byte(nil), head...)
	binary.BigEndian.PutUint16(newHead[50:], 0) // indexToLocFormat: short
	binary.BigEndian.PutUint32(newHead[8:], 0)  // checkSumAdjustment, set below
	tables["head"] = newHead
	if post := tables["post"]; len(post) >= 32 {
		newPost := append([]byte(nil), post[:32]...)
		binary.BigEndian.PutUint32(newPost, 0x00030000) // no glyph names
		tables["post"] = newPost
	}
	delete(tables, "DSIG")
	return writeTables(ttf[:4], tables), nil
}

// readTables splits a font into its tables by tag.
func readTables(ttf []byte) (map[string][]byte, error) {
	if len(ttf) < 12 {
		return nil, errors.New("font too short")
	}
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	if len(ttf) < 12+16*n {
		return nil, errors.New("font table directory too short")
	}
	tables := map[string][]byte{}
	for i := 0; i < n; i++ {
		rec := ttf[12+16*i:]
		off, length := int(binary.BigEndian.Uint32(rec[8:])), int(binary.BigEndian.Uint32(rec[12:]))
		if off < 0 || length < 0 || off+length > len(ttf) {
			return nil, fmt.Errorf("table %q out of the font", rec[:4])
		}
		tables[string(rec[:4])] = ttf[off : off+length]
	}
	return tables, nil
}

// writeTables assembles a font from its tables: records sorted by tag,
// tables 4-byte aligned, checksums and head's checkSumAdjustment set.
func writeTables(version []byte, tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	entrySelector := 0
	for 1<<(entrySelector+1) <= n {
		entrySelector++
	}
	searchRange := 16 << entrySelector
	out := make([]byte, 12+16*n)
	copy(out, version)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	binary.BigEndian.PutUint16(out[6:], uint16(searchRange))
	binary.BigEndian.PutUint16(out[8:], uint16(entrySelector))
	binary.BigEndian.PutUint16(out[10:], uint16(16*n-searchRange))
	headAt := -1
	for i, tag := range tags {
		data := tables[tag]
		rec := out[12+16*i:]
		copy(rec, tag)
		binary.BigEndian.PutUint32(rec[4:], checksum(data))
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(data)))
		if tag == "head" {
			headAt = len(out)
		}
		out = append(out, data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	if headAt >= 0 {
		binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	}
	return out
}

// checksum is the TrueType table checksum: the sum of big-endian uint32s,
// the last one zero-padded.
func checksum(data []byte) uint32 {
	var sum uint32
	for i := 0; i < len(data); i += 4 {
		var w [4]byte
		copy(w[:], data[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}

// components returns the glyphs a composite glyph is built from (none for
// a simple or empty glyph).
func components(data []byte) ([]uint16, error) {
	if len(data) < 10 || int16(binary.BigEndian.Uint16(data)) >= 0 {
		return nil, nil
	}
	const (
		argsAreWords  = 0x0001
		haveScale     = 0x0008
		moreComps     = 0x0020
		haveXYScale   = 0x0040
		haveTwoByTwo  = 0x0080
		maxComponents = 1 << 12
	)
	var out []uint16
	p := 10
	for len(out) < maxComponents {
		if p+4 > len(data) {
			return nil, errors.New("composite glyph cut short")
		}
		flags := binary.BigEndian.Uint16(data[p:])
		out = append(out, binary.BigEndian.Uint16(data[p+2:]))
		p += 4
		if flags&argsAreWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&haveXYScale != 0:
			p += 4
		case flags&haveTwoByTwo != 0:
			p += 8
		}
		if flags&moreComps == 0 {
			return out, nil
		}
	}
	return nil, errors.New("composite glyph with too many components")
}
