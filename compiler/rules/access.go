package rules

import (
	"fmt"
	"strings"
	"sync"

	"github.com/tmc-dev/tmc/compiler/ir"
)

// Rules of authentication, identity and network access (TMR-A..): who may
// reach what, with which proof of identity, over which path, and where
// secrets and identities live. They read the facts of docs/language.md:
// flow authentication, authorization, usage, vpn, ip_filtered, element
// technology, stores and processes, criticality, out_of_scope, runs_on and
// boundary type.

var _ = safeguard("waf", "a web application firewall (in front, or in the load balancer or gateway) filters the element's HTTP traffic")
var _ = safeguard("secret_scanning", "commits, build logs and artifacts are scanned for secrets (pre-receive hook, CI step) and found secrets are revoked")

// stake is what is at stake at an element: the highest ratings of the
// data it stores, processes, sends or receives, and its criticality.
type stake struct {
	conf  int // classRank+1 of the highest classification; 0: no data
	integ int // ir.Rating of the highest integrity
	avail int // ir.Rating of the highest availability
	crit  int // ir.Rating of the element's criticality
}

func (s *stake) add(d *ir.Data) {
	if c := classRank[d.Classification] + 1; c > s.conf {
		s.conf = c
	}
	s.integ = max(s.integ, ir.Rating(d.Integrity))
	s.avail = max(s.avail, ir.Rating(d.Availability))
}

// sensitive reports whether the stake calls for protection: confidential
// or higher data, or integrity, availability or criticality rated critical
// or higher.
func (s *stake) sensitive() bool {
	crit := ir.Rating("critical")
	return s != nil && (s.conf > classRank["confidential"] || s.integ >= crit || s.avail >= crit || s.crit >= crit)
}

// score orders elements by what is at stake, for model-level findings.
func (s *stake) score() int {
	if s == nil {
		return 0
	}
	return s.conf*100 + max(s.integ, s.avail, s.crit)
}

// why names the stake, for messages.
func (s *stake) why() string {
	var out []string
	if s.conf > classRank["confidential"] {
		for c, r := range classRank {
			if r+1 == s.conf {
				out = append(out, c+" data")
			}
		}
	}
	for _, x := range []struct {
		name string
		v    int
	}{{"integrity", s.integ}, {"availability", s.avail}, {"criticality", s.crit}} {
		if x.v >= ir.Rating("critical") {
			out = append(out, x.name+" "+ir.Ratings[x.v-1])
		}
	}
	return strings.Join(out, ", ")
}

// stakes computes the stake of every element that has one: data it stores
// or processes, data on the flows into and out of it, its criticality.
func stakes(m *ir.Model) map[*ir.Element]*stake {
	stakeCache.Lock()
	defer stakeCache.Unlock()
	c := &stakeCache
	if c.m == m && c.elements == len(m.Elements) && c.flows == len(m.Flows) {
		return c.s
	}
	c.m, c.elements, c.flows, c.s = m, len(m.Elements), len(m.Flows), computeStakes(m)
	return c.s
}

// stakeCache keeps the stakes of the last model, which every access rule
// reads: computed once per run rather than once per rule.
var stakeCache struct {
	sync.Mutex
	m               *ir.Model
	elements, flows int
	s               map[*ir.Element]*stake
}

func computeStakes(m *ir.Model) map[*ir.Element]*stake {
	out := map[*ir.Element]*stake{}
	get := func(e *ir.Element) *stake {
		s := out[e]
		if s == nil {
			s = &stake{}
			out[e] = s
		}
		return s
	}
	for _, e := range m.Elements {
		if len(e.Stores) == 0 && len(e.Processes) == 0 && e.Criticality == "" {
			continue
		}
		s := get(e)
		for _, d := range e.Stores {
			s.add(d)
		}
		for _, d := range e.Processes {
			s.add(d)
		}
		s.crit = ir.Rating(e.Criticality)
	}
	for _, f := range m.Flows {
		if f.From == nil || f.To == nil || len(f.Carries) == 0 {
			continue
		}
		a, b := get(f.From), get(f.To)
		for _, d := range f.Carries {
			a.add(d)
			b.add(d)
		}
	}
	return out
}

// flowStake is what a flow's data puts at stake; credentials on it are
// how the sender authenticates, not data behind the call.
// flowStake is what the data a flow carries puts at stake, credentials
// included: account data flagged credentials is still the account.
func flowStake(f *ir.Flow) *stake {
	s := &stake{}
	for _, d := range f.Carries {
		s.add(d)
	}
	return s
}

// inScope reports whether the element, and every element around it, is in
// the model's scope.
func inScope(e *ir.Element) bool {
	return !fact(e, func(x *ir.Element) bool { return x.OutOfScope != "" })
}

func tech(e *ir.Element, words ...string) bool {
	for _, w := range words {
		if e.Technology == w {
			return true
		}
	}
	return false
}

// forwarder reports whether the element passes requests on without acting
// on them itself: it neither authenticates callers nor holds data.
func forwarder(e *ir.Element) bool { return tech(e, "load_balancer", "reverse_proxy", "waf", "cdn") }

// human reports whether a person drives the element's requests: a person,
// or a browser, app or workstation a person uses.
func human(e *ir.Element) bool {
	return e.Kind == ir.Person || tech(e, "browser", "mobile_app", "desktop_app", "workstation")
}

// datastore reports whether the element holds data: a store kind, or a
// data technology.
func datastore(e *ir.Element) bool {
	return store(e) || tech(e, "database", "cache", "file_server", "object_store", "message_queue", "search_index",
		"data_warehouse", "vector_store", "identity_store")
}

var protocolSpelling = strings.NewReplacer("-", "", "_", "", " ", "")

// processLocal reports whether the flow stays inside one process or host.
func processLocal(f *ir.Flow) bool {
	if f.Protocol == "" {
		return false
	}
	switch strings.ToLower(protocolSpelling.Replace(f.Protocol)) {
	case "inprocess", "inproc", "local", "localfile", "localfileaccess", "ipc", "unixsocket", "shm", "sharedmemory":
		return true
	}
	return false
}

// webProtocol reports whether the flow speaks HTTP or WebSocket.
func webProtocol(f *ir.Flow) bool {
	p := strings.ToLower(f.Protocol)
	return p == "http" || p == "https" || p == "ws" || p == "wss" || strings.HasPrefix(p, "http/")
}

// authStated reports whether the flow says how its sender authenticates.
func authStated(f *ir.Flow) bool { return f.Authentication != "" || f.Auth != "" }

// s01 reports whether TMR-S01 already reports the flow (a crossing into
// higher trust without auth), so that TMR-A01 does not report it twice.
func s01(f *ir.Flow) bool {
	return len(f.Crossings) > 0 && trust(f.To) > trust(f.From) && (f.Auth == "" || strings.EqualFold(f.Auth, "none"))
}

// netZone is the network zone an element sits in: its nearest boundary
// typed network or network_segment; nil when no boundary says so.
func netZone(e *ir.Element) *ir.Boundary {
	for b := e.Boundary; b != nil; b = b.Parent {
		if b.Type == "network" || b.Type == "network_segment" {
			return b
		}
	}
	return nil
}

// execEnv is what an element shares its fate with: the runtime it runs
// on, else its nearest boundary typed execution_environment; nil when
// nothing says so.
func execEnv(e *ir.Element) any {
	if e.RunsOn != nil {
		return e.RunsOn
	}
	for b := e.Boundary; b != nil; b = b.Parent {
		if b.Type == "execution_environment" {
			return b
		}
	}
	return nil
}

// hosted reports whether the element is a deployed thing of ours that
// shares networks and hosts: a container or a store, in scope, not a
// third party's.
func hosted(e *ir.Element) bool { return e.IsContainer() && inScope(e) && !external(e) }

// connected returns the set of element pairs a flow joins, either way.
func connected(m *ir.Model) map[[2]*ir.Element]bool {
	out := map[[2]*ir.Element]bool{}
	for _, f := range m.Flows {
		if f.From != nil && f.To != nil {
			out[[2]*ir.Element{f.From, f.To}] = true
			out[[2]*ir.Element{f.To, f.From}] = true
		}
	}
	return out
}

// isolation finds the high-value elements (which) that share an execution
// environment (a runtime, an execution_environment boundary) or a network
// zone with hosted elements that are none of theirs (other, skip).
func isolation(m *ir.Model, what string, which func(*ir.Element) bool, skip func(hv, o *ir.Element) bool) []Hit {
	env := map[any][]*ir.Element{}
	net := map[*ir.Boundary][]*ir.Element{}
	for _, e := range m.Elements {
		if !hosted(e) {
			continue
		}
		if k := execEnv(e); k != nil {
			env[k] = append(env[k], e)
		}
		if z := netZone(e); z != nil {
			net[z] = append(net[z], e)
		}
	}
	other := func(hv *ir.Element, es []*ir.Element) *ir.Element {
		for _, o := range es {
			if o != hv && !which(o) && !tech(o, "load_balancer", "reverse_proxy", "monitoring") && !skip(hv, o) {
				return o
			}
		}
		return nil
	}
	var out []Hit
	for _, e := range m.Elements {
		if !hosted(e) || !which(e) {
			continue
		}
		if k := execEnv(e); k != nil {
			if o := other(e, env[k]); o != nil {
				out = append(out, onElement(e, "%s shares its execution environment %s with %q", what, envName(k), o.ID))
				continue
			}
		}
		if z := netZone(e); z != nil {
			if o := other(e, net[z]); o != nil {
				out = append(out, onElement(e, "%s shares network zone %q with %q", what, z.ID, o.ID))
			}
		}
	}
	return out
}

func envName(k any) string {
	switch x := k.(type) {
	case *ir.Runtime:
		return fmt.Sprintf("(runtime %q)", x.ID)
	case *ir.Boundary:
		return fmt.Sprintf("(boundary %q)", x.ID)
	}
	return ""
}

func identityRelated(e *ir.Element) bool { return tech(e, "identity_provider", "identity_store") }

var _ = peerNote("threagile:missing-authentication",
	"TMR-S01 reports a crossing into higher trust whose auth is missing or none; TMR-A01 the other calls into an element with data at stake whose authentication is none, or, on a crossing into an element that stores such data, not stated. tmc does not read an unstated authentication as none elsewhere: it would flag every internal flow a model leaves unannotated.")
var _ = peerNote("threagile:missing-authentication-second-factor",
	"Threagile's rule, on the flow from the person (or the browser or app a person uses), whose authentication tmc must know: an unstated one is not guessed.")
var _ = peerNote("threagile:missing-identity-store",
	"A model-level finding, attached to the element with the most at stake among those that check end users' identities. An external identity provider (a SaaS IdP) holds its own identity store and silences it.")
var _ = peerNote("threagile:missing-identity-provider-isolation",
	"Isolation is read from runs_on (a shared runtime) and from boundaries typed execution_environment, network or network_segment; untyped boundaries say nothing about the network, so they do not count.")
var _ = peerNote("threagile:missing-network-segmentation",
	"Read from boundaries typed network or network_segment, as Threagile reads network trust boundaries; Threagile's RAA threshold has no tmc counterpart.")
var _ = peerNote("threagile:unguarded-access-from-internet",
	"An untrusted zone (or none) stands for the internet. tmc fires only when the target's technology is stated (or it is a store): an element of unknown technology may be the edge guard itself.")
var _ = peerNote("threagile:unguarded-direct-datastore-access",
	"tmc also reports a store reached from a zone of lower trust nested in the same parent (a DMZ inside the cluster), where Threagile sees a shared parent boundary.")
var _ = peerNote("threagile:dos-risky-access-across-trust-boundary",
	"TMR-A10 reads availability and criticality like Threagile and counts only callers from lower trust; TMR-D01 covers public endpoints whatever their ratings. ip_filtered silences TMR-A10 (only allow-listed callers get through); a VPN does not.")
var _ = peerNote("threagile:unencrypted-communication",
	"On a crossing TMR-I02 reports secret, restricted, personal or credential data in clear text; inside one zone TMR-A11 reports an authenticator, restricted or secret data in clear text. Confidential data inside one zone is not reported: the zone is the trust the model states.")
var _ = peerNote("threagile:unencrypted-asset",
	"TMR-I03 reads the data flows write to a database or bucket, TMR-I07 and TMR-I08 caches and queues; TMR-A12 reads `stores` on any element. Threagile requires both confidentiality and integrity to be high; tmc either, as data at rest leaks either way.")
var _ = peerNote("threagile:missing-vault",
	"Fires only when the model has credentials to keep; a `secrets_from_vault` safeguard anywhere says a secret store exists even if the model does not draw it.")
var _ = peerNote("threagile:accidental-secret-leak",
	"On source repositories, artifact registries and build pipelines (whose logs and caches hold secrets too); `secret_scanning` silences it.")

var _ = register(
	&Rule{
		ID: "TMR-A01", Title: "Element with data at stake reached without authentication",
		Stride: []string{spoofing, eop}, Impact: 4, Likelihood: 4,
		Rationale: "A call that authenticates nothing into an element that holds or handles confidential data, or data whose integrity or availability is critical (or a multi-tenant one), lets anyone who reaches the element read or change that data. " +
			"The rule reads `authentication none` (or an auth that means it), and, on a crossing into an element that `stores` such data, an authentication the model does not state. " +
			"Load balancers, reverse proxies, WAFs and CDNs need no authentication of their own; calls from stores and in-process calls are not checked; TMR-S01 reports crossings into higher trust.",
		Fix:        "Authenticate the caller (mTLS, a token, credentials from a vault) and state it with `authentication WORD`; if the element must stay anonymous, keep data at stake out of it.",
		References: []string{"CWE-306", "CAPEC-115", "OWASP ASVS V2"},
		Peers:      []string{"threagile:missing-authentication"},
		Match: func(m *ir.Model) []Hit {
			st := stakes(m)
			return calls(m, func(f *ir.Flow) *Hit {
				to := f.To
				if s01(f) || !inScope(to) || to.Kind == ir.Person || external(to) || forwarder(to) || tech(to, "dns") ||
					datastore(f.From) || tech(f.From, "monitoring") || processLocal(f) {
					return nil
				}
				s := st[to]
				if !s.sensitive() && !multiTenant(to) {
					return nil
				}
				at := "multi-tenant"
				if s.sensitive() {
					at = s.why()
				}
				if f.Authentication == "none" {
					return onFlow(f, "reaches %q (%s) with authentication none", to.ID, at)
				}
				if authStated(f) || len(f.Crossings) == 0 {
					return nil
				}
				held := &stake{}
				for _, d := range to.Stores {
					held.add(d)
				}
				if !held.sensitive() {
					return nil
				}
				return onFlow(f, "crosses into %q, which stores %s, and states no authentication", to.ID, held.why())
			})
		},
	},
	&Rule{
		ID: "TMR-A02", Title: "Person reaches sensitive data without a second factor",
		Stride: []string{spoofing}, Impact: 3, Likelihood: 2,
		Rationale: "A person who signs in with one factor (a password, a session or a token from a password login) loses the account to phishing, credential stuffing or a stolen device; behind that account is the confidential or critical data the flow carries. " +
			"The rule checks flows from a person, or a browser, app or workstation a person uses, whose written `authentication` is a single factor (a word read from a free-text `auth jwt` names the request's credential, not how the person signed in, and is not read) and that carry confidential data (or data of critical integrity) into an element with data at stake, directly or through one load balancer, reverse proxy, WAF or CDN.",
		Fix:        "Require a second factor (WebAuthn, a passkey, OTP) at the login that issues the session or token, and state `authentication two_factor` on the flow.",
		References: []string{"CWE-308", "CAPEC-560", "OWASP ASVS V2.2"},
		Peers:      []string{"threagile:missing-authentication-second-factor"},
		Match: func(m *ir.Model) []Hit {
			st := stakes(m)
			into := map[*ir.Element][]*ir.Flow{}
			for _, f := range m.Flows {
				if f.From != nil && f.To != nil && f.ResponseTo == nil {
					into[f.To] = append(into[f.To], f)
				}
			}
			single := func(f *ir.Flow) bool {
				if !human(f.From) || f.AuthenticationDerived || f.Authentication == "" || f.Authentication == "none" || f.Authentication == "two_factor" {
					return false
				}
				s := flowStake(f)
				return s.conf > classRank["confidential"] || s.integ >= ir.Rating("critical")
			}
			var out []Hit
			seen := map[*ir.Flow]bool{}
			hit := func(f *ir.Flow, to *ir.Element, via string) {
				if seen[f] {
					return
				}
				seen[f] = true
				out = append(out, *onFlow(f, "%q sends %s with authentication %s%s into %q (%s) without two_factor", f.From.ID, flowStake(f).why(), f.Authentication, via, to.ID, st[to].why()))
			}
			for _, e := range m.Elements {
				if !inScope(e) || forwarder(e) || human(e) || external(e) || !st[e].sensitive() {
					continue
				}
				for _, f := range into[e] {
					switch {
					case single(f):
						hit(f, e, "")
					case forwarder(f.From):
						for _, g := range into[f.From] {
							if single(g) {
								hit(g, e, fmt.Sprintf(" through %q", f.From.ID))
							}
						}
					}
				}
			}
			return out
		},
	},
	&Rule{
		ID: "TMR-A03", Title: "End user's identity not propagated to a sensitive service",
		Stride: []string{eop, repudiation}, Impact: 3, Likelihood: 2,
		Rationale: "A service that handles end users' requests and is called with the caller's own technical identity cannot check what the end user may do: any request the caller forwards is authorized with the caller's full rights, so one flaw in the caller reaches every user's data, and nobody can tell which user acted. " +
			"The rule reads flows from a service into a web application, web server, API or ERP with data at stake that authenticate and state `authorization technical_user` or `none`; devops flows with an authorization of their own are not counted.",
		Fix:        "Propagate the end user's identity (a token exchange, a signed user assertion), authorize each request for that user at the receiver, and state `authorization end_user_identity` on the flow.",
		References: []string{"CWE-285", "CWE-441", "OWASP ASVS V4.1"},
		Peers:      []string{"threagile:missing-identity-propagation"},
		Match: func(m *ir.Model) []Hit {
			st := stakes(m)
			return calls(m, func(f *ir.Flow) *Hit {
				to := f.To
				if !inScope(to) || !tech(to, "web_application", "web_server", "api", "erp") || !st[to].sensitive() ||
					!service(f.From) || datastore(f.From) || human(f.From) || external(f.From) ||
					f.Authentication == "" || f.Authentication == "none" ||
					f.Authorization != "technical_user" && f.Authorization != "none" ||
					f.Usage == "devops" && f.Authorization != "none" {
					return nil
				}
				return onFlow(f, "%q calls %q (%s) with authorization %s, not the end user's identity", f.From.ID, to.ID, st[to].why(), f.Authorization)
			})
		},
	},
	&Rule{
		ID: "TMR-A04", Title: "End users authorized with no identity store in the model",
		Stride: []string{spoofing, eop}, Impact: 3, Likelihood: 2,
		Rationale: "Flows that propagate the end user's identity mean users are authenticated and authorized somewhere; when no identity store (LDAP, a user database) is modeled, the threats to where accounts, password hashes and roles live are not analysed at all. " +
			"The finding is on the element with the most at stake that receives end users' identities.",
		Fix:        "Model where user accounts live: an element with `technology identity_store` (or an external `identity_provider` that keeps them), with its flows and data.",
		References: []string{"CWE-1008", "OWASP ASVS V2"},
		Peers:      []string{"threagile:missing-identity-store"},
		Match: func(m *ir.Model) []Hit {
			for _, e := range m.Elements {
				if tech(e, "identity_store") && inScope(e) || tech(e, "identity_provider") && external(e) {
					return nil
				}
			}
			st := stakes(m)
			var best *ir.Element
			for _, f := range m.Flows {
				if f.From == nil || f.To == nil || f.Authorization != "end_user_identity" {
					continue
				}
				if best == nil || st[f.To].score() > st[best].score() {
					best = f.To
				}
			}
			if best == nil {
				return nil
			}
			return []Hit{onElement(best, "receives end users' identities, and no identity_store is modeled")}
		},
	},
	&Rule{
		ID: "TMR-A05", Title: "Identity provider or store not isolated",
		Stride: []string{eop, disclosure}, Impact: 5, Likelihood: 2,
		Rationale: "An identity provider or identity store holds every account: an unrelated, less protected workload on the same runtime, execution environment or network zone is a shorter path to it than its own hardened interface, and its compromise is everyone's. " +
			"Isolation is read from `runs_on`, and from boundaries typed `execution_environment`, `network` or `network_segment`.",
		Fix:        "Run identity components on their own runtime and in their own execution environment or network segment (a boundary of their own, typed), reachable only through their interfaces.",
		References: []string{"CWE-653", "CWE-1189", "OWASP ASVS V1.14"},
		Peers:      []string{"threagile:missing-identity-provider-isolation"},
		Match: func(m *ir.Model) []Hit {
			return isolation(m, "identity component", identityRelated, func(_, _ *ir.Element) bool { return false })
		},
	},
	&Rule{
		ID: "TMR-A06", Title: "Element with data at stake reached straight from an untrusted zone",
		Stride: []string{spoofing, tampering, disclosure}, Impact: 4, Likelihood: 4,
		Rationale: "An element with confidential data, or data of critical integrity, that callers in an untrusted zone reach with nothing in front (no gateway, reverse proxy or WAF) exposes its whole attack surface to the internet. " +
			"Edge technologies (load balancer, reverse proxy, WAF, API gateway, CDN, DNS, VPN gateway) are made for it, and so is an off-the-shelf web server or web application over HTTP; a custom-developed one is not. " +
			"The rule fires only on stores or on elements whose technology is stated; VPN flows and callers that monitor are not counted.",
		Fix:        "Put a gateway, reverse proxy or WAF in front and let untrusted callers reach only it, or reach the element over a VPN (`vpn` on the flow).",
		References: []string{"CWE-284", "CWE-668", "OWASP ASVS V1.4"},
		Peers:      []string{"threagile:unguarded-access-from-internet"},
		Match: func(m *ir.Model) []Hit {
			st := stakes(m)
			return calls(m, func(f *ir.Flow) *Hit {
				to := f.To
				if !inScope(to) || trust(f.From) != 0 || trust(to) == 0 || external(to) || f.VPN || tech(f.From, "monitoring") ||
					to.Technology == "" && !store(to) ||
					tech(to, "load_balancer", "reverse_proxy", "waf", "api_gateway", "cdn", "dns", "vpn_gateway") ||
					!to.CustomDeveloped && tech(to, "web_server", "web_application") && webProtocol(f) {
					return nil
				}
				s := st[to]
				if s == nil || s.conf <= classRank["confidential"] && s.integ < ir.Rating("critical") {
					return nil
				}
				return onFlow(f, "%s reaches %q (%s) with nothing in front", trustName(f.From), to.ID, s.why())
			})
		},
	},
	&Rule{
		ID: "TMR-A07", Title: "Store reached directly from another zone",
		Stride: []string{disclosure, tampering}, Impact: 4, Likelihood: 3,
		Rationale: "A store of confidential data, or data of critical integrity, that callers from a zone of lower trust, or from an unrelated zone, query directly relies on the store's own access control alone: a compromised caller there runs any query it is allowed, and no service in between limits, validates or logs it. " +
			"Devops flows (`usage devops`), an identity provider reading its own identity store, and file servers over (S)FTP are not counted.",
		Fix:        "Reach the store only through a service in its own zone, which validates and scopes each request; or place the caller in the store's zone if it belongs there.",
		References: []string{"CWE-284", "CWE-653", "OWASP ASVS V1.4"},
		Peers:      []string{"threagile:unguarded-direct-datastore-access"},
		Match: func(m *ir.Model) []Hit {
			st := stakes(m)
			return calls(m, func(f *ir.Flow) *Hit {
				to := f.To
				if !datastore(to) || !inScope(to) || external(to) || len(f.Crossings) == 0 || f.Usage == "devops" ||
					tech(to, "identity_store") && tech(f.From, "identity_provider") ||
					tech(to, "file_server") && strings.Contains(strings.ToLower(f.Protocol), "ftp") {
					return nil
				}
				s := st[to]
				if s == nil || s.conf <= classRank["confidential"] && s.integ < ir.Rating("critical") {
					return nil
				}
				if trust(f.From) < trust(to) {
					return onFlow(f, "%q queries store %q (%s) directly from %s", f.From.ID, to.ID, s.why(), trustName(f.From))
				}
				if commonBoundary(f.From, to) == nil {
					return onFlow(f, "%q queries store %q (%s) directly from unrelated zone %s", f.From.ID, to.ID, s.why(), trustName(f.From))
				}
				return nil
			})
		},
	},
	&Rule{
		ID: "TMR-A08", Title: "Web application reached across a boundary without a WAF",
		Stride: []string{tampering}, Impact: 2, Likelihood: 2,
		Rationale:  "A web application, web server or API that takes HTTP requests from another zone with no web application firewall in front receives every injection, traversal and protocol attack as sent; a WAF filters the known ones and buys time to patch.",
		Fix:        "Put a WAF in front (an element with `technology waf` calling it), or declare `safeguards waf` on the element or the flow when the load balancer or gateway filters.",
		References: []string{"CWE-693", "OWASP ASVS V1.14", "OWASP ModSecurity Core Rule Set"},
		Peers:      []string{"threagile:missing-waf"},
		Match: func(m *ir.Model) []Hit {
			var out []Hit
			done := map[*ir.Element]bool{}
			for _, f := range m.Flows {
				to := f.To
				if f.From == nil || to == nil || f.ResponseTo != nil || done[to] || len(f.Crossings) == 0 || !webProtocol(f) ||
					!inScope(to) || external(to) || !tech(to, "web_application", "web_server", "api", "cms", "erp") ||
					tech(f.From, "waf") || guarded(f, []string{"waf"}, to) {
					continue
				}
				done[to] = true
				out = append(out, onElement(to, "reached by flow %q from %s over %s without a waf", f.ID, trustName(f.From), f.Protocol))
			}
			return out
		},
	},
	&Rule{
		ID: "TMR-A09", Title: "Sensitive element shares a network zone with less protected ones",
		Stride: []string{eop, disclosure}, Impact: 3, Likelihood: 2,
		Rationale: "A store, or an element with data at stake, in the same network segment as web servers, clients, build tools or other less protected elements it does not talk to can be reached from them once one is compromised: nothing in the network stops the lateral move. " +
			"Network zones are boundaries typed `network` or `network_segment`.",
		Fix:        "Put the element in a network segment of its own (a nested boundary typed `network_segment`, with a firewall or security group) that admits only the elements that call it.",
		References: []string{"CWE-1008", "CWE-653", "NIST SP 800-53 SC-7"},
		Peers:      []string{"threagile:missing-network-segmentation"},
		Match: func(m *ir.Model) []Hit {
			less := map[*ir.Boundary][]*ir.Element{}
			for _, e := range m.Elements {
				if z := netZone(e); z != nil && hosted(e) && lessProtected(e) {
					less[z] = append(less[z], e)
				}
			}
			if len(less) == 0 {
				return nil
			}
			st := stakes(m)
			conn := connected(m)
			var out []Hit
			for _, e := range m.Elements {
				z := netZone(e)
				if z == nil || !hosted(e) || lessProtected(e) || tech(e, "waf", "reverse_proxy", "load_balancer", "service_registry") ||
					!datastore(e) && !st[e].sensitive() {
					continue
				}
				for _, o := range less[z] {
					if o != e && !conn[[2]*ir.Element{e, o}] {
						out = append(out, onElement(e, "shares network zone %q with %q (%s), which it does not talk to", z.ID, o.ID, o.Technology))
						break
					}
				}
			}
			return out
		},
	},
	&Rule{
		ID: "TMR-A10", Title: "Critical element reached from lower trust without load protection",
		Stride: []string{dos}, Impact: 3, Likelihood: 2,
		Rationale: "An element whose availability is critical (its data's availability or its criticality rated critical or higher), or a load balancer, that callers from a zone of lower trust reach, directly or through one load balancer, reverse proxy, WAF or CDN, can be flooded from there. " +
			"Devops flows and in-process calls are not counted.",
		Fix:        "Limit requests per caller and absorb floods (rate limits, DDoS protection, autoscaling) and declare `safeguards rate_limiting` or `quota` on the element or the flow; or admit only allow-listed callers (`ip_filtered`).",
		References: []string{"CWE-400", "CWE-770", "CAPEC-125"},
		Peers:      []string{"threagile:dos-risky-access-across-trust-boundary"},
		Match: func(m *ir.Model) []Hit {
			st := stakes(m)
			into := map[*ir.Element][]*ir.Flow{}
			for _, f := range m.Flows {
				if f.From != nil && f.To != nil && f.ResponseTo == nil {
					into[f.To] = append(into[f.To], f)
				}
			}
			names := []string{"rate_limiting", "quota"}
			risky := func(f *ir.Flow, to *ir.Element) bool {
				return trust(f.From) < trust(to) && f.Usage != "devops" && !processLocal(f) && !f.IPFiltered && !guarded(f, names, to)
			}
			var out []Hit
			for _, e := range m.Elements {
				s := st[e]
				crit := ir.Rating("critical")
				if !inScope(e) || external(e) || !tech(e, "load_balancer") && (s == nil || max(s.avail, s.crit) < crit) {
					continue
				}
				for _, f := range into[e] {
					if forwarder(f.From) {
						if guarded(f, names, f.From) {
							continue
						}
						for _, g := range into[f.From] {
							if risky(g, e) {
								out = append(out, *onFlow(g, "%s reaches critical %q through %q without rate_limiting", trustName(g.From), e.ID, f.From.ID))
							}
						}
					} else if risky(f, e) {
						out = append(out, *onFlow(f, "%s reaches critical %q without rate_limiting", trustName(f.From), e.ID))
					}
				}
			}
			return out
		},
	},
	&Rule{
		ID: "TMR-A11", Title: "Authenticator or restricted data in clear text inside a zone",
		Stride: []string{disclosure, spoofing}, Impact: 4, Likelihood: 2,
		Rationale: "A flow that sends a password, a session id or a token, or carries credentials, restricted or secret data or data of mission-critical integrity, over an unencrypted protocol can be read and altered by anything on the network of the zone: a compromised neighbour replays the credentials. " +
			"The rule reads flows that cross no boundary and state their protocol (TMR-I02 reports crossings); in-process calls are not counted.",
		Fix:        "Use an encrypted protocol (https, grpcs, tls, ldaps) or declare `safeguards encryption_in_transit` or `mtls` when the transport encrypts (a mesh, TLS to the database).",
		References: []string{"CWE-319", "CWE-523", "OWASP ASVS V9"},
		Peers:      []string{"threagile:unencrypted-communication"},
		Match: func(m *ir.Model) []Hit {
			return flows(m, func(f *ir.Flow) *Hit {
				if len(f.Crossings) > 0 || f.Protocol == "" || processLocal(f) || encrypted(f) ||
					!inScope(f.From) && !inScope(f.To) {
					return nil
				}
				var what []string
				switch f.Authentication {
				case "credentials", "session", "token":
					what = append(what, "authentication "+f.Authentication)
				}
				what = append(what, carried(f, func(d *ir.Data) bool {
					return d.Credentials || classRank[d.Classification] >= classRank["restricted"] || d.Integrity == "mission_critical"
				})...)
				if len(what) == 0 {
					return nil
				}
				return onFlow(f, "%s over %s in clear text", list(what), f.Protocol)
			})
		},
	},
	&Rule{
		ID: "TMR-A12", Title: "Element stores sensitive data unencrypted",
		Stride: []string{disclosure}, Impact: 4, Likelihood: 2,
		Rationale: "An element that `stores` confidential data, or data of critical integrity, without encryption at rest leaks or exposes it through disks, snapshots, backups and anyone with host access. " +
			"The rule reads `stores` on any element (a file server, a search index, a service's volume); TMR-I03 reports the data flows write to databases and buckets.",
		Fix:        "Encrypt the storage (volume, database, bucket, application-level encryption with keys in a KMS) and declare `encrypted_at_rest` on the element.",
		References: []string{"CWE-311", "CWE-312", "OWASP ASVS V6.1"},
		Peers:      []string{"threagile:unencrypted-asset"},
		Match: func(m *ir.Model) []Hit {
			var out []Hit
			for _, e := range m.Elements {
				if len(e.Stores) == 0 || e.EncryptedAtRest || !inScope(e) || external(e) || forwarder(e) {
					continue
				}
				var ds []string
				for _, d := range e.Stores {
					if confidential(d) || ir.Rating(d.Integrity) >= ir.Rating("critical") {
						ds = append(ds, d.ID)
					}
				}
				if len(ds) > 0 {
					out = append(out, onElement(e, "stores %s and is not encrypted_at_rest", list(ds)))
				}
			}
			return out
		},
	},
	&Rule{
		ID: "TMR-A13", Title: "Credentials with no secret store in the model",
		Stride: []string{disclosure, eop}, Impact: 3, Likelihood: 2,
		Rationale: "A system that uses credentials (keys, passwords, tokens flagged `credentials`) and has no secret store keeps them in configuration, images, environment variables or code, where every deployment, backup and engineer sees them, and rotating one is a release. " +
			"The finding is on the element with the most at stake among those that hold or receive credentials.",
		Fix:        "Keep secrets in a secret store (Vault, a cloud secret manager) and model it (`technology secret_store`); declare `safeguards secrets_from_vault` on the workloads that read from it.",
		References: []string{"CWE-798", "CWE-522", "OWASP ASVS V6.4"},
		Peers:      []string{"threagile:missing-vault"},
		Match: func(m *ir.Model) []Hit {
			for _, e := range m.Elements {
				if tech(e, "secret_store") || e.HasSafeguard("secrets_from_vault") {
					return nil
				}
			}
			for _, f := range m.Flows {
				if f.HasSafeguard("secrets_from_vault") {
					return nil
				}
			}
			st := stakes(m)
			var best *ir.Element
			pick := func(e *ir.Element) {
				if e == nil || e.Kind == ir.Person || external(e) || !inScope(e) {
					return
				}
				if best == nil || st[e].score() > st[best].score() {
					best = e
				}
			}
			for _, e := range m.Elements {
				for _, d := range append(append([]*ir.Data{}, e.Stores...), e.Processes...) {
					if d.Credentials {
						pick(e)
						break
					}
				}
			}
			for _, f := range m.Flows {
				if len(carried(f, credentials)) > 0 {
					pick(f.To)
				}
			}
			if best == nil {
				return nil
			}
			return []Hit{onElement(best, "holds credentials, and no secret_store is modeled")}
		},
	},
	&Rule{
		ID: "TMR-A14", Title: "Secret store not isolated",
		Stride: []string{eop, disclosure}, Impact: 5, Likelihood: 2,
		Rationale: "A secret store holds the keys to everything else: an unrelated workload on the same runtime, execution environment or network zone is a shorter path to its memory, disks and unsealed keys than its own API. " +
			"Its own storage backend (a store it talks to) does not count. Isolation is read from `runs_on`, and from boundaries typed `execution_environment`, `network` or `network_segment`.",
		Fix:        "Run the secret store on its own runtime, in its own execution environment or network segment (a boundary of its own, typed), reachable only through its API.",
		References: []string{"CWE-653", "CWE-522", "OWASP Secrets Management Cheat Sheet"},
		Peers:      []string{"threagile:missing-vault-isolation"},
		Match: func(m *ir.Model) []Hit {
			var conn map[[2]*ir.Element]bool
			for _, e := range m.Elements {
				if tech(e, "secret_store") {
					conn = connected(m)
					break
				}
			}
			if conn == nil {
				return nil
			}
			return isolation(m, "secret store", func(e *ir.Element) bool { return tech(e, "secret_store") },
				func(v, o *ir.Element) bool { return datastore(o) && conn[[2]*ir.Element{v, o}] })
		},
	},
	&Rule{
		ID: "TMR-A15", Title: "Source or build system without secret scanning",
		Stride: []string{disclosure}, Impact: 3, Likelihood: 3,
		Rationale:  "Source repositories, artifact registries and build pipelines collect secrets by accident: a key committed in a config file, a token printed in a build log, a credential baked into an image layer. History keeps them after the fix, and everyone with read access has them.",
		Fix:        "Scan commits (a pre-receive hook), build logs and artifacts for secrets, revoke what is found, and declare `safeguards secret_scanning` on the element.",
		References: []string{"CWE-540", "CWE-798", "OWASP CI/CD Security Risks CICD-SEC-6"},
		Peers:      []string{"threagile:accidental-secret-leak"},
		Match: func(m *ir.Model) []Hit {
			var out []Hit
			for _, e := range m.Elements {
				if tech(e, "source_repository", "artifact_registry", "build_pipeline") && inScope(e) && !external(e) &&
					!guarded(nil, []string{"secret_scanning"}, e) {
					out = append(out, onElement(e, "%s without secret_scanning", e.Technology))
				}
			}
			return out
		},
	},
)

// lessProtected reports whether the element is of a kind that is easier to
// compromise than a store: something that faces users or runs others'
// code.
func lessProtected(e *ir.Element) bool {
	return tech(e, "web_server", "web_application", "api", "cms", "mail_server", "browser", "mobile_app", "desktop_app",
		"workstation", "iot_device", "build_pipeline", "source_repository", "artifact_registry", "scheduler", "batch_job", "llm", "ai_agent")
}

// commonBoundary returns the innermost boundary holding both elements, or
// nil.
func commonBoundary(a, b *ir.Element) *ir.Boundary {
	in := map[*ir.Boundary]bool{}
	for x := a.Boundary; x != nil; x = x.Parent {
		in[x] = true
	}
	for x := b.Boundary; x != nil; x = x.Parent {
		if in[x] {
			return x
		}
	}
	return nil
}
