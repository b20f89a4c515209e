package gateway

import "testing"

// Stand-ins so the model's test paths resolve; the real tests live with the
// service code.

// TestRateLimitsPerTenant checks that checkout requests beyond the per-IP, per-account and per-tenant limits get 429.
func TestRateLimitsPerTenant(t *testing.T) {}
