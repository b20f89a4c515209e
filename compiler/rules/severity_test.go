package rules_test

import (
	"testing"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/compiler/rules"
)

// everywhere is a rule that fires on every element and flow, with
// defaults impact 3, likelihood 3, to read the severity of each target.
var everywhere = &rules.Rule{
	ID: "TMR-Z99", Title: "test", Impact: 3, Likelihood: 3,
	Match: func(m *ir.Model) []rules.Hit {
		var out []rules.Hit
		for _, e := range m.Elements {
			out = append(out, rules.Hit{Target: ir.Target{Element: e}})
		}
		for _, f := range m.Flows {
			out = append(out, rules.Hit{Target: ir.Target{Flow: f}})
		}
		return out
	},
}

func severities(m *ir.Model) map[string]*ir.Finding {
	out := map[string]*ir.Finding{}
	for _, f := range rules.RunRules(m, []*rules.Rule{everywhere}) {
		out[f.Target.ID()] = f
	}
	return out
}

type sev struct {
	impact, likelihood int
	why                string
}

func checkSeverities(t *testing.T, got map[string]*ir.Finding, want map[string]sev) {
	t.Helper()
	for id, w := range want {
		f := got[id]
		if f == nil {
			t.Errorf("%s: no finding", id)
			continue
		}
		if f.Impact != w.impact || f.Likelihood != w.likelihood || f.Why() != w.why ||
			f.Score != w.impact*w.likelihood || f.Band != ir.Band(w.impact*w.likelihood) {
			t.Errorf("%s: impact %d likelihood %d score %d %s\n  why: %s\nwant impact %d likelihood %d\n  why: %s",
				id, f.Impact, f.Likelihood, f.Score, f.Band, f.Why(), w.impact, w.likelihood, w.why)
		}
	}
}

// The data at stake raises the impact one step above the rule's default,
// never lowers it; criticality counts as data ratings do.
func TestSeverityStake(t *testing.T) {
	m := compile(t, `
data card "Card" { classification restricted }
data doc "Docs" { classification public }
data ledger "Ledger" { classification internal  integrity mission_critical }
person u "U" in internet
system s "S" {
  container a "A" in cluster
  database db "DB" in data { stores ledger }
  container c "C" in cluster { criticality critical }
  container p "P" in cluster
}
flow pay: u -> s.a "x" { authentication token  carries card  crosses internet, cluster "r" }
flow docs: u -> s.p "x" { authentication token  carries doc  crosses internet, cluster "r" }
flow write: s.a -> s.db "x" { authentication credentials  crosses data "r" }
flow call: s.a -> s.c "x" { authentication token }
`)
	auth := "; likelihood 3: rule default (reachable from `internet` in one hop, with authentication)"
	two := "; likelihood 3: rule default (reachable from `internet` in 2 hops)"
	checkSeverities(t, severities(m), map[string]sev{
		"pay":  {4, 3, "impact 4: carries restricted `card` (rule default 3)" + auth},
		"docs": {3, 3, "impact 3: rule default (the most at stake: carries public `doc`)" + auth},
		"s.a":  {4, 3, "impact 4: receives restricted `card` (rule default 3)" + auth},
		"s.db": {4, 3, "impact 4: stores `ledger` of integrity mission_critical (rule default 3)" + two},
		// a call reaches what its receiver holds
		"write": {4, 3, "impact 4: reaches `s.db`, which stores `ledger` of integrity mission_critical (rule default 3)" + two},
		"s.c":   {4, 3, "impact 4: has criticality critical (rule default 3)" + two},
		"call":  {4, 3, "impact 4: reaches `s.c`, which has criticality critical (rule default 3)" + two},
	})
}

// An unauthenticated hop from an untrusted zone raises the likelihood; a
// target no flow from an untrusted zone reaches lowers it; replies take
// the exposure of their request.
func TestSeverityExposure(t *testing.T) {
	m := compile(t, `
person u "U" in internet
system s "S" {
  container a "A" in cluster { component api "API" }
  container b "B" in cluster
  container c "C" in cluster
  container d "D" in cluster
  container e "E" in edge
}
system ext "Provider" in vendor { external }
flow open: u -> s.a.api "x" { crosses internet, cluster "r" }
flow next: s.a -> s.b "x"
flow back: s.b -> s.a "x" { response_to next }
flow inner: s.c -> s.d "x" { authentication none }
flow login: u -> s.e "x" { authentication credentials  crosses internet, edge "r" }
flow anon: u -> s.e "x" { auth "anonymous"  crosses internet, edge "r" }
flow out: s.b -> ext "x" { crosses cluster, vendor "r" }
`)
	imp := "impact 3: rule default (no data or criticality stated here); "
	one := "likelihood 4: reachable from `internet` in one hop without authentication (rule default 3)"
	checkSeverities(t, severities(m), map[string]sev{
		"open":    {3, 4, imp + one},
		"s.a":     {3, 4, imp + one}, // through its component
		"s.a.api": {3, 4, imp + one},
		"next":    {3, 3, imp + "likelihood 3: rule default (reachable from `internet` in 2 hops)"},
		"back":    {3, 3, imp + "likelihood 3: rule default (reachable from `internet` in 2 hops)"},
		"s.b":     {3, 3, imp + "likelihood 3: rule default (reachable from `internet` in 2 hops)"},
		"inner":   {3, 2, imp + "likelihood 2: not reachable from an untrusted zone (rule default 3)"},
		"s.d":     {3, 2, imp + "likelihood 2: not reachable from an untrusted zone (rule default 3)"},
		"login":   {3, 3, imp + "likelihood 3: rule default (reachable from `internet` in one hop, with authentication)"},
		"anon":    {3, 4, imp + one},
		"s.e":     {3, 4, imp + one},
		"u":       {3, 3, imp + "likelihood 3: rule default (`u` is in untrusted zone `internet`)"},
		"out":     {3, 3, imp + "likelihood 3: rule default (`ext` is in untrusted zone `vendor`)"},
	})
}

// A model that states no data, no ratings and no trust zones keeps every
// rule's default impact and likelihood.
func TestSeverityNoFacts(t *testing.T) {
	res := compiler.ParseFile(t.TempDir(), "m.tm", []byte(`
person u "U"
system s "S" {
  container a "A" { admin_interface }
  database db "DB"
}
flow f: u -> s.a "x"
flow g: s.a -> s.db "x" { protocol postgres }
`), compiler.Options{Now: now})
	m := res.Model
	checkSeverities(t, severities(m), map[string]sev{
		"f": {3, 3, "impact 3: rule default (no data or criticality stated here); likelihood 3: rule default (the model places no element in a trusted zone)"},
	})
	if len(m.Findings) == 0 {
		t.Fatal("no built-in findings")
	}
	for _, f := range m.Findings {
		r := rules.Lookup(f.Rule)
		if f.Impact != r.Impact || f.Likelihood != r.Likelihood {
			t.Errorf("%s: impact %d likelihood %d, want the defaults %d %d", f.Fingerprint, f.Impact, f.Likelihood, r.Impact, r.Likelihood)
		}
		if f.ImpactWhy == "" || f.LikelihoodWhy == "" {
			t.Errorf("%s: no why", f.Fingerprint)
		}
	}
}

// Impact and likelihood stay within 1-5.
func TestSeverityBounds(t *testing.T) {
	m := compile(t, `
data key "K" { classification secret }
person u "U" in internet
system s "S" { container a "A" in cluster  container b "B" in cluster }
flow f: u -> s.a "x" { carries key  crosses internet, cluster "r" }
flow g: s.b -> s.b "x"
`)
	hi := &rules.Rule{ID: "TMR-Z98", Title: "t", Impact: 5, Likelihood: 5, Match: everywhere.Match}
	lo := &rules.Rule{ID: "TMR-Z97", Title: "t", Impact: 1, Likelihood: 1, Match: everywhere.Match}
	for _, f := range rules.RunRules(m, []*rules.Rule{hi, lo}) {
		if f.Impact < 1 || f.Impact > 5 || f.Likelihood < 1 || f.Likelihood > 5 {
			t.Errorf("%s: impact %d likelihood %d", f.Fingerprint, f.Impact, f.Likelihood)
		}
		if f.Fingerprint == "TMR-Z98@f" && (f.Impact != 5 || f.Likelihood != 5) {
			t.Errorf("%s: %d %d, want 5 5", f.Fingerprint, f.Impact, f.Likelihood)
		}
		if f.Fingerprint == "TMR-Z97@g" && (f.Impact != 1 || f.Likelihood != 1) {
			t.Errorf("%s: %d %d, want 1 1", f.Fingerprint, f.Impact, f.Likelihood)
		}
	}
}
