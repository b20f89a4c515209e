# The elements in Trust boundary 2 and the flows they send (imported from Threat Dragon; see platform.tm).

# Threat Dragon has no systems: the processes and stores of one trust boundary are grouped here.
system trust_boundary_2_system "Trust boundary 2 systems" in trust_boundary_2 {
  container web_ui "Web UI"
}

flow flow: trust_boundary_2_system.web_ui -> trust_boundary_1_system.web_service
