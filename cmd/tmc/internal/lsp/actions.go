package lsp

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// codeAction offers each diagnostic's help as a quick fix: the
// did-you-mean replacement, TM301's crosses line inserted in the flow,
// and the missing flow of TM401 (and TM201's "no flow from A to B"),
// with the crosses line it will need.
func (s *Server) codeAction(params json.RawMessage) (any, *rpcError) {
	var p codeActionParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	d, err := s.doc(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	if len(p.Context.Only) > 0 && !onlyQuickFix(p.Context.Only) {
		return []codeAction{}, nil
	}
	m := d.model
	t := m.textOf(d.name)
	from, to := t.fromLSP(p.Range.Start), t.fromLSP(p.Range.End)
	out := []codeAction{}
	for _, dg := range m.res.Diags {
		if dg.Subject.File != d.name || !overlaps(dg.Subject, from, to) {
			continue
		}
		ld := s.toLSPDiagnostic(m, dg)
		add := func(title string, edits ...textEdit) {
			out = append(out, codeAction{Title: title, Kind: "quickfix", Diagnostics: []lspDiagnostic{ld}, IsPreferred: true,
				Edit: &workspaceEdit{Changes: map[string][]textEdit{d.uri: edits}}})
		}
		switch {
		case dg.Replace != "":
			add(fmt.Sprintf("Replace with %q", dg.Replace), textEdit{Range: t.rangeToLSP(dg.Subject), NewText: dg.Replace})
		case dg.Code == "TM301" && strings.HasPrefix(dg.Fix, "crosses "):
			if e, ok := crossesEdit(m, t, d.name, dg); ok {
				add("Add "+firstWords(dg.Fix), e)
			}
		case strings.HasPrefix(dg.Fix, "flow "):
			if e, ok := missingFlowEdit(m, t, d.name, dg); ok {
				add("Add "+firstWords(dg.Fix), e)
			}
		}
	}
	return out, nil
}

func onlyQuickFix(only []string) bool {
	for _, k := range only {
		if k == "quickfix" || k == "" {
			return true
		}
	}
	return false
}

func firstWords(s string) string {
	if i := strings.Index(s, ` "`); i >= 0 {
		return s[:i]
	}
	return s
}

func before(a, b diag.Pos) bool { return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col }

// overlaps reports whether r touches the range from-to.
func overlaps(r diag.Range, from, to diag.Pos) bool {
	if !r.Start.IsValid() {
		return false
	}
	end := r.End
	if !end.IsValid() {
		end = r.Start
	}
	return !before(end, from) && !before(to, r.Start)
}

// declAt returns the top-level declaration of a file that holds offset.
func declAt(res *compiler.Result, file string, offset int) *dsl.Node {
	for _, f := range res.Source.Files {
		if f.Name != file {
			continue
		}
		for _, d := range f.Decls {
			n := declNode(d)
			if n != nil && len(n.Tokens) > 0 && n.Start().Offset <= offset && offset < n.End().Offset {
				return n
			}
		}
	}
	return nil
}

func declNode(d dsl.Decl) *dsl.Node {
	switch {
	case d.Model != nil:
		return &d.Model.Node
	case d.Boundary != nil:
		return &d.Boundary.Node
	case d.Element != nil:
		return &d.Element.Node
	case d.Extend != nil:
		return &d.Extend.Node
	case d.Data != nil:
		return &d.Data.Node
	case d.Flow != nil:
		return &d.Flow.Node
	case d.Sequence != nil:
		return &d.Sequence.Node
	case d.Threat != nil:
		return &d.Threat.Node
	case d.Control != nil:
		return &d.Control.Node
	case d.Decision != nil:
		return &d.Decision.Node
	case d.View != nil:
		return &d.View.Node
	case d.Accept != nil:
		return &d.Accept.Node
	case d.Runtime != nil:
		return &d.Runtime.Node
	case d.Dismiss != nil:
		return &d.Dismiss.Node
	}
	return nil
}

// indentOf returns the leading white space of the line holding offset.
func indentOf(t *text, offset int) string {
	line := t.line(t.posAt(offset).Line)
	n := 0
	for n < len(line) && (line[n] == ' ' || line[n] == '\t') {
		n++
	}
	return string(line[:n])
}

// crossesEdit inserts TM301's help line into the flow's block, creating
// the block when the flow has none.
func crossesEdit(m *model, t *text, file string, dg *diag.Diagnostic) (textEdit, bool) {
	n := declAt(m.res, file, dg.Subject.Start.Offset)
	if n == nil {
		return textEdit{}, false
	}
	toks := n.Tokens
	last := toks[len(toks)-1]
	indent := indentOf(t, n.Start().Offset)
	if last.Value != "}" { // no block: add one
		end := n.End().Offset
		return textEdit{Range: lspRange{t.posAt(end), t.posAt(end)},
			NewText: " {\n" + indent + "  " + dg.Fix + "\n" + indent + "}"}, true
	}
	closeAt := last.Pos.Offset
	lineStart := t.starts[t.posAt(closeAt).Line]
	if strings.TrimSpace(string(t.src[lineStart:closeAt])) == "" {
		// The } stands on its own line: add a line above it.
		at := t.posAt(lineStart)
		return textEdit{Range: lspRange{at, at}, NewText: indent + "  " + dg.Fix + "\n"}, true
	}
	// A block on one line: add the statement before the }.
	text := dg.Fix + " "
	if closeAt > 0 && t.src[closeAt-1] != ' ' && t.src[closeAt-1] != '\t' {
		text = " " + text
	}
	at := t.posAt(closeAt)
	return textEdit{Range: lspRange{at, at}, NewText: text}, true
}

// missingFlowEdit adds the flow a diagnostic's help names (flow A -> B
// "label") before the declaration that needs it, with a crosses line
// for every boundary it will cross.
func missingFlowEdit(m *model, t *text, file string, dg *diag.Diagnostic) (textEdit, bool) {
	n := declAt(m.res, file, dg.Subject.Start.Offset)
	if n == nil {
		return textEdit{}, false
	}
	fields := strings.Fields(dg.Fix)
	if len(fields) < 4 || fields[2] != "->" {
		return textEdit{}, false
	}
	text := dg.Fix
	// TM401's help already names the crossings on one line; the fix
	// writes them in a block of its own, from the compiled model.
	if i := strings.LastIndex(text, " { crosses "); i >= 0 && strings.HasSuffix(text, "}") {
		text = text[:i]
	}
	from, to := m.element(fields[1]), m.element(fields[3])
	if from != nil && to != nil {
		var names []string
		for _, x := range ir.CrossingsBetween(from.Boundary, to.Boundary) {
			names = append(names, m.shortName(x.Boundary.ID))
		}
		if len(names) > 0 {
			text += " {\n  crosses " + strings.Join(names, ", ") + " \"<how trust is established>\"\n}"
		}
	}
	at := t.posAt(t.starts[t.posAt(n.Start().Offset).Line])
	return textEdit{Range: lspRange{at, at}, NewText: text + "\n\n"}, true
}

// element finds an element by path, or by a last segment unique among
// elements.
func (m *model) element(name string) *ir.Element {
	if dc := m.index().byPath[name]; dc != nil {
		e, _ := dc.object.(*ir.Element)
		return e
	}
	var hit *ir.Element
	for _, dc := range m.index().decls {
		if e, ok := dc.object.(*ir.Element); ok && dc.last() == name {
			if hit != nil {
				return nil
			}
			hit = e
		}
	}
	return hit
}

// shortName is the shortest reference to a path: its last segment when
// no other declaration has it, else the path.
func (m *model) shortName(path string) string {
	last := path[strings.LastIndexByte(path, '.')+1:]
	for _, dc := range m.index().decls {
		if dc.last() == last && dc.path != path {
			return path
		}
	}
	return last
}
