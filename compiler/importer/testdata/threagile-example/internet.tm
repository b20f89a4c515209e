# Technical assets in Internet and the links they start (imported from Threagile; see platform.tm).

system customer_client "Customer Web Client" in internet {
  # not mapped: confidentiality internal (tmc reads an element's confidentiality from the data it stores and processes)
  # not mapped: usage business (tmc elements have no usage; flows have)
  # not mapped: size component (the element's kind says what C4 draws; no tmc fact for Threagile's size)
  # not mapped: used_as_client_by_human (no tmc fact; the client is imported as a system so that its technology and data stay)
  machine physical  # Threagile: machine physical
  technology browser
  tech "browser (physical)"
  owner "Customer"
  out_of_scope "Owned and managed by end-user customer"
  criticality operational  # the higher of integrity operational and availability operational
  processes customer_accounts, customer_operational_data, customer_contracts, client_application_code,
      marketing_material
  description """
    Customer Web Client

    Rating: The client used by the customer to access the system.
  """
}

system external_dev_client "External Development Client" in internet {
  # not mapped: confidentiality confidential (tmc reads an element's confidentiality from the data it stores and processes)
  # not mapped: usage devops (tmc elements have no usage; flows have)
  # not mapped: size system (the element's kind says what C4 draws; no tmc fact for Threagile's size)
  # not mapped: used_as_client_by_human (no tmc fact; the client is imported as a system so that its technology and data stay)
  machine physical  # Threagile: machine physical
  technology workstation
  tech "devops-client (physical; linux)"
  owner "External Developers"
  multi_tenant
  out_of_scope "Owned and managed by external developers"
  criticality critical  # the higher of integrity critical and availability operational
  accepts files
  stores client_application_code, server_application_code
  description """
    External developer client

    Rating: The clients used by external developers to create parts of the application code.
  """
}

flow customer_traffic: customer_client -> application_network_system.load_balancer "Customer Traffic" {
  protocol https
  authentication session
  authorization end_user_identity
  usage business
  carries customer_accounts, customer_operational_data
  crosses internet, application_network "imported from Threagile: authentication session-id, authorization end-user-identity-propagation, protocol https"
  description "Link to the load balancer"
}

# What Customer Web Client receives on Customer Traffic (data_assets_received).
flow customer_traffic_reply: application_network_system.load_balancer -> customer_client "Customer Traffic (received)" {
  response_to customer_traffic
  protocol https
  usage business
  carries customer_accounts, customer_operational_data, customer_contracts, client_application_code, marketing_material
  crosses application_network, internet "imported from Threagile: reply on Customer Traffic, authentication session-id, authorization end-user-identity-propagation, protocol https"
}

flow git_repo_code_write_access: external_dev_client -> dev_network_system.git_repo "Git-Repo Code Write Access" {
  protocol ssh
  authentication client_certificate
  authorization technical_user
  usage devops
  carries client_application_code, server_application_code
  crosses internet, dev_network "imported from Threagile: authentication client-certificate, authorization technical-user, protocol ssh"
  description "Link to the Git repo"
}

# What External Development Client receives on Git-Repo Code Write Access (data_assets_received).
flow git_repo_code_write_access_reply: dev_network_system.git_repo -> external_dev_client "Git-Repo Code Write Access (received)" {
  response_to git_repo_code_write_access
  protocol ssh
  usage devops
  carries client_application_code, server_application_code
  crosses dev_network, internet "imported from Threagile: reply on Git-Repo Code Write Access, authentication client-certificate, authorization technical-user, protocol ssh"
}

flow git_repo_web_ui_access: external_dev_client -> dev_network_system.git_repo "Git-Repo Web-UI Access" {
  protocol https
  authentication token
  authorization technical_user
  usage devops
  carries client_application_code, server_application_code
  crosses internet, dev_network "imported from Threagile: authentication token, authorization technical-user, protocol https"
  description "Link to the Git repo"
}

# What External Development Client receives on Git-Repo Web-UI Access (data_assets_received).
flow git_repo_web_ui_access_reply: dev_network_system.git_repo -> external_dev_client "Git-Repo Web-UI Access (received)" {
  response_to git_repo_web_ui_access
  protocol https
  usage devops
  carries client_application_code, server_application_code
  crosses dev_network, internet "imported from Threagile: reply on Git-Repo Web-UI Access, authentication token, authorization technical-user, protocol https"
}

flow jenkins_web_ui_access: external_dev_client -> dev_network_system.jenkins_build_server "Jenkins Web-UI Access" {
  protocol https
  authentication credentials
  authorization technical_user
  usage devops
  carries build_job_config
  crosses internet, dev_network "imported from Threagile: authentication credentials, authorization technical-user, protocol https"
  description "Link to the Jenkins build server"
}

# What External Development Client receives on Jenkins Web-UI Access (data_assets_received).
flow jenkins_web_ui_access_reply: dev_network_system.jenkins_build_server -> external_dev_client "Jenkins Web-UI Access (received)" {
  response_to jenkins_web_ui_access
  protocol https
  usage devops
  carries build_job_config
  crosses dev_network, internet "imported from Threagile: reply on Jenkins Web-UI Access, authentication credentials, authorization technical-user, protocol https"
}

# Threagile risk tracking dos-risky-access-across-trust-boundary@*@*@* (in-progress): tmc's rules report the risk as the findings this threat claims.
threat dos_risky_access_across_trust_boundary_customer_t "Critical element reached from lower trust without load protection: customer_traffic" {
  stride denial_of_service
  on customer_traffic
  impact 4  # as tmc rates TMR-A10@customer_traffic
  likelihood 2
  mitigated_by dos_risky_access_across_trust_boundary_xyz_1234
  claims "TMR-A10@customer_traffic"
  description "Mitigated as Threagile's risk tracking says: see control dos_risky_access_across_trust_boundary_xyz_1234."
}

# Threagile risk tracking missing-authentication-second-factor@*@*@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat missing_authentication_second_factor_customer_tr "Person reaches sensitive data without a second factor: customer_traffic" {
  stride spoofing
  on customer_traffic
  impact 4  # as tmc rates TMR-A02@customer_traffic
  likelihood 2
  mitigated_by missing_authentication_second_factor_xyz_1234
  claims "TMR-A02@customer_traffic"
  description "Mitigated as Threagile's risk tracking says: see control missing_authentication_second_factor_xyz_1234."
}

# Threagile risk tracking missing-authentication-second-factor@*@*@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat missing_authentication_second_factor_git_repo_co "Person reaches sensitive data without a second factor: git_repo_code_write_access" {
  stride spoofing
  on git_repo_code_write_access
  impact 4  # as tmc rates TMR-A02@git_repo_code_write_access
  likelihood 2
  mitigated_by missing_authentication_second_factor_xyz_1234
  claims "TMR-A02@git_repo_code_write_access"
  description "Mitigated as Threagile's risk tracking says: see control missing_authentication_second_factor_xyz_1234."
}

# Threagile risk tracking missing-authentication-second-factor@*@*@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat missing_authentication_second_factor_git_repo_we "Person reaches sensitive data without a second factor: git_repo_web_ui_access" {
  stride spoofing
  on git_repo_web_ui_access
  impact 4  # as tmc rates TMR-A02@git_repo_web_ui_access
  likelihood 2
  mitigated_by missing_authentication_second_factor_xyz_1234
  claims "TMR-A02@git_repo_web_ui_access"
  description "Mitigated as Threagile's risk tracking says: see control missing_authentication_second_factor_xyz_1234."
}

# Threagile risk tracking missing-authentication-second-factor@*@*@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat missing_authentication_second_factor_jenkins_web "Person reaches sensitive data without a second factor: jenkins_web_ui_access" {
  stride spoofing
  on jenkins_web_ui_access
  impact 4  # as tmc rates TMR-A02@jenkins_web_ui_access
  likelihood 2
  mitigated_by missing_authentication_second_factor_xyz_1234
  claims "TMR-A02@jenkins_web_ui_access"
  description "Mitigated as Threagile's risk tracking says: see control missing_authentication_second_factor_xyz_1234."
}
