# Imported from an Open Threat Model file (otmVersion 0.2.0) by tmc import.
# What has no tmc fact is listed in a `# not mapped:` comment on its element;
# docs/import-export.md says how each OTM field is read.

model "Test project" {
  # not mapped: attributes (free key-value pairs with no tmc fact)
  # not mapped: representations (diagram and code representations; tmc lays its diagrams out itself)
  owner "John Doe"
  description """
    This is a test project for the OTM development

    Owner contact: john.doe@example.com.

    OTM project id: test-project.
  """
}

# Trust boundaries.

# OTM trust zone f0ba7722-39b6-4c81-8290-a30a248bb8d9, trustRating 20: untrusted.
boundary internet "Internet" {
  # not mapped: type internet (OTM zone types are free words; tmc's boundary type is a closed list)
  # not mapped: representations (diagram positions; tmc lays its diagrams out itself)
  trust untrusted
  description "This is the internet trust zone"
}

# OTM trust zone 2ab4effa-40b7-4cd2-ba81-8247d29a6f2d, trustRating 100: high.
boundary private "Private" {
  # not mapped: type private (OTM zone types are free words; tmc's boundary type is a closed list)
  # not mapped: representations (diagram positions; tmc lays its diagrams out itself)
  trust high
  description "Private trustzone for protected components"
}

# Data assets.

data credit_card_data "Credit Card Data" {
  classification secret  # OTM: confidentiality 100
  integrity mission_critical  # OTM: integrity 100
  availability mission_critical  # OTM: availability 100
  description """
    Credit card numbers used for payments in the platform

    Rating: We have decided that the values are a 100 for all values since this highly sensitive information
  """
}

data public_info "Public Info" {
  classification public  # OTM: confidentiality 0
  integrity mission_critical  # OTM: integrity 100
  availability important  # OTM: availability 50
  description """
    Public information meant to be seen by any interested customer

    Rating: Public information has no confidentiality at all but it is quite important for it to be available and to not be changed by attakers
  """
}

# Controls.

control this_is_the_name_of_mitigation_1 "This is the name of mitigation 1" {
  # not mapped: riskReduction 50 (tmc computes a threat's status from its controls, not a reduction)
  status implemented  # OTM: state implemented
  description "Description for mitigation 1"
}

control this_is_the_name_of_mitigation_1_2 "This is the name of mitigation 1" {
  # not mapped: riskReduction 50 (tmc computes a threat's status from its controls, not a reduction)
  status proposed  # OTM: state required
  description "Description for mitigation 1"
}

# not mapped: mitigation Mitigation 2 (3b837730-e300-11eb-ba80-0242ac130004): no threat names it
