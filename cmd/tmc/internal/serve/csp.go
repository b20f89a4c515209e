package serve

import (
	"bytes"
	"html"
	"regexp"
	"strconv"
	"strings"
)

// defaultCSP is the policy of pages that carry none of their own (the
// placeholder before the first good build, 404 pages) and of the files of a
// site whose pages carry none.
const defaultCSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; base-uri 'none'; form-action 'none'"

// livePolicy returns the policy p, extended so the live-reload script
// (served from /__tmc/live.js) may run and open its event stream: script-src
// and connect-src allow 'self'. Nothing else is loosened.
func livePolicy(p string) string {
	type directive struct {
		name    string
		sources []string
	}
	var ds []directive
	index := map[string]int{}
	for _, part := range strings.Split(p, ";") {
		fields := strings.Fields(part)
		if len(fields) == 0 {
			continue
		}
		name := strings.ToLower(fields[0])
		if _, dup := index[name]; dup {
			continue // the first one counts (CSP ignores repeats)
		}
		index[name] = len(ds)
		ds = append(ds, directive{name, fields[1:]})
	}
	allowSelf := func(name string) {
		i, ok := index[name]
		if !ok {
			var src []string
			if d, ok := index["default-src"]; ok {
				src = append(src, ds[d].sources...)
			}
			index[name] = len(ds)
			ds = append(ds, directive{name, src})
			i = len(ds) - 1
		}
		var src []string
		has := false
		for _, s := range ds[i].sources {
			switch strings.ToLower(s) {
			case "'none'":
				continue
			case "'self'":
				has = true
			}
			src = append(src, s)
		}
		if !has {
			src = append(src, "'self'")
		}
		ds[i].sources = src
	}
	allowSelf("script-src")
	if _, ok := index["script-src-elem"]; ok {
		allowSelf("script-src-elem")
	}
	allowSelf("connect-src")
	var b strings.Builder
	for i, d := range ds {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(d.name)
		for _, s := range d.sources {
			b.WriteByte(' ')
			b.WriteString(s)
		}
	}
	return b.String()
}

var (
	metaTag  = regexp.MustCompile(`(?is)<meta\s[^>]*>`)
	attr     = regexp.MustCompile(`(?is)([a-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')`)
	bodyEnd  = regexp.MustCompile(`(?i)</body\s*>`)
	headEnd  = regexp.MustCompile(`(?i)</head\s*>`)
	scriptJS = `<script src="/__tmc/live.js" data-build="%d"></script>`
)

// pagePolicy finds the Content-Security-Policy meta tag in the head of
// page and returns its policy and where the tag is (-1, -1 when there is
// none).
func pagePolicy(page []byte) (policy string, start, end int) {
	head := page
	if loc := headEnd.FindIndex(page); loc != nil {
		head = page[:loc[0]]
	}
	for _, loc := range metaTag.FindAllIndex(head, -1) {
		tag := head[loc[0]:loc[1]]
		var equiv, content string
		found := false
		for _, a := range attr.FindAllSubmatch(tag, -1) {
			v := string(a[2]) + string(a[3])
			switch strings.ToLower(string(a[1])) {
			case "http-equiv":
				equiv = v
			case "content":
				content, found = v, true
			}
		}
		if strings.EqualFold(strings.TrimSpace(equiv), "content-security-policy") && found {
			return html.UnescapeString(content), loc[0], loc[1]
		}
	}
	return "", -1, -1
}

// livePage prepares a page of the site for the preview: its CSP meta tag
// (if any) also allows the live-reload script and its event stream, and
// the script is added just before </body>. It returns the page and the
// policy to send as a header.
func livePage(page []byte, build int) ([]byte, string) {
	policy, start, end := pagePolicy(page)
	var out bytes.Buffer
	out.Grow(len(page) + 128)
	header := defaultCSP
	if start >= 0 {
		header = livePolicy(policy)
		out.Write(page[:start])
		out.WriteString(`<meta http-equiv="Content-Security-Policy" content="`)
		out.WriteString(html.EscapeString(header))
		out.WriteString(`">`)
		page = page[end:]
	}
	script := []byte(strings.Replace(scriptJS, "%d", strconv.Itoa(build), 1))
	// The last </body>: the site escapes every model string, so a </body>
	// in the text of the page is never a real one.
	all := bodyEnd.FindAllIndex(page, -1)
	if len(all) > 0 {
		at := all[len(all)-1][0]
		out.Write(page[:at])
		out.Write(script)
		out.Write(page[at:])
	} else {
		out.Write(page)
		out.Write(script)
	}
	return out.Bytes(), header
}
