package compiler

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// date parses a date literal; an impossible date is TM103.
func (c *compiler) date(file string, d *dsl.DateLit) (time.Time, bool) {
	t, err := time.Parse("2006-01-02", d.Value)
	if err != nil {
		c.diags.Errorf("TM103", rng(file, &d.Node), "invalid date %q", d.Value).Detail = "dates are written YYYY-MM-DD and must exist"
		return time.Time{}, false
	}
	return t, true
}

// lower resolves every reference and fills the IR.
func (c *compiler) lower() {
	c.lowerBoundaries()
	c.lowerElements()
	c.lowerElementRefs()
	for _, fd := range c.flows {
		c.lowerFlow(fd)
	}
	c.nameFlows()
	c.lowerResponses()
	for _, sd := range c.seqs {
		c.lowerSequence(sd)
	}
	for _, cd := range c.controls {
		c.lowerControl(cd)
	}
	c.applyProvides()
	for _, td := range c.threats {
		c.lowerThreat(td)
	}
	for _, dd := range c.decisions {
		c.lowerDecision(dd)
	}
	c.lowerViews()
}

func (c *compiler) lowerBoundaries() {
	for _, bd := range c.boundaries {
		bd.b.Parent = bd.up
		if bd.ast.In != nil && bd.up == nil {
			if s := c.resolve(bd.file, bd.ast.In, "in", kBoundary); s != nil {
				bd.b.Parent = s.boundary
			}
		}
	}
	// A boundary placed (through `in`) inside itself is cut loose.
	for _, bd := range c.boundaries {
		seen := map[*ir.Boundary]bool{}
		for x := bd.b.Parent; x != nil && !seen[x]; x = x.Parent {
			seen[x] = true
			if x == bd.b {
				c.diags.Errorf("TM204", rng(bd.file, &bd.ast.In.Node), "boundary %q ends up inside itself", bd.b.ID).Detail =
					"the `in` chain of these boundaries forms a loop; remove one `in`"
				bd.b.Parent = nil
				break
			}
		}
	}
	for _, b := range c.m.Boundaries {
		if b.Parent != nil {
			b.Parent.Children = append(b.Parent.Children, b)
		}
	}
}

func (c *compiler) lowerElements() {
	for _, ed := range c.elements {
		if ed.in == nil {
			continue
		}
		// An `in` that does not resolve still places the element: its
		// boundary is unknown, so its flows' crossings are too.
		ed.e.Placed = true
		if s := c.resolve(ed.file, ed.in, "in", kBoundary); s != nil {
			ed.e.Boundary = s.boundary
		}
	}
	// Children inherit the boundary of their parent unless they say
	// otherwise. c.elements holds parents before children.
	for _, e := range c.m.Elements {
		if !e.Placed && e.Parent != nil {
			e.Boundary = e.Parent.Boundary
		}
		if e.Boundary != nil {
			e.Boundary.Elements = append(e.Boundary.Elements, e)
		}
	}
}

// lowerElementRefs resolves the stores, processes and runs_on statements
// of elements, and lists each runtime's elements in model order.
func (c *compiler) lowerElementRefs() {
	for _, x := range c.elemRefs {
		e, s := x.e, x.stmt
		for _, r := range s.Stores {
			if d := c.resolve(x.file, r, "stores", kData); d != nil && !slices.Contains(e.Stores, d.data) {
				e.Stores = append(e.Stores, d.data)
			}
		}
		for _, r := range s.Processes {
			if d := c.resolve(x.file, r, "processes", kData); d != nil && !slices.Contains(e.Processes, d.data) {
				e.Processes = append(e.Processes, d.data)
			}
		}
		if s.RunsOn != nil && c.prop(e, "runs_on", rng(x.file, &s.Node)) {
			if rt := c.resolve(x.file, s.RunsOn, "runs_on", kRuntime); rt != nil {
				e.RunsOn = rt.runtime
			}
		}
	}
	for _, e := range c.m.Elements {
		if e.RunsOn != nil {
			e.RunsOn.Elements = append(e.RunsOn.Elements, e)
		}
	}
}

// lowerResponses resolves response_to: the request a flow answers must
// be a flow the other way between the same two elements.
func (c *compiler) lowerResponses() {
	for _, x := range c.responses {
		s := c.resolve(x.file, x.ref, "response_to", kFlow)
		if s == nil {
			continue
		}
		f, req := x.f, s.flow
		if f.From != nil && f.To != nil && req.From != nil && req.To != nil && (req.From != f.To || req.To != f.From) {
			d := c.diags.Errorf("TM204", rng(x.file, &x.ref.Node), "flow %q cannot be a response to %q: %q goes from %q to %q, not from %q to %q",
				f.ID, req.ID, req.ID, req.From.ID, req.To.ID, f.To.ID, f.From.ID)
			d.Related = append(d.Related, noteAt(req.Head, "%q declared here", req.ID))
			d.Detail = "a response goes back the way its request came; name the request this flow answers, or remove response_to if this flow is a call of its own"
			continue
		}
		f.ResponseTo = req
	}
}

// authWords maps free-text auth values, lower-cased with runs of spaces,
// dashes and underscores made one space, to the authentication word they
// mean without doubt.
var authWords = map[string]string{
	"none": "none", "no": "none", "anonymous": "none", "anon": "none", "unauthenticated": "none", "no auth": "none",
	"no authentication": "none", "public": "none", "open": "none",
	"jwt": "token", "jwts": "token", "oauth": "token", "oauth2": "token", "oauth 2": "token", "oauth2 token": "token",
	"bearer": "token", "bearer token": "token", "token": "token", "access token": "token", "oidc": "token",
	"openid connect": "token", "id token": "token", "jwt bearer": "token", "paseto": "token", "macaroon": "token",
	"mtls": "mtls", "mutual tls": "mtls", "mutual tls auth": "mtls", "spiffe": "mtls", "tls client auth": "client_certificate",
	"client certificate": "client_certificate", "client cert": "client_certificate", "x509": "client_certificate",
	"x.509": "client_certificate", "certificate": "client_certificate",
	"api key": "credentials", "apikey": "credentials", "key": "credentials", "basic": "credentials", "basic auth": "credentials",
	"http basic": "credentials", "password": "credentials", "username password": "credentials", "user password": "credentials",
	"credentials": "credentials", "hmac": "credentials", "hmac signature": "credentials", "shared secret": "credentials",
	"access key": "credentials", "secret key": "credentials", "digest": "credentials",
	"session": "session", "cookie": "session", "session cookie": "session", "cookies": "session",
	"2fa": "two_factor", "mfa": "two_factor", "two factor": "two_factor", "multi factor": "two_factor", "otp": "two_factor",
	"totp": "two_factor", "webauthn": "two_factor", "passkey": "two_factor", "passkeys": "two_factor",
	"sso": "externalized", "saml": "externalized", "externalized": "externalized", "external": "externalized",
	"kerberos": "externalized", "ntlm": "externalized", "iam": "externalized", "iam role": "externalized",
}

// AuthenticationFor returns the authentication word a free-text auth
// value means without doubt (auth jwt: token, auth "API key":
// credentials), or "" when it does not map.
func AuthenticationFor(auth string) string {
	norm := strings.Join(strings.FieldsFunc(strings.ToLower(auth), func(r rune) bool {
		return r == ' ' || r == '\t' || r == '-' || r == '_'
	}), " ")
	if slices.Contains(authentications, norm) {
		return norm
	}
	if w, ok := authWords[norm]; ok {
		return w
	}
	return authWords[strings.ReplaceAll(norm, " ", "_")]
}

func (c *compiler) lowerFlow(fd *flowDecl) {
	f, d, file := fd.f, fd.ast, fd.file
	if s := c.resolve(file, d.From, "a flow", kElement); s != nil {
		f.From = s.element
	}
	if s := c.resolve(file, d.To, "a flow", kElement); s != nil {
		f.To = s.element
	}
	var authAt *dsl.Node
	for _, s := range d.Body {
		switch {
		case s.ResponseTo != nil:
			if c.prop(f, "response_to", rng(file, &s.Node)) {
				c.responses = append(c.responses, responseTo{file, f, s.ResponseTo})
			}
		case s.Authentication != nil:
			c.setWord(f, file, "authentication", &f.Authentication, s.Authentication, &s.Node, authentications)
		case s.Authorization != nil:
			c.setWord(f, file, "authorization", &f.Authorization, s.Authorization, &s.Node, authorizations)
		case s.Usage != nil:
			c.setWord(f, file, "usage", &f.Usage, s.Usage, &s.Node, usages)
		case s.Readonly:
			c.setFlag(f, file, "readonly", &f.Readonly, true, &s.Node)
		case s.VPN:
			c.setFlag(f, file, "vpn", &f.VPN, true, &s.Node)
		case s.IPFiltered:
			c.setFlag(f, file, "ip_filtered", &f.IPFiltered, true, &s.Node)
		case s.Protocol != nil:
			if c.prop(f, "protocol", rng(file, &s.Node)) {
				f.Protocol = s.Protocol.Text()
			}
		case s.Auth != nil:
			if c.prop(f, "auth", rng(file, &s.Node)) {
				f.Auth = s.Auth.Text()
				authAt = &s.Auth.Node
			}
		case s.Carries != nil:
			for _, r := range s.Carries {
				if x := c.resolve(file, r, "carries", kData); x != nil {
					f.Carries = append(f.Carries, x.data)
				}
			}
		case s.Crosses != nil:
			m := &ir.Mark{Range: rng(file, &s.Node)}
			if s.Crosses.Reason != nil { // nil: written without one, reported by the parser
				m.Reason = string(s.Crosses.Reason.Value)
			}
			for _, r := range s.Crosses.Boundaries {
				if x := c.resolve(file, r, "crosses", kBoundary); x != nil {
					m.Boundaries = append(m.Boundaries, x.boundary)
					m.Refs = append(m.Refs, rng(file, &r.Node))
				}
			}
			if s.Crosses.Reason != nil && strings.TrimSpace(m.Reason) == "" {
				c.diags.Errorf("TM104", rng(file, &s.Crosses.Reason.Node), "empty reason in crosses").Detail =
					"say how trust is established at this crossing: who is authenticated, what is validated"
			}
			f.Marks = append(f.Marks, m)
		case s.Safeguards != nil:
			c.addSafeguards(file, &f.Safeguards, s.Safeguards)
		default:
			c.setFlag(f, file, "idempotency_key", &f.IdempotencyKey, s.IdempotencyKey, &s.Node)
			if f.IdempotencyKey {
				f.Safeguards = addSorted(f.Safeguards, "idempotency_keys")
			}
			c.setStr(f, file, "description", &f.Description, s.Description, &s.Node)
		}
	}
	c.migrateAuth(file, f, authAt)
}

// migrateAuth derives a flow's authentication from its free-text auth
// when only auth is given and the text maps without doubt; text that
// does not map is TM105, with the vocabulary to choose from. With only
// authentication given, Auth takes its word, for readers of Auth.
func (c *compiler) migrateAuth(file string, f *ir.Flow, authAt *dsl.Node) {
	_, written := c.props[f]["authentication"]
	switch {
	case authAt == nil:
		if f.Auth == "" && f.Authentication != "" {
			f.Auth = f.Authentication
		}
	case written:
	default:
		if w := AuthenticationFor(f.Auth); w != "" {
			f.Authentication, f.AuthenticationDerived = w, true
			return
		}
		d := c.diags.Warnf("TM105", rng(file, authAt), "free-text auth %q does not say how the sender authenticates", f.Auth)
		d.Detail = "the threat rules read `authentication WORD`, a closed list; keep auth as the label and add the word that says what the sender presents: " + strings.Join(authentications, ", ")
	}
}

// nameFlows gives flows without an id the id FROM->TO; two of them between
// the same pair are TM203.
func (c *compiler) nameFlows() {
	seen := map[string]*ir.Flow{}
	dups := map[*ir.Flow]bool{}
	for _, f := range c.m.Flows {
		if f.Named || f.From == nil || f.To == nil {
			continue
		}
		f.ID = f.From.ID + "->" + f.To.ID
		if old, ok := seen[f.ID]; ok {
			d := c.diags.Errorf("TM203", f.Head, "duplicate flow %q", f.ID)
			d.Related = append(d.Related, noteAt(old.Head, "the other flow between these elements"))
			d.Detail = "two flows without an id between the same pair cannot be told apart; give one an id: flow ID: FROM -> TO"
			dups[f] = true
			continue
		}
		seen[f.ID] = f
	}
	if len(dups) > 0 { // keep one flow per id, so references stay unambiguous
		kept := c.m.Flows[:0]
		for _, f := range c.m.Flows {
			if !dups[f] {
				kept = append(kept, f)
			}
		}
		c.m.Flows = kept
	}
}

// participant resolves an element of a sequence and records its first
// appearance.
func (c *compiler) participant(file string, s *ir.Sequence, r *dsl.Ref, use string) *ir.Element {
	x := c.resolve(file, r, use, kElement)
	if x == nil {
		return nil
	}
	for _, p := range s.Participants {
		if p == x.element {
			return p
		}
	}
	s.Participants = append(s.Participants, x.element)
	return x.element
}

func (c *compiler) lowerSequence(sd *seqDecl) {
	n := 0
	sd.s.Steps = c.steps(sd.file, sd.s, sd.ast.Body, &n)
}

func (c *compiler) steps(file string, s *ir.Sequence, body []*dsl.SeqStmt, n *int) []*ir.Step {
	var out []*ir.Step
	branch := func(label *dsl.Str, b []*dsl.SeqStmt) *ir.Branch {
		br := &ir.Branch{Steps: c.steps(file, s, b, n)}
		if label != nil {
			br.Label = string(label.Value)
		}
		return br
	}
	for _, st := range body {
		step := &ir.Step{Range: rng(file, &st.Node)}
		switch {
		case st.Message != nil:
			m := st.Message
			*n++
			step.Kind, step.Number, step.Reply = ir.StepMessage, *n, m.Arrow == "-->"
			step.From = c.participant(file, s, m.From, "a message")
			step.To = c.participant(file, s, m.To, "a message")
			if m.Label != nil {
				step.Label = string(m.Label.Value)
			}
			step.Flow = c.flowFor(step.From, step.To, step.Reply)
		case st.Note != nil:
			step.Kind, step.Text = ir.StepNote, string(st.Note.Text.Value)
			for _, r := range st.Note.Over {
				if e := c.participant(file, s, r, "note over"); e != nil {
					step.Over = append(step.Over, e)
				}
			}
		case st.Alt != nil:
			step.Kind = ir.StepAlt
			step.Branches = append(step.Branches, branch(st.Alt.Label, st.Alt.Body))
			for _, e := range st.Alt.Else {
				step.Branches = append(step.Branches, branch(e.Label, e.Body))
			}
		case st.Par != nil:
			step.Kind = ir.StepPar
			step.Branches = append(step.Branches, branch(st.Par.Label, st.Par.Body))
			for _, a := range st.Par.And {
				step.Branches = append(step.Branches, branch(a.Label, a.Body))
			}
		case st.Opt != nil:
			step.Kind = ir.StepOpt
			step.Branches = append(step.Branches, branch(st.Opt.Label, st.Opt.Body))
		case st.Loop != nil:
			step.Kind = ir.StepLoop
			step.Branches = append(step.Branches, branch(st.Loop.Label, st.Loop.Body))
		case st.Description != nil:
			if c.prop(s, "description", rng(file, &st.Node)) {
				s.Description = string(st.Description.Value)
			}
			continue
		default:
			continue
		}
		out = append(out, step)
	}
	return out
}

// flowFor finds the flow a message travels on: FROM -> TO for a request; for
// a reply, the flow TO -> FROM it answers, else FROM -> TO.
func (c *compiler) flowFor(from, to *ir.Element, reply bool) *ir.Flow {
	if from == nil || to == nil {
		return nil
	}
	if reply {
		if back := c.flowsBetween(to, from); len(back) > 0 {
			return back[0]
		}
	}
	if fwd := c.flowsBetween(from, to); len(fwd) > 0 {
		return fwd[0]
	}
	return nil
}

// flowsBetween returns the flows from one element to another, in model
// order, from an index built on first use (after flows are final).
func (c *compiler) flowsBetween(from, to *ir.Element) []*ir.Flow {
	if c.flowIndex == nil {
		c.flowIndex = map[[2]*ir.Element][]*ir.Flow{}
		for _, f := range c.m.Flows {
			if f.From != nil && f.To != nil {
				k := [2]*ir.Element{f.From, f.To}
				c.flowIndex[k] = append(c.flowIndex[k], f)
			}
		}
	}
	return c.flowIndex[[2]*ir.Element{from, to}]
}

func (c *compiler) fileRef(file, p string, n *dsl.Node, test bool) *ir.FileRef {
	ref := &ir.FileRef{Path: p, Range: rng(file, n)}
	if test {
		if i := strings.LastIndexByte(p, ':'); i > 0 && !strings.Contains(p[i:], "/") {
			ref.Path, ref.Test = p[:i], p[i+1:]
		}
	}
	proj := ""
	ref.Name, proj, ref.Escapes = c.refName(file, ref.Path)
	if ref.Path != "" && !ref.Escapes {
		rf := c.refFile(proj, ref.Test != "")
		ref.Found = rf.found
		if rf.resolved != "" {
			ref.Escapes, ref.Resolved = true, rf.resolved
		}
		if ref.Test != "" && rf.text != nil {
			ref.TestFound = declaresTest(rf.text, ref.Test, rf.goFile)
		}
		if !ref.Found {
			ref.Suggest = c.rootRelative(file, ref.Path)
		}
	}
	return ref
}

// rootRelative helps a model written when paths were relative to the
// model root: for a path p in a .tm file below the root that names
// nothing relative to that file, it returns the path, relative to the
// file, of what p names relative to the model root, when that exists;
// else "".
func (c *compiler) rootRelative(file, p string) string {
	dir := path.Dir(file)
	if dir == "." || absolute(p) {
		return ""
	}
	name := path.Clean(strings.ReplaceAll(p, `\`, "/"))
	if name == ".." || strings.HasPrefix(name, "../") {
		return ""
	}
	if !c.refFile(path.Join(c.modelDir, name), false).found {
		return ""
	}
	rel, err := filepath.Rel(filepath.FromSlash(dir), filepath.FromSlash(name))
	if err != nil {
		return ""
	}
	return filepath.ToSlash(rel)
}

// refName resolves the path p, written in the .tm file named file, as a
// Markdown link is resolved: relative to that file's folder. It returns
// the path relative to the model root (with /, cleaned; it starts with ..
// where it goes up out of the model folder) and relative to the project
// root, and whether it escapes the project root: absolute, or climbing
// above it. Backslashes count as separators, so a Windows path cannot
// slip past.
func (c *compiler) refName(file, p string) (name, proj string, escapes bool) {
	if p == "" {
		return "", "", false
	}
	if absolute(p) {
		return "", "", true
	}
	slashed := strings.ReplaceAll(p, `\`, "/")
	name = path.Join(path.Dir(file), slashed)
	proj = path.Join(c.modelDir, name)
	if proj == ".." || strings.HasPrefix(proj, "../") || inGitDir(proj) {
		return "", "", true
	}
	if strings.HasSuffix(slashed, "/") {
		// "docs/missing/" names a folder: keep the slash, which makes
		// a file of that name not found.
		name += "/"
		proj += "/"
	}
	return name, proj, false
}

// A refFile is what a path the model names found on disk.
type refFile struct {
	found  bool
	goFile bool
	text   []byte // the contents, once a named test needs them; nil if unreadable or too large
	read   bool
	// resolved is where a symbolic link on the path leads, when that is
	// outside the model root (then found is false and nothing is read).
	resolved string
}

// refFile stats the root-relative path p once per compile (on disk, or
// in the model's Tree), and reads it once when a named test must be
// looked up in it.
func (c *compiler) refFile(p string, needText bool) *refFile {
	if c.refFiles == nil {
		c.refFiles = map[string]*refFile{}
	}
	rf := c.refFiles[p]
	if rf == nil {
		rf = &refFile{goFile: strings.HasSuffix(p, ".go")}
		c.refFiles[p] = rf
		if c.tree != nil {
			isFile, isDir := c.src.treeStat(p)
			rf.found = isFile || isDir
			rf.read = true // never from disk
			switch {
			case isFile && needText:
				if data, size, err := c.src.treeRead(p, maxTestFile); err == nil && size <= maxTestFile {
					rf.text = data
				}
			case isFile:
				// Existence needs no read. Not cached, so that a later
				// call naming it as a test reads it: statting a file
				// again is one map lookup.
				delete(c.refFiles, p)
			}
			return rf
		}
		st, err := c.files.Stat(p)
		rf.found = err == nil
		var esc *EscapeError
		if errors.As(err, &esc) {
			rf.resolved = esc.Resolved
		}
		if err != nil || !st.Mode().IsRegular() || st.Size() > maxTestFile {
			rf.read = true // nothing to read
		}
	}
	if needText && !rf.read {
		rf.read = true
		if b, err := c.files.ReadFile(p, maxTestFile); err == nil {
			rf.text = b
		}
	}
	return rf
}

// absolute reports whether a model path is absolute: rooted, a Windows
// drive or UNC path.
func absolute(p string) bool {
	return strings.HasPrefix(p, "/") || strings.HasPrefix(p, `\`) || filepath.IsAbs(p) || len(p) > 1 && p[1] == ':'
}

// Escapes reports whether a root-relative path leaves its root: an
// absolute path, a Windows drive or UNC path, or one that climbs out with
// "..".
func Escapes(p string) bool {
	if absolute(p) {
		return true
	}
	clean := path.Clean(strings.ReplaceAll(p, `\`, "/"))
	return clean == ".." || strings.HasPrefix(clean, "../")
}

func (c *compiler) lowerControl(cd *controlDecl) {
	k, file := cd.c, cd.file
	for _, s := range cd.ast.Body {
		switch {
		case s.Test != nil:
			k.Tests = append(k.Tests, c.fileRef(file, string(s.Test.Value), &s.Test.Node, true))
		case s.Evidence != nil:
			k.Evidence = append(k.Evidence, c.fileRef(file, string(s.Evidence.Value), &s.Evidence.Node, false))
		case s.Provides != nil:
			c.lowerProvides(file, k, s.Provides)
		default:
			c.setWord(k, file, "status", &k.Status, s.Status, &s.Node, controlStatuses)
			c.setStr(k, file, "owner", &k.Owner, s.Owner, &s.Node)
			c.setStr(k, file, "description", &k.Description, s.Description, &s.Node)
		}
	}
	if _, ok := c.props[k]["status"]; !ok && !hasUnknown(cd.ast.Body, func(s *dsl.ControlStmt) *dsl.Unknown { return s.Unknown }) {
		c.diags.Errorf("TM104", rng(file, &cd.ast.ID.Node), "control %q has no status", k.ID).Detail =
			"status is one of: " + strings.Join(controlStatuses, ", ")
	}
}

// Band returns the risk band of a score: low 1-4, medium 5-9, high 10-16,
// critical 20-25.
func Band(score int) string { return ir.Band(score) }

func (c *compiler) lowerThreat(td *threatDecl) {
	t, file := td.t, td.file
	var expiredAt diag.Range // the until date of the acceptance
	for _, s := range td.ast.Body {
		r := rng(file, &s.Node)
		switch {
		case s.Stride != nil:
			if c.prop(t, "stride", r) {
				for _, w := range s.Stride {
					if c.checkValue(file, "stride category", w, strideCategories) {
						t.Stride = append(t.Stride, w.Value)
					}
				}
			}
		case s.On != nil:
			if c.prop(t, "on", r) {
				t.Target = c.target(file, s.On, kFlow, kElement, kBoundary)
			}
		case s.Impact != nil:
			if c.prop(t, "impact", r) && c.scale(file, "impact", s.Impact) {
				t.Impact = s.Impact.Value
			}
		case s.Likelihood != nil:
			if c.prop(t, "likelihood", r) && c.scale(file, "likelihood", s.Likelihood) {
				t.Likelihood = s.Likelihood.Value
			}
		case s.MitigatedBy != nil:
			for _, ref := range s.MitigatedBy {
				if x := c.resolve(file, ref, "mitigated_by", kControl); x != nil {
					t.MitigatedBy = append(t.MitigatedBy, x.control)
					x.control.Mitigates = append(x.control.Mitigates, t)
				} else {
					t.MitigationUnresolved = true
				}
			}
		case s.Claims != nil:
			for _, fp := range s.Claims {
				t.Claims = append(t.Claims, string(fp.Value))
				c.claimRanges = append(c.claimRanges, claimRef{t, string(fp.Value), rng(file, &fp.Node)})
			}
		case s.Accepted != nil:
			if c.prop(t, "accepted", r) {
				a := &ir.Acceptance{Reason: string(s.Accepted.Reason.Value), By: string(s.Accepted.By.Value), Until: s.Accepted.Until.Value, Range: r}
				if until, ok := c.date(file, s.Accepted.Until); ok {
					a.Expired = !c.opts.Now.Before(until.AddDate(0, 0, 1))
				}
				t.Acceptance = a
				expiredAt = rng(file, &s.Accepted.Until.Node)
			}
		default:
			c.setStr(t, file, "transferred", &t.Transferred, s.Transferred, &s.Node)
			c.setStr(t, file, "owner", &t.Owner, s.Owner, &s.Node)
			c.setStr(t, file, "description", &t.Description, s.Description, &s.Node)
		}
	}
	misspelt := hasUnknown(td.ast.Body, func(s *dsl.ThreatStmt) *dsl.Unknown { return s.Unknown })
	for _, need := range []string{"on", "stride", "impact", "likelihood"} {
		if _, ok := c.props[t][need]; !ok && !misspelt {
			c.diags.Errorf("TM104", rng(file, &td.ast.ID.Node), "threat %q has no %s", t.ID, need).Detail =
				"a threat needs stride, on, impact and likelihood: " + threatForm
		}
	}
	t.Score = t.Impact * t.Likelihood
	t.Band = Band(t.Score)
	t.Status = ir.Open
	for _, k := range t.MitigatedBy {
		if k.Effective() {
			t.Status = ir.Mitigated
		}
	}
	switch {
	case t.Status == ir.Mitigated:
	case t.Acceptance != nil && !t.Acceptance.Expired:
		t.Status = ir.Accepted
	case t.Transferred != "":
		t.Status = ir.Transferred
	}
	if a := t.Acceptance; a != nil && a.Expired {
		d := c.diags.Errorf("TM601", expiredAt, "acceptance of threat %q expired on %s", t.ID, a.Until)
		switch t.Status {
		case ir.Mitigated:
			d.Detail = "a control in place mitigates the threat, so it stays mitigated; remove the acceptance, or review it and set a new `until` date"
		case ir.Transferred:
			d.Detail = "the threat is still transferred; remove the acceptance, or review it and set a new `until` date"
		default:
			d.Detail = "the threat is open again: mitigate it, or review the acceptance with its owner and set a new `until` date"
		}
	}
}

const threatForm = `stride spoofing on FLOW impact 1-5 likelihood 1-5`

func (c *compiler) scale(file, what string, n *dsl.Num) bool {
	if n.Value >= 1 && n.Value <= 5 {
		return true
	}
	c.diags.Errorf("TM103", rng(file, &n.Node), "%s %d is out of range", what, n.Value).Detail = what + " is 1 (lowest) to 5 (highest)"
	return false
}

// target resolves what a threat is on, or what a control provides a
// safeguard on: FROM -> TO names the flow between that pair; a single
// reference names a symbol of one of the wanted kinds. The zero Target
// means it did not resolve (reported).
func (c *compiler) target(file string, on *dsl.Target, want ...kind) (t ir.Target) {
	if on.To == nil {
		if s := c.resolve(file, on.From, "on", want...); s != nil {
			t = ir.Target{Flow: s.flow, Element: s.element, Boundary: s.boundary}
		}
		return t
	}
	from := c.resolve(file, on.From, "on", kElement)
	to := c.resolve(file, on.To, "on", kElement)
	if from == nil || to == nil {
		return t
	}
	hits := c.flowsBetween(from.element, to.element)
	r := rng(file, &on.Node)
	switch len(hits) {
	case 0:
		d := c.diags.Errorf("TM201", r, "no flow from %q to %q", from.path, to.path)
		d.Fix = fmt.Sprintf("flow %s -> %s \"<label>\"", c.shortName(from.path), c.shortName(to.path))
	case 1:
		t.Flow = hits[0]
	default:
		d := c.diags.Errorf("TM202", r, "ambiguous flow %q -> %q: %d flows match", from.path, to.path, len(hits))
		for _, f := range hits {
			d.Related = append(d.Related, noteAt(f.Head, "candidate flow %q", f.ID))
		}
		d.Detail = "name the flow by its id"
	}
	return t
}

// lowerProvides records a control's `provides SAFEGUARD[, ...] on
// TARGET[, ...]`: each known safeguard on each flow or element that
// resolves. Unknown safeguards are TM103; a boundary is TM204 (a
// safeguard is on a flow or an element, where the rules read it).
func (c *compiler) lowerProvides(file string, k *ir.Control, p *dsl.Provides) {
	var names []string
	for _, w := range p.Safeguards {
		if c.checkValue(file, "safeguard", w, Safeguards) && !slices.Contains(names, w.Value) {
			names = append(names, w.Value)
		}
	}
	for _, on := range p.On {
		t := c.target(file, on, kFlow, kElement)
		if t.Flow == nil && t.Element == nil {
			continue
		}
		for _, n := range names {
			if slices.ContainsFunc(k.Provides, func(x *ir.Provision) bool { return x.Safeguard == n && x.Target == t }) {
				continue
			}
			k.Provides = append(k.Provides, &ir.Provision{Safeguard: n, Target: t, Range: rng(file, &on.Node)})
		}
	}
}

// applyProvides gives every element and flow its safeguard sources:
// those it declares, then those controls provide on it. A provided
// safeguard counts (joins Safeguards, which the rules read) when its
// control is implemented or verified; otherwise it is listed as pending.
func (c *compiler) applyProvides() {
	for _, e := range c.m.Elements {
		e.SafeguardSources = declaredSources(e.Safeguards)
	}
	for _, f := range c.m.Flows {
		f.SafeguardSources = declaredSources(f.Safeguards)
	}
	touched := map[*[]ir.SafeguardSource]bool{}
	for _, k := range c.m.Controls {
		for _, p := range k.Provides {
			src := ir.SafeguardSource{Name: p.Safeguard, Control: k, Pending: !k.Effective()}
			var names *[]string
			var srcs *[]ir.SafeguardSource
			switch {
			case p.Target.Flow != nil:
				names, srcs = &p.Target.Flow.Safeguards, &p.Target.Flow.SafeguardSources
			case p.Target.Element != nil:
				names, srcs = &p.Target.Element.Safeguards, &p.Target.Element.SafeguardSources
			default:
				continue
			}
			*srcs = append(*srcs, src)
			touched[srcs] = true
			if !src.Pending {
				*names = addSorted(*names, p.Safeguard)
			}
		}
	}
	for srcs := range touched {
		slices.SortStableFunc(*srcs, func(a, b ir.SafeguardSource) int { return strings.Compare(a.Name, b.Name) })
	}
}

// declaredSources lists declared safeguards as sources.
func declaredSources(names []string) []ir.SafeguardSource {
	if len(names) == 0 {
		return nil
	}
	out := make([]ir.SafeguardSource, len(names))
	for i, n := range names {
		out[i] = ir.SafeguardSource{Name: n}
	}
	return out
}

func (c *compiler) lowerDecision(dd *decisionDecl) {
	k, file := dd.d, dd.file
	for _, s := range dd.ast.Body {
		switch {
		case s.File != nil:
			if c.prop(k, "file", rng(file, &s.Node)) {
				k.File = c.fileRef(file, string(s.File.Value), &s.File.Node, false)
			}
		case s.Affects != nil:
			for _, r := range s.Affects {
				if x := c.resolve(file, r, "affects", kElement); x != nil {
					k.Affects = append(k.Affects, x.element)
				}
			}
		default:
			c.setWord(k, file, "status", &k.Status, s.Status, &s.Node, decisionStatuses)
			c.setStr(k, file, "description", &k.Description, s.Description, &s.Node)
		}
	}
}

// maxTestFile is the largest test file tmc reads to find a named test.
const maxTestFile = 8 << 20

// declaresTest reports whether the file declares the named test: `func
// Name(` in a Go file, the name as a whole word in any other file.
func declaresTest(b []byte, name string, goFile bool) bool {
	if goFile {
		return bytes.Contains(b, []byte("func "+name+"("))
	}
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte(name))
		if j < 0 {
			return false
		}
		j += i
		end := j + len(name)
		if (j == 0 || !wordByte(b[j-1])) && (end == len(b) || !wordByte(b[end])) {
			return true
		}
		i = j + 1
	}
}

func wordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
