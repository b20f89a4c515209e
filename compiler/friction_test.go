package compiler_test

import (
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/tmc-dev/tmc/compiler"
)

// TestSequenceFixChecksClean applies the help of every TM401 in
// testdata/checks/friction_sequence_crossing.txtar: the flows it suggests
// must leave no TM401 and no TM301 behind (before issue 15 the suggested
// flow lacked its crosses line, so the fix traded a warning for an error).
func TestSequenceFixChecksClean(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/checks/friction_sequence_crossing.txtar")
	if err != nil {
		t.Fatal(err)
	}
	tree := compiler.Tree{}
	for _, f := range ar.Files {
		if f.Name != "diagnostics" {
			tree[f.Name] = f.Data
		}
	}
	compile := func() *compiler.Result {
		src, err := compiler.LoadTree("/m", tree)
		if err != nil {
			t.Fatal(err)
		}
		return compiler.CompileSource(src, compiler.Options{Now: today})
	}
	var fixes []string
	for _, d := range compile().Diags {
		if d.Code == "TM401" {
			if d.Fix == "" {
				t.Fatalf("TM401 without help: %s", d.Summary)
			}
			fixes = append(fixes, strings.ReplaceAll(d.Fix, "<how trust is established>", "mTLS"))
		}
	}
	if len(fixes) != 3 {
		t.Fatalf("want 3 TM401, got %d", len(fixes))
	}
	tree["model.tm"] = append(tree["model.tm"].([]byte), []byte(strings.Join(fixes, "\n")+"\n")...)
	for _, d := range compile().Diags {
		if d.Code == "TM401" || d.Code == "TM301" || d.Severity.String() == "error" {
			t.Errorf("after applying the help: %s[%s] %s", d.Severity, d.Code, d.Summary)
		}
	}
}
