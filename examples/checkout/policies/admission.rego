package shop.admission

import rego.v1

# Admit a pod only if every image comes from our registry and carries a
# verified cosign signature (set by the verification webhook).
deny contains msg if {
	some c in input.request.object.spec.containers
	not startswith(c.image, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/")
	msg := sprintf("image %s is not from the shop registry", [c.image])
}

deny contains msg if {
	some c in input.request.object.spec.containers
	not input.verified_images[c.image]
	msg := sprintf("image %s has no verified signature", [c.image])
}
