# The clients of Threagile's example model (translation; see platform.tm).
# All four are out of scope in the source and used by humans
# (used_as_client_by_human: true); their links are below.

system customer_client "Customer Web Client" in internet {
  machine physical  # Threagile: machine physical
  technology browser  tech "browser (physical)"
  out_of_scope "Owned and managed by end-user customer"
  owner "Customer"
  criticality operational
  processes customer_accounts, customer_operational_data, customer_contracts, client_application_code, marketing_material
  description "Customer Web Client: the client used by the customer to access the system (internet: true)."
}

system backoffice_client "Backoffice Client" in dev_network {
  machine physical  # Threagile: machine physical
  technology desktop_app  tech "desktop (physical)"
  out_of_scope "Owned and managed by Company XYZ company"
  owner "Company XYZ"
  criticality important
  processes customer_contracts, internal_business_data, erp_logs
  description "Backoffice client: the client used by Company XYZ to administer and use the system."
}

system backend_admin_client "Backend Admin Client" in dev_network {
  machine physical  # Threagile: machine physical
  technology browser  tech "browser (physical)"
  out_of_scope "Owned and managed by ops provider"
  owner "Company XYZ"
  criticality operational
  processes erp_logs
  description "Backend admin client: the client used by Company XYZ to administer the system."
}

system external_dev_client "External Development Client" in internet {
  machine physical  # Threagile: machine physical
  technology workstation  tech "devops-client (physical; linux)"
  out_of_scope "Owned and managed by external developers"
  owner "External Developers"
  multi_tenant
  criticality critical
  stores client_application_code, server_application_code
  accepts files
  description "External developer client: the clients used by external developers to create parts of the application code (internet: true)."
}

# Customer Web Client

flow customer_traffic: customer_client -> portal.load_balancer "Customer Traffic" {
  protocol https  authentication session  authorization end_user_identity  usage business
  carries customer_accounts, customer_operational_data
  crosses internet, application_network "Threagile example: session id, end-user identity propagated, HTTPS"
  description "Link to the load balancer"
}
flow customer_traffic_reply: portal.load_balancer -> customer_client "Customer Traffic (received)" {
  response_to customer_traffic  protocol https  usage business
  carries customer_accounts, customer_operational_data, customer_contracts, client_application_code, marketing_material
  crosses application_network, internet "Threagile example: data received on Customer Traffic (HTTPS, session id)"
}

# Backoffice Client

flow erp_internal_access: backoffice_client -> backoffice.erp_system "ERP Internal Access" {
  protocol https  authentication token  authorization end_user_identity  vpn  usage business
  carries internal_business_data
  crosses dev_network, application_network, erp_dmz "Threagile example: token, end-user identity propagated, HTTPS over VPN"
  description "Link to the ERP system (tagged some-erp)"
}
flow erp_internal_access_reply: backoffice.erp_system -> backoffice_client "ERP Internal Access (received)" {
  response_to erp_internal_access  protocol https  vpn  usage business
  carries customer_contracts, internal_business_data
  crosses erp_dmz, application_network, dev_network "Threagile example: data received on ERP Internal Access (HTTPS over VPN, token)"
}

flow marketing_cms_editing: backoffice_client -> portal.marketing_cms "Marketing CMS Editing" {
  protocol https  authentication token  authorization end_user_identity  vpn  usage business
  carries marketing_material
  crosses dev_network, application_network, web_dmz "Threagile example: token, end-user identity propagated, HTTPS over VPN"
  description "Link to the CMS for editing content"
}
flow marketing_cms_editing_reply: portal.marketing_cms -> backoffice_client "Marketing CMS Editing (received)" {
  response_to marketing_cms_editing  protocol https  vpn  usage business
  carries marketing_material
  crosses web_dmz, application_network, dev_network "Threagile example: data received on Marketing CMS Editing (HTTPS over VPN, token)"
}

# Backend Admin Client

flow erp_web_access: backend_admin_client -> backoffice.erp_system "ERP Web Access" {
  protocol https  authentication token  authorization technical_user  usage devops
  carries erp_customizing
  crosses dev_network, application_network, erp_dmz "Threagile example: token, technical user, HTTPS"
  description "Link to the ERP system (Web)"
}
flow erp_web_access_reply: backoffice.erp_system -> backend_admin_client "ERP Web Access (received)" {
  response_to erp_web_access  protocol https  usage devops
  carries erp_logs
  crosses erp_dmz, application_network, dev_network "Threagile example: data received on ERP Web Access (HTTPS, token)"
}

flow db_update_access: backend_admin_client -> backoffice.sql_database "DB Update Access" {
  protocol ssh  authentication client_certificate  authorization technical_user  usage devops
  carries db_dumps
  crosses dev_network, application_network, erp_dmz "Threagile example: client certificate, technical user, JDBC tunneled via SSH"
  description "Link to the database (JDBC tunneled via SSH)"
}
flow db_update_access_reply: backoffice.sql_database -> backend_admin_client "DB Update Access (received)" {
  response_to db_update_access  protocol ssh  usage devops
  carries db_dumps, erp_logs, customer_accounts, customer_operational_data
  crosses erp_dmz, application_network, dev_network "Threagile example: data received on DB Update Access (JDBC tunneled via SSH, client certificate)"
}

flow user_management_access: backend_admin_client -> identity.ldap_auth_server "User Management Access" {
  protocol ldaps  authentication credentials  authorization technical_user  usage devops
  carries customer_accounts
  crosses dev_network, application_network, auth_env "Threagile example: credentials, technical user, LDAPS"
  description "Link to the LDAP auth server for managing users"
}
flow user_management_access_reply: identity.ldap_auth_server -> backend_admin_client "User Management Access (received)" {
  response_to user_management_access  protocol ldaps  usage devops
  carries customer_accounts
  crosses auth_env, application_network, dev_network "Threagile example: data received on User Management Access (LDAPS, credentials)"
}

# External Development Client

flow git_repo_code_write_access: external_dev_client -> devops.git_repo "Git-Repo Code Write Access" {
  protocol ssh  authentication client_certificate  authorization technical_user  usage devops
  carries client_application_code, server_application_code
  crosses internet, dev_network "Threagile example: client certificate, technical user, SSH"
  description "Link to the Git repo"
}
flow git_repo_code_write_access_reply: devops.git_repo -> external_dev_client "Git-Repo Code Write Access (received)" {
  response_to git_repo_code_write_access  protocol ssh  usage devops
  carries client_application_code, server_application_code
  crosses dev_network, internet "Threagile example: data received on Git-Repo Code Write Access (SSH, client certificate)"
}

flow git_repo_web_ui_access: external_dev_client -> devops.git_repo "Git-Repo Web-UI Access" {
  protocol https  authentication token  authorization technical_user  usage devops
  carries client_application_code, server_application_code
  crosses internet, dev_network "Threagile example: token, technical user, HTTPS"
  description "Link to the Git repo"
}
flow git_repo_web_ui_access_reply: devops.git_repo -> external_dev_client "Git-Repo Web-UI Access (received)" {
  response_to git_repo_web_ui_access  protocol https  usage devops
  carries client_application_code, server_application_code
  crosses dev_network, internet "Threagile example: data received on Git-Repo Web-UI Access (HTTPS, token)"
}

flow jenkins_web_ui_access: external_dev_client -> devops.jenkins_build_server "Jenkins Web-UI Access" {
  protocol https  authentication credentials  authorization technical_user  usage devops
  carries build_job_config
  crosses internet, dev_network "Threagile example: credentials, technical user, HTTPS"
  description "Link to the Jenkins build server"
}
flow jenkins_web_ui_access_reply: devops.jenkins_build_server -> external_dev_client "Jenkins Web-UI Access (received)" {
  response_to jenkins_web_ui_access  protocol https  usage devops
  carries build_job_config
  crosses dev_network, internet "Threagile example: data received on Jenkins Web-UI Access (HTTPS, credentials)"
}
