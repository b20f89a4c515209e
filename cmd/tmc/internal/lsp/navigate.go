package lsp

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/tmc-dev/tmc/dsl"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// nameAt finds the name under the cursor of a request.
func (s *Server) nameAt(p textDocumentPositionParams) (*document, occurrence, bool, *rpcError) {
	d, err := s.doc(p.TextDocument.URI)
	if err != nil {
		return nil, occurrence{}, false, err
	}
	m := d.model
	pos := m.textOf(d.name).fromLSP(p.Position)
	occ, ok := m.index().at(d.name, pos)
	return d, occ, ok, nil
}

func (s *Server) definition(params json.RawMessage) (any, *rpcError) {
	var p textDocumentPositionParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	d, occ, ok, err := s.nameAt(p)
	if err != nil || !ok {
		return nil, err
	}
	dc := d.model.index().byPath[occ.path]
	if dc == nil {
		return nil, nil
	}
	return []location{d.model.location(dc.idRng)}, nil
}

func (s *Server) references(params json.RawMessage) (any, *rpcError) {
	var p referenceParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	d, occ, ok, err := s.nameAt(p.textDocumentPositionParams)
	if err != nil || !ok {
		return []location{}, err
	}
	m := d.model
	out := []location{}
	if p.Context.IncludeDeclaration {
		if dc := m.index().byPath[occ.path]; dc != nil {
			out = append(out, m.location(dc.idRng))
		}
	}
	for _, r := range m.index().refs[occ.path] {
		out = append(out, m.location(r.Range))
	}
	return out, nil
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (s *Server) prepareRename(params json.RawMessage) (any, *rpcError) {
	var p textDocumentPositionParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	d, occ, ok, err := s.nameAt(p)
	if err != nil {
		return nil, err
	}
	if !ok || d.model.index().byPath[occ.path] == nil {
		return nil, &rpcError{Code: codeRequestFailed, Message: "no declared name here to rename"}
	}
	t := d.model.textOf(d.name)
	return prepareRenameResult{Range: t.rangeToLSP(occ.rng), Placeholder: string(t.src[occ.rng.Start.Offset:occ.rng.End.Offset])}, nil
}

func (s *Server) rename(params json.RawMessage) (any, *rpcError) {
	var p renameParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	d, occ, ok, err := s.nameAt(p.textDocumentPositionParams)
	if err != nil {
		return nil, err
	}
	m := d.model
	dc := (*decl)(nil)
	if ok {
		dc = m.index().byPath[occ.path]
	}
	if dc == nil {
		return nil, &rpcError{Code: codeRequestFailed, Message: "no declared name here to rename"}
	}
	if !identRE.MatchString(p.NewName) {
		return nil, &rpcError{Code: codeRequestFailed, Message: fmt.Sprintf("%q is not a valid name: names are letters, digits and _, starting with a letter or _", p.NewName)}
	}
	if p.NewName == dc.last() {
		return workspaceEdit{Changes: map[string][]textEdit{}}, nil
	}
	newPath := p.NewName
	if i := strings.LastIndexByte(dc.path, '.'); i >= 0 {
		newPath = dc.path[:i+1] + p.NewName
	}
	if other := m.index().byPath[newPath]; other != nil {
		return nil, &rpcError{Code: codeRequestFailed, Message: fmt.Sprintf("%q is already taken: %s %q is declared at %s", p.NewName, other.kind, other.path, relPos(other.idRng))}
	}
	// A name written alone resolves when it is unique in the model; a
	// rename must not make such a use ambiguous, of this name or another.
	for _, other := range m.index().decls {
		if other.last() != p.NewName || other.path == dc.path {
			continue
		}
		for _, x := range []*decl{dc, other} {
			if bare := firstBareUse(m, x.path); bare != nil {
				return nil, &rpcError{Code: codeRequestFailed, Message: fmt.Sprintf("renaming %q to %q would make the use of %q at %s ambiguous: %s %q has that name too",
					dc.path, p.NewName, x.path, relPos(*bare), other.kind, other.path)}
			}
		}
	}
	edits := map[string][]textEdit{}
	add := func(r diag.Range) {
		uri := m.uri(r.File)
		edits[uri] = append(edits[uri], textEdit{Range: m.textOf(r.File).rangeToLSP(r), NewText: p.NewName})
	}
	for _, x := range m.index().decls {
		if x.path == dc.path {
			add(x.idRng)
		}
	}
	for _, r := range m.index().refs[dc.path] {
		add(r.Range)
	}
	for _, e := range fingerprintEdits(m, dc.path, newPath) {
		uri := m.uri(e.file)
		edits[uri] = append(edits[uri], e.edit)
	}
	for _, es := range edits {
		sort.Slice(es, func(i, j int) bool {
			a, b := es[i].Range.Start, es[j].Range.Start
			return a.Line < b.Line || a.Line == b.Line && a.Character < b.Character
		})
	}
	return workspaceEdit{Changes: edits}, nil
}

// firstBareUse returns a use of path written as a single name (no dotted
// prefix), or nil.
func firstBareUse(m *model, path string) *diag.Range {
	for _, r := range m.index().refs[path] {
		src := m.textOf(r.Range.File).src
		start, end := r.Range.Start.Offset, r.Range.End.Offset
		if start > len(src) || end > len(src) {
			continue
		}
		if (start == 0 || src[start-1] != '.') && (end == len(src) || src[end] != '.') {
			rr := r.Range
			return &rr
		}
	}
	return nil
}

func relPos(r diag.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.File, r.Start.Line, r.Start.Col)
}

// A fileEdit is an edit of one file of the model.
type fileEdit struct {
	file string
	edit textEdit
}

// fingerprintEdits renames the declaration at path old to new inside the
// fingerprints that claims, accept and dismiss name (RULE@TARGET, the
// target written with full paths: an element, a flow id, FROM->TO, or a
// pattern such as shop.*), so that a rename does not leave them naming
// nothing (TM602).
func fingerprintEdits(m *model, old, new string) []fileEdit {
	names := make([]string, 0, len(m.files))
	for name := range m.files {
		names = append(names, name)
	}
	sort.Strings(names) // map order
	var out []fileEdit
	for _, name := range names {
		toks := dsl.Tokens(m.files[name])
		for i, tk := range toks {
			if tk.Kind != dsl.TokenString || !fingerprintList(toks, i) {
				continue
			}
			raw := tk.Value
			if len(raw) < 2 || raw[0] != '"' || strings.HasPrefix(raw, `"""`) || strings.ContainsRune(raw, '\\') {
				continue
			}
			rule, target, ok := strings.Cut(raw[1:len(raw)-1], "@")
			if !ok {
				continue
			}
			renamed, changed := renameTarget(target, old, new)
			if !changed {
				continue
			}
			r := diag.Range{File: name, Start: tk.Start, End: tk.End}
			out = append(out, fileEdit{name, textEdit{Range: m.textOf(name).rangeToLSP(r), NewText: `"` + rule + "@" + renamed + `"`}})
		}
	}
	return out
}

// fingerprintList reports whether the string token at i is in the list
// of a claims, accept or dismiss statement: before it, only strings and
// commas back to that keyword.
func fingerprintList(toks []dsl.Token, i int) bool {
	for j := i - 1; j >= 0; j-- {
		switch t := toks[j]; {
		case t.Kind == dsl.TokenComment:
		case t.Kind == dsl.TokenString && j < i:
		case t.Kind == dsl.TokenPunct && t.Value == ",":
		case t.Kind == dsl.TokenIdent:
			return t.Value == "claims" || t.Value == "accept" || t.Value == "dismiss"
		default:
			return false
		}
	}
	return false
}

// renameTarget renames the path old to new in a fingerprint's target:
// in each end of FROM->TO, a path equal to old or below it (old.x).
func renameTarget(target, old, new string) (string, bool) {
	parts := strings.Split(target, "->")
	changed := false
	for k, p := range parts {
		switch {
		case p == old:
			parts[k] = new
		case strings.HasPrefix(p, old+"."):
			parts[k] = new + p[len(old):]
		default:
			continue
		}
		changed = true
	}
	return strings.Join(parts, "->"), changed
}
