# Technical assets in ERP DMZ and the links they start (imported from Threagile; see platform.tm).

# Threagile has no systems: the processes and datastores of one trust boundary are grouped here.
system erp_dmz_system "ERP DMZ systems" in erp_dmz {
  bucket contract_file_server "Contract File Server" {
    # not mapped: confidentiality confidential (tmc reads an element's confidentiality from the data it stores and processes)
    # not mapped: usage business (tmc elements have no usage; flows have)
    # not mapped: size component (the element's kind says what C4 draws; no tmc fact for Threagile's size)
    machine virtual  # Threagile: machine virtual
    technology file_server
    tech "file-server (virtual; linux, aws:s3)"
    owner "Company ABC"
    criticality critical  # the higher of integrity critical and availability important
    runs_on webapp_virtualization
    accepts files
    stores customer_contracts, contract_summaries
    description """
      NFS Filesystem for storing the contract PDFs

      Rating: Contract data might contain financial data as well as personally identifiable information (PII). The integrity and availability of contract data is required for clearing payment disputes. The filesystem is also required to be available for storing new contracts of freshly generated customers.
    """
  }

  container erp_system "Backoffice ERP System" {
    # not mapped: confidentiality strictly-confidential (tmc reads an element's confidentiality from the data it stores and processes)
    # not mapped: usage business (tmc elements have no usage; flows have)
    # not mapped: size system (the element's kind says what C4 draws; no tmc fact for Threagile's size)
    # not mapped: redundant (no tmc fact)
    machine virtual  # Threagile: machine virtual
    technology erp
    tech "erp (virtual; linux)"
    owner "Company ABC"
    criticality mission_critical  # the higher of integrity mission-critical and availability mission-critical
    runs_on webapp_virtualization
    accepts xml, files, serialized_objects
    stores erp_logs
    processes customer_accounts, customer_operational_data, customer_contracts, internal_business_data, erp_customizing
    description """
      ERP system

      Rating: The ERP system contains business-relevant sensitive data for the leasing processes and eventually also for other Company XYZ internal processes.
    """
  }

  database sql_database "Customer Contract Database" {
    # not mapped: confidentiality strictly-confidential (tmc reads an element's confidentiality from the data it stores and processes)
    # not mapped: usage business (tmc elements have no usage; flows have)
    # not mapped: size component (the element's kind says what C4 draws; no tmc fact for Threagile's size)
    machine virtual  # Threagile: machine virtual
    technology database
    tech "database (virtual; linux, mysql)"
    owner "Company ABC"
    encrypted_at_rest  # Threagile: encryption data-with-symmetric-shared-key
    criticality mission_critical  # the higher of integrity mission-critical and availability mission-critical
    runs_on webapp_virtualization
    stores customer_accounts, customer_operational_data, internal_business_data
    processes db_dumps
    description """
      The database behind the ERP system

      Rating: The ERP system's database contains business-relevant sensitive data for the leasing processes and eventually also for other Company XYZ internal processes.
    """
  }
}

flow database_traffic: erp_dmz_system.erp_system -> erp_dmz_system.sql_database "Database Traffic" {
  protocol jdbc
  authentication credentials
  authorization technical_user
  usage business
  carries customer_accounts, customer_operational_data, internal_business_data
  description "Link to the DB system"
}

# What Backoffice ERP System receives on Database Traffic (data_assets_received).
flow database_traffic_reply: erp_dmz_system.sql_database -> erp_dmz_system.erp_system "Database Traffic (received)" {
  response_to database_traffic
  protocol jdbc
  usage business
  carries customer_accounts, customer_operational_data, internal_business_data
}

flow nfs_filesystem_access: erp_dmz_system.erp_system -> erp_dmz_system.contract_file_server "NFS Filesystem Access" {
  protocol nfs
  authentication none
  authorization none
  usage business
  carries customer_contracts
  description "Link to the file system"
}

# What Backoffice ERP System receives on NFS Filesystem Access (data_assets_received).
flow nfs_filesystem_access_reply: erp_dmz_system.contract_file_server -> erp_dmz_system.erp_system "NFS Filesystem Access (received)" {
  response_to nfs_filesystem_access
  protocol nfs
  usage business
  carries customer_contracts
}

threat example_individual_risk_at_contract_filesystem "Example Individual Risk at Contract Filesystem" {
  # not mapped: data breach facts (tmc computes the data at stake from the data the target stores, processes and carries)
  stride repudiation
  on erp_dmz_system.contract_file_server
  impact 5  # Threagile: exploitation impact very-high
  likelihood 5  # Threagile: exploitation likelihood frequent, severity medium
  mitigated_by example_individual_risk_at_contract_filesystem_m
  description """
    Some text describing the risk category...

    **Impact:** Some text describing the impact...

    **ASVS:** V0 - Something Strange

    **Cheat sheet:** https://example.com

    **Check:** Check if XYZ...

    **Detection:** Some text describing the detection logic...

    **Risk assessment:** Some text describing the risk assessment...

    **False positives:** Some text describing the most common types of false positives...

    CWE-693. Threagile category something-strange.
  """
}

threat example_individual_risk_at_database "Example Individual Risk at Database" {
  # not mapped: data breach facts (tmc computes the data at stake from the data the target stores, processes and carries)
  stride repudiation
  on erp_dmz_system.sql_database
  impact 3  # Threagile: exploitation impact medium
  likelihood 3  # Threagile: exploitation likelihood likely, severity critical
  mitigated_by example_individual_risk_at_database_mitigation
  description """
    Some text describing the risk category...

    **Impact:** Some text describing the impact...

    **ASVS:** V0 - Something Strange

    **Cheat sheet:** https://example.com

    **Check:** Check if XYZ...

    **Detection:** Some text describing the detection logic...

    **Risk assessment:** Some text describing the risk assessment...

    **False positives:** Some text describing the most common types of false positives...

    CWE-693. Threagile category something-strange.
  """
}

# Threagile risk tracking missing-hardening@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat missing_hardening_contract_file_server "High-value element without hardening: erp_dmz_system.contract_file_server" {
  stride tampering, elevation_of_privilege
  on erp_dmz_system.contract_file_server
  impact 4  # as tmc rates TMR-H01@erp_dmz_system.contract_file_server
  likelihood 3
  mitigated_by missing_hardening_xyz_1234
  claims "TMR-H01@erp_dmz_system.contract_file_server"
  description "Mitigated as Threagile's risk tracking says: see control missing_hardening_xyz_1234."
}

# Threagile risk tracking missing-hardening@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat missing_hardening_erp_system "High-value element without hardening: erp_dmz_system.erp_system" {
  stride tampering, elevation_of_privilege
  on erp_dmz_system.erp_system
  impact 4  # as tmc rates TMR-H01@erp_dmz_system.erp_system
  likelihood 3
  mitigated_by missing_hardening_xyz_1234
  claims "TMR-H01@erp_dmz_system.erp_system"
  description "Mitigated as Threagile's risk tracking says: see control missing_hardening_xyz_1234."
}

# Threagile risk tracking missing-hardening@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat missing_hardening_sql_database "High-value element without hardening: erp_dmz_system.sql_database" {
  stride tampering, elevation_of_privilege
  on erp_dmz_system.sql_database
  impact 4  # as tmc rates TMR-H01@erp_dmz_system.sql_database
  likelihood 3
  mitigated_by missing_hardening_xyz_1234
  claims "TMR-H01@erp_dmz_system.sql_database"
  description "Mitigated as Threagile's risk tracking says: see control missing_hardening_xyz_1234."
}

# Threagile risk tracking unencrypted-asset@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat unencrypted_asset_contract_file_server "Element stores sensitive data unencrypted: erp_dmz_system.contract_file_server" {
  stride information_disclosure
  on erp_dmz_system.contract_file_server
  impact 4  # as tmc rates TMR-A12@erp_dmz_system.contract_file_server
  likelihood 2
  mitigated_by unencrypted_asset_xyz_1234
  claims "TMR-A12@erp_dmz_system.contract_file_server"
  claims "TMR-I03@erp_dmz_system.contract_file_server"
  description "Mitigated as Threagile's risk tracking says: see control unencrypted_asset_xyz_1234."
}

# Threagile risk tracking unencrypted-asset@* (mitigated): tmc's rules report the risk as the findings this threat claims.
threat unencrypted_asset_erp_system "Element stores sensitive data unencrypted: erp_dmz_system.erp_system" {
  stride information_disclosure
  on erp_dmz_system.erp_system
  impact 5  # as tmc rates TMR-A12@erp_dmz_system.erp_system
  likelihood 2
  mitigated_by unencrypted_asset_xyz_1234
  claims "TMR-A12@erp_dmz_system.erp_system"
  description "Mitigated as Threagile's risk tracking says: see control unencrypted_asset_xyz_1234."
}

# Threagile risk tracking untrusted-deserialization@erp-system: accepted, "Risk accepted as tolerable", checked by John Doe, on 2020-01-04, ticket XYZ-1234. tmc's rules report the risk as the findings this threat claims.
threat untrusted_deserialization_erp_system "Untrusted deserialization: erp_dmz_system.erp_system" {
  # not mapped: accepted in Threagile on 2020-01-04 by John Doe: give it an expiry with accepted "Risk accepted as tolerable" by "John Doe" until DATE
  stride elevation_of_privilege, tampering
  on erp_dmz_system.erp_system
  impact 5  # as tmc rates TMR-N04@erp_dmz_system.erp_system
  likelihood 3
  claims "TMR-N04@erp_dmz_system.erp_system"
  description "Risk accepted as tolerable"
}
