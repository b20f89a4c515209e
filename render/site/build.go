package site

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render"
	"github.com/tmc-dev/tmc/render/style"
)

// Build returns every file of the site, sorted by path, deterministically:
// the same input gives byte-identical files. ctx bounds diagram layout.
// A view that cannot be drawn does not fail the build: its page and the
// overview say so. The error is ctx's when it ends, or an internal
// template error.
func Build(ctx context.Context, in Input, opts Options) (files []File, err error) {
	defer func() {
		if r := recover(); r != nil { // a bug, not the model's fault: fail the build, not the process
			files, err = nil, fmt.Errorf("site: internal error: %v", r)
		}
	}()
	if in.Model == nil {
		return nil, fmt.Errorf("site: no model")
	}
	b := newBuilder(in, opts)
	if err := b.renderViews(ctx); err != nil {
		return nil, err
	}
	if err := b.pages(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opts.Only == nil {
		pageCache.retain(b.seen)
	}
	sort.Slice(b.files, func(i, j int) bool { return b.files[i].Path < b.files[j].Path })
	return b.files, nil
}

// A builder holds one build: the input, the indexes the pages share, the
// rendered diagrams and the files written so far.
type builder struct {
	in        Input
	m         *ir.Model
	opts      Options
	sourceURL string // opts.SourceURL when valid, else ""

	files []File
	seen  map[string]bool // paths written

	// Indexes, filled by index(); maps are only looked up, never walked.
	flowsOut, flowsIn   map[*ir.Element][]*ir.Flow
	threatsOnElement    map[*ir.Element][]*ir.Threat
	threatsOnFlow       map[*ir.Flow][]*ir.Threat
	threatBounds        map[*ir.Threat][]*ir.Boundary // shown in the register
	threatBoundsAll     map[*ir.Threat][]*ir.Boundary // with their ancestors: filters and boundary pages
	decisionsFor        map[*ir.Element][]*ir.Decision
	sequencesOf         map[*ir.Flow][]*ir.Sequence
	viewOfSequence      map[*ir.Sequence]*ir.View
	boundaryIndex       map[*ir.Boundary]int
	decisionFiles       map[string]string // decision file path -> decision id
	threatsByBoundary   map[*ir.Boundary][]*ir.Threat
	crossingsOfBoundary map[*ir.Boundary][]crossingRef

	// Findings of the threat rules, indexed like threats. A claimed
	// finding is shown through the threat that claims it (claimsOf), never
	// as a row of its own beside it.
	findingsOn         map[ir.Target][]*ir.Finding // listed findings by target
	claimedOn          map[ir.Target][]*ir.Finding // claimed findings by target
	findingBounds      map[*ir.Finding][]*ir.Boundary
	findingBoundsAll   map[*ir.Finding][]*ir.Boundary
	findingsByBoundary map[*ir.Boundary][]*ir.Finding
	claimsOf           map[*ir.Threat][]*ir.Finding
	isThreat           map[*ir.Threat]bool // the model's threats (a finding claimed by another is listed)
	findingByFP        map[string]*ir.Finding
	findingFile        map[*ir.Finding]string // site path of each finding's page

	carriedBy map[*ir.Data][]*ir.Flow
	search    []searchEntry

	views   []*viewSVG            // parallel to m.Views
	appears map[string][]*viewSVG // see indexAppearances
}

type crossingRef struct {
	flow *ir.Flow
	x    *ir.Crossing
}

// A viewSVG is one rendered diagram.
type viewSVG struct {
	view *ir.View
	svg  []byte          // with links relative to a page one folder down (../kind/id.html)
	ids  map[string]bool // the SVG ids it holds (tm-<view>--<kind>--<id>)
	err  error
}

func newBuilder(in Input, opts Options) *builder {
	b := &builder{in: in, m: in.Model, opts: opts, seen: map[string]bool{}}
	if validSourceURL(opts.SourceURL) {
		b.sourceURL = opts.SourceURL
	}
	b.index()
	return b
}

func (b *builder) index() {
	m := b.m
	b.flowsOut = map[*ir.Element][]*ir.Flow{}
	b.flowsIn = map[*ir.Element][]*ir.Flow{}
	b.threatsOnElement = map[*ir.Element][]*ir.Threat{}
	b.threatsOnFlow = map[*ir.Flow][]*ir.Threat{}
	b.threatBounds = map[*ir.Threat][]*ir.Boundary{}
	b.threatBoundsAll = map[*ir.Threat][]*ir.Boundary{}
	b.decisionsFor = map[*ir.Element][]*ir.Decision{}
	b.sequencesOf = map[*ir.Flow][]*ir.Sequence{}
	b.viewOfSequence = map[*ir.Sequence]*ir.View{}
	b.boundaryIndex = map[*ir.Boundary]int{}
	b.decisionFiles = map[string]string{}
	b.threatsByBoundary = map[*ir.Boundary][]*ir.Threat{}
	b.crossingsOfBoundary = map[*ir.Boundary][]crossingRef{}
	b.findingsOn = map[ir.Target][]*ir.Finding{}
	b.claimedOn = map[ir.Target][]*ir.Finding{}
	b.findingBounds = map[*ir.Finding][]*ir.Boundary{}
	b.findingBoundsAll = map[*ir.Finding][]*ir.Boundary{}
	b.findingsByBoundary = map[*ir.Boundary][]*ir.Finding{}
	b.claimsOf = map[*ir.Threat][]*ir.Finding{}
	b.isThreat = map[*ir.Threat]bool{}
	b.findingByFP = map[string]*ir.Finding{}
	b.findingFile = map[*ir.Finding]string{}

	for i, bd := range m.Boundaries {
		if bd != nil {
			b.boundaryIndex[bd] = i
		}
	}
	for _, f := range m.Flows {
		if f == nil {
			continue
		}
		if f.From != nil {
			b.flowsOut[f.From] = append(b.flowsOut[f.From], f)
		}
		if f.To != nil {
			b.flowsIn[f.To] = append(b.flowsIn[f.To], f)
		}
		for _, x := range f.Crossings {
			if x != nil && x.Boundary != nil {
				b.crossingsOfBoundary[x.Boundary] = append(b.crossingsOfBoundary[x.Boundary], crossingRef{f, x})
			}
		}
	}
	for _, t := range m.Threats {
		if t == nil {
			continue
		}
		switch {
		case t.Target.Flow != nil:
			b.threatsOnFlow[t.Target.Flow] = append(b.threatsOnFlow[t.Target.Flow], t)
		case t.Target.Element != nil:
			b.threatsOnElement[t.Target.Element] = append(b.threatsOnElement[t.Target.Element], t)
		}
		direct := b.directBoundaries(t.Target)
		b.threatBounds[t] = direct
		all := b.withAncestors(direct)
		b.threatBoundsAll[t] = all
		for _, bd := range all {
			b.threatsByBoundary[bd] = append(b.threatsByBoundary[bd], t)
		}
	}
	b.indexFindings()
	for _, d := range m.Decisions {
		if d == nil {
			continue
		}
		for _, e := range d.Affects {
			if e != nil {
				b.decisionsFor[e] = append(b.decisionsFor[e], d)
			}
		}
		if d.File != nil && d.File.Name != "" && !d.File.Escapes {
			p := path.Clean(d.File.Name)
			if _, dup := b.decisionFiles[p]; !dup {
				b.decisionFiles[p] = d.ID
			}
		}
	}
	for _, s := range m.Sequences {
		if s == nil {
			continue
		}
		seen := map[*ir.Flow]bool{}
		var walk func(steps []*ir.Step)
		walk = func(steps []*ir.Step) {
			for _, st := range steps {
				if st == nil {
					continue
				}
				if st.Flow != nil && !seen[st.Flow] {
					seen[st.Flow] = true
					b.sequencesOf[st.Flow] = append(b.sequencesOf[st.Flow], s)
				}
				for _, br := range st.Branches {
					if br != nil {
						walk(br.Steps)
					}
				}
			}
		}
		walk(s.Steps)
	}
	for _, v := range m.Views {
		if v != nil && v.Sequence != nil {
			if _, ok := b.viewOfSequence[v.Sequence]; !ok {
				b.viewOfSequence[v.Sequence] = v
			}
		}
	}
}

// indexFindings indexes the findings of the threat rules by target and
// boundary (as threats), the findings each threat claims, and gives each
// finding its page.
func (b *builder) indexFindings() {
	for _, t := range b.m.Threats {
		if t != nil {
			b.isThreat[t] = true
		}
	}
	taken := map[string]bool{}
	for _, f := range b.m.Findings {
		if f == nil {
			continue
		}
		if _, dup := b.findingByFP[f.Fingerprint]; !dup {
			b.findingByFP[f.Fingerprint] = f
		}
		p := findingPath(f)
		if taken[p] { // only in an IR with duplicate or odd fingerprints
			p = kindFinding + "/~~" + fileName(f.Fingerprint) + ".html"
		}
		taken[p] = true
		b.findingFile[f] = p
		direct := b.directBoundaries(f.Target)
		b.findingBounds[f] = direct
		all := b.withAncestors(direct)
		b.findingBoundsAll[f] = all
		if !b.listed(f) {
			b.claimsOf[f.ClaimedBy] = append(b.claimsOf[f.ClaimedBy], f)
			b.claimedOn[f.Target] = append(b.claimedOn[f.Target], f)
			continue
		}
		b.findingsOn[f.Target] = append(b.findingsOn[f.Target], f)
		for _, bd := range all {
			b.findingsByBoundary[bd] = append(b.findingsByBoundary[bd], f)
		}
	}
}

// listed reports whether a finding is a row of its own in the register
// and on the pages of its target: open or accepted, not claimed by a
// declared threat (then the threat's row stands for it).
func (b *builder) listed(f *ir.Finding) bool {
	return !(f.Status == ir.Claimed && b.isThreat[f.ClaimedBy])
}

// directBoundaries are the boundaries a threat or finding is about: its
// target boundary, the boundary of its target element, or the boundaries
// its target flow crosses (the boundary of its ends when it crosses none).
func (b *builder) directBoundaries(target ir.Target) []*ir.Boundary {
	var out []*ir.Boundary
	add := func(bd *ir.Boundary) {
		if bd == nil {
			return
		}
		for _, x := range out {
			if x == bd {
				return
			}
		}
		out = append(out, bd)
	}
	switch {
	case target.Boundary != nil:
		add(target.Boundary)
	case target.Element != nil:
		add(target.Element.Boundary)
	case target.Flow != nil:
		f := target.Flow
		for _, x := range f.Crossings {
			if x != nil {
				add(x.Boundary)
			}
		}
		if len(out) == 0 {
			if f.From != nil {
				add(f.From.Boundary)
			}
			if f.To != nil {
				add(f.To.Boundary)
			}
		}
	}
	b.sortBoundaries(out)
	return out
}

// withAncestors adds the enclosing boundaries: a threat in cluster.data is
// also a threat in cluster.
func (b *builder) withAncestors(bs []*ir.Boundary) []*ir.Boundary {
	var out []*ir.Boundary
	seen := map[*ir.Boundary]bool{}
	for _, bd := range bs {
		for x, n := bd, 0; x != nil && n < 1000; x, n = x.Parent, n+1 {
			if !seen[x] {
				seen[x] = true
				out = append(out, x)
			}
		}
	}
	b.sortBoundaries(out)
	return out
}

func (b *builder) sortBoundaries(bs []*ir.Boundary) {
	sort.SliceStable(bs, func(i, j int) bool { return b.boundaryIndex[bs[i]] < b.boundaryIndex[bs[j]] })
}

// svgLink is the URL of the page of a thing from a page one folder down,
// for the diagrams (svgFor rewrites it for index.html).
// It is PageLink, the one naming function that tmc render --link-base
// uses too.
func (b *builder) svgLink(kind, id string) string {
	if p := PageLink(kind, id); p != "" {
		return "../" + p
	}
	return ""
}

// svgIDs collects the ids the renderers give (id="tm-...").
func svgIDs(svg []byte, into map[string]bool) {
	const marker = ` id="tm-`
	for {
		i := bytes.Index(svg, []byte(marker))
		if i < 0 {
			return
		}
		svg = svg[i+len(marker)-3:]
		j := bytes.IndexByte(svg, '"')
		if j < 0 {
			return
		}
		into[string(svg[:j])] = true
		svg = svg[j:]
	}
}

// renderViews draws every view, two at a time on two cores (layout calls
// are serialised by render/layout, but sequence diagrams, SVG writing and
// layouts in worker processes run alongside).
func (b *builder) renderViews(ctx context.Context) error {
	b.views = make([]*viewSVG, len(b.m.Views))
	opts := render.Options{Link: b.svgLink, EmbedFont: false}
	workers := min(runtime.GOMAXPROCS(0), 4)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				v := b.m.Views[i]
				vs := &viewSVG{view: v, ids: map[string]bool{}}
				if v == nil {
					vs.err = fmt.Errorf("no view")
				} else if err := ctx.Err(); err != nil {
					vs.err = err
				} else {
					vs.svg, vs.err = renderView(ctx, b.m, v, opts)
				}
				svgIDs(vs.svg, vs.ids)
				b.views[i] = vs
			}
		}()
	}
	for i := range b.m.Views {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	b.indexAppearances()
	return ctx.Err()
}

// renderView draws one view and never panics: a renderer that fails on a
// strange model fails that view only.
func renderView(ctx context.Context, m *ir.Model, v *ir.View, opts render.Options) (svg []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			svg, err = nil, fmt.Errorf("the diagram could not be drawn: %v", r)
		}
	}()
	svg, err = render.View(ctx, m, v, opts)
	if err != nil {
		return nil, err
	}
	return svg, nil
}

// svgFor returns the diagram for a page: root "" for a page at the site
// root (its links lose one ../), "../" for a page one folder down.
func (vs *viewSVG) svgFor(root string) template.HTML {
	if root == "" {
		return template.HTML(bytes.ReplaceAll(vs.svg, []byte(`href="../`), []byte(`href="`)))
	}
	return template.HTML(vs.svg)
}

// indexAppearances fills b.appears: for "kind--slug" (the end of a
// renderer's id), the diagrams that draw the thing, in view order.
func (b *builder) indexAppearances() {
	b.appears = map[string][]*viewSVG{}
	for _, vs := range b.views {
		if vs.view == nil {
			continue
		}
		probe := style.ID(vs.view.ID, "k", "")
		prefix := probe[:len(probe)-len("k--")]
		for _, id := range sortedKeys(vs.ids) {
			if rest, ok := strings.CutPrefix(id, prefix); ok {
				b.appears[rest] = append(b.appears[rest], vs)
			}
		}
	}
}

// appearsIn returns the diagrams that draw a thing, in view order.
func (b *builder) appearsIn(kind, id string) []*viewSVG {
	return b.appears[strings.TrimPrefix(style.ID("", kind, id), "tm---")]
}

// wants reports whether the build writes the file p (Options.Only).
func (b *builder) wants(p string) bool { return b.opts.Only == nil || b.opts.Only(p) }

// add records a file; the first of two with the same path wins (ids are
// unique in a model that resolved; a model with duplicates keeps going).
func (b *builder) add(p string, data []byte) {
	if !b.wants(p) {
		return
	}
	if b.seen[p] {
		return
	}
	b.seen[p] = true
	b.files = append(b.files, File{Path: p, Data: data})
}

// neutralize makes sure no text of the model can read as script in a
// page, even to a scanner that ignores HTML context: "javascript:" and
// "vbscript:" get their colon as &#58;, and an "on...=" as in an event
// handler attribute gets its = as &#61;. Both entities read back as the
// same character in text and attribute values; the site's own markup
// never holds either pattern (tests check the pages against goldens), and
// model text only ever lands in text and quoted attribute values, already
// escaped by html/template or by the SVG renderers.
func neutralize(page []byte, colon, equals string) []byte {
	var out []byte
	last := 0
	replace := func(j int, with string) {
		if out == nil {
			out = make([]byte, 0, len(page)+64)
		}
		out = append(out, page[last:j]...)
		out = append(out, with...)
		last = j + 1
	}
	for i := 0; i < len(page); i++ {
		switch page[i] | 0x20 {
		case 's': // (java|vb)script\s*:
			if i+6 > len(page) || !foldEq(page[i:i+6], "script") {
				continue
			}
			if !(i >= 4 && foldEq(page[i-4:i], "java")) && !(i >= 2 && foldEq(page[i-2:i], "vb")) {
				continue
			}
			j := skipSpace(page, i+6)
			if j < len(page) && page[j] == ':' {
				replace(j, colon)
				i = j
			}
		case 'o': // \bon[a-z]+\s*=
			if i+1 >= len(page) || page[i+1]|0x20 != 'n' || (i > 0 && isWordByte(page[i-1])) {
				continue
			}
			j := i + 2
			for j < len(page) && isLetter(page[j]) {
				j++
			}
			if j == i+2 {
				continue
			}
			j = skipSpace(page, j)
			if j < len(page) && page[j] == '=' {
				replace(j, equals)
				i = j
			}
		}
	}
	if out == nil {
		return page
	}
	return append(out, page[last:]...)
}

func foldEq(b []byte, lower string) bool {
	for i := range len(lower) {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func skipSpace(b []byte, j int) int {
	for j < len(b) && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r' || b[j] == '\f') {
		j++
	}
	return j
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isWordByte(c byte) bool { return isLetter(c) || c >= '0' && c <= '9' || c == '_' }

func neutralizeHTML(page []byte) []byte { return neutralize(page, "&#58;", "&#61;") }

// neutralizeJSON does the same inside JSON strings (the only place
// letters and = can appear in JSON).
func neutralizeJSON(data []byte) []byte { return neutralize(data, `\u003a`, `\u003d`) }

// title returns the display name of a thing: its name, else its id.
func title(name, id string) string {
	if strings.TrimSpace(name) != "" {
		return name
	}
	return id
}
