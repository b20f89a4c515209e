package lsp

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
)

// LSP SymbolKind values for each kind of declaration.
var symbolKinds = map[string]int{
	kindBoundary: 3,  // Namespace
	kindElement:  5,  // Class
	kindData:     23, // Struct
	kindFlow:     12, // Function
	kindSequence: 6,  // Method
	kindThreat:   24, // Event
	kindControl:  11, // Interface
	kindDecision: 10, // Enum
	kindRuntime:  4,  // Package
}

// documentSymbol answers with the file's declarations as a tree:
// boundaries hold their child boundaries and the elements placed in
// them, elements their children; the rest are top level.
func (s *Server) documentSymbol(params json.RawMessage) (any, *rpcError) {
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
	type node struct {
		sym      documentSymbol
		children []*node
		offset   int
	}
	nodes := map[any]*node{}
	var order []any
	for _, dc := range m.index().decls {
		if dc.idRng.File != d.name {
			continue
		}
		full := dc.full
		if !full.Start.IsValid() || full.File != d.name {
			full = dc.idRng
		}
		sym := documentSymbol{Name: dc.last(), Detail: dc.name, Kind: symbolKinds[dc.kind],
			Range: t.rangeToLSP(full), SelectionRange: t.rangeToLSP(dc.idRng)}
		if dc.kind == kindFlow {
			sym.Name = dc.path
		}
		nodes[dc.object] = &node{sym: sym, offset: dc.idRng.Start.Offset}
		order = append(order, dc.object)
	}
	// Flows without an id are no declaration of a name, but they are in
	// the outline, as FROM->TO.
	for _, f := range m.res.Model.Flows {
		if f.Named || f.Range.File != d.name || !f.Head.Start.IsValid() {
			continue
		}
		nodes[f] = &node{sym: documentSymbol{Name: f.ID, Detail: f.Label, Kind: symbolKinds[kindFlow],
			Range: t.rangeToLSP(f.Range), SelectionRange: t.rangeToLSP(f.Head)}, offset: f.Head.Start.Offset}
		order = append(order, f)
	}
	var roots []*node
	for _, o := range order {
		n := nodes[o]
		var parent *node
		switch x := o.(type) {
		case *ir.Boundary:
			if x.Parent != nil {
				parent = nodes[x.Parent]
			}
		case *ir.Element:
			if x.Parent != nil {
				parent = nodes[x.Parent]
			}
			if parent == nil && x.Boundary != nil {
				parent = nodes[x.Boundary]
			}
		}
		if parent != nil {
			parent.children = append(parent.children, n)
		} else {
			roots = append(roots, n)
		}
	}
	var build func(ns []*node) []documentSymbol
	build = func(ns []*node) []documentSymbol {
		sort.SliceStable(ns, func(i, j int) bool { return ns[i].offset < ns[j].offset })
		out := make([]documentSymbol, 0, len(ns))
		for _, n := range ns {
			sym := n.sym
			sym.Children = build(n.children)
			out = append(out, sym)
		}
		return out
	}
	return build(roots), nil
}

// workspaceSymbol answers with the declarations of every open model whose
// path or name matches the query fuzzily (its letters in order), best
// matches first.
func (s *Server) workspaceSymbol(params json.RawMessage) (any, *rpcError) {
	var p workspaceSymbolParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	q := strings.ToLower(p.Query)
	type hit struct {
		score int
		sym   symbolInformation
	}
	var hits []hit
	roots := make([]string, 0, len(s.models))
	for root := range s.models {
		roots = append(roots, root)
	}
	sort.Strings(roots) // sort for determinism
	for _, root := range roots {
		m := s.models[root]
		s.ensure(m)
		for _, dc := range m.index().decls {
			score := fuzzy(q, strings.ToLower(dc.last()), strings.ToLower(dc.path), strings.ToLower(dc.name))
			if score < 0 {
				continue
			}
			container := ""
			if i := strings.LastIndexByte(dc.path, '.'); i >= 0 {
				container = dc.path[:i]
			}
			hits = append(hits, hit{score, symbolInformation{Name: dc.path, Kind: symbolKinds[dc.kind],
				Location: m.location(dc.idRng), ContainerName: container}})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score < hits[j].score
		}
		return hits[i].sym.Name < hits[j].sym.Name
	})
	out := []symbolInformation{}
	for i, h := range hits {
		if i == 200 {
			break
		}
		out = append(out, h.sym)
	}
	return out, nil
}

// fuzzy scores how well q matches a name (lower is better; -1 is no
// match): the id itself, a prefix of it, a substring of the path or name,
// then the query's letters in order in the path or name.
func fuzzy(q, id, path, name string) int {
	switch {
	case q == "":
		return 4
	case id == q:
		return 0
	case strings.HasPrefix(id, q):
		return 1
	case strings.Contains(path, q), strings.Contains(name, q):
		return 2
	case subsequence(q, path), subsequence(q, name):
		return 3
	}
	return -1
}

func subsequence(q, s string) bool {
	for _, r := range q {
		i := strings.IndexRune(s, r)
		if i < 0 {
			return false
		}
		s = s[i+len(string(r)):]
	}
	return true
}
