# Components in Internet and the flows they send (imported from OTM; see platform.tm).

# OTM has no systems: the components of one trust zone are grouped here.
system internet_system "Internet systems" in internet {
  container web_client "Web Client" {
    # not mapped: representations (diagram positions and code locations; tmc lays its diagrams out itself)
    technology browser  # OTM: type web-client
    tech "web-client (external)"
    description "It represent a connection from the internet to our ecosystem"
  }
}

flow webclient_to_webservice: internet_system.web_client -> private_system.web_service "Dataflow between webclient and webservice."
