package lsp

import (
	"sort"
	"strings"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// Kinds of declarations, as ir.Ref.Kind names them.
const (
	kindBoundary = "boundary"
	kindElement  = "element"
	kindData     = "data asset"
	kindFlow     = "flow"
	kindSequence = "sequence"
	kindThreat   = "threat"
	kindControl  = "control"
	kindDecision = "decision"
	kindRuntime  = "runtime"
)

// A decl is one named declaration of the compiled model.
type decl struct {
	path   string
	kind   string
	name   string     // the display name ("Order service"), may be empty
	idRng  diag.Range // the id where it is declared
	full   diag.Range // the whole declaration
	object any        // *ir.Boundary, *ir.Element, *ir.Data, ...
}

// last returns the last segment of the declaration's path: its id.
func (d *decl) last() string { return d.path[strings.LastIndexByte(d.path, '.')+1:] }

// An occurrence is a name in a file: a declaration's id or a reference.
type occurrence struct {
	rng  diag.Range
	path string
	kind string
	decl bool
}

// An index holds the names of one compilation.
type index struct {
	decls  []*decl // in model order
	byPath map[string]*decl
	refs   map[string][]ir.Ref      // by path
	inFile map[string][]occurrence  // by file, sorted by position
	flows  map[string]*ir.Flow      // by id
	finds  map[string][]*ir.Finding // by target id
}

func buildIndex(res *compiler.Result) *index {
	ix := &index{byPath: map[string]*decl{}, refs: map[string][]ir.Ref{}, inFile: map[string][]occurrence{},
		flows: map[string]*ir.Flow{}, finds: map[string][]*ir.Finding{}}
	m := res.Model
	add := func(path, kind, name string, id, full diag.Range, obj any) {
		if !id.Start.IsValid() {
			return
		}
		d := &decl{path, kind, name, id, full, obj}
		ix.decls = append(ix.decls, d)
		if _, dup := ix.byPath[path]; !dup {
			ix.byPath[path] = d
		}
		ix.inFile[id.File] = append(ix.inFile[id.File], occurrence{id, path, kind, true})
	}
	for _, b := range m.Boundaries {
		add(b.ID, kindBoundary, b.Name, b.IDRange, b.Range, b)
	}
	for _, e := range m.Elements {
		add(e.ID, kindElement, e.Name, e.IDRange, e.Range, e)
	}
	for _, d := range m.Data {
		add(d.ID, kindData, d.Name, d.IDRange, d.Range, d)
	}
	for _, r := range m.Runtimes {
		add(r.ID, kindRuntime, r.Name, r.IDRange, r.Range, r)
	}
	for _, f := range m.Flows {
		ix.flows[f.ID] = f
		if f.Named {
			add(f.ID, kindFlow, f.Label, f.Head, f.Range, f)
		}
	}
	for _, s := range m.Sequences {
		add(s.ID, kindSequence, s.Name, s.IDRange, s.Range, s)
	}
	for _, t := range m.Threats {
		add(t.ID, kindThreat, t.Name, t.IDRange, t.Range, t)
	}
	for _, c := range m.Controls {
		add(c.ID, kindControl, c.Name, c.IDRange, c.Range, c)
	}
	for _, d := range m.Decisions {
		add(d.ID, kindDecision, d.Name, d.IDRange, d.Range, d)
	}
	for _, r := range m.Refs {
		ix.refs[r.Path] = append(ix.refs[r.Path], r)
		ix.inFile[r.Range.File] = append(ix.inFile[r.Range.File], occurrence{r.Range, r.Path, r.Kind, false})
	}
	for _, occs := range ix.inFile {
		sort.SliceStable(occs, func(i, j int) bool { return occs[i].rng.Start.Offset < occs[j].rng.Start.Offset })
	}
	for _, f := range m.Findings {
		id := f.Target.ID()
		ix.finds[id] = append(ix.finds[id], f)
	}
	return ix
}

// at returns the name at a position of a file, if any.
func (ix *index) at(file string, p diag.Pos) (occurrence, bool) {
	occs := ix.inFile[file]
	// The first occurrence that ends at or after p.
	i := sort.Search(len(occs), func(i int) bool { return occs[i].rng.End.Offset >= p.Offset })
	for ; i < len(occs) && occs[i].rng.Start.Offset <= p.Offset; i++ {
		if contains(occs[i].rng, p) {
			return occs[i], true
		}
	}
	return occurrence{}, false
}
