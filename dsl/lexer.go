package dsl

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types produced by the lexer. Participle sees them through the
// symbol names below ("Ident", "String", ...).
const (
	tokEOF    = lexer.EOF
	tokIdent  = lexer.TokenType(-2 - iota)
	tokString // "..." or """...""": Value is the raw source text, quotes included
	tokInt
	tokDate // 2026-11-01
	tokPunct
	tokError   // never reaches the parser: the declaration holding it is reported and skipped
	tokComment // only from Tokens, for editors
)

var symbols = map[string]lexer.TokenType{
	"EOF": tokEOF, "Ident": tokIdent, "String": tokString, "Int": tokInt,
	"Date": tokDate, "Punct": tokPunct, "Error": tokError,
}

// A token is one lexeme with its source range, as the lexer returns it.
// For tokError, value holds the message.
type token struct {
	typ        lexer.TokenType
	value      string
	start, end lexer.Position
}

// tokens are a file's lexemes: t is what participle and the AST hold
// (Node.Tokens are slices of it, never copies), meta the rest.
type tokens struct {
	t        []lexer.Token
	meta     []tokMeta
	comments []Comment
}

// tokMeta is where a token ends, and whether it starts its line.
type tokMeta struct {
	endOff, endLine, endCol int32 // a file is at most MaxFileSize bytes
	first                   bool
}

func (ts *tokens) end(k int) lexer.Position {
	m := ts.meta[k]
	return lexer.Position{Filename: ts.t[k].Pos.Filename, Offset: int(m.endOff), Line: int(m.endLine), Column: int(m.endCol)}
}

// lex splits src into tokens, and keeps the comments if asked. It never
// fails: bad input becomes tokError tokens carrying a message, so the
// splitter can report them and go on.
func lex(filename string, src []byte, keepComments bool) *tokens {
	// Token values are substrings of one copy of the file: one allocation
	// per file rather than one per name and string.
	l := lexState{src: src, text: string(src), pos: lexer.Position{Filename: filename, Line: 1, Column: 1}, keepComments: keepComments}
	if strings.HasPrefix(string(src[:min(3, len(src))]), "\uFEFF") {
		l.pos.Offset = 3 // a byte-order mark is not part of the text
	}
	ts := &tokens{t: make([]lexer.Token, 0, len(src)/6+16), meta: make([]tokMeta, 0, len(src)/6+16)}
	add := func(t token, first bool) {
		ts.t = append(ts.t, lexer.Token{Type: t.typ, Value: t.value, Pos: t.start})
		ts.meta = append(ts.meta, tokMeta{endOff: int32(t.end.Offset), endLine: int32(t.end.Line), endCol: int32(t.end.Column), first: first})
	}
	lastLine, errs := 0, 0
	defer func() { ts.comments = l.comments }()
	for {
		t, ok := l.next()
		if !ok {
			break
		}
		if t.typ == tokError {
			if errs++; errs > maxLexErrors {
				t.value = "too many invalid characters; is this a .tm text file?"
				add(t, t.start.Line != lastLine)
				break
			}
		}
		add(t, t.start.Line != lastLine)
		lastLine = t.end.Line
	}
	return ts
}

// maxLexErrors bounds the error tokens of one file: a binary file is not
// worth a token per run of garbage.
const maxLexErrors = 100

// textError describes why b is not clean text (invalid UTF-8 or a NUL),
// or returns "".
func textError(b []byte, what string) string {
	if !utf8.Valid(b) {
		return "invalid UTF-8 encoding in " + what
	}
	for _, c := range b {
		if c == 0 {
			return "invalid NUL character in " + what
		}
	}
	return ""
}

type lexState struct {
	src          []byte
	text         string // src as a string
	pos          lexer.Position
	keepComments bool
	comments     []Comment
	// emitComments makes next return comments as tokComment tokens (for
	// Tokens); the parser never sees them.
	emitComments bool
}

func (l *lexState) peekByte(i int) byte {
	if l.pos.Offset+i < len(l.src) {
		return l.src[l.pos.Offset+i]
	}
	return 0
}

// sub is the n bytes of source text at start.
func (l *lexState) sub(start lexer.Position, n int) string {
	return l.text[start.Offset : start.Offset+n]
}

// advance moves over n bytes of the source, keeping line and column.
func (l *lexState) advance(n int) {
	end := l.pos.Offset + n
	for l.pos.Offset < end {
		c := l.src[l.pos.Offset]
		if c == '\n' {
			l.pos.Line++
			l.pos.Column = 1
			l.pos.Offset++
			continue
		}
		if c < utf8.RuneSelf {
			l.pos.Offset++
		} else {
			_, size := utf8.DecodeRune(l.src[l.pos.Offset:end])
			l.pos.Offset += size
		}
		l.pos.Column++
	}
}

func (l *lexState) emit(typ lexer.TokenType, start lexer.Position, value string) (token, bool) {
	return token{typ: typ, value: value, start: start, end: l.pos}, true
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentPart(c byte) bool  { return isIdentStart(c) || isDigit(c) }

func (l *lexState) next() (token, bool) {
	// Skip white space and comments.
	for l.pos.Offset < len(l.src) {
		c := l.src[l.pos.Offset]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v':
			l.advance(1)
			continue
		case c == '#' || c == '/' && l.peekByte(1) == '/':
			n := 0
			for l.pos.Offset+n < len(l.src) && l.src[l.pos.Offset+n] != '\n' {
				n++
			}
			if msg := textError(l.src[l.pos.Offset:l.pos.Offset+n], "comment"); msg != "" {
				start := l.pos
				l.advance(n)
				return l.emit(tokError, start, msg)
			}
			if l.keepComments {
				l.comments = append(l.comments, Comment{
					Text:   strings.TrimRight(l.text[l.pos.Offset:l.pos.Offset+n], " \t\r\f\v"),
					Offset: int32(l.pos.Offset), Line: int32(l.pos.Line), Col: int32(l.pos.Column),
				})
			}
			if l.emitComments {
				start := l.pos
				l.advance(n)
				return l.emit(tokComment, start, l.sub(start, n))
			}
			l.advance(n)
			continue
		}
		break
	}
	if l.pos.Offset >= len(l.src) {
		return token{}, false
	}
	start := l.pos
	rest := l.src[l.pos.Offset:]
	c := rest[0]
	switch {
	case isIdentStart(c):
		n := 1
		for n < len(rest) && isIdentPart(rest[n]) {
			n++
		}
		l.advance(n)
		return l.emit(tokIdent, start, l.sub(start, n))
	case isDigit(c):
		n := 1
		for n < len(rest) && isDigit(rest[n]) {
			n++
		}
		if n == 4 && len(rest) >= 10 && rest[4] == '-' && isDigit(rest[5]) && isDigit(rest[6]) && rest[7] == '-' && isDigit(rest[8]) && isDigit(rest[9]) && (len(rest) == 10 || !isIdentPart(rest[10])) {
			l.advance(10)
			return l.emit(tokDate, start, l.sub(start, 10))
		}
		if n < len(rest) && isIdentStart(rest[n]) {
			for n < len(rest) && isIdentPart(rest[n]) {
				n++
			}
			l.advance(n)
			return l.emit(tokError, start, fmt.Sprintf("invalid number or name %q: names start with a letter or _", rest[:n]))
		}
		l.advance(n)
		return l.emit(tokInt, start, l.sub(start, n))
	case c == '"':
		return l.lexString(start, rest)
	case c == '{' || c == '}' || c == ',' || c == ':' || c == '.':
		l.advance(1)
		return l.emit(tokPunct, start, l.sub(start, 1))
	case c == '*':
		n := 1
		if len(rest) > 1 && rest[1] == '*' {
			n = 2
		}
		l.advance(n)
		return l.emit(tokPunct, start, l.sub(start, n))
	case c == '-':
		if len(rest) > 2 && rest[1] == '-' && rest[2] == '>' {
			l.advance(3)
			return l.emit(tokPunct, start, "-->")
		}
		if len(rest) > 1 && rest[1] == '>' {
			l.advance(2)
			return l.emit(tokPunct, start, "->")
		}
		l.advance(1)
		if name, rest, ok := l.hyphenated(start.Offset); ok {
			// One error per name: the rest of it (a-b-c) is skipped, and
			// the caret stays on the first "-".
			t, _ := l.emit(tokError, start, fmt.Sprintf("unexpected \"-\" in %q: names use _, not - (write %q)", name, strings.ReplaceAll(name, "-", "_")))
			l.advance(rest)
			return t, true
		}
		return l.emit(tokError, start, `unexpected "-": an arrow is written -> (request) or --> (reply)`)
	}
	// Anything else is invalid; swallow a run of invalid characters as one
	// token so a binary file gives one diagnostic, not a million.
	n := 0
	var msg string
	for n < len(rest) {
		r, size := utf8.DecodeRune(rest[n:])
		b := rest[n]
		if isIdentStart(b) || isDigit(b) || b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '"' || b == '{' || b == '}' || b == '#' {
			break
		}
		if msg == "" {
			switch {
			case r == utf8.RuneError && size == 1:
				msg = "invalid UTF-8 encoding"
			case r == 0:
				msg = "invalid NUL character"
			case r == 0xFEFF:
				msg = "byte-order mark in the middle of the file"
			case r >= utf8.RuneSelf && unicode.IsLetter(r):
				msg = fmt.Sprintf("invalid character %q: names use ASCII letters, digits and _", r)
			default:
				msg = fmt.Sprintf("invalid character %q", r)
			}
		}
		n += size
	}
	l.advance(n)
	return l.emit(tokError, start, msg)
}

// lexString lexes "..." (Go escapes, one line) and """...""" (raw, many lines).
func (l *lexState) lexString(start lexer.Position, rest []byte) (token, bool) {
	if len(rest) >= 3 && rest[1] == '"' && rest[2] == '"' {
		end := bytes.Index(rest[3:], []byte(`"""`))
		if end < 0 {
			l.advance(3)
			return l.emit(tokError, start, `unterminated """ string: close it with """`)
		}
		n := 3 + end + 3
		l.advance(n)
		if msg := textError(rest[:n], "string"); msg != "" {
			return l.emit(tokError, start, msg)
		}
		return l.emit(tokString, start, l.sub(start, n))
	}
	n := 1
	for n < len(rest) {
		switch rest[n] {
		case '\\':
			n += 2
			continue
		case '\n':
			l.advance(n)
			return l.emit(tokError, start, `unterminated string: a "..." string ends on its line; use """...""" for several lines`)
		case '"':
			n++
			raw := l.sub(start, n)
			if msg := textError(rest[:n], "string"); msg != "" {
				l.advance(n)
				return l.emit(tokError, start, msg)
			}
			if _, err := strconv.Unquote(raw); err != nil {
				l.advance(n)
				return l.emit(tokError, start, "invalid escape sequence in string")
			}
			l.advance(n)
			return l.emit(tokString, start, raw)
		}
		n++
	}
	l.advance(min(n, len(rest)))
	return l.emit(tokError, start, `unterminated string: missing closing "`)
}

// unquote returns the text of a String token: Go escapes decoded for
// "...", common indentation removed for """...""".
func unquote(raw string) string {
	if strings.HasPrefix(raw, `"""`) {
		return dedent(raw[3 : len(raw)-3])
	}
	s, err := strconv.Unquote(raw)
	if err != nil {
		return raw // the lexer checked it already
	}
	return s
}

// dedent removes a leading blank line, a trailing blank line and the
// indentation common to all non-blank lines.
func dedent(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	if len(lines) > 1 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	if len(lines) > 1 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	prefix := ""
	first := true
	for _, ln := range lines {
		if strings.TrimSpace(ln) == "" {
			continue
		}
		ind := ln[:len(ln)-len(strings.TrimLeft(ln, " \t"))]
		if first {
			prefix, first = ind, false
			continue
		}
		for !strings.HasPrefix(ln, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	for i, ln := range lines {
		lines[i] = strings.TrimRight(strings.TrimPrefix(ln, prefix), " \t")
	}
	return strings.Join(lines, "\n")
}

// hyphenated reports whether the "-" at offset joins two parts of one word,
// as in my-api or third-party (a letter, digit or _ on both sides, no space),
// and returns the whole word (a name written with - where tmc uses _) and
// how many bytes of it follow the "-".
func (l *lexState) hyphenated(at int) (word string, rest int, ok bool) {
	isPart := func(c byte) bool { return isIdentPart(c) || c == '-' }
	if at == 0 || at+1 >= len(l.src) || !isIdentPart(l.src[at-1]) || !isIdentStart(l.src[at+1]) {
		return "", 0, false
	}
	from, to := at, at+1
	for from > 0 && isPart(l.src[from-1]) {
		from--
	}
	for to < len(l.src) && isPart(l.src[to]) {
		to++
	}
	for to > at+1 && l.src[to-1] == '-' {
		to-- // a trailing "-" (my-api->db) is not part of the name
	}
	for from < at && l.src[from] == '-' {
		from++
	}
	word = l.text[from:to]
	if !isIdentStart(word[0]) || len(word) > 64 {
		return "", 0, false
	}
	return word, to - at - 1, true
}
