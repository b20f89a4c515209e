# Technical assets in Auth Handling Environment and the links they start (imported from Threagile; see platform.tm).

# Threagile has no systems: the processes and datastores of one trust boundary are grouped here.
system auth_env_system "Auth Handling Environment systems" in auth_env {
  container identity_provider "Identity Provider" {
    # not mapped: confidentiality confidential (tmc reads an element's confidentiality from the data it stores and processes)
    # not mapped: usage business (tmc elements have no usage; flows have)
    # not mapped: size component (the element's kind says what C4 draws; no tmc fact for Threagile's size)
    machine virtual  # Threagile: machine virtual
    technology identity_provider
    tech "identity-provider (virtual; linux, jboss, keycloak)"
    owner "Company ABC"
    criticality critical  # the higher of integrity critical and availability critical
    processes customer_accounts
    description """
      Identity provider server

      Rating: The auth data of the application
    """
  }

  database ldap_auth_server "LDAP Auth Server" {
    # not mapped: confidentiality confidential (tmc reads an element's confidentiality from the data it stores and processes)
    # not mapped: usage business (tmc elements have no usage; flows have)
    # not mapped: size component (the element's kind says what C4 draws; no tmc fact for Threagile's size)
    machine physical  # Threagile: machine physical
    technology identity_store
    tech "identity-store-ldap (physical; linux)"
    owner "Company ABC"
    encrypted_at_rest  # Threagile: encryption transparent
    criticality critical  # the higher of integrity critical and availability critical
    stores customer_accounts
    description """
      LDAP authentication server

      Rating: The auth data of the application
    """
  }
}

flow ldap_credential_check_traffic: auth_env_system.identity_provider -> auth_env_system.ldap_auth_server "LDAP Credential Check Traffic" {
  protocol ldaps
  authentication credentials
  authorization technical_user
  usage business
  carries customer_accounts
  description "Link to the LDAP server"
}

# Threagile risk tracking ldap-injection@*@ldap-auth-server@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat ldap_injection_ldap_credential_check_traffic "LDAP injection into a directory: ldap_credential_check_traffic" {
  stride tampering, information_disclosure, spoofing
  on ldap_credential_check_traffic
  impact 5  # as tmc rates TMR-N02@ldap_credential_check_traffic
  likelihood 3
  mitigated_by ldap_injection_xyz_5678
  claims "TMR-N02@ldap_credential_check_traffic"
  description "Mitigated as Threagile's risk tracking says: see control ldap_injection_xyz_5678."
}

# Threagile risk tracking missing-hardening@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat missing_hardening_identity_provider "High-value element without hardening: auth_env_system.identity_provider" {
  stride tampering, elevation_of_privilege
  on auth_env_system.identity_provider
  impact 4  # as tmc rates TMR-H01@auth_env_system.identity_provider
  likelihood 3
  mitigated_by missing_hardening_xyz_1234
  claims "TMR-H01@auth_env_system.identity_provider"
  description "Mitigated as Threagile's risk tracking says: see control missing_hardening_xyz_1234."
}

# Threagile risk tracking missing-hardening@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat missing_hardening_ldap_auth_server "High-value element without hardening: auth_env_system.ldap_auth_server" {
  stride tampering, elevation_of_privilege
  on auth_env_system.ldap_auth_server
  impact 4  # as tmc rates TMR-H01@auth_env_system.ldap_auth_server
  likelihood 3
  mitigated_by missing_hardening_xyz_1234
  claims "TMR-H01@auth_env_system.ldap_auth_server"
  description "Mitigated as Threagile's risk tracking says: see control missing_hardening_xyz_1234."
}
