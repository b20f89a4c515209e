package site

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// payload goes into every string and Markdown field of the hostile model.
const payload = `<script>alert(1)</script> "><img src=x onerror=alert(1)> '><svg onload=alert(1)> {{.}} {{template "x"}} ` +
	`<a href="javascript:alert(1)">a</a> [md](javascript:alert(1)) [md2](JaVaScRiPt:alert(1)) ` +
	`[ent](javascript&#58;alert(1)) [vb](vbscript:msgbox(1)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) ` +
	`![img](javascript:alert(1)) <javascript:alert(1)> javascript:alert(1) <style>body{display:none}</style> ` +
	`<iframe src="https://evil.example/"></iframe> ![track](https://evil.example/pixel.png) [ok](https://example.com/ok) ` +
	`</textarea></title></style></script>`

// adrPayload is the decision record's text.
const adrPayload = "# Decision <script>alert(1)</script>\n\n## Decision\n\n" +
	"<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n" +
	"[x](javascript:alert(1)) [y](  javascript:alert(1)) [z](java\tscript:alert(1)) <JAVASCRIPT:alert(1)>\n\n" +
	"<a href=\"javascript:alert(1)\" onclick=\"alert(1)\">raw</a> {{.}}\n\n" +
	"![i](javascript:alert(1)) ![j](x.png) [rel](../../../etc/passwd) [frag](#decision)\n\n" +
	"| a | b |\n|---|---|\n| <b onmouseover=alert(1)>c</b> | [t](javascript:alert(1)) |\n\n" +
	"```html\n<script>alert(1)</script>\n```\n"

func q(s string) string { return strconv.Quote(s) }

// hostileModel is the .tm text of the hostile model.
func hostileModel() string {
	p := q(payload)
	r := strings.NewReplacer("P", p)
	return r.Replace(`
model P { owner P reviewed 2026-11-01 description P }
boundary outside P { trust untrusted description P owner P }
boundary inside P {
  trust high description P owner P
  boundary deep P { trust high description P }
}
person user P in outside { description P }
system sys P {
  description P owner P
  container api P in inside { tech P owner P description P exposure public }
  database db P in deep { tech P owner P description P tenancy shared }
}
data secret P { classification secret pii description P owner P }
flow call: user -> sys.api P { protocol "h<b>ttp" auth P carries secret description P crosses outside, inside P }
flow sys.api -> sys.db P { protocol P carries secret description P }
sequence seq P { user -> sys.api P note over sys.api P description P }
threat t1 P { stride spoofing on call impact 5 likelihood 4 description P owner P mitigated_by c1 }
threat t2 P { stride tampering on sys.db impact 3 likelihood 3 accepted P by P until 2027-01-01 description P claims "TMR-D04@sys.api->sys.db", P }
accept "TMR-I03@sys.db" { reason P owner P until 2027-01-01 }
threat t3 P { stride repudiation on inside impact 1 likelihood 2 transferred P }
control c1 P { status proposed owner P description P test "tests/x_test.go:TestX" evidence "docs/evidence <b>.md" }
decision d1 P { status accepted file "docs/adr.md" affects sys.api description P }
view v1 P { dfd include user, sys.** description P }
`)
}

// hostileInput compiles the hostile model from a folder with its
// decision record.
func hostileInput(tb testing.TB) Input {
	tb.Helper()
	dir := tb.TempDir()
	files := map[string]string{
		"model.tm":                hostileModel(),
		"docs/adr.md":             adrPayload,
		"tests/x_test.go":         "package x\n",
		"docs/evidence <b>.md":    payload,
		"docs/.keep":              "",
		"docs/other/evidence.txt": "",
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return inputFor(tb, dir)
}

var (
	scriptTag   = regexp.MustCompile(`(?i)<script\b[^>]*>`)
	ownScript   = regexp.MustCompile(`^<script src="(?:\.\./)?assets/(?:site|search-index)\.js" defer>$`)
	handlerAttr = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	jsScheme    = regexp.MustCompile(`(?i)(?:java|vb)script\s*:`)
)

func TestHostileModel(t *testing.T) {
	in := hostileInput(t)
	if in.Model == nil || len(in.Model.Threats) != 3 || len(in.Model.Decisions) != 1 || len(in.Model.Flows) != 2 {
		t.Fatalf("the hostile model did not compile as intended: %v", in.Diags)
	}
	if in.Model.Name != payload {
		t.Fatalf("model name = %q, want the payload", in.Model.Name)
	}
	files := build(t, in, Options{SourceURL: "https://example.com/src/{path}"})
	again := build(t, in, Options{SourceURL: "https://example.com/src/{path}"})
	sameFiles(t, files, again)

	sawPayloadText := false
	for _, f := range files {
		text := string(f.Data)
		switch {
		case strings.HasSuffix(f.Path, ".html"):
			for _, tag := range scriptTag.FindAllString(text, -1) {
				if !ownScript.MatchString(tag) {
					t.Errorf("%s: a script tag that is not ours: %s", f.Path, tag)
				}
			}
			if m := handlerAttr.FindString(text); m != "" {
				t.Errorf("%s: event handler attribute %q at %s", f.Path, m, around(text, m))
			}
			if m := jsScheme.FindString(text); m != "" {
				t.Errorf("%s: %q at %s", f.Path, m, around(text, m))
			}
			for _, bad := range []string{"<img", "<iframe", "<svg onload", "<style>body", "<a href=\"javascript", `src="https://evil`} {
				if i := strings.Index(text, bad); i >= 0 {
					t.Errorf("%s: %q at %s", f.Path, bad, around(text, bad))
				}
			}
			checkTags(t, f.Path, text)
			if strings.Contains(text, "{{.}}") {
				sawPayloadText = true // shown as text, never executed
			}
		case strings.HasSuffix(f.Path, ".json"), strings.HasSuffix(f.Path, "search-index.js"):
			if i := bytes.IndexAny(f.Data, "<>"); i >= 0 {
				t.Errorf("%s: raw < or > at byte %d", f.Path, i)
			}
			if m := handlerAttr.FindString(text); m != "" {
				t.Errorf("%s: %q", f.Path, m)
			}
			if m := jsScheme.FindString(text); m != "" {
				t.Errorf("%s: %q", f.Path, m)
			}
		}
	}
	if !sawPayloadText {
		t.Error("the payload's {{.}} is shown nowhere: was the text dropped?")
	}

	// The payload still reads as text: data files keep it exactly.
	fm := fileMap(files)
	var sm struct {
		Model struct {
			Name string `json:"name"`
		} `json:"model"`
	}
	if err := json.Unmarshal(fm["model.json"], &sm); err != nil {
		t.Fatal(err)
	}
	if sm.Model.Name != payload {
		t.Errorf("model.json name = %q, want the payload", sm.Model.Name)
	}
	idx := fm["assets/search-index.js"]
	idx = bytes.TrimPrefix(idx[bytes.IndexByte(idx, '['):], nil)
	idx = bytes.TrimSuffix(bytes.TrimSpace(idx), []byte(";"))
	var entries []searchEntry
	if err := json.Unmarshal(idx, &entries); err != nil {
		t.Fatalf("search index is not JSON: %v", err)
	}
	if len(entries) == 0 || entries[0].Title != payload {
		t.Errorf("search index: first entry %+v", entries[:min(1, len(entries))])
	}

	// Findings: the payload in a finding's message (the flow's protocol), in
	// the reason and owner of an accepted finding and in a claim that
	// matches nothing is shown as text wherever they appear.
	byFP := map[string]string{}
	for _, f := range in.Model.Findings {
		byFP[f.Fingerprint] = f.Status
	}
	if byFP["TMR-I03@sys.db"] != "accepted" || byFP["TMR-D04@sys.api->sys.db"] != "claimed" || byFP["TMR-I02@sys.api->sys.db"] != "open" {
		t.Fatalf("the hostile model's findings are not as intended: %v", byFP)
	}
	escaped := `&lt;script&gt;alert(1)&lt;/script&gt;`
	reg := string(fm["register.html"])
	wantOnPages(t, fm, map[string][]string{
		"register.html": {`href="finding/tmr-i03@sys.db.html"`, `<div class="accept-note">Accepted by <strong>` + escaped,
			`href="finding/tmr-i02@sys.api-~3Esys.db.html"`, `<div class="finding-msg">flow &#34;sys.api-&gt;sys.db&#34;: secret cross a trust boundary over ` + escaped},
		"finding/tmr-i03@sys.db.html":            {`<h2>Risk accepted</h2>`, `<p>` + escaped},
		"finding/tmr-d04@sys.api-~3Esys.db.html": {`<section class="card claimed">`, `href="../threat/t2.html"`},
		pagePath(kindThreat, "t2"):               {`href="../finding/tmr-d04@sys.api-~3Esys.db.html"`, `<li><code>` + escaped, "matches no finding"},
		pagePath(kindElement, "sys.db"):          {`href="../finding/tmr-i03@sys.db.html"`, escaped},
		pagePath(kindFlow, "sys.api->sys.db"):    {`href="../finding/tmr-i02@sys.api-~3Esys.db.html"`, `href="../finding/tmr-d04@sys.api-~3Esys.db.html"`},
	})
	if strings.Contains(reg, `href="finding/tmr-d04@sys.api-~3Esys.db.html">Expensive`) {
		t.Error("register: the claimed finding has a row of its own")
	}

	// The decision record rendered (safely), links kept only where safe.
	adr := string(fm[pagePath(kindDecision, "d1")])
	for _, want := range []string{`<table>`, `<h1 id="adr-decision-script-alert-1-script">`, `href="#adr-decision"`, `&lt;script&gt;alert(1)&lt;/script&gt;`} {
		if !strings.Contains(adr, want) {
			t.Errorf("decision page: %q missing", want)
		}
	}
	if strings.Contains(adr, "etc/passwd") && strings.Contains(adr, `href="https://example.com/src/etc/passwd"`) {
		t.Error("a relative link leaving the model root became a link")
	}
}

// checkTags parses every tag and checks attributes: no on* attribute, no
// URL attribute with a scheme other than http(s) or mailto.
func checkTags(t *testing.T, name, text string) {
	t.Helper()
	for _, tag := range parseTags(text) {
		for _, a := range tag.attrs {
			if strings.HasPrefix(a.name, "on") {
				t.Errorf("%s: <%s %s=%q>", name, tag.name, a.name, a.value)
			}
			switch a.name {
			case "href", "src", "xlink:href", "action", "formaction", "data", "srcset", "poster":
				if scheme, ok := urlScheme(a.value); ok && !allowedScheme(scheme) {
					t.Errorf("%s: <%s %s=%q>", name, tag.name, a.name, a.value)
				}
			}
		}
		switch tag.name {
		case "iframe", "object", "embed", "img", "base", "form", "meta":
			if tag.name == "meta" {
				continue
			}
			t.Errorf("%s: unexpected <%s>", name, tag.name)
		}
	}
}

func around(text, m string) string {
	i := strings.Index(text, m)
	if i < 0 {
		return ""
	}
	return strconv.Quote(text[max(0, i-80):min(len(text), i+len(m)+40)])
}

// TestMarkdownLinks checks the link rules on their own.
func TestMarkdownLinks(t *testing.T) {
	mc := &mdContext{root: "../", sourceURL: "https://github.com/o/r/blob/main/{path}",
		decisions: map[string]string{"docs/adr/0002-b.md": "adr2"}, ids: newPageIDs()}
	cases := []struct{ src, want, not string }{
		{`[x](javascript:alert(1))`, `<p>x</p>`, "href"},
		{`[x](JAVASCRIPT:alert(1))`, `<p>x</p>`, "href"},
		{"[x](java\tscript:alert(1))", ``, "href"},
		{`[x](vbscript:x)`, `<p>x</p>`, "href"},
		{`[x](data:text/html,hi)`, `<p>x</p>`, "href"},
		{`[x](file:///etc/passwd)`, `<p>x</p>`, "href"},
		{`[x](ftp://example.com/)`, `<p>x</p>`, "href"},
		{`[x](//evil.example/)`, `<p>x</p>`, "href"},
		{`[x](/etc/passwd)`, `<p>x</p>`, "href"},
		{`[x](https://example.com/a?b=c)`, `<a href="https://example.com/a?b=c" rel="nofollow noopener noreferrer">x</a>`, ""},
		{`[x](mailto:a@example.com)`, `href="mailto:a@example.com"`, ""},
		{`<https://example.com>`, `<a href="https://example.com" rel="nofollow noopener noreferrer">https://example.com</a>`, ""},
		{`a@example.com`, `href="mailto:a@example.com"`, ""},
		{`www.example.com`, `href="http://www.example.com"`, ""},
		{`[x](0002-b.md)`, `href="../decision/adr2.html"`, ""},
		{`[x](../runbook.md#step)`, `href="https://github.com/o/r/blob/main/docs/runbook.md"`, ""},
		{`[x](../../../../etc/passwd)`, `<p>x</p>`, "href"},
		{"## Some part\n\n[x](#Some%20Part)", `href="#adr-some-part"`, ""},
		{`[x](#nowhere)`, `<p>x</p>`, "href"},
		{`![alt](https://example.com/a.png)`, `<a href="https://example.com/a.png" rel="nofollow noopener noreferrer">alt</a>`, "<img"},
		{`![alt](javascript:alert(1))`, `<p>alt</p>`, "<img"},
		{`<script>alert(1)</script>`, ``, "<script"},
		{`<b onclick="x">b</b>`, ``, "onclick"},
		{"# Title\n# Title", `<h1 id="adr-title-1">`, ""},
	}
	for _, c := range cases {
		got := string(mc.render(c.src, "adr-", "docs/adr"))
		if c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%q:\n got %s\nwant %s", c.src, got, c.want)
		}
		if c.not != "" && strings.Contains(strings.ToLower(got), strings.ToLower(c.not)) {
			t.Errorf("%q: %s holds %q", c.src, got, c.not)
		}
	}
	// Without --source-url, relative links are text.
	plain := &mdContext{root: "", ids: newPageIDs()}
	if got := string(plain.render(`[x](runbook.md)`, "md-", ".")); got != "<p>x</p>\n" {
		t.Errorf("relative link without source URL: %s", got)
	}
	// A template that is not http(s) is ignored.
	bad := &mdContext{sourceURL: "javascript:alert('{path}')", ids: newPageIDs()}
	if got := string(bad.render(`[x](runbook.md)`, "md-", ".")); got != "<p>x</p>\n" {
		t.Errorf("javascript: source URL: %s", got)
	}
}

// TestNeutralize checks the scanner against the regular expressions it
// implements, on fixed cases and on random text over a small alphabet.
func TestNeutralize(t *testing.T) {
	scheme := regexp.MustCompile(`(?i)(?:java|vb)script[ \t\n\r\f]*:`)
	handler := regexp.MustCompile(`(?i)\bon[a-z]+[ \t\n\r\f]*=`)
	ref := func(s string) string {
		s = scheme.ReplaceAllStringFunc(s, func(m string) string { return m[:len(m)-1] + "&#58;" })
		return handler.ReplaceAllStringFunc(s, func(m string) string { return m[:len(m)-1] + "&#61;" })
	}
	cases := []string{
		"", "javascript:", "JavaScript :x", "vbscript:", "script:", "xjavascript:", "onerror=", " onclick =x", "on=", "button=",
		"data-on=", "ONLOAD=", "<img src=x onerror=alert(1)>", "java\tscript:", "javascriptjavascript:", "onx\n=",
	}
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"java", "vb", "script", "Script", "on", "ON", "error", "=", ":", " ", "\t", "x", "_", "-", "o", "n", "s"}
	for range 3000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		cases = append(cases, b.String())
	}
	for _, c := range cases {
		if got, want := string(neutralizeHTML([]byte(c))), ref(c); got != want {
			t.Errorf("neutralize(%q) = %q, want %q", c, got, want)
		}
	}
}
