# Technical assets in Dev Network and the links they start (imported from Threagile; see platform.tm).

# Threagile has no systems: the processes and datastores of one trust boundary are grouped here.
system dev_network_system "Dev Network systems" in dev_network {
  container git_repo "Git Repository" {
    # not mapped: confidentiality confidential (tmc reads an element's confidentiality from the data it stores and processes)
    # not mapped: usage devops (tmc elements have no usage; flows have)
    # not mapped: size system (the element's kind says what C4 draws; no tmc fact for Threagile's size)
    machine virtual  # Threagile: machine virtual
    technology source_repository
    tech "sourcecode-repository (virtual; linux, git)"
    owner "Company ABC"
    multi_tenant
    criticality important  # the higher of integrity important and availability important
    accepts files
    stores client_application_code, server_application_code
    description """
      Git repository server

      Rating: The code repo pipeline might contain sensitive configuration values like backend credentials, certificates etc. and is therefore rated as confidential.
    """
  }

  container jenkins_build_server "Jenkins Build Server" {
    # not mapped: confidentiality confidential (tmc reads an element's confidentiality from the data it stores and processes)
    # not mapped: usage devops (tmc elements have no usage; flows have)
    # not mapped: size system (the element's kind says what C4 draws; no tmc fact for Threagile's size)
    machine virtual  # Threagile: machine virtual
    technology build_pipeline
    tech "build-pipeline (virtual; linux, jenkins)"
    owner "Company ABC"
    multi_tenant
    criticality critical  # the higher of integrity critical and availability important
    accepts files, serialized_objects
    stores build_job_config, client_application_code, server_application_code, marketing_material
    description """
      Jenkins build-server

      Rating: The build pipeline might contain sensitive configuration values like backend credentials, certificates etc. and is therefore rated as confidential. The integrity and availability is rated as critical and important due to the risk of reputation damage and application update unavailability when the build pipeline is compromised.
    """
  }
}

system backend_admin_client "Backend Admin Client" in dev_network {
  # not mapped: confidentiality internal (tmc reads an element's confidentiality from the data it stores and processes)
  # not mapped: usage devops (tmc elements have no usage; flows have)
  # not mapped: size component (the element's kind says what C4 draws; no tmc fact for Threagile's size)
  # not mapped: used_as_client_by_human (no tmc fact; the client is imported as a system so that its technology and data stay)
  machine physical  # Threagile: machine physical
  technology browser
  tech "browser (physical)"
  owner "Company XYZ"
  out_of_scope "Owned and managed by ops provider"
  criticality operational  # the higher of integrity operational and availability operational
  processes erp_logs
  description """
    Backend admin client

    Rating: The client used by Company XYZ to administer the system.
  """
}

system backoffice_client "Backoffice Client" in dev_network {
  # not mapped: confidentiality confidential (tmc reads an element's confidentiality from the data it stores and processes)
  # not mapped: usage business (tmc elements have no usage; flows have)
  # not mapped: size component (the element's kind says what C4 draws; no tmc fact for Threagile's size)
  # not mapped: used_as_client_by_human (no tmc fact; the client is imported as a system so that its technology and data stay)
  machine physical  # Threagile: machine physical
  technology desktop_app
  tech "desktop (physical)"
  owner "Company XYZ"
  out_of_scope "Owned and managed by Company XYZ company"
  criticality important  # the higher of integrity important and availability important
  processes customer_contracts, internal_business_data, erp_logs
  description """
    Backoffice client

    Rating: The client used by Company XYZ to administer and use the system.
  """
}

flow db_update_access: backend_admin_client -> erp_dmz_system.sql_database "DB Update Access" {
  protocol ssh
  authentication client_certificate
  authorization technical_user
  usage devops
  carries db_dumps
  crosses dev_network, application_network, erp_dmz "imported from Threagile: authentication client-certificate, authorization technical-user, protocol ssh"
  description "Link to the database (JDBC tunneled via SSH)"
}

# What Backend Admin Client receives on DB Update Access (data_assets_received).
flow db_update_access_reply: erp_dmz_system.sql_database -> backend_admin_client "DB Update Access (received)" {
  response_to db_update_access
  protocol ssh
  usage devops
  carries db_dumps, erp_logs, customer_accounts, customer_operational_data
  crosses erp_dmz, application_network, dev_network "imported from Threagile: reply on DB Update Access, authentication client-certificate, authorization technical-user, protocol ssh"
}

flow erp_web_access: backend_admin_client -> erp_dmz_system.erp_system "ERP Web Access" {
  protocol https
  authentication token
  authorization technical_user
  usage devops
  carries erp_customizing
  crosses dev_network, application_network, erp_dmz "imported from Threagile: authentication token, authorization technical-user, protocol https"
  description "Link to the ERP system (Web)"
}

# What Backend Admin Client receives on ERP Web Access (data_assets_received).
flow erp_web_access_reply: erp_dmz_system.erp_system -> backend_admin_client "ERP Web Access (received)" {
  response_to erp_web_access
  protocol https
  usage devops
  carries erp_logs
  crosses erp_dmz, application_network, dev_network "imported from Threagile: reply on ERP Web Access, authentication token, authorization technical-user, protocol https"
}

flow user_management_access: backend_admin_client -> auth_env_system.ldap_auth_server "User Management Access" {
  protocol ldaps
  authentication credentials
  authorization technical_user
  usage devops
  carries customer_accounts
  crosses dev_network, application_network, auth_env "imported from Threagile: authentication credentials, authorization technical-user, protocol ldaps"
  description "Link to the LDAP auth server for managing users"
}

# What Backend Admin Client receives on User Management Access (data_assets_received).
flow user_management_access_reply: auth_env_system.ldap_auth_server -> backend_admin_client "User Management Access (received)" {
  response_to user_management_access
  protocol ldaps
  usage devops
  carries customer_accounts
  crosses auth_env, application_network, dev_network "imported from Threagile: reply on User Management Access, authentication credentials, authorization technical-user, protocol ldaps"
}

flow erp_internal_access: backoffice_client -> erp_dmz_system.erp_system "ERP Internal Access" {
  # not mapped: tags some-erp (tmc flows have no tags)
  protocol https
  authentication token
  authorization end_user_identity
  vpn
  usage business
  carries internal_business_data
  crosses dev_network, application_network, erp_dmz "imported from Threagile: authentication token, authorization end-user-identity-propagation, VPN, protocol https"
  description "Link to the ERP system"
}

# What Backoffice Client receives on ERP Internal Access (data_assets_received).
flow erp_internal_access_reply: erp_dmz_system.erp_system -> backoffice_client "ERP Internal Access (received)" {
  response_to erp_internal_access
  protocol https
  vpn
  usage business
  carries customer_contracts, internal_business_data
  crosses erp_dmz, application_network, dev_network "imported from Threagile: reply on ERP Internal Access, authentication token, authorization end-user-identity-propagation, VPN, protocol https"
}

flow marketing_cms_editing: backoffice_client -> web_dmz_system.marketing_cms "Marketing CMS Editing" {
  protocol https
  authentication token
  authorization end_user_identity
  vpn
  usage business
  carries marketing_material
  crosses dev_network, application_network, web_dmz "imported from Threagile: authentication token, authorization end-user-identity-propagation, VPN, protocol https"
  description "Link to the CMS for editing content"
}

# What Backoffice Client receives on Marketing CMS Editing (data_assets_received).
flow marketing_cms_editing_reply: web_dmz_system.marketing_cms -> backoffice_client "Marketing CMS Editing (received)" {
  response_to marketing_cms_editing
  protocol https
  vpn
  usage business
  carries marketing_material
  crosses web_dmz, application_network, dev_network "imported from Threagile: reply on Marketing CMS Editing, authentication token, authorization end-user-identity-propagation, VPN, protocol https"
}

flow application_deployment: dev_network_system.jenkins_build_server -> web_dmz_system.apache_webserver "Application Deployment" {
  protocol ssh
  authentication client_certificate
  authorization technical_user
  usage devops
  carries client_application_code, server_application_code
  crosses dev_network, application_network, web_dmz "imported from Threagile: authentication client-certificate, authorization technical-user, protocol ssh"
  description "Link to the Apache webserver"
}

flow cms_updates: dev_network_system.jenkins_build_server -> web_dmz_system.marketing_cms "CMS Updates" {
  protocol ssh
  authentication client_certificate
  authorization technical_user
  usage devops
  carries marketing_material
  crosses dev_network, application_network, web_dmz "imported from Threagile: authentication client-certificate, authorization technical-user, protocol ssh"
  description "Link to the CMS"
}

flow git_repo_code_read_access: dev_network_system.jenkins_build_server -> dev_network_system.git_repo "Git Repo Code Read Access" {
  protocol ssh
  authentication client_certificate
  authorization technical_user
  readonly
  usage devops
  description "Link to the Git repository server"
}

# What Jenkins Build Server receives on Git Repo Code Read Access (data_assets_received).
flow git_repo_code_read_access_reply: dev_network_system.git_repo -> dev_network_system.jenkins_build_server "Git Repo Code Read Access (received)" {
  response_to git_repo_code_read_access
  protocol ssh
  usage devops
  carries client_application_code, server_application_code
}

# Threagile risk tracking dos-risky-access-across-trust-boundary@*@*@* (in-progress): tmc's rules report the risk as the findings this threat claims.
threat dos_risky_access_across_trust_boundary_erp_inter "Critical element reached from lower trust without load protection: erp_internal_access" {
  stride denial_of_service
  on erp_internal_access
  impact 4  # as tmc rates TMR-A10@erp_internal_access
  likelihood 1
  mitigated_by dos_risky_access_across_trust_boundary_xyz_1234
  claims "TMR-A10@erp_internal_access"
  description "Mitigated as Threagile's risk tracking says: see control dos_risky_access_across_trust_boundary_xyz_1234."
}

# Threagile risk tracking dos-risky-access-across-trust-boundary@*@*@* (in-progress): tmc's rules report the risk as the findings this threat claims.
threat dos_risky_access_across_trust_boundary_marketing "Critical element reached from lower trust without load protection: marketing_cms_editing" {
  stride denial_of_service
  on marketing_cms_editing
  impact 4  # as tmc rates TMR-A10@marketing_cms_editing
  likelihood 1
  mitigated_by dos_risky_access_across_trust_boundary_xyz_1234
  claims "TMR-A10@marketing_cms_editing"
  description "Mitigated as Threagile's risk tracking says: see control dos_risky_access_across_trust_boundary_xyz_1234."
}

# Threagile risk tracking missing-authentication-second-factor@*@*@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat missing_authentication_second_factor_db_update_a "Person reaches sensitive data without a second factor: db_update_access" {
  stride spoofing
  on db_update_access
  impact 4  # as tmc rates TMR-A02@db_update_access
  likelihood 1
  mitigated_by missing_authentication_second_factor_xyz_1234
  claims "TMR-A02@db_update_access"
  description "Mitigated as Threagile's risk tracking says: see control missing_authentication_second_factor_xyz_1234."
}

# Threagile risk tracking missing-authentication-second-factor@*@*@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat missing_authentication_second_factor_erp_interna "Person reaches sensitive data without a second factor: erp_internal_access" {
  stride spoofing
  on erp_internal_access
  impact 4  # as tmc rates TMR-A02@erp_internal_access
  likelihood 1
  mitigated_by missing_authentication_second_factor_xyz_1234
  claims "TMR-A02@erp_internal_access"
  description "Mitigated as Threagile's risk tracking says: see control missing_authentication_second_factor_xyz_1234."
}

# Threagile risk tracking missing-authentication-second-factor@*@*@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat missing_authentication_second_factor_erp_web_acc "Person reaches sensitive data without a second factor: erp_web_access" {
  stride spoofing
  on erp_web_access
  impact 4  # as tmc rates TMR-A02@erp_web_access
  likelihood 1
  mitigated_by missing_authentication_second_factor_xyz_1234
  claims "TMR-A02@erp_web_access"
  description "Mitigated as Threagile's risk tracking says: see control missing_authentication_second_factor_xyz_1234."
}

# Threagile risk tracking missing-authentication-second-factor@*@*@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat missing_authentication_second_factor_user_manage "Person reaches sensitive data without a second factor: user_management_access" {
  stride spoofing
  on user_management_access
  impact 4  # as tmc rates TMR-A02@user_management_access
  likelihood 1
  mitigated_by missing_authentication_second_factor_xyz_1234
  claims "TMR-A02@user_management_access"
  description "Mitigated as Threagile's risk tracking says: see control missing_authentication_second_factor_xyz_1234."
}

# Threagile risk tracking missing-hardening@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat missing_hardening_git_repo "High-value element without hardening: dev_network_system.git_repo" {
  stride tampering, elevation_of_privilege
  on dev_network_system.git_repo
  impact 4  # as tmc rates TMR-H01@dev_network_system.git_repo
  likelihood 3
  mitigated_by missing_hardening_xyz_1234
  claims "TMR-H01@dev_network_system.git_repo"
  description "Mitigated as Threagile's risk tracking says: see control missing_hardening_xyz_1234."
}

# Threagile risk tracking missing-hardening@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat missing_hardening_jenkins_build_server "High-value element without hardening: dev_network_system.jenkins_build_server" {
  stride tampering, elevation_of_privilege
  on dev_network_system.jenkins_build_server
  impact 4  # as tmc rates TMR-H01@dev_network_system.jenkins_build_server
  likelihood 3
  mitigated_by missing_hardening_xyz_1234
  claims "TMR-H01@dev_network_system.jenkins_build_server"
  description "Mitigated as Threagile's risk tracking says: see control missing_hardening_xyz_1234."
}

# Threagile risk tracking unencrypted-asset@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat unencrypted_asset_git_repo "Element stores sensitive data unencrypted: dev_network_system.git_repo" {
  stride information_disclosure
  on dev_network_system.git_repo
  impact 5  # as tmc rates TMR-A12@dev_network_system.git_repo
  likelihood 2
  mitigated_by unencrypted_asset_xyz_1234
  claims "TMR-A12@dev_network_system.git_repo"
  description "Mitigated as Threagile's risk tracking says: see control unencrypted_asset_xyz_1234."
}

# Threagile risk tracking unencrypted-asset@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat unencrypted_asset_jenkins_build_server "Element stores sensitive data unencrypted: dev_network_system.jenkins_build_server" {
  stride information_disclosure
  on dev_network_system.jenkins_build_server
  impact 5  # as tmc rates TMR-A12@dev_network_system.jenkins_build_server
  likelihood 2
  mitigated_by unencrypted_asset_xyz_1234
  claims "TMR-A12@dev_network_system.jenkins_build_server"
  description "Mitigated as Threagile's risk tracking says: see control unencrypted_asset_xyz_1234."
}
