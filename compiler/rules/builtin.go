package rules

import (
	"fmt"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
)

// STRIDE categories, spelled as threats spell them.
const (
	spoofing    = "spoofing"
	tampering   = "tampering"
	repudiation = "repudiation"
	disclosure  = "information_disclosure"
	dos         = "denial_of_service"
	eop         = "elevation_of_privilege"
)

// trustRank orders trust levels; external parties rank with the untrusted.
var trustRank = map[string]int{"untrusted": 0, "external": 0, "low": 1, "medium": 2, "high": 3, "control": 4}

// trust returns the rank of the element's effective boundary; an element
// that nothing places counts as untrusted.
func trust(e *ir.Element) int {
	if e.Boundary == nil {
		return 0
	}
	return trustRank[e.Boundary.Trust]
}

// trustName names the zone an element sits in, for messages: `"edge"
// (trust low)`; an element that no boundary places is named itself, as
// what it counts as: `"u" (in no boundary, so untrusted)`.
func trustName(e *ir.Element) string {
	if e.Boundary == nil {
		return fmt.Sprintf("%q (in no boundary, so untrusted)", e.ID)
	}
	return fmt.Sprintf("%q (trust %s)", e.Boundary.ID, e.Boundary.Trust)
}

// inTrust reports whether the element's effective boundary, or one around
// it, has the trust level.
func inTrust(e *ir.Element, level string) bool {
	for b := e.Boundary; b != nil; b = b.Parent {
		if b.Trust == level {
			return true
		}
	}
	return false
}

// external reports whether the element is a third party: declared
// external (itself or a parent), or in an external boundary unless it is
// one of our own stores. A database, cache, queue or bucket declared in a
// system of ours is ours wherever it is placed (our bucket in a cloud
// provider's zone), while anything in a third party's system is theirs.
func external(e *ir.Element) bool {
	for x := e; x != nil; x = x.Parent {
		if x.External {
			return true
		}
	}
	if !inTrust(e, "external") {
		return false
	}
	return !store(e) || e.Parent == nil || external(e.Parent)
}

// store reports whether the element holds data rather than acts on it: a
// database, cache, queue or bucket.
func store(e *ir.Element) bool {
	switch e.Kind {
	case ir.Database, ir.Cache, ir.Queue, ir.Bucket:
		return true
	}
	return false
}

// fact reports whether the element or one of its parents has a fact.
func fact(e *ir.Element, f func(*ir.Element) bool) bool {
	for x := e; x != nil; x = x.Parent {
		if f(x) {
			return true
		}
	}
	return false
}

func multiTenant(e *ir.Element) bool {
	return fact(e, func(x *ir.Element) bool { return x.MultiTenant })
}
func controlPlane(e *ir.Element) bool {
	return fact(e, func(x *ir.Element) bool { return x.ControlPlane })
}

// guarded reports whether the flow, or one of the elements (or a parent of
// one), declares any of the safeguards.
func guarded(f *ir.Flow, names []string, elems ...*ir.Element) bool {
	for _, n := range names {
		if f != nil && f.HasSafeguard(n) {
			return true
		}
		for _, e := range elems {
			if fact(e, func(x *ir.Element) bool { return x.HasSafeguard(n) }) {
				return true
			}
		}
	}
	return false
}

// missing returns the safeguards of names that neither the flow nor the
// elements declare.
func missing(f *ir.Flow, names []string, elems ...*ir.Element) []string {
	var out []string
	for _, n := range names {
		if !guarded(f, []string{n}, elems...) {
			out = append(out, n)
		}
	}
	return out
}

var classRank = map[string]int{"public": 0, "internal": 1, "confidential": 2, "restricted": 3, "secret": 4}

// carried returns the ids of the data the flow carries that match.
func carried(f *ir.Flow, match func(*ir.Data) bool) []string {
	var out []string
	for _, d := range f.Carries {
		if match(d) {
			out = append(out, d.ID)
		}
	}
	return out
}

func tenantScoped(d *ir.Data) bool { return d.TenantScoped }

// client reports whether requests from the element are shaped by a user: a
// person, or a non-store element of ours in an untrusted zone (or in none),
// such as a browser or mobile app. A third party is not a client: what it
// sends is its own (TMR-S03 and TMR-S05 check its callbacks).
func client(e *ir.Element) bool {
	return e.Kind == ir.Person || trust(e) == 0 && !store(e) && !external(e)
}

// userData is the tenant-scoped data that reaches an element in requests a
// user shapes; any is set when such a request does not say what it carries.
type userData struct {
	any  bool
	data map[*ir.Data]bool
}

func (u *userData) has(d *ir.Data) bool { return u != nil && (u.any || u.data[d]) }

// userTenantData follows tenant-scoped data from clients through the
// services that pass it on. A store ends the chain: what a consumer reads
// from a queue, a cache or a database was written by a service, which
// resolved the tenant when it wrote it.
func userTenantData(m *ir.Model) map[*ir.Element]*userData {
	out := map[*ir.Element]*userData{}
	from := map[*ir.Element][]*ir.Flow{}
	type item struct {
		e *ir.Element
		d *ir.Data // nil: any
	}
	var work []item
	add := func(e *ir.Element, d *ir.Data) {
		if store(e) || client(e) {
			return
		}
		u := out[e]
		if u == nil {
			u = &userData{data: map[*ir.Data]bool{}}
			out[e] = u
		}
		if d == nil && !u.any {
			u.any = true
			work = append(work, item{e, nil})
		} else if d != nil && !u.any && !u.data[d] {
			u.data[d] = true
			work = append(work, item{e, d})
		}
	}
	pass := func(f *ir.Flow, d *ir.Data) {
		if len(f.Carries) == 0 {
			add(f.To, nil)
			return
		}
		for _, x := range f.Carries {
			if x.TenantScoped && (d == nil || x == d) {
				add(f.To, x)
			}
		}
	}
	for _, f := range m.Flows {
		if f.From == nil || f.To == nil {
			continue
		}
		from[f.From] = append(from[f.From], f)
		if client(f.From) {
			pass(f, nil)
		}
	}
	for len(work) > 0 {
		it := work[len(work)-1]
		work = work[:len(work)-1]
		for _, f := range from[it.e] {
			pass(f, it.d)
		}
	}
	return out
}
func sensitive(d *ir.Data) bool {
	return d.PII || d.Credentials || classRank[d.Classification] >= classRank["restricted"]
}
func confidential(d *ir.Data) bool { return classRank[d.Classification] >= classRank["confidential"] }

// flows calls fn for every flow whose ends resolved.
func flows(m *ir.Model, fn func(f *ir.Flow) *Hit) []Hit {
	var out []Hit
	for _, f := range m.Flows {
		if f.From == nil || f.To == nil {
			continue
		}
		if h := fn(f); h != nil {
			out = append(out, *h)
		}
	}
	return out
}

// calls is flows for the rules about calls (who calls whom, what a call
// changes): it skips a flow declared `response_to` another, the reply on
// that call, which is not a call of its own. Rules about the data a flow
// carries use flows and see replies too.
func calls(m *ir.Model, fn func(f *ir.Flow) *Hit) []Hit {
	return flows(m, func(f *ir.Flow) *Hit {
		if f.ResponseTo != nil {
			return nil
		}
		return fn(f)
	})
}

// onFlow and onElement format a hit's message in one Sprintf: a large
// model has tens of thousands of findings.
func onFlow(f *ir.Flow, format string, args ...any) *Hit {
	return &Hit{Target: ir.Target{Flow: f}, Message: fmt.Sprintf("flow %q: "+format, append([]any{f.ID}, args...)...)}
}

func onElement(e *ir.Element, format string, args ...any) Hit {
	return Hit{Target: ir.Target{Element: e}, Message: fmt.Sprintf("%s %q: "+format, append([]any{e.Kind, e.ID}, args...)...)}
}

func list(xs []string) string { return strings.Join(xs, ", ") }

var encryptedProtocols = map[string]bool{"https": true, "grpcs": true, "tls": true, "mtls": true, "wss": true, "sftp": true, "ssh": true, "ldaps": true}

func builtin() []*Rule {
	return []*Rule{
		{
			ID: "TMR-S01", Title: "Cross-boundary flow into higher trust without authentication",
			Stride: []string{spoofing}, Impact: 4, Likelihood: 4,
			Rationale:  "A flow that crosses a trust boundary into a zone of higher trust, with no `auth`, lets anyone who can reach the lower zone act as a legitimate caller.",
			Fix:        "Authenticate the caller at the crossing and say how with `auth` (jwt, mtls, oidc, \"API key\"...).",
			References: []string{"CWE-306", "CAPEC-115", "OWASP ASVS V2"},
			Peers:      []string{"threagile:missing-authentication"},
			Match: func(m *ir.Model) []Hit {
				return calls(m, func(f *ir.Flow) *Hit {
					if len(f.Crossings) == 0 || trust(f.To) <= trust(f.From) || f.Auth != "" && !strings.EqualFold(f.Auth, "none") {
						return nil
					}
					return onFlow(f, "enters %s from %s with no auth", trustName(f.To), trustName(f.From))
				})
			},
		},
		{
			ID: "TMR-S02", Title: "JWT accepted without audience and issuer checks",
			Stride: []string{spoofing}, Impact: 5, Likelihood: 3,
			Rationale:  "A bearer token whose audience and issuer are not validated can be replayed from another service, another tenant or another identity provider (token confusion, cross-tenant reuse).",
			Fix:        "Validate `aud` and `iss` on every request and declare `safeguards token_audience_check, token_issuer_check` on the flow or the receiving element.",
			References: []string{"CWE-287", "CWE-345", "OWASP JWT Cheat Sheet", "RFC 8725"},
			Match: func(m *ir.Model) []Hit {
				return calls(m, func(f *ir.Flow) *Hit {
					if !strings.Contains(strings.ToLower(f.Auth), "jwt") || len(carried(f, func(d *ir.Data) bool { return d.Credentials })) == 0 {
						return nil
					}
					miss := missing(f, []string{"token_audience_check", "token_issuer_check"}, f.To)
					if len(miss) == 0 {
						return nil
					}
					return onFlow(f, "JWT into %q without %s", f.To.ID, list(miss))
				})
			},
		},
		{
			ID: "TMR-S03", Title: "Unsigned webhook from an external party",
			Stride: []string{spoofing, tampering}, Impact: 5, Likelihood: 3,
			Rationale:  "A callback from a third party (payment provider, email, KYC) that is not signed can be forged by anyone who knows the endpoint: an order marked paid, an account verified.",
			Fix:        "Verify the provider's signature and a timestamp tolerance on every callback, and declare `safeguards webhook_signature` on the flow or the receiving element.",
			References: []string{"CWE-345", "CAPEC-148", "OWASP ASVS V13"},
			Match: func(m *ir.Model) []Hit {
				return calls(m, func(f *ir.Flow) *Hit {
					if !external(f.From) || external(f.To) || guarded(f, []string{"webhook_signature"}, f.To) {
						return nil
					}
					return onFlow(f, "call from external %q into %q without webhook_signature", f.From.ID, f.To.ID)
				})
			},
		},
		{
			ID: "TMR-T01", Title: "Queue producer not authenticated",
			Stride: []string{tampering, spoofing}, Impact: 4, Likelihood: 3,
			Rationale:  "When any workload that reaches the broker may publish to a topic, one compromised or misconfigured service can inject events that others trust (order created, payment succeeded) for any tenant.",
			Fix:        "Authenticate producers and authorize them per topic (ACLs bound to workload identity); declare `safeguards producer_authentication` on the flow or the queue.",
			References: []string{"CWE-306", "CAPEC-594"},
			Match: func(m *ir.Model) []Hit {
				return flows(m, func(f *ir.Flow) *Hit {
					if f.To.Kind != ir.Queue || guarded(f, []string{"producer_authentication"}, f.To) {
						return nil
					}
					return onFlow(f, "publishes to queue %q without producer_authentication", f.To.ID)
				})
			},
		},
		{
			ID: "TMR-T02", Title: "Tenant taken from the request instead of the token",
			Stride: []string{tampering, eop}, Impact: 5, Likelihood: 3,
			Rationale: "A multi-tenant service that reads the tenant from a header, path or body a caller controls lets one tenant act on another's data by changing one field. " +
				"The rule checks crossings into a multi-tenant service that carry tenant-scoped data a user's request brings: from a person or a client in an untrusted zone, directly or passed on by services. " +
				"A queue consumer or a reader of a store takes the tenant from what a service wrote, and a third party's callback carries no tenant a user sets (TMR-S03 checks its signature).",
			Fix:        "Derive the tenant from verified token claims only, and declare `safeguards tenant_from_token` on the flow or the receiving element.",
			References: []string{"CWE-639", "CWE-284", "OWASP ASVS V4"},
			Match: func(m *ir.Model) []Hit {
				user := userTenantData(m)
				return calls(m, func(f *ir.Flow) *Hit {
					if len(f.Crossings) == 0 || f.To.Kind != ir.Container && f.To.Kind != ir.Component ||
						!multiTenant(f.To) || guarded(f, []string{"tenant_from_token"}, f.To) {
						return nil
					}
					ds := carried(f, func(d *ir.Data) bool {
						return d.TenantScoped && (client(f.From) || user[f.From].has(d))
					})
					if len(ds) == 0 {
						return nil
					}
					return onFlow(f, "tenant-scoped %s into multi-tenant %q without tenant_from_token", list(ds), f.To.ID)
				})
			},
		},
		{
			ID: "TMR-R01", Title: "Asynchronous delivery without a correlation id",
			Stride: []string{repudiation}, Impact: 3, Likelihood: 3,
			Rationale:  "Without a correlation id carried through the queue, an action taken by a consumer cannot be traced back to the request that caused it: disputes and incidents cannot be reconstructed.",
			Fix:        "Carry a correlation (trace) id in every message and log it on both sides; declare `safeguards correlation_id` on the flow or the queue.",
			References: []string{"CWE-778", "OWASP Logging Cheat Sheet"},
			Match: func(m *ir.Model) []Hit {
				return flows(m, func(f *ir.Flow) *Hit {
					if f.From.Kind != ir.Queue || guarded(f, []string{"correlation_id"}, f.From) {
						return nil
					}
					return onFlow(f, "delivery from queue %q to %q without correlation_id", f.From.ID, f.To.ID)
				})
			},
		},
		{
			ID: "TMR-I01", Title: "Tenant-scoped data in a shared cache without tenant-aware keys",
			Stride: []string{disclosure}, Impact: 4, Likelihood: 3,
			Rationale:  "A cache shared by all tenants serves one tenant's entry to another as soon as two keys collide: keys must carry the tenant.",
			Fix:        "Prefix every key with the tenant (or isolate per tenant) and declare `safeguards tenant_aware_cache_keys` (or `tenant_isolation`) on the flow or the cache.",
			References: []string{"CWE-524", "CWE-668"},
			Match: func(m *ir.Model) []Hit {
				return flows(m, func(f *ir.Flow) *Hit {
					if f.To.Kind != ir.Cache || f.To.Tenancy != "shared" ||
						guarded(f, []string{"tenant_aware_cache_keys", "tenant_isolation"}, f.To) {
						return nil
					}
					ds := carried(f, tenantScoped)
					if len(ds) == 0 {
						return nil
					}
					return onFlow(f, "tenant-scoped %s into shared cache %q without tenant_aware_cache_keys", list(ds), f.To.ID)
				})
			},
		},
		{
			ID: "TMR-I02", Title: "Secrets or PII over an unencrypted crossing",
			Stride: []string{disclosure}, Impact: 4, Likelihood: 3,
			Rationale:  "Secret, restricted or personal data that crosses a trust boundary in clear text can be read by anything on the path between the zones.",
			Fix:        "Use an encrypted protocol (https, grpcs, tls) or declare `safeguards mtls` or `encryption_in_transit` when the transport encrypts (a mesh, TLS to the database).",
			References: []string{"CWE-319", "OWASP ASVS V9"},
			Peers:      []string{"threagile:unencrypted-communication"},
			Match: func(m *ir.Model) []Hit {
				return flows(m, func(f *ir.Flow) *Hit {
					if len(f.Crossings) == 0 || encryptedProtocols[strings.ToLower(f.Protocol)] || strings.EqualFold(f.Auth, "mtls") ||
						guarded(f, []string{"mtls", "encryption_in_transit"}) {
						return nil
					}
					ds := carried(f, sensitive)
					if len(ds) == 0 {
						return nil
					}
					p := f.Protocol
					if p == "" {
						p = "no protocol"
					}
					return onFlow(f, "%s cross a trust boundary over %s without encryption_in_transit", list(ds), p)
				})
			},
		},
		{
			ID: "TMR-I03", Title: "Sensitive store not encrypted at rest",
			Stride: []string{disclosure}, Impact: 4, Likelihood: 2,
			Rationale:  "A database or bucket that holds confidential data unencrypted leaks it through snapshots, backups, disks and misconfigured access.",
			Fix:        "Encrypt the store at rest (KMS, TDE, bucket encryption) and declare `encrypted_at_rest` on it.",
			References: []string{"CWE-311", "OWASP ASVS V6"},
			Peers:      []string{"threagile:unencrypted-asset"},
			Match: func(m *ir.Model) []Hit {
				held := map[*ir.Element][]string{}
				var order []*ir.Element
				for _, f := range m.Flows {
					if f.To == nil || f.To.Kind != ir.Database && f.To.Kind != ir.Bucket || f.To.EncryptedAtRest {
						continue
					}
					for _, d := range carried(f, confidential) {
						if _, ok := held[f.To]; !ok {
							order = append(order, f.To)
						}
						held[f.To] = addUnique(held[f.To], d)
					}
				}
				var out []Hit
				for _, e := range order {
					out = append(out, onElement(e, "holds %s and is not encrypted_at_rest", list(held[e])))
				}
				return out
			},
		},
		{
			ID: "TMR-I04", Title: "Secrets or PII written to logs",
			Stride: []string{disclosure}, Impact: 4, Likelihood: 3,
			Rationale:  "An element that writes logs and receives tokens, credentials or personal data puts them in the log pipeline, where retention is long and access is broad.",
			Fix:        "Redact credentials, tokens and PII before logs leave the process, and declare `safeguards log_redaction` on the element.",
			References: []string{"CWE-532", "OWASP Logging Cheat Sheet"},
			Match: func(m *ir.Model) []Hit {
				got := map[*ir.Element][]string{}
				var order []*ir.Element
				for _, f := range m.Flows {
					if f.To == nil || !f.To.WritesLogs || guarded(nil, []string{"log_redaction"}, f.To) {
						continue
					}
					for _, d := range carried(f, sensitive) {
						if _, ok := got[f.To]; !ok {
							order = append(order, f.To)
						}
						got[f.To] = addUnique(got[f.To], d)
					}
				}
				var out []Hit
				for _, e := range order {
					out = append(out, onElement(e, "writes logs and receives %s without log_redaction", list(got[e])))
				}
				return out
			},
		},
		{
			ID: "TMR-D01", Title: "Public endpoint without rate limiting",
			Stride: []string{dos}, Impact: 3, Likelihood: 4,
			Rationale:  "A publicly exposed element that lower-trust callers reach with no rate limit or quota invites credential stuffing, card testing, scraping and cost exhaustion.",
			Fix:        "Limit requests per client, account, tenant and endpoint class; declare `safeguards rate_limiting` (or `quota`) on the element or on each flow into it.",
			References: []string{"CWE-770", "CWE-799", "OWASP API4:2023"},
			Peers:      []string{"threagile:dos-risky-access-across-trust-boundary"},
			Match: func(m *ir.Model) []Hit {
				names := []string{"rate_limiting", "quota"}
				var out []Hit
				done := map[*ir.Element]bool{}
				for _, f := range m.Flows {
					if f.From == nil || f.To == nil || f.ResponseTo != nil || f.To.Exposure != "public" || done[f.To] || trust(f.From) >= trust(f.To) ||
						guarded(f, names, f.To) {
						continue
					}
					done[f.To] = true
					out = append(out, onElement(f.To, "public and reached by flow %q from %s without rate_limiting or quota", f.ID, trustName(f.From)))
				}
				return out
			},
		},
		{
			ID: "TMR-D02", Title: "Queue consumer without backpressure or dead-letter queue",
			Stride: []string{dos}, Impact: 3, Likelihood: 3,
			Rationale:  "A consumer that takes whatever the queue delivers, with nowhere to put poison messages, falls behind under a burst and blocks on the first message it cannot process: the backlog grows until the system stops.",
			Fix:        "Bound consumption (prefetch, concurrency, lag alerts) and route failed messages to a dead-letter queue; declare `safeguards backpressure, dead_letter_queue` on the flow, the queue or the consumer.",
			References: []string{"CWE-400", "CWE-770"},
			Match: func(m *ir.Model) []Hit {
				return flows(m, func(f *ir.Flow) *Hit {
					if f.From.Kind != ir.Queue {
						return nil
					}
					miss := missing(f, []string{"backpressure", "dead_letter_queue"}, f.From, f.To)
					if len(miss) == 0 {
						return nil
					}
					return onFlow(f, "%q consumes queue %q without %s", f.To.ID, f.From.ID, list(miss))
				})
			},
		},
		{
			ID: "TMR-E01", Title: "Admin interface reachable from a lower-trust boundary",
			Stride: []string{eop}, Impact: 5, Likelihood: 3,
			Rationale:  "An administrative interface that callers from a zone of lower trust can reach turns any stolen session or missing check into full control of the element.",
			Fix:        "Reach admin interfaces only from a zone of equal or higher trust; when that is not possible, enforce least-privilege roles and declare `safeguards least_privilege_rbac` on the flow or the element.",
			References: []string{"CWE-269", "CWE-284", "CAPEC-122"},
			Match: func(m *ir.Model) []Hit {
				return calls(m, func(f *ir.Flow) *Hit {
					if !fact(f.To, func(x *ir.Element) bool { return x.AdminInterface }) || trust(f.From) >= trust(f.To) ||
						guarded(f, []string{"least_privilege_rbac"}, f.To) {
						return nil
					}
					return onFlow(f, "reaches the admin interface of %q from %s", f.To.ID, trustName(f.From))
				})
			},
		},
		{
			ID: "TMR-E02", Title: "Path from the application into the control plane",
			Stride: []string{eop}, Impact: 5, Likelihood: 2,
			Rationale:  "A workload that talks to the control plane (Kubernetes API, secret store, pipeline) turns an application compromise into a platform compromise unless its permissions are narrowly scoped.",
			Fix:        "Scope the workload's identity to the least it needs (read one secret path, one namespace) and declare `safeguards least_privilege_rbac` on the flow or the control-plane element.",
			References: []string{"CWE-269", "CWE-250", "OWASP Kubernetes Security Cheat Sheet"},
			Match: func(m *ir.Model) []Hit {
				return calls(m, func(f *ir.Flow) *Hit {
					from := inTrust(f.From, "control") || controlPlane(f.From)
					to := inTrust(f.To, "control") || controlPlane(f.To)
					if from || !to || f.From.Kind == ir.Person || guarded(f, []string{"least_privilege_rbac"}, f.To) {
						return nil
					}
					return onFlow(f, "application %q reaches control plane %q without least_privilege_rbac", f.From.ID, f.To.ID)
				})
			},
		},
		{
			ID: "TMR-C01", Title: "Control plane changes production without admission policy or approval",
			Stride: []string{tampering, eop}, Impact: 5, Likelihood: 2,
			Rationale: "A pipeline or cluster API that can change production workloads with nothing checking what it ships makes one compromised job or credential a backdoor in production. " +
				"A `readonly` flow (a build server pulling sources) changes nothing and does not count.",
			Fix:        "Admit only signed images from your registry (admission policy) or require an approval to deploy; declare `safeguards admission_policy` or `deploy_approval` on the flow or on either end.",
			References: []string{"CWE-494", "CAPEC-439", "SLSA"},
			Match: func(m *ir.Model) []Hit {
				return calls(m, func(f *ir.Flow) *Hit {
					from := inTrust(f.From, "control") || controlPlane(f.From)
					to := inTrust(f.To, "control") || controlPlane(f.To)
					if !from || to || f.Readonly || external(f.To) || f.To.Kind == ir.Person ||
						guarded(f, []string{"admission_policy", "deploy_approval"}, f.From, f.To) {
						return nil
					}
					return onFlow(f, "control plane %q changes %q without admission_policy or deploy_approval", f.From.ID, f.To.ID)
				})
			},
		},
		{
			ID: "TMR-X01", Title: "Call to an external provider without an egress allow-list",
			Stride: []string{disclosure, tampering}, Impact: 3, Likelihood: 3,
			Rationale:  "A workload that may call any host on the internet can be steered (SSRF, a poisoned config) to send data to an attacker instead of the provider.",
			Fix:        "Allow egress only to the provider's hosts and declare `safeguards egress_allow_list` on the flow or the calling element.",
			References: []string{"CWE-918", "CWE-200"},
			Match: func(m *ir.Model) []Hit {
				return calls(m, func(f *ir.Flow) *Hit {
					if !external(f.To) || external(f.From) || f.From.Kind == ir.Person || guarded(f, []string{"egress_allow_list"}, f.From) {
						return nil
					}
					return onFlow(f, "calls external %q without egress_allow_list", f.To.ID)
				})
			},
		},
	}
}

func addUnique(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}
