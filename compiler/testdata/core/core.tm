model "Checkout platform" {
  owner "platform-security"
  reviewed 2026-11-01
  description """
    End-to-end multi-tenant checkout, from the public client to the
    payment provider.
  """
}

# Trust boundaries nest. trust: untrusted | low | medium | high | external | control
boundary internet "Internet" { trust untrusted }
boundary edge "Edge" { trust low }
boundary cluster "Production cluster" {
  trust high
  boundary data "Data tier" { trust high }
}
boundary vendor "Payment provider" { trust external }
boundary ci "CI/CD and control plane" { trust control }

# C4 elements: person, system, container, component. Container variants that
# DFDs draw as stores or queues: database, cache, queue, bucket.
# `in B` places an element in boundary B; children inherit it unless they say otherwise.
person customer "Tenant user" in internet {
  description "A user of one tenant, signed in with a JWT"
}

system shop "Shop platform" {
  container gateway "API Gateway" in edge {
    tech "Envoy + WAF"
    exposure public
  }
  container orders "Order service" in cluster {
    tech "Go"
    component authz "Tenant authorizer" { tech "OPA sidecar" }
  }
  database db "Orders DB" in data {
    tech "PostgreSQL"
    tenancy row_level
    encrypted_at_rest
  }
  cache sessions "Session cache" in data {
    tech "Redis"
    tenancy shared
  }
  queue events "Order events" in cluster { tech "Kafka" }
  container billing "Billing" in cluster { tech "Go" }
}

system psp "Payment provider" in vendor { external }

# Another file can add to an element declared elsewhere.
extend shop {
  container deployer "Deploy pipeline" in ci { tech "GitHub Actions" }
}

data token "Access token" { classification secret }
data order "Order" { classification confidential  tenant_scoped }
data card "Card token" { classification restricted  pii }

# Flows: [ID:] FROM -> TO "label". A flow whose ends lie in different
# boundaries must name every boundary it leaves or enters in `crosses`,
# with how trust is established there. Missing names are errors; names of
# boundaries it does not cross are warnings (the mark went stale).
flow place: customer -> shop.gateway "Place order" {
  protocol https
  carries order, token
  auth jwt
  crosses internet, edge "JWT validated at the gateway: iss, aud, exp, tenant claim"
}

flow fwd: shop.gateway -> shop.orders "Forward order" {
  protocol grpc
  auth mtls
  carries order
  crosses edge, cluster "mTLS with workload identity; tenant taken from verified claims only"
}

flow shop.orders -> shop.db "Store order" {
  protocol postgres
  carries order
  crosses data "per-service DB role; row-level security on tenant_id"
}

flow shop.orders -> shop.events "Publish order.created" { carries order }
flow shop.events -> shop.billing "Deliver order.created" { carries order }
flow shop.billing -> shop.events "Publish payment events" { carries order }

flow shop.billing -> psp "Charge card" {
  protocol https
  carries card
  idempotency_key
  crosses cluster, vendor "egress allow-list; API key from the secret store"
}

flow webhook: psp -> shop.billing "Payment webhook" {
  protocol https
  # error: crosses vendor and cluster, but does not say so
}

# Sequences: ordered messages between elements. `->` request, `-->` reply.
# A request must match a flow FROM -> TO; a reply matches the flow TO -> FROM
# (the request it answers) or a flow FROM -> TO.
sequence checkout "Checkout with payment" {
  customer -> shop.gateway "POST /orders (JWT)"
  shop.gateway -> shop.orders "CreateOrder(tenant from claims)"
  shop.orders -> shop.db "INSERT order (tenant_id)"
  shop.orders --> shop.gateway "201 Created"
  shop.orders -> shop.events "order.created"
  shop.events -> shop.billing "deliver order.created"
  shop.billing -> psp "charge (idempotency key)"
  psp -> shop.billing "webhook charge.succeeded"
  note over shop.billing "dedupe on event id"
  alt "charge failed" {
    shop.billing -> shop.events "payment.failed"
  } else "charge succeeded" {
    shop.billing -> shop.events "payment.succeeded"
  }
  opt "first order of the tenant" {
    shop.orders -> shop.events "tenant.activated"
  }
  loop "until acknowledged" {
    shop.events -> shop.billing "redeliver order.created"
  }
  par "fan-out" {
    shop.orders -> shop.db "UPDATE stock"
  } and {
    shop.orders -> shop.events "stock.reserved"
  }
  note over shop.orders, shop.events "same transaction id"
}

# Threats attach to a flow (by ID or FROM -> TO when unique), an element or a boundary.
# stride: spoofing | tampering | repudiation | information_disclosure |
#         denial_of_service | elevation_of_privilege
# impact and likelihood: 1 (lowest) to 5 (highest)
threat cross_tenant_jwt "JWT reused across tenants" {
  stride spoofing
  on place
  impact 5
  likelihood 4
  mitigated_by tenant_binding
}

threat forged_webhook "Forged payment webhook" {
  stride spoofing, tampering
  on webhook
  impact 5
  likelihood 3
}

control tenant_binding "Bind tenant to token audience" {
  status implemented        # proposed | planned | implemented | verified
  owner "identity-team"
  test "services/gateway/auth_test.go"
  evidence "docs/adr/0007-tenant-binding.md"
}

decision adr8 "Opaque tokens between services" {
  status accepted
  file "docs/adr/0008-opaque-tokens.md"
  affects shop.gateway, shop.orders
}

# Views are optional: without any, tmc draws a DFD of the whole model, a C4
# context view, a container view per system, a component view per container
# that has components, and one sequence diagram per sequence.
view checkout_dfd "Checkout data flow" {
  dfd
  include customer, shop.*, psp
}
view shop_containers "Shop containers" { container of shop }
view landscape "Landscape" { context }
view orders_parts "Order service parts" { component of shop.orders }
view data_path "Data path" {
  dfd
  include shop.**
  exclude shop.deployer
}
