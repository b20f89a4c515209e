package rules

import (
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
)

// LINDDUN privacy categories, for the privacy rules.
const (
	linddunDisclosure    = "linddun:data_disclosure"
	linddunNonCompliance = "linddun:non_compliance"
)

// service reports whether the element is a workload: a container or a
// component.
func service(e *ir.Element) bool { return e.Kind == ir.Container || e.Kind == ir.Component }

func isControl(e *ir.Element) bool { return inTrust(e, "control") || controlPlane(e) }

// credentials reports whether the data grants access. Only the data's
// `credentials` flag says so: classification `secret` is a sensitivity
// (strictly confidential business data is secret too), not a kind of data.
func credentials(d *ir.Data) bool { return d.Credentials }
func pii(d *ir.Data) bool         { return d.PII }

// personal reports whether the data is personal, or restricted or secret
// data that is not a credential: a key or token sent to the party that
// issued it is how its API is called, not personal data handed over.
func personal(d *ir.Data) bool {
	return d.PII || !d.Credentials && classRank[d.Classification] >= classRank["restricted"]
}

// encrypted reports whether the flow's transport is encrypted.
func encrypted(f *ir.Flow) bool {
	return encryptedProtocols[strings.ToLower(f.Protocol)] || strings.EqualFold(f.Auth, "mtls") ||
		guarded(f, []string{"mtls", "encryption_in_transit"})
}

// headerAuth reports whether the flow's auth asserts identity in a header a
// caller sets (X-User-Id, X-Tenant-Id, "trusted header").
func headerAuth(f *ir.Flow) bool {
	a := strings.ToLower(f.Auth)
	return strings.Contains(a, "header") || strings.HasPrefix(a, "x-") || strings.Contains(a, " x-")
}

// credentialCheck reports whether the flow carries credentials and nothing
// else: a bind to a directory or a password check, which a service makes
// when a request brings credentials (a login), not on every request.
func credentialCheck(f *ir.Flow) bool {
	if len(f.Carries) == 0 {
		return false
	}
	for _, d := range f.Carries {
		if !d.Credentials {
			return false
		}
	}
	return true
}

// perElement gathers, per target element, the data ids of the flows that
// match, in flow order, and yields one hit per element.
func perElement(m *ir.Model, into func(f *ir.Flow) bool, match func(*ir.Data) bool, msg string) []Hit {
	got := map[*ir.Element][]string{}
	var order []*ir.Element
	for _, f := range m.Flows {
		if f.From == nil || f.To == nil || !into(f) {
			continue
		}
		for _, d := range carried(f, match) {
			if _, ok := got[f.To]; !ok {
				order = append(order, f.To)
			}
			got[f.To] = addUnique(got[f.To], d)
		}
	}
	var out []Hit
	for _, e := range order {
		out = append(out, onElement(e, msg, list(got[e])))
	}
	return out
}

func moreRules() []*Rule {
	return []*Rule{
		{
			ID: "TMR-S04", Title: "Service identity taken from a header the caller sets",
			Stride: []string{spoofing, eop}, Impact: 5, Likelihood: 3,
			Rationale:  "A service that learns who calls it (user, tenant, service) from a header such as X-User-Id trusts whatever any workload on the path, or a client whose header was not stripped, puts there.",
			Fix:        "Authenticate workloads cryptographically (mTLS with workload identity, signed tokens) and say so in `auth`; if a mesh authenticates the peer that sets the header, declare `safeguards mtls` on the flow.",
			References: []string{"CWE-290", "CWE-807", "CAPEC-94", "OWASP ASVS V4"},
			Match: func(m *ir.Model) []Hit {
				return calls(m, func(f *ir.Flow) *Hit {
					if !headerAuth(f) || external(f.To) || !service(f.To) || guarded(f, []string{"mtls"}) {
						return nil
					}
					return onFlow(f, "%q takes the caller's identity from a header (auth %q) without mtls", f.To.ID, f.Auth)
				})
			},
		},
		{
			ID: "TMR-S05", Title: "Replayable callback from an external party",
			Stride: []string{spoofing, tampering}, Impact: 4, Likelihood: 3,
			Rationale:  "Providers redeliver callbacks (timeouts, retries for days) and an attacker can replay a signed one: a receiver that does not deduplicate by event id applies the same event twice or applies an old one.",
			Fix:        "Deduplicate callbacks by the provider's event id and reject stale timestamps; declare `safeguards idempotency_keys` on the flow or the receiving element.",
			References: []string{"CWE-294", "CAPEC-60"},
			Match: func(m *ir.Model) []Hit {
				return calls(m, func(f *ir.Flow) *Hit {
					if !external(f.From) || f.From.Kind == ir.Person || external(f.To) || guarded(f, []string{"idempotency_keys"}, f.To) {
						return nil
					}
					return onFlow(f, "callback from external %q into %q without idempotency_keys", f.From.ID, f.To.ID)
				})
			},
		},
		{
			ID: "TMR-T03", Title: "Out-of-order or duplicate delivery of tenant data",
			Stride: []string{tampering}, Impact: 3, Likelihood: 3,
			Rationale:  "Queues redeliver and reorder: a consumer that applies `payment.failed` after `payment.succeeded`, or the same event twice, corrupts state (an order paid twice, refunded and then shipped).",
			Fix:        "Make consumers idempotent (event ids, versions) or rely on a per-key ordering guarantee; declare `safeguards idempotency_keys` or `ordering_guarantee` on the flow, the queue or the consumer.",
			References: []string{"CWE-362", "CWE-841"},
			Match: func(m *ir.Model) []Hit {
				return flows(m, func(f *ir.Flow) *Hit {
					if f.From.Kind != ir.Queue || guarded(f, []string{"idempotency_keys", "ordering_guarantee"}, f.From, f.To) {
						return nil
					}
					ds := carried(f, func(d *ir.Data) bool { return d.TenantScoped || confidential(d) })
					if len(ds) == 0 {
						return nil
					}
					return onFlow(f, "%q consumes %s from queue %q without idempotency_keys or ordering_guarantee", f.To.ID, list(ds), f.From.ID)
				})
			},
		},
		{
			ID: "TMR-R02", Title: "Sensitive action without an audit trail",
			Stride: []string{repudiation}, Impact: 3, Likelihood: 3,
			Rationale: "Administrative actions and a workload's use of credentials (data flagged `credentials`) across a trust boundary are what an investigation needs to reconstruct; without an audit log nobody can say who did what, or prove they did not. " +
				"Writing a session or a token to a cache or a queue stores it (TMR-I07) and is not such an action, and neither is the reply on a call (`response_to`): the call is the action.",
			Fix:        "Write each such action (who, what, when, which tenant) to a tamper-evident audit log and declare `safeguards audit_logging` on the flow or the receiving element.",
			References: []string{"CWE-778", "CWE-223", "OWASP ASVS V7", "OWASP Logging Cheat Sheet"},
			Match: func(m *ir.Model) []Hit {
				return calls(m, func(f *ir.Flow) *Hit {
					if external(f.To) || f.To.Kind == ir.Person || guarded(f, []string{"audit_logging"}, f.To) {
						return nil
					}
					if fact(f.To, func(x *ir.Element) bool { return x.AdminInterface }) {
						return onFlow(f, "reaches the admin interface of %q without audit_logging", f.To.ID)
					}
					// Writing a session or a token to a cache or a queue
					// stores it (TMR-I07 is about that); it is not a use
					// of the credentials that an investigation needs.
					// A person's login (from their browser or app) is
					// theirs to make; the rule is about workloads using
					// credentials.
					if len(f.Crossings) == 0 || human(f.From) || f.To.Kind == ir.Cache || f.To.Kind == ir.Queue {
						return nil
					}
					ds := carried(f, credentials)
					if len(ds) == 0 {
						return nil
					}
					return onFlow(f, "%s cross into %q without audit_logging", list(ds), f.To.ID)
				})
			},
		},
		{
			ID: "TMR-I05", Title: "Tenant-scoped data in a shared queue or store without tenant isolation",
			Stride: []string{disclosure}, Impact: 4, Likelihood: 3,
			Rationale:  "A queue, database or bucket shared by all tenants, with no isolation, lets any consumer or query that forgets the tenant filter read every tenant's data.",
			Fix:        "Isolate tenants (topic or key per tenant, row-level security, schema or instance per tenant) and declare it: `tenancy row_level|schema|database`, or `safeguards tenant_isolation` on the store.",
			References: []string{"CWE-668", "CWE-639", "OWASP Multi-Tenant Security Cheat Sheet"},
			Match: func(m *ir.Model) []Hit {
				return perElement(m, func(f *ir.Flow) bool {
					return (f.To.Kind == ir.Queue || f.To.Kind == ir.Database || f.To.Kind == ir.Bucket) && f.To.Tenancy == "shared" &&
						!guarded(f, []string{"tenant_isolation"}, f.To)
				}, tenantScoped, "shared by all tenants, holds tenant-scoped %s without tenant_isolation")
			},
		},
		{
			ID: "TMR-I06", Title: "Public element writes logs without redaction",
			Stride: []string{disclosure}, Impact: 3, Likelihood: 3,
			Rationale:  "A publicly exposed element logs what attackers and users send it: Authorization headers, cookies, query strings with tokens or personal data, whether the model lists that data or not.",
			Fix:        "Redact Authorization, cookies, tokens and PII in access and application logs, and declare `safeguards log_redaction` on the element.",
			References: []string{"CWE-532", "CWE-359", "OWASP Logging Cheat Sheet"},
			Match: func(m *ir.Model) []Hit {
				var out []Hit
				for _, e := range m.Elements {
					if e.Exposure == "public" && e.WritesLogs && !guarded(nil, []string{"log_redaction"}, e) {
						out = append(out, onElement(e, "public, writes logs, without log_redaction"))
					}
				}
				return out
			},
		},
		{
			ID: "TMR-I07", Title: "Credentials held in a cache",
			Stride: []string{disclosure}, Impact: 4, Likelihood: 2,
			Rationale:  "Caches are built for speed, not secrecy: they are often reachable by many services, dumped for debugging and not encrypted, so tokens and keys cached there outlive their purpose and leak.",
			Fix:        "Cache only references or hashes of credentials; if you must cache them, encrypt the cache at rest, scope access to one service and declare `encrypted_at_rest` on it.",
			References: []string{"CWE-524", "CWE-522"},
			Match: func(m *ir.Model) []Hit {
				return perElement(m, func(f *ir.Flow) bool { return f.To.Kind == ir.Cache && !f.To.EncryptedAtRest },
					credentials, "caches %s and is not encrypted_at_rest")
			},
		},
		{
			ID: "TMR-I08", Title: "Personal data in a queue or cache not encrypted at rest",
			Stride: []string{disclosure, linddunDisclosure}, Impact: 3, Likelihood: 2,
			Rationale:  "Brokers and caches persist what passes through them (log segments, snapshots, swap): personal data there is at rest, with the same exposure as in a database.",
			Fix:        "Enable encryption at rest on the broker or cache (KMS-backed volumes, MSK or ElastiCache encryption) and declare `encrypted_at_rest` on it.",
			References: []string{"CWE-311", "CWE-359", "GDPR Art. 32"},
			Match: func(m *ir.Model) []Hit {
				return perElement(m, func(f *ir.Flow) bool {
					return (f.To.Kind == ir.Queue || f.To.Kind == ir.Cache) && !f.To.EncryptedAtRest
				}, pii, "holds personal data %s and is not encrypted_at_rest")
			},
		},
		{
			ID: "TMR-D03", Title: "Retries to an external provider without backoff or idempotency",
			Stride: []string{dos, tampering}, Impact: 4, Likelihood: 3,
			Rationale:  "When a provider slows down, every replica retrying at once turns an outage into a retry storm, and a retried request without an idempotency key is executed twice (a double charge, two emails).",
			Fix:        "Retry with jittered backoff inside a budget, behind a circuit breaker, and send an idempotency key; declare `safeguards retry_backoff, idempotency_keys` (or `idempotency_key`) on the flow.",
			References: []string{"CWE-400", "CWE-837", "AWS Builders' Library: timeouts, retries and backoff with jitter"},
			Match: func(m *ir.Model) []Hit {
				return calls(m, func(f *ir.Flow) *Hit {
					if !external(f.To) || external(f.From) || f.From.Kind == ir.Person {
						return nil
					}
					miss := missing(f, []string{"retry_backoff", "idempotency_keys"}, f.From)
					if len(miss) == 0 {
						return nil
					}
					return onFlow(f, "calls external %q without %s", f.To.ID, list(miss))
				})
			},
		},
		{
			ID: "TMR-D04", Title: "Expensive work on a synchronous public path to a database",
			Stride: []string{dos}, Impact: 3, Likelihood: 3,
			Rationale: "A database that a public element reaches synchronously, directly or through one service, does work for every anonymous or cheap request: a handful of clients can exhaust its connections or run up its bill, even below a per-client rate limit. " +
				"A call from the service that carries only credentials (a directory bind, a password check) is made at login, so it counts only behind a public request that carries credentials too.",
			Fix:        "Cap the work per tenant or account (quotas, query cost limits, bounded pagination) and declare `safeguards quota` on the public element, the service between, or the flow into the store; or move the work behind a queue.",
			References: []string{"CWE-400", "CWE-770", "OWASP API4:2023"},
			Match: func(m *ir.Model) []Hit {
				out := map[*ir.Flow]*ir.Element{}
				var order []*ir.Flow
				quota := []string{"quota"}
				hit := func(f *ir.Flow, pub *ir.Element) {
					if _, ok := out[f]; !ok {
						out[f] = pub
						order = append(order, f)
					}
				}
				into := map[*ir.Element][]*ir.Flow{}
				for _, f := range m.Flows {
					if f.From != nil && f.To != nil {
						into[f.From] = append(into[f.From], f)
					}
				}
				for _, e := range m.Elements {
					if e.Exposure != "public" || guarded(nil, quota, e) {
						continue
					}
					for _, f := range into[e] {
						switch {
						case f.To.Kind == ir.Database:
							if !guarded(f, quota, f.To) {
								hit(f, e)
							}
						case service(f.To) && !external(f.To) && !guarded(f, quota, f.To):
							login := len(carried(f, credentials)) > 0
							for _, g := range into[f.To] {
								if g.To.Kind == ir.Database && !guarded(g, quota, g.To) && (login || !credentialCheck(g)) {
									hit(g, e)
								}
							}
						}
					}
				}
				var hits []Hit
				for _, f := range order {
					hits = append(hits, *onFlow(f, "public %q reaches database %q synchronously without quota", out[f].ID, f.To.ID))
				}
				return hits
			},
		},
		{
			ID: "TMR-C02", Title: "Control plane receives long-lived secrets",
			Stride: []string{disclosure, eop}, Impact: 5, Likelihood: 2,
			Rationale:  "A pipeline or control-plane service handed long-lived credentials holds the keys to production: every job, plugin and maintainer of the pipeline can read them, and they leak through logs and caches.",
			Fix:        "Issue short-lived credentials (OIDC federation) or fetch secrets from a vault at run time, scoped to the job; declare `safeguards secrets_from_vault` on the flow or on either end.",
			References: []string{"CWE-798", "CWE-522", "OWASP CI/CD Security Risks CICD-SEC-6"},
			Match: func(m *ir.Model) []Hit {
				return flows(m, func(f *ir.Flow) *Hit {
					if !isControl(f.To) || guarded(f, []string{"secrets_from_vault"}, f.From, f.To) {
						return nil
					}
					ds := carried(f, credentials)
					if len(ds) == 0 {
						return nil
					}
					return onFlow(f, "control plane %q receives %s without secrets_from_vault", f.To.ID, list(ds))
				})
			},
		},
		{
			ID: "TMR-C03", Title: "Control plane without least-privilege RBAC",
			Stride: []string{eop}, Impact: 5, Likelihood: 2,
			Rationale:  "A cluster API or control-plane service that grants every caller broad rights (cluster-admin, a shared deploy role) makes any caller's compromise a compromise of everything it manages.",
			Fix:        "Bind each caller to a role that grants only what it needs (one namespace, one verb set) and declare `safeguards least_privilege_rbac` on the element, or on every flow into it.",
			References: []string{"CWE-269", "CWE-732", "OWASP Kubernetes Security Cheat Sheet", "CIS Kubernetes Benchmark 5.1"},
			Match: func(m *ir.Model) []Hit {
				var out []Hit
				seen := map[*ir.Element]bool{}
				for _, f := range m.Flows {
					e := f.To
					if f.From == nil || e == nil || seen[e] || !service(e) || !isControl(e) ||
						!fact(e, func(x *ir.Element) bool { return x.AdminInterface || x.ControlPlane }) ||
						guarded(f, []string{"least_privilege_rbac"}, e) {
						continue
					}
					seen[e] = true
					out = append(out, onElement(e, "control plane reached by flow %q without least_privilege_rbac", f.ID))
				}
				return out
			},
		},
		{
			ID: "TMR-C04", Title: "Deploy flow without pinned images",
			Stride: []string{tampering}, Impact: 4, Likelihood: 2,
			Rationale:  "A pipeline that builds from or deploys mutable tags (`:latest`, a base image tag) ships whatever the tag points to that day: a compromised upstream image or a re-pushed tag goes to production unreviewed.",
			Fix:        "Pin base images, dependencies and deployed images by digest and declare `safeguards pinned_images` on the flow or on either end.",
			References: []string{"CWE-829", "CWE-494", "SLSA", "OWASP CI/CD Security Risks CICD-SEC-3"},
			Match: func(m *ir.Model) []Hit {
				return flows(m, func(f *ir.Flow) *Hit {
					if !service(f.From) || !service(f.To) || !isControl(f.From) || !isControl(f.To) ||
						len(carried(f, credentials)) > 0 || guarded(f, []string{"pinned_images"}, f.From, f.To) {
						return nil
					}
					return onFlow(f, "control plane %q ships to %q without pinned_images", f.From.ID, f.To.ID)
				})
			},
		},
		{
			ID: "TMR-X02", Title: "Personal data sent to a third party without data minimisation",
			Stride: []string{disclosure, linddunDisclosure, linddunNonCompliance}, Impact: 4, Likelihood: 3,
			Rationale: "Personal or restricted data sent to a provider (payment, email, KYC, an LLM) leaves your control: it is processed, logged and retained under the provider's terms, and every field sent needs a purpose. " +
				"Credentials that are not personal data are not counted: a key or token sent to the provider that issued it is how its API is called.",
			Fix:        "Send only what the provider needs (tokens instead of card numbers, pseudonymous ids, no free text to LLMs), over an encrypted channel, under a processing agreement; declare `safeguards data_minimization` on the flow.",
			References: []string{"CWE-359", "LINDDUN", "GDPR Art. 5(1)(c) and 28", "OWASP Top 10 for LLM Applications LLM06"},
			Peers:      []string{"pytm:sensitive data to a model provider"},
			Match: func(m *ir.Model) []Hit {
				return flows(m, func(f *ir.Flow) *Hit {
					if !external(f.To) || external(f.From) {
						return nil
					}
					ds := carried(f, personal)
					if len(ds) == 0 {
						return nil
					}
					if !encrypted(f) {
						return onFlow(f, "sends %s to external %q unencrypted", list(ds), f.To.ID)
					}
					if guarded(f, []string{"data_minimization"}, f.From) {
						return nil
					}
					return onFlow(f, "sends %s to external %q without data_minimization", list(ds), f.To.ID)
				})
			},
		},
	}
}
