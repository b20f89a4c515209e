# Imported from an OWASP Threat Dragon model (v2 2.3.0) by tmc import.
# Threat Dragon draws trust boundaries as boxes and curves: an element is in
# the smallest box or closed curve its centre lies in. What has no tmc fact
# is listed in a `# not mapped:` comment on its element; docs/import-export.md
# says how each field is read.

model "Generic Content Management System (CMS)" {
  owner "A development team"
  description """
    This threat model has been provided by the OWASP Threat Model Cookbook:
    threat-model-cookbook/Flow Diagram/generic-cms

    Contributors: development engineers, product managers, security architects.

    Reviewer: A security architect.

    Text on Generic CMS: Generic threat model for a Content Management System (CMS) provided by the OWASP Threat Model Cookbook: threat-model-cookbook/Flow Diagram/generic-cms
  """
}

# Trust boundaries.

# Threat Dragon box; Threat Dragon has no trust level: medium written, review it.
boundary internet "Internet" {
  trust medium
}
