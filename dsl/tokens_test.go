package dsl_test

import (
	"slices"
	"testing"

	"github.com/tmc-dev/tmc/dsl"
)

func TestTokens(t *testing.T) {
	src := "# héllo\nboundary b \"Zöne\" { trust low } // end\nflow a -> b\n"
	toks := dsl.Tokens([]byte(src))
	var kinds []dsl.TokenKind
	for _, tk := range toks {
		kinds = append(kinds, tk.Kind)
		if tk.Kind != dsl.TokenError && src[tk.Start.Offset:tk.End.Offset] != tk.Value {
			t.Errorf("token %q spans %q", tk.Value, src[tk.Start.Offset:tk.End.Offset])
		}
	}
	want := []dsl.TokenKind{dsl.TokenComment, dsl.TokenIdent, dsl.TokenIdent, dsl.TokenString, dsl.TokenPunct,
		dsl.TokenIdent, dsl.TokenIdent, dsl.TokenPunct, dsl.TokenComment, dsl.TokenIdent, dsl.TokenIdent, dsl.TokenPunct, dsl.TokenIdent}
	if !slices.Equal(kinds, want) {
		t.Fatalf("kinds %v, want %v", kinds, want)
	}
	// Columns count code points: "Zöne" is 6 code points with its quotes.
	if s := toks[3]; s.Start.Col != 12 || s.End.Col != 18 {
		t.Errorf("string at columns %d-%d, want 12-18", s.Start.Col, s.End.Col)
	}
}

func TestKeywords(t *testing.T) {
	all := dsl.AllKeywords()
	for _, w := range []string{"boundary", "crosses", "carries", "trust", "over", "mitigated_by", "dfd", "safeguards"} {
		if !slices.Contains(all, w) {
			t.Errorf("AllKeywords lacks %q", w)
		}
	}
	if !slices.IsSorted(all) {
		t.Error("AllKeywords is not sorted")
	}
	if k := dsl.Keywords("flow"); !slices.Contains(k, "crosses") || slices.Contains(k, "trust") {
		t.Errorf("flow keywords %v", k)
	}
	if dsl.Keywords("nonsense") != nil {
		t.Error("an unknown block has keywords")
	}
}
