// Package rules holds tmc's built-in threat rules: declared values that read
// the IR (elements, flows, their crossings, data, tenancy, safeguards) and
// yield findings, the threats a model implies.
//
// A rule never reports a diagnostic and never changes the exit status; the
// compiler runs every rule after lowering and stores the findings in
// ir.Model.Findings, sorted by fingerprint (RULE@TARGET-ID), so renderers
// read them and never re-derive them.
package rules

import (
	"bytes"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// A Rule is one built-in threat rule.
type Rule struct {
	// ID is "TMR-S01": S T R I D E by STRIDE category, C control plane,
	// X external; N input handling and injection, A authentication,
	// identity and network access, H hardening, build and deployment, M
	// the model itself, L language models and agents.
	ID         string
	Title      string   // one line
	Stride     []string // STRIDE categories, as threats spell them; LINDDUN ones as "linddun:NAME"
	Impact     int      // default impact, 1-5
	Likelihood int      // default likelihood, 1-5
	Rationale  string   // why it is a threat
	Fix        string   // what silences it: the safeguard or fact to declare, and what to build
	References []string // CWE, CAPEC, OWASP
	// Peers names this threat in the peer tools, as "threagile:CATEGORY"
	// or "pytm:SID", for the mapping tables of docs/rules.md.
	Peers []string
	// Match returns the hits of the rule on a model, in any order.
	Match func(m *ir.Model) []Hit
}

// A Hit is one place a rule matches: its target and what is wrong there.
type Hit struct {
	Target  ir.Target
	Message string
}

// All is every built-in rule, sorted by id.
var All []*Rule

// registered holds the rules of the files that register their own
// (var _ = register(...)); package variables are all initialized before
// init runs, so All sees every one of them.
var registered []*Rule

// register adds rules to All; it returns true, for `var _ = register(...)`.
func register(rs ...*Rule) bool {
	registered = append(registered, rs...)
	return true
}

func init() {
	All = append(builtin(), moreRules()...)
	All = append(All, registered...)
	sort.Slice(All, func(i, j int) bool { return All[i].ID < All[j].ID })
}

// Lookup returns the rule with the id (case-insensitive), or nil.
func Lookup(id string) *Rule {
	for _, r := range All {
		if strings.EqualFold(r.ID, id) {
			return r
		}
	}
	return nil
}

// IDs returns the ids of every rule, sorted.
func IDs() []string {
	out := make([]string, len(All))
	for i, r := range All {
		out[i] = r.ID
	}
	return out
}

// Run runs every rule over m and returns the findings sorted by
// fingerprint. A rule yields at most one finding per target.
func Run(m *ir.Model) []*ir.Finding {
	return RunRules(m, All)
}

// RunRules runs the given rules over m; see Run.
func RunRules(m *ir.Model, rs []*Rule) []*ir.Finding {
	var out []*ir.Finding
	seen := map[string]bool{}
	sf := computeSeverity(m)
	hits := matchAll(m, rs)
	for k, r := range rs {
		// The findings of a rule share one copy of its categories.
		stride := append([]string{}, r.Stride...)
		for _, h := range hits[k] {
			id := h.Target.ID()
			if id == "" {
				continue
			}
			fp := r.ID + "@" + id
			if seen[fp] {
				continue
			}
			seen[fp] = true
			impact, likelihood, iw, lw := sf.severity(r, h.Target)
			score := impact * likelihood
			out = append(out, &ir.Finding{
				Rule: r.ID, Title: r.Title, Stride: stride, Target: h.Target,
				Fingerprint: fp, Message: h.Message, Impact: impact, Likelihood: likelihood,
				Score: score, Band: ir.Band(score), ImpactWhy: iw, LikelihoodWhy: lw,
				Status: ir.Open, Range: targetRange(h.Target),
			})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Fingerprint < out[j].Fingerprint })
	return out
}

// matchAll runs every rule's Match on m, on as many goroutines as there
// are processors: rules only read the model (what they share, like the
// stakes of access.go, is computed under a lock), and each rule's hits
// land in its own slot, so findings come out in the same order whatever
// the scheduling.
func matchAll(m *ir.Model, rs []*Rule) [][]Hit {
	hits := make([][]Hit, len(rs))
	workers := min(runtime.GOMAXPROCS(0), len(rs))
	if workers <= 1 {
		for k, r := range rs {
			hits[k] = r.Match(m)
		}
		return hits
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				k := int(next.Add(1)) - 1
				if k >= len(rs) {
					return
				}
				hits[k] = rs[k].Match(m)
			}
		})
	}
	wg.Wait()
	return hits
}

// severitySection documents the severity formula of severity.go.
func severitySection(b *bytes.Buffer) {
	b.WriteString(`## Severity

A finding starts from its rule's default impact and likelihood; the facts
of the model move each by one step at most, so that a finding's score says
what is at stake where it is and how exposed that place is, and the rule's
judgement of the threat stays the base.

**Impact.** The *stake* of a target is the highest rating found there:

- a data asset rates by its classification (public 1, internal 2,
  confidential 3, restricted 4, secret 5), its integrity and its
  availability (archive 1, operational 2, important 3, critical 4,
  mission_critical 5), whichever is highest;
- at an element: the data it ` + "`stores`" + ` and ` + "`processes`" + `, the data the flows to
  and from it carry, and its ` + "`criticality`" + ` on the same scale;
- at a flow: the data it ` + "`carries`" + ` and, for a call (not a ` + "`response_to`" + ` reply),
  what its receiver stores, processes and its criticality;
- a boundary has no stake of its own.

impact = default + 1 (at most 5) when the stake is above the default;
otherwise the default. Data only raises an impact: a rating of
confidentiality says nothing of the harm a missing correlation id or an
unpinned image does, so a low stake never lowers it.

**Likelihood.** The *exposure* of a target is how an attacker in an untrusted
zone reaches it. The untrusted elements are those in a boundary of trust
` + "`untrusted`" + ` or ` + "`external`" + `, and those no boundary places. From them, tmc counts the
hops over the flows that are calls (replies declared ` + "`response_to`" + ` are not),
once over every flow and once over the flows without authentication (a flow
whose ` + "`authentication`" + ` is ` + "`none`" + `, or that states neither ` + "`authentication`" + ` nor ` + "`auth`" + `).
A call to a container reaches its components and a call to a component its
container. A flow is reached one hop after its sender; a reply is as exposed
as its request.

- likelihood = default + 1 (at most 5) when the target is reachable from an
  untrusted element in one hop without authentication;
- likelihood = default - 1 (at least 1) when no path of flows reaches it
  from an untrusted element;
- otherwise the default: reachable with authentication, or in two hops or
  more, or the target is itself untrusted (an element in an untrusted zone,
  a flow to one), or a boundary.

A model that places no element in a trusted zone, or none in an untrusted
one, states nothing to compute exposure from: every likelihood is the
rule's default. A model that states no data and no criticality keeps every
impact at the rule's default. So a model without data, ratings and trust
zones keeps the defaults of the table.

Every finding says why, in ` + "`tmc check`" + ` (a ` + "`= why:`" + ` line), in JSON (` + "`impact_why`" + `,
` + "`likelihood_why`" + `), SARIF, the Markdown summary and the site:

` + "```" + `
impact 4: carries restricted ` + "`card`" + ` (rule default 3); likelihood 3: rule default (reachable from ` + "`internet`" + ` in 2 hops)
impact 3: rule default (no data or criticality stated here); likelihood 4: reachable from ` + "`internet`" + ` in one hop without authentication (rule default 3)
impact 4: rule default (the most at stake: carries confidential ` + "`payment`" + `); likelihood 1: not reachable from an untrusted zone (rule default 2)
` + "```" + `

`)
}

func targetRange(t ir.Target) (r diag.Range) {
	switch {
	case t.Flow != nil:
		return t.Flow.Head
	case t.Element != nil:
		return t.Element.IDRange
	case t.Boundary != nil:
		return t.Boundary.IDRange
	}
	return r
}

// Explain returns the full description of a rule, for `tmc rules ID`.
func Explain(r *Rule) string {
	var b strings.Builder
	score := r.Impact * r.Likelihood
	fmt.Fprintf(&b, "%s: %s\n\n", r.ID, r.Title)
	fmt.Fprintf(&b, "categories: %s\n", strings.Join(r.Stride, ", "))
	fmt.Fprintf(&b, "default:    impact %d, likelihood %d (score %d, %s)\n\n", r.Impact, r.Likelihood, score, ir.Band(score))
	fmt.Fprintf(&b, "why:\n  %s\n\n", r.Rationale)
	fmt.Fprintf(&b, "fix:\n  %s\n", r.Fix)
	if len(r.References) > 0 {
		fmt.Fprintf(&b, "\nreferences:\n")
		for _, ref := range r.References {
			fmt.Fprintf(&b, "  %s\n", ref)
		}
	}
	return b.String()
}

// Markdown returns docs/rules.md, generated from the rule definitions.
func Markdown() []byte {
	var b bytes.Buffer
	b.WriteString("# Threat rules\n\n")
	b.WriteString("<!-- Generated from compiler/rules by `TMC_UPDATE=1 go test ./compiler/rules`; do not edit. -->\n\n")
	b.WriteString("tmc runs these rules over every compiled model. A rule reads the model's\n")
	b.WriteString("elements, flows, crossings, data and safeguards (see docs/language.md) and\n")
	b.WriteString("yields findings: threats the model implies. A finding's fingerprint is\n")
	b.WriteString("`RULE@TARGET` (the target's model id), stable across runs and commits.\n")
	b.WriteString("Findings are not diagnostics: they never change the exit status of\n")
	b.WriteString("`tmc check` unless `--fail-on BAND` asks for it. Declaring the safeguard a\n")
	b.WriteString("rule names silences it; declare it only when it is true.\n\n")
	b.WriteString("Words the rules share: an element is **external** (a third party, a\n")
	b.WriteString("provider) when it or an element around it is declared `external`, or when\n")
	b.WriteString("it is in a boundary of trust `external` and is not one of our own stores (a\n")
	b.WriteString("database, cache, queue or bucket declared in a system that is not\n")
	b.WriteString("external). **Credentials** are data flagged `credentials`; classification\n")
	b.WriteString("`secret` alone is a sensitivity, not credentials. An element that no\n")
	b.WriteString("boundary places counts as untrusted. A flow declared `response_to` another\n")
	b.WriteString("is the reply on that call, not a call of its own: the rules about calls\n")
	b.WriteString("(TMR-S01 to S05, T02, D01, D03, E01, E02, C01, X01) skip it, and the rules\n")
	b.WriteString("about the data it carries still read it.\n\n")
	b.WriteString("Categories are STRIDE (spoofing, tampering, repudiation, information_disclosure,\n")
	b.WriteString("denial_of_service, elevation_of_privilege) and, for privacy rules, LINDDUN\n")
	b.WriteString("(`linddun:data_disclosure`, `linddun:non_compliance`, ...).\n\n")
	b.WriteString("Score = impact x likelihood; bands: low 1-4, medium 5-9, high 10-16, critical 20-25.\n")
	b.WriteString("The table gives each rule's default impact and likelihood; a finding's own\n")
	b.WriteString("come from the model (see [Severity](#severity)).\n\n")
	severitySection(&b)
	b.WriteString("| id | categories | title | impact | likelihood |\n|---|---|---|---|---|\n")
	for _, r := range All {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %d | %d |\n", r.ID, strings.ToLower(r.ID), strings.Join(r.Stride, ", "), r.Title, r.Impact, r.Likelihood)
	}
	peerTables(&b)
	safeguardTable(&b)
	for _, r := range All {
		score := r.Impact * r.Likelihood
		fmt.Fprintf(&b, "\n## %s\n\n**%s**\n\n", r.ID, r.Title)
		fmt.Fprintf(&b, "Categories: %s. Default impact %d, likelihood %d (score %d, %s).\n\n",
			strings.Join(r.Stride, ", "), r.Impact, r.Likelihood, score, ir.Band(score))
		fmt.Fprintf(&b, "%s\n\n**Fix:** %s\n", r.Rationale, r.Fix)
		if len(r.References) > 0 {
			fmt.Fprintf(&b, "\n**References:** %s\n", strings.Join(r.References, ", "))
		}
		if len(r.Peers) > 0 {
			fmt.Fprintf(&b, "\n**Peers:** %s\n", strings.Join(r.Peers, ", "))
		}
	}
	return b.Bytes()
}
