# This model fails `tmc check` on purpose: it shows TM301, an unmarked
# trust boundary crossing. The flow below leaves `internet` and enters `app`
# but has no `crosses` line. tmc's help gives the line to add:
#
#   crosses internet, app "<how trust is established>"

model "Unmarked crossing" {
  owner "docs"
  reviewed 2026-11-01
}

boundary internet "Internet" { trust untrusted }
boundary app "Application" { trust high }

person visitor "Visitor" in internet

system api "Public API" in app {
  description "Takes requests from anyone on the internet"
}

flow visitor -> api "Submit form" {
  protocol https
  # error TM301: crosses internet and app, but does not say so
}
