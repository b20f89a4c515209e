package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestCIDocs runs the CI recipes of docs/ci.md and README.md as far as
// they can run locally: every tmc command of their GitHub Actions and
// GitLab CI jobs (and of their shell blocks) runs in-process, and their git
// commands run for real, against a temporary git repository with two
// commits of a model in threat-model/ and a remote "origin" whose main
// branch is the first commit. Each tmc command must exit with the status
// the table of docs/ci.md gives, and write what the next step reads (the
// SARIF file, the pieces of the pull-request comment, the site). Commands
// that need a service (gh, curl, go install) are skipped; any other command
// the docs add fails the test until the test knows it.
//
// It runs twice: a change with an unmarked crossing (tmc check and tmc
// build exit 1, the crossing gate fails) and the same change fixed (all
// exit 0).
func TestCIDocs(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed; skipping the test of the CI recipes in docs/ci.md")
	}
	docs := []struct {
		file    string
		section string // only code blocks under this heading; "" all
	}{
		{"docs/ci.md", ""},
		{"README.md", "## In CI"},
	}
	for _, broken := range []bool{true, false} {
		name := "fixed"
		if broken {
			name = "unmarked-crossing"
		}
		t.Run(name, func(t *testing.T) {
			table := ciTable(t)
			total := 0
			for _, doc := range docs {
				src, err := os.ReadFile(filepath.Join(pkgDir, "../../../..", doc.file))
				if err != nil {
					t.Fatal(err)
				}
				blocks := codeBlocks(string(src), doc.section)
				var yamls int
				for _, b := range blocks {
					var scripts []string
					switch b.lang {
					case "yaml", "yml":
						yamls++
						scripts = yamlScripts(b.body)
					case "sh", "bash", "shell":
						scripts = []string{b.body}
					default:
						continue
					}
					ci := newCIRun(t, broken)
					for _, s := range scripts {
						ci.script(s)
					}
					ci.checkOutputs(b.body)
					ci.checkStatuses(table)
					where := fmt.Sprintf("%s:%d", doc.file, b.line)
					if len(ci.ran) == 0 && b.lang != "sh" {
						t.Errorf("%s: no tmc command found in the %s block", where, b.lang)
					}
					for _, r := range ci.ran {
						t.Logf("%s: tmc %s: exit %d", where, strings.Join(r.args, " "), r.code)
					}
					total += len(ci.ran)
					if doc.file == "docs/ci.md" && b.lang == "yaml" {
						// Each recipe checks, comments, gates and publishes.
						for _, want := range [][]string{{"check", "--format", "sarif"}, {"check", "--format", "markdown"}, {"diff", "--fail-on-new-crossing"}, {"build", "-o"}} {
							if !ci.hasRun(want) {
								t.Errorf("%s: no tmc command with %v", where, want)
							}
						}
					}
				}
				if doc.file == "docs/ci.md" && yamls != 2 || doc.file == "README.md" && yamls != 1 {
					t.Errorf("%s: %d YAML blocks, want a GitHub Actions and a GitLab CI recipe in docs/ci.md and a GitHub Actions one in README.md", doc.file, yamls)
				}
			}
			// The table's own commands, after a baseline of the first commit
			// and the test results were written where they expect them.
			ci := newCIRun(t, broken)
			ci.script("git worktree add --detach .tmc-base origin/main\ntmc check --write-baseline .tmc-baseline.json .tmc-base/threat-model\ngo test -json ./... > test-results.json || true")
			for _, row := range table {
				ci.script(row.command)
			}
			ci.checkStatuses(table)
			total += len(ci.ran)
			if total < 20 {
				t.Errorf("only %d tmc commands ran; the docs hold more", total)
			}
		})
	}
}

// A codeBlock is a fenced code block of a Markdown file.
type codeBlock struct {
	lang, body string
	line       int // of the opening fence
}

// codeBlocks returns the fenced code blocks of a Markdown text, only those
// under the heading section when it is not "".
func codeBlocks(text, section string) []codeBlock {
	var out []codeBlock
	var cur *codeBlock
	in := section == ""
	for i, line := range strings.Split(text, "\n") {
		switch {
		case cur != nil && strings.TrimSpace(line) == "```":
			if in {
				out = append(out, *cur)
			}
			cur = nil
		case cur != nil:
			cur.body += line + "\n"
		case strings.HasPrefix(line, "```"):
			cur = &codeBlock{lang: strings.TrimSpace(strings.TrimPrefix(line, "```")), line: i + 1}
		case section != "" && strings.HasPrefix(line, "#"):
			in = strings.TrimSpace(line) == section
		}
	}
	return out
}

// yamlScripts returns the shell scripts of a CI YAML file: the value of
// every run: key (GitHub Actions) and every item of every script,
// before_script and after_script list (GitLab CI). It reads the subset of
// YAML that CI files use: plain scalars, | and > block scalars, lists.
func yamlScripts(body string) []string {
	lines := strings.Split(body, "\n")
	indent := func(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }
	// block returns the block scalar after line i, whose key sits at ind.
	block := func(i, ind int, folded bool) (string, int) {
		var got []string
		j := i + 1
		for ; j < len(lines); j++ {
			if strings.TrimSpace(lines[j]) != "" && indent(lines[j]) <= ind {
				break
			}
			got = append(got, lines[j])
		}
		minInd := -1
		for _, l := range got {
			if strings.TrimSpace(l) != "" && (minInd < 0 || indent(l) < minInd) {
				minInd = indent(l)
			}
		}
		for k, l := range got {
			if len(l) >= minInd && minInd > 0 {
				got[k] = l[minInd:]
			}
		}
		sep := "\n"
		if folded {
			sep = " "
		}
		return strings.TrimSpace(strings.Join(got, sep)) + "\n", j - 1
	}
	isBlock := func(v string) (bool, bool) {
		v = strings.TrimRight(v, "-+")
		return v == "|" || v == ">", v == ">"
	}
	key := regexp.MustCompile(`^(\s*)(- )?([A-Za-z_]+):\s*(.*)$`)
	var out []string
	for i := 0; i < len(lines); i++ {
		m := key.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		ind := len(m[1]) + len(m[2])
		switch name, val := m[3], strings.TrimSpace(m[4]); {
		case name == "run":
			if ok, folded := isBlock(val); ok {
				var s string
				s, i = block(i, ind, folded)
				out = append(out, s)
			} else {
				out = append(out, val+"\n")
			}
		case (name == "script" || name == "before_script" || name == "after_script") && val == "":
			for i+1 < len(lines) {
				l := lines[i+1]
				tl := strings.TrimSpace(l)
				if tl != "" && indent(l) <= ind && !strings.HasPrefix(tl, "- ") {
					break
				}
				i++
				if !strings.HasPrefix(tl, "- ") {
					continue // a comment or a blank line
				}
				item := strings.TrimSpace(strings.TrimPrefix(tl, "- "))
				if ok, folded := isBlock(item); ok {
					var s string
					s, i = block(i, indent(l), folded)
					out = append(out, s)
				} else {
					out = append(out, item+"\n")
				}
			}
		}
	}
	return out
}

// A ciRow is a row of the table at the top of docs/ci.md: a command and
// the exit statuses it documents.
type ciRow struct {
	command, statuses string
}

func ciTable(t *testing.T) []ciRow {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(pkgDir, "../../../../docs/ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| `(tmc [^`]*)` \\| (.*) \\|$")
	var rows []ciRow
	for _, line := range strings.Split(string(src), "\n") {
		if m := row.FindStringSubmatch(line); m != nil {
			rows = append(rows, ciRow{m[1], m[2]})
		}
	}
	if len(rows) < 4 {
		t.Fatalf("docs/ci.md: %d rows in the table of commands and exit statuses", len(rows))
	}
	return rows
}

// A ciRun is the state of one job: the repository it runs in, its shell
// variables and the tmc commands it ran.
type ciRun struct {
	t      *testing.T
	repo   string
	broken bool
	vars   map[string]string
	ran    []ranCmd
	// written records which commit each baseline file was written from:
	// "base" (the first commit, through the .tmc-base worktree) or "head".
	written map[string]string
}

type ranCmd struct {
	args           []string
	code           int
	stdout, stderr string
}

// newCIRun makes the repository of a job: gitRepo's two commits in
// threat-model/ (plus, unless broken, a third that marks the new crossing,
// records a decision for it and adds the files the model names), a remote origin whose main is the first
// commit, and the working directory there.
func newCIRun(t *testing.T, broken bool) *ciRun {
	t.Helper()
	repo := gitRepoWith(t, "threat-model")
	// gitRepo's by-product; CI starts from a clean checkout.
	if err := os.Remove(filepath.Join(repo, "baseline.json")); err != nil {
		t.Fatal(err)
	}
	if !broken {
		tm := filepath.Join(repo, "threat-model", "core.tm")
		src, err := os.ReadFile(tm)
		if err != nil {
			t.Fatal(err)
		}
		const unmarked = `flow refund: psp -> shop.orders "Refund" { protocol https }`
		fixed := strings.Replace(string(src), unmarked, `flow refund: psp -> shop.orders "Refund" {
  protocol https
  crosses vendor, cluster "HMAC signature, as the webhook"
}
decision adr9 "Refunds from the provider" {
  status accepted
  affects shop.orders
}`, 1)
		if fixed == string(src) {
			t.Fatal("gitRepo changed: the refund flow is gone")
		}
		// The test and evidence files the model names, so no error is left.
		copyDir(t, filepath.Join(pkgDir, core), filepath.Join(repo, "threat-model"))
		if err := os.WriteFile(tm, []byte(fixed), 0o644); err != nil {
			t.Fatal(err)
		}
		gitIn(t, repo, "add", "threat-model")
		gitIn(t, repo, "commit", "-q", "-m", "refunds: mark the crossing")
	}
	origin := filepath.Join(t.TempDir(), "origin.git")
	gitIn(t, repo, "init", "-q", "--bare", origin)
	first := "HEAD~1"
	if !broken {
		first = "HEAD~2"
	}
	gitIn(t, repo, "push", "-q", origin, first+":refs/heads/main")
	gitIn(t, repo, "remote", "add", "origin", origin)
	gitIn(t, repo, "fetch", "-q", "origin")
	t.Chdir(repo)
	return &ciRun{t: t, repo: repo, broken: broken, written: map[string]string{}, vars: map[string]string{
		// GitLab's predefined variables; GitHub's expressions are in ghExpr.
		"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
		"CI_PROJECT_URL":                      "https://gitlab.example.com/group/project",
		"CI_COMMIT_SHA":                       "0123456789abcdef0123456789abcdef01234567",
	}}
}

// ghExpr is what the GitHub expressions of the recipes stand for here.
var ghExpr = map[string]string{
	"github.base_ref":   "main",
	"github.repository": "example/project",
	"github.sha":        "0123456789abcdef0123456789abcdef01234567",
}

var (
	ghExprRE     = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)
	tmcInShellRE = regexp.MustCompile(`(^|[;&|{]\s*|then\s+)tmc\s`)
	assignRE     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)
)

// skipped are commands the recipes run that need a service or the
// network: they are not run.
var skipped = []string{"go", "gh", "curl"}

// script runs a shell script of the recipes, line by line: tmc commands
// in-process, git for real, variable assignments, echo, { ... } > FILE
// groups, > FILE redirections, and cmd || cmd. An if ... fi block is
// skipped (it must not run tmc).
func (ci *ciRun) script(s string) {
	t := ci.t
	t.Helper()
	s = strings.ReplaceAll(s, "\\\n", " ")
	var group *bytes.Buffer
	var groupRan []ranCmd
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if unknown := ghExprRE.FindAllStringSubmatch(line, -1); unknown != nil {
			for _, m := range unknown {
				v, ok := ghExpr[m[1]]
				if !ok && strings.Contains(line, "tmc ") {
					t.Fatalf("the test does not know the GitHub expression %q in %q", m[0], line)
				}
				line = strings.ReplaceAll(line, m[0], v)
			}
		}
		words, undefined := ci.lex(line)
		if len(words) == 0 {
			continue
		}
		switch words[0] {
		case "if":
			for ; i < len(lines) && strings.TrimSpace(lines[i]) != "fi"; i++ {
				if tmcInShellRE.MatchString(strings.TrimSpace(lines[i])) {
					t.Fatalf("a tmc command inside an if block, which the test cannot run: %q", lines[i])
				}
			}
			continue
		case "{":
			group, groupRan = &bytes.Buffer{}, nil
			continue
		case "}":
			if group == nil {
				t.Fatalf("} without {: %q", line)
			}
			if len(words) != 3 || words[1] != ">" {
				t.Fatalf("the test knows a group only as { ... } > FILE: %q", line)
			}
			ci.write(words[2], group.Bytes())
			for _, r := range groupRan {
				if strings.TrimSpace(r.stdout) == "" {
					t.Errorf("tmc %s wrote nothing into %s", strings.Join(r.args, " "), words[2])
				}
			}
			group = nil
			continue
		}
		// cmd [|| cmd]...
		code := 0
		for k, cmd := range splitWords(words, "||") {
			if k > 0 && code == 0 {
				break
			}
			var r *ranCmd
			code, r = ci.simple(cmd, group, undefined, line)
			if r != nil && group != nil {
				groupRan = append(groupRan, *r)
			}
		}
	}
	if group != nil {
		t.Fatalf("{ without }")
	}
}

// simple runs one command; its standard output goes to its > FILE, else
// to the enclosing group, else nowhere.
func (ci *ciRun) simple(words []string, group *bytes.Buffer, undefined []string, line string) (int, *ranCmd) {
	t := ci.t
	t.Helper()
	if len(words) == 0 {
		t.Fatalf("empty command in %q", line)
	}
	if slices.Contains(words, "&&") || slices.Contains(words, ";") || slices.Contains(words, "|") {
		t.Fatalf("the test knows only cmd || cmd: %q", line)
	}
	var redirect string
	if i := slices.Index(words, ">"); i >= 0 {
		if i != len(words)-2 {
			t.Fatalf("the test knows > FILE only at the end of a command: %q", line)
		}
		redirect, words = words[i+1], words[:i]
	}
	// The test steps of the test-results recipes: instead of running the
	// tests, they write captured results of a run with a failing test
	// (and fail, as the test command would).
	switch {
	case len(words) > 2 && words[0] == "go" && words[1] == "test" && slices.Contains(words, "-json"):
		if redirect == "" {
			t.Fatalf("go test -json without > FILE: %q", line)
		}
		ci.copyFile(capturedGoJSON, redirect)
		return 1, nil
	case words[0] == "pytest":
		for _, w := range words[1:] {
			if f, ok := strings.CutPrefix(w, "--junitxml="); ok {
				ci.copyFile(capturedPytest, f)
				return 1, nil
			}
		}
		t.Fatalf("pytest without --junitxml=FILE: %q", line)
	}
	if slices.Contains(skipped, words[0]) {
		return 0, nil
	}
	if len(undefined) > 0 {
		t.Fatalf("%q uses variables the test does not define: %v", line, undefined)
	}
	var out []byte
	code := 0
	var r *ranCmd
	switch name := words[0]; {
	case name == "true":
	case name == "echo":
		out = []byte(strings.Join(words[1:], " ") + "\n")
	case name == "git":
		cmd := exec.Command("git", words[1:]...)
		cmd.Dir = ci.repo
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s", line, err, stderr.Bytes())
		}
		out = stdout.Bytes()
	case name == "tmc":
		var stdout, stderr string
		code, stdout, stderr = run(t, words[1:]...)
		out = []byte(stdout)
		ci.ran = append(ci.ran, ranCmd{args: words[1:], code: code, stdout: stdout, stderr: stderr})
		r = &ci.ran[len(ci.ran)-1]
		if i := slices.Index(words, "--write-baseline"); i >= 0 && i+2 < len(words) && code == 0 {
			from := "head"
			if strings.HasPrefix(words[len(words)-1], ".tmc-base/") {
				from = "base"
			}
			ci.written[words[i+1]] = from
		}
	case assignRE.MatchString(name) && len(words) == 1:
		k, v, _ := strings.Cut(name, "=")
		ci.vars[k] = v
	default:
		t.Fatalf("the docs run %q, which this test does not know: run it (or skip it, if it needs a service) in ciRun.simple", line)
	}
	switch {
	case redirect != "":
		ci.write(redirect, out)
	case group != nil:
		group.Write(out)
	}
	return code, r
}

// copyFile writes the file src (relative to this package) to file in the
// repository.
func (ci *ciRun) copyFile(src, file string) {
	ci.t.Helper()
	b, err := os.ReadFile(filepath.Join(pkgDir, src))
	if err != nil {
		ci.t.Fatal(err)
	}
	ci.write(file, b)
}

func (ci *ciRun) write(file string, b []byte) {
	ci.t.Helper()
	if err := os.WriteFile(filepath.Join(ci.repo, file), b, 0o644); err != nil {
		ci.t.Fatal(err)
	}
}

// splitWords splits words at every sep.
func splitWords(words []string, sep string) [][]string {
	var out [][]string
	cur := []string{}
	for _, w := range words {
		if w == sep {
			out = append(out, cur)
			cur = []string{}
			continue
		}
		cur = append(cur, w)
	}
	return append(out, cur)
}

// lex splits a shell line into words: quotes removed, $VAR and ${VAR}
// expanded outside single quotes, # comments dropped; ||, &&, ;, |, >, {
// and } are words of their own. It returns the names of variables it does
// not know.
func (ci *ciRun) lex(line string) ([]string, []string) {
	var words, undefined []string
	var cur strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			words = append(words, cur.String())
			cur.Reset()
			inWord = false
		}
	}
	expand := func(s string, i int) int { // s[i] == '$'; returns the index after the reference
		j := i + 1
		braced := j < len(s) && s[j] == '{'
		if braced {
			j++
		}
		k := j
		for k < len(s) && (s[k] == '_' || s[k] >= 'A' && s[k] <= 'Z' || s[k] >= 'a' && s[k] <= 'z' || s[k] >= '0' && s[k] <= '9') {
			k++
		}
		if k == j {
			cur.WriteByte('$')
			return i + 1
		}
		name := s[j:k]
		if braced {
			k++ // }
		}
		if v, ok := ci.vars[name]; ok {
			cur.WriteString(v)
		} else {
			undefined = append(undefined, name)
		}
		return k
	}
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			flush()
			i++
		case c == '#' && !inWord:
			return words, undefined
		case c == '\'':
			inWord = true
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				ci.t.Fatalf("unterminated quote: %q", line)
			}
			cur.WriteString(line[i+1 : i+1+j])
			i += j + 2
		case c == '"':
			inWord = true
			i++
			for i < len(line) && line[i] != '"' {
				switch {
				case line[i] == '\\' && i+1 < len(line):
					cur.WriteByte(line[i+1])
					i += 2
				case line[i] == '$':
					i = expand(line, i)
				default:
					cur.WriteByte(line[i])
					i++
				}
			}
			if i >= len(line) {
				ci.t.Fatalf("unterminated quote: %q", line)
			}
			i++
		case c == '$':
			inWord = true
			i = expand(line, i)
		case c == '\\' && i+1 < len(line):
			inWord = true
			cur.WriteByte(line[i+1])
			i += 2
		case strings.HasPrefix(line[i:], "||") || strings.HasPrefix(line[i:], "&&"):
			flush()
			words = append(words, line[i:i+2])
			i += 2
		case c == ';' || c == '|' || c == '>' || (c == '{' || c == '}') && !inWord:
			flush()
			words = append(words, string(c))
			i++
		default:
			inWord = true
			cur.WriteByte(c)
			i++
		}
	}
	flush()
	return words, undefined
}

func (ci *ciRun) hasRun(want []string) bool {
	for _, r := range ci.ran {
		ok := true
		for _, w := range want {
			ok = ok && slices.Contains(r.args, w)
		}
		if ok && r.args[0] == want[0] {
			return true
		}
	}
	return false
}

// expected is the exit status of a tmc command in this scenario: the
// change (HEAD) adds an unmarked crossing, or marks it and records a
// decision.
func (ci *ciRun) expected(args []string) int {
	fail := 0
	if ci.broken {
		fail = 1
	}
	switch args[0] {
	case "check":
		if slices.Contains(args, "--write-baseline") {
			return 0
		}
		if i := slices.Index(args, "--baseline"); i >= 0 && ci.written[args[i+1]] == "head" {
			return 0 // everything recorded
		}
		return fail
	case "diff":
		if slices.Contains(args, "--fail-on-new-crossing") {
			return fail
		}
		return 0
	case "build":
		return fail // built, with the check errors shown
	case "fmt":
		// The scenario's model is core.tm, whose trailing comments are
		// aligned by hand: tmc fmt --check lists it.
		if slices.Contains(args, "--check") {
			return 1
		}
	}
	ci.t.Fatalf("the test does not know what tmc %s should do", strings.Join(args, " "))
	return -1
}

// checkStatuses checks every tmc command's exit status against the
// scenario and against the table of docs/ci.md: the row of the same
// command (and the same baseline flags) must document that status.
func (ci *ciRun) checkStatuses(table []ciRow) {
	t := ci.t
	t.Helper()
	mode := func(args []string) string {
		m := args[0]
		for _, f := range []string{"--baseline", "--write-baseline"} {
			if slices.Contains(args, f) {
				m += " " + f
			}
		}
		return m
	}
	for _, r := range ci.ran {
		want := ci.expected(r.args)
		if r.code != want {
			t.Errorf("tmc %s: exit %d, want %d\n%.2000s%.1000s", strings.Join(r.args, " "), r.code, want, r.stdout, r.stderr)
		}
		var row *ciRow
		for i := range table {
			if mode(strings.Fields(table[i].command)[1:]) == mode(r.args) {
				row = &table[i]
			}
		}
		switch {
		case row == nil:
			t.Errorf("docs/ci.md: the table has no row for tmc %s", mode(r.args))
		case !regexp.MustCompile(fmt.Sprintf(`(^|[^0-9])%d([^0-9]|$)`, want)).MatchString(row.statuses):
			t.Errorf("docs/ci.md: the table's row for %s does not document exit %d: %q", row.command, want, row.statuses)
		}
	}
}

// checkOutputs checks that what the later steps of a recipe read exists:
// SARIF for code scanning, the comment, the artifacts, the site.
func (ci *ciRun) checkOutputs(body string) {
	t := ci.t
	t.Helper()
	var files []string
	for _, re := range []string{
		`sarif_file:\s*([\w./-]+)`, `--body-file\s+([\w./-]+)`, `body@([\w./-]+)`,
		`(?m)^\s*path:\s*([\w./-]+)`, `>\s*([\w./-]+\.(?:sarif|md|json))\b`, ` -o\s+([\w./-]+)`,
	} {
		for _, m := range regexp.MustCompile(re).FindAllStringSubmatch(body, -1) {
			files = append(files, m[1])
		}
	}
	for _, m := range regexp.MustCompile(`paths:\s*\[([^\]]*)\]`).FindAllStringSubmatch(body, -1) {
		for _, f := range strings.Split(m[1], ",") {
			files = append(files, strings.TrimSpace(f))
		}
	}
	slices.Sort(files)
	for _, f := range slices.Compact(files) {
		p := filepath.Join(ci.repo, f)
		info, err := os.Stat(p)
		if err != nil {
			t.Errorf("a later step reads %s, which no command wrote: %v", f, err)
			continue
		}
		if info.IsDir() {
			if _, err := os.Stat(filepath.Join(p, "index.html")); err != nil {
				t.Errorf("the site %s has no index.html: %v", f, err)
			}
			continue
		}
		b, _ := os.ReadFile(p)
		switch filepath.Ext(f) {
		case ".sarif":
			var doc struct {
				Version string
				Runs    []json.RawMessage
			}
			if err := json.Unmarshal(b, &doc); err != nil || doc.Version != "2.1.0" || len(doc.Runs) != 1 {
				t.Errorf("%s is not SARIF 2.1.0 (%v):\n%.300s", f, err, b)
			}
		case ".json":
			var doc struct{ Schema string }
			if strings.Contains(body, "go test -json ./... > "+f) {
				continue // test results, read by tmc check --test-results
			}
			if err := json.Unmarshal(b, &doc); err != nil || !strings.HasPrefix(doc.Schema, "tmc/") {
				t.Errorf("%s is not a tmc JSON document (%v):\n%.300s", f, err, b)
			}
		case ".md":
			if !bytes.HasPrefix(b, []byte("## tmc: ")) {
				t.Errorf("%s does not start with the check summary:\n%s", f, b)
			}
			if bytes.Contains([]byte(body), []byte("--baseline .tmc-base.json")) && !bytes.Contains(b, []byte("### New and fixed problems")) {
				t.Errorf("%s: the summary against the base branch lacks the new and fixed problems:\n%s", f, b)
			}
			if bytes.Contains([]byte(body), []byte("tmc diff")) && !bytes.Contains(b, []byte("## Threat model changes")) {
				t.Errorf("%s lacks the diff:\n%s", f, b)
			}
		}
	}
}
