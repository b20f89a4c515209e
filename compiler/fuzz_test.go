package compiler_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// checkSeeds exercise resolution and the checks, besides broken syntax.
var checkSeeds = []string{
	"",
	// The facts threat rules read, right and wrong.
	"runtime r \"R\" { type host }\ndata d { classification internal integrity critical availability archive }\n" +
		"system s { container c { technology api stores d processes d accepts json, files runs_on r custom_developed criticality important } }\n" +
		"flow q: s.c -> s \"q\" { authentication token authorization end_user_identity usage business }\n" +
		"flow a: s -> s.c \"a\" { response_to q readonly vpn ip_filtered auth \"anonymous\" }",
	"runtime r { type hots }\nsystem s { runs_on s stores r out_of_scope \"\" technology databse }\nflow a: s -> s { response_to a }\nflow b: s -> s { response_to b response_to a }",
	"flow x: a -> b { response_to x }\nruntime a\nruntime b\nboundary z { type netwrk trust high }",
	`boundary b "B" { trust high }`,
	`boundary b "B" { trust high } boundary b "B2" { trust low }`,
	`boundary a "A" in b { trust high }` + "\n" + `boundary b "B" in a { trust high }`,
	`boundary a "A" in a { trust high }`,
	`boundary a "A" { trust high boundary b "B" in a { trust low } }`,
	`boundary a "A" { trust nope }`,
	"system s in b { container c }\nsystem t in b { container c }\nflow c -> c \"x\"",
	"system s { container c { component k } }\nflow s.c.k -> s \"x\"\nflow s.c.k -> s \"y\"",
	"person p in p { }\ncomponent k\ncontainer c\nsystem s { system t { } }",
	"extend x { container c }\nextend x.c { component k }\nsystem x { }",
	"extend a { } extend b { }",
	"data d \"D\" { classification secret pii pii }\nflow a -> b { carries d, d, e }",
	"boundary i \"I\" { trust untrusted }\nboundary j \"J\" { trust high }\nperson p in i\nsystem s in j\nflow p -> s \"x\"\nflow q: s -> p \"y\" { crosses i, j \"r\" crosses i \"again\" crosses k \"\" }",
	"threat t \"T\" { stride spoofing, nope on a -> b impact 0 likelihood 6 mitigated_by k accepted \"r\" by \"o\" until 2020-02-30 }",
	"threat t \"T\" { on t stride spoofing impact 5 likelihood 5 }\ncontrol k \"K\" { status implemented test \"../x_test.go:TestX\" evidence \"/etc/passwd\" evidence \"C:\\\\x\" }",
	"control k \"K\" { status verified test \"services/gateway/auth_test.go:TestAuth\" evidence \"docs/adr\" }",
	"decision d \"D\" { status accepted file \"docs/adr/0008-opaque-tokens.md\" affects nope }",
	"view dfd \"x\" { dfd }\nview context \"y\" { context }\nview v { container of nope component of nope include nope.* exclude nope.** }",
	"system s { container c }\nview v { dfd context container of s.c component of s }",
	"sequence s { a -> b \"x\" alt { c --> d } else { } note over e, f \"n\" }",
	"sequence s { } sequence s { }",
	"model \"M\" { reviewed 2020-01-01 }\nmodel \"N\" { reviewed 2020-01-01 }",
	"model \"M\" { reviewed 2031-01-01 owner \"o\" owner \"p\" }",
	"boundary a { trust high }\nsystem s in a { container c }\nthreat t { on a stride tampering impact 4 likelihood 4 }\nthreat u { on s stride tampering impact 4 likelihood 4 }\nthreat v { on s.c stride tampering impact 4 likelihood 4 }",
	"system data in note { container alt }\nflow data -> data.alt \"x\"",
	"control p { status planned } control i { status implemented test \"t_test.go:TestT\" } control v { status verified evidence \"e.md\" }\nsystem s\nthreat a { on s stride spoofing impact 5 likelihood 5 mitigated_by p }\nthreat b { on s stride spoofing impact 4 likelihood 4 mitigated_by i, v, nope }",
	"system s { container c }\naccept \"TMR-D01@s.c\" { reason \"r\" owner \"o\" until 2020-01-01 }\nthreat t { on s.c stride spoofing impact 5 likelihood 5 claims \"TMR-D01@s.c\", \"X@y\" }",
	"system s { container c container d }\naccept \"TMR-D01@s.*\" { reason \"r\" owner \"o\" until 2030-01-01 }\naccept \"TMR-D01@*\" { reason \"r\" owner \"o\" until 2020-01-01 }\naccept \"*@*\" { }",
}

var fuzzNow = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

// FuzzCheck compiles arbitrary bytes as a one-file model rooted at the core
// example's folder: it must not panic, diagnostics must come sorted, with
// valid codes and positions inside the file, and a second run, from
// memory (LoadTree), must agree.
func FuzzCheck(f *testing.F) {
	root, err := filepath.Abs("testdata/core")
	if err != nil {
		f.Fatal(err)
	}
	core, err := os.ReadFile(filepath.Join(root, "core.tm"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(core)
	f.Add([]byte(strings.ReplaceAll(string(core), "\n", "\r\n")))
	f.Add(append([]byte("\xef\xbb\xbf"), core...))
	f.Add(core[:len(core)*2/3])
	for _, s := range checkSeeds {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		`boundary b "B { trust high }`,
		`model "M" { description """` + "\n  text\n" + `}`,
		"boundary b \"B\" {\r\n  trust high\r\n}\r\n",
		"boundary b\xff \"B\" { trust high }\x00",
		"boundary b " + strings.Repeat("{ boundary b ", 70) + strings.Repeat("}", 71),
		"}}}}{{{{",
	} {
		f.Add([]byte(s))
	}
	opts := compiler.Options{Now: fuzzNow}
	tree := compiler.Tree{}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".tm") {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		tree[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		res := compileWithin(t, fuzzLimit, func() *compiler.Result { return compiler.ParseFile(root, "fuzz.tm", src, opts) })
		if res == nil || res.Model == nil {
			t.Fatal("ParseFile returned no model")
		}
		lc := newPosTable(src)
		for i, d := range res.Diags {
			checkCompilerDiag(t, lc, d)
			if i > 0 && diagLess(d, res.Diags[i-1]) {
				t.Errorf("diagnostics not sorted: %v before %v", res.Diags[i-1], d)
			}
		}
		// The second run holds the model in memory, as tmc diff does:
		// fuzz.tm beside the files of the core folder.
		tree["fuzz.tm"] = src
		loaded, err := compiler.LoadTree(root, tree)
		if err != nil {
			t.Fatal(err)
		}
		again := compiler.CompileSource(loaded, opts)
		if a, b := renderDiags(res.Diags), renderDiags(again.Diags); a != b {
			t.Errorf("on disk and in memory disagree:\n%s\n----\n%s", a, b)
		}
	})
}

// fuzzLimit is how long one input may take to compile. Inputs are small
// (the fuzzer keeps them under a few kilobytes), so anything near this is
// a hang or super-linear work, not a big model.
const fuzzLimit = 10 * time.Second

// compileWithin runs compile and fails the test when it takes longer than
// limit, so the fuzzer records an input that hangs instead of stalling on
// it until -fuzztime runs out.
func compileWithin(t *testing.T, limit time.Duration, compile func() *compiler.Result) *compiler.Result {
	t.Helper()
	done := make(chan *compiler.Result, 1)
	go func() { done <- compile() }()
	select {
	case res := <-done:
		return res
	case <-time.After(limit):
		t.Fatalf("compiling took more than %v", limit)
		return nil
	}
}

// diagLess is the order diag.Diagnostics.Sort promises.
func diagLess(a, b *diag.Diagnostic) bool { return diag.Less(a, b) }

// renderDiags prints everything a diagnostic says, positions included.
func renderDiags(ds diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%v %s-%s | %s | %s | %s\n", d, posKey(d.Subject.Start), posKey(d.Subject.End), d.Summary, d.Detail, d.Fix)
		for _, n := range d.Related {
			fmt.Fprintf(&b, "  %s:%s-%s %s\n", n.Range.File, posKey(n.Range.Start), posKey(n.Range.End), n.Message)
		}
	}
	return b.String()
}

func posKey(p diag.Pos) string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

var tmCode = regexp.MustCompile(`^TM\d\d\d$`)

func checkCompilerDiag(t *testing.T, lc *posTable, d *diag.Diagnostic) {
	t.Helper()
	if !tmCode.MatchString(d.Code) {
		t.Errorf("diagnostic %v: bad code %q", d, d.Code)
	}
	if d.Summary == "" {
		t.Errorf("diagnostic %v has no summary", d)
	}
	if d.Subject.File != "fuzz.tm" {
		t.Errorf("diagnostic %v: file %q, want fuzz.tm", d, d.Subject.File)
	}
	if msg := lc.check(d.Subject); msg != "" {
		t.Errorf("diagnostic %v: %s", d, msg)
	}
	for _, n := range d.Related {
		if n.Range.File != "fuzz.tm" {
			t.Errorf("diagnostic %v: note %q in file %q", d, n.Message, n.Range.File)
			continue
		}
		if msg := lc.check(n.Range); msg != "" {
			t.Errorf("diagnostic %v: note %q: %s", d, n.Message, msg)
		}
	}
}

// posTable maps byte offsets to the line and column the lexer gives them
// (columns in code points, an invalid byte counting as one, a leading
// byte-order mark not counted); -1 marks offsets inside a UTF-8 sequence.
type posTable struct {
	n         int
	bom       int
	line, col []int
}

func newPosTable(src []byte) *posTable {
	pt := &posTable{n: len(src), line: make([]int, len(src)+1), col: make([]int, len(src)+1)}
	if len(src) >= 3 && string(src[:3]) == "\uFEFF" {
		pt.bom = 3
	}
	line, col := 1, 1
	off := pt.bom
	for k := 0; k < off; k++ {
		pt.line[k], pt.col[k] = -1, -1
	}
	for {
		pt.line[off], pt.col[off] = line, col
		if off == len(src) {
			return pt
		}
		if src[off] == '\n' {
			line, col, off = line+1, 1, off+1
			continue
		}
		_, size := utf8.DecodeRune(src[off:])
		for k := 1; k < size; k++ {
			pt.line[off+k], pt.col[off+k] = -1, -1
		}
		off += size
		col++
	}
}

func (pt *posTable) pos(p diag.Pos) string {
	switch {
	case p.Offset < 0 || p.Offset > pt.n:
		return fmt.Sprintf("offset %d outside the file (%d bytes)", p.Offset, pt.n)
	case pt.line[p.Offset] < 0:
		return fmt.Sprintf("offset %d inside a UTF-8 sequence or the byte-order mark", p.Offset)
	case p.Line != pt.line[p.Offset] || p.Col != pt.col[p.Offset]:
		return fmt.Sprintf("%d:%d does not match offset %d (%d:%d)", p.Line, p.Col, p.Offset, pt.line[p.Offset], pt.col[p.Offset])
	}
	return ""
}

// check returns what is wrong with r, or "". A range with no start is
// fine (a diagnostic about a whole file) if it has no end either.
func (pt *posTable) check(r diag.Range) string {
	if !r.Start.IsValid() {
		if r.Start != (diag.Pos{}) || r.End != (diag.Pos{}) {
			return "range without a start has other fields set"
		}
		return ""
	}
	if msg := pt.pos(r.Start); msg != "" {
		return "start: " + msg
	}
	if msg := pt.pos(r.End); msg != "" {
		return "end: " + msg
	}
	if r.End.Offset < r.Start.Offset {
		return "end before start"
	}
	return ""
}
