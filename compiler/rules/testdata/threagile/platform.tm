# A hand translation of Threagile's bundled example model into tmc.
#
# Source: ../shared/peers/threagile/threagile-example.yaml, which is
# github.com/Threagile/threagile demo/example/threagile.yaml at 74e323e
# (threagile_version 1.0.0). Threagile is MIT-licensed; the upstream
# licence is in ../shared/peers/threagile/LICENSE.txt. This translation is
# test data derived from that peer model, for
# compiler/rules/threagile_test.go only (issue 12 asks for it); it is not
# one of tmc's examples.
#
# How the translation reads Threagile's facts:
#
# - Each technical asset is one element whose identifier is the Threagile
#   id with - replaced by _. Areas are C4 systems (portal, identity,
#   backoffice, devops) so that datastores can be `database` or `bucket`;
#   the human-operated clients are top-level systems. Threagile's
#   `technology` becomes `technology WORD`, its tags, machine and product
#   go into the free `tech` label, `type: datastore` picks the kind
#   (database, bucket), `custom_developed_parts` becomes custom_developed,
#   `out_of_scope` with its justification becomes out_of_scope "...",
#   `data_formats_accepted` becomes accepts (file: files, serialization:
#   serialized_objects), `encryption` other than none becomes
#   encrypted_at_rest, `multi_tenant` becomes multi_tenant, `owner` and
#   `description` carry over.
# - data_assets_stored becomes stores; data_assets_processed minus the
#   stored ones becomes processes (tmc's processes is data in use, not at
#   rest).
# - An asset's own integrity and availability become its criticality,
#   the higher of the two. An asset's own confidentiality has no tmc
#   fact; tmc reads it from the data stored and processed there.
# - `internet: true` (Customer Web Client, External Development Client)
#   places the asset in the boundary `internet` below, which Threagile
#   does not have as a trust boundary of its own.
# - Each communication link is a flow named after the link's title (ERP
#   System Traffic: erp_system_traffic) with its protocol,
#   authentication (session-id: session), authorization
#   (end-user-identity-propagation: end_user_identity), readonly, vpn,
#   ip_filtered (none is set in the source) and usage; data_assets_sent
#   become carries. data_assets_received is what comes back on the same
#   link: it becomes a flow the other way, NAME_reply, declared
#   `response_to NAME` and carrying the received data, so that no reply is
#   read as a call of its own.
# - Every boundary crossing is marked; the reason quotes the link's facts
#   from the source. No safeguard is declared: the source states none.
# - Left out: risk_tracking (the source's statuses of risks; tmc's accept
#   would need dates and reviewers the source gives only in part),
#   individual_risk_categories (hand-written risks, not facts), questions,
#   abuse cases, security requirements, tags_available, the model date
#   (2020-07-01) and business_criticality (important), which tmc has no
#   fact for; an asset's size, machine and redundant flags (machine and
#   tags are in `tech`), and data asset usage, origin and quantity.

model "Some Example Application" {
  owner "John Doe"
  description """
    Threagile's example model ("Some Example Application", 2020-07-01, by
    John Doe), translated by hand for tmc's rule tests. Business
    criticality in the source: important.
  """
}

# Trust boundaries. Threagile's boundaries have a type but no trust level;
# tmc needs one, chosen here from what each zone holds and who reaches it:
#
# | Threagile boundary | type in the source            | tmc type      | trust  |
# |--------------------|-------------------------------|---------------|--------|
# | (internet: true)   | -                             | network       | untrusted |
# | application-network| network-cloud-provider (aws)  | cloud_account | low    |
# | web-dmz            | network-cloud-security-group  | network_segment | medium |
# | erp-dmz            | network-cloud-security-group  | network_segment | high |
# | auth-env           | execution-environment         | execution_environment | high |
# | dev-network        | network-on-prem               | network       | medium |
#
# application-network is low: it holds the load balancer that takes the
# internet's traffic. The web DMZ is the security group behind it; the ERP
# DMZ and the auth environment hold strictly confidential data and the
# credential store, so high. The development network is the company's own
# on-prem network with its clients and build servers, so medium.
# network-cloud-provider ("network is at a cloud provider", tagged aws) is
# read as cloud_account, tmc's zone at a cloud provider; a security group
# is tmc's network_segment. Threagile's execution-environment is "a
# logical group of items, not a protective network boundary", which tmc's
# execution_environment is too (not a network type).

boundary internet "Internet" {
  trust untrusted  type network
  description "Where the assets that Threagile marks `internet: true` are: the customer's browser and the external developers' clients."
}

boundary application_network "Application Network" {
  trust low  type cloud_account
  description "Application Network (network-cloud-provider, tagged aws)."
}

boundary web_dmz "Web DMZ" in application_network {
  trust medium  type network_segment
  description "Web DMZ (network-cloud-security-group)."
}

boundary erp_dmz "ERP DMZ" in application_network {
  trust high  type network_segment
  description "ERP DMZ (network-cloud-security-group, tagged some-erp)."
}

boundary auth_env "Auth Handling Environment" in application_network {
  trust high  type execution_environment
  description "Auth Handling Environment (execution-environment)."
}

boundary dev_network "Development Network" {
  trust medium  type network
  description "Development Network (network-on-prem)."
}

# Shared runtimes.

runtime webapp_virtualization "WebApp and Backoffice Virtualization" {
  type host
  description "WebApp Virtualization (tagged vmware): the web server, the CMS, the ERP system, the contract file server and the database run on it."
}

# Data assets. Threagile rates confidentiality public < internal <
# restricted < confidential < strictly-confidential; tmc rates public <
# internal < confidential < restricted < secret. The mapping keeps the
# rank: public: public, internal: internal, restricted: confidential,
# confidential: restricted, strictly-confidential: secret. Integrity and
# availability use the same scale in both tools (mission-critical:
# mission_critical). Threagile's data usage (business, devops), origin and
# quantity have no tmc fact. pii and credentials are set only where the
# source says so in words.

data customer_contracts "Customer Contracts" {
  classification restricted  integrity critical  availability operational
  pii  # "Contract data might contain financial data as well as personally identifiable information (PII)."
  owner "Company XYZ"
  description "Customer Contracts (PDF). Confidentiality in the source: confidential."
}

data contract_summaries "Customer Contract Summaries" {
  classification confidential  integrity operational  availability operational
  owner "Company XYZ"
  description "Customer Contract Summaries. Confidentiality in the source: restricted."
}

data customer_operational_data "Customer Operational Data" {
  classification restricted  integrity critical  availability critical
  owner "Company XYZ"
  description "Customer Operational Data. Confidentiality in the source: confidential."
}

data customer_accounts "Customer Accounts" {
  classification secret  integrity critical  availability critical
  credentials  # "including transient credentials when entered for checking them"
  owner "Company XYZ"
  description "Customer Accounts (including transient credentials when entered for checking them). Confidentiality in the source: strictly-confidential."
}

data internal_business_data "Some Internal Business Data" {
  classification secret  integrity critical  availability critical
  owner "Company XYZ"
  description "Internal business data of the ERP system used unrelated to the customer-facing processes. Confidentiality in the source: strictly-confidential."
}

data client_application_code "Client Application Code" {
  classification public  integrity critical  availability important
  owner "Company ABC"
  description "Angular and other client-side code delivered by the application. Usage in the source: devops."
}

data server_application_code "Server Application Code" {
  classification internal  integrity mission_critical  availability important
  owner "Company ABC"
  description "API and other server-side code of the application. Usage in the source: devops."
}

data build_job_config "Build Job Config" {
  classification confidential  integrity critical  availability operational
  owner "Company XYZ"
  description "Data for customizing of the build job system. Confidentiality in the source: restricted; usage devops."
}

data marketing_material "Marketing Material" {
  classification public  integrity important  availability important
  owner "Company ABC"
  description "Website and marketing data to inform potential customers and generate new leads. Usage in the source: devops."
}

data erp_logs "ERP Logs" {
  classification confidential  integrity archive  availability archive
  owner "Company XYZ"
  description "Logs generated by the ERP system; they should not contain PII. Confidentiality in the source: restricted; usage devops."
}

data erp_customizing "ERP Customizing Data" {
  classification restricted  integrity critical  availability critical
  owner "Company XYZ"
  description "Data for customizing of the ERP system. Confidentiality in the source: confidential; usage devops."
}

data db_dumps "Database Customizing and Dumps" {
  classification secret  integrity critical  availability critical
  owner "Company XYZ"
  description "Data for customizing of the DB system, which might include full database dumps. Confidentiality in the source: strictly-confidential; usage devops; tagged oracle."
}
