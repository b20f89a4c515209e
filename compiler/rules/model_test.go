package rules_test

import (
	"strings"
	"testing"
)

var _ = addCases(
	ruleCase{rule: "TMR-M01",
		fires: `data o "O" { classification internal }
system s "S" { container a "A" in cluster  container b "B" in cluster  container c "C" in cluster }
flow used: s.a -> s.b "x" { carries o }
flow empty: s.a -> s.c "ping"`,
		quiet: `data o "O" { classification internal }
system s "S" { container a "A" in cluster  container b "B" in cluster  container c "C" in cluster }
flow used: s.a -> s.b "x" { carries o }
flow empty: s.a -> s.c "ping"
flow back: s.c -> s.a "pong" { response_to empty  carries o }`,
		want: []string{"TMR-M01@empty"}},
	ruleCase{rule: "TMR-M02",
		fires: `data o "O" { classification confidential }
data n "N" { classification internal }
system s "S" { container a "A" in cluster { processes o }  container b "B" in cluster { processes n } }
flow f: s.a -> s.b "x" { carries o, n }`,
		quiet: `data o "O" { classification confidential }
data n "N" { classification internal }
system s "S" { container a "A" in cluster { processes o }  container b "B" in cluster { processes n, o } }
flow f: s.a -> s.b "x" { carries o, n }`,
		want: []string{"TMR-M02@s.b"}},
	ruleCase{rule: "TMR-M03",
		fires: `system s "S" { container a "A" in cluster  container pg "Postgres" in cluster }
flow sql: s.a -> s.pg "x" { protocol postgres }`,
		quiet: `system s "S" { container a "A" in cluster  database pg "Postgres" in cluster }
flow sql: s.a -> s.pg "x" { protocol postgres }`,
		want: []string{"TMR-M03@sql"}},
	ruleCase{rule: "TMR-M04",
		fires: `boundary ns "Shop namespace" in cluster { trust high  type namespace }
person u "U" in ns
system s "S" { container a "A" in ns }
flow u -> s.a "x"`,
		quiet: `boundary ns "Shop namespace" in cluster { trust high  type namespace }
person u "U" in internet
system s "S" { container a "A" in ns }
flow u -> s.a "x" { crosses internet, cluster, ns "r" }`,
		want: []string{"TMR-M04@u"}},
	ruleCase{rule: "TMR-M05",
		fires: `data o "O" { classification confidential }
system s "S" {
  container a "A" in cluster { custom_developed  accepts json }
  container b "B" in data { technology api }
}
flow f: s.a -> s.b "x" { carries o  crosses data "r" }`,
		quiet: `data o "O" { classification confidential }
system s "S" {
  container a "A" in cluster { custom_developed  accepts json  technology api }
  container b "B" in data { technology api }
}
flow f: s.a -> s.b "x" { protocol grpcs  carries o  crosses data "r" }`,
		want: []string{"TMR-M05@f", "TMR-M05@s.a"}},
)

// Cases where a TMR-M rule must stay quiet: a fact not adopted by the
// model, or a statement that is consistent after all.
func TestModelRulesQuiet(t *testing.T) {
	for _, c := range []struct{ name, rule, model string }{
		{"a model that lists no data has no empty flows", "TMR-M01",
			`system s "S" { container a "A" in cluster  container b "B" in cluster }
flow s.a -> s.b "x"`},
		{"a call between components of one container is in process", "TMR-M01",
			`data o "O" { classification internal }
system s "S" { container a "A" in cluster { component x "X"  component y "Y" }  container b "B" in cluster }
flow s.a -> s.b "x" { carries o }
flow s.a.x -> s.a.y "call"`},
		{"a read whose reply carries the data is not empty", "TMR-M01",
			`data o "O" { classification internal }
system s "S" { container a "A" in cluster  database d "D" in cluster }
flow q: s.a -> s.d "read" { readonly }
flow r: s.d -> s.a "rows" { response_to q  carries o }`},
		{"an element that states no stores or processes is not checked", "TMR-M02",
			`data o "O" { classification confidential }
system s "S" { container a "A" in cluster  container b "B" in cluster }
flow s.a -> s.b "x" { carries o }`},
		{"data passed on is needed", "TMR-M02",
			`data o "O" { classification confidential }
data t "T" { classification internal }
system s "S" { container g "G" in cluster { processes t }  container b "B" in cluster  container a "A" in cluster }
flow s.a -> s.g "x" { carries o, t }
flow s.g -> s.b "y" { carries o }`},
		{"data a component processes is held by its container", "TMR-M02",
			`data o "O" { classification confidential }
data t "T" { classification internal }
system s "S" { container b "B" in cluster { processes t  component h "H" { processes o } }  container a "A" in cluster }
flow s.a -> s.b "x" { carries o }`},
		{"public data is not at stake", "TMR-M02",
			`data p "P" { classification public }
data t "T" { classification internal }
system s "S" { container b "B" in cluster { processes t }  container a "A" in cluster }
flow s.a -> s.b "x" { carries p }`},
		{"a kafka consumer reads from the queue", "TMR-M03",
			`system s "S" { queue q "Q" in cluster  container a "A" in cluster }
flow s.q -> s.a "x" { protocol Kafka }`},
		{"a database reply reaches the service", "TMR-M03",
			`data o "O" { classification internal }
system s "S" { container a "A" in cluster  container d "D" in data { technology database } }
flow q: s.a -> s.d "read" { protocol postgres  readonly  crosses data "r" }
flow r: s.d -> s.a "rows" { protocol postgres  response_to q  carries o  crosses data "r" }`},
		{"ldap to an element whose technology is unknown", "TMR-M03",
			`system s "S" { container a "A" in cluster  container d "Directory" in data }
flow s.a -> s.d "bind" { protocol ldaps  crosses data "r" }`},
		{"untyped boundaries are not checked", "TMR-M04",
			`person u "U" in cluster`},
		{"a person on the internet network", "TMR-M04",
			`boundary net "Net" { trust untrusted  type network }
person u "U" in net`},
		{"a component with its container", "TMR-M04",
			`boundary ns "NS" in cluster { trust high  type namespace }
system s "S" { container a "A" in ns { component c "C" in ns } }`},
		{"no technology anywhere and no code of ours", "TMR-M05",
			`system s "S" { container a "A" in cluster }`},
		{"stores say what they are by their kind; out of scope is skipped", "TMR-M05",
			`system s "S" { database d "D" in cluster  container x "X" in cluster { out_of_scope "vendor appliance" }  container a "A" in cluster { technology api } }`},
		{"a crossing of internal data needs no protocol to judge", "TMR-M05",
			`data r "R" { classification internal }
system s "S" { container a "A" in ci { technology build_pipeline }  container b "B" in cluster { technology api } }
flow s.a -> s.b "x" { carries r  crosses ci, cluster "r" }`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := fingerprints(compile(t, c.model), c.rule); len(got) != 0 {
				t.Errorf("%s fires: %v", c.rule, got)
			}
		})
	}
}

// More places the TMR-M rules must fire, with what they say.
func TestModelRulesFire(t *testing.T) {
	for _, c := range []struct {
		name, rule, model string
		want              []string
		says              string
	}{
		{"a call that sends nothing and reads data is not readonly", "TMR-M03",
			`data o "O" { classification internal }
system s "S" { container a "A" in cluster  database d "D" in cluster }
flow q: s.a -> s.d "read"
flow r: s.d -> s.a "rows" { response_to q  carries o }`,
			[]string{"TMR-M03@q"}, "not readonly"},
		{"kafka between two services misses the broker", "TMR-M03",
			`system s "S" { container a "A" in cluster  container b "B" in cluster }
flow k: s.a -> s.b "x" { protocol kafka }`,
			[]string{"TMR-M03@k"}, "broker protocol"},
		{"ldap to an api", "TMR-M03",
			`system s "S" { container a "A" in cluster  container d "D" in data { technology api } }
flow l: s.a -> s.d "bind" { protocol ldap  crosses data "r" }`,
			[]string{"TMR-M03@l"}, "not identity_store"},
		{"a browser in a cloud account", "TMR-M04",
			`boundary acct "Account" { trust high  type cloud_account }
system s "S" { container w "W" in acct { technology browser } }`,
			[]string{"TMR-M04@s.w"}, "a browser"},
		{"a third party in our namespace", "TMR-M04",
			`boundary ns "NS" in cluster { trust high  type namespace }
system p "P" in ns { external }`,
			[]string{"TMR-M04@p"}, "third party"},
		{"a component placed in another network than its container", "TMR-M04",
			`boundary net "Net" { trust high  type network }
system s "S" { container a "A" in cluster { component c "C" in net } }`,
			[]string{"TMR-M04@s.a.c"}, "component of"},
		{"a container without technology once the model uses technology", "TMR-M05",
			`system s "S" { container a "A" in cluster  container b "B" in cluster { technology api }  database d "D" in cluster }`,
			[]string{"TMR-M05@s.a"}, "no technology"},
		{"a call without protocol whose reply brings credentials", "TMR-M05",
			`data k "K" { classification internal  credentials }
system s "S" { container a "A" in cluster { technology api }  container v "V" in ci { technology secret_store } }
flow q: s.a -> s.v "read" { crosses cluster, ci "r" }
flow r: s.v -> s.a "key" { response_to q  carries k  crosses ci, cluster "r" }`,
			[]string{"TMR-M05@q"}, "no protocol"},
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
