package rules

import (
	"fmt"
	"slices"

	"github.com/tmc-dev/tmc/compiler/ir"
)

// The rules about language models and agents (TMR-L): elements whose
// `technology` is `llm` (a language model) or `ai_agent` (software that
// acts on a model's output).

var _ = safeguard("prompt_isolation", "untrusted content reaches a language model only delimited and filtered, apart from its instructions (system prompt, tool definitions), and is never read as instructions")
var _ = safeguard("llm_output_validation", "a language model's output is validated against what is expected (schema, allow-list) and encoded for where it goes before anything renders, stores, queries or executes it")
var _ = safeguard("human_approval", "a person approves each consequential action an AI agent proposes (a write, a deployment, a payment) before it is carried out")

var _ = peerNote("pytm:sensitive data to a model provider",
	"TMR-L03 takes confidential business data; personal data sent to a model provider is TMR-X02's (personal data to any third party), so one flow gets one finding")

var _ = register(
	&Rule{
		ID: "TMR-L01", Title: "Prompt injection into a language model or agent",
		Stride: []string{tampering, eop}, Impact: 4, Likelihood: 4,
		Rationale: "A language model cannot tell instructions from data: text that reaches its prompt from a user, a third party (a web page, an email, a document) or stored content (retrieval from a database, a vector store, a bucket) can tell it to ignore its instructions, leak its context or call tools for the attacker. " +
			"The rule follows flows from people, clients in an untrusted zone, third parties and stores, through our services (a `readonly` call reads from its target; replies carry back to the caller), to every element of technology `llm` or `ai_agent`; a third party that is itself a model is a source only when something untrusted reaches it.",
		Fix:        "Keep untrusted content apart from instructions (delimited, labelled as data, filtered for instructions), give the model no more authority than the least trusted input it reads, and declare `safeguards prompt_isolation` on the flow into the model, on the element that builds the prompt, or on the model.",
		References: []string{"CWE-1427", "CWE-77", "OWASP Top 10 for LLM Applications LLM01", "MITRE ATLAS AML.T0051"},
		Peers:      []string{"pytm:prompt injection"},
		Match:      lMatchPromptInjection,
	},
	&Rule{
		ID: "TMR-L02", Title: "Language model output rendered, stored or executed unchecked",
		Stride: []string{tampering, eop}, Impact: 4, Likelihood: 3,
		Rationale: "What a language model writes is shaped by whoever shaped its input: passed unchecked to a browser or web application it is cross-site scripting, to a database or search index it is injection, to a pipeline or container platform it is code execution. " +
			"The rule reads the flows out of an element of technology `llm` into such an element (technology `browser`, `web_application`, `web_server`, `cms`, `database`, `search_index`, `data_warehouse`, `build_pipeline`, `container_platform`, kind `database`, or one that `accepts` sql, html, markdown or graphql), " +
			"and, one service further, the flows of that service which carry on data the model's flow carried. An `ai_agent` acting on the output is TMR-L04's concern.",
		Fix:        "Treat the model's output as untrusted input: validate it against a schema or allow-list and encode it for its sink (HTML-encode, parameterize queries, never eval), and declare `safeguards llm_output_validation` on the flow, on the service that passes it on, or on the sink.",
		References: []string{"CWE-1426", "CWE-79", "CWE-89", "CWE-94", "OWASP Top 10 for LLM Applications LLM05"},
		Peers:      []string{"pytm:insecure output handling"},
		Match:      lMatchLLMOutput,
	},
	&Rule{
		ID: "TMR-L03", Title: "Confidential data sent to an external model provider",
		Stride: []string{disclosure}, Impact: 4, Likelihood: 3,
		Rationale: "A prompt sent to a hosted model leaves your control: the provider logs and retains it, may review or train on it, and the model may repeat it to other users. Confidential business data (contracts, source code, internal documents) in prompts is the classic leak. " +
			"The rule reads flows from our elements to an external element of technology `llm` or `ai_agent` (or inside one) carrying confidential data that is neither personal nor credentials: personal data to any third party, a model provider included, is TMR-X02's, and an API key sent to the provider that issued it is how its API is called.",
		Fix:        "Send the model only what the task needs (redact, summarise or pseudonymise before the prompt), use a provider contract with zero retention and no training on your data, or a model you host; declare `safeguards data_minimization` on the flow or the sending element.",
		References: []string{"CWE-200", "CWE-359", "OWASP Top 10 for LLM Applications LLM02"},
		Peers:      []string{"pytm:sensitive data to a model provider"},
		Match:      lMatchModelProvider,
	},
	&Rule{
		ID: "TMR-L04", Title: "AI agent changes critical systems without human approval",
		Stride: []string{eop, tampering}, Impact: 5, Likelihood: 3,
		Rationale: "An agent acts on what a model decides, and a model can be steered by any text it reads (TMR-L01) or simply be wrong: an agent that can write to a critical system or the control plane on its own turns one injected or mistaken answer into a deleted database, a payment or a deployment. " +
			"The rule reads calls that are not `readonly` from an element of technology `ai_agent` (or a part of one) to an element of criticality `critical` or `mission_critical`, one that stores data of integrity `critical` or above, or the control plane.",
		Fix:        "Have a person approve each consequential action before it runs (and show them what it will do), scope the agent's credentials to the least it needs, and declare `safeguards human_approval` on the flow, the agent or the target.",
		References: []string{"CWE-250", "CWE-862", "OWASP Top 10 for LLM Applications LLM06"},
		Peers:      []string{"pytm:excessive agency"},
		Match:      lMatchExcessiveAgency,
	},
)

// lAiModel reports whether the element is a language model or an agent.
func lAiModel(e *ir.Element) bool { return e.Technology == "llm" || e.Technology == "ai_agent" }

// lHas reports whether some element of the model is one of the
// technologies, so that a model without any skips the rule's maps.
func lHas(m *ir.Model, techs ...string) bool {
	for _, e := range m.Elements {
		if slices.Contains(techs, e.Technology) {
			return true
		}
	}
	return false
}

func lMatchPromptInjection(m *ir.Model) []Hit {
	if !lHas(m, "llm", "ai_agent") {
		return nil
	}
	// Sources of untrusted text: people and clients, third parties (not
	// a hosted model, whose output is its input's), and stores.
	source := func(e *ir.Element) bool {
		return client(e) || datastore(e) || external(e) && !fact(e, lAiModel)
	}
	// next lists, per element, where its content goes: along each flow,
	// and back from the target of a readonly call.
	next := map[*ir.Element][]*ir.Element{}
	for _, f := range m.Flows {
		if f.From == nil || f.To == nil {
			continue
		}
		next[f.From] = append(next[f.From], f.To)
		if f.Readonly && f.ResponseTo == nil {
			next[f.To] = append(next[f.To], f.From)
		}
	}
	origin := map[*ir.Element]*ir.Element{}
	var work []*ir.Element
	for _, e := range m.Elements {
		if source(e) {
			origin[e] = e
			work = append(work, e)
		}
	}
	for i := 0; i < len(work); i++ {
		e := work[i]
		for _, n := range next[e] {
			if origin[n] == nil {
				origin[n] = origin[e]
				work = append(work, n)
			}
		}
	}
	guard := []string{"prompt_isolation"}
	got := map[*ir.Element][]string{}
	var order []*ir.Element
	add := func(model, from *ir.Element) {
		what := fmt.Sprintf("%q", from.ID)
		if o := origin[from]; o != from {
			what += fmt.Sprintf(" (reached from %q)", o.ID)
		}
		if _, ok := got[model]; !ok {
			order = append(order, model)
		}
		got[model] = addUnique(got[model], what)
	}
	for _, f := range m.Flows {
		if f.From == nil || f.To == nil {
			continue
		}
		// Content goes along the flow, and against it on a readonly call.
		pairs := [][2]*ir.Element{{f.From, f.To}}
		if f.Readonly && f.ResponseTo == nil {
			pairs = append(pairs, [2]*ir.Element{f.To, f.From})
		}
		for _, p := range pairs {
			from, to := p[0], p[1]
			if !lAiModel(to) || origin[from] == nil || guarded(f, guard, from, to) {
				continue
			}
			add(to, from)
		}
	}
	var out []Hit
	for _, e := range order {
		out = append(out, onElement(e, "takes untrusted input from %s without prompt_isolation", list(got[e])))
	}
	return out
}

var (
	lOutputSinkTechnologies = []string{"browser", "web_application", "web_server", "cms", "database", "search_index",
		"data_warehouse", "build_pipeline", "container_platform"}
	lOutputSinkFormats = []string{"sql", "html", "markdown", "graphql"}
)

// lOutputSink reports whether the element renders, queries or executes
// what it is given.
func lOutputSink(e *ir.Element) bool {
	if e.Kind == ir.Database || slices.Contains(lOutputSinkTechnologies, e.Technology) {
		return true
	}
	for _, a := range e.Accepts {
		if slices.Contains(lOutputSinkFormats, a) {
			return true
		}
	}
	return false
}

func lMatchLLMOutput(m *ir.Model) []Hit {
	if !lHas(m, "llm") {
		return nil
	}
	out := map[*ir.Element][]*ir.Flow{}
	for _, f := range m.Flows {
		if f.From != nil && f.To != nil {
			out[f.From] = append(out[f.From], f)
		}
	}
	guard := []string{"llm_output_validation"}
	var hits []Hit
	seen := map[*ir.Flow]bool{}
	hit := func(f *ir.Flow, format string, args ...any) {
		if !seen[f] {
			seen[f] = true
			hits = append(hits, *onFlow(f, format, args...))
		}
	}
	for _, l := range m.Elements {
		if l.Technology != "llm" {
			continue
		}
		for _, f := range out[l] {
			r := f.To
			if guarded(f, guard, r) {
				continue
			}
			if lOutputSink(r) {
				hit(f, "output of language model %q into %q without llm_output_validation", l.ID, r.ID)
				continue
			}
			if lAiModel(r) || r.Kind == ir.Person || len(f.Carries) == 0 {
				continue
			}
			for _, g := range out[r] {
				if !lOutputSink(g.To) || g.To == l || guarded(g, guard, r, g.To) {
					continue
				}
				var ds []string
				for _, d := range g.Carries {
					if slices.Contains(f.Carries, d) {
						ds = addUnique(ds, d.ID)
					}
				}
				if len(ds) > 0 {
					hit(g, "carries %s, output of language model %q, into %q without llm_output_validation", list(ds), l.ID, g.To.ID)
				}
			}
		}
	}
	return hits
}

func lMatchModelProvider(m *ir.Model) []Hit {
	return flows(m, func(f *ir.Flow) *Hit {
		if !external(f.To) || external(f.From) || !fact(f.To, lAiModel) || guarded(f, []string{"data_minimization"}, f.From) {
			return nil
		}
		ds := carried(f, func(d *ir.Data) bool { return confidential(d) && !personal(d) && !d.Credentials })
		if len(ds) == 0 {
			return nil
		}
		return onFlow(f, "sends %s to external model %q without data_minimization", list(ds), f.To.ID)
	})
}

func lMatchExcessiveAgency(m *ir.Model) []Hit {
	if !lHas(m, "ai_agent") {
		return nil
	}
	criticalData := map[*ir.Element]bool{}
	for _, e := range m.Elements {
		for _, d := range e.Stores {
			if ir.Rating(d.Integrity) >= ir.Rating("critical") {
				criticalData[e] = true
			}
		}
	}
	agent := func(e *ir.Element) bool { return e.Technology == "ai_agent" }
	return calls(m, func(f *ir.Flow) *Hit {
		if f.Readonly || !fact(f.From, agent) || guarded(f, []string{"human_approval"}, f.From, f.To) {
			return nil
		}
		// A call inside the agent is not an action on another system.
		for x := f.From; x != nil; x = x.Parent {
			if agent(x) && mAncestor(x, f.To) {
				return nil
			}
		}
		var why string
		switch {
		case ir.Rating(f.To.Criticality) >= ir.Rating("critical"):
			why = "criticality " + f.To.Criticality
		case criticalData[f.To]:
			why = "stores data of critical integrity"
		case isControl(f.To) && !isControl(f.From):
			why = "control plane"
		default:
			return nil
		}
		return onFlow(f, "AI agent %q changes %q (%s) without human_approval", f.From.ID, f.To.ID, why)
	})
}
