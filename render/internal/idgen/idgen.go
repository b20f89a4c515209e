// Package idgen makes random model ids for the property tests of file and
// page names (render and render/site): short and long ones, ids near a
// name budget, odd bytes, and near-duplicates of one another.
package idgen

import (
	"math/rand"
	"strings"
)

// Random makes an id of up to 400 bytes from letters of both cases,
// digits, . - _ and now and then ~ ~~ -> @ / space, multi-byte letters or
// NUL: some short, some of near bytes (near to near+span), some long.
func Random(rng *rand.Rand, near, span int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"
	odd := []string{"~", "~~", "->", "@", "/", " ", "é", "日本", "\x00", ".."}
	var n int
	switch rng.Intn(4) {
	case 0:
		n = rng.Intn(12)
	case 1:
		n = near + rng.Intn(span)
	default:
		n = rng.Intn(400)
	}
	var b strings.Builder
	for b.Len() < n {
		if rng.Intn(20) == 0 {
			b.WriteString(odd[rng.Intn(len(odd))])
		} else {
			b.WriteByte(alphabet[rng.Intn(len(alphabet))])
		}
	}
	return b.String()
}

// Variant changes id a little: the case of one letter, one byte more or
// one byte changed, at the end or anywhere.
func Variant(rng *rand.Rand, id string) string {
	if id == "" {
		return "x"
	}
	i := rng.Intn(len(id))
	if rng.Intn(2) == 0 {
		i = len(id) - 1
	}
	switch c := id[i]; {
	case c >= 'a' && c <= 'z':
		return id[:i] + string(c-32) + id[i+1:]
	case c >= 'A' && c <= 'Z':
		return id[:i] + string(c+32) + id[i+1:]
	case rng.Intn(2) == 0:
		return id + "."
	default:
		return id[:i] + "q" + id[i+1:]
	}
}
