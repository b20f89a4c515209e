package dsl_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/tmc-dev/tmc/compiler/synth"
	"github.com/tmc-dev/tmc/dsl"
)

// update rewrites golden files instead of comparing: TMC_UPDATE=1 go test ./dsl
var update = os.Getenv("TMC_UPDATE") != ""

// astText prints a file's declarations without positions: what formatting
// must keep. Node (the tokens, which know their positions) is left out;
// every other field is printed with its name.
func astText(f *dsl.File) string {
	var b strings.Builder
	for i := range f.Decls {
		writeAST(&b, reflect.ValueOf(f.Decls[i]), 0)
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "broken %q\n", f.Broken)
	return b.String()
}

func writeAST(b *strings.Builder, v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		writeAST(b, v.Elem(), depth)
	case reflect.Slice:
		b.WriteString("[")
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			writeAST(b, v.Index(i), depth+1)
		}
		b.WriteString("]")
	case reflect.Struct:
		t := v.Type()
		b.WriteString(t.Name() + "{")
		for i := 0; i < v.NumField(); i++ {
			if !t.Field(i).IsExported() || t.Field(i).Type == nodeType || v.Field(i).IsZero() {
				continue
			}
			b.WriteString(" " + t.Field(i).Name + ":")
			writeAST(b, v.Field(i), depth+1)
		}
		b.WriteString(" }")
	default:
		fmt.Fprintf(b, "%q", fmt.Sprint(v.Interface()))
	}
}

func commentTexts(f *dsl.File) []string {
	var out []string
	for _, c := range f.Comments {
		out = append(out, c.Text)
	}
	return out
}

// checkFormat formats src and checks what holds for every input: a file
// with syntax errors is refused with them; any other file formats to text
// that parses without error to the same AST, keeps every comment (count
// and text, in order), ends in one newline, and formats to itself. It
// returns the formatted text, or nil for a refusal.
func checkFormat(t *testing.T, name string, src []byte) []byte {
	t.Helper()
	orig := string(src)
	out, err := dsl.Format(name, src)
	if string(src) != orig {
		t.Fatalf("%s: Format modified its input", name)
	}
	before, diags := dsl.ParseWithComments(name, src)
	if err != nil {
		var se *dsl.SyntaxError
		if !errors.As(err, &se) || !se.Diags.HasErrors() {
			t.Fatalf("%s: Format failed without syntax errors: %v", name, err)
		}
		if !diags.HasErrors() {
			t.Fatalf("%s: Format refused a file that parses: %v", name, err)
		}
		return nil
	}
	if diags.HasErrors() {
		t.Fatalf("%s: Format accepted a file with syntax errors: %v", name, diags)
	}
	after, diags := dsl.ParseWithComments(name, out)
	if len(diags) > 0 {
		t.Fatalf("%s: the formatted file does not parse: %v\n%s", name, diags, out)
	}
	if a, b := astText(before), astText(after); a != b {
		t.Fatalf("%s: formatting changed the AST:\nbefore: %s\nafter:  %s\nformatted:\n%s", name, a, b, out)
	}
	if a, b := commentTexts(before), commentTexts(after); !reflect.DeepEqual(a, b) {
		t.Fatalf("%s: formatting changed the comments:\nbefore: %q\nafter:  %q", name, a, b)
	}
	if len(out) > 0 && (!bytes.HasSuffix(out, []byte("\n")) || bytes.HasSuffix(out, []byte("\n\n"))) {
		t.Fatalf("%s: formatted file does not end in exactly one newline: %q", name, out)
	}
	again, err := dsl.Format(name, out)
	if err != nil {
		t.Fatalf("%s: formatting the formatted file: %v", name, err)
	}
	if !bytes.Equal(again, out) {
		t.Fatalf("%s: formatting is not idempotent:\nonce:\n%s\ntwice:\n%s", name, out, again)
	}
	return out
}

// TestFormat runs the cases of testdata/format/*.txtar: in.tm formats to
// out.tm (TMC_UPDATE=1 rewrites out.tm), and out.tm to itself.
func TestFormat(t *testing.T) {
	cases, err := filepath.Glob("testdata/format/*.txtar")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, path := range cases {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var in []byte
			want := -1
			for i, f := range ar.Files {
				switch f.Name {
				case "in.tm":
					in = f.Data
				case "out.tm":
					want = i
				}
			}
			got := checkFormat(t, path, in)
			if got == nil {
				t.Fatalf("refused: %v", got)
			}
			if update {
				if want < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: "out.tm"})
					want = len(ar.Files) - 1
				}
				ar.Files[want].Data = got
				if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want < 0 {
				t.Fatalf("no out.tm section; run with TMC_UPDATE=1")
			}
			if !bytes.Equal(got, ar.Files[want].Data) {
				t.Errorf("formatted:\n%s\nwant:\n%s", got, ar.Files[want].Data)
			}
		})
	}
}

// TestFormatBytes covers what a txtar archive cannot hold: line endings,
// a byte-order mark, files without a final newline.
func TestFormatBytes(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"\n\n\n", ""},
		{"# only\n\n\n# comments", "# only\n\n# comments\n"},
		{"boundary b \"B\" {\r\n  trust high\r\n}\r\n", "boundary b \"B\" {\n  trust high\n}\n"},
		{"\uFEFFboundary b \"B\" {trust high}", "\uFEFFboundary b \"B\" { trust high }\n"},
		{"model \"M\" {\r\n  description \"\"\"\r\n    a\r\n  \"\"\"\r\n}", "model \"M\" {\n  description \"\"\"\r\n    a\r\n  \"\"\"\n}\n"},
		{"boundary b \"B\" { trust high } # note\r\n", "boundary b \"B\" { trust high }  # note\n"},
		{"boundary b \"B\" {\n\ttrust high\t\t// tabs\n}", "boundary b \"B\" {\n  trust high  // tabs\n}\n"},
	} {
		got := checkFormat(t, "bytes.tm", []byte(c.in))
		if string(got) != c.want {
			t.Errorf("Format(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestFormatRefuses checks that a file with syntax errors is refused with
// the parse diagnostics, whatever kind of error it holds.
func TestFormatRefuses(t *testing.T) {
	for _, c := range []struct{ src, code string }{
		{`boundary b "B" { trust high`, "TM101"},
		{`boundary b "B { trust high }`, "TM101"},
		{"system s { containr c { } }", "TM102"},
		{"boundary b \"B\" { trust high }\nsystem s { tech }", "TM101"},
		{"threat t { impact 1a }", "TM101"},
		{string(make([]byte, dsl.MaxFileSize+1)), "TM100"},
	} {
		out, err := dsl.Format("bad.tm", []byte(c.src))
		var se *dsl.SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Format(%.40q) = %q, %v; want a *SyntaxError", c.src, out, err)
			continue
		}
		if out != nil || se.Diags[0].Code != c.code || !strings.Contains(err.Error(), c.code) {
			t.Errorf("Format(%.40q): %v (output %q); want %s", c.src, err, out, c.code)
		}
	}
}

// TestFormatRoundTrip formats every .tm input of the repository (files,
// txtar archives, the fuzz corpus), a synthetic model and the fuzz seeds:
// see checkFormat for what must hold.
func TestFormatRoundTrip(t *testing.T) {
	srcs := repoSources(t)
	for name, b := range synth.Generate(300) {
		if strings.HasSuffix(name, ".tm") {
			srcs["synth/"+name] = b
		}
	}
	for i, s := range fuzzSeeds {
		srcs[fmt.Sprintf("seed-%d", i)] = []byte(s)
	}
	formatted, refused := 0, 0
	for name, src := range srcs {
		if checkFormat(t, name, src) == nil && len(src) > 0 {
			refused++
		} else {
			formatted++
		}
	}
	if formatted < 100 {
		t.Errorf("only %d inputs formatted (%d refused); is the walk broken?", formatted, refused)
	}
	t.Logf("%d inputs formatted, %d refused for syntax errors", formatted, refused)
}

// FuzzFormat formats any input: it must not panic; a file with syntax
// errors is refused; any other one formats to a file with the same AST
// and comments, and formatting it again changes nothing (checkFormat).
func FuzzFormat(f *testing.F) {
	core, err := os.ReadFile("../compiler/testdata/core/core.tm")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(core)
	f.Add([]byte(strings.ReplaceAll(string(core), "\n", "\r\n")))
	f.Add(append([]byte("\xef\xbb\xbf"), core...))
	cases, _ := filepath.Glob("testdata/format/*.txtar")
	for _, path := range cases {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			f.Fatal(err)
		}
		for _, m := range ar.Files {
			f.Add(m.Data)
		}
	}
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkFormat(t, "fuzz.tm", src)
	})
}

// BenchmarkFormat formats the files of a synthetic model of 1,000
// elements (docs/performance.md quotes it).
func BenchmarkFormat(b *testing.B) {
	files := map[string][]byte{}
	size := 0
	for name, src := range synth.Generate(1000) {
		if strings.HasSuffix(name, ".tm") {
			files[name] = src
			size += len(src)
		}
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for name, src := range files {
			if _, err := dsl.Format(name, src); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// respace rewrites the white space between the tokens of src at random:
// spaces, tabs, line breaks and runs of blank lines, leaving strings and
// comments (and the line break that ends a comment) alone.
func respace(src string, rng *rand.Rand) string {
	choices := []string{" ", "  ", "\t", "\n", "\n\n\n", " \n  ", "\r\n"}
	var b strings.Builder
	i := 0
	afterComment := false
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			j := i
			for j < len(src) && strings.IndexByte(" \t\n\r", src[j]) >= 0 {
				j++
			}
			w := choices[rng.IntN(len(choices))]
			if afterComment && !strings.Contains(w, "\n") {
				w += "\n"
			}
			b.WriteString(w)
			afterComment = false
			i = j
		case c == '#' || c == '/' && i+1 < len(src) && src[i+1] == '/':
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				j = len(src) - i
			}
			b.WriteString(src[i : i+j])
			afterComment = true
			i += j
		case strings.HasPrefix(src[i:], `"""`):
			j := strings.Index(src[i+3:], `"""`)
			b.WriteString(src[i : i+3+j+3])
			i += 3 + j + 3
		case c == '"':
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			b.WriteString(src[i : j+1])
			i = j + 1
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// TestFormatRespaced formats the bundled examples and the core example
// with their white space rewritten at random (statements joined and split,
// blank lines, tabs, CRLF): every version that parses must format to the
// same AST and comments, idempotently (checkFormat).
func TestFormatRespaced(t *testing.T) {
	files := []string{"../compiler/testdata/core/core.tm", "../examples/checkout/platform.tm", "../examples/checkout/services/billing/billing.tm", "../examples/tmc/cli.tm"}
	rng := rand.New(rand.NewPCG(5, 6))
	runs := 100
	if testing.Short() {
		runs = 10
	}
	parsed := 0
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i := range runs {
			name := fmt.Sprintf("%s-respaced-%d", path, i)
			if checkFormat(t, name, []byte(respace(string(src), rng))) != nil {
				parsed++
			}
		}
	}
	if parsed < len(files)*runs/2 {
		t.Errorf("only %d of %d respaced files parsed; is respace broken?", parsed, len(files)*runs)
	}
}
