# The elements in Trust boundary 1 and the flows they send (imported from Threat Dragon; see platform.tm).

# Threat Dragon has no systems: the processes and stores of one trust boundary are grouped here.
system trust_boundary_1_system "Trust boundary 1 systems" in trust_boundary_1 {
  container web_service "Web Service"

  container postgressql "PostgresSQL"
}

flow flow_2: trust_boundary_1_system.web_service -> trust_boundary_2_system.web_ui

flow flow_3: trust_boundary_1_system.web_service -> trust_boundary_1_system.postgressql

# Threat Dragon draws both ways: this is its other direction.
flow reverse: trust_boundary_1_system.postgressql -> trust_boundary_1_system.web_service "(reverse)"

threat store_sensitive_data "Store Sensitive Data" {
  stride information_disclosure
  on trust_boundary_1_system.postgressql
  impact 4  # Threat Dragon: severity High
  likelihood 3
  mitigated_by store_sensitive_data_mitigation
  description "Sensitive data is compromised if the host itself is compromised"
}

threat store_sensitive_data_2 "Store Sensitive Data" {
  stride information_disclosure
  on trust_boundary_1_system.postgressql
  impact 3  # Threat Dragon: severity Medium
  likelihood 2
  mitigated_by store_sensitive_data_2_mitigation
  description "Sensitive data is compromised if a backup of the data is compromised"
}
