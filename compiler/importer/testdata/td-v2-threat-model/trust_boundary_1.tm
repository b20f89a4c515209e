# The elements in Trust boundary 1 and the flows they send (imported from Threat Dragon; see platform.tm).

# Threat Dragon has no systems: the processes and stores of one trust boundary are grouped here.
system trust_boundary_1_system "Trust boundary 1 systems" in trust_boundary_1 {
  database database "Database" {
    # not mapped: isALog (tmc has no fact for a store that is a log)
  }
}

flow worker_query_results: trust_boundary_1_system.database -> demo_threat_model.background_worker_process "Worker Query Results"

flow web_app_query_results: trust_boundary_1_system.database -> demo_threat_model.web_application "Web App Query Results" {
  safeguards encryption_in_transit  # Threat Dragon: isEncrypted
  crosses trust_boundary_1 "imported from Threat Dragon: encrypted"
}

threat man_in_the_middle_attack "Man in the middle attack" {
  stride information_disclosure
  on worker_query_results
  impact 2  # Threat Dragon: severity Low
  likelihood 2
  mitigated_by man_in_the_middle_attack_mitigation
  description "An attacker could intercept the DB queries in transit and obtain sensitive information, such as DB credentials, query parameters or query results (is unlikely since the data flow is over a private network)."
}

threat unauthorised_access "Unauthorised access" {
  stride information_disclosure
  on trust_boundary_1_system.database
  impact 4  # Threat Dragon: severity High
  likelihood 3
  mitigated_by unauthorised_access_mitigation
  description "An attacker could make an query call on the DB,"
}

threat credential_theft "Credential theft" {
  stride information_disclosure
  on trust_boundary_1_system.database
  impact 3  # Threat Dragon: severity Medium
  likelihood 2
  mitigated_by credential_theft_mitigation
  description "An attacker could obtain the DB credentials and use them to make unauthorised queries."
}
