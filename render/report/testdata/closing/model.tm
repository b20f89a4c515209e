# Findings closed the ways a team closes them: a control that provides
# the safeguard, a threat that claims the finding, an acceptance until a
# date, and a dismissal of a false positive.
boundary vendor "Payment provider" { trust external }
boundary core "Core" { trust high }
system psp "Payment provider" in vendor { external }
system shop "Shop" {
  container api "API" in core
  container admin "Admin" in core
}
flow hook: psp -> shop.api "Payment webhook" { crosses vendor, core "provider IP allow-list" }
flow refund: psp -> shop.admin "Refund webhook" { crosses vendor, core "provider IP allow-list" }
control sig "Signed webhooks" {
  status implemented
  owner "payments"
  provides webhook_signature on hook, refund
}
control dedup "Event dedup table" {
  status planned
  owner "payments"
  provides idempotency_keys on shop.admin
}
threat replay "Replayed payment events" {
  stride tampering
  on hook
  impact 4
  likelihood 3
  mitigated_by dedup
  claims "TMR-S05@hook"
}
accept "TMR-S05@refund" {
  reason "refunds are reconciled by hand until the dedup table ships"
  owner "payments-lead"
  until 2027-06-30
}
dismiss "TMR-S01@hook" {
  reason "the edge gateway verifies the provider's client certificate before the API; see ADR 7"
  reviewer "security-lead"
}
