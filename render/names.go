package render

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
)

// MaxNameBytes is the most bytes of a file name tmc writes (an SVG of
// tmc render, a page of the site), extension included. File systems cap a
// name at 255 bytes (ext4, APFS, NTFS counts UTF-16 units, eCryptfs about
// 143): 120 leaves room for the suffixes other tools add (.orig, ~,
// .tmp) and for a temporary name beside the file. A longer name is
// shortened by Shorten.
const MaxNameBytes = 120

// hashDigits is how many hex digits of SHA-256 a shortened name ends
// with: 80 bits, so that two ids of one model do not meet by chance.
const hashDigits = 20

// ShortMarker separates the readable prefix of a shortened name from its
// hash. Neither name escaping (site page names, FileName) ever writes two
// ~ in a row, so a name with ~~ is a shortened one, whatever the case.
const ShortMarker = "~~"

// Shorten returns name if it has at most max bytes. Otherwise it returns
// the longest prefix of name that leaves room for ~~ and 20 lower-case
// hex digits of the SHA-256 of key, cut so that no ~XX escape is split,
// then ~~ and the digits: for the key "a" * 300 and a max of 40,
// "aaaaaaaaaaaaaaaaaa~~<20 hex digits>".
//
// The result is deterministic; for names without ~~ (as the escapers
// write them) two keys give one result only if the first 80 bits of their
// SHA-256 agree; as the digits are lower case and ~ has no case, this
// holds ignoring case too. max must be more than 22.
func Shorten(name, key string, max int) string {
	if len(name) <= max {
		return name
	}
	keep := max - len(ShortMarker) - hashDigits
	if keep < 0 {
		keep = 0
	}
	cut := 0
	for i := 0; i < len(name); {
		n := 1
		if name[i] == '~' && i+2 < len(name) && isHexUpper(name[i+1]) && isHexUpper(name[i+2]) {
			n = 3
		}
		if i+n > keep {
			break
		}
		i += n
		cut = i
	}
	sum := sha256.Sum256([]byte(key))
	return name[:cut] + ShortMarker + hex.EncodeToString(sum[:])[:hashDigits]
}

func isHexUpper(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' }

// FileName is the file a view is written to: its id (dotted paths kept,
// as in component-shop.orders) with .svg. The compiler's view ids are
// made of letters, digits, _, - and ., which are kept as they are; any
// other byte (and a leading dot, and the first letter of a Windows device
// name such as con) becomes ~XX, its hex value, so the name is a single
// valid file name. A name over MaxNameBytes is shortened (Shorten): a
// readable prefix of the id, ~~, and a hash of the whole id.
//
// Upper case is kept (sequence-Checkout.svg): two views whose ids differ
// only in case get names a case-insensitive file system takes for one.
func FileName(v *ir.View) string {
	const ext = ".svg"
	return Shorten(escapeViewID(v.ID), v.ID, MaxNameBytes-len(ext)) + ext
}

// escapeViewID keeps A-Z, a-z, 0-9, _, - and . (not first) and writes
// every other byte as ~XX: injective, and the identity on the compiler's
// view ids.
func escapeViewID(id string) string {
	if id == "" {
		return "~"
	}
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(id) + 8)
	for i := 0; i < len(id); i++ {
		c := id[i]
		keep := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' && i > 0
		if keep && i == 0 && WindowsDevice(id) {
			keep = false
		}
		if keep {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('~')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// WindowsDevice reports whether id, up to its first dot and ignoring
// case, is a Windows device name (these cannot be file names, whatever
// the extension). The site's page names use it too.
func WindowsDevice(id string) bool {
	stem := id
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	stem = strings.ToLower(stem)
	switch stem {
	case "con", "prn", "aux", "nul":
		return true
	}
	return len(stem) == 4 && (strings.HasPrefix(stem, "com") || strings.HasPrefix(stem, "lpt")) && stem[3] >= '0' && stem[3] <= '9'
}
