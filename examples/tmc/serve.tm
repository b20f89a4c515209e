# tmc serve: the live preview on the loopback interface, and the browser
# that shows it beside pages of other origins.

extend tmc {
  container serve "tmc serve" in workstation {
    tech "HTTP on 127.0.0.1:7878"
    exposure internal
    description "Builds the site in memory, serves it, rebuilds on every save"
  }
}

system viewer "Browser" {
  container preview "Preview tab" in workstation.browser {
    description "http://127.0.0.1:7878/, reloaded by the events stream"
  }
  container foreign "Page of another origin" in workstation.browser.web {
    description "Any site the engineer has open: it can make the browser send requests to 127.0.0.1 or to a name it resolves to 127.0.0.1"
  }
}

flow watch: repo.files -> tmc.serve "Watch and load the model" {
  carries model_src, named_files
  crosses pr, workstation "the same confined reads as tmc check; events for paths outside the root are ignored"
}

flow serve_layout: tmc.serve -> tmc.layout "Lay out changed views" {
  carries layout_job
  crosses workstation, workers "one process per layout, 10 s, memory capped; a failed layout is remembered, not retried on every save"
}

flow show: tmc.serve -> viewer.preview "Pages and reload events" {
  protocol http
  carries report, reload
  crosses browser "loopback only; the pages' CSP allows only the site's own scripts; X-Content-Type-Options nosniff"
}

flow cross_site: viewer.foreign -> tmc.serve "Cross-site request" {
  protocol http
  crosses web, browser "Host must name loopback (DNS rebinding refused); Sec-Fetch-Site cross-site refused; Cross-Origin-Resource-Policy same-origin"
  description "`<script src=http://127.0.0.1:7878/assets/search-index.js>`, `fetch` after rebinding evil.example to 127.0.0.1, a slow-loris connection"
}

threat cross_origin_read "Another web origin reads the served model" {
  stride information_disclosure
  on cross_site
  impact 4
  likelihood 3
  description """
    The search index is a script (`assets/search-index.js`) that defines
    the text of every page: a page of another origin that includes it
    with a `<script>` tag reads the model, and so does one that points
    its own domain name at 127.0.0.1 (DNS rebinding) and then fetches
    any page as same-origin.
  """
  mitigated_by serve_origin_checks
  claims "TMR-S01@cross_site"
}

threat serve_traversal "A request reads files beside the site" {
  stride information_disclosure
  on tmc.serve
  impact 4
  likelihood 2
  description "`/../go.mod`, `%2e%2e`, `..%2f`, a NUL byte, a backslash: any path that reaches the file system"
  mitigated_by serve_site_only
}

threat serve_held "Slow or endless connections hold the preview" {
  stride denial_of_service
  on tmc.serve
  impact 2
  likelihood 2
  description "A page that opens connections and never finishes its headers, or hundreds of event streams"
  mitigated_by serve_origin_checks
}

threat allow_remote "tmc serve --allow-remote shows the model to the network" {
  stride information_disclosure
  on tmc.serve
  impact 4
  likelihood 1
  description "With the flag, tmc binds where it is told and answers any Host, with no authentication"
  transferred "to the engineer who passes --allow-remote: tmc prints a warning, and the flag is meant for containers and VMs whose port is forwarded to loopback"
}

control serve_origin_checks "The preview answers only this machine's browser, same-origin" {
  status implemented
  owner "tmc-maintainers"
  description """
    It binds to loopback unless `--allow-remote`; answers only requests
    whose Host is a loopback name (`localhost`, `127.0.0.1`, `[::1]`,
    `*.localhost`); refuses requests whose `Sec-Fetch-Site` is
    `cross-site`; sends `Cross-Origin-Resource-Policy: same-origin` on
    every response, so another origin cannot include the search index as
    a script; and sets read-header, read, write and idle timeouts (the
    event stream excepted from the write timeout).
  """
  test "verify.sh:TestHostCheck"
  test "verify.sh:TestCrossOriginResourcePolicy"
  test "verify.sh:TestFetchMetadata"
  test "verify.sh:TestIdleConnectionClosed"
  evidence "docs/adr/0005-serve-for-this-browser-only.md"
}

control serve_site_only "The preview serves the built site from memory, nothing else" {
  status implemented
  owner "tmc-maintainers"
  description """
    GET and HEAD only; no listings; `..` raw or encoded refused; the
    files served are the ones the build produced, held in memory, never
    paths looked up on disk. Every response has a CSP,
    `X-Content-Type-Options: nosniff` and `Cache-Control: no-store`.
  """
  test "verify.sh:TestPathTraversal"
  test "verify.sh:TestMethodsAndRouting"
  evidence "docs/adr/0005-serve-for-this-browser-only.md"
}

decision adr0005 "tmc serve is for this browser only" {
  status accepted
  file "docs/adr/0005-serve-for-this-browser-only.md"
  affects tmc.serve
}
