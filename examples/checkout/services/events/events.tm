# Event bus: Kafka topics between orders and billing. Owned by streaming-team.

extend shop {
  queue events "Order events" in cluster {
    tech "Kafka (MSK), mTLS listeners, per-topic ACLs"  owner "streaming-team"
    tenancy shared
    safeguards producer_authentication  # control topic_acls
  }
}

flow order_delivery: shop.events -> shop.billing "Deliver order.created" {
  protocol kafka  auth mtls  carries order, card
  safeguards idempotency_keys  # the charge's idempotency key is the order id (decision adr0008)
}

flow payment_delivery: shop.events -> shop.orders "Deliver payment events" {
  protocol kafka  auth mtls  carries payment
}

threat rogue_producer "Events produced by an unauthorized workload" {
  stride tampering, spoofing  on shop.events  impact 5  likelihood 2
  description "Any pod with broker access publishes order.created or payment.succeeded for any tenant"
  mitigated_by topic_acls
}

accept "TMR-R01@payment_delivery" {
  reason "payment events carry the order id; end-to-end trace ids come with the tracing rollout"
  owner "payments-lead"
  until 2027-06-30
}

control topic_acls "Per-topic producer ACLs bound to workload identity" {
  status implemented  owner "streaming-team"
  test "../../policies/kafka_acl_test.rego"
  evidence "topics.yaml"
}
