package lsp

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/compiler/rules"
	"github.com/tmc-dev/tmc/dsl"
)

// openers are, per block, the keywords whose declaration opens a block,
// and the block they open.
var openers = map[string]map[string]string{
	"top-level": {
		"model": "model", "boundary": "boundary", "extend": "element", "data": "data", "flow": "flow",
		"sequence": "sequence", "threat": "threat", "control": "control", "decision": "decision",
		"view": "view", "accept": "accept", "dismiss": "dismiss", "runtime": "runtime",
	},
	"boundary": {"boundary": "boundary"},
	"element":  {},
	"sequence": {"alt": "sequence", "else": "sequence", "opt": "sequence", "loop": "sequence", "par": "sequence", "and": "sequence"},
}

func init() {
	for _, k := range dsl.ElementKinds {
		openers["top-level"][k] = "element"
		openers["element"][k] = "element"
	}
}

// A completion context is what the text before the cursor says.
type compContext struct {
	block    string      // the block the cursor is in ("top-level", "flow", ...)
	line     []dsl.Token // the statement's tokens before the cursor, on the cursor's line, after the last brace
	prev     string      // the last token before the cursor (or the partial name), "" at a statement start
	inString bool        // the cursor is inside a string literal
	partial  int         // offset where the name (or string content) being typed starts
}

// context reads the tokens before offset.
func completionContext(src []byte, offset int) compContext {
	toks := dsl.Tokens(src[:offset])
	c := compContext{partial: offset}
	// Drop comments; note an unterminated string at the cursor.
	var ts []dsl.Token
	for _, t := range toks {
		if t.Kind != dsl.TokenComment {
			ts = append(ts, t)
		}
	}
	if n := len(ts); n > 0 {
		last := ts[n-1]
		switch {
		case last.Kind == dsl.TokenError && last.Start.Offset < len(src) && src[last.Start.Offset] == '"':
			c.inString = true
			c.partial = last.Start.Offset + 1
			ts = ts[:n-1]
		case last.Kind == dsl.TokenIdent && last.End.Offset == offset:
			// The name being typed, with a dotted prefix.
			i := n - 1
			for i >= 2 && ts[i-1].Value == "." && ts[i-1].End.Offset == ts[i].Start.Offset && ts[i-2].Kind == dsl.TokenIdent && ts[i-2].End.Offset == ts[i-1].Start.Offset {
				i -= 2
			}
			c.partial = ts[i].Start.Offset
			ts = ts[:i]
		case last.Value == "." && last.End.Offset == offset && n >= 2 && ts[n-2].Kind == dsl.TokenIdent:
			i := n - 2
			for i >= 2 && ts[i-1].Value == "." && ts[i-2].Kind == dsl.TokenIdent {
				i -= 2
			}
			c.partial = ts[i].Start.Offset
			ts = ts[:i]
		}
	}
	// Follow the blocks.
	stack := []string{"top-level"}
	since := 0 // index of the first token after the last brace
	for i, t := range ts {
		if t.Kind != dsl.TokenPunct {
			continue
		}
		switch t.Value {
		case "{":
			stack = append(stack, openedBy(ts[since:i], stack[len(stack)-1]))
			since = i + 1
		case "}":
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			since = i + 1
		}
	}
	c.block = stack[len(stack)-1]
	tail := ts[since:]
	cursorLine := 1 + strings.Count(string(src[:offset]), "\n")
	for i, t := range tail {
		if t.End.Line >= cursorLine || t.Start.Line == cursorLine {
			c.line = tail[i:]
			break
		}
	}
	c.line = c.line[statementStart(c.line, c.block):]
	if len(c.line) > 0 {
		c.prev = c.line[len(c.line)-1].Value
	}
	return c
}

// statementStart finds where the last statement of a line starts:
// statements share lines (`protocol https  carries order`). A keyword of
// the block starts one unless it stands where a value does (after a
// keyword that takes one, a comma or an arrow).
func statementStart(line []dsl.Token, block string) int {
	kws := map[string]bool{}
	for _, k := range dsl.Keywords(block) {
		kws[k] = true
	}
	stmt := 0
	for i := 1; i < len(line); i++ {
		if line[i].Kind != dsl.TokenIdent || !kws[line[i].Value] {
			continue
		}
		switch line[i-1].Value {
		case ",", "->", "-->", ":", "in", "on", "over", "of", "by", "until":
			continue
		}
		if i-1 == stmt && dsl.Usage(block, line[stmt].Value) != line[stmt].Value {
			continue // the value of the statement's keyword
		}
		stmt = i
	}
	return stmt
}

// openedBy finds which block a "{" opens from the tokens before it.
func openedBy(head []dsl.Token, block string) string {
	op := openers[block]
	hit := ""
	for j := len(head) - 1; j >= 0; j-- {
		t := head[j]
		if t.Kind != dsl.TokenIdent {
			continue
		}
		if b, ok := op[t.Value]; ok {
			hit = b
			// An opener right after another is the other's id
			// (container queue "Q"): keep looking.
			if j > 0 && head[j-1].Kind == dsl.TokenIdent {
				if _, ok := op[head[j-1].Value]; ok {
					continue
				}
			}
			return hit
		}
	}
	if hit != "" {
		return hit
	}
	return "unknown"
}

// The statements that name things, by keyword: what they name.
const (
	wantBoundary = 1 << iota
	wantElement
	wantData
	wantFlow
	wantControl
	wantRuntime
)

var listKeywords = map[string]int{
	"carries": wantData, "stores": wantData, "processes": wantData, "crossing": wantBoundary,
	"mitigated_by": wantControl, "affects": wantElement, "include": wantElement, "exclude": wantElement,
	"around": wantElement, "runs_on": wantRuntime, "response_to": wantFlow, "crosses": wantBoundary,
}

func (s *Server) completion(params json.RawMessage) (any, *rpcError) {
	var p textDocumentPositionParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	d, err := s.doc(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	m := d.model
	t := m.textOf(d.name)
	offset := t.offset(p.Position)
	c := completionContext(t.src, offset)
	replace := lspRange{t.posAt(c.partial), t.posAt(offset)}
	var items []completionItem
	add := func(label, detail string, kind int) {
		items = append(items, completionItem{Label: label, Kind: kind, Detail: detail, FilterText: label,
			TextEdit: &textEdit{Range: replace, NewText: label}})
	}
	keywords := func() {
		for _, k := range dsl.Keywords(c.block) {
			add(k, dsl.Usage(c.block, k), ciKeyword)
		}
	}
	names := func(want int) {
		for _, dc := range m.index().decls {
			if want&wantOf(dc.kind) == 0 {
				continue
			}
			add(m.shortName(dc.path), dc.kind+" "+dc.path+nameSuffix(dc.name), itemKind(dc.kind))
		}
	}
	first := ""
	if len(c.line) > 0 {
		first = c.line[0].Value
	}
	switch {
	case c.inString:
		if c.block == "threat" && first == "claims" || c.block == "top-level" && (first == "accept" || first == "dismiss") {
			for _, id := range rules.IDs() {
				add(id, "rule "+ruleTitle(id), ciEnum)
			}
			for _, f := range m.res.Model.Findings {
				add(f.Fingerprint, "finding: "+f.Title+" ("+f.Band+")", ciEnum)
			}
		}
	case len(c.line) == 0:
		keywords()
		if c.block == "sequence" {
			names(wantElement)
		}
	case c.block == "top-level" && first == "flow" || c.block == "sequence" && first != "note":
		if c.prev == "flow" || c.prev == ":" || c.prev == "->" || c.prev == "-->" {
			names(wantElement)
		}
	case c.block == "top-level" && first == "extend" && c.prev == "extend":
		names(wantElement)
	case c.prev == "in" && (c.block == "top-level" || c.block == "boundary" || c.block == "element"):
		names(wantBoundary) // boundaries and elements alike are placed in a boundary
	case first == "note" && (c.prev == "over" || c.prev == ","):
		names(wantElement)
	case c.prev == "of" && c.block == "view":
		names(wantElement)
	case first == "on" && c.block == "threat" || first == "provides" && c.block == "control" && hasWord(c.line, "on"):
		if c.prev == "on" || c.prev == "," {
			names(wantFlow | wantElement | wantBoundary)
		} else if c.prev == "->" {
			names(wantElement)
		}
	case (first == "safeguards" || first == "provides") && (c.prev == first || c.prev == ","):
		for _, sg := range compiler.Safeguards {
			add(sg, "safeguard", ciValue)
		}
	case first == "crosses" && (c.prev == "crosses" || c.prev == ","):
		s.crossesItems(m, d.name, offset, add)
	case listKeywords[first] != 0 && (c.prev == first || c.prev == ","):
		names(listKeywords[first])
	case c.prev == first && valuesOf(c.block, first) != nil:
		for _, v := range valuesOf(c.block, first) {
			add(v, first+" value", ciValue)
		}
	case len(c.line) > 0 && c.block != "top-level":
		keywords() // a statement is complete: the next may follow on the line
	}
	if items == nil {
		items = []completionItem{}
	}
	return completionList{Items: items}, nil
}

// crossesItems offers, in a flow's crosses, the boundaries the compiled
// flow crosses and does not mark yet, then the others it crosses.
func (s *Server) crossesItems(m *model, file string, offset int, add func(label, detail string, kind int)) {
	var flow *ir.Flow
	for _, f := range m.res.Model.Flows {
		if f.Range.File == file && f.Range.Start.Offset <= offset && offset <= f.Range.End.Offset {
			flow = f
		}
	}
	if flow == nil {
		return
	}
	for _, marked := range []bool{false, true} {
		for _, x := range flow.Crossings {
			if (x.Mark != nil) != marked {
				continue
			}
			what := "unmarked: the flow " + x.Direction + "s it"
			if marked {
				what = "the flow " + x.Direction + "s it (marked)"
			}
			add(m.shortName(x.Boundary.ID), "boundary "+x.Boundary.ID+" (trust "+orNone(x.Boundary.Trust)+"); "+what, ciModule)
		}
	}
}

func hasWord(ts []dsl.Token, w string) bool {
	return slices.ContainsFunc(ts, func(t dsl.Token) bool { return t.Kind == dsl.TokenIdent && t.Value == w })
}

// valuesOf returns the closed list of values of a keyword, read from its
// usage (`trust untrusted|low|medium|...`), or nil.
func valuesOf(block, keyword string) []string {
	switch keyword {
	case "technology":
		return compiler.Technologies
	case "accepts":
		return compiler.Formats
	case "stride":
		return []string{"spoofing", "tampering", "repudiation", "information_disclosure", "denial_of_service", "elevation_of_privilege"}
	}
	u := dsl.Usage(block, keyword)
	_, rest, ok := strings.Cut(u, " ")
	if !ok || !strings.Contains(rest, "|") {
		return nil
	}
	if i := strings.IndexAny(rest, " ("); i >= 0 {
		rest = rest[:i]
	}
	return strings.Split(rest, "|")
}

func wantOf(kind string) int {
	switch kind {
	case kindBoundary:
		return wantBoundary
	case kindElement:
		return wantElement
	case kindData:
		return wantData
	case kindFlow:
		return wantFlow
	case kindControl:
		return wantControl
	case kindRuntime:
		return wantRuntime
	}
	return 0
}

func itemKind(kind string) int {
	switch kind {
	case kindBoundary:
		return ciModule
	case kindElement:
		return ciClass
	case kindData:
		return ciStruct
	case kindFlow:
		return ciFunction
	case kindThreat:
		return ciEvent
	case kindControl:
		return ciIface
	}
	return ciRef
}

func nameSuffix(name string) string {
	if name == "" {
		return ""
	}
	return " — " + name
}

var ruleTitles = func() map[string]string {
	out := map[string]string{}
	for _, r := range rules.All {
		out[r.ID] = r.Title
	}
	return out
}()

func ruleTitle(id string) string { return ruleTitles[id] }
