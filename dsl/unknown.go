package dsl

import (
	"fmt"
	"sort"
	"strings"
)

// unknowns reports every statement of a parsed declaration that no form
// matched: a known keyword used wrongly is a syntax error that shows the
// form; anything else is an unknown keyword, with a did-you-mean.
func (p *fileParser) unknowns(d *Decl) {
	switch {
	case d.Model != nil:
		for _, s := range d.Model.Body {
			p.unknown(s.Unknown, modelBlock)
		}
	case d.Boundary != nil:
		p.boundaryUnknowns(d.Boundary)
	case d.Element != nil:
		p.elementUnknowns(d.Element.Body)
	case d.Extend != nil:
		p.elementUnknowns(d.Extend.Body)
	case d.Data != nil:
		for _, s := range d.Data.Body {
			p.unknown(s.Unknown, dataBlock)
		}
	case d.Flow != nil:
		for _, s := range d.Flow.Body {
			if c := p.reasonless(s.Unknown); c != nil {
				s.Crosses, s.Unknown = c, nil
				continue
			}
			p.unknown(s.Unknown, flowBlock)
		}
	case d.Sequence != nil:
		p.seqUnknowns(d.Sequence.Body)
	case d.Threat != nil:
		for _, s := range d.Threat.Body {
			p.unknown(s.Unknown, threatBlock)
		}
	case d.Control != nil:
		for _, s := range d.Control.Body {
			p.unknown(s.Unknown, controlBlock)
		}
	case d.Decision != nil:
		for _, s := range d.Decision.Body {
			p.unknown(s.Unknown, decisionBlock)
		}
	case d.View != nil:
		for _, s := range d.View.Body {
			p.unknown(s.Unknown, viewBlock)
		}
	case d.Accept != nil:
		for _, s := range d.Accept.Body {
			p.unknown(s.Unknown, acceptBlock)
		}
	case d.Runtime != nil:
		for _, s := range d.Runtime.Body {
			p.unknown(s.Unknown, runtimeBlock)
		}
	case d.Dismiss != nil:
		for _, s := range d.Dismiss.Body {
			p.unknown(s.Unknown, dismissBlock)
		}
	}
}

// reasonless reads `crosses B1, B2` written without its reason: one error
// pointing where the reason goes, and a Crosses with a nil Reason, so the
// boundaries count as named and the crossing check does not ask for the
// line again (TM301 would tell the user to add what is already there).
func (p *fileParser) reasonless(u *Unknown) *Crosses {
	if u == nil || u.Name != "crosses" || len(u.Tokens) < 2 {
		return nil
	}
	toks := u.Tokens
	c := &Crosses{Node: u.Node}
	var names []string
	for i := 1; i < len(toks); {
		if toks[i].Type != tokIdent {
			return nil
		}
		j := i + 1
		for j+1 < len(toks) && isPunct(&toks[j], ".") && toks[j+1].Type == tokIdent {
			j += 2
		}
		r := &Ref{Node: Node{Tokens: toks[i:j]}}
		for k := i; k < j; k += 2 {
			r.Parts = append(r.Parts, toks[k].Value)
		}
		c.Boundaries = append(c.Boundaries, r)
		names = append(names, strings.Join(r.Parts, "."))
		if j == len(toks) {
			break
		}
		if !isPunct(&toks[j], ",") || j+1 == len(toks) {
			return nil
		}
		i = j + 1
	}
	at := u.End()
	d := p.diags.Errorf("TM101", p.rng(at, at), "missing reason in \"crosses %s\": say how trust is established there", strings.Join(names, ", "))
	d.Fix = `"<how trust is established>"` // at the caret, after the last boundary
	d.Detail = "form: " + flowBlock.forms["crosses"]
	return c
}

func (p *fileParser) boundaryUnknowns(b *BoundaryDecl) {
	for _, s := range b.Body {
		if s.Boundary != nil {
			p.boundaryUnknowns(s.Boundary)
		}
		p.unknown(s.Unknown, boundaryBlock)
	}
}

func (p *fileParser) elementUnknowns(body []*ElementStmt) {
	for _, s := range body {
		if s.Element != nil {
			p.elementUnknowns(s.Element.Body)
		}
		p.unknown(s.Unknown, elementBlock)
	}
}

func (p *fileParser) seqUnknowns(body []*SeqStmt) {
	for _, s := range body {
		switch {
		case s.Alt != nil:
			p.seqUnknowns(s.Alt.Body)
			for _, e := range s.Alt.Else {
				p.seqUnknowns(e.Body)
			}
		case s.Par != nil:
			p.seqUnknowns(s.Par.Body)
			for _, a := range s.Par.And {
				p.seqUnknowns(a.Body)
			}
		case s.Opt != nil:
			p.seqUnknowns(s.Opt.Body)
		case s.Loop != nil:
			p.seqUnknowns(s.Loop.Body)
		}
		p.unknown(s.Unknown, sequenceBlock)
	}
}

func (p *fileParser) unknown(u *Unknown, block *blockKind) {
	if u == nil {
		return
	}
	r := NodeRange(p.file.Name, &u.Node)
	head := r
	head.End = pos(u.Tokens[0].Pos)
	head.End.Col += len(u.Name)
	head.End.Offset += len(u.Name)
	if usage := block.forms[u.Name]; usage != "" {
		d := p.diags.Errorf("TM101", r, "malformed %q statement in %s block", u.Name, block.name)
		d.Detail = "form: " + usage
		return
	}
	if block == sequenceBlock {
		if s := Suggest(u.Name, block.keywords()); s == "" || len(u.Tokens) > 1 && u.Tokens[1].Value == "." {
			d := p.diags.Errorf("TM101", r, "expected a message (FROM -> TO \"label\" or FROM --> TO \"label\"), a note or a group in sequence, found %q", strings.TrimSpace(tokenText(u)))
			d.Detail = "groups: alt, opt, loop, par"
			return
		}
	}
	what := "property"
	if block == sequenceBlock {
		what = "statement"
	}
	d := p.diags.Errorf("TM102", head, "unknown %s %s %q", block.name, what, u.Name)
	if s := block.suggest(u.Name); s != "" {
		if s == "technology" && len(u.Tokens) > 1 && u.Tokens[1].Type == tokString {
			s = "tech" // a string is the free label
		}
		d.Summary += fmt.Sprintf("; did you mean %q?", s)
		d.Replace = s
		d.Detail = "form: " + block.forms[s]
		return
	}
	if block == elementBlock && (u.Name == "kind" || u.Name == "type") {
		d.Detail = "an element's kind is the keyword that declares it: person, system, container, component, database, cache, queue or bucket (`database db \"Orders DB\"`); what it is technically goes in `technology WORD` (web_server, api, database, ...)"
		return
	}
	kw := block.keywords()
	sort.Strings(kw)
	d.Detail = fmt.Sprintf("%s block takes: %s", article(block.name), strings.Join(kw, ", "))
}

func article(word string) string {
	if strings.ContainsRune("aeiou", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}

func tokenText(u *Unknown) string {
	var parts []string
	for i, t := range u.Tokens {
		if i == 4 {
			parts = append(parts, "...")
			break
		}
		parts = append(parts, t.Value)
	}
	return strings.ReplaceAll(strings.Join(parts, " "), " . ", ".")
}
