# The elements outside every trust boundary and the flows they send (imported from Threat Dragon; see platform.tm).

# Threat Dragon has no systems: the processes and stores of one trust boundary are grouped here.
system demo_threat_model "Demo Threat Model" {
  database worker_config "Worker Config" {
    stores worker_config_credentials  # Threat Dragon: storesCredentials
  }

  database web_application_config "Web Application Config" {
    out_of_scope "out of scope in Threat Dragon (no reason given)"
    stores web_application_config_credentials  # Threat Dragon: storesCredentials
  }

  database message_queue "Message Queue"

  container background_worker_process "Background Worker Process"

  container web_application "Web Application"
}

person browser "Browser"

flow put_message: demo_threat_model.web_application -> demo_threat_model.message_queue "Put Message"

flow message: demo_threat_model.message_queue -> demo_threat_model.background_worker_process "Message"

flow web_response: demo_threat_model.web_application -> browser "Web Response" {
  # not mapped: isPublicNetwork (tmc reads where a flow runs from the boundaries of its ends)
  protocol "HTTP/S"
  safeguards encryption_in_transit  # Threat Dragon: isEncrypted
}

flow read_web_app_config: demo_threat_model.web_application_config -> demo_threat_model.web_application "Read web app config" {
  # not mapped: outOfScope (This data flow represents a read from the file system) (tmc has no out-of-scope flows; out_of_scope is a fact of elements)
}

flow read_worker_config: demo_threat_model.worker_config -> demo_threat_model.background_worker_process "Read worker config" {
  # not mapped: outOfScope (This data flow represents a read from the file system) (tmc has no out-of-scope flows; out_of_scope is a fact of elements)
}

flow queries: demo_threat_model.web_application -> trust_boundary_1_system.database "Queries" {
  safeguards encryption_in_transit  # Threat Dragon: isEncrypted
  crosses trust_boundary_1 "imported from Threat Dragon: encrypted"
}

flow worker_queries: demo_threat_model.background_worker_process -> trust_boundary_1_system.database "Worker Queries"

threat data_flow_should_use_http_s "Data flow should use HTTP/S" {
  stride information_disclosure
  on put_message
  impact 4  # Threat Dragon: severity High
  likelihood 3
  mitigated_by data_flow_should_use_http_s_mitigation
  description "These requests are made over the public internet and could be intercepted by an attacker."
}

threat data_flow_should_use_http_s_2 "Data flow should use HTTP/S" {
  stride information_disclosure
  on message
  impact 4  # Threat Dragon: severity High
  likelihood 3
  mitigated_by data_flow_should_use_http_s_2_mitigation
  description "These requests are made over the public internet and could be intercepted by an attacker."
}

threat data_flow_should_use_http_s_3 "Data flow should use HTTP/S" {
  stride information_disclosure
  on web_response
  impact 4  # Threat Dragon: severity High
  likelihood 3
  mitigated_by data_flow_should_use_http_s_3_mitigation
  description "These responses are over the public internet and could be intercepted by an attacker."
}

threat accessing_db_credentials "Accessing DB credentials" {
  stride information_disclosure
  on demo_threat_model.worker_config
  impact 4  # Threat Dragon: severity High
  likelihood 3
  mitigated_by accessing_db_credentials_mitigation
  description "The Background Worker configuration stores the credentials used by the worker to access the DB. An attacker could compromise the Background Worker and get access to the DB credentials."
}

threat credentials_should_be_encrypted "Credentials should be encrypted" {
  stride information_disclosure
  on demo_threat_model.web_application_config
  impact 4  # Threat Dragon: severity High
  likelihood 3
  mitigated_by credentials_should_be_encrypted_mitigation
  description "The Web Application Config stores credentials used by the Web App to access the message queue. These could be stolen by an attacker and used to read confidential data or place poison message on the queue."
}

threat message_secrecy "Message secrecy" {
  stride information_disclosure
  on demo_threat_model.message_queue
  impact 2  # Threat Dragon: severity Low
  likelihood 2
  mitigated_by message_secrecy_mitigation
  description "The data flow between the Web Application and the Background Worker is not point-to-point and therefore end-to-end secrecy cannot be provided at the transport layer. Messages could be read by an attacker at rest in the Message Queue."
}

threat message_tampering "Message tampering" {
  stride tampering
  on demo_threat_model.message_queue
  impact 3  # Threat Dragon: severity Medium
  likelihood 2
  mitigated_by message_tampering_mitigation
  description "Messages on the queue could be tampered with, causing incorrect processing by the Background Worker."
}

threat fake_messages_could_be_placed_on_the_queue "Fake messages could be placed on the queue" {
  stride spoofing
  on demo_threat_model.message_queue
  impact 4  # Threat Dragon: severity High
  likelihood 3
  mitigated_by fake_messages_could_be_placed_on_the_queue_mitig
  description "An attacker could put a fake message on queue, causing the Background Worker to do incorrect processing."
}

threat poison_messages_1 "Poison messages 1" {
  stride denial_of_service
  on demo_threat_model.background_worker_process
  impact 3  # Threat Dragon: severity Medium
  likelihood 2
  mitigated_by poison_messages_1_mitigation
  description "An attacker could generate a malicious message that the Background Worker cannot process."
}

threat poison_messages_2 "Poison messages 2" {
  stride denial_of_service
  on demo_threat_model.background_worker_process
  impact 3  # Threat Dragon: severity Medium
  likelihood 2
  mitigated_by poison_messages_2_mitigation
  description "An attacker could generate a malicious message that the Background Worker cannot process."
}
