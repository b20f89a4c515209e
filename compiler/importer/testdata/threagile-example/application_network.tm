# Technical assets in Application Network and the links they start (imported from Threagile; see platform.tm).

# Threagile has no systems: the processes and datastores of one trust boundary are grouped here.
system application_network_system "Application Network systems" in application_network {
  container load_balancer "Load Balancer" {
    # not mapped: confidentiality internal (tmc reads an element's confidentiality from the data it stores and processes)
    # not mapped: usage business (tmc elements have no usage; flows have)
    # not mapped: size component (the element's kind says what C4 draws; no tmc fact for Threagile's size)
    machine physical  # Threagile: machine physical
    technology load_balancer
    tech "load-balancer (physical)"
    owner "Company ABC"
    criticality mission_critical  # the higher of integrity mission-critical and availability mission-critical
    processes customer_accounts, customer_operational_data, customer_contracts, internal_business_data,
        client_application_code, marketing_material
    description """
      Load Balancer (HA-Proxy)

      Rating: The correct configuration and reachability of the load balancer is mandatory for all customer and Company XYZ usages of the portal and ERP system.
    """
  }
}

flow cms_content_traffic: application_network_system.load_balancer -> web_dmz_system.marketing_cms "CMS Content Traffic" {
  protocol http
  authentication none
  authorization none
  readonly
  usage business
  crosses web_dmz "imported from Threagile: authentication none, authorization none, read-only, protocol http"
  description "Link to the CMS server"
}

# What Load Balancer receives on CMS Content Traffic (data_assets_received).
flow cms_content_traffic_reply: web_dmz_system.marketing_cms -> application_network_system.load_balancer "CMS Content Traffic (received)" {
  response_to cms_content_traffic
  protocol http
  usage business
  carries marketing_material
  crosses web_dmz "imported from Threagile: reply on CMS Content Traffic, authentication none, authorization none, read-only, protocol http"
}

flow web_application_traffic: application_network_system.load_balancer -> web_dmz_system.apache_webserver "Web Application Traffic" {
  protocol http
  authentication session
  authorization end_user_identity
  usage business
  carries customer_accounts, customer_operational_data
  crosses web_dmz "imported from Threagile: authentication session-id, authorization end-user-identity-propagation, protocol http"
  description "Link to the web server"
}

# What Load Balancer receives on Web Application Traffic (data_assets_received).
flow web_application_traffic_reply: web_dmz_system.apache_webserver -> application_network_system.load_balancer "Web Application Traffic (received)" {
  response_to web_application_traffic
  protocol http
  usage business
  carries customer_accounts, customer_operational_data, customer_contracts, client_application_code
  crosses web_dmz "imported from Threagile: reply on Web Application Traffic, authentication session-id, authorization end-user-identity-propagation, protocol http"
}

# Threagile risk tracking missing-hardening@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat missing_hardening_load_balancer "High-value element without hardening: application_network_system.load_balancer" {
  stride tampering, elevation_of_privilege
  on application_network_system.load_balancer
  impact 4  # as tmc rates TMR-H01@application_network_system.load_balancer
  likelihood 3
  mitigated_by missing_hardening_xyz_1234
  claims "TMR-H01@application_network_system.load_balancer"
  description "Mitigated as Threagile's risk tracking says: see control missing_hardening_xyz_1234."
}
