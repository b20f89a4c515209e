package dsl

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/tmc-dev/tmc/dsl/diag"
)

// Limits that keep hostile input from costing unbounded time or memory.
const (
	// MaxNesting is the deepest a block may nest ({ inside {).
	MaxNesting = 64
	// MaxFileSize is the largest .tm file tmc reads.
	MaxFileSize = 2 << 20
	// maxFileDiags caps the syntax diagnostics reported for one file.
	maxFileDiags = 50
)

// lexDef lets participle know our token types; tokens come from lex.
type lexDef struct{}

func (lexDef) Symbols() map[string]lexer.TokenType { return symbols }
func (lexDef) Lex(string, io.Reader) (lexer.Lexer, error) {
	return nil, errors.New("dsl: tokens come from dsl.lex, not from participle")
}

// sliceLexer feeds participle the tokens of one declaration, then EOF.
type sliceLexer struct {
	toks []lexer.Token
	eof  lexer.Position
	i    int
}

func (s *sliceLexer) Next() (lexer.Token, error) {
	if s.i == len(s.toks) {
		return lexer.EOFToken(s.eof), nil
	}
	s.i++
	return s.toks[s.i-1], nil
}

var opts = []participle.Option{participle.Lexer(lexDef{}), participle.Elide(), participle.UseLookahead(4)}

var (
	modelParser    = participle.MustBuild[ModelDecl](opts...)
	boundaryParser = participle.MustBuild[BoundaryDecl](opts...)
	elementParser  = participle.MustBuild[ElementDecl](opts...)
	extendParser   = participle.MustBuild[ExtendDecl](opts...)
	dataParser     = participle.MustBuild[DataDecl](opts...)
	flowParser     = participle.MustBuild[FlowDecl](opts...)
	sequenceParser = participle.MustBuild[SequenceDecl](opts...)
	threatParser   = participle.MustBuild[ThreatDecl](opts...)
	controlParser  = participle.MustBuild[ControlDecl](opts...)
	decisionParser = participle.MustBuild[DecisionDecl](opts...)
	viewParser     = participle.MustBuild[ViewDecl](opts...)
	acceptParser   = participle.MustBuild[AcceptDecl](opts...)
	runtimeParser  = participle.MustBuild[RuntimeDecl](opts...)
	dismissParser  = participle.MustBuild[DismissDecl](opts...)
)

func run[T any](p *participle.Parser[T], toks []lexer.Token, eof lexer.Position) (*T, error) {
	pl, err := lexer.Upgrade(&sliceLexer{toks: toks, eof: eof})
	if err != nil {
		return nil, err
	}
	return p.ParseFromLexer(pl)
}

// ParseWithComments is Parse that also keeps the file's comments in
// File.Comments, for tools that print or show them (the formatter).
func ParseWithComments(filename string, src []byte) (*File, diag.Diagnostics) {
	p := &fileParser{file: &File{Name: filename, Src: src}, comments: true}
	p.parse(src)
	return p.file, p.diags
}

// Parse parses one file. It returns every declaration that parsed and a
// diagnostic for each one that did not: a syntax error in one declaration
// hides nothing in the others.
func Parse(filename string, src []byte) (*File, diag.Diagnostics) {
	p := &fileParser{file: &File{Name: filename, Src: src}}
	p.parse(src)
	return p.file, p.diags
}

// parse parses src into p.file and returns its tokens (nil for a file
// over the size limit).
func (p *fileParser) parse(src []byte) *tokens {
	filename := p.file.Name
	if len(src) > MaxFileSize {
		p.diags.Errorf("TM100", diag.Range{File: filename},
			"file is %.1f MB, over the %d MB limit for one .tm file; split the model into several files",
			float64(len(src))/(1<<20), MaxFileSize>>20)
		return nil
	}
	ts := lex(filename, src, p.comments)
	p.file.Comments = ts.comments
	for _, sp := range split(ts) {
		p.decl(ts, sp)
		if len(p.diags) >= maxFileDiags {
			p.diags.Errorf("TM101", p.rng(ts.t[sp.end-1].Pos, ts.end(sp.end-1)),
				"too many errors in this file; stopping here")
			break
		}
	}
	return ts
}

type fileParser struct {
	file  *File
	diags diag.Diagnostics
	// slow turns the fast path off (tests compare the two); fastN counts
	// the declarations it parsed.
	slow  bool
	fastN int
	// comments keeps the file's comments (File.Comments).
	comments bool
}

func (p *fileParser) rng(start, end lexer.Position) diag.Range {
	return diag.Range{File: p.file.Name, Start: pos(start), End: pos(end)}
}

func pos(p lexer.Position) diag.Pos { return diag.Pos{Line: p.Line, Col: p.Column, Offset: p.Offset} }

// NodeRange returns the source range of an AST node in file.
func NodeRange(file string, n *Node) diag.Range {
	return diag.Range{File: file, Start: pos(n.Start()), End: pos(n.End())}
}

// A span is one top-level declaration's tokens, as found by split.
type span struct {
	start, end int
	tooDeep    int // index of the first brace past MaxNesting, or -1
	unclosed   int // index of an unclosed "{", or -1
}

func isPunct(t *lexer.Token, v string) bool { return t.Type == tokPunct && t.Value == v }

// split cuts a file's tokens into top-level declarations, so that each can
// be parsed (and fail) on its own. A declaration ends after the "}" that
// closes its block, or before a line that starts with a top-level keyword
// while no block is open (or, for one that does not start with a keyword,
// before any line that starts in column 1). If a block is never closed,
// the declaration ends before the next line that starts in column 1 with
// a top-level keyword.
//
// Braces are matched once for the whole file, so splitting is linear in
// the number of tokens whatever the input.
func split(ts *tokens) []span {
	toks := ts.t
	n := len(toks)
	match := make([]int, n)    // for "{": index of its "}", or -1
	innerMax := make([]int, n) // for "{": deepest nesting inside it, itself counted
	type open struct{ at, max int }
	var stack []open
	for k := range toks {
		t := &toks[k]
		switch {
		case isPunct(t, "{"):
			stack = append(stack, open{k, 1})
		case isPunct(t, "}") && len(stack) > 0:
			o := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			match[o.at], innerMax[o.at] = k, o.max
			if len(stack) > 0 {
				stack[len(stack)-1].max = max(stack[len(stack)-1].max, o.max+1)
			}
		}
	}
	for len(stack) > 0 { // unclosed blocks
		o := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		match[o.at], innerMax[o.at] = -1, o.max
		if len(stack) > 0 {
			stack[len(stack)-1].max = max(stack[len(stack)-1].max, o.max+1)
		}
	}
	// nextCut[k]: the first index >= k of a column-1 top-level keyword.
	nextCut := make([]int, n+1)
	nextCut[n] = n
	for k := n - 1; k >= 0; k-- {
		t := &toks[k]
		if ts.meta[k].first && t.Pos.Column == 1 && t.Type == tokIdent && topLevel.forms[t.Value] != "" {
			nextCut[k] = k
		} else {
			nextCut[k] = nextCut[k+1]
		}
	}

	var out []span
	for i := 0; i < n; {
		sp := span{start: i, tooDeep: -1, unclosed: -1}
		// What does not start with a keyword is an error of its own; it
		// ends at the next line that starts in column 1 too, so that each
		// of several such lines is reported.
		unknown := toks[i].Type != tokIdent || topLevel.forms[toks[i].Value] == ""
		j := i
	scan:
		for ; j < n; j++ {
			t, first := &toks[j], ts.meta[j].first
			switch {
			case j > i && first && t.Type == tokIdent && topLevel.forms[t.Value] != "":
				break scan
			case unknown && j > i && first && t.Pos.Column == 1:
				break scan
			case isPunct(t, "{"):
				if innerMax[j] > MaxNesting {
					sp.tooDeep = j
				}
				if match[j] < 0 {
					sp.unclosed = j
					j = max(nextCut[j+1], j+1)
					break scan
				}
				j = match[j] + 1
				break scan
			case isPunct(t, "}"):
				if j == i {
					j++
				}
				break scan
			}
		}
		sp.end = j
		out = append(out, sp)
		i = j
	}
	return out
}

func (p *fileParser) decl(ts *tokens, sp span) {
	toks := ts.t[sp.start:sp.end]
	end := func(k int) lexer.Position { return ts.end(sp.start + k) } // of toks[k]
	if len(toks) > 1 && toks[0].Type == tokIdent {
		// Remember the id of a declaration that may fail below; flows name
		// theirs before a colon.
		id := toks[1]
		if toks[0].Value == "extend" || toks[0].Value == "flow" && (len(toks) < 3 || !isPunct(&toks[2], ":")) || toks[0].Value == "model" {
			id = lexer.Token{}
		}
		if id.Type == tokIdent {
			defer func(n int) {
				if len(p.file.Decls) == n {
					p.file.Broken = append(p.file.Broken, id.Value)
				}
			}(len(p.file.Decls))
		}
	}
	bad := false
	for k, t := range toks {
		if t.Type == tokError {
			bad = true
			if len(p.diags) < maxFileDiags {
				p.diags.Errorf("TM101", p.rng(t.Pos, end(k)), "%s", t.Value)
			}
		}
	}
	if bad {
		return
	}
	first := toks[0]
	if first.Type != tokIdent || topLevel.forms[first.Value] == "" {
		p.unknownDecl(toks, end(0))
		return
	}
	if sp.tooDeep >= 0 {
		k := sp.tooDeep - sp.start
		p.diags.Errorf("TM101", p.rng(toks[k].Pos, end(k)), "blocks nested more than %d deep", MaxNesting).Detail =
			"tmc limits nesting to keep checks fast on any input; flatten the model, for example by declaring nested boundaries with `boundary ID in PARENT`"
		return
	}
	if sp.unclosed >= 0 {
		k := sp.unclosed - sp.start
		d := p.diags.Errorf("TM101", p.rng(toks[len(toks)-1].Pos, end(len(toks)-1)), "expected \"}\" to close the block opened at line %d", toks[k].Pos.Line)
		d.Related = append(d.Related, diag.Note{Range: p.rng(toks[k].Pos, end(k)), Message: "block opened here"})
		return
	}

	if !p.slow {
		if d, ok := fastDecl(first.Value, toks, end(len(toks)-1)); ok {
			p.fastN++
			p.file.Decls = append(p.file.Decls, d)
			return
		}
	}
	lt, eof := toks, end(len(toks)-1)
	var (
		d   Decl
		err error
	)
	switch first.Value {
	case "model":
		d.Model, err = run(modelParser, lt, eof)
	case "boundary":
		d.Boundary, err = run(boundaryParser, lt, eof)
	case "extend":
		d.Extend, err = run(extendParser, lt, eof)
	case "data":
		d.Data, err = run(dataParser, lt, eof)
	case "flow":
		d.Flow, err = run(flowParser, lt, eof)
	case "sequence":
		d.Sequence, err = run(sequenceParser, lt, eof)
	case "threat":
		d.Threat, err = run(threatParser, lt, eof)
	case "control":
		d.Control, err = run(controlParser, lt, eof)
	case "decision":
		d.Decision, err = run(decisionParser, lt, eof)
	case "view":
		d.View, err = run(viewParser, lt, eof)
	case "accept":
		d.Accept, err = run(acceptParser, lt, eof)
	case "runtime":
		d.Runtime, err = run(runtimeParser, lt, eof)
	case "dismiss":
		d.Dismiss, err = run(dismissParser, lt, eof)
	default:
		d.Element, err = run(elementParser, lt, eof)
	}
	if err != nil {
		p.syntaxError(err, first.Value, toks, end(0))
		return
	}
	p.unknowns(&d)
	p.file.Decls = append(p.file.Decls, d)
}

func (p *fileParser) unknownDecl(toks []lexer.Token, end0 lexer.Position) {
	t := toks[0]
	if t.Type != tokIdent {
		what := fmt.Sprintf("%q", t.Value)
		if t.Type == tokString {
			what = "a string"
		}
		p.diags.Errorf("TM101", p.rng(t.Pos, end0), "expected a declaration (model, boundary, system, flow, threat, ...), found %s", what)
		return
	}
	d := p.diags.Errorf("TM102", p.rng(t.Pos, end0), "unknown declaration %q", t.Value)
	if arrow := slices.IndexFunc(toks, func(t lexer.Token) bool { return t.Value == "->" || t.Value == "-->" }); arrow > 0 && arrow <= 8 {
		d.Summary += "; a flow starts with \"flow\""
		d.Detail = "form: " + topLevel.forms["flow"]
		return
	}
	if s := topLevel.suggest(t.Value); s != "" {
		d.Summary += fmt.Sprintf("; did you mean %q?", s)
		d.Replace = s
		d.Detail = "form: " + topLevel.forms[s]
	} else {
		d.Detail = "a declaration starts with model, boundary, person, system, container, component, database, cache, queue, bucket, extend, data, flow, sequence, threat, control, decision, view, accept, dismiss or runtime"
	}
}

func (p *fileParser) syntaxError(err error, keyword string, toks []lexer.Token, end0 lexer.Position) {
	var perr participle.Error
	if !errors.As(err, &perr) {
		p.diags.Errorf("TM101", p.rng(toks[0].Pos, end0), "%s", err.Error())
		return
	}
	at := perr.Position()
	r := diag.Range{File: p.file.Name, Start: pos(at), End: pos(at)}
	msg := perr.Message()
	var ut *participle.UnexpectedTokenError
	if errors.As(err, &ut) {
		found := describe(ut.Unexpected)
		if !ut.Unexpected.EOF() {
			end := ut.Unexpected.Pos
			end.Advance(ut.Unexpected.Value)
			r.End = pos(end)
		}
		msg = "unexpected " + found
		if exp := expectation(ut); exp != "" {
			msg += ", expected " + exp
		}
	}
	d := p.diags.Errorf("TM101", r, "syntax error in %s: %s", keyword, msg)
	if u := topLevel.forms[keyword]; u != "" {
		d.Detail = "form: " + u
	}
}

func describe(t lexer.Token) string {
	switch t.Type {
	case lexer.EOF:
		return "end of declaration"
	case tokString:
		return "string " + shorten(t.Value)
	case tokInt:
		return "number " + t.Value
	case tokDate:
		return "date " + t.Value
	}
	return fmt.Sprintf("%q", t.Value)
}

func shorten(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:37]) + `..."`
	}
	return s
}

// expectation turns participle's expected-node text into words.
func expectation(ut *participle.UnexpectedTokenError) string {
	m := ut.Message()
	i := strings.Index(m, "(expected ")
	if i < 0 {
		return ""
	}
	e := strings.TrimSuffix(m[i+len("(expected "):], ")")
	// Keep the first term only: participle prints the rest of the grammar.
	if strings.HasPrefix(e, "(") {
		return ""
	}
	if j := strings.IndexByte(e, ' '); j > 0 {
		e = e[:j]
	}
	e = strings.TrimRight(e, "?*+")
	switch e {
	case "<ident>", "Ref", "Word", "Pattern", "Target":
		return "a name"
	case "<string>", "Str":
		return "a string"
	case "<int>", "Num":
		return "a number"
	case "<date>", "DateLit":
		return "a date (YYYY-MM-DD)"
	}
	if strings.HasPrefix(e, `"`) {
		return e
	}
	return ""
}
