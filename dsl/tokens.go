package dsl

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/tmc-dev/tmc/dsl/diag"
)

// A TokenKind is what a Token is.
type TokenKind int

// Token kinds.
const (
	TokenIdent   TokenKind = iota // a name or a keyword: the grammar decides which
	TokenString                   // "..." or """..."""
	TokenInt                      // 5
	TokenDate                     // 2026-11-01
	TokenPunct                    // { } , : . * ** -> -->
	TokenComment                  // # ... or // ... to the end of the line
	TokenError                    // text the lexer rejects
)

// A Token is one lexeme of a file with its source range, for editors
// (highlighting): the parser's tokens plus the comments between them.
type Token struct {
	Kind       TokenKind
	Value      string // the source text; for TokenError, the message
	Start, End diag.Pos
}

// Tokens returns the lexemes of src in order, comments included. It never
// fails: text the lexer rejects is a TokenError.
func Tokens(src []byte) []Token {
	if len(src) > MaxFileSize {
		return nil
	}
	l := lexState{src: src, text: string(src), pos: lexer.Position{Line: 1, Column: 1}, emitComments: true}
	if strings.HasPrefix(l.text, "\uFEFF") {
		l.pos.Offset = 3
	}
	var out []Token
	for errs := 0; ; {
		t, ok := l.next()
		if !ok {
			break
		}
		k := TokenError
		switch t.typ {
		case tokIdent:
			k = TokenIdent
		case tokString:
			k = TokenString
		case tokInt:
			k = TokenInt
		case tokDate:
			k = TokenDate
		case tokPunct:
			k = TokenPunct
		case tokComment:
			k = TokenComment
		default:
			if errs++; errs > maxLexErrors {
				return out
			}
		}
		out = append(out, Token{Kind: k, Value: t.value, Start: pos(t.start), End: pos(t.end)})
	}
	return out
}
