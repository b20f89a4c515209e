package cli

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestChecksDocExamples runs the example of every entry of docs/checks.md
// whose console shows `$ tmc check model.tm`: the first tm block of the
// entry's example is model.tm, a go block is written to the path the text names just
// before it ("With `services/x_test.go` containing:"), and the output must
// be what the console block shows, on the date the docs pin
// (2026-11-24). A line "..." in the docs stands for any lines.
func TestChecksDocExamples(t *testing.T) {
	doc, err := os.ReadFile("../../../../docs/checks.md")
	if err != nil {
		t.Fatal(err)
	}
	pinDate(t)
	sections := regexp.MustCompile(`(?m)^## (TM\d+):`).FindAllSubmatchIndex(doc, -1)
	fence := regexp.MustCompile("(?ms)^```(tm|go|json|xml|console)\n(.*?)^```")
	named := regexp.MustCompile("`([^`\\s]+/[^`\\s]+|[^`\\s]+\\.(?:go|json|xml))`[^`]*$")
	// The command of an example: tmc check model.tm, with test results
	// files (named before their blocks) when the entry needs them.
	command := regexp.MustCompile(`^\$ tmc check ((?:--test-results \S+ )*)model\.tm\n`)
	ran := 0
	for i, s := range sections {
		end := len(doc)
		if i+1 < len(sections) {
			end = sections[i+1][0]
		}
		code, body := string(doc[s[2]:s[3]]), doc[s[0]:end]
		if k := strings.Index(string(body), "**Example.**"); k >= 0 {
			body = body[k:] // the "How to fix" part may show a tm line of its own
		}
		files := map[string][]byte{}
		var console string
		var args []string
		for _, m := range fence.FindAllSubmatchIndex(body, -1) {
			lang, text := string(body[m[2]:m[3]]), string(body[m[4]:m[5]])
			switch lang {
			case "tm":
				if _, ok := files["model.tm"]; !ok {
					files["model.tm"] = []byte(text)
				}
			case "go", "json", "xml":
				p := named.FindSubmatch(body[:m[0]])
				if p == nil {
					t.Errorf("%s: a go block without a path named before it", code)
					continue
				}
				files[string(p[1])] = []byte(text)
			case "console":
				if c := command.FindStringSubmatch(text); console == "" && c != nil {
					console = text[len(c[0]):]
					args = append(strings.Fields(c[1]), "model.tm")
				}
			}
		}
		if console == "" || len(files["model.tm"]) == 0 {
			continue
		}
		ran++
		t.Run(code, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, files)
			t.Chdir(dir)
			_, out, _ := run(t, append([]string{"check"}, args...)...)
			if !matchConsole(console, out) {
				t.Errorf("docs/checks.md's %s example prints something else now\n--- docs\n%s--- tmc check model.tm\n%s", code, console, out)
			}
		})
	}
	if ran < 20 {
		t.Errorf("only %d examples ran; is the pattern still right?", ran)
	}
}

// matchConsole reports whether got is want, where a line "..." in want
// matches any number of lines.
func matchConsole(want, got string) bool {
	w := strings.Split(strings.TrimSuffix(want, "\n"), "\n")
	g := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	var match func(i, j int) bool
	match = func(i, j int) bool {
		switch {
		case i == len(w):
			return j == len(g)
		case w[i] == "...":
			for k := j; k <= len(g); k++ {
				if match(i+1, k) {
					return true
				}
			}
			return false
		case j < len(g) && w[i] == g[j]:
			return match(i+1, j+1)
		}
		return false
	}
	return match(0, 0)
}
