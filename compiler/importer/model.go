// Package importer reads threat models written for other tools
// (Threagile, OWASP Threat Dragon, Open Threat Model) and writes them as
// tmc models: .tm files laid out and formatted the way docs/language.md
// writes models.
//
// Every importer fills the same intermediate model (boundaries, runtimes,
// data, elements grouped into files, flows, threats, controls) and lists
// every fact of the source it does not map, with the reason, on the
// element it belongs to; the writer turns the model into text and the
// Summary counts what was mapped and what was not. Crossing marks are
// written only where the source states how a link is protected, with a
// reason that quotes those facts: the importer never invents a
// justification.
package importer

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/dsl"
)

// MaxInput is the largest file an importer reads, in bytes.
const MaxInput = 16 << 20

// A File is one generated .tm file, its Name relative to the model root.
type File struct {
	Name string
	Data []byte
}

// A Result is an imported model: its files (platform.tm first, then the
// others by name) and the summary of what was mapped.
type Result struct {
	Files   []File
	Summary *Summary
}

// Formats are the source formats Import accepts.
var Formats = []string{"threagile", "threat-dragon", "otm"}

// Import reads data in the named format.
func Import(format string, data []byte) (*Result, error) {
	switch format {
	case "threagile":
		return Threagile(data)
	case "threat-dragon":
		return ThreatDragon(data)
	case "otm":
		return OTM(data)
	}
	return nil, fmt.Errorf("unknown format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// checkInput refuses inputs an importer should not try to read.
func checkInput(what string, data []byte) error {
	if len(data) > MaxInput {
		return fmt.Errorf("%s file is %d bytes, more than the %d MB an import reads", what, len(data), MaxInput>>20)
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return fmt.Errorf("%s file is empty", what)
	}
	return nil
}

// ---- the intermediate model ----

type model struct {
	format  string // "Threagile", "Threat Dragon", "OTM": as reasons quote it
	title   string
	owner   string
	desc    string
	header  []string // comment lines at the top of platform.tm
	modelNM []string // facts of the model as a whole, not mapped

	boundaries []*boundary
	runtimes   []*runtime
	data       []*dataAsset
	groups     []*group
	flows      []*flow
	threats    []*threat
	controls   []*control
	dismissals []*dismissal
	trailer    []string // comment lines at the end of platform.tm

	ids map[string]bool
	sum *Summary
}

func newModel(format string) *model {
	return &model{format: format, ids: map[string]bool{}, sum: &Summary{Format: format}}
}

type boundary struct {
	id, name, trust, typ, desc, owner string
	src                               string // the source's id, for comments
	parent                            *boundary
	comments                          []string // lines above the declaration
	nm                                []string
}

// chain returns b's boundaries from the outermost to b.
func (b *boundary) chain() []*boundary {
	var c []*boundary
	for x := b; x != nil; x = x.parent {
		c = append(c, x)
	}
	for i, j := 0, len(c)-1; i < j; i, j = i+1, j-1 {
		c[i], c[j] = c[j], c[i]
	}
	return c
}

type runtime struct {
	id, name, typ, desc string
	comments            []string
	nm                  []string
}

type dataAsset struct {
	id, name string
	stmts    []stmt
	nm       []string
}

// A stmt is one statement line, with an optional trailing comment.
type stmt struct{ text, comment string }

type element struct {
	id, name, kind string
	in             *boundary // written as `in`; nil inherits
	parent         *element
	children       []*element
	stmts          []stmt
	desc           string
	nm             []string
	comments       []string
}

func (e *element) path() string {
	if e.parent == nil {
		return e.id
	}
	return e.parent.path() + "." + e.id
}

// zone is the boundary the element is in, nil at the root.
func (e *element) zone() *boundary {
	for x := e; x != nil; x = x.parent {
		if x.in != nil {
			return x.in
		}
	}
	return nil
}

// A group is one file: top-level elements and the flows they send.
type group struct {
	file     string
	comments []string
	elems    []*element
	flows    []*flow
}

type flow struct {
	id, name string
	from, to *element
	stmts    []stmt
	desc     string
	// protection lists what the source states about how the link is
	// protected, as quoted facts; empty means the crossings stay unmarked.
	protection []string
	nm         []string
	comments   []string
}

type threat struct {
	id, name string
	on       string // reference
	stmts    []stmt
	desc     string
	nm       []string
	comments []string
}

type control struct {
	id, name string
	stmts    []stmt
	desc     string
	nm       []string
}

// A dismissal is a top-level `dismiss` of one finding of tmc's rules.
type dismissal struct {
	fp, reason, reviewer string
	comments             []string
}

// ---- identifiers ----

// ident makes an identifier of s: lower case ASCII letters, digits and
// single underscores; "" when s has none of them.
func ident(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			sep = false
		} else {
			sep = true
		}
		if b.Len() >= 48 {
			break
		}
	}
	id := strings.TrimRight(b.String(), "_")
	if id != "" && id[0] >= '0' && id[0] <= '9' {
		id = "n" + id
	}
	return id
}

// words the grammar gives a meaning after a reference; an id is never one.
var awkward = map[string]bool{"in": true, "on": true, "by": true, "until": true, "of": true, "over": true, "and": true, "else": true}

// newID returns a fresh identifier from the candidates (the first one
// that makes an identifier), unique in the model, else fallback; a
// number is appended to make it unique.
func (m *model) newID(fallback string, candidates ...string) string {
	base := ""
	for _, c := range candidates {
		if base = ident(c); base != "" {
			break
		}
	}
	if base == "" {
		base = fallback
	}
	if awkward[base] {
		base += "_"
	}
	id := base
	for n := 2; m.ids[id]; n++ {
		id = base + "_" + strconv.Itoa(n)
	}
	m.ids[id] = true
	return id
}

// ---- text ----

// clean makes source text safe to write: valid UTF-8, no NUL, no carriage
// returns, trimmed.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r == 0x7f || r == '\uFEFF':
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// oneLine is clean text on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(clean(s)), " ")
}

// quote returns s as a one-line tmc string.
func quote(s string) string {
	return strconv.Quote(oneLine(s))
}

// commentText makes s safe in a comment: one line.
func commentText(s string) string { return oneLine(s) }

// text returns a statement's string argument: a Markdown string when s
// has several lines (and no """), else a quoted one-line string. indent is
// the indentation of the statement.
func text(s, indent string) string {
	s = clean(s)
	if !strings.Contains(s, "\n") || strings.Contains(s, `"""`) {
		return strconv.Quote(strings.ReplaceAll(s, "\n", " "))
	}
	var b strings.Builder
	b.WriteString(`"""` + "\n")
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, " \t")
		if line != "" {
			b.WriteString(indent + "  " + line)
		}
		b.WriteByte('\n')
	}
	b.WriteString(indent + `"""`)
	return b.String()
}

type writer struct{ bytes.Buffer }

func (w *writer) line(indent int, s string) {
	if s == "" {
		w.WriteByte('\n')
		return
	}
	for range indent {
		w.WriteString("  ")
	}
	w.WriteString(s)
	w.WriteByte('\n')
}

func (w *writer) comments(indent int, lines []string) {
	for _, l := range lines {
		if l == "" {
			w.line(indent, "#")
			continue
		}
		w.line(indent, "# "+commentText(l))
	}
}

func (w *writer) notMapped(indent int, nm []string) {
	for _, l := range nm {
		w.line(indent, "# not mapped: "+commentText(l))
	}
}

func (w *writer) stmts(indent int, ss []stmt) {
	for _, s := range ss {
		if s.comment != "" {
			w.line(indent, s.text+"  # "+commentText(s.comment))
		} else {
			w.line(indent, s.text)
		}
	}
}

func (w *writer) desc(indent int, d string) {
	if clean(d) == "" {
		return
	}
	w.line(indent, "description "+text(d, strings.Repeat("  ", indent)))
}

func named(kw, id, name string) string {
	s := kw + " " + id
	if n := oneLine(name); n != "" && n != id {
		s += " " + strconv.Quote(n)
	}
	return s
}

// block writes "head {" body "}" or "head" alone when the body is empty.
func (w *writer) block(indent int, head string, body func(w *writer)) {
	// Written in place: the head with " {", the body, and when the body
	// is empty the head alone instead.
	start := w.Len()
	w.line(indent, head+" {")
	open := w.Len()
	body(w)
	if w.Len() == open {
		w.Truncate(start)
		w.line(indent, head)
		return
	}
	w.line(indent, "}")
}

func (w *writer) boundary(indent int, b *boundary, kids map[*boundary][]*boundary) {
	w.comments(indent, b.comments)
	w.block(indent, named("boundary", b.id, b.name), func(w *writer) {
		w.notMapped(indent+1, b.nm)
		w.line(indent+1, "trust "+b.trust)
		if b.typ != "" {
			w.line(indent+1, "type "+b.typ)
		}
		if b.owner != "" {
			w.line(indent+1, "owner "+quote(b.owner))
		}
		w.desc(indent+1, b.desc)
		for _, k := range kids[b] {
			w.boundary(indent+1, k, kids)
		}
	})
}

func (w *writer) element(indent int, e *element) {
	w.comments(indent, e.comments)
	head := named(e.kind, e.id, e.name)
	if e.in != nil && (e.parent == nil || e.parent.zone() != e.in) {
		head += " in " + e.in.id
	}
	w.block(indent, head, func(w *writer) {
		w.notMapped(indent+1, e.nm)
		w.stmts(indent+1, e.stmts)
		w.desc(indent+1, e.desc)
		for i, c := range e.children {
			if i > 0 || len(e.stmts) > 0 || e.desc != "" || len(e.nm) > 0 {
				w.line(0, "")
			}
			w.element(indent+1, c)
		}
	})
}

// crossings returns the boundaries a flow from a to b leaves (innermost
// first), then enters (outermost first), as compiler/crossing.go does.
func crossings(from, to *boundary) []*boundary {
	var fc, tc []*boundary
	if from != nil {
		fc = from.chain()
	}
	if to != nil {
		tc = to.chain()
	}
	k := 0
	for k < len(fc) && k < len(tc) && fc[k] == tc[k] {
		k++
	}
	var out []*boundary
	for i := len(fc) - 1; i >= k; i-- {
		out = append(out, fc[i])
	}
	return append(out, tc[k:]...)
}

func (m *model) writeFlow(w *writer, f *flow) {
	w.comments(0, f.comments)
	head := "flow "
	if f.id != "" {
		head += f.id + ": "
	}
	head += f.from.path() + " -> " + f.to.path()
	if n := oneLine(f.name); n != "" {
		head += " " + strconv.Quote(n)
	}
	w.block(0, head, func(w *writer) {
		w.notMapped(1, f.nm)
		w.stmts(1, f.stmts)
		if cs := crossings(f.from.zone(), f.to.zone()); len(cs) > 0 {
			if len(f.protection) > 0 {
				ids := make([]string, len(cs))
				for i, b := range cs {
					ids[i] = b.id
				}
				w.line(1, "crosses "+strings.Join(ids, ", ")+" "+quote("imported from "+m.format+": "+strings.Join(f.protection, ", ")))
				m.sum.marked++
			} else {
				m.sum.unmarked++
			}
		}
		w.desc(1, f.desc)
	})
}

// files renders the model.
func (m *model) files() []File {
	var w writer
	w.comments(0, m.header)
	if len(m.header) > 0 {
		w.line(0, "")
	}
	w.block(0, "model "+quote(m.title), func(w *writer) {
		w.notMapped(1, m.modelNM)
		if m.owner != "" {
			w.line(1, "owner "+quote(m.owner))
		}
		w.desc(1, m.desc)
	})
	kids := map[*boundary][]*boundary{}
	for _, b := range m.boundaries {
		if b.parent != nil {
			kids[b.parent] = append(kids[b.parent], b)
		}
	}
	if len(m.boundaries) > 0 {
		w.line(0, "")
		w.line(0, "# Trust boundaries.")
	}
	for _, b := range m.boundaries {
		if b.parent == nil {
			w.line(0, "")
			w.boundary(0, b, kids)
		}
	}
	if len(m.runtimes) > 0 {
		w.line(0, "")
		w.line(0, "# Shared runtimes.")
	}
	for _, r := range m.runtimes {
		w.line(0, "")
		w.comments(0, r.comments)
		w.block(0, named("runtime", r.id, r.name), func(w *writer) {
			w.notMapped(1, r.nm)
			if r.typ != "" {
				w.line(1, "type "+r.typ)
			}
			w.desc(1, r.desc)
		})
	}
	if len(m.data) > 0 {
		w.line(0, "")
		w.line(0, "# Data assets.")
	}
	for _, d := range m.data {
		w.line(0, "")
		w.block(0, named("data", d.id, d.name), func(w *writer) {
			w.notMapped(1, d.nm)
			w.stmts(1, d.stmts)
		})
	}
	if len(m.controls) > 0 {
		w.line(0, "")
		w.line(0, "# Controls.")
	}
	for _, c := range m.controls {
		w.line(0, "")
		w.block(0, named("control", c.id, c.name), func(w *writer) {
			w.notMapped(1, c.nm)
			w.stmts(1, c.stmts)
			w.desc(1, c.desc)
		})
	}
	if len(m.dismissals) > 0 {
		w.line(0, "")
		w.line(0, "# Dismissed findings.")
	}
	for _, d := range m.dismissals {
		w.line(0, "")
		w.comments(0, d.comments)
		w.block(0, "dismiss "+quote(d.fp), func(w *writer) {
			w.line(1, "reason "+quote(d.reason))
			w.line(1, "reviewer "+quote(d.reviewer))
		})
	}
	if len(m.trailer) > 0 {
		w.line(0, "")
		w.comments(0, m.trailer)
	}
	out := []File{{Name: "platform.tm", Data: []byte(w.String())}}

	// Threats go to the file of what they are on.
	threatsOf := map[*group][]*threat{}
	var platformThreats []*threat
	groupOf := m.groupIndex()
	for _, t := range m.threats {
		g := groupOf[t.on]
		if g == nil {
			platformThreats = append(platformThreats, t)
		} else {
			threatsOf[g] = append(threatsOf[g], t)
		}
	}
	if len(platformThreats) > 0 {
		var tw writer
		tw.WriteString(out[0].String())
		tw.line(0, "")
		tw.line(0, "# Threats.")
		for _, t := range platformThreats {
			tw.line(0, "")
			m.writeThreat(&tw, t)
		}
		out[0].Data = []byte(tw.String())
	}
	var rest []File
	for _, g := range m.groups {
		var w writer
		w.comments(0, g.comments)
		for _, e := range g.elems {
			w.line(0, "")
			w.element(0, e)
		}
		for _, f := range g.flows {
			w.line(0, "")
			m.writeFlow(&w, f)
		}
		for _, t := range threatsOf[g] {
			w.line(0, "")
			m.writeThreat(&w, t)
		}
		s := strings.TrimLeft(w.String(), "\n")
		if len(g.comments) > 0 {
			s = w.String()
		}
		rest = append(rest, File{Name: g.file, Data: []byte(s)})
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i].Name < rest[j].Name })
	out = append(out, rest...)
	// The writer lays files out as tmc fmt does; Format settles what it
	// leaves to taste (long lists), so an imported model is formatted. A
	// file that does not parse is left as written, for the compiler to
	// report.
	for i := range out {
		if b, err := dsl.Format(out[i].Name, out[i].Data); err == nil {
			out[i].Data = b
		}
	}
	return out
}

func (f File) String() string { return string(f.Data) }

func (m *model) writeThreat(w *writer, t *threat) {
	w.comments(0, t.comments)
	w.block(0, named("threat", t.id, t.name), func(w *writer) {
		w.notMapped(1, t.nm)
		w.stmts(1, t.stmts)
		w.desc(1, t.desc)
	})
}

// groupIndex maps the references of the groups' flows and elements to
// their group (the first group, when two name the same).
func (m *model) groupIndex() map[string]*group {
	idx := map[string]*group{}
	var walk func(g *group, e *element, prefix string)
	walk = func(g *group, e *element, prefix string) {
		p := prefix + e.id
		if idx[p] == nil {
			idx[p] = g
		}
		for _, c := range e.children {
			walk(g, c, p+".")
		}
	}
	for _, g := range m.groups {
		for _, f := range g.flows {
			if idx[f.id] == nil {
				idx[f.id] = g
			}
		}
		for _, e := range g.elems {
			prefix := ""
			if e.parent != nil {
				prefix = e.parent.path() + "."
			}
			walk(g, e, prefix)
		}
	}
	return idx
}

// ---- what maps to what ----

// words of tmc's closed lists the importers use.
var (
	strideWords = map[string]string{
		"spoofing": "spoofing", "tampering": "tampering", "repudiation": "repudiation",
		"information disclosure": "information_disclosure", "information-disclosure": "information_disclosure", "informationdisclosure": "information_disclosure",
		"denial of service": "denial_of_service", "denial-of-service": "denial_of_service", "denialofservice": "denial_of_service",
		"elevation of privilege": "elevation_of_privilege", "elevation-of-privilege": "elevation_of_privilege", "elevationofprivilege": "elevation_of_privilege",
	}
)

// strideOf maps a category name to tmc's STRIDE word, "" when none.
func strideOf(s string) string {
	s = strings.ToLower(oneLine(s))
	if w, ok := strideWords[s]; ok {
		return w
	}
	return strideWords[strings.ReplaceAll(strings.ReplaceAll(s, "_", " "), "-", " ")]
}

// Tree returns the files as a compiler.Tree, to compile them in memory.
func (r *Result) Tree() compiler.Tree {
	t := compiler.Tree{}
	for _, f := range r.Files {
		t[f.Name] = f.Data
	}
	return t
}

// Compile compiles the imported files in memory as a model rooted at root.
func (r *Result) Compile(root string, opts compiler.Options) (*compiler.Result, error) {
	src, err := compiler.LoadTree(root, r.Tree())
	if err != nil {
		return nil, err
	}
	return compiler.CompileSource(src, opts), nil
}
