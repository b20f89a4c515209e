package site

import (
	"bytes"
	"embed"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
	"github.com/tmc-dev/tmc/render/style"
)

//go:embed assets/site.css assets/site.js
var assetFS embed.FS

// assets writes assets/site.css (the embedded diagram font, then the
// site's styles) and assets/site.js.
func (b *builder) assets() error {
	css, err := assetFS.ReadFile("assets/site.css")
	if err != nil {
		return err
	}
	js, err := assetFS.ReadFile("assets/site.js")
	if err != nil {
		return err
	}
	var out bytes.Buffer
	out.WriteString("/* The diagrams' font: Go Regular and Go Bold (BSD licence), embedded. */\n")
	out.WriteString(style.FontFace())
	out.WriteString("\n")
	out.Write(css)
	b.add("assets/site.css", out.Bytes())
	b.add("assets/site.js", js)
	return nil
}

// A searchEntry is one page in assets/search-index.js.
type searchEntry struct {
	Title string `json:"title"`
	Kind  string `json:"kind"`
	ID    string `json:"id"`
	URL   string `json:"url"` // relative to the site root
	Text  string `json:"text"`
}

const maxSearchText = 2000 // bytes of text per entry

func (b *builder) addSearch(title, kind, id, url string, text ...string) {
	var parts []string
	for _, t := range text {
		t = strings.Join(strings.Fields(t), " ")
		if t != "" {
			parts = append(parts, t)
		}
	}
	s := strings.Join(parts, " · ")
	if len(s) > maxSearchText {
		cut := maxSearchText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	b.search = append(b.search, searchEntry{Title: title, Kind: kind, ID: id, URL: url, Text: strings.ToValidUTF8(s, "\uFFFD")})
}

// searchIndex writes assets/search-index.js: window.TMC_SEARCH, one entry
// per page, loaded with <script src> so search works from file:// (no
// fetch). The JSON escapes <, > and & (and the patterns neutralize
// handles), so no text of the model reads as markup.
func (b *builder) searchIndex() error {
	if !b.wants("assets/search-index.js") {
		return nil
	}
	data, err := json.Marshal(b.search)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	out.WriteString("// tmc search index: one entry per page of the site.\nwindow.TMC_SEARCH = ")
	out.Write(neutralizeJSON(data))
	out.WriteString(";\n")
	b.add("assets/search-index.js", out.Bytes())
	return nil
}

// safeguardWords are the names of safeguards, for the search index:
// each as written (idempotency_keys) and in words (idempotency keys).
func safeguardWords(ss []ir.SafeguardSource) string {
	var out []string
	seen := map[string]bool{}
	for _, x := range ss {
		if !seen[x.Name] {
			seen[x.Name] = true
			out = append(out, x.Name, words(x.Name))
		}
	}
	return strings.Join(out, " ")
}

// crossingReasons are the reasons of a flow's crosses statements, for the
// search index.
func crossingReasons(f *ir.Flow) string {
	var out []string
	seen := map[*ir.Mark]bool{}
	for _, x := range f.Crossings {
		if x != nil && x.Mark != nil && !seen[x.Mark] {
			seen[x.Mark] = true
			out = append(out, x.Mark.Reason)
		}
	}
	return strings.Join(out, " · ")
}

// SiteModelSchema names model.json.
const SiteModelSchema = "tmc/site-model/v1"

type siteModel struct {
	Schema      string                `json:"schema"`
	Model       json.RawMessage       `json:"model"`
	Diagnostics []diag.JSONDiagnostic `json:"diagnostics"`
	Findings    json.RawMessage       `json:"findings"`
}

// modelJSON writes model.json: the IR (tmc/ir/v1), the diagnostics
// (as in tmc/check/v1) and the findings of the threat rules.
func (b *builder) modelJSON() error {
	if !b.wants("model.json") {
		return nil
	}
	irJSON, err := ir.MarshalJSON(b.m)
	if err != nil {
		return err
	}
	// Paths stay relative to the model root: a zero Printer leaves them as is.
	sm := siteModel{Schema: SiteModelSchema, Model: json.RawMessage(irJSON),
		Diagnostics: (&diag.Printer{}).JSONDiagnostics(b.in.Diags)}
	// The findings are the IR's, written once by ir.MarshalJSON.
	var fromIR struct {
		Findings json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(irJSON, &fromIR); err != nil {
		return err
	}
	sm.Findings = fromIR.Findings
	if len(sm.Findings) == 0 {
		sm.Findings = json.RawMessage("[]")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sm); err != nil {
		return err
	}
	b.add("model.json", neutralizeJSON(buf.Bytes()))
	return nil
}
