package dsl

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// tmBlocks returns the ```tm blocks of README.md and docs/*.md, by
// file:line of their first line.
func tmBlocks(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "../README.md")
	block := regexp.MustCompile("(?ms)^```tm\n(.*?)^```")
	out := map[string][]byte{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range block.FindAllSubmatchIndex(data, -1) {
			line := 1 + strings.Count(string(data[:m[2]]), "\n")
			out[fmt.Sprintf("%s:%d", filepath.Base(file), line)] = data[m[2]:m[3]]
		}
	}
	if len(out) < 30 {
		t.Fatalf("only %d tm examples found; is the pattern still right?", len(out))
	}
	return out
}

// TestDocExamplesFormatted checks that every ```tm block of README.md and
// docs/*.md that parses is in tmc fmt's layout (the blocks of the syntax
// codes in docs/checks.md that are meant not to parse are left out).
func TestDocExamplesFormatted(t *testing.T) {
	n := 0
	for at, src := range tmBlocks(t) {
		out, err := Format("example.tm", src)
		if err != nil {
			continue
		}
		n++
		if !bytes.Equal(out, src) {
			t.Errorf("%s: example is not formatted; tmc fmt gives:\n%s", at, out)
		}
	}
	t.Logf("%d tm examples formatted", n)
}

// TestDocExamplesParse parses every ```tm block of README.md and docs/*.md:
// the language reference and the guides must show text tmc reads. Only
// the entries of docs/checks.md for the syntax codes (TM1xx) may show a
// block that does not parse, and then it must fail with that code.
func TestDocExamplesParse(t *testing.T) {
	files, err := filepath.Glob("../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "../README.md")
	block := regexp.MustCompile("(?ms)^```tm\n(.*?)^```")
	heading := regexp.MustCompile(`(?m)^## (TM\d+):`)
	total := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range block.FindAllSubmatchIndex(data, -1) {
			total++
			src := data[m[2]:m[3]]
			line := 1 + strings.Count(string(data[:m[2]]), "\n")
			want := "" // the code of the docs/checks.md entry the block is in
			if hs := heading.FindAllSubmatch(data[:m[0]], -1); len(hs) > 0 && strings.HasPrefix(string(hs[len(hs)-1][1]), "TM1") {
				want = string(hs[len(hs)-1][1])
			}
			_, ds := Parse("example.tm", src)
			var codes []string
			for _, d := range ds {
				codes = append(codes, d.Code)
			}
			switch {
			case want == "" && len(ds) > 0:
				t.Errorf("%s:%d: example does not parse: %v", filepath.Base(file), line, ds)
			case want != "" && len(ds) > 0 && !strings.Contains(strings.Join(codes, " "), want):
				t.Errorf("%s:%d: example in the %s entry fails with %v", filepath.Base(file), line, want, codes)
			}
		}
	}
	if total < 30 {
		t.Errorf("only %d tm examples found; is the pattern still right?", total)
	}
	t.Logf("%d tm examples", total)
}
