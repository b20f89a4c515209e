package style

import (
	"fmt"
	"strings"
)

// Options are what every renderer takes.
type Options struct {
	// Link returns the URL a drawn thing links to (kind is "element",
	// "flow", "boundary", "threat"...; id its model id), or "" for none.
	// Nil: no links. The site uses it to link diagrams to its pages.
	Link func(kind, id string) string
	// EmbedFont embeds the font in the SVG, for standalone files, cut
	// down to the characters the SVG holds; a page that inlines many
	// diagrams embeds it once instead (FontFace).
	EmbedFont bool
}

// Header starts an SVG document: the root element (class tm, a viewBox,
// the view id as its id), a <title>, the stylesheet and an opaque
// background so text contrast does not depend on the page behind it.
// extraCSS holds rules only one kind of diagram needs (keep them in the
// renderer's package, prefixed .tm, using the --tm-* colour variables).
func Header(b *strings.Builder, width, height float64, viewID, title, extraCSS string, opts Options) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" class="tm" id="%s" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="%s">`,
		Escape(ID(viewID, "view", viewID)), Num(width), Num(height), Num(width), Num(height), Escape(title))
	fmt.Fprintf(b, "\n<title>%s</title>\n<style>", Escape(title))
	if opts.EmbedFont {
		b.WriteString(fontPlaceholder) // Footer embeds the glyphs the document uses
	}
	b.WriteString(CSS())
	b.WriteString(extraCSS)
	b.WriteString("</style>\n")
	fmt.Fprintf(b, `<rect class="tm-bg" x="0" y="0" width="%s" height="%s"/>`+"\n", Num(width), Num(height))
}

// fontPlaceholder marks where Footer embeds the font. Escape turns < into
// &lt; in every text of the model, so only Header can write it.
const fontPlaceholder = "<tm-font/>"

// Footer ends an SVG document, and embeds the font where Header asked for
// it, cut down to the characters the document holds.
func Footer(b *strings.Builder) {
	b.WriteString("</svg>\n")
	doc := b.String()
	if i := strings.Index(doc, fontPlaceholder); i >= 0 {
		b.Reset()
		b.Grow(len(doc) + 100_000)
		b.WriteString(doc[:i])
		b.WriteString(FontFaceFor(doc))
		b.WriteString(doc[i+len(fontPlaceholder):])
	}
}

// OpenGroup starts a <g> for one model thing: its id, its classes, a
// <title> tooltip, and a link around it when opts.Link gives one. Close it
// with CloseGroup and the returned value.
func OpenGroup(b *strings.Builder, viewID, kind, id, class, tooltip string, opts Options) (linked bool) {
	if opts.Link != nil {
		if href := opts.Link(kind, id); href != "" {
			fmt.Fprintf(b, `<a href="%s" xlink:href="%s">`, Escape(href), Escape(href))
			linked = true
		}
	}
	fmt.Fprintf(b, `<g id="%s" class="%s" data-id="%s"><title>%s</title>`, Escape(ID(viewID, kind, id)), Escape(class), Escape(id), Escape(tooltip))
	return linked
}

// CloseGroup ends what OpenGroup started.
func CloseGroup(b *strings.Builder, linked bool) {
	b.WriteString("</g>")
	if linked {
		b.WriteString("</a>")
	}
	b.WriteByte('\n')
}

// Text writes one line of text; anchor is start, middle or end; class may
// be empty.
func Text(b *strings.Builder, x, y float64, anchor, class, s string) {
	cls := ""
	if class != "" {
		cls = fmt.Sprintf(` class="%s"`, class)
	}
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="%s"%s>%s</text>`, Num(x), Num(y), anchor, cls, Escape(s))
}
