package graph

import (
	"context"
	"math"
	"strconv"
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

// TestTintContrast: boundary labels and muted text stay readable on every
// trust tint, in both palettes.
func TestTintContrast(t *testing.T) {
	light, dark, _ := strings.Cut(securityCSS[strings.Index(securityCSS, "--tm-tint-"):], "@media")
	dark, _, _ = strings.Cut(dark, "}}")
	for _, c := range []struct {
		css  string
		pal  style.Palette
		name string
	}{{light, style.Light, "light"}, {dark, style.Dark, "dark"}} {
		n := 0
		for _, part := range strings.Split(c.css, ";") {
			i := strings.Index(part, "--tm-tint-")
			if i < 0 {
				continue
			}
			k, v, _ := strings.Cut(part[i:], ":")
			v = strings.TrimRight(v, "}")
			n++
			for _, fg := range []string{c.pal.BoundaryText, c.pal.Text, c.pal.Muted} {
				if r := contrast(fg, v); r < 4.5 {
					t.Errorf("%s %s (%s): %s on it has contrast %.2f, want 4.5", c.name, k, v, fg, r)
				}
			}
		}
		if n != 6 {
			t.Errorf("%s: %d tints, want 6", c.name, n)
		}
	}
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(hex string) float64 {
	var rgb [3]float64
	for i := range rgb {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		rgb[i] = c
	}
	return 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
}

// TestMarkerOnBox: a container drawn as a box around its components
// carries its own open threats on the box.
func TestMarkerOnBox(t *testing.T) {
	m := compileText(t, `
boundary core "Core" { trust high }
system s "Shop" {
  container api "API" in core { component h "Handler" }
  database db "DB" in core
}
flow s.api.h -> s.db "Store" { protocol postgres }
threat t1 "Tampering" { stride tampering  on s.api  impact 3  likelihood 3 }
`)
	sc := buildDFD(m, view(t, m, "dfd"))
	for _, c := range sc.clusters {
		if c.key == "c:s.api" {
			if c.marker == nil || c.marker.count != 1 || c.marker.band != "medium" {
				t.Fatalf("box marker %+v, want 1 open threat, medium", c.marker)
			}
			return
		}
	}
	t.Fatal("s.api is not drawn as a box")
}
