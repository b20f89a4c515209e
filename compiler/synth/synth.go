// Package synth generates synthetic threat models for benchmarks and
// stress tests: nested trust boundaries, systems of containers and
// components, about two flows per element with every crossing marked,
// data assets, threats with controls and sequences whose messages travel
// on declared flows. A generated model checks clean (no diagnostics).
//
// The output depends only on n: the only randomness is a fixed-seed PCG.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Seeds of the generator's PCG; fixed so that Generate is deterministic.
const (
	seed1 = 0x746d63 // "tmc"
	seed2 = 2026
)

// Generate returns a model of n elements (persons, systems, containers
// and components) as file name (relative, with /) -> content. Besides the
// .tm files it holds the few test and evidence files the controls and
// decisions point at, so the path checks pass.
func Generate(n int) map[string][]byte {
	g := &gen{
		r:      rand.New(rand.NewPCG(seed1, seed2)),
		left:   max(n, 0),
		files:  map[string]*strings.Builder{},
		pairs:  map[[2]*elem]bool{},
		region: map[*bnd]int{},
	}
	g.run(max(n, 0))
	out := make(map[string][]byte, len(g.files)+len(g.extra))
	for name, b := range g.files {
		out[name] = []byte(b.String())
	}
	for name, s := range g.extra {
		out[name] = []byte(s)
	}
	return out
}

// Stats summarises a generated model.
type Stats struct {
	Files    int // .tm files
	Lines    int // lines of .tm files
	Elements int
	Flows    int
}

// Count returns the statistics of a generated model: it counts .tm files
// and their lines, and the element and flow declarations in them.
func Count(files map[string][]byte) Stats {
	var s Stats
	for name, b := range files {
		if !strings.HasSuffix(name, ".tm") {
			continue
		}
		s.Files++
		for _, ln := range strings.Split(string(b), "\n") {
			if ln == "" {
				continue
			}
			s.Lines++
			f := strings.Fields(ln)
			switch f[0] {
			case "person", "system", "container", "component", "database", "cache", "queue", "bucket":
				if len(f) > 1 && f[1] != "of" { // not `container of X` in a view
					s.Elements++
				}
			case "flow":
				s.Flows++
			}
		}
	}
	return s
}

// A bnd is a trust boundary; id is its bare id, unique in the model.
type bnd struct {
	id     string
	parent *bnd
}

// chain returns the boundaries from the outermost down to b, like
// ir.Boundary.Chain.
func (b *bnd) chain() []*bnd {
	var out []*bnd
	for x := b; x != nil; x = x.parent {
		out = append(out, x)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// crossings returns the boundaries a flow from a to b leaves (innermost
// first) and then enters (outermost first), the way the compiler computes
// them.
func crossings(a, b *bnd) (leaves, enters []*bnd) {
	from, to := a.chain(), b.chain()
	k := 0
	for k < len(from) && k < len(to) && from[k] == to[k] {
		k++
	}
	for i := len(from) - 1; i >= k; i-- {
		leaves = append(leaves, from[i])
	}
	return leaves, to[k:]
}

// An elem is a declared element: its dotted path and effective boundary.
type elem struct {
	path string
	kind string
	b    *bnd
}

type flow struct {
	id       string // "" for a flow without an id
	from, to *elem
	crossing bool
}

type cluster struct {
	b     *bnd
	tiers []*bnd
	vault *bnd // nil for most clusters
}

type gen struct {
	r      *rand.Rand
	left   int // elements still to declare
	files  map[string]*strings.Builder
	extra  map[string]string // non-.tm files
	pairs  map[[2]*elem]bool // FROM -> TO pairs that have a flow
	region map[*bnd]int      // cluster boundary -> region index

	internet, edge, vendor, ci *bnd
	clusters                   []*cluster
	persons, externals         []*elem
	services                   []*elem // service containers of every system so far
	data                       []string
	ndata                      int // data assets named so far, see pickData
	nflow                      int
}

func (g *gen) file(name string) *strings.Builder {
	b := g.files[name]
	if b == nil {
		b = &strings.Builder{}
		g.files[name] = b
	}
	return b
}

func (g *gen) pf(w *strings.Builder, format string, args ...any) {
	fmt.Fprintf(w, format, args...)
}

// take reserves one element of the budget.
func (g *gen) take() bool {
	if g.left <= 0 {
		return false
	}
	g.left--
	return true
}

func (g *gen) pick(words []string) string { return words[g.r.IntN(len(words))] }

var (
	serviceNames = []string{"orders", "billing", "catalog", "accounts", "search", "inventory", "shipping", "pricing", "reviews", "notify", "ledger", "reports", "profile", "session", "audit", "export"}
	storeKinds   = []struct{ kind, id, tech, name, technology string }{
		{"database", "db", "PostgreSQL", "Primary database", "database"},
		{"cache", "cache", "Redis", "Cache", "cache"},
		{"queue", "events", "Kafka", "Event stream", "message_queue"},
		{"bucket", "blobs", "S3", "Object store", "object_store"},
	}
	serviceTechs    = []string{"api", "api", "web_application", "batch_job", "function"}
	formats         = []string{"json", "xml", "files", "serialized_objects", "protobuf"}
	ratings         = []string{"archive", "operational", "important", "critical", "mission_critical"}
	authentications = []string{"mtls", "token", "credentials", "client_certificate", "session", "none"}
	componentNames  = []string{"authz", "handler", "repo", "validator", "publisher", "client"}
	techs           = []string{"Go", "Java", "Rust", "Python", "Kotlin", "TypeScript"}
	protocols       = []string{"https", "grpc", "https", "grpcs"}
	auths           = []string{"mtls", "jwt", "oauth2", "api_key", "iam"}
	classes         = []string{"public", "internal", "confidential", "restricted", "secret"}
	strides         = []string{"spoofing", "tampering", "repudiation", "information_disclosure", "denial_of_service", "elevation_of_privilege"}
	reasons         = []string{
		"mTLS with workload identity; tenant taken from verified claims only",
		"JWT validated at the gateway: iss, aud, exp, tenant claim",
		"per-service database role; row-level security on tenant_id",
		"egress allow-list; API key from the secret store",
		"signed requests checked against the provider's public key",
		"short-lived OIDC token for the deploy job, scoped to one namespace",
		"IAM role per workload; bucket policy denies everything else",
	}
)

func (g *gen) run(n int) {
	persons := min(max(n/200, 1), n)
	externals := min(max(n/500, 1), n-persons)
	systems := max((n-persons-externals)/14, 1)
	regions := 1 + systems/100

	g.model(n)
	g.boundaries(regions)
	g.dataAssets(max(n/50, min(n, 3)))
	w := g.file("runtimes.tm")
	g.pf(w, "# Node pools the services share, one per region.\n")
	for r := 0; r < regions; r++ {
		g.pf(w, "runtime pool%d \"Node pool %d\" { type node_pool }\n", r, r)
	}

	w = g.file("people.tm")
	g.pf(w, "# People outside the platform.\n")
	for i := 0; i < persons && g.take(); i++ {
		id := fmt.Sprintf("p%d", i)
		g.pf(w, "person %s \"User %d\" in internet {\n  description \"A user of one tenant, signed in with a JWT\"\n  processes %s\n}\n", id, i, g.pickData())
		g.persons = append(g.persons, &elem{path: id, kind: "person", b: g.internet})
	}
	w = g.file("external.tm")
	g.pf(w, "# Third parties.\n")
	for i := 0; i < externals && g.take(); i++ {
		id := fmt.Sprintf("x%d", i)
		g.pf(w, "system %s \"Provider %d\" in vendor { external }\n", id, i)
		g.externals = append(g.externals, &elem{path: id, kind: "system", b: g.vendor})
	}
	for i := 0; g.left > 0; i++ {
		g.system(i)
	}
	g.views()
}

func (g *gen) model(n int) {
	w := g.file("model.tm")
	g.pf(w, "model \"Synthetic platform (%d elements)\" {\n  owner \"platform-security\"\n", n)
	g.pf(w, "  description \"\"\"\n    A generated model for benchmarks: nested trust boundaries,\n    systems of containers and components, and flows between them.\n  \"\"\"\n}\n\n")
	g.pf(w, "boundary internet \"Internet\" { trust untrusted }\n")
	g.pf(w, "boundary edge \"Edge\" { trust low }\n")
	g.pf(w, "boundary vendor \"Third parties\" { trust external }\n")
	g.pf(w, "boundary ci \"CI/CD and control plane\" { trust control }\n")
	g.internet = &bnd{id: "internet"}
	g.edge = &bnd{id: "edge"}
	g.vendor = &bnd{id: "vendor"}
	g.ci = &bnd{id: "ci"}
}

// boundaries declares regions > clusters > data tiers (> a vault in the
// first cluster of each region), mixing nested blocks and `in`.
func (g *gen) boundaries(regions int) {
	for r := 0; r < regions; r++ {
		w := g.file(fmt.Sprintf("boundaries/region%d.tm", r))
		rb := &bnd{id: fmt.Sprintf("r%d", r)}
		g.pf(w, "boundary %s \"Region %d\" {\n  trust medium\n", rb.id, r)
		var later []string
		for c := 0; c < 3; c++ {
			cb := &bnd{id: fmt.Sprintf("%s_c%d", rb.id, c), parent: rb}
			cl := &cluster{b: cb}
			g.region[cb] = r
			g.pf(w, "  boundary %s \"Region %d cluster %d\" {\n    trust high\n", cb.id, r, c)
			t0 := &bnd{id: cb.id + "_t0", parent: cb}
			t1 := &bnd{id: cb.id + "_t1", parent: cb}
			cl.tiers = []*bnd{t0, t1}
			if c == 0 {
				cl.vault = &bnd{id: cb.id + "_vault", parent: t0}
				g.pf(w, "    boundary %s \"Data tier\" {\n      trust high\n      boundary %s \"Key vault\" { trust high }\n    }\n", t0.id, cl.vault.id)
			} else {
				g.pf(w, "    boundary %s \"Data tier\" { trust high }\n", t0.id)
			}
			g.pf(w, "  }\n")
			later = append(later, fmt.Sprintf("boundary %s \"Cache tier\" in %s { trust high }\n", t1.id, cb.id))
			g.clusters = append(g.clusters, cl)
		}
		g.pf(w, "}\n\n%s", strings.Join(later, ""))
	}
}

func (g *gen) dataAssets(n int) {
	for i := 0; i < n; i++ {
		w := g.file(fmt.Sprintf("data/assets%d.tm", i/50))
		id := fmt.Sprintf("d%d", i)
		g.data = append(g.data, id)
		cls := g.pick(classes)
		var flags []string
		if g.r.IntN(3) == 0 {
			flags = append(flags, "tenant_scoped")
		}
		if g.r.IntN(5) == 0 {
			flags = append(flags, "pii")
		}
		if cls == "secret" && g.r.IntN(2) == 0 {
			flags = append(flags, "credentials")
		}
		g.pf(w, "data %s \"Asset %d\" { classification %s", id, i, cls)
		for _, f := range flags {
			g.pf(w, " %s", f)
		}
		if g.r.IntN(2) == 0 {
			g.pf(w, " integrity %s availability %s", g.pick(ratings), g.pick(ratings))
		}
		g.pf(w, " }\n")
	}
}

// pickData names the data assets in turn, so that each is stored,
// processed or carried somewhere (TM206) once the model has as many uses
// as assets.
func (g *gen) pickData() string {
	d := g.data[g.ndata%len(g.data)]
	g.ndata++
	return d
}

// addFlow records a flow if its pair is new; it returns nil otherwise.
func (g *gen) addFlow(list *[]*flow, from, to *elem) *flow {
	if from == nil || to == nil || from == to || g.pairs[[2]*elem{from, to}] {
		return nil
	}
	g.pairs[[2]*elem{from, to}] = true
	f := &flow{from: from, to: to}
	l, e := crossings(from.b, to.b)
	f.crossing = len(l)+len(e) > 0
	if g.r.IntN(2) == 0 {
		f.id = fmt.Sprintf("f%d", g.nflow)
	}
	g.nflow++
	*list = append(*list, f)
	return f
}

// system declares system i with its containers and components (as much of
// them as the element budget allows), its flows, threats, controls and a
// sequence, in a file of its own.
func (g *gen) system(i int) {
	cl := g.clusters[i%len(g.clusters)]
	sid := fmt.Sprintf("s%d", i)
	name := fmt.Sprintf("systems/region%d/%s.tm", g.region[cl.b], sid)
	w := g.file(name)
	if !g.take() {
		return
	}
	sys := &elem{path: sid, kind: "system", b: cl.b}
	team := fmt.Sprintf("team-%d", i)
	g.pf(w, "system %s \"System %d\" in %s {\n  owner %q\n", sid, i, cl.b.id, team)

	var (
		gateway  *elem
		services []*elem
		stores   []*elem
		comps    []*elem
		compOf   = map[*elem][]*elem{}
	)
	if g.take() {
		gateway = &elem{path: sid + ".gateway", kind: "container", b: g.edge}
		g.pf(w, "  container gateway \"API gateway\" in edge { tech \"Envoy + WAF\" technology api_gateway exposure public }\n")
	}
	perm := g.r.Perm(len(serviceNames))
	for k := 0; k < 5 && g.left > 0; k++ {
		g.left--
		svc := &elem{path: sid + "." + serviceNames[perm[k]], kind: "container", b: cl.b}
		services = append(services, svc)
	}
	for _, st := range storeKinds {
		if !g.take() {
			break
		}
		b := cl.b
		switch st.kind {
		case "database", "bucket":
			b = cl.tiers[0]
		case "cache":
			b = cl.tiers[1]
		}
		stores = append(stores, &elem{path: sid + "." + st.id, kind: st.kind, b: b})
	}
	for _, svc := range services {
		nc := g.r.IntN(2)
		if svc == services[0] {
			nc = 2
		}
		cperm := g.r.Perm(len(componentNames))
		for k := 0; k < nc && g.take(); k++ {
			c := &elem{path: svc.path + "." + componentNames[cperm[k]], kind: "component", b: svc.b}
			if cl.vault != nil && k == 1 {
				c.b = cl.vault
			}
			comps = append(comps, c)
			compOf[svc] = append(compOf[svc], c)
		}
	}
	for _, svc := range services {
		short := svc.path[len(sid)+1:]
		cs := compOf[svc]
		// The facts the threat rules read: what it is, that we wrote
		// it, what it holds, where it runs, what it is worth.
		facts := fmt.Sprintf("tech %q technology %s custom_developed processes %s", g.pick(techs), g.pick(serviceTechs), g.pickData())
		if g.r.IntN(2) == 0 {
			facts += fmt.Sprintf(" runs_on pool%d criticality %s", g.region[cl.b], g.pick(ratings))
		}
		if g.r.IntN(4) == 0 {
			facts += " accepts " + g.pick(formats)
		}
		if len(cs) == 0 && g.r.IntN(2) == 0 {
			g.pf(w, "  container %s \"%s service\" { %s }\n", short, title(short), facts)
			continue
		}
		g.pf(w, "  container %s \"%s service\" {\n    %s\n", short, title(short), facts)
		if len(cs) == 0 {
			g.pf(w, "    owner %q\n", team)
		}
		for _, c := range cs {
			cshort := c.path[len(svc.path)+1:]
			in := ""
			if c.b != svc.b {
				in = " in " + c.b.id
			}
			g.pf(w, "    component %s \"%s\"%s { tech %q }\n", cshort, title(cshort), in, g.pick(techs))
		}
		g.pf(w, "  }\n")
	}
	for k, st := range stores {
		meta := storeKinds[k]
		in := ""
		if st.b != cl.b {
			in = " in " + st.b.id
		}
		g.pf(w, "  %s %s %q%s { tech %q technology %s stores %s", st.kind, meta.id, meta.name, in, meta.tech, meta.technology, g.pickData())
		switch st.kind {
		case "database":
			g.pf(w, " tenancy row_level encrypted_at_rest")
		case "cache":
			g.pf(w, " tenancy shared")
		}
		g.pf(w, " }\n")
	}
	g.pf(w, "}\n")

	var deployer *elem
	if i%2 == 0 && g.take() {
		deployer = &elem{path: sid + ".deployer", kind: "container", b: g.ci}
		g.pf(w, "\nextend %s {\n  container deployer \"Deploy pipeline\" in ci { tech \"GitHub Actions\" technology build_pipeline }\n}\n", sid)
	}

	// Flows: the request path first, then the rest of the system's
	// traffic, then flows to other systems, until about two per element.
	nelem := 1 + len(services) + len(stores) + len(comps)
	if gateway != nil {
		nelem++
	}
	if deployer != nil {
		nelem++
	}
	target := 2 * nelem
	var flows []*flow
	add := func(from, to *elem) *flow {
		if len(flows) >= target {
			return nil
		}
		return g.addFlow(&flows, from, to)
	}
	var person, ext *elem
	if len(g.persons) > 0 {
		person = g.persons[g.r.IntN(len(g.persons))]
	}
	if len(g.externals) > 0 {
		ext = g.externals[g.r.IntN(len(g.externals))]
	}
	if gateway != nil {
		add(person, gateway)
		for _, svc := range services {
			add(gateway, svc)
		}
	} else if len(services) == 0 {
		add(person, sys) // a system cut short by the budget
	}
	for k, svc := range services {
		if len(stores) > 0 {
			add(svc, stores[k%len(stores)])
		}
		if k+1 < len(services) {
			add(svc, services[k+1])
		}
		for _, c := range compOf[svc] {
			add(svc, c)
			if len(stores) > 0 {
				add(c, stores[g.r.IntN(len(stores))])
			}
		}
	}
	for _, st := range stores {
		if st.kind == "queue" && len(services) > 0 {
			add(st, services[g.r.IntN(len(services))])
		}
	}
	if len(services) > 0 {
		add(services[len(services)-1], ext)
		add(ext, services[0]) // a webhook
	}
	if deployer != nil {
		add(deployer, gateway)
		for _, svc := range services {
			add(deployer, svc)
		}
	}
	local := append(append(append([]*elem{}, services...), stores...), comps...)
	if gateway != nil {
		local = append(local, gateway)
	}
	if len(local) == 0 {
		local = []*elem{sys}
	}
	for tries := 0; len(flows) < target && tries < 20*target; tries++ {
		from := local[g.r.IntN(len(local))]
		var to *elem
		switch {
		case g.r.IntN(3) == 0 && len(g.services) > 0:
			to = g.services[g.r.IntN(len(g.services))] // another system
		case g.r.IntN(8) == 0 && len(g.services) > 0:
			from, to = g.services[g.r.IntN(len(g.services))], from
		default:
			to = local[g.r.IntN(len(local))]
		}
		if from.kind == "queue" || from.kind == "database" || from.kind == "cache" || from.kind == "bucket" {
			if to.kind != "container" {
				continue
			}
		}
		add(from, to)
	}
	g.services = append(g.services, services...)

	g.pf(w, "\n")
	for _, f := range flows {
		g.writeFlow(w, f)
	}
	g.controlsAndThreats(w, i, sid, team, flows, stores)
	g.sequence(w, i, sid, flows)
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + strings.ReplaceAll(s[1:], "_", " ")
}

func (g *gen) writeFlow(w *strings.Builder, f *flow) {
	head := "flow "
	if f.id != "" {
		head += f.id + ": "
	}
	head += fmt.Sprintf("%s -> %s %q", f.from.path, f.to.path, "Call "+lastPart(f.to.path))
	data := g.pickData()
	if !f.crossing {
		if g.r.IntN(2) == 0 {
			g.pf(w, "%s { carries %s }\n", head, data)
		} else {
			g.pf(w, "%s { protocol %s carries %s }\n", head, g.protocol(f), data)
		}
		return
	}
	if g.r.IntN(2) == 0 {
		g.pf(w, "%s {\n  protocol %s auth %s carries %s", head, g.protocol(f), g.pick(auths), data)
	} else {
		g.pf(w, "%s {\n  protocol %s authentication %s carries %s", head, g.protocol(f), g.pick(authentications), data)
	}
	if g.r.IntN(3) == 0 {
		g.pf(w, ", %s", g.pickData())
	}
	g.pf(w, "\n")
	if g.r.IntN(4) == 0 {
		g.pf(w, "  idempotency_key\n")
	}
	switch {
	case strings.HasSuffix(f.from.path, ".deployer"):
		g.pf(w, "  usage devops\n")
	case g.r.IntN(6) == 0:
		g.pf(w, "  readonly\n")
	}
	leaves, enters := crossings(f.from.b, f.to.b)
	if len(leaves) > 0 && len(enters) > 0 && g.r.IntN(3) == 0 {
		g.pf(w, "  crosses %s %q\n", ids(leaves), g.pick(reasons))
		g.pf(w, "  crosses %s %q\n", ids(enters), g.pick(reasons))
	} else {
		g.pf(w, "  crosses %s %q\n", ids(append(leaves, enters...)), g.pick(reasons))
	}
	g.pf(w, "}\n")
}

// protocol picks a protocol that fits the flow's target, as real models
// have it: a store's own protocol, else a service protocol.
func (g *gen) protocol(f *flow) string {
	switch f.to.kind {
	case "database":
		return "postgres"
	case "cache":
		return "redis"
	case "queue":
		return "kafka"
	case "bucket":
		return "s3"
	}
	if f.from.kind == "queue" {
		return "kafka"
	}
	return g.pick(protocols)
}

func lastPart(p string) string { return p[strings.LastIndexByte(p, '.')+1:] }

func ids(bs []*bnd) string {
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = b.id
	}
	return strings.Join(s, ", ")
}

// on returns how a threat names a flow: its id, or FROM -> TO (pairs are
// unique in a generated model).
func on(f *flow) string {
	if f.id != "" {
		return f.id
	}
	return f.from.path + " -> " + f.to.path
}

// up leads from a system's file (systems/regionN/SID.tm) to the model
// root: the paths a model names are relative to the file naming them.
const up = "../../"

func (g *gen) controlsAndThreats(w *strings.Builder, i int, sid, team string, flows []*flow, stores []*elem) {
	k0, k1 := sid+"_k0", sid+"_k1"
	// The threats on k0 may be high or critical, so k0 carries a test and
	// evidence (TM604): its own test file in one system of four, a shared
	// one otherwise, as real models share a test suite.
	g.pf(w, "\ncontrol %s \"Authenticate callers of %s\" {\n  status implemented\n  owner %q\n", k0, sid, team)
	if i%4 == 0 {
		test := fmt.Sprintf("services/%s/auth_test.go", sid)
		g.pf(w, "  test \"%s:TestAuth\"\n", up+test)
		g.addExtra(test, fmt.Sprintf("package %s\n\nimport \"testing\"\n\nfunc TestAuth(t *testing.T) {}\n", sid))
	} else {
		g.pf(w, "  test \"%stests/auth_test.go:TestCallerAuthenticated\"\n", up)
		g.addExtra("tests/auth_test.go", "package tests\n\nimport \"testing\"\n\nfunc TestCallerAuthenticated(t *testing.T) {}\n")
	}
	g.pf(w, "  evidence \"%sdocs/controls/authentication.md\"\n}\n", up)
	g.addExtra("docs/controls/authentication.md", "# Caller authentication\n\nEvery service authenticates its callers with mTLS.\n")
	g.pf(w, "control %s \"Encrypt %s data\" {\n  status verified\n  owner %q\n", k1, sid, team)
	if i%4 == 1 {
		ev := fmt.Sprintf("docs/controls/%s.md", k1)
		g.pf(w, "  evidence %q\n", up+ev)
		g.addExtra(ev, fmt.Sprintf("# %s\n\nEncryption at rest is on for every store of %s.\n", k1, sid))
	}
	g.pf(w, "}\n")

	var crossing *flow
	for _, f := range flows {
		if f.crossing {
			crossing = f
			break
		}
	}
	if crossing == nil && len(flows) > 0 {
		crossing = flows[0]
	}
	if crossing != nil {
		g.pf(w, "\nthreat %s_t0 \"Spoofed caller of %s\" {\n  stride spoofing, tampering\n  on %s\n  impact %d\n  likelihood %d\n  mitigated_by %s\n}\n",
			sid, lastPart(crossing.to.path), on(crossing), 3+g.r.IntN(3), 2+g.r.IntN(4), k0)
	}
	if len(stores) > 0 {
		st := stores[0]
		g.pf(w, "threat %s_t1 \"Data exposed from %s\" {\n  stride %s\n  on %s\n  impact %d likelihood %d\n  mitigated_by %s, %s\n}\n",
			sid, lastPart(st.path), g.pick(strides), st.path, 1+g.r.IntN(5), 1+g.r.IntN(5), k0, k1)
	}
	switch {
	case i%5 == 0 && len(flows) > 1:
		g.pf(w, "threat %s_t2 \"Replay on %s\" {\n  stride repudiation\n  on %s\n  impact 2 likelihood 2\n  accepted \"covered by audit logs\" by %q until 2099-12-31\n}\n",
			sid, lastPart(flows[1].to.path), on(flows[1]), team)
	case i%5 == 1:
		g.pf(w, "threat %s_t2 \"Outage of %s\" {\n  stride denial_of_service\n  on %s\n  impact 3 likelihood 2\n  transferred \"provider SLA\"\n}\n", sid, sid, sid)
	}
	if i%10 == 0 {
		adr := fmt.Sprintf("docs/adr/%s.md", sid)
		g.addExtra(adr, fmt.Sprintf("# Decision for %s\n\nUse mTLS between services.\n", sid))
		g.pf(w, "\ndecision %s_adr \"mTLS inside %s\" {\n  status accepted\n  file %q\n  affects %s\n}\n", sid, sid, up+adr, sid)
	}
}

func (g *gen) addExtra(name, content string) {
	if g.extra == nil {
		g.extra = map[string]string{}
	}
	g.extra[name] = content
}

// sequence writes a sequence whose messages all travel on flows of the
// system: requests FROM -> TO, replies back along a request.
func (g *gen) sequence(w *strings.Builder, i int, sid string, flows []*flow) {
	if len(flows) == 0 {
		return
	}
	msg := func(ind string, f *flow) {
		g.pf(w, "%s%s -> %s \"%s\"\n", ind, f.from.path, f.to.path, "call "+lastPart(f.to.path))
	}
	reply := func(ind string, f *flow) {
		g.pf(w, "%s%s --> %s \"%s\"\n", ind, f.to.path, f.from.path, "reply from "+lastPart(f.to.path))
	}
	g.pf(w, "\nsequence %s_seq \"Request through %s\" {\n", sid, sid)
	for k := 0; k < min(3, len(flows)); k++ {
		msg("  ", flows[k])
	}
	reply("  ", flows[0])
	g.pf(w, "  note over %s \"tenant from verified claims\"\n", flows[0].to.path)
	rnd := func() *flow { return flows[g.r.IntN(len(flows))] }
	switch i % 4 {
	case 0:
		g.pf(w, "  alt \"ok\" {\n")
		msg("    ", rnd())
		g.pf(w, "  } else \"failed\" {\n")
		msg("    ", rnd())
		g.pf(w, "  }\n")
	case 1:
		g.pf(w, "  opt \"first call\" {\n")
		msg("    ", rnd())
		g.pf(w, "  }\n")
	case 2:
		g.pf(w, "  loop \"until acknowledged\" {\n")
		msg("    ", rnd())
		g.pf(w, "  }\n")
	case 3:
		g.pf(w, "  par \"fan-out\" {\n")
		msg("    ", rnd())
		g.pf(w, "  } and {\n")
		msg("    ", rnd())
		g.pf(w, "  }\n")
	}
	g.pf(w, "}\n")
}

// views declares a few views besides the default ones.
func (g *gen) views() {
	w := g.file("views.tm")
	g.pf(w, "view v_landscape \"Landscape\" { context }\n")
	if g.files["systems/region0/s0.tm"] == nil {
		return
	}
	// s0 always exists when any system does, and has a gateway when it
	// has anything beyond itself.
	g.pf(w, "view v_s0 \"System 0 containers\" { container of s0 }\n")
	g.pf(w, "view v_s0_dfd \"System 0 data flow\" {\n  dfd\n  include s0.**\n}\n")
	if len(g.services) > 0 {
		g.pf(w, "view v_services \"Every service\" {\n  dfd\n  include %s\n}\n", strings.Join(paths(g.services[:min(20, len(g.services))]), ", "))
	}
}

func paths(es []*elem) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.path
	}
	return out
}
