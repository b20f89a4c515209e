# The development side of Threagile's example model: the Git repository
# and the Jenkins build server (translation; see platform.tm).

system devops "Development and build" {
  description "Source code and the build pipeline that deploys the web server and the CMS."

  container git_repo "Git Repository" in dev_network {
    machine virtual  # Threagile: machine virtual
    technology source_repository  tech "Git (virtual; linux, git)"
    owner "Company ABC"
    multi_tenant
    criticality important
    accepts files
    stores client_application_code, server_application_code
    description "Git repository server"
  }

  container jenkins_build_server "Jenkins Build Server" in dev_network {
    machine virtual  # Threagile: machine virtual
    technology build_pipeline  tech "Jenkins (virtual; linux, jenkins)"
    owner "Company ABC"
    control_plane  # the build pipeline deploys to the web server and the CMS (Application Deployment, CMS Updates)
    multi_tenant
    criticality critical
    accepts files, serialized_objects
    stores build_job_config, client_application_code, server_application_code, marketing_material
    description "Jenkins build-server"
  }
}

flow git_repo_code_read_access: devops.jenkins_build_server -> devops.git_repo "Git Repo Code Read Access" {
  protocol ssh  authentication client_certificate  authorization technical_user  readonly  usage devops
  description "Link to the Git repository server"
}
flow git_repo_code_read_access_reply: devops.git_repo -> devops.jenkins_build_server "Git Repo Code Read Access (received)" {
  response_to git_repo_code_read_access  protocol ssh  usage devops
  carries client_application_code, server_application_code
}

flow application_deployment: devops.jenkins_build_server -> portal.apache_webserver "Application Deployment" {
  protocol ssh  authentication client_certificate  authorization technical_user  usage devops
  carries client_application_code, server_application_code
  crosses dev_network, application_network, web_dmz "Threagile example: client certificate, technical user, SSH"
  description "Link to the Apache webserver"
}

flow cms_updates: devops.jenkins_build_server -> portal.marketing_cms "CMS Updates" {
  protocol ssh  authentication client_certificate  authorization technical_user  usage devops
  carries marketing_material
  crosses dev_network, application_network, web_dmz "Threagile example: client certificate, technical user, SSH"
  description "Link to the CMS"
}
