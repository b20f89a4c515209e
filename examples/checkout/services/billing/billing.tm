# Billing: charges orders at the payment provider and handles its webhooks.
# Owned by payments-team.

system psp "Payment provider" in vendor {
  external
  description "PCI DSS Level 1 provider: tokenizes cards, sends signed webhooks"
}

extend shop {
  container billing "Billing" in cluster {
    tech "Go"  owner "payments-team"
    exposure private
    safeguards secrets_from_vault
  }
  database ledger "Payments ledger" in data {
    tech "PostgreSQL 16, append-only table"
    tenancy row_level
    encrypted_at_rest
  }
}

flow charge: shop.billing -> psp "Charge card" {
  protocol https  auth "API key"  carries card, payment
  idempotency_key
  safeguards egress_allow_list, retry_backoff  # control retry_budget
  safeguards data_minimization  # card token only; the provider tokenizes cards
  crosses cluster, vendor "egress allow-list to the provider's API host; API key from Vault"
}

flow record: shop.billing -> shop.ledger "Record charge" {
  protocol postgres  carries payment
  crosses data "billing DB role may only INSERT and SELECT; row-level security on tenant_id"
}

flow payment_events: shop.billing -> shop.events "Publish payment events" {
  protocol kafka  auth mtls  carries payment
}

flow psp_key_read: shop.billing -> shop.secrets "Read PSP API key and webhook secret" {
  protocol https  auth "Kubernetes service account"  authentication token
  carries psp_key, webhook_secret
  safeguards least_privilege_rbac  # read-only Vault policy on psp/*
  crosses cluster, ci "Vault Kubernetes auth bound to the billing service account; read-only policy on psp/*"
}

sequence webhook_handling "Payment webhook handling" {
  psp -> shop.gateway "POST /webhooks/psp (Signature header)"
  shop.gateway -> shop.billing "forward raw body"
  note over shop.billing "verify HMAC-SHA256 and timestamp (5 min), look up event id"
  alt "valid signature, new event" {
    shop.billing -> shop.ledger "UPDATE charge status"
    shop.billing -> shop.events "payment.succeeded or payment.failed"
    shop.billing --> shop.gateway "200"
    shop.gateway --> psp "200 OK"
  } else "valid signature, event already seen" {
    shop.billing --> shop.gateway "200 (duplicate, ignored)"
    shop.gateway --> psp "200 OK"
  } else "bad signature or stale timestamp" {
    shop.billing --> shop.gateway "401"
    shop.gateway --> psp "401"
    note over shop.billing "alert: webhook.signature_invalid"
  }
  loop "provider retries non-2xx for up to 3 days" {
    psp -> shop.gateway "redeliver event"
  }
}

threat forged_webhook "Forged or replayed payment webhook marks an order paid" {
  stride spoofing, tampering  on webhook  impact 5  likelihood 3
  mitigated_by webhook_signature, event_dedup
}

threat retry_storm "Retry storm against the provider, double charges" {
  stride denial_of_service, tampering  on charge  impact 4  likelihood 3
  description "Timeouts trigger retries from every replica at once; a retry without the same key charges twice"
  mitigated_by charge_idempotency, retry_budget
}

threat payment_dispute "Disputed charge without a correlatable audit trail" {
  stride repudiation  on record  impact 3  likelihood 2
  accepted "ledger rows and provider events share the order id; end-to-end trace ids come with the tracing rollout" by "payments-lead" until 2027-06-30
}

threat card_data_at_provider "Card data exposed at the payment provider" {
  stride information_disclosure  on psp  impact 5  likelihood 1
  transferred "provider holds card data under its PCI DSS Level 1 attestation; liability per contract section 9"
}

control webhook_signature "Verify webhook HMAC, timestamp tolerance 5 minutes" {
  status verified  owner "payments-team"
  test "webhook_test.go:TestRejectsForgedWebhook"
  evidence "../../runbooks/webhook-secret-rotation.md"
}

control event_dedup "Deduplicate provider events by event id" {
  status implemented  owner "payments-team"
  test "webhook_test.go:TestIgnoresReplayedEvent"
  evidence "../../docs/adr/0008-idempotent-payments.md"
}

control charge_idempotency "Idempotency key = order id on every charge" {
  status verified  owner "payments-team"
  test "charge_test.go:TestChargeIsIdempotent"
  evidence "../../docs/adr/0008-idempotent-payments.md"
}

control retry_budget "Retry budget, jittered backoff and circuit breaker to the provider" {
  status implemented  owner "payments-team"
  evidence "../../runbooks/psp-outage.md"
}

decision adr0008 "Idempotent payments and event deduplication" {
  status accepted
  file "../../docs/adr/0008-idempotent-payments.md"
  affects shop.billing, shop.events
}
