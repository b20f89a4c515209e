package compiler_test

import (
	"strings"
	"testing"
)

// TestCheckoutThreatClasses walks the threats of the example's
// multi-tenant checkout flow that issue #6 lists. Each is either found by
// its rule (the model lacks the safeguard) or silenced by what the model
// declares (a safeguard, an authentication, or the shape of the model);
// for a silenced one, the test undoes that in a copy of the example and
// the rule must then fire on the named target, so a rule that silently
// stopped matching cannot pass as "silenced".
func TestCheckoutThreatClasses(t *testing.T) {
	type edit struct{ file, old, new string }
	cases := []struct {
		threat string
		rule   string // the finding, as RULE@TARGET
		found  bool   // found in the example as it is
		undo   edit   // for a silenced one: the change that brings it back
	}{
		{"JWT reused across tenants", "TMR-S02@place", false,
			edit{"services/gateway/gateway.tm", "token_audience_check, token_issuer_check, ", ""}},
		{"service identity from trusted headers", "TMR-S04@fwd", false,
			edit{"services/gateway/gateway.tm", "protocol grpc  auth mtls", `protocol grpc  auth "X-Service-Name header"`}},
		{"forged payment webhooks", "TMR-S03@webhook", false,
			edit{"services/gateway/gateway.tm", "safeguards webhook_signature", ""}},
		{"unauthorized queue producers", "TMR-T01@order_created", false,
			edit{"services/events/events.tm", "safeguards producer_authentication", ""}},
		// The order service takes the tenant from verified claims; the
		// forwarded webhook carries no tenant a user sets (the provider
		// signs it), so only the forwarded order can bring it back.
		{"tenant id altered in the request", "TMR-T02@fwd", false,
			edit{"services/orders/orders.tm", "safeguards tenant_from_token  # decision adr0007", ""}},
		{"missing audit trail", "TMR-R02@psp_key_read", true, edit{}},
		{"tenant-unaware cache", "TMR-I01@cart_rw", true, edit{}},
		{"tokens or PII in logs", "TMR-I04@shop.gateway", false,
			edit{"services/gateway/gateway.tm", ", log_redaction", ""}},
		{"retry storms", "TMR-D03@charge", false,
			edit{"services/billing/billing.tm", "safeguards egress_allow_list, retry_backoff", "safeguards egress_allow_list"}},
		{"queue backlog", "TMR-D02@order_delivery", true, edit{}},
		// Engineers reach the Kubernetes API only through the pipeline:
		// a direct route from the internet brings the finding back.
		{"user to admin", "TMR-E01@kubectl", false,
			edit{"services/deployer/deployer.tm", "flow push_image:", "flow kubectl: engineer -> shop.kube \"Run kubectl\" { protocol https  auth sso  crosses internet, ci \"SSO\" }\nflow push_image:"}},
		{"application to control plane", "TMR-E02@psp_key_read", false,
			edit{"services/billing/billing.tm", "safeguards least_privilege_rbac  # read-only Vault policy on psp/*", ""}},
	}
	base := fingerprints(t, "../examples/checkout")
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			if base[c.rule] != c.found {
				t.Fatalf("%s (%s): found in the example = %v, want %v", c.threat, c.rule, base[c.rule], c.found)
			}
			if c.found {
				return
			}
			dir, edited := t.TempDir(), false
			copyTree(t, "../examples/checkout", dir, func(rel string, data []byte) []byte {
				if rel != c.undo.file {
					return data
				}
				if !strings.Contains(string(data), c.undo.old) {
					t.Fatalf("%s no longer contains %q", c.undo.file, c.undo.old)
				}
				edited = true
				return []byte(strings.Replace(string(data), c.undo.old, c.undo.new, 1))
			})
			if !edited {
				t.Fatalf("%s is not in the example", c.undo.file)
			}
			if got := fingerprints(t, dir); !got[c.rule] {
				t.Errorf("%s: without %q the rule does not fire; findings: %v", c.threat, c.undo.old, got)
			}
		})
	}
}

func fingerprints(t *testing.T, dir string) map[string]bool {
	t.Helper()
	set := map[string]bool{}
	for _, fp := range findingsOf(t, dir) {
		set[fp] = true
	}
	return set
}
