# Checkout platform: the model block, the trust boundaries, the data assets
# and the views. Each service adds its own containers, flows and threats in
# services/<name>/<name>.tm, in the same pull request as its code.

model "Checkout platform" {
  owner "platform-security"
  reviewed 2026-11-01
  description """
    End-to-end multi-tenant checkout, from the public client to the
    payment provider, including the CI/CD control plane that deploys it.

    **In scope:** the checkout API, order and billing services, their
    stores, the event bus, payment webhooks, the deploy pipeline.

    **Out of scope:** the storefront front end, tenant IdPs, analytics.

    Invariant: *no operation reads or writes outside the caller's tenant.*
  """
}

boundary internet "Internet" {
  trust untrusted
  description "Tenant users, engineers' laptops, anything not ours"
}
boundary edge "Edge" {
  trust low
  owner "edge-team"
  description "Public load balancer and API gateway; terminates TLS"
}
boundary cluster "Production cluster" {
  trust high
  owner "platform-team"
  description "EKS workloads in a service mesh (Istio, strict mTLS)"
  boundary data "Data tier" {
    trust high
    description "Private subnets; reachable only from labelled workloads"
  }
}
boundary vendor "Payment provider" { trust external }
boundary ci "CI/CD and control plane" {
  trust control
  owner "platform-team"
  description "GitHub Actions, image registry, Kubernetes API, Vault"
}

system shop "Shop platform" {
  description "Multi-tenant B2B shop; tenants are isolated by tenant_id"
  owner "platform-team"
  multi_tenant
  bucket logs "Log archive" in data {
    tech "S3 with Object Lock"  owner "observability-team"
    encrypted_at_rest
  }
}

data token "Access token" {
  classification secret  credentials  tenant_scoped
  description "Tenant IdP JWT: iss, aud, exp, sub, tenant"
}
data order "Order" { classification confidential  tenant_scoped }
data profile "Customer profile" { classification confidential  pii  tenant_scoped }
data cart "Cart and session" { classification confidential  tenant_scoped }
data card "Card token" { classification restricted  pii }
data payment "Payment event" { classification confidential  tenant_scoped }
data psp_key "PSP API key" { classification secret  credentials  owner "payments-team" }
data webhook_secret "Webhook signing secret" { classification secret  credentials }
data access_log "Access log" { classification internal  pii }
data release "Release image and manifests" { classification internal }

view checkout_dfd "Checkout data flow" {
  dfd
  include customer, shop.*, psp
  exclude shop.deployer, shop.registry, shop.kube, shop.secrets
}
view data_path "Data path" {
  dfd
  include shop.**
  exclude shop.deployer, shop.registry, shop.kube
}
view control_plane "Control plane" {
  dfd
  include engineer, shop.deployer, shop.registry, shop.kube, shop.secrets
  include shop.gateway, shop.orders, shop.billing
}
view shop_containers "Shop containers" { container of shop }
view landscape "Landscape" { context }
