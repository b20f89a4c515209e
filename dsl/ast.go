package dsl

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/tmc-dev/tmc/dsl/diag"
)

// The grammar below is the AST: participle fills these structs. Every node
// embeds Node, so it knows where it starts and which tokens it spans (and
// from them where it ends). Statements inside blocks are keyword-led; the
// last alternative of every statement is Unknown, which catches what no
// form matched so the compiler can say "did you mean".

// Node is embedded in every AST node. It holds no position of its own:
// a model has about a million nodes, and the tokens know where they are.
type Node struct {
	Tokens []lexer.Token // the tokens the node spans; never empty for a parsed node
}

// Start returns the position of the node's first token.
func (n *Node) Start() lexer.Position {
	if len(n.Tokens) == 0 {
		return lexer.Position{}
	}
	return n.Tokens[0].Pos
}

// End returns the position just after the node's last token.
func (n *Node) End() lexer.Position {
	if len(n.Tokens) == 0 {
		return lexer.Position{}
	}
	t := n.Tokens[len(n.Tokens)-1]
	p := t.Pos
	p.Advance(t.Value)
	return p
}

// Word is an identifier in value position: an id, a trust level, a status.
type Word struct {
	Node
	Value string `parser:"@Ident"`
}

// Str is a string literal; Value is its text (escapes decoded, Markdown
// dedented).
type Str struct {
	Node
	Value Text `parser:"@String"`
}

// Text is the decoded content of a string literal.
type Text string

// Capture decodes the raw literal.
func (t *Text) Capture(values []string) error {
	*t = Text(unquote(values[0]))
	return nil
}

// Num is an integer literal.
type Num struct {
	Node
	Value int `parser:"@Int"`
}

// DateLit is a date literal, YYYY-MM-DD; the compiler checks it is a real date.
type DateLit struct {
	Node
	Value string `parser:"@Date"`
}

// Ref is a reference: an identifier or a dotted path (shop.orders).
type Ref struct {
	Node
	Parts []string `parser:"@Ident ( \".\" @Ident )*"`
}

// Pattern is a reference in a view, optionally ending in .* (direct
// children) or .** (all descendants).
type Pattern struct {
	Node
	Parts []string `parser:"@Ident ( \".\" @Ident )*"`
	Wild  string   `parser:"( \".\" @( \"*\" | \"**\" ) )?"`
}

// Unknown is a statement no form matched: its first word and the rest of
// its line (and a block, if one follows). The compiler reports it.
type Unknown struct {
	Node
	Name string
}

var _ participle.Parseable = (*Unknown)(nil)

// Parse implements participle.Parseable.
func (u *Unknown) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != tokIdent {
		return participle.NextMatch
	}
	first := *lex.Next()
	u.Name = first.Value
	u.Tokens = append(u.Tokens, first)
	depth := 0
	for {
		t := lex.Peek()
		if t.EOF() {
			break
		}
		if depth == 0 && (t.Type == tokPunct && t.Value == "}" || t.Pos.Line != first.Pos.Line && t.Value != "{") {
			break
		}
		switch {
		case t.Type == tokPunct && t.Value == "{":
			depth++
		case t.Type == tokPunct && t.Value == "}":
			depth--
		}
		u.Tokens = append(u.Tokens, *lex.Next())
		if depth == 0 && t.Value == "}" {
			break
		}
	}
	return nil
}

// ModelDecl is `model "Name" { ... }`.
type ModelDecl struct {
	Node
	Name *Str         `parser:"\"model\" @@?"`
	Body []*ModelStmt `parser:"( \"{\" @@* \"}\" )?"`
}

// ModelStmt is one statement of a model block.
type ModelStmt struct {
	Node
	Owner       *Str     `parser:"  \"owner\" @@"`
	Reviewed    *DateLit `parser:"| \"reviewed\" @@"`
	Description *Str     `parser:"| \"description\" @@"`
	Unknown     *Unknown `parser:"| @@"`
}

// BoundaryDecl is `boundary ID "Name" [in PARENT] { ... }`.
type BoundaryDecl struct {
	Node
	ID   *Word           `parser:"\"boundary\" @@"`
	Name *Str            `parser:"@@?"`
	In   *Ref            `parser:"( \"in\" @@ )?"`
	Body []*BoundaryStmt `parser:"( \"{\" @@* \"}\" )?"`
}

// BoundaryStmt is one statement of a boundary block.
type BoundaryStmt struct {
	Node
	Boundary    *BoundaryDecl `parser:"  @@"`
	Trust       *Word         `parser:"| \"trust\" @@"`
	Type        *Word         `parser:"| \"type\" @@"`
	Description *Str          `parser:"| \"description\" @@"`
	Owner       *Str          `parser:"| \"owner\" @@"`
	Unknown     *Unknown      `parser:"| @@"`
}

// ElementKinds are the keywords that declare C4 elements.
var ElementKinds = []string{"person", "system", "container", "component", "database", "cache", "queue", "bucket"}

// ElementDecl is `KIND ID "Name" [in BOUNDARY] { ... }`.
type ElementDecl struct {
	Node
	Kind string         `parser:"@( \"person\" | \"system\" | \"container\" | \"component\" | \"database\" | \"cache\" | \"queue\" | \"bucket\" )"`
	ID   *Word          `parser:"@@"`
	Name *Str           `parser:"@@?"`
	In   *Ref           `parser:"( \"in\" @@ )?"`
	Body []*ElementStmt `parser:"( \"{\" @@* \"}\" )?"`
}

// ElementStmt is one statement of an element or extend block.
type ElementStmt struct {
	Node
	Element         *ElementDecl `parser:"  @@"`
	Description     *Str         `parser:"| \"description\" @@"`
	Tech            *Str         `parser:"| \"tech\" @@"`
	Owner           *Str         `parser:"| \"owner\" @@"`
	Exposure        *Word        `parser:"| \"exposure\" @@"`
	Tenancy         *Word        `parser:"| \"tenancy\" @@"`
	EncryptedAtRest bool         `parser:"| @\"encrypted_at_rest\""`
	External        bool         `parser:"| @\"external\""`
	Safeguards      []*Word      `parser:"| \"safeguards\" @@ ( \",\" @@ )*"`
	AdminInterface  bool         `parser:"| @\"admin_interface\""`
	MultiTenant     bool         `parser:"| @\"multi_tenant\""`
	ControlPlane    bool         `parser:"| @\"control_plane\""`
	WritesLogs      bool         `parser:"| @\"writes_logs\""`
	Technology      *Word        `parser:"| \"technology\" @@"`
	Stores          []*Ref       `parser:"| \"stores\" @@ ( \",\" @@ )*"`
	Processes       []*Ref       `parser:"| \"processes\" @@ ( \",\" @@ )*"`
	Accepts         []*Word      `parser:"| \"accepts\" @@ ( \",\" @@ )*"`
	CustomDeveloped bool         `parser:"| @\"custom_developed\""`
	OutOfScope      *Str         `parser:"| \"out_of_scope\" @@"`
	RunsOn          *Ref         `parser:"| \"runs_on\" @@"`
	Criticality     *Word        `parser:"| \"criticality\" @@"`
	Machine         *Word        `parser:"| \"machine\" @@"`
	Unknown         *Unknown     `parser:"| @@"`
}

// ExtendDecl is `extend REF { ... }`: more children and properties for an
// element declared elsewhere.
type ExtendDecl struct {
	Node
	Target *Ref           `parser:"\"extend\" @@"`
	Body   []*ElementStmt `parser:"\"{\" @@* \"}\""`
}

// DataDecl is `data ID "Name" { ... }`.
type DataDecl struct {
	Node
	ID   *Word       `parser:"\"data\" @@"`
	Name *Str        `parser:"@@?"`
	Body []*DataStmt `parser:"( \"{\" @@* \"}\" )?"`
}

// DataStmt is one statement of a data block.
type DataStmt struct {
	Node
	Classification *Word    `parser:"  \"classification\" @@"`
	PII            bool     `parser:"| @\"pii\""`
	Credentials    bool     `parser:"| @\"credentials\""`
	TenantScoped   bool     `parser:"| @\"tenant_scoped\""`
	Integrity      *Word    `parser:"| \"integrity\" @@"`
	Availability   *Word    `parser:"| \"availability\" @@"`
	Description    *Str     `parser:"| \"description\" @@"`
	Owner          *Str     `parser:"| \"owner\" @@"`
	Unknown        *Unknown `parser:"| @@"`
}

// FlowDecl is `flow [ID:] FROM -> TO "label" { ... }`.
type FlowDecl struct {
	Node
	ID    *Word       `parser:"\"flow\" ( @@ \":\" )?"`
	From  *Ref        `parser:"@@ \"->\""`
	To    *Ref        `parser:"@@"`
	Label *Str        `parser:"@@?"`
	Body  []*FlowStmt `parser:"( \"{\" @@* \"}\" )?"`
}

// FlowStmt is one statement of a flow block.
type FlowStmt struct {
	Node
	Protocol       *Value   `parser:"  \"protocol\" @@"`
	Carries        []*Ref   `parser:"| \"carries\" @@ ( \",\" @@ )*"`
	Auth           *Value   `parser:"| \"auth\" @@"`
	Crosses        *Crosses `parser:"| @@"`
	IdempotencyKey bool     `parser:"| @\"idempotency_key\""`
	Safeguards     []*Word  `parser:"| \"safeguards\" @@ ( \",\" @@ )*"`
	Description    *Str     `parser:"| \"description\" @@"`
	Authentication *Word    `parser:"| \"authentication\" @@"`
	Authorization  *Word    `parser:"| \"authorization\" @@"`
	Readonly       bool     `parser:"| @\"readonly\""`
	ResponseTo     *Ref     `parser:"| \"response_to\" @@"`
	VPN            bool     `parser:"| @\"vpn\""`
	IPFiltered     bool     `parser:"| @\"ip_filtered\""`
	Usage          *Word    `parser:"| \"usage\" @@"`
	Unknown        *Unknown `parser:"| @@"`
}

// Value is a word or a string: `protocol https`, `auth "api key"`.
type Value struct {
	Node
	Word string `parser:"  @Ident"`
	Str  *Text  `parser:"| @String"`
}

// Text returns the value as written, without quotes.
func (v *Value) Text() string {
	if v.Str != nil {
		return string(*v.Str)
	}
	return v.Word
}

// Crosses is `crosses B1, B2 "how trust is established"`. Reason is nil
// when the line was written without one: the parser reports that (TM101)
// and keeps the statement, so the boundaries still count as named.
type Crosses struct {
	Node
	Boundaries []*Ref `parser:"\"crosses\" @@ ( \",\" @@ )*"`
	Reason     *Str   `parser:"@@"`
}

// SequenceDecl is `sequence ID "Name" { ... }`.
type SequenceDecl struct {
	Node
	ID   *Word      `parser:"\"sequence\" @@"`
	Name *Str       `parser:"@@?"`
	Body []*SeqStmt `parser:"\"{\" @@* \"}\""`
}

// SeqStmt is one statement of a sequence or of a group inside it. Keyword
// forms come first; a line that is not one of them is read as a message, so
// an element may be called note or alt.
type SeqStmt struct {
	Node
	Note        *Note    `parser:"  @@"`
	Alt         *Alt     `parser:"| @@"`
	Opt         *Group   `parser:"| \"opt\" @@"`
	Loop        *Group   `parser:"| \"loop\" @@"`
	Par         *Par     `parser:"| @@"`
	Message     *Message `parser:"| @@"`
	Description *Str     `parser:"| \"description\" @@"`
	Unknown     *Unknown `parser:"| @@"`
}

// Message is `FROM -> TO "label"` (request) or `FROM --> TO "label"` (reply).
type Message struct {
	Node
	From  *Ref   `parser:"@@"`
	Arrow string `parser:"@( \"->\" | \"-->\" )"`
	To    *Ref   `parser:"@@"`
	Label *Str   `parser:"@@?"`
}

// Note is `note over A[, B...] "text"`.
type Note struct {
	Node
	Over []*Ref `parser:"\"note\" \"over\" @@ ( \",\" @@ )*"`
	Text *Str   `parser:"@@"`
}

// Group is the label and body of opt and loop.
type Group struct {
	Node
	Label *Str       `parser:"@@?"`
	Body  []*SeqStmt `parser:"\"{\" @@* \"}\""`
}

// Alt is `alt "label" { ... } else "label" { ... }`.
type Alt struct {
	Node
	Label *Str       `parser:"\"alt\" @@?"`
	Body  []*SeqStmt `parser:"\"{\" @@* \"}\""`
	Else  []*Else    `parser:"@@*"`
}

// Else is one `else` branch of an alt.
type Else struct {
	Node
	Label *Str       `parser:"\"else\" @@?"`
	Body  []*SeqStmt `parser:"\"{\" @@* \"}\""`
}

// Par is `par "label" { ... } and { ... }`.
type Par struct {
	Node
	Label *Str       `parser:"\"par\" @@?"`
	Body  []*SeqStmt `parser:"\"{\" @@* \"}\""`
	And   []*And     `parser:"@@*"`
}

// And is one `and` branch of a par.
type And struct {
	Node
	Label *Str       `parser:"\"and\" @@?"`
	Body  []*SeqStmt `parser:"\"{\" @@* \"}\""`
}

// ThreatDecl is `threat ID "Name" { ... }`.
type ThreatDecl struct {
	Node
	ID   *Word         `parser:"\"threat\" @@"`
	Name *Str          `parser:"@@?"`
	Body []*ThreatStmt `parser:"( \"{\" @@* \"}\" )?"`
}

// ThreatStmt is one statement of a threat block.
type ThreatStmt struct {
	Node
	Stride      []*Word     `parser:"  \"stride\" @@ ( \",\" @@ )*"`
	On          *Target     `parser:"| \"on\" @@"`
	Impact      *Num        `parser:"| \"impact\" @@"`
	Likelihood  *Num        `parser:"| \"likelihood\" @@"`
	MitigatedBy []*Ref      `parser:"| \"mitigated_by\" @@ ( \",\" @@ )*"`
	Accepted    *Acceptance `parser:"| @@"`
	Transferred *Str        `parser:"| \"transferred\" @@"`
	Claims      []*Str      `parser:"| \"claims\" @@ ( \",\" @@ )*"`
	Owner       *Str        `parser:"| \"owner\" @@"`
	Description *Str        `parser:"| \"description\" @@"`
	Unknown     *Unknown    `parser:"| @@"`
}

// AcceptDecl is `accept "RULE@TARGET" { reason "..." owner "..." until DATE }`:
// a finding accepted in the model.
type AcceptDecl struct {
	Node
	Fingerprint *Str          `parser:"\"accept\" @@"`
	Body        []*AcceptStmt `parser:"( \"{\" @@* \"}\" )?"`
}

// AcceptStmt is one statement of an accept block.
type AcceptStmt struct {
	Node
	Reason  *Str     `parser:"  \"reason\" @@"`
	Owner   *Str     `parser:"| \"owner\" @@"`
	Until   *DateLit `parser:"| \"until\" @@"`
	Unknown *Unknown `parser:"| @@"`
}

// DismissDecl is `dismiss "RULE@TARGET" { reason "..." reviewer "..." }`:
// a finding that is a false positive or does not apply.
type DismissDecl struct {
	Node
	Fingerprint *Str           `parser:"\"dismiss\" @@"`
	Body        []*DismissStmt `parser:"( \"{\" @@* \"}\" )?"`
}

// DismissStmt is one statement of a dismiss block.
type DismissStmt struct {
	Node
	Reason   *Str     `parser:"  \"reason\" @@"`
	Reviewer *Str     `parser:"| \"reviewer\" @@"`
	Unknown  *Unknown `parser:"| @@"`
}

// Target is what a threat is on: a flow id, an element, a boundary, or
// FROM -> TO for the flow between that pair.
type Target struct {
	Node
	From *Ref `parser:"@@"`
	To   *Ref `parser:"( \"->\" @@ )?"`
}

// Acceptance is `accepted "reason" by "owner" until 2027-01-31`.
type Acceptance struct {
	Node
	Reason *Str     `parser:"\"accepted\" @@"`
	By     *Str     `parser:"\"by\" @@"`
	Until  *DateLit `parser:"\"until\" @@"`
}

// ControlDecl is `control ID "Name" { ... }`.
type ControlDecl struct {
	Node
	ID   *Word          `parser:"\"control\" @@"`
	Name *Str           `parser:"@@?"`
	Body []*ControlStmt `parser:"( \"{\" @@* \"}\" )?"`
}

// ControlStmt is one statement of a control block. test and evidence may
// appear more than once.
type ControlStmt struct {
	Node
	Status      *Word     `parser:"  \"status\" @@"`
	Owner       *Str      `parser:"| \"owner\" @@"`
	Test        *Str      `parser:"| \"test\" @@"`
	Evidence    *Str      `parser:"| \"evidence\" @@"`
	Description *Str      `parser:"| \"description\" @@"`
	Provides    *Provides `parser:"| @@"`
	Unknown     *Unknown  `parser:"| @@"`
}

// Provides is `provides SAFEGUARD[, ...] on TARGET[, ...]` in a control:
// the safeguards the control puts in place on flows (by id or FROM -> TO)
// and elements.
type Provides struct {
	Node
	Safeguards []*Word   `parser:"\"provides\" @@ ( \",\" @@ )*"`
	On         []*Target `parser:"\"on\" @@ ( \",\" @@ )*"`
}

// DecisionDecl is `decision ID "Title" { ... }`.
type DecisionDecl struct {
	Node
	ID   *Word           `parser:"\"decision\" @@"`
	Name *Str            `parser:"@@?"`
	Body []*DecisionStmt `parser:"( \"{\" @@* \"}\" )?"`
}

// DecisionStmt is one statement of a decision block.
type DecisionStmt struct {
	Node
	Status      *Word    `parser:"  \"status\" @@"`
	File        *Str     `parser:"| \"file\" @@"`
	Affects     []*Ref   `parser:"| \"affects\" @@ ( \",\" @@ )*"`
	Description *Str     `parser:"| \"description\" @@"`
	Unknown     *Unknown `parser:"| @@"`
}

// ViewDecl is `view ID "Title" { ... }`.
type ViewDecl struct {
	Node
	ID   *Word       `parser:"\"view\" @@"`
	Name *Str        `parser:"@@?"`
	Body []*ViewStmt `parser:"( \"{\" @@* \"}\" )?"`
}

// ViewStmt is one statement of a view block.
type ViewStmt struct {
	Node
	DFD         bool       `parser:"  @\"dfd\""`
	Context     bool       `parser:"| @\"context\""`
	ContainerOf *Ref       `parser:"| \"container\" \"of\" @@"`
	ComponentOf *Ref       `parser:"| \"component\" \"of\" @@"`
	Include     []*Pattern `parser:"| \"include\" @@ ( \",\" @@ )*"`
	Exclude     []*Pattern `parser:"| \"exclude\" @@ ( \",\" @@ )*"`
	Description *Str       `parser:"| \"description\" @@"`
	// Filters: which flows the view draws (crossing, unmarked, carries)
	// and the neighbourhood of an element (around ELEMENT [DEPTH]).
	Crossing []*Ref   `parser:"| \"crossing\" @@ ( \",\" @@ )*"`
	Unmarked bool     `parser:"| @\"unmarked\""`
	Carries  []*Ref   `parser:"| \"carries\" @@ ( \",\" @@ )*"`
	Around   *Around  `parser:"| @@"`
	Unknown  *Unknown `parser:"| @@"`
}

// Around is `around ELEMENT [DEPTH]`: the element and what lies within
// DEPTH flows of it (1 when not said).
type Around struct {
	Node
	Element *Ref `parser:"\"around\" @@"`
	Depth   *Num `parser:"@@?"`
}

// RuntimeDecl is `runtime ID "Name" { ... }`: a shared host, node pool,
// cluster, cloud account or serverless platform that elements run on
// (`runs_on ID`).
type RuntimeDecl struct {
	Node
	ID   *Word          `parser:"\"runtime\" @@"`
	Name *Str           `parser:"@@?"`
	Body []*RuntimeStmt `parser:"( \"{\" @@* \"}\" )?"`
}

// RuntimeStmt is one statement of a runtime block.
type RuntimeStmt struct {
	Node
	Type        *Word    `parser:"  \"type\" @@"`
	Description *Str     `parser:"| \"description\" @@"`
	Owner       *Str     `parser:"| \"owner\" @@"`
	Unknown     *Unknown `parser:"| @@"`
}

// A Decl is one top-level declaration; exactly one field is set.
type Decl struct {
	Model    *ModelDecl
	Boundary *BoundaryDecl
	Element  *ElementDecl
	Extend   *ExtendDecl
	Data     *DataDecl
	Flow     *FlowDecl
	Sequence *SequenceDecl
	Threat   *ThreatDecl
	Control  *ControlDecl
	Decision *DecisionDecl
	View     *ViewDecl
	Accept   *AcceptDecl
	Runtime  *RuntimeDecl
	Dismiss  *DismissDecl
}

// A File is one parsed .tm file: the declarations that parsed, in source
// order. Declarations with syntax errors are left out (and reported).
type File struct {
	Name  string // path relative to the model root, with /
	Src   []byte
	Decls []Decl
	// Comments are the file's # and // comments in source order, kept
	// by ParseWithComments (nil after Parse, which does not need them and
	// so costs nothing on a file of a million comments).
	Comments []Comment
	// Broken lists the ids of declarations that did not parse, so that
	// references to them are not reported a second time as undefined.
	Broken []string
}

// A Comment is one # or // comment: from its marker to the end of its line.
type Comment struct {
	Text string // as written, marker included, without trailing white space
	// Where the marker is: byte offset, line and column (in code points),
	// as in diag.Pos. int32 keeps a comment at 32 bytes.
	Offset, Line, Col int32
}

// Pos returns where the comment starts.
func (c Comment) Pos() diag.Pos {
	return diag.Pos{Line: int(c.Line), Col: int(c.Col), Offset: int(c.Offset)}
}
