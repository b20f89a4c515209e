# Components in Private and the flows they send (imported from OTM; see platform.tm).

# OTM has no systems: the components of one trust zone are grouped here.
system private_system "Private systems" in private {
  container web_service "Web Service" {
    # not mapped: representations (diagram positions and code locations; tmc lays its diagrams out itself)
    technology web_application  # OTM: type web-service
    tech "web-service (tomcat)"
    stores public_info
    processes credit_card_data
    description "Runs our web application"
  }

  database customer_database "Customer Database" {
    # not mapped: representations (diagram positions and code locations; tmc lays its diagrams out itself)
    technology database  # OTM: type database
    tech "database (postgres)"
    description "Postgres database"
  }

  container class_customerdatabase "Class CustomerDatabase" {
    # not mapped: type code-class (no word of tmc's technology list fits; kept in the tech label)
    # not mapped: representations (diagram positions and code locations; tmc lays its diagrams out itself)
    tech "code-class"
    description "Managages customer database"
  }
}

# OTM marks webclient-to-webservice bidirectional: this is its other direction.
flow webclient_to_webservice_reverse: private_system.web_service -> internet_system.web_client "Dataflow between webclient and webservice. (reverse)"

flow cc_store_in_db: private_system.web_service -> private_system.customer_database "Dataflow between webservice and mongo." {
  # not mapped: tags tag1-df, tag2-df (tmc flows have no tags; OTM states nothing else about how the flow is protected, so its crossings stay unmarked)
  carries credit_card_data
}

# OTM marks cc-store-in-db bidirectional: this is its other direction.
flow cc_store_in_db_reverse: private_system.customer_database -> private_system.web_service "Dataflow between webservice and mongo. (reverse)" {
  # not mapped: tags tag1-df, tag2-df (tmc flows have no tags; OTM states nothing else about how the flow is protected, so its crossings stay unmarked)
  carries credit_card_data
}

threat threat_1_private_system_web_service "Threat 1" {
  # not mapped: tags sql, cwe-123 (tmc threats have no tags)
  stride spoofing, tampering
  on private_system.web_service
  impact 5  # OTM: impact 100 of 100
  likelihood 3  # OTM: likelihood 50 of 100
  mitigated_by this_is_the_name_of_mitigation_1
  description """
    Description fo the threat number 1

    **Impact:** If this threat becomes a rallity company will strruggle to keep customers and the monetory loss would jeopardise the whole company

    **Likelihood:** It is reasonable to think this might happen but it requires for the attaketr to have a deep cyprografy knowledge

    CWE: CWE-79, CWE-787.

    OTM state: exposed.
  """
}

threat threat_1_cc_store_in_db "Threat 1" {
  # not mapped: tags sql, cwe-123 (tmc threats have no tags)
  stride spoofing, tampering
  on cc_store_in_db
  impact 5  # OTM: impact 100 of 100
  likelihood 3  # OTM: likelihood 50 of 100
  mitigated_by this_is_the_name_of_mitigation_1_2
  description """
    Description fo the threat number 1

    **Impact:** If this threat becomes a rallity company will strruggle to keep customers and the monetory loss would jeopardise the whole company

    **Likelihood:** It is reasonable to think this might happen but it requires for the attaketr to have a deep cyprografy knowledge

    CWE: CWE-79, CWE-787.

    OTM state: exposed.
  """
}
