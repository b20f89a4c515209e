# The published site: built by the CI job of the main branch, served by a
# static host, read by reviewers and auditors. The same pages are what
# tmc serve shows on a workstation.

system pages "Static web host" in hosting {
  external
  bucket site "Published site" {
    tech "HTML, SVG, JSON"
    description "Works from any sub-path and from file://; makes no external request"
  }
}

person reviewer "Reviewer" in internet {
  description "A security reviewer or auditor with a browser"
}

flow publish: tmc.ci_job -> pages.site "Publish the site" {
  carries report
  crosses ci, hosting "the Pages deployment of the main branch only, with the job's short-lived OIDC token; pull requests build but do not publish"
}

flow read_site: reviewer -> pages.site "Read the report" {
  protocol https
  carries report
  crosses internet, hosting "static files over HTTPS, GET only; a CSP on every page allows no inline script and no external request"
  description "The reviewer's browser fetches the pages; the report comes back in the answers"
}

threat site_script_injection "A model puts script into the published site" {
  stride tampering, elevation_of_privilege
  on pages.site
  impact 4
  likelihood 3
  description """
    Names, descriptions and decision records are the model author's
    text: `<script>` in a name, raw HTML or an `onerror=` attribute in
    Markdown, a `javascript:` or `data:` link, a `--source-url` template
    that is not http(s). Script on the site's origin runs in every
    reviewer's browser, and on 127.0.0.1:7878 in the engineer's.
  """
  mitigated_by site_safe_html
}

control site_safe_html "Escaped templates, Markdown without raw HTML, a strict CSP" {
  status verified
  owner "tmc-maintainers"
  description """
    Pages come from `html/template`; Markdown (goldmark) runs with its
    safe defaults: raw HTML is dropped, links are kept only for
    `https`, `http`, `mailto` and paths inside the site, images become
    links; every page carries a Content-Security-Policy that allows
    script only from the site's own files, no inline script and no
    request to another origin. `--source-url` must be an
    `http(s)` template. Tests: `TestHostileModel`, `TestMarkdownLinks`,
    `TestNeutralize`, `TestLinks` (a CSP on every page) and `FuzzMarkdown`
    in `render/site`; `TestBuildUsage` for `--source-url`.
  """
  test "verify.sh:TestHostileModel"
  test "verify.sh:TestMarkdownLinks"
  test "verify.sh:FuzzMarkdown"
  evidence "docs/adr/0004-no-script-from-the-model.md"
}

decision adr0004 "No script from the model" {
  status accepted
  file "docs/adr/0004-no-script-from-the-model.md"
  affects pages.site, tmc.serve
}

accept "TMR-D03@publish" {
  reason "the deploy step, not tmc, talks to the host; a deployment replaces the whole site, so running it again is safe"
  owner "tmc-maintainers"
  until 2027-06-30
}

accept "TMR-X01@publish" {
  reason "the job's egress is the CI system's to restrict; tmc itself opens no network connection"
  owner "tmc-maintainers"
  until 2027-06-30
}

accept "TMR-I03@*" {
  reason "tmc writes plain files; encryption at rest is the workstation's disk encryption and the web host's, not something tmc can provide"
  owner "tmc-maintainers"
  until 2027-06-30
}
