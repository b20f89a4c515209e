# The elements outside every trust boundary and the flows they send (imported from Threat Dragon; see platform.tm).

# Threat Dragon has no systems: the processes and stores of one trust boundary are grouped here.
system generic_content_management_system_cms "Generic Content Management System (CMS)" {
  container cdn_network "CDN network"
}

person admin "Admin"

person generic_privilege_user "Generic / Privilege user"

flow unsecured_mysql_connection: admin -> internet_system.databse "Unsecured mySQL connection"

flow http: generic_privilege_user -> generic_content_management_system_cms.cdn_network "HTTP" {
  protocol http
}

flow https: generic_privilege_user -> internet_system.web_server "HTTPS" {
  protocol https
  crosses internet "imported from Threat Dragon: protocol HTTPS"
}
