package graph

import (
	"context"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/render/style"
)

const securityModel = `
boundary net "Internet" { trust untrusted }
boundary core "Core" { trust high }
data pub "Brochure" { classification public }
data card "Card" { classification restricted }
data key "Key" { classification secret  credentials }
person u "User" in net
system s "Shop" {
  container api "API" in core { tech "Go" }
  database db "DB" in core
}
flow login: u -> s.api "Log in" { protocol https  authentication credentials  carries pub, card  crosses net, core "TLS at the edge" }
flow read: u -> s.api "Read" { protocol http  carries pub }
flow store: s.api -> s.db "Store" { protocol postgres  authentication mtls  carries key }
threat t1 "Stolen keys" { stride spoofing  on s.api  impact 5  likelihood 4 }
`

func TestSecurityOnThePicture(t *testing.T) {
	m := compileText(t, securityModel)
	sc := buildDFD(m, view(t, m, "dfd"))
	got := map[string]string{}
	for _, e := range sc.edges {
		for _, l := range e.lines {
			if strings.Contains(l.class, "tm-sec") {
				got[e.id] = l.text
			}
		}
		if e.id == "store" && !strings.Contains(e.class, "tm-data-secret") {
			t.Errorf("store: class %q, want tm-data-secret", e.class)
		}
	}
	want := map[string]string{"login": "[R] enc auth:credentials", "read": "[P] clear", "store": "[S] enc auth:mtls"}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: security line %q, want %q", id, got[id], w)
		}
	}
	var api *node
	for _, n := range sc.nodes {
		if n.id == "s.api" {
			api = n
		}
	}
	if api == nil || api.marker == nil || api.marker.count < 1 || api.marker.band != "critical" {
		t.Fatalf("api marker %+v, want the open threat t1 (critical)", api)
	}
	svg, _, err := renderView(context.Background(), m, view(t, m, "dfd"), style.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	for _, w := range []string{
		`class="tm-marker tm-band-critical" data-element="s.api"`,
		`<g class="tm-xrow" data-crossing="1">`, "TLS at the edge",
		`class="tm-xrow tm-xrow-unmarked"`, "NOT MARKED",
		"tm-trust-untrusted", "Boundary fill by trust", "[R] restricted", "[S] secret", "enc / clear",
	} {
		if !strings.Contains(s, w) {
			t.Errorf("SVG lacks %q", w)
		}
	}
	// Only what is drawn: no queue, no external entity.
	for _, no := range []string{">Queue<", ">External entity<", "[C] confidential"} {
		if strings.Contains(s, no) {
			t.Errorf("legend lists %q, which the diagram does not draw", no)
		}
	}
}
