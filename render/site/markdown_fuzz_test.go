package site

import (
	"html"
	"regexp"
	"strings"
	"testing"
)

var (
	fuzzHref      = regexp.MustCompile(`\shref="([^"]*)"`)
	fuzzBadTag    = regexp.MustCompile(`(?i)<(script|img|iframe|style|object|embed|svg|math|link|meta|form|base|button|textarea|select)\b`)
	fuzzInput     = regexp.MustCompile(`(?i)<input\b[^>]*>`)
	fuzzTaskBox   = regexp.MustCompile(`^<input (checked="" )?disabled="" type="checkbox"\s*/?>$`)
	fuzzEventAttr = regexp.MustCompile(`(?i)<[a-z][^>]*\s(on[a-z]+|style|src|srcset|formaction)\s*=`)
	// fuzzCellAlign is the one style attribute allowed: a GFM table
	// column's alignment, which goldmark writes from a fixed set.
	fuzzCellAlign = regexp.MustCompile(`<(th|td) style="text-align:(left|right|center)">`)
)

// FuzzMarkdown renders arbitrary Markdown as a model description is
// rendered on the site. It must not panic, must give the same HTML twice,
// and the HTML may only hold the elements and links the rules in
// markdown.go allow: no raw HTML, no images, no event handlers, no form
// controls but the disabled checkboxes of task lists, no style but a
// table column's alignment, and every link http(s), mailto, a heading of
// the same text, a decision page or the --source-url.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{
		"# Title\n\nSee [part](#title) and [adr](docs/adr/0001.md) and [src](../x.go).",
		"<script>alert(1)</script> <img src=x onerror=alert(1)>",
		"[x](javascript:alert(1)) [y](java\tscript:alert(1)) [z](//evil.example/) [w](/etc/passwd)",
		"![alt](https://example.com/a.png) <https://example.com> www.example.com",
		"[a](<jav&#x61;script:alert(1)>) [b](HTTPS://ok.example) [c](mailto:a@b.c) [d](data:text/html,x)",
		"| a | b |\n|---|---|\n| [l](#a) | `code` |\n\n- [ ] task\n\n~~strike~~",
		"[ref]: javascript:alert(1)\n\n[ref] [x][ref]",
		"# A\n# A\n[dup](#a-1)",
		"\x00\xff\xfe<a href=\"javascript:x\">raw</a>",
	} {
		f.Add(s)
	}
	decisions := map[string]string{"docs/adr/0001.md": "adr1"}
	render := func(src string) string {
		mc := &mdContext{root: "../", sourceURL: "https://code.example/blob/main/{path}", decisions: decisions}
		return string(mc.render(src, "md-", "."))
	}
	f.Fuzz(func(t *testing.T, src string) {
		out := render(src)
		if again := render(src); again != out {
			t.Fatalf("two renders differ:\n%s\n----\n%s", out, again)
		}
		if m := fuzzBadTag.FindString(out); m != "" {
			t.Errorf("HTML holds %q:\n%s", m, out)
		}
		for _, m := range fuzzInput.FindAllString(out, -1) {
			if !fuzzTaskBox.MatchString(m) { // GFM task lists: a disabled checkbox
				t.Errorf("HTML holds %q:\n%s", m, out)
			}
		}
		if m := fuzzEventAttr.FindString(fuzzCellAlign.ReplaceAllString(out, "<$1>")); m != "" {
			t.Errorf("HTML holds an attribute it must not: %q:\n%s", m, out)
		}
		for _, m := range fuzzHref.FindAllStringSubmatch(out, -1) {
			href := html.UnescapeString(m[1])
			scheme, has := urlScheme(href)
			switch {
			case has && allowedScheme(scheme):
			case !has && strings.HasPrefix(href, "#md-"):
			case !has && href == "../"+pagePath(kindDecision, "adr1"):
			default:
				t.Errorf("link %q is not allowed:\n%s", href, out)
			}
		}
	})
}
