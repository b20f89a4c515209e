# The elements in Internet and the flows they send (imported from Threat Dragon; see platform.tm).

# Threat Dragon has no systems: the processes and stores of one trust boundary are grouped here.
system internet_system "Internet systems" in internet {
  database databse "Databse"

  container web_server "Web server"
}

# Threat Dragon draws Unsecured mySQL connection both ways: this is its other direction.
flow unsecured_mysql_connection_reverse: internet_system.databse -> admin "Unsecured mySQL connection (reverse)"

flow push_to_bucket: internet_system.web_server -> generic_content_management_system_cms.cdn_network "Push to Bucket"

flow flow: internet_system.web_server -> internet_system.databse
