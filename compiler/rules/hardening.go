package rules

import (
	"fmt"
	"sort"

	"github.com/tmc-dev/tmc/compiler/ir"
)

// Hardening, build and deployment rules (TMR-H): what an element runs on
// and how code reaches it. They read the element's technology, runtime,
// criticality and the data it stores or processes, never its labels.

var _ = safeguard("hardening", "the element is hardened to a benchmark or vendor guide (CIS, DevSec, DBSAT) and the hardening is checked continuously")
var _ = safeguard("cloud_hardening", "the cloud resources the element uses follow the provider's benchmark (CIS AWS, Azure or GCP Foundations), checked continuously (Security Hub, Prowler, ScoutSuite)")
var _ = safeguard("container_isolation", "the container platform confines its workloads: restricted pod security (no privileged containers, host namespaces or host mounts; non-root, seccomp), hardened nodes to the CIS benchmark, no workload credentials to the platform API")
var _ = safeguard("workload_isolation", "the workload runs in a sandbox of its own with its own kernel (a VM, gVisor, Kata, Firecracker), so a compromise of another workload on the same runtime does not reach it")
var _ = safeguard("branch_protection", "no change reaches the built branch without review by another person (pipeline definitions included, administrators included, no direct pushes)")
var _ = safeguard("image_scanning", "the element's images are built from vetted base images and scanned for known vulnerabilities and malware before release and while deployed")
var _ = safeguard("security_scanning", "the pipeline scans what it builds (SAST, dependencies, images) and fails the build on findings above a threshold")
var _ = safeguard("authenticated_registration", "only authenticated workloads can register or change service entries, each only its own (bound to its workload identity)")

var _ = peerNote("threagile:missing-hardening", "tmc has no relative attacker attractiveness: an element is a high-value target when its criticality or the data it stores or processes is rated critical or higher, restricted or secret, or credentials, or when it is a secret store, HSM, identity provider or store, container platform or build tool.")
var _ = peerNote("threagile:missing-cloud-hardening", "One finding per network zone inside a cloud account (the account, a VPC, a subnet or security group) and per cloud_account runtime (on its most valuable element, as runtimes are not finding targets); it closes when every element there declares cloud_hardening. tmc reads the boundary and runtime type, not provider tags, so it has no per-service findings (aws:ec2, aws:s3); and a runtime without a cloud type (a VMware host) is not a cloud component, where Threagile reports every untagged shared runtime.")
var _ = peerNote("threagile:mixed-targets-on-shared-runtime", "Runtimes are not finding targets: the finding is on the most valuable element of the runtime. A cloud_account runtime is not a shared host (TMR-H02 covers it); elements in different network segments of one account are what accounts are for.")
var _ = peerNote("threagile:container-baseimage-backdooring", "TMR-C04 covers images pinned by digest on deploy flows; TMR-H06 covers what pinning misses, a backdoored or vulnerable base image, on each workload that runs as a container (runs_on a node_pool or cluster, in a container boundary, or deployed by a container_platform; `machine container` says it outright, as Threagile's machine type does).")
var _ = peerNote("threagile:unchecked-deployment", "Reported on the build pipeline that publishes or deploys (where scanning runs), not on every development-related asset, and not on out-of-scope ones. TMR-C01 covers the approval and admission side of a deployment.")
var _ = peerNote("threagile:push-instead-of-pull-deployment", "One finding per push flow, not one per pipeline; a flow without usage counts unless it says business.")
var _ = peerNote("threagile:missing-build-infrastructure", "tmc asks for a build pipeline and a source repository; it has no devops client technology (a developer is a person).")

// hUnit reports whether the element is a deployable unit: a container (or
// store), or a system with nothing inside.
func hUnit(e *ir.Element) bool {
	return e.IsContainer() || e.Kind == ir.System && len(e.Children) == 0
}

// hOurs reports whether the element is ours to analyse: in scope, not a
// person, not a third party's.
func hOurs(e *ir.Element) bool {
	return e.Kind != ir.Person && !external(e) && inScope(e)
}

// hDevTool reports whether the element is build tooling.
func hDevTool(e *ir.Element) bool {
	switch e.Technology {
	case "build_pipeline", "source_repository", "artifact_registry":
		return true
	}
	return false
}

// hDataTech are the technologies that hold data.
var hDataTech = map[string]bool{
	"database": true, "cache": true, "file_server": true, "object_store": true, "message_queue": true, "search_index": true,
	"data_warehouse": true, "vector_store": true, "identity_store": true, "secret_store": true,
}

// hNotDeployed reports whether a call into the element is not a
// deployment: it serves secrets, identities or monitoring.
func hNotDeployed(e *ir.Element) bool {
	switch e.Technology {
	case "secret_store", "hsm", "identity_provider", "monitoring":
		return true
	}
	return false
}

// hHighValueTech are the technologies that are high-value targets for
// what they are: the keys to other elements.
var hHighValueTech = map[string]bool{
	"secret_store": true, "hsm": true, "identity_provider": true, "identity_store": true,
	"container_platform": true, "build_pipeline": true, "source_repository": true, "artifact_registry": true,
}

// hDataValue rates data on one 0-5 scale: its classification (restricted
// 4, secret and credentials 5), integrity and availability.
func hDataValue(d *ir.Data) int {
	v := map[string]int{"public": 1, "internal": 2, "confidential": 3, "restricted": 4, "secret": 5}[d.Classification]
	if d.Credentials {
		v = 5
	}
	return max(v, ir.Rating(d.Integrity), ir.Rating(d.Availability))
}

// hValue rates what is at stake at the element and inside it, 0-5: its
// criticality and the data it stores or processes.
func hValue(e *ir.Element) int {
	v := ir.Rating(e.Criticality)
	for _, d := range e.Stores {
		v = max(v, hDataValue(d))
	}
	for _, d := range e.Processes {
		v = max(v, hDataValue(d))
	}
	for _, c := range e.Children {
		v = max(v, hValue(c))
	}
	return v
}

// hStake says what makes the element valuable, for messages: its
// technology, its criticality, or the most valuable data it or a child
// stores or processes.
func hStake(e *ir.Element) string {
	if hHighValueTech[e.Technology] {
		return "a " + e.Technology
	}
	if ir.Rating(e.Criticality) >= 4 {
		return "criticality " + e.Criticality
	}
	var best *ir.Data
	verb := ""
	var walk func(x *ir.Element)
	walk = func(x *ir.Element) {
		for _, d := range x.Stores {
			if best == nil || hDataValue(d) > hDataValue(best) {
				best, verb = d, "stores"
			}
		}
		for _, d := range x.Processes {
			if best == nil || hDataValue(d) > hDataValue(best) {
				best, verb = d, "processes"
			}
		}
		for _, c := range x.Children {
			walk(c)
		}
	}
	walk(e)
	if best == nil || hDataValue(best) <= ir.Rating(e.Criticality) {
		return "criticality " + e.Criticality
	}
	return fmt.Sprintf("%s %q (%s)", verb, best.ID, hDataRating(best))
}

// hDataRating names what makes data valuable: credentials, its
// classification, or its highest rating.
func hDataRating(d *ir.Data) string {
	switch {
	case d.Credentials:
		return "credentials"
	case ir.Rating(d.Integrity) >= ir.Rating(d.Availability) && ir.Rating(d.Integrity) >= 4:
		return "integrity " + d.Integrity
	case ir.Rating(d.Availability) >= 4:
		return "availability " + d.Availability
	}
	return d.Classification
}

// hMostValuable returns the element of es with the highest value, the
// first in model order on a tie.
func hMostValuable(es []*ir.Element) *ir.Element {
	var best *ir.Element
	bv := -1
	for _, e := range es {
		if v := hValue(e); v > bv {
			best, bv = e, v
		}
	}
	return best
}

// hIDs returns the ids of the elements, at most five, for messages.
func hIDs(es []*ir.Element) string {
	var ids []string
	for i, e := range es {
		if i == 5 {
			ids = append(ids, fmt.Sprintf("and %d more", len(es)-5))
			break
		}
		ids = append(ids, e.ID)
	}
	return list(ids)
}

// hContainerized reports, per element, why it runs as a container: on a
// node pool or cluster, in a container boundary, or deployed by a
// container platform.
func hContainerized(m *ir.Model) map[*ir.Element]string {
	out := map[*ir.Element]string{}
	for _, e := range m.Elements {
		if e.Machine == "container" {
			out[e] = "runs as a container (machine container)"
			continue
		}
		if e.Machine != "" {
			continue // it says what it runs as, and it is not a container
		}
		if rt := e.RunsOn; rt != nil && (rt.Type == "node_pool" || rt.Type == "cluster") {
			out[e] = fmt.Sprintf("runs on %s %q", rt.Type, rt.ID)
			continue
		}
		for b := e.Boundary; b != nil; b = b.Parent {
			if b.Type == "container" && hUnit(e) {
				out[e] = fmt.Sprintf("is in container boundary %q", b.ID)
				break
			}
		}
	}
	for _, f := range m.Flows {
		if f.From == nil || f.To == nil || f.ResponseTo != nil || f.Readonly || f.From.Technology != "container_platform" ||
			out[f.To] != "" || !hUnit(f.To) || f.To.Technology == "container_platform" {
			continue
		}
		out[f.To] = fmt.Sprintf("is deployed by container platform %q", f.From.ID)
	}
	return out
}

var hardeningRules = []*Rule{
	{
		ID: "TMR-H01", Title: "High-value element without hardening",
		Stride: []string{tampering, eop}, Impact: 3, Likelihood: 3,
		Rationale: "An element that holds what an attacker wants (restricted or secret data, credentials, data or a service rated critical) or that holds the keys to others (a secret store, an identity provider, a container platform, build tooling) is attacked first; " +
			"default configurations leave services, ports, accounts and debug features an attacker can use. " +
			"The rule reads the element's `criticality`, the ratings of the data it `stores` or `processes` (or its children do), and its `technology`; third parties and out-of-scope elements are not ours to harden.",
		Fix:        "Harden the element to a benchmark or vendor guide (CIS Benchmarks, DevSec Hardening Framework, DBSAT for Oracle), check it continuously, and declare `safeguards hardening` on the element or the system around it.",
		References: []string{"CWE-16", "CWE-1188", "OWASP ASVS V14", "CIS Benchmarks"},
		Peers:      []string{"threagile:missing-hardening"},
		Match: func(m *ir.Model) []Hit {
			var out []Hit
			for _, e := range m.Elements {
				if !hUnit(e) || !hOurs(e) || guarded(nil, []string{"hardening"}, e) {
					continue
				}
				if !hHighValueTech[e.Technology] && hValue(e) < 4 {
					continue
				}
				out = append(out, onElement(e, "%s, without hardening", hStake(e)))
			}
			return out
		},
	},
	{
		ID: "TMR-H02", Title: "Cloud account without cloud hardening",
		Stride: []string{tampering, disclosure}, Impact: 4, Likelihood: 2,
		Rationale: "A cloud account holds everything in it behind one control plane: a public bucket, a permissive IAM role, instance metadata reachable through SSRF, or disabled logging exposes every element in the account at once. " +
			"The rule reads the elements of ours inside a boundary of `type cloud_account` or `cloud_region` and reports them on the innermost network boundary around each (a `network_segment` such as a subnet or security group, a `network` such as a VPC, or the account itself); " +
			"and the elements on a runtime of `type cloud_account`, on the most valuable of them.",
		Fix: "Configure the account and its resources to the provider's benchmark (CIS AWS, Azure or GCP Foundations; IMDSv2, bucket public access blocks, least-privilege IAM, audit trails) and check it continuously (Security Hub, Prowler, ScoutSuite); " +
			"declare `safeguards cloud_hardening` on each element in the account (or on the system around them).",
		References: []string{"CWE-16", "CWE-1008", "OWASP ASVS V14", "CIS Amazon Web Services Foundations Benchmark"},
		Peers:      []string{"threagile:missing-cloud-hardening"},
		Match: func(m *ir.Model) []Hit {
			cloud := func(b *ir.Boundary) bool { return b.Type == "cloud_account" || b.Type == "cloud_region" }
			network := func(b *ir.Boundary) bool { return cloud(b) || b.Type == "network" || b.Type == "network_segment" }
			inZone := map[*ir.Boundary][]*ir.Element{}
			topOf := map[*ir.Boundary]*ir.Boundary{}
			var order []*ir.Boundary
			covered := map[*ir.Element]bool{}
			for _, e := range m.Elements {
				// The zone is the innermost network boundary around the
				// element (a subnet, a security group, the account); it is
				// inside the outermost cloud boundary, which is a network
				// boundary itself.
				var zone, top *ir.Boundary
				for b := e.Boundary; b != nil; b = b.Parent {
					if zone == nil && network(b) {
						zone = b
					}
					if cloud(b) {
						top = b
					}
				}
				if top == nil {
					continue
				}
				covered[e] = true
				if !hUnit(e) || !hOurs(e) || guarded(nil, []string{"cloud_hardening"}, e) {
					continue
				}
				if _, ok := inZone[zone]; !ok {
					order = append(order, zone)
					topOf[zone] = top
				}
				inZone[zone] = append(inZone[zone], e)
			}
			var out []Hit
			for _, b := range order {
				where := fmt.Sprintf("%s %q", b.Type, b.ID)
				if top := topOf[b]; top != b {
					where += fmt.Sprintf(" in %s %q", top.Type, top.ID)
				}
				out = append(out, Hit{Target: ir.Target{Boundary: b},
					Message: fmt.Sprintf("%s: %s without cloud_hardening", where, hIDs(inZone[b]))})
			}
			for _, rt := range m.Runtimes {
				if rt.Type != "cloud_account" {
					continue
				}
				var es []*ir.Element
				for _, e := range rt.Elements {
					if !covered[e] && hOurs(e) && !guarded(nil, []string{"cloud_hardening"}, e) {
						es = append(es, e)
					}
				}
				if len(es) > 0 {
					out = append(out, onElement(hMostValuable(es), "runs in cloud account %q, where %s lack cloud_hardening", rt.ID, hIDs(es)))
				}
			}
			return out
		},
	},
	{
		ID: "TMR-H03", Title: "Container platform without workload confinement",
		Stride: []string{eop}, Impact: 5, Likelihood: 2,
		Rationale: "A container platform (Kubernetes, ECS, OpenShift) runs many workloads on shared kernels and holds the credentials to all of them: one compromised container that runs privileged, mounts the host or reaches the platform API with broad rights escapes to the node and from there to every workload and secret the platform manages. " +
			"The rule reads elements with `technology container_platform` that are ours and in scope.",
		Fix: "Enforce a restricted pod security profile (no privileged containers, host namespaces or host mounts; non-root, read-only root, seccomp), harden nodes to the CIS Kubernetes or Docker benchmark, run untrusted workloads in a sandboxed runtime, and give workloads no platform API rights they do not need; " +
			"declare `safeguards container_isolation` on the container platform.",
		References: []string{"CWE-250", "CWE-653", "CWE-1008", "OWASP Kubernetes Security Cheat Sheet", "CIS Kubernetes Benchmark", "Kubernetes Pod Security Standards"},
		Peers:      []string{"threagile:container-platform-escape"},
		Match: func(m *ir.Model) []Hit {
			var out []Hit
			for _, e := range m.Elements {
				if e.Technology != "container_platform" || !hOurs(e) || guarded(nil, []string{"container_isolation"}, e) {
					continue
				}
				out = append(out, onElement(e, "container platform without container_isolation"))
			}
			return out
		},
	},
	{
		ID: "TMR-H04", Title: "Mixed trust zones or exposure on one shared runtime",
		Stride: []string{eop}, Impact: 4, Likelihood: 2,
		Rationale: "Elements that share a host, node pool, cluster or serverless platform share its fate: an attacker who compromises the more exposed one (a public web server, a workload in a lower-trust zone) and escapes to the runtime reaches the more valuable one beside it, whatever boundary the model draws between them. " +
			"The rule reads each runtime that is not a cloud account (TMR-H02 covers those) and fires when its elements sit in different trust boundaries, or when a public element shares it with a database, cache, queue or bucket; " +
			"the finding is on the most valuable element of the runtime (criticality, data stored or processed), the one at stake.",
		Fix: "Run elements of different trust or value on separate runtimes (a dedicated node pool with taints, a separate host or account) and say so with `runs_on`; " +
			"where they must share, sandbox each workload with its own kernel (a VM, gVisor, Kata, Firecracker) and declare `safeguards workload_isolation` on every element of the runtime.",
		References: []string{"CWE-653", "CWE-1008", "OWASP ASVS V1", "NIST SP 800-190"},
		Peers:      []string{"threagile:mixed-targets-on-shared-runtime"},
		Match: func(m *ir.Model) []Hit {
			var out []Hit
			for _, rt := range m.Runtimes {
				if rt.Type == "cloud_account" || len(rt.Elements) < 2 {
					continue
				}
				isolated := true
				zones := map[*ir.Boundary]bool{}
				var public, held *ir.Element
				for _, e := range rt.Elements {
					if !guarded(nil, []string{"workload_isolation"}, e) {
						isolated = false
					}
					zones[e.Boundary] = true
					if e.Exposure == "public" && public == nil {
						public = e
					}
					if (store(e) || hDataTech[e.Technology]) && held == nil {
						held = e
					}
				}
				if isolated {
					continue
				}
				var why string
				switch {
				case len(zones) > 1:
					var names []string
					for b := range zones {
						if b == nil {
							names = append(names, "no boundary")
						} else {
							names = append(names, fmt.Sprintf("%s (trust %s)", b.ID, b.Trust))
						}
					}
					sort.Strings(names)
					why = "elements in " + list(names)
				case public != nil && held != nil && public != held:
					why = fmt.Sprintf("public %q beside %s %q", public.ID, held.Kind, held.ID)
				default:
					continue
				}
				e := hMostValuable(rt.Elements)
				out = append(out, onElement(e, "shares %s %q (%s) without workload_isolation", hRuntimeKind(rt), rt.ID, why))
			}
			return out
		},
	},
	{
		ID: "TMR-H05", Title: "Source or build reachable from the internet without branch protection",
		Stride: []string{tampering}, Impact: 5, Likelihood: 2,
		Rationale: "A source repository or build pipeline that developers reach from the internet (laptops outside a managed network, a SaaS service) is one stolen session or token away from a backdoor: a pushed commit or an edited pipeline definition is built, signed and shipped as if it were ours. " +
			"The rule reads elements with `technology source_repository` or `build_pipeline` that sit in an untrusted or external zone (or in none), or that a call from such a zone reaches without `vpn`.",
		Fix: "Require review by another person for every change to the built branches, pipeline definitions included and administrators included, with no direct pushes, and declare `safeguards branch_protection` on the repository or pipeline; " +
			"keep the pipeline itself off the internet (VPN, private network).",
		References: []string{"CWE-912", "CAPEC-444", "OWASP CI/CD Security Risks CICD-SEC-1", "SLSA Source track"},
		Peers:      []string{"threagile:code-backdooring"},
		Match: func(m *ir.Model) []Hit {
			var out []Hit
			done := map[*ir.Element]bool{}
			tool := func(e *ir.Element) bool {
				return (e.Technology == "source_repository" || e.Technology == "build_pipeline") && e.Kind != ir.Person && inScope(e) &&
					!guarded(nil, []string{"branch_protection"}, e)
			}
			for _, e := range m.Elements {
				if tool(e) && trust(e) == 0 {
					done[e] = true
					out = append(out, onElement(e, "%s in %s without branch_protection", e.Technology, trustName(e)))
				}
			}
			calls(m, func(f *ir.Flow) *Hit {
				if done[f.To] || f.VPN || trust(f.From) > 0 || !tool(f.To) {
					return nil
				}
				done[f.To] = true
				out = append(out, onElement(f.To, "%s reached from %s by flow %q without vpn or branch_protection", f.To.Technology, trustName(f.From), f.ID))
				return nil
			})
			return out
		},
	},
	{
		ID: "TMR-H06", Title: "Container workload without image scanning",
		Stride: []string{tampering}, Impact: 4, Likelihood: 2,
		Rationale: "A workload that runs as a container inherits everything in its base image and layers: a backdoored or vulnerable base image (a tainted public image, an unmaintained distribution) runs in production with the workload's rights, even when its digest is pinned (TMR-C04). " +
			"The rule reads elements of ours that run as containers: `machine container`, or, where the element does not say what it runs as, on a runtime of `type node_pool` or `cluster`, in a boundary of `type container`, or deployed by an element with `technology container_platform`.",
		Fix:        "Build only from vetted base images (vendor-signed, minimal or distroless, mirrored internally), scan images for known vulnerabilities and malware before release and while deployed, and declare `safeguards image_scanning` on the element or the system around it.",
		References: []string{"CWE-1357", "CWE-1104", "CWE-912", "OWASP CI/CD Security Risks CICD-SEC-3", "NIST SP 800-190"},
		Peers:      []string{"threagile:container-baseimage-backdooring"},
		Match: func(m *ir.Model) []Hit {
			var out []Hit
			why := hContainerized(m)
			for _, e := range m.Elements {
				w := why[e]
				if w == "" || !hOurs(e) || guarded(nil, []string{"image_scanning"}, e) {
					continue
				}
				out = append(out, onElement(e, "%s without image_scanning", w))
			}
			return out
		},
	},
	{
		ID: "TMR-H07", Title: "Build pipeline ships without security scanning",
		Stride: []string{tampering}, Impact: 3, Likelihood: 3,
		Rationale: "A pipeline that publishes or deploys what it builds without scanning it ships known vulnerabilities in our code, its dependencies and its images to production on every release, unnoticed until they are exploited. " +
			"The rule reads elements with `technology build_pipeline` that make a call that is not `readonly` (a push to a registry, a deployment). " +
			"TMR-C01 covers the other half of a checked deployment: admission policy or approval.",
		Fix:        "Scan source (SAST), dependencies (SCA) and images in the pipeline, fail the build on findings above a threshold, and declare `safeguards security_scanning` on the pipeline.",
		References: []string{"CWE-1395", "CWE-1104", "OWASP ASVS V14.2", "OWASP DevSecOps Guideline"},
		Peers:      []string{"threagile:unchecked-deployment"},
		Match: func(m *ir.Model) []Hit {
			var out []Hit
			done := map[*ir.Element]bool{}
			calls(m, func(f *ir.Flow) *Hit {
				e := f.From
				if done[e] || f.Readonly || e.Technology != "build_pipeline" || !inScope(e) || f.To.Kind == ir.Person || hNotDeployed(f.To) ||
					guarded(nil, []string{"security_scanning"}, e) {
					return nil
				}
				done[e] = true
				out = append(out, onElement(e, "ships to %q (flow %q) without security_scanning", f.To.ID, f.ID))
				return nil
			})
			return out
		},
	},
	{
		ID: "TMR-H08", Title: "Build pipeline pushes into a production element",
		Stride: []string{tampering, eop}, Impact: 3, Likelihood: 2,
		Rationale: "A pipeline that pushes deployments into production needs an interface on every target that accepts changes and credentials that can use it; both are attack surface, and the pipeline's credentials become production credentials. " +
			"In a pull deployment (GitOps) the target, or an agent beside it, reads what to run from a registry or repository, and nothing outside production can change it. " +
			"The rule reads calls from an element with `technology build_pipeline` that are not `readonly`, not `usage business`, into an element of ours in scope that is not build tooling (pipeline, source repository, artifact registry), a secret store, an identity provider or monitoring.",
		Fix: "Deploy by pull: let the target or an agent in its zone (Argo CD, Flux) read signed artifacts from the registry, and let the pipeline push only to the registry; " +
			"model it as a `readonly` flow from the target or the agent to the registry, in place of the flow from the pipeline.",
		References: []string{"CWE-284", "CWE-250", "OWASP CI/CD Security Risks CICD-SEC-5", "OpenGitOps principles"},
		Peers:      []string{"threagile:push-instead-of-pull-deployment"},
		Match: func(m *ir.Model) []Hit {
			return calls(m, func(f *ir.Flow) *Hit {
				if f.From.Technology != "build_pipeline" || f.Readonly || f.Usage == "business" || !hOurs(f.To) || hDevTool(f.To) ||
					hNotDeployed(f.To) {
					return nil
				}
				return onFlow(f, "build pipeline %q pushes into %q", f.From.ID, f.To.ID)
			})
		},
	},
	{
		ID: "TMR-H09", Title: "Custom-developed code without its build infrastructure in the model",
		Stride: []string{tampering}, Impact: 3, Likelihood: 2,
		Rationale: "Code we write reaches production through a source repository and a build pipeline; a model without them cannot see the threats to that path (a backdoored commit, a compromised pipeline), which often matter more than the threats to the running code. " +
			"The rule fires once per model with elements flagged `custom_developed` in scope and no element with `technology build_pipeline` or none with `technology source_repository` (in scope or not); the finding is on the most valuable custom-developed element.",
		Fix:        "Add the source repository and the build pipeline that build the custom-developed elements, with `technology source_repository` and `technology build_pipeline`, and their flows (a hosted service may be declared `external` or `out_of_scope \"why\"`).",
		References: []string{"CWE-1059", "OWASP Threat Modeling Cheat Sheet"},
		Peers:      []string{"threagile:missing-build-infrastructure"},
		Match: func(m *ir.Model) []Hit {
			var custom []*ir.Element
			pipeline, repo := false, false
			for _, e := range m.Elements {
				switch e.Technology {
				case "build_pipeline":
					pipeline = true
				case "source_repository":
					repo = true
				}
				if e.CustomDeveloped && inScope(e) {
					custom = append(custom, e)
				}
			}
			if len(custom) == 0 || pipeline && repo {
				return nil
			}
			var miss []string
			if !repo {
				miss = append(miss, "source_repository")
			}
			if !pipeline {
				miss = append(miss, "build_pipeline")
			}
			return []Hit{onElement(hMostValuable(custom), "custom-developed, and the model has no %s", list(miss))}
		},
	},
	{
		ID: "TMR-H10", Title: "Service registry without authenticated registration",
		Stride: []string{spoofing, tampering}, Impact: 4, Likelihood: 2,
		Rationale: "Services find each other through the registry (Consul, Eureka, etcd, a schema registry): a workload that can register or change another service's entry redirects its callers, and the data they send, to an endpoint it controls. " +
			"The rule reads elements with `technology service_registry` that are ours and in scope.",
		Fix:        "Let only authenticated workloads register, each only its own entries (ACLs bound to workload identity), and authenticate the endpoints found (mTLS); declare `safeguards authenticated_registration` on the registry.",
		References: []string{"CWE-923", "CWE-345", "CWE-306"},
		Peers:      []string{"threagile:service-registry-poisoning"},
		Match: func(m *ir.Model) []Hit {
			var out []Hit
			for _, e := range m.Elements {
				if e.Technology != "service_registry" || !hOurs(e) || guarded(nil, []string{"authenticated_registration"}, e) {
					continue
				}
				out = append(out, onElement(e, "service registry without authenticated_registration"))
			}
			return out
		},
	},
}

// hRuntimeKind names a runtime's type for messages.
func hRuntimeKind(rt *ir.Runtime) string {
	if rt.Type == "" {
		return "runtime"
	}
	return rt.Type
}

var _ = register(hardeningRules...)
