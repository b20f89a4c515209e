# The customer portal of Threagile's example model: the load balancer, the
# Apache web server and the marketing CMS (translation; see platform.tm).

system portal "Customer portal" {
  description "The customer-facing part of the example: the load balancer and what it serves."

  container load_balancer "Load Balancer" in application_network {
    machine physical  # Threagile: machine physical
    technology load_balancer  tech "HA-Proxy (physical)"
    owner "Company ABC"
    criticality mission_critical
    processes customer_accounts, customer_operational_data, customer_contracts, internal_business_data, client_application_code, marketing_material
    description "Load Balancer (HA-Proxy)"
  }

  container apache_webserver "Apache Webserver" in web_dmz {
    machine container  # Threagile: machine container
    technology web_server  tech "Apache (container; linux, apache, aws:ec2)"
    owner "Company ABC"
    custom_developed
    criticality critical
    runs_on webapp_virtualization
    accepts json, files
    stores client_application_code, server_application_code
    processes customer_accounts, customer_operational_data, customer_contracts, internal_business_data
    description "Apache Webserver hosting the API code and client-side code"
  }

  container marketing_cms "Marketing CMS" in web_dmz {
    machine container  # Threagile: machine container
    technology cms  tech "CMS (container; linux)"
    owner "Company ABC"
    custom_developed
    criticality important
    runs_on webapp_virtualization
    stores marketing_material
    processes customer_accounts
    description "CMS for the marketing content"
  }
}

# Load Balancer

flow web_application_traffic: portal.load_balancer -> portal.apache_webserver "Web Application Traffic" {
  protocol http  authentication session  authorization end_user_identity  usage business
  carries customer_accounts, customer_operational_data
  crosses web_dmz "Threagile example: session id, end-user identity propagated, HTTP"
  description "Link to the web server"
}
flow web_application_traffic_reply: portal.apache_webserver -> portal.load_balancer "Web Application Traffic (received)" {
  response_to web_application_traffic  protocol http  usage business
  carries customer_accounts, customer_operational_data, customer_contracts, client_application_code
  crosses web_dmz "Threagile example: data received on Web Application Traffic (HTTP, session id)"
}

flow cms_content_traffic: portal.load_balancer -> portal.marketing_cms "CMS Content Traffic" {
  protocol http  authentication none  authorization none  readonly  usage business
  crosses web_dmz "Threagile example: no authentication, no authorization, read-only, HTTP"
  description "Link to the CMS server"
}
flow cms_content_traffic_reply: portal.marketing_cms -> portal.load_balancer "CMS Content Traffic (received)" {
  response_to cms_content_traffic  protocol http  usage business
  carries marketing_material
  crosses web_dmz "Threagile example: data received on CMS Content Traffic (HTTP, no authentication)"
}

# Apache Webserver

flow erp_system_traffic: portal.apache_webserver -> backoffice.erp_system "ERP System Traffic" {
  protocol https  authentication token  authorization technical_user  usage business
  carries customer_accounts, customer_operational_data, internal_business_data
  crosses web_dmz, erp_dmz "Threagile example: token, technical user, HTTPS"
  description "Link to the ERP system"
}
flow erp_system_traffic_reply: backoffice.erp_system -> portal.apache_webserver "ERP System Traffic (received)" {
  response_to erp_system_traffic  protocol https  usage business
  carries customer_accounts, customer_operational_data, customer_contracts, internal_business_data
  crosses erp_dmz, web_dmz "Threagile example: data received on ERP System Traffic (HTTPS, token)"
}

flow auth_credential_check_traffic: portal.apache_webserver -> identity.identity_provider "Auth Credential Check Traffic" {
  protocol https  authentication credentials  authorization technical_user  usage business
  carries customer_accounts
  crosses web_dmz, auth_env "Threagile example: credentials, technical user, HTTPS"
  description "Link to the identity provider server"
}

# Marketing CMS

flow auth_traffic: portal.marketing_cms -> identity.ldap_auth_server "Auth Traffic" {
  protocol ldap  authentication credentials  authorization technical_user  readonly  usage business
  carries customer_accounts
  crosses web_dmz, auth_env "Threagile example: credentials, technical user, read-only, LDAP"
  description "Link to the LDAP auth server"
}
flow auth_traffic_reply: identity.ldap_auth_server -> portal.marketing_cms "Auth Traffic (received)" {
  response_to auth_traffic  protocol ldap  usage business
  carries customer_accounts
  crosses auth_env, web_dmz "Threagile example: data received on Auth Traffic (LDAP, credentials)"
}
