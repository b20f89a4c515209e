# Technical assets in Web DMZ and the links they start (imported from Threagile; see platform.tm).

# Threagile has no systems: the processes and datastores of one trust boundary are grouped here.
system web_dmz_system "Web DMZ systems" in web_dmz {
  container apache_webserver "Apache Webserver" {
    # not mapped: confidentiality internal (tmc reads an element's confidentiality from the data it stores and processes)
    # not mapped: usage business (tmc elements have no usage; flows have)
    # not mapped: size application (the element's kind says what C4 draws; no tmc fact for Threagile's size)
    machine container  # Threagile: machine container
    technology web_server
    tech "web-server (container; linux, apache, aws:ec2)"
    owner "Company ABC"
    custom_developed
    criticality critical  # the higher of integrity critical and availability critical
    runs_on webapp_virtualization
    accepts json, files
    stores client_application_code, server_application_code
    processes customer_accounts, customer_operational_data, customer_contracts, internal_business_data
    description """
      Apache Webserver hosting the API code and client-side code

      Rating: The correct configuration and reachability of the web server is mandatory for all customer usages of the portal.
    """
  }

  container marketing_cms "Marketing CMS" {
    # not mapped: confidentiality internal (tmc reads an element's confidentiality from the data it stores and processes)
    # not mapped: usage business (tmc elements have no usage; flows have)
    # not mapped: size application (the element's kind says what C4 draws; no tmc fact for Threagile's size)
    machine container  # Threagile: machine container
    technology cms
    tech "cms (container; linux)"
    owner "Company ABC"
    custom_developed
    criticality important  # the higher of integrity important and availability important
    runs_on webapp_virtualization
    stores marketing_material
    processes customer_accounts
    description """
      CMS for the marketing content

      Rating: The correct configuration and reachability of the web server is mandatory for all customer usages of the portal.
    """
  }
}

flow auth_credential_check_traffic: web_dmz_system.apache_webserver -> auth_env_system.identity_provider "Auth Credential Check Traffic" {
  protocol https
  authentication credentials
  authorization technical_user
  usage business
  carries customer_accounts
  crosses web_dmz, auth_env "imported from Threagile: authentication credentials, authorization technical-user, protocol https"
  description "Link to the identity provider server"
}

flow erp_system_traffic: web_dmz_system.apache_webserver -> erp_dmz_system.erp_system "ERP System Traffic" {
  protocol https
  authentication token
  authorization technical_user
  usage business
  carries customer_accounts, customer_operational_data, internal_business_data
  crosses web_dmz, erp_dmz "imported from Threagile: authentication token, authorization technical-user, protocol https"
  description "Link to the ERP system"
}

# What Apache Webserver receives on ERP System Traffic (data_assets_received).
flow erp_system_traffic_reply: erp_dmz_system.erp_system -> web_dmz_system.apache_webserver "ERP System Traffic (received)" {
  response_to erp_system_traffic
  protocol https
  usage business
  carries customer_accounts, customer_operational_data, customer_contracts, internal_business_data
  crosses erp_dmz, web_dmz "imported from Threagile: reply on ERP System Traffic, authentication token, authorization technical-user, protocol https"
}

flow auth_traffic: web_dmz_system.marketing_cms -> auth_env_system.ldap_auth_server "Auth Traffic" {
  protocol ldap
  authentication credentials
  authorization technical_user
  readonly
  usage business
  carries customer_accounts
  crosses web_dmz, auth_env "imported from Threagile: authentication credentials, authorization technical-user, read-only, protocol ldap"
  description "Link to the LDAP auth server"
}

# What Marketing CMS receives on Auth Traffic (data_assets_received).
flow auth_traffic_reply: auth_env_system.ldap_auth_server -> web_dmz_system.marketing_cms "Auth Traffic (received)" {
  response_to auth_traffic
  protocol ldap
  usage business
  carries customer_accounts
  crosses auth_env, web_dmz "imported from Threagile: reply on Auth Traffic, authentication credentials, authorization technical-user, read-only, protocol ldap"
}

# Threagile risk tracking dos-risky-access-across-trust-boundary@*@*@* (in-progress): tmc's rules report the risk as the findings this threat claims.
threat dos_risky_access_across_trust_boundary_auth_cred "Critical element reached from lower trust without load protection: auth_credential_check_traffic" {
  stride denial_of_service
  on auth_credential_check_traffic
  impact 4  # as tmc rates TMR-A10@auth_credential_check_traffic
  likelihood 2
  mitigated_by dos_risky_access_across_trust_boundary_xyz_1234
  claims "TMR-A10@auth_credential_check_traffic"
  description "Mitigated as Threagile's risk tracking says: see control dos_risky_access_across_trust_boundary_xyz_1234."
}

# Threagile risk tracking dos-risky-access-across-trust-boundary@*@*@* (in-progress): tmc's rules report the risk as the findings this threat claims.
threat dos_risky_access_across_trust_boundary_auth_traf "Critical element reached from lower trust without load protection: auth_traffic" {
  stride denial_of_service
  on auth_traffic
  impact 4  # as tmc rates TMR-A10@auth_traffic
  likelihood 2
  mitigated_by dos_risky_access_across_trust_boundary_xyz_1234
  claims "TMR-A10@auth_traffic"
  description "Mitigated as Threagile's risk tracking says: see control dos_risky_access_across_trust_boundary_xyz_1234."
}

# Threagile risk tracking dos-risky-access-across-trust-boundary@*@*@* (in-progress): tmc's rules report the risk as the findings this threat claims.
threat dos_risky_access_across_trust_boundary_erp_syste "Critical element reached from lower trust without load protection: erp_system_traffic" {
  stride denial_of_service
  on erp_system_traffic
  impact 4  # as tmc rates TMR-A10@erp_system_traffic
  likelihood 2
  mitigated_by dos_risky_access_across_trust_boundary_xyz_1234
  claims "TMR-A10@erp_system_traffic"
  description "Mitigated as Threagile's risk tracking says: see control dos_risky_access_across_trust_boundary_xyz_1234."
}

# Threagile risk tracking ldap-injection@*@ldap-auth-server@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat ldap_injection_auth_traffic "LDAP injection into a directory: auth_traffic" {
  stride tampering, information_disclosure, spoofing
  on auth_traffic
  impact 5  # as tmc rates TMR-N02@auth_traffic
  likelihood 3
  mitigated_by ldap_injection_xyz_5678
  claims "TMR-N02@auth_traffic"
  description "Mitigated as Threagile's risk tracking says: see control ldap_injection_xyz_5678."
}

# Threagile risk tracking missing-hardening@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat missing_hardening_apache_webserver "High-value element without hardening: web_dmz_system.apache_webserver" {
  stride tampering, elevation_of_privilege
  on web_dmz_system.apache_webserver
  impact 4  # as tmc rates TMR-H01@web_dmz_system.apache_webserver
  likelihood 3
  mitigated_by missing_hardening_xyz_1234
  claims "TMR-H01@web_dmz_system.apache_webserver"
  description "Mitigated as Threagile's risk tracking says: see control missing_hardening_xyz_1234."
}

# Threagile risk tracking missing-hardening@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat missing_hardening_marketing_cms "High-value element without hardening: web_dmz_system.marketing_cms" {
  stride tampering, elevation_of_privilege
  on web_dmz_system.marketing_cms
  impact 4  # as tmc rates TMR-H01@web_dmz_system.marketing_cms
  likelihood 3
  mitigated_by missing_hardening_xyz_1234
  claims "TMR-H01@web_dmz_system.marketing_cms"
  description "Mitigated as Threagile's risk tracking says: see control missing_hardening_xyz_1234."
}

# Threagile risk tracking unencrypted-asset@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat unencrypted_asset_apache_webserver "Element stores sensitive data unencrypted: web_dmz_system.apache_webserver" {
  stride information_disclosure
  on web_dmz_system.apache_webserver
  impact 5  # as tmc rates TMR-A12@web_dmz_system.apache_webserver
  likelihood 2
  mitigated_by unencrypted_asset_xyz_1234
  claims "TMR-A12@web_dmz_system.apache_webserver"
  description "Mitigated as Threagile's risk tracking says: see control unencrypted_asset_xyz_1234."
}
