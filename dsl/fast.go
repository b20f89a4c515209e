package dsl

import (
	"strconv"

	"github.com/alecthomas/participle/v2/lexer"
)

// The grammar is the participle struct tags in ast.go, and participle is
// its reference parser. Participle reads a statement by trying each
// alternative of its block in turn through reflection, which made parsing
// about 60 % of a check's CPU on big models (docs/performance.md). The fast
// path below reads the same grammar by dispatching on a statement's
// keyword, for declarations that are well formed. It builds exactly the
// AST participle builds (same nodes, positions and token spans), and the
// moment anything is not the plain form (an unknown statement, a missing
// name, a number participle would refuse), it gives up and the
// declaration goes to participle, which parses it or reports the syntax
// error as it always has. So the fast path can only be faster, never
// different: TestFastPathMatchesParticiple and FuzzParse compare the two
// on every input they see.

// fast parses one declaration's tokens; bad is set as soon as the input
// leaves the forms it knows.
type fast struct {
	toks []lexer.Token // the declaration's tokens: a slice of the file's
	eof  lexer.Token   // what follows them
	i    int
	bad  bool
}

// done reports whether the whole declaration was read without giving up.
func (p *fast) done() bool { return !p.bad && p.i == len(p.toks) }

func (p *fast) peek() *lexer.Token { return p.peekAt(0) }

func (p *fast) peekAt(k int) *lexer.Token {
	if p.i+k >= len(p.toks) {
		return &p.eof
	}
	return &p.toks[p.i+k]
}

// is reports whether the token k ahead is the literal v (a keyword or
// punctuation); participle matches literals by value.
func (p *fast) is(k int, v string) bool {
	t := p.peekAt(k)
	return t.Type != lexer.EOF && t.Value == v
}

func (p *fast) isType(k int, typ lexer.TokenType) bool { return p.peekAt(k).Type == typ }

// node is the Node of what was read since token start.
func (p *fast) node(start int) Node {
	return Node{Tokens: p.toks[start:p.i:p.i]}
}

func (p *fast) fail() { p.bad = true }

// lit consumes the literal v, or gives up.
func (p *fast) lit(v string) {
	if !p.bad && p.is(0, v) {
		p.i++
		return
	}
	p.fail()
}

func (p *fast) word() *Word {
	if p.bad || !p.isType(0, tokIdent) {
		p.fail()
		return nil
	}
	s := p.i
	p.i++
	return &Word{Node: p.node(s), Value: p.toks[s].Value}
}

func (p *fast) str() *Str {
	if p.bad || !p.isType(0, tokString) {
		p.fail()
		return nil
	}
	s := p.i
	p.i++
	return &Str{Node: p.node(s), Value: Text(unquote(p.toks[s].Value))}
}

// optStr reads `@@?` of a Str.
func (p *fast) optStr() *Str {
	if p.bad || !p.isType(0, tokString) {
		return nil
	}
	return p.str()
}

func (p *fast) num() *Num {
	if p.bad || !p.isType(0, tokInt) {
		p.fail()
		return nil
	}
	n, err := strconv.ParseInt(p.toks[p.i].Value, 0, strconv.IntSize)
	if err != nil {
		p.fail()
		return nil
	}
	s := p.i
	p.i++
	return &Num{Node: p.node(s), Value: int(n)}
}

func (p *fast) date() *DateLit {
	if p.bad || !p.isType(0, tokDate) {
		p.fail()
		return nil
	}
	s := p.i
	p.i++
	return &DateLit{Node: p.node(s), Value: p.toks[s].Value}
}

// parts reads `@Ident ( "." @Ident )*`; a dot not followed by a name is
// left for the caller, as participle backtracks over it.
func (p *fast) parts() []string {
	if p.bad || !p.isType(0, tokIdent) {
		p.fail()
		return nil
	}
	parts := []string{p.toks[p.i].Value}
	p.i++
	for p.is(0, ".") && p.isType(1, tokIdent) {
		parts = append(parts, p.toks[p.i+1].Value)
		p.i += 2
	}
	return parts
}

func (p *fast) ref() *Ref {
	s := p.i
	parts := p.parts()
	if p.bad {
		return nil
	}
	return &Ref{Node: p.node(s), Parts: parts}
}

// refs reads `@@ ( "," @@ )*` of Refs.
func (p *fast) refs() []*Ref {
	out := []*Ref{p.ref()}
	for !p.bad && p.is(0, ",") && p.isType(1, tokIdent) {
		p.i++
		out = append(out, p.ref())
	}
	return out
}

func (p *fast) words() []*Word {
	out := []*Word{p.word()}
	for !p.bad && p.is(0, ",") && p.isType(1, tokIdent) {
		p.i++
		out = append(out, p.word())
	}
	return out
}

func (p *fast) strs() []*Str {
	out := []*Str{p.str()}
	for !p.bad && p.is(0, ",") && p.isType(1, tokString) {
		p.i++
		out = append(out, p.str())
	}
	return out
}

func (p *fast) pattern() *Pattern {
	s := p.i
	parts := p.parts()
	if p.bad {
		return nil
	}
	pt := &Pattern{Parts: parts}
	if p.is(0, ".") && (p.is(1, "*") || p.is(1, "**")) {
		pt.Wild = p.toks[p.i+1].Value
		p.i += 2
	}
	pt.Node = p.node(s)
	return pt
}

func (p *fast) patterns() []*Pattern {
	out := []*Pattern{p.pattern()}
	for !p.bad && p.is(0, ",") && p.isType(1, tokIdent) {
		p.i++
		out = append(out, p.pattern())
	}
	return out
}

func (p *fast) value() *Value {
	s := p.i
	switch {
	case p.bad:
		return nil
	case p.isType(0, tokIdent):
		p.i++
		return &Value{Node: p.node(s), Word: p.toks[s].Value}
	case p.isType(0, tokString):
		p.i++
		t := Text(unquote(p.toks[s].Value))
		return &Value{Node: p.node(s), Str: &t}
	}
	p.fail()
	return nil
}

// target reads `@@ ( "->" @@ )?`.
func (p *fast) target() *Target {
	s := p.i
	t := &Target{From: p.ref()}
	if !p.bad && p.is(0, "->") && p.isType(1, tokIdent) {
		p.i++
		t.To = p.ref()
	}
	if p.bad {
		return nil
	}
	t.Node = p.node(s)
	return t
}

// body reads `"{" @@* "}"` with stmt reading one statement (or giving up).
func body[T any](p *fast, stmt func() *T) []*T {
	p.lit("{")
	var out []*T
	for !p.bad && !p.is(0, "}") {
		if p.peek().Type == lexer.EOF {
			p.fail()
			break
		}
		out = append(out, stmt())
	}
	p.lit("}")
	return out
}

// optBody reads `( "{" @@* "}" )?`.
func optBody[T any](p *fast, stmt func() *T) []*T {
	if p.bad || !p.is(0, "{") {
		return nil
	}
	return body(p, stmt)
}

// optIn reads `( "in" @@ )?`.
func (p *fast) optIn() *Ref {
	if p.bad || !p.is(0, "in") || !p.isType(1, tokIdent) {
		return nil
	}
	p.i++
	return p.ref()
}

// stmt reads one statement: fill is handed the statement's keyword (or
// gives up), and the statement's Node is set from what it read.
func stmt[T any](p *fast, node func(*T) *Node, fill func(kw string, s *T)) *T {
	s := new(T)
	start := p.i
	kw := p.peek()
	if kw.Type != tokIdent && kw.Type != tokPunct {
		p.fail()
		return s
	}
	fill(kw.Value, s)
	if !p.bad {
		*node(s) = p.node(start)
	}
	return s
}

// named reads `KEYWORD ID "Name"? ( "{" STMT* "}" )?`, the form of most
// declarations; fill reads one statement, handed its keyword.
func named[S any](p *fast, keyword string, node func(*S) *Node, fill func(kw string, s *S)) (*Word, *Str, []*S) {
	p.lit(keyword)
	id := p.word()
	name := p.optStr()
	return id, name, optBody(p, func() *S { return stmt(p, node, fill) })
}

// kw consumes the keyword a statement starts with.
func (p *fast) kw() { p.i++ }

func (p *fast) model() *ModelDecl {
	s := p.i
	d := &ModelDecl{}
	p.lit("model")
	d.Name = p.optStr()
	d.Body = optBody(p, func() *ModelStmt {
		return stmt(p, func(s *ModelStmt) *Node { return &s.Node }, func(kw string, s *ModelStmt) {
			p.kw()
			switch kw {
			case "owner":
				s.Owner = p.str()
			case "reviewed":
				s.Reviewed = p.date()
			case "description":
				s.Description = p.str()
			default:
				p.fail()
			}
		})
	})
	d.Node = p.node(s)
	return d
}

func (p *fast) boundary() *BoundaryDecl {
	s := p.i
	d := &BoundaryDecl{}
	p.lit("boundary")
	d.ID = p.word()
	d.Name = p.optStr()
	d.In = p.optIn()
	d.Body = optBody(p, func() *BoundaryStmt {
		return stmt(p, func(s *BoundaryStmt) *Node { return &s.Node }, func(kw string, s *BoundaryStmt) {
			if kw == "boundary" {
				s.Boundary = p.boundary()
				return
			}
			p.kw()
			switch kw {
			case "trust":
				s.Trust = p.word()
			case "type":
				s.Type = p.word()
			case "description":
				s.Description = p.str()
			case "owner":
				s.Owner = p.str()
			default:
				p.fail()
			}
		})
	})
	d.Node = p.node(s)
	return d
}

func isElementKind(v string) bool {
	switch v {
	case "person", "system", "container", "component", "database", "cache", "queue", "bucket":
		return true
	}
	return false
}

func (p *fast) element() *ElementDecl {
	s := p.i
	d := &ElementDecl{}
	if p.bad || !p.isType(0, tokIdent) || !isElementKind(p.peek().Value) {
		p.fail()
		return d
	}
	d.Kind = p.peek().Value
	p.i++
	d.ID = p.word()
	d.Name = p.optStr()
	d.In = p.optIn()
	d.Body = optBody(p, p.elementStmt)
	d.Node = p.node(s)
	return d
}

func (p *fast) elementStmt() *ElementStmt {
	return stmt(p, func(s *ElementStmt) *Node { return &s.Node }, func(kw string, s *ElementStmt) {
		if isElementKind(kw) {
			s.Element = p.element()
			return
		}
		p.kw()
		switch kw {
		case "description":
			s.Description = p.str()
		case "tech":
			s.Tech = p.str()
		case "owner":
			s.Owner = p.str()
		case "exposure":
			s.Exposure = p.word()
		case "tenancy":
			s.Tenancy = p.word()
		case "encrypted_at_rest":
			s.EncryptedAtRest = true
		case "external":
			s.External = true
		case "safeguards":
			s.Safeguards = p.words()
		case "admin_interface":
			s.AdminInterface = true
		case "multi_tenant":
			s.MultiTenant = true
		case "control_plane":
			s.ControlPlane = true
		case "writes_logs":
			s.WritesLogs = true
		case "technology":
			s.Technology = p.word()
		case "stores":
			s.Stores = p.refs()
		case "processes":
			s.Processes = p.refs()
		case "accepts":
			s.Accepts = p.words()
		case "custom_developed":
			s.CustomDeveloped = true
		case "out_of_scope":
			s.OutOfScope = p.str()
		case "runs_on":
			s.RunsOn = p.ref()
		case "criticality":
			s.Criticality = p.word()
		case "machine":
			s.Machine = p.word()
		default:
			p.fail()
		}
	})
}

func (p *fast) extend() *ExtendDecl {
	s := p.i
	d := &ExtendDecl{}
	p.lit("extend")
	d.Target = p.ref()
	d.Body = body(p, p.elementStmt)
	d.Node = p.node(s)
	return d
}

func (p *fast) data() *DataDecl {
	s := p.i
	d := &DataDecl{}
	d.ID, d.Name, d.Body = named(p, "data", func(s *DataStmt) *Node { return &s.Node }, func(kw string, s *DataStmt) {
		p.kw()
		switch kw {
		case "classification":
			s.Classification = p.word()
		case "pii":
			s.PII = true
		case "credentials":
			s.Credentials = true
		case "tenant_scoped":
			s.TenantScoped = true
		case "integrity":
			s.Integrity = p.word()
		case "availability":
			s.Availability = p.word()
		case "description":
			s.Description = p.str()
		case "owner":
			s.Owner = p.str()
		default:
			p.fail()
		}
	})
	d.Node = p.node(s)
	return d
}

func (p *fast) flow() *FlowDecl {
	s := p.i
	d := &FlowDecl{}
	p.lit("flow")
	if p.isType(0, tokIdent) && p.is(1, ":") {
		d.ID = p.word()
		p.lit(":")
	}
	d.From = p.ref()
	p.lit("->")
	d.To = p.ref()
	d.Label = p.optStr()
	d.Body = optBody(p, func() *FlowStmt {
		return stmt(p, func(s *FlowStmt) *Node { return &s.Node }, func(kw string, s *FlowStmt) {
			if kw == "crosses" {
				cs := p.i
				c := &Crosses{}
				p.kw()
				c.Boundaries = p.refs()
				c.Reason = p.str()
				c.Node = p.node(cs)
				s.Crosses = c
				return
			}
			p.kw()
			switch kw {
			case "protocol":
				s.Protocol = p.value()
			case "carries":
				s.Carries = p.refs()
			case "auth":
				s.Auth = p.value()
			case "idempotency_key":
				s.IdempotencyKey = true
			case "safeguards":
				s.Safeguards = p.words()
			case "description":
				s.Description = p.str()
			case "authentication":
				s.Authentication = p.word()
			case "authorization":
				s.Authorization = p.word()
			case "readonly":
				s.Readonly = true
			case "response_to":
				s.ResponseTo = p.ref()
			case "vpn":
				s.VPN = true
			case "ip_filtered":
				s.IPFiltered = true
			case "usage":
				s.Usage = p.word()
			default:
				p.fail()
			}
		})
	})
	d.Node = p.node(s)
	return d
}

func (p *fast) sequence() *SequenceDecl {
	s := p.i
	d := &SequenceDecl{}
	p.lit("sequence")
	d.ID = p.word()
	d.Name = p.optStr()
	d.Body = body(p, p.seqStmt)
	d.Node = p.node(s)
	return d
}

// opensGroup reports whether the tokens k ahead are `"label"? {`.
func (p *fast) opensGroup(k int) bool {
	return p.is(k, "{") || p.isType(k, tokString) && p.is(k+1, "{")
}

// seqStmt follows SeqStmt's order of alternatives: the keyword forms
// (committed to once their keyword and the start of their block are
// seen, as participle cannot backtrack further than that), then a
// message, then description.
func (p *fast) seqStmt() *SeqStmt {
	return stmt(p, func(s *SeqStmt) *Node { return &s.Node }, func(kw string, s *SeqStmt) {
		switch {
		case kw == "note" && p.is(1, "over"):
			ns := p.i
			n := &Note{}
			p.i += 2
			n.Over = p.refs()
			n.Text = p.str()
			n.Node = p.node(ns)
			s.Note = n
		case kw == "alt" && p.opensGroup(1):
			as := p.i
			a := &Alt{}
			_, a.Label, a.Body = p.branch()
			for !p.bad && p.is(0, "else") && p.opensGroup(1) {
				e := &Else{}
				e.Node, e.Label, e.Body = p.branch()
				a.Else = append(a.Else, e)
			}
			a.Node = p.node(as)
			s.Alt = a
		case (kw == "opt" || kw == "loop") && p.opensGroup(1):
			p.kw()
			g := p.group()
			if kw == "opt" {
				s.Opt = g
			} else {
				s.Loop = g
			}
		case kw == "par" && p.opensGroup(1):
			ps := p.i
			a := &Par{}
			_, a.Label, a.Body = p.branch()
			for !p.bad && p.is(0, "and") && p.opensGroup(1) {
				e := &And{}
				e.Node, e.Label, e.Body = p.branch()
				a.And = append(a.And, e)
			}
			a.Node = p.node(ps)
			s.Par = a
		case p.isMessage():
			ms := p.i
			m := &Message{}
			m.From = p.ref()
			m.Arrow = p.peek().Value
			p.i++
			m.To = p.ref()
			m.Label = p.optStr()
			m.Node = p.node(ms)
			s.Message = m
		case kw == "description":
			p.kw()
			s.Description = p.str()
		default:
			p.fail()
		}
	})
}

// isMessage reports whether a message starts here: a name, dotted or not,
// an arrow and a name.
func (p *fast) isMessage() bool {
	k := 0
	if !p.isType(k, tokIdent) {
		return false
	}
	for k++; p.is(k, ".") && p.isType(k+1, tokIdent); k += 2 {
	}
	return (p.is(k, "->") || p.is(k, "-->")) && p.isType(k+1, tokIdent)
}

// branch reads `KEYWORD "label"? { ... }` (alt, else, par, and): its
// node, label and body.
func (p *fast) branch() (Node, *Str, []*SeqStmt) {
	s := p.i
	p.kw()
	label := p.optStr()
	b := body(p, p.seqStmt)
	return p.node(s), label, b
}

func (p *fast) group() *Group {
	s := p.i
	g := &Group{}
	g.Label = p.optStr()
	g.Body = body(p, p.seqStmt)
	g.Node = p.node(s)
	return g
}

func (p *fast) threat() *ThreatDecl {
	s := p.i
	d := &ThreatDecl{}
	d.ID, d.Name, d.Body = named(p, "threat", func(s *ThreatStmt) *Node { return &s.Node }, func(kw string, s *ThreatStmt) {
		if kw == "accepted" {
			as := p.i
			a := &Acceptance{}
			p.kw()
			a.Reason = p.str()
			p.lit("by")
			a.By = p.str()
			p.lit("until")
			a.Until = p.date()
			a.Node = p.node(as)
			s.Accepted = a
			return
		}
		p.kw()
		switch kw {
		case "stride":
			s.Stride = p.words()
		case "on":
			s.On = p.target()
		case "impact":
			s.Impact = p.num()
		case "likelihood":
			s.Likelihood = p.num()
		case "mitigated_by":
			s.MitigatedBy = p.refs()
		case "transferred":
			s.Transferred = p.str()
		case "claims":
			s.Claims = p.strs()
		case "owner":
			s.Owner = p.str()
		case "description":
			s.Description = p.str()
		default:
			p.fail()
		}
	})
	d.Node = p.node(s)
	return d
}

func (p *fast) control() *ControlDecl {
	s := p.i
	d := &ControlDecl{}
	d.ID, d.Name, d.Body = named(p, "control", func(s *ControlStmt) *Node { return &s.Node }, func(kw string, s *ControlStmt) {
		if kw == "provides" {
			ps := p.i
			v := &Provides{}
			p.kw()
			v.Safeguards = p.words()
			p.lit("on")
			v.On = []*Target{p.target()}
			for !p.bad && p.is(0, ",") && p.isType(1, tokIdent) {
				p.i++
				v.On = append(v.On, p.target())
			}
			v.Node = p.node(ps)
			s.Provides = v
			return
		}
		p.kw()
		switch kw {
		case "status":
			s.Status = p.word()
		case "owner":
			s.Owner = p.str()
		case "test":
			s.Test = p.str()
		case "evidence":
			s.Evidence = p.str()
		case "description":
			s.Description = p.str()
		default:
			p.fail()
		}
	})
	d.Node = p.node(s)
	return d
}

func (p *fast) decision() *DecisionDecl {
	s := p.i
	d := &DecisionDecl{}
	d.ID, d.Name, d.Body = named(p, "decision", func(s *DecisionStmt) *Node { return &s.Node }, func(kw string, s *DecisionStmt) {
		p.kw()
		switch kw {
		case "status":
			s.Status = p.word()
		case "file":
			s.File = p.str()
		case "affects":
			s.Affects = p.refs()
		case "description":
			s.Description = p.str()
		default:
			p.fail()
		}
	})
	d.Node = p.node(s)
	return d
}

func (p *fast) view() *ViewDecl {
	s := p.i
	d := &ViewDecl{}
	d.ID, d.Name, d.Body = named(p, "view", func(s *ViewStmt) *Node { return &s.Node }, func(kw string, s *ViewStmt) {
		p.kw()
		switch kw {
		case "dfd":
			s.DFD = true
		case "context":
			s.Context = true
		case "container":
			p.lit("of")
			s.ContainerOf = p.ref()
		case "component":
			p.lit("of")
			s.ComponentOf = p.ref()
		case "include":
			s.Include = p.patterns()
		case "exclude":
			s.Exclude = p.patterns()
		case "description":
			s.Description = p.str()
		case "crossing":
			s.Crossing = p.refs()
		case "unmarked":
			s.Unmarked = true
		case "carries":
			s.Carries = p.refs()
		case "around":
			p.i-- // the Around node starts at its keyword
			s.Around = p.around()
		default:
			p.fail()
		}
	})
	d.Node = p.node(s)
	return d
}

// around reads `"around" @@ @@?` of an Around.
func (p *fast) around() *Around {
	s := p.i
	a := &Around{}
	p.lit("around")
	a.Element = p.ref()
	if !p.bad && p.isType(0, tokInt) {
		a.Depth = p.num()
	}
	a.Node = p.node(s)
	return a
}

func (p *fast) accept() *AcceptDecl {
	s := p.i
	d := &AcceptDecl{}
	p.lit("accept")
	d.Fingerprint = p.str()
	d.Body = optBody(p, func() *AcceptStmt {
		return stmt(p, func(s *AcceptStmt) *Node { return &s.Node }, func(kw string, s *AcceptStmt) {
			p.kw()
			switch kw {
			case "reason":
				s.Reason = p.str()
			case "owner":
				s.Owner = p.str()
			case "until":
				s.Until = p.date()
			default:
				p.fail()
			}
		})
	})
	d.Node = p.node(s)
	return d
}

func (p *fast) dismiss() *DismissDecl {
	s := p.i
	d := &DismissDecl{}
	p.lit("dismiss")
	d.Fingerprint = p.str()
	d.Body = optBody(p, func() *DismissStmt {
		return stmt(p, func(s *DismissStmt) *Node { return &s.Node }, func(kw string, s *DismissStmt) {
			p.kw()
			switch kw {
			case "reason":
				s.Reason = p.str()
			case "reviewer":
				s.Reviewer = p.str()
			default:
				p.fail()
			}
		})
	})
	d.Node = p.node(s)
	return d
}

func (p *fast) runtime() *RuntimeDecl {
	s := p.i
	d := &RuntimeDecl{}
	d.ID, d.Name, d.Body = named(p, "runtime", func(s *RuntimeStmt) *Node { return &s.Node }, func(kw string, s *RuntimeStmt) {
		p.kw()
		switch kw {
		case "type":
			s.Type = p.word()
		case "description":
			s.Description = p.str()
		case "owner":
			s.Owner = p.str()
		default:
			p.fail()
		}
	})
	d.Node = p.node(s)
	return d
}

// fastDecl parses a declaration on the fast path. ok is false when it
// gave up; d is then empty.
func fastDecl(keyword string, toks []lexer.Token, end lexer.Position) (d Decl, ok bool) {
	p := &fast{toks: toks, eof: lexer.EOFToken(end)}
	switch keyword {
	case "model":
		d.Model = p.model()
	case "boundary":
		d.Boundary = p.boundary()
	case "extend":
		d.Extend = p.extend()
	case "data":
		d.Data = p.data()
	case "flow":
		d.Flow = p.flow()
	case "sequence":
		d.Sequence = p.sequence()
	case "threat":
		d.Threat = p.threat()
	case "control":
		d.Control = p.control()
	case "decision":
		d.Decision = p.decision()
	case "view":
		d.View = p.view()
	case "accept":
		d.Accept = p.accept()
	case "runtime":
		d.Runtime = p.runtime()
	case "dismiss":
		d.Dismiss = p.dismiss()
	default:
		d.Element = p.element()
	}
	if !p.done() {
		return Decl{}, false
	}
	return d, true
}
