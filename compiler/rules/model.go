package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
)

// The rules about the model itself (TMR-M): statements that contradict
// each other, or a model too incomplete for the other rules to see a
// threat. They are modelling-quality findings, scored low, and each one
// reads only facts a model has started to state (data on flows, stores
// and processes, boundary types, technology), so a model that has not
// adopted a fact yet is not flooded with findings about it.

var _ = register(
	&Rule{
		ID: "TMR-M01", Title: "Flow that carries no data",
		Stride: []string{eop}, Impact: 1, Likelihood: 2,
		Rationale: "A communication link that sends no data and receives none is either unnecessary, and an attack surface with nothing to show for it, or the model does not say what it carries, and the rules about data (encryption, disclosure, minimisation) cannot see it. " +
			"A request and its `response_to` replies count as one exchange: a call that sends nothing and gets data back is a read, not an empty link. " +
			"The rule reads models that list data on flows (at least one `carries`), so a model that does not model data yet is not flagged flow by flow; " +
			"it skips a call between an element and its own parts (two components of one container, a container and its component), an in-process call that no attacker reaches on the network, and a flow between two elements that are both `out_of_scope`.",
		Fix:        "Say what the flow carries (`carries DATA`, or a `response_to` reply that carries what comes back), or remove the link from the system and the model if nothing needs it.",
		References: []string{"CWE-1008", "OWASP ASVS V1", "OWASP Attack Surface Analysis Cheat Sheet"},
		Peers:      []string{"threagile:unnecessary-communication-link"},
		Match:      mMatchEmptyFlow,
	},
	&Rule{
		ID: "TMR-M02", Title: "Data delivered to an element that neither holds nor passes it on",
		Stride: []string{disclosure, eop}, Impact: 2, Likelihood: 2,
		Rationale: "An element that receives confidential data (or data of critical integrity) which it neither stores, processes nor sends on gets data it does not need: one more place to steal or corrupt it, for no purpose. " +
			"The rule checks only elements that say what they hold (`stores` or `processes`): data held by one of their parts counts, and so does data any flow out of them carries on (a gateway forwarding an order). " +
			"An element that states neither is not checked, so a model that has not adopted the facts is not flagged.",
		Fix:        "Stop sending the data to that element (send an id or a token instead), or complete the model: add the data to the element's `stores` or `processes`, or the flow that carries it on.",
		References: []string{"CWE-1008", "CWE-213", "OWASP ASVS V1", "OWASP Attack Surface Analysis Cheat Sheet"},
		Peers:      []string{"threagile:unnecessary-data-transfer"},
		Match:      mMatchUnneededData,
	},
	&Rule{
		ID: "TMR-M03", Title: "Flow whose protocol or direction contradicts its ends",
		Stride: []string{disclosure}, Impact: 1, Likelihood: 2,
		Rationale: "Rules read a flow's ends and flags to decide what it does: a database protocol (postgres, mysql, redis...) with neither end a database or cache, or a broker protocol (kafka, amqp, mqtt...) with neither end a queue, means a store is missing from the model or drawn as a service, and the store rules (encryption at rest, tenant isolation, direct access) do not see it; " +
			"an `ldap` flow to an element whose `technology` says it is not a directory is the same mistake. " +
			"A call that sends nothing while its `response_to` reply carries data is a read: without `readonly` the rules treat it as a change. " +
			"A `readonly` flow that carries data is not flagged: tmc lets its `carries` name what is read.",
		Fix:        "Declare the store as what it is (`database`, `cache`, `queue`, or `technology database|message_queue|identity_store`), correct the `protocol`, or mark a pure read `readonly` (or say what the call sends).",
		References: []string{"CWE-1008", "OWASP ASVS V1", "OWASP Threat Modeling Cheat Sheet"},
		Peers:      []string{"threagile:wrong-communication-link-content"},
		Match:      mMatchWrongLink,
	},
	&Rule{
		ID: "TMR-M04", Title: "Element placed in a boundary of a type that cannot hold it",
		Stride: []string{eop}, Impact: 1, Likelihood: 2,
		Rationale: "A boundary's `type` says what separates its zone. A person, a browser, a mobile or desktop app, a workstation, a device or a third party's element cannot run inside one of our `namespace`, `container` or `process` boundaries, and a person or a client cannot sit in a `cloud_account` or `cloud_region`; " +
			"a component placed in a network, host, account or organization boundary other than its container's cannot be there either, since it runs in its container's process. " +
			"Such a placement makes crossings that do not exist and hides those that do. Only boundaries that state a `type` are checked.",
		Fix:        "Place the element in the boundary where it runs (a client in `internet` or an office network, a component with its container), or correct the boundary's `type`.",
		References: []string{"CWE-1008", "OWASP ASVS V1", "OWASP Threat Modeling Cheat Sheet"},
		Peers:      []string{"threagile:wrong-trust-boundary-content"},
		Match:      mMatchWrongBoundary,
	},
	&Rule{
		ID: "TMR-M05", Title: "Incomplete model: service without technology or sensitive crossing without protocol",
		Stride: []string{disclosure}, Impact: 1, Likelihood: 2,
		Rationale: "Rules decide from what an element is (`technology`) and how a flow travels (`protocol`): an element or a crossing they cannot read hides the threats that depend on it. " +
			"The rule asks for `technology` on in-scope containers of ours once the model states technology on any element, and on every in-scope container or component that is `custom_developed` or `accepts` input (our code parsing input is what the injection rules read); a database, cache, queue or bucket says what it is by its kind. " +
			"It asks for `protocol` on a call that crosses a trust boundary carrying confidential data, credentials or data of critical integrity (itself or in its `response_to` replies), where the transport decides whether the data is exposed; a crossing of public or internal data loses nothing to an unknown protocol. " +
			"Out-of-scope elements and flows sent by them are skipped; one finding per element or flow.",
		Fix:        "State what the element is with `technology WORD` (docs/language.md lists the words) and how the flow travels with `protocol`.",
		References: []string{"CWE-1008", "OWASP ASVS V1", "OWASP Threat Modeling Cheat Sheet"},
		Peers:      []string{"threagile:incomplete-model"},
		Match:      mMatchIncomplete,
	},
)

var _ = peerNote("threagile:unnecessary-data-asset",
	"the check [TM206](checks.md#tm206), not a rule: a finding's target is a flow, an element or a boundary, and a data asset is none of them; a data asset that no flow carries and no element stores or processes is a gap in the model's shape, warned about where it is declared")
var _ = peerNote("threagile:unnecessary-communication-link",
	"tmc reads a request and its `response_to` replies as one exchange, skips in-process calls between an element and its parts, and stays quiet on models that list no data at all")
var _ = peerNote("threagile:unnecessary-data-transfer",
	"tmc checks only elements that state `stores` or `processes`, counts data passed on by a flow out of the element as needed, and gives one finding per element instead of one per data, element and partner")
var _ = peerNote("threagile:wrong-communication-link-content",
	"tmc's protocol is free text, so the check is a database, broker or LDAP protocol against the kinds and technologies of the ends; a readonly flow that carries data is not flagged, since its `carries` may name what is read")
var _ = peerNote("threagile:wrong-trust-boundary-content",
	"tmc has no machine type: the check reads the boundary `type` against the element's kind, technology and `external`, and a component placed apart from its container")
var _ = peerNote("threagile:incomplete-model",
	"tmc has no `unknown` value: a missing `technology` counts where the model states technology elsewhere or the element is our code, and a missing `protocol` only on crossings of data whose exposure depends on it")

// mReplies maps each request to the flows declared response_to it.
func mReplies(m *ir.Model) map[*ir.Flow][]*ir.Flow {
	out := map[*ir.Flow][]*ir.Flow{}
	for _, f := range m.Flows {
		if f.ResponseTo != nil {
			out[f.ResponseTo] = append(out[f.ResponseTo], f)
		}
	}
	return out
}

// mExchangeData returns the data a request and its replies carry.
func mExchangeData(f *ir.Flow, rs map[*ir.Flow][]*ir.Flow) []*ir.Data {
	out := append([]*ir.Data{}, f.Carries...)
	for _, r := range rs[f] {
		out = append(out, r.Carries...)
	}
	return out
}

// mAncestor reports whether a is b or one of b's parents.
func mAncestor(a, b *ir.Element) bool {
	for x := b; x != nil; x = x.Parent {
		if x == a {
			return true
		}
	}
	return false
}

// mInProcess reports whether a flow stays inside one container: between an
// element and its own part, or between two components of one container.
func mInProcess(f *ir.Flow) bool {
	if mAncestor(f.From, f.To) || mAncestor(f.To, f.From) {
		return true
	}
	return f.From.Kind == ir.Component && f.To.Kind == ir.Component && f.From.Parent == f.To.Parent
}

func mMatchEmptyFlow(m *ir.Model) []Hit {
	listsData := false
	for _, f := range m.Flows {
		if len(f.Carries) > 0 {
			listsData = true
			break
		}
	}
	if !listsData {
		return nil
	}
	rs := mReplies(m)
	return calls(m, func(f *ir.Flow) *Hit {
		if len(mExchangeData(f, rs)) > 0 || mInProcess(f) || f.From.OutOfScope != "" && f.To.OutOfScope != "" {
			return nil
		}
		if len(rs[f]) > 0 {
			return onFlow(f, "neither the call nor its replies carry data")
		}
		return onFlow(f, "carries no data")
	})
}

// mAtStake reports whether data is worth keeping off elements that do not
// need it: confidential or above, or of critical integrity or above.
func mAtStake(d *ir.Data) bool {
	return confidential(d) || ir.Rating(d.Integrity) >= ir.Rating("critical")
}

func mMatchUnneededData(m *ir.Model) []Hit {
	// held: data an element or one of its parts stores or processes;
	// passed: data a flow out of the element or one of its parts carries.
	states := false
	for _, e := range m.Elements {
		if len(e.Stores)+len(e.Processes) > 0 {
			states = true
			break
		}
	}
	if !states {
		return nil
	}
	held := map[*ir.Element]map[*ir.Data]bool{}
	mark := func(into map[*ir.Element]map[*ir.Data]bool, e *ir.Element, ds []*ir.Data) {
		if len(ds) == 0 {
			return
		}
		for x := e; x != nil; x = x.Parent {
			if into[x] == nil {
				into[x] = map[*ir.Data]bool{}
			}
			for _, d := range ds {
				into[x][d] = true
			}
		}
	}
	for _, e := range m.Elements {
		mark(held, e, e.Stores)
		mark(held, e, e.Processes)
	}
	passed := map[*ir.Element]map[*ir.Data]bool{}
	for _, f := range m.Flows {
		if f.From != nil && len(f.Carries) > 0 {
			mark(passed, f.From, f.Carries)
		}
	}
	got := map[*ir.Element][]string{}
	var order []*ir.Element
	for _, f := range m.Flows {
		e := f.To
		if f.From == nil || e == nil || len(e.Stores)+len(e.Processes) == 0 || e.OutOfScope != "" {
			continue
		}
		for _, d := range f.Carries {
			if !mAtStake(d) || held[e][d] || passed[e][d] {
				continue
			}
			if _, ok := got[e]; !ok {
				order = append(order, e)
			}
			got[e] = addUnique(got[e], fmt.Sprintf("%s (from %q)", d.ID, f.From.ID))
		}
	}
	var out []Hit
	for _, e := range order {
		out = append(out, onElement(e, "receives %s, which it neither stores, processes nor passes on", list(got[e])))
	}
	return out
}

// Protocol families, by the lower-case protocol with spaces, "-" and "_"
// removed.
var (
	mStoreProtocols = map[string]bool{
		"postgres": true, "postgresql": true, "psql": true, "mysql": true, "mariadb": true, "mssql": true, "sqlserver": true,
		"tds": true, "oracle": true, "oraclenet": true, "jdbc": true, "odbc": true, "sql": true, "mongodb": true, "mongo": true,
		"redis": true, "rediss": true, "resp": true, "memcached": true, "cassandra": true, "cql": true,
	}
	mBrokerProtocols = map[string]bool{
		"kafka": true, "amqp": true, "amqps": true, "mqtt": true, "mqtts": true, "nats": true, "stomp": true, "jms": true,
	}
	mDirectoryProtocols = map[string]bool{"ldap": true, "ldaps": true}
)

func mProtocolWord(p string) string { return protocolSpelling.Replace(strings.ToLower(p)) }

func mBroker(e *ir.Element) bool { return e.Kind == ir.Queue || e.Technology == "message_queue" }

func mDirectory(e *ir.Element) bool {
	return e.Technology == "identity_store" || e.Technology == "identity_provider"
}

func mMatchWrongLink(m *ir.Model) []Hit {
	rs := mReplies(m)
	return flows(m, func(f *ir.Flow) *Hit {
		var why []string
		p := mProtocolWord(f.Protocol)
		switch {
		case mStoreProtocols[p] && !datastore(f.From) && !datastore(f.To):
			why = append(why, fmt.Sprintf("protocol %s is a database protocol, and neither %q nor %q is a database or cache", f.Protocol, f.From.ID, f.To.ID))
		case mBrokerProtocols[p] && !mBroker(f.From) && !mBroker(f.To):
			why = append(why, fmt.Sprintf("protocol %s is a broker protocol, and neither %q nor %q is a queue", f.Protocol, f.From.ID, f.To.ID))
		case mDirectoryProtocols[p] && !mDirectory(f.From) && !mDirectory(f.To):
			callee := f.To
			if f.ResponseTo != nil {
				callee = f.From
			}
			if callee.Technology != "" {
				why = append(why, fmt.Sprintf("protocol %s reaches %q, whose technology is %s, not identity_store", f.Protocol, callee.ID, callee.Technology))
			}
		}
		if f.ResponseTo == nil && !f.Readonly && len(f.Carries) == 0 {
			var back []string
			for _, r := range rs[f] {
				for _, d := range r.Carries {
					back = addUnique(back, d.ID)
				}
			}
			if len(back) > 0 {
				why = append(why, fmt.Sprintf("sends nothing while its replies carry %s, yet is not readonly", list(back)))
			}
		}
		if len(why) == 0 {
			return nil
		}
		return onFlow(f, "%s", strings.Join(why, "; "))
	})
}

var (
	mWorkloadBoundaries = []string{"namespace", "container", "process"}
	mCloudBoundaries    = []string{"cloud_account", "cloud_region"}
	mClientTechnologies = []string{"browser", "mobile_app", "desktop_app", "workstation", "iot_device"}
)

func mMatchWrongBoundary(m *ir.Model) []Hit {
	var out []Hit
	for _, e := range m.Elements {
		b := e.Boundary
		if b == nil || b.Type == "" {
			continue
		}
		what := ""
		if slices.Contains(mWorkloadBoundaries, b.Type) || slices.Contains(mCloudBoundaries, b.Type) {
			switch {
			case e.Kind == ir.Person:
				what = "a person"
			case slices.Contains(mClientTechnologies, e.Technology):
				what = "a " + e.Technology
			case slices.Contains(mWorkloadBoundaries, b.Type) && fact(e, func(x *ir.Element) bool { return x.External }):
				what = "a third party's element"
			}
		}
		if what == "" && e.Kind == ir.Component && e.Placed && e.Parent != nil && e.Parent.Boundary != b &&
			b.Type != "process" && b.Type != "container" {
			// A component runs in its container's process: it cannot sit
			// in a network, host, account or organization its container
			// is not in.
			what = fmt.Sprintf("a component of %q, which is in %s", e.Parent.ID, mBoundaryName(e.Parent.Boundary))
		}
		if what != "" {
			out = append(out, onElement(e, "%s, placed in %q of type %s", what, b.ID, b.Type))
		}
	}
	return out
}

func mBoundaryName(b *ir.Boundary) string {
	if b == nil {
		return "no boundary"
	}
	return fmt.Sprintf("%q", b.ID)
}

func mMatchIncomplete(m *ir.Model) []Hit {
	usesTechnology := false
	for _, e := range m.Elements {
		if e.Technology != "" {
			usesTechnology = true
			break
		}
	}
	var out []Hit
	for _, e := range m.Elements {
		if e.Technology != "" || e.OutOfScope != "" || !service(e) || external(e) {
			continue
		}
		ours := e.CustomDeveloped || len(e.Accepts) > 0
		if !ours && !(usesTechnology && e.Kind == ir.Container) {
			continue
		}
		out = append(out, onElement(e, "in scope with no technology: the rules cannot tell what it is"))
	}
	rs := mReplies(m)
	out = append(out, calls(m, func(f *ir.Flow) *Hit {
		if f.Protocol != "" || len(f.Crossings) == 0 || f.From.OutOfScope != "" {
			return nil
		}
		var ds []string
		for _, d := range mExchangeData(f, rs) {
			if mAtStake(d) || d.Credentials {
				ds = addUnique(ds, d.ID)
			}
		}
		if len(ds) == 0 {
			return nil
		}
		return onFlow(f, "crosses a trust boundary with %s and no protocol: the rules cannot tell whether it is exposed", list(ds))
	})...)
	return out
}
