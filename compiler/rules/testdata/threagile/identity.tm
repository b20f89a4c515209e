# The auth handling environment of Threagile's example model: the
# identity provider and the LDAP server (translation; see platform.tm).

system identity "Auth handling" {
  description "Authentication of the example's users."

  container identity_provider "Identity Provider" in auth_env {
    machine virtual  # Threagile: machine virtual
    technology identity_provider  tech "Keycloak on JBoss (virtual; linux, jboss, keycloak)"
    owner "Company ABC"
    criticality critical
    processes customer_accounts
    description "Identity provider server"
  }

  database ldap_auth_server "LDAP Auth Server" in auth_env {
    machine physical  # Threagile: machine physical
    technology identity_store  tech "LDAP (physical; linux)"
    owner "Company ABC"
    encrypted_at_rest  # encryption: transparent
    criticality critical
    stores customer_accounts
    description "LDAP authentication server"
  }
}

flow ldap_credential_check_traffic: identity.identity_provider -> identity.ldap_auth_server "LDAP Credential Check Traffic" {
  protocol ldaps  authentication credentials  authorization technical_user  usage business
  carries customer_accounts
  description "Link to the LDAP server"
}
