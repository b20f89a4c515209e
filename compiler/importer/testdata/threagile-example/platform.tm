# Imported from a Threagile model (threagile_version 1.0.0) by tmc import.
# What the source states is mapped to tmc facts; what has no tmc fact is
# listed in a `# not mapped:` comment on its element. docs/import-export.md
# says how each Threagile field is read.

model "Some Example Application" {
  # not mapped: tags_available (the tag vocabulary; tags are kept in the tech labels of elements)
  owner "John Doe"
  description """
    Just some <b>more</b> custom summary possible here...

    **Business overview:** Some more <i>demo text</i> here and even images...

    **Technical overview:** Some more <i>demo text</i> here and even images...

    In Threagile: dated 2020-07-01, business criticality important, author's homepage www.example.com.

    **Abuse cases:**

    - CPU-Cycle Theft: As a hacker I want to steal CPU cycles in order to transform them into money via installed crypto currency miners.
    - Contract Filesystem Compromise: As a hacker I want to access the filesystem storing the contract PDFs in order to steal/modify contract data.
    - Cross-Site Scripting Attacks: As a hacker I want to execute Cross-Site Scripting (XSS) and similar attacks in order to takeover victim sessions and cause reputational damage.
    - Database Compromise: As a hacker I want to access the database backend of the ERP-System in order to steal/modify sensitive business data.
    - Denial-of-Service: As a hacker I want to disturb the functionality of the backend system in order to cause indirect financial damage via unusable features.
    - Denial-of-Service of ERP/DB Functionality: As a hacker I want to disturb the functionality of the ERP system and/or it's database in order to cause indirect financial damage via unusable internal ERP features (not related to customer portal).
    - Denial-of-Service of End-User Functionality: As a hacker I want to disturb the functionality of the end-user parts of the application in order to cause direct financial damage (lower sales).
    - ERP-System Compromise: As a hacker I want to access the ERP-System in order to steal/modify sensitive business data.
    - Identity Theft: As a hacker I want to steal identity data in order to reuse credentials and/or keys on other targets of the same company or outside.
    - PII Theft: As a hacker I want to steal PII (Personally Identifiable Information) data in order to blackmail the company and/or damage their repudiation by publishing them.
    - Ransomware: As a hacker I want to encrypt the storage and file systems in order to demand ransom.

    **Security requirements:**

    - EU-DSGVO: Mandatory EU-Datenschutzgrundverordnung
    - Input Validation: Strict input validation is required to reduce the overall attack surface.
    - Securing Administrative Access: Administrative access must be secured with strong encryption and multi-factor authentication.

    **Questions:**

    - How are the admin clients managed/protected against compromise?: (no answer)
    - How are the build pipeline components managed/protected against compromise?: Managed by XYZ
    - How are the development clients managed/protected against compromise?: Managed by XYZ
  """
}

# Trust boundaries.

# Where the assets Threagile marks internet: true are; Threagile has no trust boundary for it.
boundary internet "Internet" {
  trust untrusted
  type network
}

# Threagile boundary application-network (network-cloud-provider). Threagile has no trust level: low, as the internet reaches load-balancer in it directly; review it.
boundary application_network "Application Network" {
  # not mapped: tags aws (tmc boundaries have no tags)
  trust low
  type cloud_account
  description "Application Network"
  # Threagile boundary auth-env (execution-environment). Threagile has no trust level: high, as ldap-auth-server stores strictly-confidential data; review it.
  boundary auth_env "Auth Handling Environment" {
    trust high
    type execution_environment
    description "Auth Handling Environment"
  }
  # Threagile boundary erp-dmz (network-cloud-security-group). Threagile has no trust level: high, as sql-database stores strictly-confidential data; review it.
  boundary erp_dmz "ERP DMZ" {
    # not mapped: tags some-erp (tmc boundaries have no tags)
    trust high
    type network_segment
    description "ERP DMZ"
  }
  # Threagile boundary web-dmz (network-cloud-security-group). Threagile has no trust level: medium, as nothing in it stores confidential data and the internet reaches nothing in it directly; review it.
  boundary web_dmz "Web DMZ" {
    trust medium
    type network_segment
    description "Web DMZ"
  }
}

# Threagile boundary dev-network (network-on-prem). Threagile has no trust level: low, as the internet reaches git-repo in it directly; review it.
boundary dev_network "Dev Network" {
  trust low
  type network
  description "Development Network"
}

# Shared runtimes.

runtime webapp_virtualization "WebApp and Backoffice Virtualization" {
  # not mapped: tags vmware (tmc runtimes have no tags; the type host is read from them)
  type host
  description "WebApp Virtualization"
}

# Data assets.

data build_job_config "Build Job Config" {
  # not mapped: usage devops (tmc data has no usage; flows have)
  # not mapped: origin Company XYZ (no tmc fact)
  # not mapped: quantity very-few (no tmc fact)
  classification confidential  # Threagile: confidentiality restricted
  integrity critical
  availability operational
  owner "Company XYZ"
  description """
    Data for customizing of the build job system.

    Rating: Data for customizing of the build job system.
  """
}

data client_application_code "Client Application Code" {
  # not mapped: usage devops (tmc data has no usage; flows have)
  # not mapped: origin Company ABC (no tmc fact)
  # not mapped: quantity very-few (no tmc fact)
  classification public  # Threagile: confidentiality public
  integrity critical
  availability important
  owner "Company ABC"
  description """
    Angular and other client-side code delivered by the application.

    Rating: The integrity of the public data is critical to avoid reputational damage and the availability is important on the long-term scale (but not critical) to keep the growth rate of the customer base steady.
  """
}

data contract_summaries "Customer Contract Summaries" {
  # not mapped: usage business (tmc data has no usage; flows have)
  # not mapped: origin Customer (no tmc fact)
  # not mapped: quantity very-few (no tmc fact)
  classification confidential  # Threagile: confidentiality restricted
  integrity operational
  availability operational
  owner "Company XYZ"
  description """
    Customer Contract Summaries

    Rating: Just some summaries.
  """
}

data customer_accounts "Customer Accounts" {
  # not mapped: usage business (tmc data has no usage; flows have)
  # not mapped: origin Customer (no tmc fact)
  # not mapped: quantity many (no tmc fact)
  classification secret  # Threagile: confidentiality strictly-confidential
  integrity critical
  availability critical
  credentials  # the source says "credentials"
  owner "Company XYZ"
  description """
    Customer Accounts (including transient credentials when entered for checking them)

    Rating: Customer account data for using the portal are required to be available to offer the portal functionality.
  """
}

data customer_contracts "Customer Contracts" {
  # not mapped: usage business (tmc data has no usage; flows have)
  # not mapped: origin Customer (no tmc fact)
  # not mapped: quantity many (no tmc fact)
  classification restricted  # Threagile: confidentiality confidential
  integrity critical
  availability operational
  pii  # the source says "personally identifiable"
  owner "Company XYZ"
  description """
    Customer Contracts (PDF)

    Rating: Contract data might contain financial data as well as personally identifiable information (PII). The integrity and availability of contract data is required for clearing payment disputes.
  """
}

data customer_operational_data "Customer Operational Data" {
  # not mapped: usage business (tmc data has no usage; flows have)
  # not mapped: origin Customer (no tmc fact)
  # not mapped: quantity many (no tmc fact)
  classification restricted  # Threagile: confidentiality confidential
  integrity critical
  availability critical
  owner "Company XYZ"
  description """
    Customer Operational Data

    Rating: Customer operational data for using the portal are required to be available to offer the portal functionality and are used in the backend transactions.
  """
}

data db_dumps "Database Customizing and Dumps" {
  # not mapped: usage devops (tmc data has no usage; flows have)
  # not mapped: origin Company XYZ (no tmc fact)
  # not mapped: quantity very-few (no tmc fact)
  # not mapped: tags oracle (tmc data has no tags)
  classification secret  # Threagile: confidentiality strictly-confidential
  integrity critical
  availability critical
  owner "Company XYZ"
  description """
    Data for customizing of the DB system, which might include full database dumps.

    Rating: Data for customizing of the DB system, which might include full database dumps.
  """
}

data erp_customizing "ERP Customizing Data" {
  # not mapped: usage devops (tmc data has no usage; flows have)
  # not mapped: origin Company XYZ (no tmc fact)
  # not mapped: quantity very-few (no tmc fact)
  classification restricted  # Threagile: confidentiality confidential
  integrity critical
  availability critical
  owner "Company XYZ"
  description """
    Data for customizing of the ERP system.

    Rating: Data for customizing of the ERP system.
  """
}

data erp_logs "ERP Logs" {
  # not mapped: usage devops (tmc data has no usage; flows have)
  # not mapped: origin Company XYZ (no tmc fact)
  # not mapped: quantity many (no tmc fact)
  classification confidential  # Threagile: confidentiality restricted
  integrity archive
  availability archive
  owner "Company XYZ"
  description """
    Logs generated by the ERP system.

    Rating: Logs should not contain PII data and are only required for failure analysis, i.e. they are not considered as hard transactional logs.
  """
}

data internal_business_data "Some Internal Business Data" {
  # not mapped: usage business (tmc data has no usage; flows have)
  # not mapped: origin Company XYZ (no tmc fact)
  # not mapped: quantity few (no tmc fact)
  classification secret  # Threagile: confidentiality strictly-confidential
  integrity critical
  availability critical
  owner "Company XYZ"
  description """
    Internal business data of the ERP system used unrelated to the customer-facing processes.

    Rating: Data used and/or generated during unrelated other use cases of the ERP-system (when used also by Company XYZ for internal non-customer-portal-related stuff).
  """
}

data marketing_material "Marketing Material" {
  # not mapped: usage devops (tmc data has no usage; flows have)
  # not mapped: origin Company ABC (no tmc fact)
  # not mapped: quantity very-few (no tmc fact)
  classification public  # Threagile: confidentiality public
  integrity important
  availability important
  owner "Company ABC"
  description """
    Website and marketing data to inform potential customers and generate new leads.

    Rating: The integrity of the public data is critical to avoid reputational damage and the availability is important on the long-term scale (but not critical) to keep the growth rate of the customer base steady.
  """
}

data server_application_code "Server Application Code" {
  # not mapped: usage devops (tmc data has no usage; flows have)
  # not mapped: origin Company ABC (no tmc fact)
  # not mapped: quantity very-few (no tmc fact)
  classification internal  # Threagile: confidentiality internal
  integrity mission_critical
  availability important
  owner "Company ABC"
  description """
    API and other server-side code of the application.

    Rating: The integrity of the API code is critical to avoid reputational damage and the availability is important on the long-term scale (but not critical) to keep the growth rate of the customer base steady.
  """
}

# Controls.

control example_individual_risk_at_contract_filesystem_m "Mitigation: Example Individual Risk at Contract Filesystem" {
  status proposed
  description """
    Some text describing the mitigation...

    **Action:** Some text describing the action...
  """
}

control example_individual_risk_at_database_mitigation "Mitigation: Example Individual Risk at Database" {
  status proposed
  description """
    Some text describing the mitigation...

    **Action:** Some text describing the action...
  """
}

control dos_risky_access_across_trust_boundary_xyz_1234 "Threagile risk tracking dos-risky-access-across-trust-boundary (XYZ-1234)" {
  status planned  # Threagile: in-progress
  owner "John Doe"
  description """
    The hardening measures are being implemented and checked

    Threagile risk tracking dos-risky-access-across-trust-boundary@*@*@*: in-progress, "The hardening measures are being implemented and checked", checked by John Doe, on 2020-01-04, ticket XYZ-1234.
  """
}

control ldap_injection_xyz_5678 "Threagile risk tracking ldap-injection (XYZ-5678)" {
  status implemented  # Threagile: mitigated
  owner "John Doe"
  description """
    The hardening measures were implemented and checked

    Threagile risk tracking ldap-injection@*@ldap-auth-server@*: mitigated, "The hardening measures were implemented and checked", checked by John Doe, on 2020-01-05, ticket XYZ-5678.
  """
}

control missing_authentication_second_factor_xyz_1234 "Threagile risk tracking missing-authentication-second-factor (XYZ-1234)" {
  status implemented  # Threagile: mitigated
  owner "John Doe"
  description """
    The hardening measures were implemented and checked

    Threagile risk tracking missing-authentication-second-factor@*@*@*: mitigated, "The hardening measures were implemented and checked", checked by John Doe, on 2020-01-04, ticket XYZ-1234.
  """
}

control missing_hardening_xyz_1234 "Threagile risk tracking missing-hardening (XYZ-1234)" {
  status implemented  # Threagile: mitigated
  owner "John Doe"
  description """
    The hardening measures were implemented and checked

    Threagile risk tracking missing-hardening@*: mitigated, "The hardening measures were implemented and checked", checked by John Doe, on 2020-01-04, ticket XYZ-1234.
  """
}

control unencrypted_asset_xyz_1234 "Threagile risk tracking unencrypted-asset (XYZ-1234)" {
  status implemented  # Threagile: mitigated
  owner "John Doe"
  description """
    The hardening measures were implemented and checked

    Threagile risk tracking unencrypted-asset@*: mitigated, "The hardening measures were implemented and checked", checked by John Doe, on 2020-01-04, ticket XYZ-1234.
  """
}
