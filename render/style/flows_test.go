package style

import (
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
)

const flowsBase = `
boundary out "Out" { trust untrusted }
boundary in "In" { trust high }
person u "User" in out
system s "S" {
  container gw "Gateway" in in
  container api "API" in in
  database db "DB" in in
}
flow place: u -> s.gw "Place order" { crosses out, in "JWT" }
flow s.gw -> s.api "Forward"
flow s.api -> s.db "Store"
flow read: s.api -> s.db "Read"
flow s.db -> s.api "Rows"
`

// refsOf compiles src and returns every flow's reference keyed by what
// the flow is (its ends and label), not by where it is declared.
func refsOf(t *testing.T, src string) map[string]string {
	t.Helper()
	res := compiler.ParseFile(".", "model.tm", []byte(src), compiler.Options{})
	for _, d := range res.Diags {
		if d.Severity == diag.Error {
			t.Fatalf("model does not compile: %v", d)
		}
	}
	refs := FlowRefs(res.Model)
	out := map[string]string{}
	seen := map[string]bool{}
	for _, f := range res.Model.Flows {
		r := refs[f]
		if r == "" || seen[r] {
			t.Fatalf("flow %s: empty or duplicate reference %q", f.ID, r)
		}
		seen[r] = true
		if FlowRef(f) != r || FlowTag(f) != "["+r+"]" {
			t.Errorf("flow %s: FlowRef %q, FlowTag %q, FlowRefs %q", f.ID, FlowRef(f), FlowTag(f), r)
		}
		out[f.From.ID+" "+f.To.ID+" "+f.Label] = r
	}
	return out
}

// Adding, removing or moving a flow leaves the reference of every other
// flow unchanged.
func TestFlowRefsStable(t *testing.T) {
	base := refsOf(t, flowsBase)
	if len(base) != 5 {
		t.Fatalf("%d flows, want 5", len(base))
	}
	if base["u s.gw Place order"] != "place" || base["s.api s.db Store"] != "s.api->s.db" {
		t.Errorf("references %v", base)
	}
	lines := strings.Split(strings.TrimSpace(flowsBase), "\n")
	var flows, rest []string
	for _, l := range lines {
		if strings.HasPrefix(l, "flow ") {
			flows = append(flows, l)
		} else {
			rest = append(rest, l)
		}
	}
	join := func(fs ...string) string { return strings.Join(append(append([]string{}, rest...), fs...), "\n") }
	variants := map[string]string{
		"added first":    join(append([]string{`flow aaa: s.gw -> s.db "Audit"`}, flows...)...),
		"added unnamed":  join(append([]string{`flow s.gw -> s.db "Audit"`}, flows...)...),
		"added middle":   join(append(append(append([]string{}, flows[:2]...), `flow s.db -> s.gw "Back"`), flows[2:]...)...),
		"removed first":  join(flows[1:]...),
		"removed middle": join(append(append([]string{}, flows[:2]...), flows[3:]...)...),
		"reversed":       join(flows[4], flows[3], flows[2], flows[1], flows[0]),
	}
	for name, src := range variants {
		got := refsOf(t, src)
		for k, r := range got {
			if old, ok := base[k]; ok && old != r {
				t.Errorf("%s: flow %q was %q, now %q", name, k, old, r)
			}
		}
	}
	if FlowRef(nil) != "" || FlowTag(nil) != "" {
		t.Error("a nil flow has a reference")
	}
	if len(FlowRefs(&ir.Model{})) != 0 {
		t.Error("references in an empty model")
	}
}
