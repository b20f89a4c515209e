package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
)

// Input handling and injection (TMR-N01 to TMR-N19): what an element does
// with what it is sent, read from the facts that say so: a flow into a
// database, a directory, a search index or a file server (the caller
// builds a query or a path from its input), the formats an element
// accepts (xml, serialized_objects, files, templates), custom_developed code that
// calls URLs or renders pages, a browser's session.

var (
	_ = safeguard("parameterized_queries", "queries to a database or a search index bind input as parameters or build it with a structured query API (prepared statements, an ORM, a search query DSL with values as terms), never by pasting it into query text")
	_ = safeguard("ldap_escaping", "values put into LDAP filters and DNs are escaped (RFC 4515, RFC 4514) or built with a filter API")
	_ = safeguard("xml_hardening", "XML parsers reject DTDs and external entities and bound entity expansion")
	_ = safeguard("safe_deserialization", "serialized objects are deserialized only into allow-listed types, or only after their signature is verified, or a data-only format replaces native serialization")
	_ = safeguard("path_validation", "file paths built from input are canonicalized and checked to stay under the intended folder; names come from an allow-list or are generated")
	_ = safeguard("file_validation", "uploaded files are checked by content (type, size, structure), scanned for malware, stored under generated names outside the web root and never executed")
	_ = safeguard("url_allow_list", "the URLs the element calls are fixed in configuration or checked against an allow-list of hosts and paths after resolving them; input never chooses where a request goes")
	_ = safeguard("output_encoding", "output is encoded for its context (HTML, attribute, JavaScript, URL) by templates that escape by default, and a Content-Security-Policy restricts scripts")
	_ = safeguard("csrf_protection", "state-changing requests need an anti-CSRF token or a checked Origin, and session cookies are SameSite")
	_ = safeguard("sandboxed_templates", "templates given to the element are filled as data or run by a logic-less engine in a sandbox with no access to objects, files or the runtime; input is never compiled as template code")
	_ = safeguard("safe_command_execution", "commands run without a shell, with input passed as separate arguments (or through environment variables in pipeline steps), never interpolated into a command line")
)

// inpOurs reports whether the element's code is ours to analyse: in scope
// and not a third party's.
func inpOurs(e *ir.Element) bool { return inScope(e) && !external(e) }

// inpCustom reports whether the element, or one around it, is custom
// developed.
func inpCustom(e *ir.Element) bool {
	return fact(e, func(x *ir.Element) bool { return x.CustomDeveloped })
}

// inpClients are the technologies of devices people use.
var inpClients = map[string]bool{"browser": true, "mobile_app": true, "desktop_app": true, "workstation": true, "iot_device": true}

// inpHuman reports whether the element is a person or a device a person
// drives: what it sends, its user typed; it builds no query from another
// party's input.
func inpHuman(e *ir.Element) bool { return e.Kind == ir.Person || inpClients[e.Technology] }

// inpForwarders are the technologies that pass requests on to configured
// upstreams without building them.
var inpForwarders = map[string]bool{"load_balancer": true, "reverse_proxy": true, "api_gateway": true, "waf": true, "cdn": true}

// inpWebProtocol reports whether the flow's protocol is a web protocol
// (http, https, ws, wss, graphql, soap, rest).
func inpWebProtocol(f *ir.Flow) bool {
	p := strings.ToLower(strings.TrimSpace(f.Protocol))
	switch p {
	case "ws", "wss", "websocket", "websockets", "graphql", "soap", "rest":
		return true
	}
	return strings.HasPrefix(p, "http")
}

// inpQuery says which query language a flow into a store speaks: "ldap"
// (an LDAP protocol, or a directory reached without a protocol said),
// "search" (a search index), "sql" (a database, a data warehouse, a user
// database; NoSQL too), or "".
func inpQuery(f *ir.Flow) string {
	p := strings.ToLower(f.Protocol)
	t := f.To.Technology
	switch {
	case strings.Contains(p, "ldap"):
		return "ldap"
	case t == "search_index":
		return "search"
	case t == "identity_store" && f.To.Kind != ir.Database:
		if p == "" {
			return "ldap"
		}
		return ""
	case t == "database" || t == "data_warehouse" || t == "identity_store" || f.To.Kind == ir.Database && t == "":
		return "sql"
	}
	return ""
}

// inpStake names the most sensitive data stored or processed at the
// element, for messages: "; at stake: restricted card, confidential
// order", or "" when the element says nothing.
func inpStake(e *ir.Element) string {
	var ds []*ir.Data
	seen := map[*ir.Data]bool{}
	for _, d := range append(append([]*ir.Data{}, e.Stores...), e.Processes...) {
		if !seen[d] {
			seen[d] = true
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		return ""
	}
	sort.SliceStable(ds, func(i, j int) bool { return classRank[ds[i].Classification] > classRank[ds[j].Classification] })
	if len(ds) > 3 {
		ds = ds[:3]
	}
	var parts []string
	for _, d := range ds {
		if d.Classification != "" {
			parts = append(parts, d.Classification+" "+d.ID)
		} else {
			parts = append(parts, d.ID)
		}
	}
	return "; at stake: " + list(parts)
}

// inpQueryRule matches the calls from our code into a store that speaks
// the query language lang, without one of the safeguards on the flow,
// the caller or the store (every flow into it).
func inpQueryRule(lang, what string, guards []string) func(m *ir.Model) []Hit {
	return func(m *ir.Model) []Hit {
		return calls(m, func(f *ir.Flow) *Hit {
			if inpQuery(f) != lang || inpHuman(f.From) || !inpOurs(f.From) || !inScope(f.To) ||
				guarded(f, guards, f.From, f.To) {
				return nil
			}
			over := ""
			if f.Protocol != "" {
				over = " over " + f.Protocol
			}
			return onFlow(f, "%q queries %s %q%s without %s%s", f.From.ID, what, f.To.ID, over, list(guards), inpStake(f.To))
		})
	}
}

// inpLowest returns, per element, the inbound flow from the sender of
// lowest trust (the first in model order among equals).
func inpLowest(m *ir.Model) map[*ir.Element]*ir.Flow {
	out := map[*ir.Element]*ir.Flow{}
	for _, f := range m.Flows {
		if f.From == nil || f.To == nil {
			continue
		}
		if g := out[f.To]; g == nil || trust(f.From) < trust(g.From) {
			out[f.To] = f
		}
	}
	return out
}

// inpReach says where an element's input can come from, for messages:
// "; reached from "internet" (trust untrusted) by flow "in"" when a sender
// has lower trust than the element. It computes inpLowest on its first
// use, into *low, so that a model without hits pays nothing.
func inpReach(m *ir.Model, e *ir.Element, low *map[*ir.Element]*ir.Flow) string {
	if *low == nil {
		*low = inpLowest(m)
	}
	f := (*low)[e]
	if f == nil || trust(f.From) >= trust(e) {
		return ""
	}
	return fmt.Sprintf("; reached from %s by flow %q", trustName(f.From), f.ID)
}

// inpAccepts reports whether the element accepts the format.
func inpAccepts(e *ir.Element, format string) bool {
	for _, a := range e.Accepts {
		if a == format {
			return true
		}
	}
	return false
}

// inpFormatRule matches our elements that accept the format and declare
// none of the safeguards.
func inpFormatRule(format string, custom bool, guards []string, msg string) func(m *ir.Model) []Hit {
	return func(m *ir.Model) []Hit {
		var low map[*ir.Element]*ir.Flow
		var out []Hit
		for _, e := range m.Elements {
			if !inpAccepts(e, format) || inpHuman(e) || !inpOurs(e) || custom && !inpCustom(e) || guarded(nil, guards, e) {
				continue
			}
			out = append(out, onElement(e, "%s without %s%s%s", msg, list(guards), inpReach(m, e, &low), inpStake(e)))
		}
		return out
	}
}

// inpRemoteObjects are the protocols that carry serialized objects.
var inpRemoteObjects = map[string]bool{"iiop": true, "iiops": true, "jrmp": true, "rmi": true, "java rmi": true, "t3": true, "t3s": true}

// inpWeb reports whether the element serves web pages that our code
// renders: a web application or a CMS, or a web server, identity
// provider or ERP that is custom developed.
func inpWeb(e *ir.Element) bool {
	switch e.Technology {
	case "web_application", "cms":
		return true
	case "web_server", "identity_provider", "erp":
		return inpCustom(e)
	}
	return false
}

// inpAmbient are the authentications a browser sends on its own with
// every request to the site, whichever page made the request.
var inpAmbient = map[string]bool{"session": true, "client_certificate": true}

var _ = register(
	&Rule{
		ID: "TMR-N01", Title: "SQL or NoSQL injection into a database",
		Stride: []string{tampering, disclosure, eop}, Impact: 4, Likelihood: 4,
		Rationale: "A service that builds a query from what it was sent (an order field, a search term, a sort column) lets the sender rewrite the query: read other tenants' rows, change or delete data, or run the database's own commands. NoSQL stores take operators in JSON and are injected the same way. " +
			"The rule checks every call from an element of ours in scope into a database (`database` kind, or technology `database`, `data_warehouse`, or a user database as `identity_store`), whatever the protocol; people and their devices (`browser`, `workstation`...) type their own queries, and an `out_of_scope` database is not analysed.",
		Fix: "Bind every value as a parameter (prepared statements, an ORM, the driver's query builder; never string concatenation, including for column names and sort orders) and declare `safeguards parameterized_queries` on the flow, on the caller, or on the database when every caller does. " +
			"`input_validation` does not silence it: a schema check lets through the quotes and operators that a valid string or JSON value may hold.",
		References: []string{"CWE-89", "CWE-943", "CAPEC-66", "CAPEC-676", "OWASP ASVS V5.3.4", "OWASP ASVS V5.3.5"},
		Peers:      []string{"threagile:sql-nosql-injection"},
		Match:      inpQueryRule("sql", "database", []string{"parameterized_queries"}),
	},
	&Rule{
		ID: "TMR-N02", Title: "LDAP injection into a directory",
		Stride: []string{tampering, disclosure, spoofing}, Impact: 4, Likelihood: 3,
		Rationale: "A service that puts a user name or a search term into an LDAP filter unescaped lets the sender change the filter: `*)(uid=*` lists the directory, `admin)(|(a=*` turns a login check into one that always matches. " +
			"The rule checks every call from an element of ours in scope over an LDAP protocol, or into an `identity_store` that is not a database when no protocol is said.",
		Fix:        "Escape every value for its place (RFC 4515 for filters, RFC 4514 for DNs) or build filters with the library's filter API, and declare `safeguards ldap_escaping` on the flow, the caller or the directory. `input_validation` does not silence it unless it rejects `*()\\` and NUL, which a schema check rarely does.",
		References: []string{"CWE-90", "CAPEC-136", "OWASP ASVS V5.3.7"},
		Peers:      []string{"threagile:ldap-injection"},
		Match:      inpQueryRule("ldap", "directory", []string{"ldap_escaping"}),
	},
	&Rule{
		ID: "TMR-N03", Title: "XML parsed without hardening (XXE)",
		Stride: []string{disclosure, dos}, Impact: 4, Likelihood: 3,
		Rationale: "An XML parser that resolves external entities and DTDs reads files from the server (`file:///etc/passwd`), makes requests on the attacker's behalf (SSRF) and expands a few kilobytes into gigabytes (billion laughs). Many parsers still do so by default. " +
			"The rule checks every element of ours in scope that `accepts xml`, whoever sends it: XML from a trusted service often carries a user's document.",
		Fix: "Disable DTDs and external entities in every parser (and in SOAP, SAML, SVG and office-format libraries that parse XML for you), bound entity expansion, and declare `safeguards xml_hardening` on the element. " +
			"`input_validation` does not silence it: entities are resolved while parsing, before any schema check runs.",
		References: []string{"CWE-611", "CWE-776", "CAPEC-201", "CAPEC-197", "OWASP ASVS V5.5.2"},
		Peers:      []string{"threagile:xml-external-entity"},
		Match:      inpFormatRule("xml", false, []string{"xml_hardening"}, "parses XML"),
	},
	&Rule{
		ID: "TMR-N04", Title: "Untrusted deserialization",
		Stride: []string{eop, tampering}, Impact: 5, Likelihood: 3,
		Rationale: "Native deserialization (Java serialization, RMI, .NET BinaryFormatter, Python pickle, PHP unserialize) builds whatever object graph the bytes describe and runs its code: a crafted payload is remote code execution with the element's rights. " +
			"The rule checks every element of ours in scope that `accepts serialized_objects` or receives a call over IIOP, JRMP, RMI or T3; the message says when a sender of lower trust reaches it.",
		Fix: "Replace native serialization with a data-only format (JSON, protobuf) or restrict it to allow-listed types (a look-ahead filter such as Java's ObjectInputFilter), or verify a signature before deserializing; declare `safeguards safe_deserialization` on the element. " +
			"`input_validation` does not silence it: the payload runs during deserialization, before anything can validate the object.",
		References: []string{"CWE-502", "CAPEC-586", "OWASP ASVS V5.5.1", "OWASP ASVS V5.5.3", "OWASP Deserialization Cheat Sheet"},
		Peers:      []string{"threagile:untrusted-deserialization"},
		Match: func(m *ir.Model) []Hit {
			var low map[*ir.Element]*ir.Flow
			remote := map[*ir.Element]*ir.Flow{}
			for _, f := range m.Flows {
				if f.From != nil && f.To != nil && f.ResponseTo == nil && remote[f.To] == nil &&
					inpRemoteObjects[strings.ToLower(strings.TrimSpace(f.Protocol))] {
					remote[f.To] = f
				}
			}
			var out []Hit
			for _, e := range m.Elements {
				how := ""
				switch {
				case inpAccepts(e, "serialized_objects"):
					how = "accepts serialized_objects"
				case remote[e] != nil:
					how = fmt.Sprintf("receives serialized objects over %s (flow %q)", remote[e].Protocol, remote[e].ID)
				default:
					continue
				}
				if inpHuman(e) || !inpOurs(e) || guarded(nil, []string{"safe_deserialization"}, e) {
					continue
				}
				out = append(out, onElement(e, "%s without safe_deserialization%s%s", how, inpReach(m, e, &low), inpStake(e)))
			}
			return out
		},
	},
	&Rule{
		ID: "TMR-N05", Title: "Path traversal into a file server",
		Stride: []string{disclosure, tampering}, Impact: 4, Likelihood: 3,
		Rationale: "A service that builds a file path from a name it was sent (a document id, an upload's file name) reads or overwrites any file the share lets it reach with `../` or an absolute path: other customers' contracts, configuration, keys. " +
			"The rule checks every call from an element of ours in scope into an element of technology `file_server`. An object store's keys are not paths (`../` is part of the key), so `object_store` is not counted; an upload's own file name is TMR-N06's.",
		Fix:        "Generate stored names (ids) instead of using the names you are sent, or canonicalize the path and check that it stays under the intended folder before opening it; declare `safeguards path_validation` on the flow, the caller or the file server.",
		References: []string{"CWE-22", "CWE-73", "CAPEC-126", "OWASP ASVS V12.3.1", "OWASP ASVS V12.3.2"},
		Peers:      []string{"threagile:path-traversal"},
		Match: func(m *ir.Model) []Hit {
			guards := []string{"path_validation"}
			return calls(m, func(f *ir.Flow) *Hit {
				if f.To.Technology != "file_server" || inpHuman(f.From) || !inpOurs(f.From) || !inScope(f.To) ||
					guarded(f, guards, f.From, f.To) {
					return nil
				}
				return onFlow(f, "%q reaches file server %q without path_validation%s", f.From.ID, f.To.ID, inpStake(f.To))
			})
		},
	},
	&Rule{
		ID: "TMR-N06", Title: "Uploaded files accepted without validation",
		Stride: []string{tampering, eop, dos}, Impact: 3, Likelihood: 4,
		Rationale: "Code of ours that accepts files takes whatever is uploaded: a script with an image's extension that the web server then runs, an HTML file served from our origin, a zip bomb, a polyglot that a later parser (image library, PDF renderer, antivirus) mishandles, a file name that is a path. " +
			"The rule checks every element in scope that is `custom_developed` and `accepts files`; a product we do not build validates files its own way.",
		Fix: "Check type by content (not extension or Content-Type), size and structure, scan for malware, store under generated names outside the web root, serve with `Content-Disposition: attachment` and never execute; declare `safeguards file_validation` on the element. " +
			"`input_validation` does not silence it: a schema checks the request, not the file's content.",
		References: []string{"CWE-434", "CWE-409", "CAPEC-650", "OWASP ASVS V12.1", "OWASP ASVS V12.2.1", "OWASP File Upload Cheat Sheet"},
		Peers:      []string{"threagile:missing-file-validation"},
		Match:      inpFormatRule("files", true, []string{"file_validation"}, "accepts files"),
	},
	&Rule{
		ID: "TMR-N07", Title: "Server-side request forgery from our code",
		Stride: []string{disclosure, eop, spoofing}, Impact: 3, Likelihood: 3,
		Rationale: "Custom code that makes web requests can be made to request another URL when any part of it (host, path, a redirect it follows, a webhook or image URL it was given) comes from input: it then reaches, with its own network position and credentials, internal services, admin endpoints and the cloud metadata service. " +
			"The rule checks every web call (http, https, ws, wss, graphql, soap, rest) from a `custom_developed` element in scope to an element that is not a third party; proxies and load balancers forward to configured upstreams and are not counted, and a call to a third party is TMR-X01's.",
		Fix: "Keep the URLs fixed in configuration, or check each one against an allow-list of hosts and paths after resolving it (and re-check on redirects), and block link-local and metadata addresses; declare `safeguards url_allow_list` on the flow or the caller. " +
			"`egress_allow_list` (the network lets the caller reach listed hosts only) also silences it. `input_validation` does not: a well-formed URL can point anywhere.",
		References: []string{"CWE-918", "CAPEC-664", "OWASP ASVS V12.6.1", "OWASP ASVS V5.2.6", "OWASP SSRF Prevention Cheat Sheet"},
		Peers:      []string{"threagile:server-side-request-forgery"},
		Match: func(m *ir.Model) []Hit {
			guards := []string{"url_allow_list", "egress_allow_list"}
			return calls(m, func(f *ir.Flow) *Hit {
				if !inpWebProtocol(f) || !inpCustom(f.From) || !inpOurs(f.From) || inpHuman(f.From) ||
					inpForwarders[f.From.Technology] || external(f.To) || f.To.Kind == ir.Person || guarded(f, guards, f.From) {
					return nil
				}
				return onFlow(f, "custom code in %q calls %q over %s without url_allow_list or egress_allow_list", f.From.ID, f.To.ID, f.Protocol)
			})
		},
	},
	&Rule{
		ID: "TMR-N08", Title: "Cross-site scripting in a web application",
		Stride: []string{spoofing, tampering, disclosure}, Impact: 4, Likelihood: 3,
		Rationale: "A web application that puts what users sent (a name, a comment, a search term, a URL) into its pages without encoding it for the context runs the attacker's script in other users' browsers: their session, their data and every action they may take are the attacker's. " +
			"The rule checks every element in scope of technology `web_application` or `cms`, and a `web_server`, `identity_provider` or `erp` that is `custom_developed` (our own pages); a third party's pages are not ours to fix.",
		Fix: "Render through templates that encode by default for each context (HTML, attribute, JavaScript, URL), sanitize rich text with an allow-list sanitizer, set a strict Content-Security-Policy, and declare `safeguards output_encoding` on the element. " +
			"`input_validation` does not silence it: valid input (an apostrophe in a name) still breaks out of an HTML attribute.",
		References: []string{"CWE-79", "CAPEC-63", "CAPEC-591", "OWASP ASVS V5.3.3", "OWASP ASVS V14.4.3"},
		Peers:      []string{"threagile:cross-site-scripting"},
		Match: func(m *ir.Model) []Hit {
			var out []Hit
			for _, e := range m.Elements {
				if !inpWeb(e) || !inpOurs(e) || guarded(nil, []string{"output_encoding"}, e) {
					continue
				}
				out = append(out, onElement(e, "renders pages (technology %s) without output_encoding%s", e.Technology, inpStake(e)))
			}
			return out
		},
	},
	&Rule{
		ID: "TMR-N09", Title: "Cross-site request forgery on a browser session",
		Stride: []string{spoofing, tampering}, Impact: 3, Likelihood: 3,
		Rationale: "A browser sends its session cookie (or client certificate) with every request to the site, whichever page made it: a page on another site can make a signed-in user's browser post a transfer, change an e-mail address or delete data. " +
			"The rule checks calls that are not `readonly`, over a web protocol or none said, into an element of ours in scope that is not a store, authenticated by `session` or `client_certificate`, from a person, a `browser`, or a proxy that passes the browser's session on (load balancer, reverse proxy, gateway, WAF, CDN). A token the page puts in a header is not sent on its own and cannot be forged this way.",
		Fix:        "Require an anti-CSRF token (synchronizer or double-submit) or check Origin on every state-changing request, mark session cookies `SameSite=Lax` or `Strict`, and declare `safeguards csrf_protection` on the flow or the receiving element.",
		References: []string{"CWE-352", "CAPEC-62", "OWASP ASVS V4.2.2", "OWASP ASVS V3.4.3"},
		Peers:      []string{"threagile:cross-site-request-forgery"},
		Match: func(m *ir.Model) []Hit {
			return calls(m, func(f *ir.Flow) *Hit {
				from := f.From.Kind == ir.Person || f.From.Technology == "browser" || inpForwarders[f.From.Technology]
				if !from || !inpAmbient[f.Authentication] || f.Readonly || f.Protocol != "" && !inpWebProtocol(f) ||
					inpHuman(f.To) || store(f.To) || inpForwarders[f.To.Technology] ||
					!inpOurs(f.To) || guarded(f, []string{"csrf_protection"}, f.To) {
					return nil
				}
				return onFlow(f, "%q takes state-changing requests on a browser's %s from %q without csrf_protection", f.To.ID, f.Authentication, f.From.ID)
			})
		},
	},
	&Rule{
		ID: "TMR-N10", Title: "Search query injection into a search index",
		Stride: []string{disclosure, tampering, dos}, Impact: 3, Likelihood: 3,
		Rationale: "A service that passes a user's search text into a query string (Lucene or Elasticsearch `query_string`, Solr `q`) or pastes it into a JSON query lets the user add clauses: lift the tenant or visibility filter, read fields they should not see, or run queries that take the cluster down. " +
			"The rule checks every call from an element of ours in scope into an element of technology `search_index`.",
		Fix:        "Build queries with the client's query DSL, with user text only as a term or match value (or `simple_query_string`), keep security filters outside the user's part, and declare `safeguards parameterized_queries` on the flow, the caller or the index. `input_validation` does not silence it.",
		References: []string{"CWE-943", "CWE-74", "CAPEC-66", "OWASP ASVS V5.3.4"},
		Peers:      []string{"threagile:search-query-injection"},
		Match:      inpQueryRule("search", "search index", []string{"parameterized_queries"}),
	},
	&Rule{
		ID: "TMR-N11", Title: "Command injection into a build pipeline",
		Stride: []string{eop, tampering}, Impact: 5, Likelihood: 2,
		Rationale: "A pipeline runs shell steps on events whose text people outside write: branch names, pull request titles, commit messages, issue comments. A step that interpolates them into a command line (`run: echo ${{ github.event.pull_request.title }}`) runs them as commands, with the pipeline's credentials and its way into production. " +
			"The rule checks every element of ours of technology `build_pipeline` that a sender of lower trust (or a person, or a third party) reaches. Other code that runs commands is not said by any fact of the model, so tmc does not guess it.",
		Fix:        "Pass event fields to steps through environment variables, never into the script text; run commands without a shell, with arguments as a list; and declare `safeguards safe_command_execution` on the pipeline or on the flows into it. `input_validation` does not silence it.",
		References: []string{"CWE-78", "CWE-77", "CAPEC-88", "OWASP ASVS V5.3.8", "OWASP CI/CD Security Risks CICD-SEC-4"},
		Peers:      []string{"pytm:command injection"},
		Match: func(m *ir.Model) []Hit {
			var out []Hit
			done := map[*ir.Element]bool{}
			for _, f := range m.Flows {
				e := f.To
				if f.From == nil || e == nil || f.ResponseTo != nil || done[e] || e.Technology != "build_pipeline" || !inpOurs(e) {
					continue
				}
				if !(trust(f.From) < trust(e) || f.From.Kind == ir.Person || external(f.From)) || guarded(f, []string{"safe_command_execution"}, e) {
					continue
				}
				done[e] = true
				out = append(out, onElement(e, "runs on events that %q sends from %s, without safe_command_execution", f.From.ID, trustName(f.From)))
			}
			return out
		},
	},
	&Rule{
		ID: "TMR-N12", Title: "Server-side template injection",
		Stride: []string{eop, tampering, disclosure}, Impact: 5, Likelihood: 3,
		Rationale: "Code that compiles a template it was given (a CMS page an editor writes, a customer's email or invoice layout, a notification text with placeholders) runs the template language on the server: `{{ }}` reaches objects, files and commands, so whoever writes the template runs code with the element's rights. " +
			"The rule checks every element of ours in scope that is `custom_developed` and `accepts templates`, whoever sends them: a template from an administrator's account is the attacker's once that account is phished. Rendering data into our own templates is TMR-N08's (cross-site scripting), not this.",
		Fix: "Do not compile templates from input: offer placeholders that are filled as data (`Hello {name}` replaced by plain string substitution), or a logic-less engine (Mustache) in its sandboxed mode with no access to objects, files or the runtime; keep template authors to a small, strongly authenticated group; and declare `safeguards sandboxed_templates` on the element. " +
			"`input_validation` does not silence it: a valid template is the attack.",
		References: []string{"CWE-1336", "CWE-94", "CAPEC-242", "OWASP WSTG-INPV-18", "OWASP ASVS V5.2.5"},
		Peers:      []string{"pytm:template injection"},
		Match:      inpFormatRule("templates", true, []string{"sandboxed_templates"}, "accepts templates"),
	},
)

var (
	_ = peerNote("threagile:sql-nosql-injection", "tmc counts calls into a database over any protocol (Threagile: database protocols, or HTTP and binary ones) and skips callers that are people or their devices; a cache is not counted.")
	_ = peerNote("threagile:ldap-injection", "tmc also counts a call into an `identity_store` that says no protocol, and skips callers that are people or their devices.")
	_ = peerNote("threagile:path-traversal", "tmc counts `file_server` only: an object store's keys are not paths; an upload's file name is TMR-N06's.")
	_ = peerNote("threagile:server-side-request-forgery", "tmc counts `custom_developed` callers only (a product calls the URLs it is configured with); a web call to a third party is TMR-X01's, with the same fix.")
	_ = peerNote("threagile:cross-site-scripting", "tmc counts `web_application` and `cms`, and a web server, identity provider or ERP only when `custom_developed`: a third party's pages are not ours to encode.")
	_ = peerNote("threagile:cross-site-request-forgery", "tmc counts only what a browser sends on its own (`session`, `client_certificate`) from a person, a browser or a proxy in front, on calls that are not `readonly`; Threagile counts every web link into a web application, server-to-server calls with tokens included, which CSRF cannot ride.")
	_ = peerNote("pytm:command injection", "pytm flags every process without input validation; tmc flags the code a fact says runs commands on outsiders' text: a `build_pipeline` that a lower-trust sender reaches.")
	_ = peerNote("pytm:template injection", "pytm asks whether a process sanitizes its input; tmc asks the fact that makes template injection possible, an element that `accepts templates` (compiles templates it is given), and does not guess it from a technology. Pages that render input into our own templates are TMR-N08's.")
)
