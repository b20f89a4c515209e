package lsp

import (
	"encoding/json"

	"github.com/tmc-dev/tmc/dsl"
)

// The semantic token legend: keywords, strings, comments, numbers and
// dates, arrows, and each kind of name.
var (
	tokenTypes     = []string{"keyword", "string", "comment", "number", "operator", "namespace", "class", "struct", "function", "method", "event", "interface", "enum", "type"}
	tokenModifiers = []string{"declaration"}
	kindTokenType  = map[string]uint32{
		kindBoundary: 5, kindElement: 6, kindData: 7, kindFlow: 8, kindSequence: 9,
		kindThreat: 10, kindControl: 11, kindDecision: 12, kindRuntime: 13,
	}
	keywordSet = func() map[string]bool {
		out := map[string]bool{}
		for _, k := range dsl.AllKeywords() {
			out[k] = true
		}
		return out
	}()
)

const (
	ttKeyword  = 0
	ttString   = 1
	ttComment  = 2
	ttNumber   = 3
	ttOperator = 4
)

func (s *Server) semanticTokensFull(params json.RawMessage) (any, *rpcError) {
	var p struct {
		TextDocument textDocumentIdentifier `json:"textDocument"`
	}
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	d, err := s.doc(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	m := d.model
	t := m.textOf(d.name)
	names := map[int]occurrence{}
	for _, o := range m.index().inFile[d.name] {
		names[o.rng.Start.Offset] = o
	}
	var data []uint32
	prevLine, prevChar := 0, 0
	emit := func(start, end int, typ, mods uint32) {
		// LSP tokens are single-line: split a multi-line string.
		for start < end {
			lineEnd := end
			sp := t.posAt(start)
			if sp.Line+1 < len(t.starts) && t.starts[sp.Line+1]-1 < end {
				lineEnd = t.starts[sp.Line+1] - 1
			}
			length := utf16Len(t.src[start:lineEnd])
			if length > 0 {
				dl := sp.Line - prevLine
				dc := sp.Character
				if dl == 0 {
					dc -= prevChar
				}
				data = append(data, uint32(dl), uint32(dc), uint32(length), typ, mods)
				prevLine, prevChar = sp.Line, sp.Character
			}
			start = lineEnd + 1
		}
	}
	for _, tok := range dsl.Tokens(t.src) {
		start, end := tok.Start.Offset, tok.End.Offset
		if start < 0 || end > len(t.src) || start >= end {
			continue
		}
		switch tok.Kind {
		case dsl.TokenComment:
			emit(start, end, ttComment, 0)
		case dsl.TokenString:
			emit(start, end, ttString, 0)
		case dsl.TokenInt, dsl.TokenDate:
			emit(start, end, ttNumber, 0)
		case dsl.TokenPunct:
			if tok.Value == "->" || tok.Value == "-->" {
				emit(start, end, ttOperator, 0)
			}
		case dsl.TokenIdent:
			if o, ok := names[start]; ok {
				var mods uint32
				if o.decl {
					mods = 1
				}
				if typ, ok := kindTokenType[o.kind]; ok {
					emit(start, end, typ, mods)
				}
			} else if keywordSet[tok.Value] {
				emit(start, end, ttKeyword, 0)
			}
		}
	}
	if data == nil {
		data = []uint32{}
	}
	return semanticTokens{Data: data}, nil
}
