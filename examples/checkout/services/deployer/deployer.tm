# Deploy pipeline and control plane: a compromise here makes every
# application control irrelevant, so it is modeled like any other service.
# Owned by platform-team.

person engineer "Service engineer" in internet {
  description "Merges pull requests; has no standing production access"
}

extend shop {
  container deployer "Deploy pipeline" in ci {
    tech "GitHub Actions, protected production environment"  owner "platform-team"
    safeguards deploy_approval
  }
  container registry "Image registry" in ci { tech "ECR with cosign signatures" }
  container kube "Kubernetes API" in ci {
    tech "EKS control plane, Kyverno admission"
    admin_interface
    safeguards admission_policy  # control signed_images
  }
  container secrets "Secret store" in ci { tech "HashiCorp Vault" }
}

flow merge: engineer -> shop.deployer "Merge reviewed pull request" {
  protocol https  auth sso  carries release
  crosses internet, ci "GitHub SSO with WebAuthn; branch protection: 2 reviews, CODEOWNERS on deploy files"
}

flow push_image: shop.deployer -> shop.registry "Push signed image" { auth oidc  carries release }

flow apply: shop.deployer -> shop.kube "Apply manifests" {
  protocol https  auth oidc  carries release
  safeguards least_privilege_rbac  # namespace-scoped deploy role
  description "Short-lived OIDC token, namespace-scoped deploy role"
}

flow rollout_orders: shop.kube -> shop.orders "Roll out release" {
  carries release
  crosses ci, cluster "admission policy admits only cosign-signed images from our registry"
}

flow rollout_billing: shop.kube -> shop.billing "Roll out release" {
  carries release
  crosses ci, cluster "admission policy admits only cosign-signed images from our registry"
}

flow rollout_gateway: shop.kube -> shop.gateway "Roll out release" {
  carries release
  crosses ci, edge "admission policy admits only cosign-signed images; edge config via GitOps only"
}

sequence deploy "Release to production" {
  engineer -> shop.deployer "merge PR (2 approvals)"
  shop.deployer -> shop.registry "push image, cosign sign, attach SBOM"
  opt "manifests changed" {
    note over shop.deployer "environment approval by a second engineer"
  }
  shop.deployer -> shop.kube "kubectl apply (OIDC, 15 min token)"
  par "rolling update" {
    shop.kube -> shop.orders "roll out orders"
  } and {
    shop.kube -> shop.billing "roll out billing"
  } and {
    shop.kube -> shop.gateway "roll out gateway"
  }
  loop "until all replicas ready or 10 min" {
    shop.kube --> shop.deployer "rollout status"
  }
  note over shop.kube, shop.deployer "failed rollout: automatic rollback"
}

threat pipeline_compromise "Compromised pipeline or registry ships a backdoored image" {
  stride elevation_of_privilege, tampering  on ci  impact 5  likelihood 2
  mitigated_by signed_images, deploy_oidc
}

control signed_images "Signed images verified at admission" {
  status verified  owner "platform-team"
  test "../../policies/admission_test.rego"
  evidence "../../policies/admission.rego"
}

control deploy_oidc "Short-lived OIDC credentials, no long-lived cloud or Vault secrets" {
  status implemented  owner "platform-team"
  evidence "workflows/deploy.yml"
}
