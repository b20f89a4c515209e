# Order service: creates orders, owns the orders database and the session
# cache, publishes order events. Owned by orders-team.

extend shop {
  container orders "Order service" in cluster {
    tech "Go"  owner "orders-team"
    exposure internal
    safeguards tenant_from_token  # decision adr0007
    component api "gRPC API" { tech "grpc-go" }
    component authz "Tenant authorizer" { tech "OPA sidecar" }
  }
  database db "Orders DB" in data {
    tech "PostgreSQL 16"
    tenancy row_level
    encrypted_at_rest
  }
  cache sessions "Session cache" in data {
    tech "Redis 7"
    tenancy shared
  }
}

flow shop.orders.api -> shop.orders.authz "Authorize(tenant, action, resource)" { protocol grpc }

flow store: shop.orders -> shop.db "Store order" {
  protocol postgres  auth "per-service role"  authentication credentials
  carries order, profile, card
  crosses data "per-service DB role; row-level security on tenant_id"
}

flow cart_rw: shop.orders -> shop.sessions "Read and write cart" {
  protocol redis  auth "ACL user"  authentication credentials  carries cart
  crosses data "Redis ACL user per service, TLS; keys not yet tenant-prefixed"
}

flow order_created: shop.orders -> shop.events "Publish order.created" {
  protocol kafka  auth mtls  carries order, card
}

sequence checkout "Checkout with payment" {
  customer -> shop.gateway "POST /orders (JWT)"
  note over shop.gateway "verify JWT, bind tenant, strip identity headers"
  shop.gateway -> shop.orders "CreateOrder(tenant from claims)"
  note over shop.orders "OPA: allow(tenant, order:create)?"
  opt "cart cached" {
    shop.orders -> shop.sessions "GET cart"
  }
  shop.orders -> shop.db "INSERT order (tenant_id)"
  shop.orders --> shop.gateway "201 Created"
  shop.gateway --> customer "201 Created, order id"
  shop.orders -> shop.events "order.created"
  shop.events -> shop.billing "deliver order.created"
  shop.billing -> shop.secrets "read PSP API key (lease)"
  shop.billing -> psp "charge (idempotency key = order id)"
  loop "on timeout or 5xx, at most 3 times, same key" {
    shop.billing -> psp "retry charge"
  }
  psp --> shop.billing "charge pending"
  par "record and notify" {
    shop.billing -> shop.ledger "INSERT charge (tenant_id)"
  } and {
    shop.billing -> shop.events "payment.pending"
  }
  note over shop.billing, psp "the final result arrives by webhook"
}

threat tenant_tamper "Order written under another tenant's id" {
  stride tampering, information_disclosure  on store  impact 5  likelihood 2
  mitigated_by rls, tenant_policy
}

threat cache_leak "Cart served to another tenant from the shared cache" {
  stride information_disclosure  on cart_rw  impact 4  likelihood 3
  mitigated_by tenant_cache_keys
  claims "TMR-I01@cart_rw"
  accepted "keys carry the user id, which is unique across tenants; prefixing ships with ADR 0009" by "orders-lead" until 2027-06-30
}

control rls "Row-level security on tenant_id" {
  status verified  owner "orders-team"
  test "rls_test.go:TestRowLevelSecurity"
  evidence "migrations/0003_rls.sql"
}

control tenant_policy "Tenant authorization policy in OPA" {
  status implemented  owner "orders-team"
  test "../../policies/tenant_authz_test.rego"
  evidence "../../policies/tenant_authz.rego"
}

control tenant_cache_keys "Tenant-prefixed cache keys with per-tenant TTL" {
  status planned  owner "orders-team"
  evidence "../../docs/adr/0009-tenant-cache-keys.md"
}

decision adr0007 "Tenant resolved from verified token claims only" {
  status accepted
  file "../../docs/adr/0007-tenant-binding.md"
  affects shop.gateway, shop.orders
}

decision adr0009 "Tenant-aware cache keys" {
  status proposed
  file "../../docs/adr/0009-tenant-cache-keys.md"
  affects shop.orders, shop.sessions
}
