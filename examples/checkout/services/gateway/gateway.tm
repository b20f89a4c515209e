# API gateway: the only public entry point, for tenant users and for the
# payment provider's webhooks. Owned by edge-team.

person customer "Tenant user" in internet {
  description "A user of one tenant, signed in with a JWT from the tenant's IdP"
}

extend shop {
  container gateway "API Gateway" in edge {
    tech "Envoy + WAF"  owner "edge-team"
    exposure public
    writes_logs
    # rate_limits, tenant_binding and log_redaction below; JWT checks in the jwt filter
    safeguards rate_limiting, token_audience_check, token_issuer_check, tenant_from_token, log_redaction
    component jwt "JWT filter" { tech "envoy.filters.http.jwt_authn" }
    component limiter "Rate limiter" { tech "envoy ratelimit service" }
  }
}

flow place: customer -> shop.gateway "Place order" {
  protocol https  auth jwt  carries order, card, token
  crosses internet, edge "JWT validated at the gateway: signature, iss, aud, exp, tenant claim"
}

flow fwd: shop.gateway -> shop.orders "Forward order" {
  protocol grpc  auth mtls  carries order, card
  crosses edge, cluster "mTLS with SPIFFE workload identity; tenant taken from verified claims only"
}

flow webhook: psp -> shop.gateway "Payment webhook" {
  protocol https  auth hmac  carries payment
  safeguards webhook_signature  # verified by billing on the raw body (control webhook_signature)
  safeguards idempotency_keys  # billing deduplicates by provider event id (control event_dedup)
  crosses vendor, edge "provider source IP allow-list; body passed through unparsed for signature checks"
}

flow webhook_fwd: shop.gateway -> shop.billing "Forward webhook" {
  protocol https  auth mtls  carries payment
  crosses edge, cluster "mTLS; billing verifies the HMAC signature and timestamp itself"
}

# One flow crossing three boundaries, marked in two statements.
flow access_logs: shop.gateway -> shop.logs "Ship access logs" {
  protocol https  auth "node IAM role"  authentication externalized  carries access_log
  crosses edge "Fluent Bit with a node IAM role that may only PutObject"
  crosses cluster, data "VPC endpoint policy limits the bucket to the log writer role"
}

threat cross_tenant_jwt "JWT of one tenant reused against another" {
  stride spoofing  on place  impact 5  likelihood 4
  mitigated_by tenant_binding
}

threat trusted_header "Tenant or user taken from a client-set header" {
  stride spoofing, elevation_of_privilege  on fwd  impact 5  likelihood 3
  description "X-Tenant-Id or X-User-Id sent by the client and trusted downstream"
  mitigated_by header_strip
}

threat card_testing "Card testing and checkout abuse at scale" {
  stride denial_of_service  on place  impact 3  likelihood 4
  description "Bots use stolen cards against checkout: PSP fees, chargebacks, load"
  mitigated_by rate_limits
}

threat token_in_logs "Bearer tokens and PII written to access logs" {
  stride information_disclosure  on access_logs  impact 4  likelihood 3
  mitigated_by log_redaction
}

control tenant_binding "Bind tenant claim to token audience and route" {
  status verified  owner "identity-team"
  test "tenant_binding_test.go:TestTenantBinding"
  evidence "../../docs/adr/0007-tenant-binding.md"
}

control header_strip "Strip client-supplied identity headers" {
  status verified  owner "edge-team"
  test "headers_test.go:TestStripsIdentityHeaders"
  evidence "envoy/strip-headers.yaml"
}

control rate_limits "Rate limits per IP, account, tenant and endpoint class" {
  status implemented  owner "edge-team"
  test "ratelimit_test.go:TestRateLimitsPerTenant"
  evidence "envoy/ratelimit.yaml"
  evidence "../../runbooks/card-testing.md"
}

control log_redaction "Redact Authorization, cookies and PII before shipping logs" {
  status implemented  owner "observability-team"
  test "redaction_test.go:TestRedactsTokens"
  evidence "envoy/access-log.yaml"
}
