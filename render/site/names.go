package site

import (
	"net/url"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render"
)

// Page kinds: each has a folder of one page per thing.
const (
	kindBoundary = "boundary"
	kindElement  = "element"
	kindFlow     = "flow"
	kindData     = "data"
	kindThreat   = "threat"
	kindControl  = "control"
	kindDecision = "decision"
	kindView     = "view"
	kindFinding  = "finding"
)

// pageKinds are the kinds that have a folder of pages.
var pageKinds = map[string]bool{
	kindBoundary: true, kindElement: true, kindFlow: true, kindData: true,
	kindThreat: true, kindControl: true, kindDecision: true, kindView: true, kindFinding: true,
}

// fileName turns a model id into a file name stem, deterministically and
// injectively, safe on every file system and in a URL path without
// further escaping:
//
//   - a-z, 0-9, _, . and - are kept (so "shop.orders" stays readable);
//   - every other byte, upper-case letters included, becomes ~XX (its
//     hex value, upper case): "shop.orders->shop.db" is
//     "shop.orders-~3Eshop.db", "API" is "~41~50~49".
//
// Upper-case letters are escaped so that two ids differing only in case
// do not collide on a case-insensitive file system (macOS, Windows). The
// result is case-insensitively injective: the positions of ~ are the same
// in two names that compare equal ignoring case, so the escapes line up.
// Windows device names (con, nul, com1...) get their first letter escaped;
// the empty id is "~".
//
// A stem longer than maxStem bytes (a 300-character id, or 40 upper-case
// letters, 3 bytes each) is shortened (render.Shorten): its first bytes,
// no escape split, then ~~ and 20 hex digits of the SHA-256 of the id, so
// every page name, folder-free, has at most render.MaxNameBytes bytes.
// The escaping never writes ~~, so a shortened stem is never the stem of
// another id, in any case; two shortened stems differ unless 80 bits of
// SHA-256 agree.
func fileName(id string) string { return fileNameMax(id, maxStem) }

// maxStem is the most bytes of a page's name without .html, leaving room
// for the ~~ of the fallback name of a finding (findingPath).
const maxStem = render.MaxNameBytes - len(".html") - len(render.ShortMarker)

// fileNameMax is fileName with a budget of max bytes (more than 22).
func fileNameMax(id string, max int) string {
	return render.Shorten(escapeID(id), id, max)
}

// escapeID is fileName without the shortening.
func escapeID(id string) string {
	if id == "" {
		return "~"
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(id) + 8)
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_', c == '.', c == '-':
			if i == 0 && render.WindowsDevice(id) {
				b.WriteByte('~')
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&15])
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte('~')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// pagePath is the site path of the page of a thing: kind/<fileName>.html.
func pagePath(kind, id string) string { return kind + "/" + fileName(id) + ".html" }

// PageLink is the path, relative to the site root, of the page of a thing
// a diagram draws (kind "element", "flow", "boundary"... as render.Options
// Link is given; id its model id), or "" when the site has no such page:
// "element/shop.orders.html", "element/~41~50~49.html" for the id API. The
// site's diagrams link with it, and so does tmc render --link-base, so a
// link always names the page the site writes.
func PageLink(kind, id string) string {
	if !pageKinds[kind] || kind == kindView || kind == kindFinding {
		return ""
	}
	return pagePath(kind, id)
}

// findingPath is the site path of the page of a finding:
// finding/<rule>@<target>.html, the rule id in lower case as in the
// anchors of docs/rules.md ("finding/tmr-s03@webhook.html"), the target id
// as fileName writes it (shortened to fit the name in
// render.MaxNameBytes). fileName never writes @, so the first @ splits the
// two again. A fingerprint that is not RULE@TARGET with a rule id of A-Z,
// 0-9 and - (never from the compiler), or whose rule id is too long to
// leave room for the target, gets the fallback name oddFindingPath.
func findingPath(f *ir.Finding) string {
	rule, target, ok := strings.Cut(f.Fingerprint, "@")
	if !ok || rule != f.Rule || !canonicalRule(rule) || target != f.Target.ID() {
		return oddFindingPath(f.Fingerprint)
	}
	r := escapeID(strings.ToLower(rule))
	room := render.MaxNameBytes - len(".html") - len(r) - len("@")
	if room < 40 {
		return oddFindingPath(f.Fingerprint)
	}
	return kindFinding + "/" + r + "@" + fileNameMax(target, room) + ".html"
}

// oddFindingPath is the fallback path of the page of a finding:
// finding/~~<fileName of the fingerprint>.html. It starts with ~~, so it
// is never the path findingPath gives a canonical fingerprint (those
// start with a letter).
func oddFindingPath(fp string) string {
	return kindFinding + "/" + render.ShortMarker + fileName(fp) + ".html"
}

// canonicalRule reports whether a rule id is made of A-Z, 0-9 and -
// only, starting with a letter (as every built-in rule's is).
func canonicalRule(id string) bool {
	if id == "" || id[0] < 'A' || id[0] > 'Z' {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// ruleAnchor is the id of a rule's entry on rules.html, as in
// docs/rules.md: "tmr-s03".
func ruleAnchor(id string) string { return strings.ToLower(id) }

// sourceLink turns a path relative to the model root into a link with the
// --source-url template: {path} is replaced by the path, each segment
// URL-escaped. A template that does not start with https:// or http:// is
// ignored (""); one without {path} gets the path appended.
func sourceLink(tmpl, p string) string {
	if tmpl == "" || p == "" {
		return ""
	}
	lower := strings.ToLower(tmpl)
	if !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "http://") {
		return ""
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	esc := strings.Join(segs, "/")
	if !strings.Contains(tmpl, "{path}") {
		if !strings.HasSuffix(tmpl, "/") {
			tmpl += "/"
		}
		return tmpl + esc
	}
	return strings.ReplaceAll(tmpl, "{path}", esc)
}

// validSourceURL reports whether the template is used at all.
func validSourceURL(tmpl string) bool { return sourceLink(tmpl, "x") != "" }
