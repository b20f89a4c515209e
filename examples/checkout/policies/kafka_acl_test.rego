package shop.kafka.acl_test

import rego.v1

import data.shop.kafka.acl

test_orders_may_publish_order_created if {
	acl.allow_produce with input as {"principal": "spiffe://shop/ns/orders/sa/orders", "topic": "orders.order-created"}
}

test_billing_may_not_publish_order_created if {
	not acl.allow_produce with input as {"principal": "spiffe://shop/ns/billing/sa/billing", "topic": "orders.order-created"}
}
