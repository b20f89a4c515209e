package lsp

import (
	"encoding/json"
	"fmt"
)

// formatting answers textDocument/formatting with one edit that replaces
// the whole text by Format's output (tmc fmt's dsl.Format unless a
// caller sets another). The server offers it only when Format is set.
func (s *Server) formatting(params json.RawMessage) (any, *rpcError) {
	var p documentFormattingParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	d, err := s.doc(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	out, ferr := s.Format(d.name, d.src)
	if ferr != nil {
		return nil, &rpcError{Code: codeRequestFailed, Message: fmt.Sprintf("cannot format %s: %v", d.name, ferr)}
	}
	if string(out) == string(d.src) {
		return []textEdit{}, nil
	}
	t := newText(d.src)
	return []textEdit{{Range: lspRange{t.posAt(0), t.posAt(len(d.src))}, NewText: string(out)}}, nil
}
