package lsp

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl"
)

func (s *Server) hover(params json.RawMessage) (any, *rpcError) {
	var p textDocumentPositionParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	d, occ, ok, err := s.nameAt(p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return keywordHover(d.model.textOf(d.name), p.Position), nil
	}
	m := d.model
	dc := m.index().byPath[occ.path]
	if dc == nil {
		return nil, nil
	}
	r := m.textOf(d.name).rangeToLSP(occ.rng)
	return hover{Contents: markupContent{Kind: "markdown", Value: describe(m.index(), dc)}, Range: &r}, nil
}

// describe is the hover text of a declaration: what it is, where it sits
// and what the compiler found on it.
func describe(ix *index, dc *decl) string {
	var b strings.Builder
	head := dc.kind
	if e, ok := dc.object.(*ir.Element); ok {
		head = e.Kind
	}
	fmt.Fprintf(&b, "**%s** `%s`", head, dc.path)
	if dc.name != "" {
		fmt.Fprintf(&b, " — %s", mdEscape(dc.name))
	}
	b.WriteString("\n\n")
	line := func(format string, args ...any) { fmt.Fprintf(&b, "- "+format+"\n", args...) }
	switch o := dc.object.(type) {
	case *ir.Boundary:
		line("trust: %s", orNone(o.Trust))
		line("boundary chain: %s", chain(o))
		line("elements in it: %d", len(o.Elements))
	case *ir.Element:
		if o.Boundary != nil {
			line("boundary chain: %s", chain(o.Boundary))
			line("trust: %s", orNone(o.Boundary.Trust))
		} else {
			line("in no trust boundary")
		}
		if o.Parent != nil {
			line("part of `%s`", o.Parent.ID)
		}
		if o.Tech != "" {
			line("tech: %s", mdEscape(o.Tech))
		}
		if len(o.Safeguards) > 0 {
			line("safeguards: %s", strings.Join(o.Safeguards, ", "))
		}
	case *ir.Flow:
		describeFlow(&b, o)
	case *ir.Data:
		flags := []string{"classification " + orNone(o.Classification)}
		for _, f := range []struct {
			on   bool
			name string
		}{{o.PII, "pii"}, {o.Credentials, "credentials"}, {o.TenantScoped, "tenant_scoped"}} {
			if f.on {
				flags = append(flags, f.name)
			}
		}
		line("%s", strings.Join(flags, ", "))
	case *ir.Threat:
		line("stride: %s", strings.Join(o.Stride, ", "))
		if o.Target.ID() != "" {
			line("on `%s`", o.Target.ID())
		}
		if o.Score > 0 {
			line("score %d (impact %d × likelihood %d), %s", o.Score, o.Impact, o.Likelihood, o.Band)
		}
		line("status: %s", strings.ToLower(o.Status))
	case *ir.Control:
		line("status: %s", orNone(o.Status))
		var ids []string
		for _, t := range o.Mitigates {
			ids = append(ids, "`"+t.ID+"`")
		}
		if len(ids) > 0 {
			line("mitigates: %s", strings.Join(ids, ", "))
		}
	case *ir.Decision:
		line("status: %s", orNone(o.Status))
		var ids []string
		for _, e := range o.Affects {
			ids = append(ids, "`"+e.ID+"`")
		}
		if len(ids) > 0 {
			line("affects: %s", strings.Join(ids, ", "))
		}
	case *ir.Runtime:
		line("runtime for %d elements", len(o.Elements))
	case *ir.Sequence:
		line("%d participants, %d steps", len(o.Participants), len(o.Steps))
	}
	if fs := ix.finds[dc.path]; len(fs) > 0 {
		fmt.Fprintf(&b, "\n**Findings** (%d)\n\n", len(fs))
		for i, f := range fs {
			if i == 10 {
				fmt.Fprintf(&b, "- … and %d more\n", len(fs)-10)
				break
			}
			fmt.Fprintf(&b, "- `%s` %s — score %d, %s, %s\n", f.Rule, mdEscape(f.Title), f.Score, f.Band, strings.ToLower(f.Status))
		}
	}
	return b.String()
}

func describeFlow(b *strings.Builder, f *ir.Flow) {
	from, to := "?", "?"
	if f.From != nil {
		from = f.From.ID
	}
	if f.To != nil {
		to = f.To.ID
	}
	fmt.Fprintf(b, "- `%s` → `%s`\n", from, to)
	if f.Protocol != "" {
		fmt.Fprintf(b, "- protocol: %s\n", mdEscape(f.Protocol))
	}
	if len(f.Carries) > 0 {
		var ids []string
		for _, d := range f.Carries {
			ids = append(ids, "`"+d.ID+"`")
		}
		fmt.Fprintf(b, "- carries: %s\n", strings.Join(ids, ", "))
	}
	switch {
	case f.Unresolved:
		b.WriteString("- crossings unknown: an end does not resolve\n")
	case len(f.Crossings) == 0:
		b.WriteString("- crosses no trust boundary\n")
	default:
		b.WriteString("\n**Crossings**\n\n")
		for _, x := range f.Crossings {
			fmt.Fprintf(b, "- %ss `%s` (trust %s): ", x.Direction, x.Boundary.ID, orNone(x.Boundary.Trust))
			if x.Mark != nil {
				fmt.Fprintf(b, "%s\n", mdEscape(x.Mark.Reason))
			} else {
				b.WriteString("**unmarked**\n")
			}
		}
	}
}

func chain(b *ir.Boundary) string {
	var parts []string
	for _, x := range b.Chain() {
		parts = append(parts, "`"+x.ID+"`")
	}
	return strings.Join(parts, " › ")
}

func orNone(s string) string {
	if s == "" {
		return "not said"
	}
	return s
}

// mdEscape keeps model text from being read as Markdown.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>#|", r) {
			b.WriteByte('\\')
		}
		if r == '\n' {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

// keywordHover shows the form of the statement keyword under the cursor
// (`trust untrusted|low|...`), as the block it stands in takes it; nil
// when the cursor is on no keyword.
func keywordHover(t *text, p position) any {
	off := t.offset(p)
	for _, tok := range dsl.Tokens(t.src) {
		a, b := tok.Start.Offset, tok.End.Offset
		if b < off {
			continue
		}
		if a > off || tok.Kind != dsl.TokenIdent {
			return nil // in a string, a comment, or between tokens
		}
		block := completionContext(t.src, a).block
		usage := dsl.Usage(block, tok.Value)
		if usage == "" {
			return nil
		}
		r := lspRange{t.posAt(a), t.posAt(b)}
		return hover{Contents: markupContent{Kind: "markdown", Value: "```tm\n" + usage + "\n```"}, Range: &r}
	}
	return nil
}
