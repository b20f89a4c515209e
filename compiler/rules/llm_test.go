package rules_test

import (
	"strings"
	"testing"
)

var _ = addCases(
	ruleCase{rule: "TMR-L01",
		fires: `person u "U" in internet
system s "S" { container chat "Chat API" in cluster  container m "Model" in cluster { technology llm } }
flow ask: u -> s.chat "question" { crosses internet, cluster "r" }
flow prompt: s.chat -> s.m "prompt"`,
		quiet: `person u "U" in internet
system s "S" { container chat "Chat API" in cluster { safeguards prompt_isolation }  container m "Model" in cluster { technology llm } }
flow ask: u -> s.chat "question" { crosses internet, cluster "r" }
flow prompt: s.chat -> s.m "prompt"`,
		want: []string{"TMR-L01@s.m"}},
	ruleCase{rule: "TMR-L02",
		fires: `data a "Answer" { classification internal }
system s "S" { container chat "Chat API" in cluster  container m "Model" in cluster { technology llm }  database d "History" in cluster }
flow prompt: s.chat -> s.m "prompt"
flow answer: s.m -> s.chat "answer" { response_to prompt  carries a }
flow save: s.chat -> s.d "store answer" { carries a }`,
		quiet: `data a "Answer" { classification internal }
system s "S" { container chat "Chat API" in cluster { safeguards llm_output_validation }  container m "Model" in cluster { technology llm }  database d "History" in cluster }
flow prompt: s.chat -> s.m "prompt"
flow answer: s.m -> s.chat "answer" { response_to prompt  carries a }
flow save: s.chat -> s.d "store answer" { carries a }`,
		want: []string{"TMR-L02@save"}},
	ruleCase{rule: "TMR-L03",
		fires: `data doc "Contract" { classification confidential }
system ai "Model provider" in vendor { external  technology llm }
system s "S" { container a "A" in cluster }
flow ask: s.a -> ai "summarise" { protocol https  carries doc  crosses cluster, vendor "r" }`,
		quiet: `data doc "Contract" { classification confidential }
system ai "Model provider" in vendor { external  technology llm }
system s "S" { container a "A" in cluster }
flow ask: s.a -> ai "summarise" { protocol https  carries doc  safeguards data_minimization  crosses cluster, vendor "r" }`,
		want: []string{"TMR-L03@ask"}},
	ruleCase{rule: "TMR-L04",
		fires: `system s "S" { container ag "Agent" in cluster { technology ai_agent }  container pay "Payments" in cluster { criticality mission_critical } }
flow act: s.ag -> s.pay "refund"`,
		quiet: `system s "S" { container ag "Agent" in cluster { technology ai_agent }  container pay "Payments" in cluster { criticality mission_critical } }
flow act: s.ag -> s.pay "refund" { safeguards human_approval }`,
		want: []string{"TMR-L04@act"}},
)

// Cases where a TMR-L rule must stay quiet.
func TestLLMRulesQuiet(t *testing.T) {
	for _, c := range []struct{ name, rule, model string }{
		{"a model fed only by an internal job", "TMR-L01",
			`system s "S" { container job "Nightly job" in cluster { technology batch_job }  container m "Model" in cluster { technology llm } }
flow s.job -> s.m "summarise metrics"`},
		{"isolation on the flow into the model", "TMR-L01",
			`person u "U" in internet
system s "S" { container m "Model" in cluster { technology llm } }
flow u -> s.m "question" { safeguards prompt_isolation  crosses internet, cluster "r" }`},
		{"an external model's answer is not untrusted input to our agent", "TMR-L01",
			`system ai "Provider" in vendor { external  technology llm }
system s "S" { container job "Job" in cluster  container ag "Agent" in cluster { technology ai_agent } }
flow s.job -> s.ag "task"
flow ask: s.ag -> ai "prompt" { crosses cluster, vendor "r" }
flow ai -> s.ag "answer" { response_to ask  crosses vendor, cluster "r" }`},
		{"output into a plain service is not a sink", "TMR-L02",
			`data a "Answer" { classification internal }
system s "S" { container chat "Chat API" in cluster  container m "Model" in cluster { technology llm }  database d "D" in cluster }
flow prompt: s.chat -> s.m "prompt"
flow answer: s.m -> s.chat "answer" { response_to prompt  carries a }
flow s.chat -> s.d "audit" { carries b }
data b "Audit" { classification internal }`},
		{"validated where the output is received", "TMR-L02",
			`data a "Answer" { classification internal }
system s "S" { container w "Web" in cluster { technology web_application }  container m "Model" in cluster { technology llm } }
flow prompt: s.w -> s.m "prompt"
flow s.m -> s.w "answer" { response_to prompt  carries a  safeguards llm_output_validation }`},
		{"a self-hosted model is not a provider", "TMR-L03",
			`data doc "Contract" { classification confidential }
system s "S" { container a "A" in cluster  container m "Model" in cluster { technology llm } }
flow s.a -> s.m "summarise" { carries doc }`},
		{"personal data to a provider is TMR-X02's; a provider's key is how its API is called", "TMR-L03",
			`data p "Profile" { classification confidential  pii }
data k "Key" { classification secret  credentials }
system ai "Provider" in vendor { external  technology llm }
system s "S" { container a "A" in cluster }
flow s.a -> ai "x" { protocol https  carries p, k  crosses cluster, vendor "r" }`},
		{"a readonly lookup changes nothing", "TMR-L04",
			`system s "S" { container ag "Agent" in cluster { technology ai_agent }  container pay "Payments" in cluster { criticality critical } }
flow s.ag -> s.pay "look up refund status" { readonly }`},
		{"an agent calling its own tool component", "TMR-L04",
			`system s "S" { container ag "Agent" in cluster { technology ai_agent  criticality critical  component t "Tool runner" { criticality critical } } }
flow s.ag -> s.ag.t "run tool"`},
		{"an agent writing to an operational service", "TMR-L04",
			`system s "S" { container ag "Agent" in cluster { technology ai_agent }  container n "Notes" in cluster { criticality operational } }
flow s.ag -> s.n "write note"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := fingerprints(compile(t, c.model), c.rule); len(got) != 0 {
				t.Errorf("%s fires: %v", c.rule, got)
			}
		})
	}
}

// More places the TMR-L rules must fire, with what they say.
func TestLLMRulesFire(t *testing.T) {
	for _, c := range []struct {
		name, rule, model string
		want              []string
		says              string
	}{
		{"retrieved documents reach the model through a readonly call", "TMR-L01",
			`system s "S" { container rag "Retriever" in cluster  database kb "Documents" in cluster  container m "Model" in cluster { technology llm } }
flow s.rag -> s.kb "search" { readonly }
flow s.rag -> s.m "prompt with documents"`,
			[]string{"TMR-L01@s.m"}, `"s.rag" (reached from "s.kb")`},
		{"a web page fetched from a third party reaches the agent", "TMR-L01",
			`system web "Web" in vendor { external }
system s "S" { container ag "Agent" in cluster { technology ai_agent } }
flow get: s.ag -> web "fetch" { crosses cluster, vendor "r" }
flow web -> s.ag "page" { response_to get  crosses vendor, cluster "r" }`,
			[]string{"TMR-L01@s.ag"}, `"web"`},
		{"output rendered straight in a web application", "TMR-L02",
			`system s "S" { container w "Web" in cluster { technology web_application }  container m "Model" in cluster { technology llm } }
flow prompt: s.w -> s.m "prompt"
flow out: s.m -> s.w "answer" { response_to prompt }`,
			[]string{"TMR-L02@out"}, "without llm_output_validation"},
		{"an agent applying manifests to the cluster API", "TMR-L04",
			`system s "S" { container ag "Ops agent" in cluster { technology ai_agent }  container k "Kubernetes API" in ci }
flow apply: s.ag -> s.k "apply" { crosses cluster, ci "r" }`,
			[]string{"TMR-L04@apply"}, "control plane"},
		{"an agent writing to a store of critical data", "TMR-L04",
			`data l "Ledger" { classification confidential  integrity critical }
system s "S" { container ag "Agent" in cluster { technology ai_agent }  database d "Ledger DB" in cluster { stores l } }
flow w: s.ag -> s.d "insert"`,
			[]string{"TMR-L04@w"}, "critical integrity"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := compile(t, c.model)
			got := fingerprints(m, c.rule)
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for _, f := range m.Findings {
				if f.Rule == c.rule && !strings.Contains(f.Message, c.says) {
					t.Errorf("message %q does not say %q", f.Message, c.says)
				}
			}
		})
	}
}
