package shop.orders.authz_test

import rego.v1

import data.shop.orders.authz

roles := {"buyer": ["order:create", "order:read"]}

test_same_tenant_allowed if {
	authz.allow with input as {
		"subject": {"tenant": "t1", "role": "buyer"},
		"resource": {"tenant": "t1"},
		"action": "order:create",
	}
		with data.roles as roles
}

test_cross_tenant_denied if {
	not authz.allow with input as {
		"subject": {"tenant": "t1", "role": "buyer"},
		"resource": {"tenant": "t2"},
		"action": "order:read",
	}
		with data.roles as roles
}
