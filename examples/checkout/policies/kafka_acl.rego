package shop.kafka.acl

import rego.v1

# Producers per topic; the principal is the workload's SPIFFE id.
producers := {
	"orders.order-created": {"spiffe://shop/ns/orders/sa/orders"},
	"billing.payment-events": {"spiffe://shop/ns/billing/sa/billing"},
}

default allow_produce := false

allow_produce if input.principal in producers[input.topic]
