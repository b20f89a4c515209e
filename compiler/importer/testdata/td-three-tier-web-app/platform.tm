# Imported from an OWASP Threat Dragon model (v2 2.3.0) by tmc import.
# Threat Dragon draws trust boundaries as boxes and curves: an element is in
# the smallest box or closed curve its centre lies in. What has no tmc fact
# is listed in a `# not mapped:` comment on its element; docs/import-export.md
# says how each field is read.

model "Three Tier Web Application" {
  owner "A development team"
  description """
    This threat model has been provided by the OWASP Threat Model Cookbook:
    threat-model-cookbook/IriusRisk/3-Tier-Web-App

    Contributors: development engineers, product managers, security architects.

    Reviewer: A product security team.

    Text on Three Tier Web App: Three Tier Web Application provided by the OWASP Threat Model Cookbook: threat-model-cookbook/IriusRisk/3-Tier-Web-App
  """
}

# Trust boundaries.

# Threat Dragon box; Threat Dragon has no trust level: medium written, review it.
boundary trust_boundary_1 "Trust boundary 1" {
  trust medium
}

# Threat Dragon box; Threat Dragon has no trust level: medium written, review it.
boundary trust_boundary_2 "Trust boundary 2" {
  trust medium
}

# Controls.

control store_sensitive_data_mitigation "Mitigation: Store Sensitive Data" {
  status implemented  # Threat Dragon: threat status Mitigated
  description "Risk transferred to the infrastructure team"
}

control store_sensitive_data_2_mitigation "Mitigation: Store Sensitive Data" {
  status implemented  # Threat Dragon: threat status Mitigated
  description "This risk is accepted by the project team, since backup is handled by an external company"
}
