# Imported from an OWASP Threat Dragon model (v2 2.3.0) by tmc import.
# Threat Dragon draws trust boundaries as boxes and curves: an element is in
# the smallest box or closed curve its centre lies in. What has no tmc fact
# is listed in a `# not mapped:` comment on its element; docs/import-export.md
# says how each field is read.

model "Demo Threat Model" {
  # not mapped: the curve at (350, 10) encloses no element and is not imported; it is drawn across "Put Message", "Message"
  # not mapped: the curve at (40, 240) encloses no element and is not imported; it is drawn across "Web Response"
  # not mapped: flow "Web Request" of Main Request Data Flow: one of its ends is not attached to an element
  owner "Mike Goodwin"
  description """
    A sample model of a web application, with a queue-decoupled background process.

    Contributors: Tom Brown, Albert Moneypenny.

    Reviewer: Jane Smith.

    Text on Main Request Data Flow: A Demo Threat Model showing an example web application, with a queue-decoupled background process
  """
}

# Trust boundaries.

# Threat Dragon curve; Threat Dragon has no trust level: medium written, review it.
boundary trust_boundary_1 "Trust boundary 1" {
  trust medium
}

# Data assets.

data worker_config_credentials "Credentials stored in Worker Config" {
  classification secret
  credentials  # Threat Dragon: the store's storesCredentials
}

data web_application_config_credentials "Credentials stored in Web Application Config" {
  classification secret
  credentials  # Threat Dragon: the store's storesCredentials
}

# Controls.

control data_flow_should_use_http_s_mitigation "Mitigation: Data flow should use HTTP/S" {
  status proposed  # Threat Dragon: threat status Open
  description "The requests should require HTTP/S. This will provide confidentiality and integrity. HTTP should not be supported."
}

control data_flow_should_use_http_s_2_mitigation "Mitigation: Data flow should use HTTP/S" {
  status proposed  # Threat Dragon: threat status Open
  description "The requests should require HTTP/S. This will provide confidentiality and integrity. HTTP should not be supported."
}

control man_in_the_middle_attack_mitigation "Mitigation: Man in the middle attack" {
  status proposed  # Threat Dragon: threat status Open
  description "Enforce an encrypted connection at the DB server"
}

control data_flow_should_use_http_s_3_mitigation "Mitigation: Data flow should use HTTP/S" {
  status implemented  # Threat Dragon: threat status Mitigated
  description "The requests should require HTTP/S. This will provide confidentiality and integrity. HTTP should not be supported."
}

control accessing_db_credentials_mitigation "Mitigation: Accessing DB credentials" {
  status proposed  # Threat Dragon: threat status Open
  description """
    Encrypt the DB credentials in the configuration file.

    Expire and replace the DB credentials regularly.
  """
}

control unauthorised_access_mitigation "Mitigation: Unauthorised access" {
  status implemented  # Threat Dragon: threat status Mitigated
  description "Require all queries to be authenticated."
}

control credential_theft_mitigation "Mitigation: Credential theft" {
  status proposed  # Threat Dragon: threat status Open
  description "Use a firewall to restrict access to the DB to only the Background Worker IP address."
}

control credentials_should_be_encrypted_mitigation "Mitigation: Credentials should be encrypted" {
  status proposed  # Threat Dragon: threat status Open
  description "The Message Queue credentials should be encrypted."
}

control message_secrecy_mitigation "Mitigation: Message secrecy" {
  status proposed  # Threat Dragon: threat status Open
  description "Use message level encryption for high sensitivity data (e.g. security tokens) in messages."
}

control message_tampering_mitigation "Mitigation: Message tampering" {
  status proposed  # Threat Dragon: threat status Open
  description "Sign all queue messages at the Web Server. Validate the message signature at the Background Worker and reject any message with a missing or invalid signature. Log any failed messages."
}

control fake_messages_could_be_placed_on_the_queue_mitig "Mitigation: Fake messages could be placed on the queue" {
  status implemented  # Threat Dragon: threat status Mitigated
  description """
    Restrict access to the queue to the IP addresses of the Web Server and Background Worker.

    Implement authentication on the queue endpoint.
  """
}

control poison_messages_1_mitigation "Mitigation: Poison messages 1" {
  status proposed  # Threat Dragon: threat status Open
  description "Implement a poison message queue where messages are placed after a fixed number of retries."
}

control poison_messages_2_mitigation "Mitigation: Poison messages 2" {
  status proposed  # Threat Dragon: threat status Open
  description "Validate the content of all messages, before processing. Reject any message that have invalid content and log the rejection. Do not log the malicious content - instead log a description of the error."
}
