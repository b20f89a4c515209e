package shop.admission_test

import rego.v1

import data.shop.admission

img := "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/orders@sha256:0123"

test_signed_image_admitted if {
	count(admission.deny) == 0 with input as {
		"request": {"object": {"spec": {"containers": [{"image": img}]}}},
		"verified_images": {img: true},
	}
}

test_foreign_image_denied if {
	count(admission.deny) > 0 with input as {
		"request": {"object": {"spec": {"containers": [{"image": "docker.io/evil/orders:latest"}]}}},
		"verified_images": {},
	}
}
