package lsp

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"

	"github.com/tmc-dev/tmc/dsl"
)

// TestTextMateGrammar checks docs/editors/tm.tmLanguage.json, the
// highlighting for editors without the server: it is valid JSON, every
// pattern compiles (Go's regexp accepts the subset of Oniguruma it
// uses), and its keyword pattern covers every keyword of the language.
func TestTextMateGrammar(t *testing.T) {
	b, err := os.ReadFile("../../../../docs/editors/tm.tmLanguage.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		ScopeName  string                     `json:"scopeName"`
		FileTypes  []string                   `json:"fileTypes"`
		Repository map[string]json.RawMessage `json:"repository"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("not valid JSON: %v", err)
	}
	if g.ScopeName != "source.tm" || len(g.FileTypes) != 1 || g.FileTypes[0] != "tm" {
		t.Errorf("scopeName %q, fileTypes %v", g.ScopeName, g.FileTypes)
	}
	// Every match, begin and end compiles.
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, y := range x {
				if s, ok := y.(string); ok && (k == "match" || k == "begin" || k == "end") {
					if _, err := regexp.Compile(s); err != nil {
						t.Errorf("pattern %q: %v", s, err)
					}
				}
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	var all any
	json.Unmarshal(b, &all)
	walk(all)

	var kw struct {
		Match string `json:"match"`
	}
	if err := json.Unmarshal(g.Repository["keyword"], &kw); err != nil || kw.Match == "" {
		t.Fatalf("no keyword pattern: %v", err)
	}
	re := regexp.MustCompile("^(?:" + kw.Match + ")$")
	for _, k := range dsl.AllKeywords() {
		if !re.MatchString(k) {
			t.Errorf("the grammar does not highlight the keyword %q", k)
		}
	}
	for _, name := range []string{"shop", "orders", "flows", "datum"} {
		if re.MatchString(name) {
			t.Errorf("the grammar highlights %q, not a keyword", name)
		}
	}
}
