package shop.orders.authz

import rego.v1

default allow := false

# A caller may act only inside the tenant of its verified token.
allow if {
	input.subject.tenant == input.resource.tenant
	input.action in data.roles[input.subject.role]
}
