package site

import (
	"bytes"
	"html/template"
	"net/url"
	"path"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Markdown from the model (descriptions) and from decision records is
// rendered by goldmark with GFM, in its safe mode: raw HTML is dropped and
// dangerous URLs blanked (html.WithUnsafe is never set, and attributes
// syntax, parser.WithAttribute, is off so no style or id comes through).
// On top of that, every link and image is checked on the AST before
// rendering:
//
//   - a link whose URL has a scheme other than http, https or mailto is
//     removed (its text kept), so is a protocol-relative one (//host);
//   - images never load (the site makes no external request and model
//     files are not part of it): an image becomes a link to its URL, under
//     the same rules, showing its alt text;
//   - a fragment link (#part) points at the heading ids of the same
//     document, which carry a per-document prefix (ids are unique on a
//     page that holds several documents);
//   - a relative path is resolved against the folder of the document: a
//     decision record of the model links to its page, anything else links
//     to the source with --source-url, or is shown as text.

var (
	mdOnce sync.Once
	md     goldmark.Markdown
)

func markdownEngine() goldmark.Markdown {
	mdOnce.Do(func() {
		md = goldmark.New(
			goldmark.WithExtensions(extension.GFM),
			goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		)
	})
	return md
}

// maxMarkdown bounds the Markdown text rendered per document.
const maxMarkdown = 1 << 20

// An mdContext is what rendering Markdown needs to know about the page and
// the build.
type mdContext struct {
	root      string            // "" or "../": from the page to the site root
	sourceURL string            // the --source-url template, or ""
	decisions map[string]string // decision file path -> decision id
	ids       *pageIDs          // heading ids already used on the page
}

// pageIDs generates heading ids unique on one page: a per-document prefix
// (so a description and an ADR on the same page do not clash, nor with
// the page's own ids) and a counter for repeats.
type pageIDs struct {
	prefix string
	used   map[string]bool
}

func newPageIDs() *pageIDs { return &pageIDs{used: map[string]bool{}} }

// Generate implements parser.IDs.
func (p *pageIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	base := p.prefix + slugASCII(string(value))
	id := base
	for i := 1; p.used[id]; i++ {
		id = base + "-" + itoa(i)
	}
	p.used[id] = true
	return []byte(id)
}

// Put implements parser.IDs.
func (p *pageIDs) Put(value []byte) { p.used[string(value)] = true }

// slugASCII makes the id part of a heading: lower-case ASCII letters and
// digits, other runs as one -.
func slugASCII(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if out == "" {
		out = "section"
	}
	if len(out) > 60 {
		out = strings.TrimSuffix(out[:60], "-")
	}
	return out
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var buf [20]byte
	n := len(buf)
	for i > 0 {
		n--
		buf[n] = byte('0' + i%10)
		i /= 10
	}
	return string(buf[n:])
}

// render renders Markdown text. prefix starts the ids of its headings
// ("md-" for a description, "adr-" for a decision record); base is the
// folder, relative to the model root, that relative links start from.
func (mc *mdContext) render(src, prefix, base string) template.HTML {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	truncated := false
	if len(src) > maxMarkdown {
		src = src[:maxMarkdown]
		truncated = true
	}
	src = strings.ToValidUTF8(src, "\uFFFD")
	source := []byte(src)
	if mc.ids == nil {
		mc.ids = newPageIDs()
	}
	ids := mc.ids
	ids.prefix = prefix
	gm := markdownEngine()
	doc := gm.Parser().Parse(text.NewReader(source), parser.WithContext(parser.NewContext(parser.WithIDs(ids))))
	mc.fixLinks(doc, source, prefix, base)
	var buf bytes.Buffer
	if err := gm.Renderer().Render(&buf, source, doc); err != nil {
		return template.HTML(`<p class="notice">This text could not be rendered.</p>`)
	}
	if truncated {
		buf.WriteString(`<p class="notice">The text is too long and was cut.</p>`)
	}
	return template.HTML(buf.String())
}

// fixLinks applies the link rules above to every link, autolink and image.
func (mc *mdContext) fixLinks(doc ast.Node, source []byte, prefix, base string) {
	var nodes []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindLink, ast.KindAutoLink, ast.KindImage:
			nodes = append(nodes, n)
		}
		return ast.WalkContinue, nil
	})
	for _, n := range nodes {
		parent := n.Parent()
		if parent == nil {
			continue
		}
		switch x := n.(type) {
		case *ast.Image:
			// Never load an image: turn it into a link showing the alt text.
			l := ast.NewLink()
			l.Destination = x.Destination
			l.Title = x.Title
			for c := x.FirstChild(); c != nil; {
				next := c.NextSibling()
				l.AppendChild(l, c)
				c = next
			}
			if l.ChildCount() == 0 {
				l.AppendChild(l, ast.NewString([]byte("image")))
			}
			parent.ReplaceChild(parent, x, l)
			mc.fixLink(l, prefix, base)
		case *ast.Link:
			mc.fixLink(x, prefix, base)
		case *ast.AutoLink:
			u := string(x.URL(source))
			if x.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(u), "mailto:") {
				u = "mailto:" + u
			}
			if scheme, ok := urlScheme(u); !ok || !allowedScheme(scheme) {
				parent.ReplaceChild(parent, x, ast.NewString(append([]byte(nil), x.Label(source)...)))
				continue
			}
			x.SetAttributeString("rel", []byte("nofollow noopener noreferrer"))
		}
	}
}

// fixLink rewrites or removes one link.
func (mc *mdContext) fixLink(l *ast.Link, prefix, base string) {
	dest := string(l.Destination)
	scheme, hasScheme := urlScheme(dest)
	switch {
	case hasScheme:
		if !allowedScheme(scheme) {
			unlink(l)
			return
		}
		// Write the URL as the scheme was read: goldmark percent-encodes
		// the controls a browser would strip, so "\x12http:" would
		// otherwise reach the page as the relative "%12http:".
		l.Destination = []byte(browserURL(dest))
		l.SetAttributeString("rel", []byte("nofollow noopener noreferrer"))
		return
	case strings.TrimSpace(dest) == "":
		unlink(l)
		return
	}
	clean := strings.TrimSpace(dest)
	if strings.HasPrefix(clean, "//") || strings.HasPrefix(clean, `\`) || strings.HasPrefix(clean, "/") {
		unlink(l) // protocol-relative or absolute: not inside the site
		return
	}
	if strings.HasPrefix(clean, "#") {
		frag, err := url.PathUnescape(clean[1:])
		if err != nil {
			unlink(l)
			return
		}
		id := prefix + slugASCII(frag)
		if !mc.ids.used[id] {
			unlink(l) // no such heading
			return
		}
		l.Destination = []byte("#" + id)
		return
	}
	p := clean
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	p, err := url.PathUnescape(p)
	if err != nil || p == "" {
		unlink(l)
		return
	}
	p = path.Clean(path.Join(base, p))
	if p == ".." || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") {
		unlink(l)
		return
	}
	if id, ok := mc.decisions[p]; ok {
		l.Destination = []byte(mc.root + pagePath(kindDecision, id))
		return
	}
	if u := sourceLink(mc.sourceURL, p); u != "" {
		l.Destination = []byte(u)
		l.SetAttributeString("rel", []byte("nofollow noopener noreferrer"))
		return
	}
	unlink(l)
}

// unlink replaces a link by its content.
func unlink(l ast.Node) {
	parent := l.Parent()
	if parent == nil {
		return
	}
	for c := l.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, l, c)
		c = next
	}
	parent.RemoveChild(parent, l)
}

// urlScheme returns the scheme of a URL, lower-cased, the way a browser
// reads it (a browser strips tabs and newlines anywhere, so
// "java\tscript:" is javascript:): what comes before the first ":" when no
// "/", "?" or "#" precedes it. ok is false when there is no scheme (a
// relative URL).
func urlScheme(u string) (scheme string, ok bool) {
	s := browserURL(u)
	i := strings.IndexAny(s, ":/?#")
	if i < 0 || s[i] != ':' {
		return "", false
	}
	return strings.ToLower(s[:i]), true
}

// browserURL is u as a browser's URL parser first sees it. As the URL
// standard: leading and trailing C0 controls and spaces are trimmed, ASCII
// tabs and newlines removed anywhere. Anything else stays, so an odd
// character makes an odd scheme, which is not allowed (skipping it could
// turn "htt\uFFFDps:" into an allowed "https:").
func browserURL(u string) string {
	u = strings.TrimFunc(u, func(r rune) bool { return r <= 0x20 })
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, u)
}

func allowedScheme(s string) bool { return s == "http" || s == "https" || s == "mailto" }
