package importer

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// The Threagile model, as far as the importer reads it (threagile_version
// 1.0.0). Keys it does not know land in Other and are listed as not
// mapped.
type tgModel struct {
	Version              string                    `yaml:"threagile_version"`
	Title                string                    `yaml:"title"`
	Date                 string                    `yaml:"date"`
	Author               tgAuthor                  `yaml:"author"`
	ManagementSummary    string                    `yaml:"management_summary_comment"`
	BusinessCriticality  string                    `yaml:"business_criticality"`
	BusinessOverview     tgOverview                `yaml:"business_overview"`
	TechnicalOverview    tgOverview                `yaml:"technical_overview"`
	Questions            map[string]string         `yaml:"questions"`
	AbuseCases           map[string]string         `yaml:"abuse_cases"`
	SecurityRequirements map[string]string         `yaml:"security_requirements"`
	TagsAvailable        []string                  `yaml:"tags_available"`
	DataAssets           map[string]tgData         `yaml:"data_assets"`
	TechnicalAssets      map[string]tgAsset        `yaml:"technical_assets"`
	TrustBoundaries      map[string]tgBoundary     `yaml:"trust_boundaries"`
	SharedRuntimes       map[string]tgRuntime      `yaml:"shared_runtimes"`
	IndividualRisks      map[string]tgRiskCategory `yaml:"individual_risk_categories"`
	CustomRisks          []tgCustomRisk            `yaml:"custom_risk_categories"`
	RiskTracking         map[string]tgTracking     `yaml:"risk_tracking"`
	Other                map[string]any            `yaml:",inline"`
}

type tgAuthor struct {
	Name     string `yaml:"name"`
	Homepage string `yaml:"homepage"`
}

type tgOverview struct {
	Description string `yaml:"description"`
	Images      []any  `yaml:"images"`
}

type tgData struct {
	ID              string         `yaml:"id"`
	Description     string         `yaml:"description"`
	Usage           string         `yaml:"usage"`
	Tags            []string       `yaml:"tags"`
	Origin          string         `yaml:"origin"`
	Owner           string         `yaml:"owner"`
	Quantity        string         `yaml:"quantity"`
	Confidentiality string         `yaml:"confidentiality"`
	Integrity       string         `yaml:"integrity"`
	Availability    string         `yaml:"availability"`
	Justification   string         `yaml:"justification_cia_rating"`
	Other           map[string]any `yaml:",inline"`
}

type tgAsset struct {
	ID              string            `yaml:"id"`
	Description     string            `yaml:"description"`
	Type            string            `yaml:"type"`
	Usage           string            `yaml:"usage"`
	UsedByHuman     bool              `yaml:"used_as_client_by_human"`
	OutOfScope      bool              `yaml:"out_of_scope"`
	OutOfScopeWhy   string            `yaml:"justification_out_of_scope"`
	Size            string            `yaml:"size"`
	Technology      string            `yaml:"technology"`
	Tags            []string          `yaml:"tags"`
	Internet        bool              `yaml:"internet"`
	Machine         string            `yaml:"machine"`
	Encryption      string            `yaml:"encryption"`
	Owner           string            `yaml:"owner"`
	Confidentiality string            `yaml:"confidentiality"`
	Integrity       string            `yaml:"integrity"`
	Availability    string            `yaml:"availability"`
	Justification   string            `yaml:"justification_cia_rating"`
	MultiTenant     bool              `yaml:"multi_tenant"`
	Redundant       bool              `yaml:"redundant"`
	CustomDeveloped bool              `yaml:"custom_developed_parts"`
	Processed       []string          `yaml:"data_assets_processed"`
	Stored          []string          `yaml:"data_assets_stored"`
	Formats         []string          `yaml:"data_formats_accepted"`
	Links           map[string]tgLink `yaml:"communication_links"`
	Other           map[string]any    `yaml:",inline"`
}

type tgLink struct {
	Target         string         `yaml:"target"`
	Description    string         `yaml:"description"`
	Protocol       string         `yaml:"protocol"`
	Authentication string         `yaml:"authentication"`
	Authorization  string         `yaml:"authorization"`
	Tags           []string       `yaml:"tags"`
	VPN            bool           `yaml:"vpn"`
	IPFiltered     bool           `yaml:"ip_filtered"`
	Readonly       bool           `yaml:"readonly"`
	Usage          string         `yaml:"usage"`
	Sent           []string       `yaml:"data_assets_sent"`
	Received       []string       `yaml:"data_assets_received"`
	Other          map[string]any `yaml:",inline"`
}

type tgBoundary struct {
	ID          string         `yaml:"id"`
	Description string         `yaml:"description"`
	Type        string         `yaml:"type"`
	Tags        []string       `yaml:"tags"`
	Inside      []string       `yaml:"technical_assets_inside"`
	Nested      []string       `yaml:"trust_boundaries_nested"`
	Other       map[string]any `yaml:",inline"`
}

type tgRuntime struct {
	ID          string         `yaml:"id"`
	Description string         `yaml:"description"`
	Tags        []string       `yaml:"tags"`
	Running     []string       `yaml:"technical_assets_running"`
	Other       map[string]any `yaml:",inline"`
}

// tgCustomRisk is an individual risk category in the form Threagile's
// parser reads since its input was refactored (74e323e and later): a list
// under custom_risk_categories, each entry with its title. Its schema and
// example still use individual_risk_categories, a map by title; a model
// may have either or both (tmc export writes both).
type tgCustomRisk struct {
	Title          string `yaml:"title"`
	tgRiskCategory `yaml:",inline"`
}

type tgRiskCategory struct {
	ID          string            `yaml:"id"`
	Description string            `yaml:"description"`
	Impact      string            `yaml:"impact"`
	ASVS        string            `yaml:"asvs"`
	CheatSheet  string            `yaml:"cheat_sheet"`
	Action      string            `yaml:"action"`
	Mitigation  string            `yaml:"mitigation"`
	Check       string            `yaml:"check"`
	Function    string            `yaml:"function"`
	STRIDE      string            `yaml:"stride"`
	Detection   string            `yaml:"detection_logic"`
	Assessment  string            `yaml:"risk_assessment"`
	FalsePos    string            `yaml:"false_positives"`
	ModelFail   bool              `yaml:"model_failure_possible_reason"`
	CWE         int               `yaml:"cwe"`
	Risks       map[string]tgRisk `yaml:"risks_identified"`
	Other       map[string]any    `yaml:",inline"`
}

type tgRisk struct {
	Severity       string         `yaml:"severity"`
	Likelihood     string         `yaml:"exploitation_likelihood"`
	Impact         string         `yaml:"exploitation_impact"`
	BreachProb     string         `yaml:"data_breach_probability"`
	BreachAssets   []string       `yaml:"data_breach_technical_assets"`
	DataAsset      string         `yaml:"most_relevant_data_asset"`
	TechnicalAsset string         `yaml:"most_relevant_technical_asset"`
	Link           string         `yaml:"most_relevant_communication_link"`
	TrustBoundary  string         `yaml:"most_relevant_trust_boundary"`
	SharedRuntime  string         `yaml:"most_relevant_shared_runtime"`
	Other          map[string]any `yaml:",inline"`
}

type tgTracking struct {
	Status        string         `yaml:"status"`
	Justification string         `yaml:"justification"`
	Ticket        string         `yaml:"ticket"`
	Date          string         `yaml:"date"`
	CheckedBy     string         `yaml:"checked_by"`
	Other         map[string]any `yaml:",inline"`
}

// Threagile's words and tmc's. Threagile rates confidentiality public <
// internal < restricted < confidential < strictly-confidential; tmc
// public < internal < confidential < restricted < secret: the mapping
// keeps the rank. Integrity, availability and criticality use the same
// scale in both.
var (
	tgClassification = map[string]string{"public": "public", "internal": "internal", "restricted": "confidential", "confidential": "restricted", "strictly-confidential": "secret"}
	tgRating         = map[string]string{"archive": "archive", "operational": "operational", "important": "important", "critical": "critical", "mission-critical": "mission_critical"}
	tgRatingRank     = map[string]int{"archive": 1, "operational": 2, "important": 3, "critical": 4, "mission-critical": 5}
	tgAuthentication = map[string]string{"none": "none", "credentials": "credentials", "session-id": "session", "token": "token", "client-certificate": "client_certificate", "two-factor": "two_factor", "externalized": "externalized"}
	tgAuthorization  = map[string]string{"none": "none", "technical-user": "technical_user", "end-user-identity-propagation": "end_user_identity"}
	tgFormats        = map[string]string{"json": "json", "xml": "xml", "serialization": "serialized_objects", "file": "files", "csv": "csv", "yaml": "yaml"}
	tgMachine        = map[string]string{"physical": "physical", "virtual": "virtual", "container": "container", "serverless": "serverless"}
	tgBoundaryType   = map[string]string{
		"network-on-prem": "network", "network-dedicated-hoster": "network", "network-virtual-lan": "network_segment",
		"network-cloud-provider": "cloud_account", "network-cloud-security-group": "network_segment",
		"network-policy-namespace-isolation": "namespace", "execution-environment": "execution_environment",
	}
	// tgTechnology maps Threagile's technology to tmc's closed list; a
	// technology without a tmc word keeps only the tech label.
	tgTechnology = map[string]string{
		"browser": "browser", "desktop": "desktop_app", "mobile-app": "mobile_app", "devops-client": "workstation", "client-system": "workstation",
		"web-server": "web_server", "web-application": "web_application", "application-server": "web_application",
		"database": "database", "file-server": "file_server", "local-file-system": "file_server", "erp": "erp", "cms": "cms",
		"web-service-rest": "api", "web-service-soap": "api", "search-index": "search_index", "search-engine": "search_index",
		"service-registry": "service_registry", "reverse-proxy": "reverse_proxy", "load-balancer": "load_balancer",
		"build-pipeline": "build_pipeline", "sourcecode-repository": "source_repository", "artifact-registry": "artifact_registry",
		"monitoring": "monitoring", "ldap-server": "identity_store", "identity-store-ldap": "identity_store", "identity-store-database": "identity_store",
		"container-platform": "container_platform", "batch-processing": "batch_job", "identity-provider": "identity_provider",
		"function": "function", "gateway": "api_gateway", "iot-device": "iot_device", "message-queue": "message_queue",
		"data-lake": "data_warehouse", "big-data-platform": "data_warehouse", "mail-server": "mail_server", "vault": "secret_store",
		"hsm": "hsm", "waf": "waf", "scheduler": "scheduler", "task": "batch_job",
	}
	tgImpact     = map[string]int{"low": 2, "medium": 3, "high": 4, "very-high": 5}
	tgLikelihood = map[string]int{"unlikely": 2, "likely": 3, "very-likely": 4, "frequent": 5}
	tgControl    = map[string]string{"mitigated": "implemented", "in-progress": "planned", "in-discussion": "proposed", "unchecked": "proposed"}
)

// Threagile imports a Threagile YAML model.
func Threagile(data []byte) (*Result, error) {
	if err := checkInput("Threagile", data); err != nil {
		return nil, err
	}
	var src tgModel
	if err := decodeYAML("Threagile model", data, &src); err != nil {
		return nil, err
	}
	// Both forms of individual risk categories become one map by title;
	// where a title is in both, as in tmc's own exports, the entries are
	// the same category.
	for _, c := range src.CustomRisks {
		title := c.Title
		if title == "" {
			title = c.ID
		}
		if _, ok := src.IndividualRisks[title]; ok || title == "" {
			continue
		}
		if src.IndividualRisks == nil {
			src.IndividualRisks = map[string]tgRiskCategory{}
		}
		src.IndividualRisks[title] = c.tgRiskCategory
	}
	if src.Title == "" && len(src.TechnicalAssets) == 0 && len(src.DataAssets) == 0 {
		return nil, fmt.Errorf("Threagile model: no title, technical_assets or data_assets: is this a Threagile file?")
	}
	m := newModel("Threagile")
	tg := &tgImport{m: m, src: &src, data: map[string]string{}, elems: map[string]*element{}, zone: map[string]*boundary{}, bounds: map[string]*boundary{}, runtimeOf: map[string]*runtime{}, links: map[string]*flow{}, replies: map[*flow]*flow{}}
	tg.model()
	tg.boundaries()
	tg.runtimes()
	tg.dataAssets()
	tg.assets()
	tg.communication()
	tg.builtinTracking(tg.risks())
	return &Result{Files: m.files(), Summary: m.sum}, nil
}

type tgImport struct {
	m         *model
	src       *tgModel
	data      map[string]string    // Threagile data id -> tmc id
	elems     map[string]*element  // Threagile asset id -> element
	zone      map[string]*boundary // asset id -> boundary
	bounds    map[string]*boundary // Threagile boundary id -> boundary
	runtimeOf map[string]*runtime  // asset id -> runtime
	links     map[string]*flow     // "asset>link-title" -> flow
	replies   map[*flow]*flow      // a link's flow -> its reply flow
	groups    map[*boundary]*group
	order     []string // asset titles, sorted by id
	internet  *boundary
	titles    map[string]string
}

func sortedKeys[V any](mp map[string]V) []string {
	ks := make([]string, 0, len(mp))
	for k := range mp {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func (t *tgImport) other(kind, where string, other map[string]any) []string {
	var out []string
	for _, k := range sortedKeys(other) {
		if strings.HasPrefix(k, "diagram_tweak") {
			out = append(out, t.m.gap(kind, k, "a layout hint of Threagile's diagrams; tmc lays diagrams out itself"))
			continue
		}
		out = append(out, t.m.gap(kind, k, "not a field tmc knows in "+where))
	}
	return out
}

func (t *tgImport) model() {
	m, s := t.m, t.src
	m.title = s.Title
	if m.title == "" {
		m.title = "Imported Threagile model"
	}
	m.owner = s.Author.Name
	m.mapped("model")
	m.header = []string{
		"Imported from a Threagile model (threagile_version " + orNone(s.Version) + ") by tmc import.",
		"What the source states is mapped to tmc facts; what has no tmc fact is",
		"listed in a `# not mapped:` comment on its element. docs/import-export.md",
		"says how each Threagile field is read.",
	}
	var d []string
	add := func(title, body string) {
		if body = clean(body); body != "" {
			if title != "" {
				d = append(d, "**"+title+":** "+body)
			} else {
				d = append(d, body)
			}
		}
	}
	add("", s.ManagementSummary)
	add("Business overview", s.BusinessOverview.Description)
	add("Technical overview", s.TechnicalOverview.Description)
	var facts []string
	if s.Date != "" {
		facts = append(facts, "dated "+s.Date)
	}
	if s.BusinessCriticality != "" {
		facts = append(facts, "business criticality "+s.BusinessCriticality)
	}
	if s.Author.Homepage != "" {
		facts = append(facts, "author's homepage "+s.Author.Homepage)
	}
	if len(facts) > 0 {
		d = append(d, "In Threagile: "+strings.Join(facts, ", ")+".")
	}
	list := func(title string, mp map[string]string) {
		if len(mp) == 0 {
			return
		}
		var b strings.Builder
		b.WriteString("**" + title + ":**\n")
		for _, k := range sortedKeys(mp) {
			v := oneLine(mp[k])
			if v == "" {
				v = "(no answer)"
			}
			b.WriteString("\n- " + oneLine(k) + ": " + v)
		}
		d = append(d, b.String())
	}
	list("Abuse cases", s.AbuseCases)
	list("Security requirements", s.SecurityRequirements)
	list("Questions", s.Questions)
	m.desc = strings.Join(d, "\n\n")
	if len(s.TagsAvailable) > 0 {
		m.modelNM = append(m.modelNM, m.gap("model", "tags_available", "the tag vocabulary; tags are kept in the tech labels of elements"))
	}
	if len(s.BusinessOverview.Images)+len(s.TechnicalOverview.Images) > 0 {
		m.modelNM = append(m.modelNM, m.gap("model", "overview images", "image files are not part of a tmc model; link them from a description"))
	}
	m.modelNM = append(m.modelNM, t.other("model", "a Threagile model", s.Other)...)
}

// titleOf returns the key of the technical asset with the Threagile id.
func (t *tgImport) titleOf(id string) string {
	if t.titles == nil {
		t.titles = map[string]string{}
		for _, k := range sortedKeys(t.src.TechnicalAssets) {
			if id := t.src.TechnicalAssets[k].ID; t.titles[id] == "" {
				t.titles[id] = k
			}
		}
	}
	return t.titles[id]
}

// dataConf returns the confidentiality of the data asset with the id.
func (t *tgImport) dataConf(id string) string {
	for _, k := range sortedKeys(t.src.DataAssets) {
		if d := t.src.DataAssets[k]; d.ID == id {
			return d.Confidentiality
		}
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "not given"
	}
	return s
}

// Threagile's boundaries have no trust level and tmc needs one. The
// importer chooses it from what the zone holds and who reaches it, and
// says so on the boundary: low when the internet reaches an asset in it
// directly, high when an asset in it stores confidential or strictly
// confidential data, medium otherwise.
func (t *tgImport) boundaries() {
	m, s := t.m, t.src
	keys := sortedKeys(s.TrustBoundaries)
	sort.SliceStable(keys, func(i, j int) bool { return s.TrustBoundaries[keys[i]].ID < s.TrustBoundaries[keys[j]].ID })
	for _, k := range keys {
		tb := s.TrustBoundaries[k]
		b := &boundary{id: m.newID("boundary", tb.ID, k), name: k}
		m.mapped("boundary")
		b.typ = tgBoundaryType[tb.Type]
		if b.typ == "" && tb.Type != "" {
			b.nm = append(b.nm, m.gapv("boundary", "type", tb.Type, "no tmc boundary type for it"))
		}
		b.trust, b.comments = "medium", []string{fmt.Sprintf("Threagile boundary %s (%s). Threagile has no trust level: medium, as nothing in it stores confidential data and the internet reaches nothing in it directly; review it.", tb.ID, orNone(tb.Type))}
		for _, a := range tb.Inside {
			for _, d := range s.TechnicalAssets[t.titleOf(a)].Stored {
				if c := t.dataConf(d); c == "confidential" || c == "strictly-confidential" {
					b.trust = "high"
					b.comments[0] = fmt.Sprintf("Threagile boundary %s (%s). Threagile has no trust level: high, as %s stores %s data; review it.", tb.ID, orNone(tb.Type), a, c)
				}
			}
		}
		b.src = tb.ID
		b.desc = tb.Description
		if len(tb.Tags) > 0 {
			b.nm = append(b.nm, m.gapv("boundary", "tags", strings.Join(tb.Tags, ", "), "tmc boundaries have no tags"))
		}
		b.nm = append(b.nm, t.other("boundary", "a trust boundary", tb.Other)...)
		t.bounds[tb.ID] = b
		m.boundaries = append(m.boundaries, b)
	}
	// Nesting, then the assets inside (the innermost boundary wins).
	for _, k := range keys {
		tb := s.TrustBoundaries[k]
		for _, n := range tb.Nested {
			c := t.bounds[n]
			switch {
			case c == nil:
				t.bounds[tb.ID].nm = append(t.bounds[tb.ID].nm, m.gapv("boundary", "nested boundary", n, "no such trust boundary in the source"))
			case c.parent != nil || c == t.bounds[tb.ID] || inChain(t.bounds[tb.ID], c):
				t.bounds[tb.ID].nm = append(t.bounds[tb.ID].nm, m.gapv("boundary", "nested boundary", n, "nested twice or in a loop; the first nesting is kept"))
			default:
				c.parent = t.bounds[tb.ID]
			}
		}
	}
	for _, k := range keys {
		tb := s.TrustBoundaries[k]
		b := t.bounds[tb.ID]
		for _, a := range tb.Inside {
			if old := t.zone[a]; old != nil && old != b {
				if inChain(b, old) { // b is inside old: the inner one wins
					t.zone[a] = b
				}
				continue
			}
			t.zone[a] = b
		}
	}
	// The internet, where assets with internet: true are.
	for _, k := range sortedKeys(s.TechnicalAssets) {
		a := s.TechnicalAssets[k]
		if a.Internet && t.zone[a.ID] == nil {
			if t.internet == nil {
				t.internet = &boundary{id: m.newID("internet", "internet"), name: "Internet", trust: "untrusted", typ: "network"}
				t.internet.comments = []string{"Where the assets Threagile marks internet: true are; Threagile has no trust boundary for it."}
				m.boundaries = append([]*boundary{t.internet}, m.boundaries...)
			}
			t.zone[a.ID] = t.internet
		}
	}
	// A zone the internet reaches directly is trusted low.
	if t.internet != nil {
		for _, k := range sortedKeys(s.TechnicalAssets) {
			a := s.TechnicalAssets[k]
			if t.zone[a.ID] != t.internet {
				continue
			}
			for _, lk := range sortedKeys(a.Links) {
				l := a.Links[lk]
				if b := t.zone[l.Target]; b != nil && b != t.internet && b.trust != "low" {
					b.trust = "low"
					b.comments[0] = fmt.Sprintf("Threagile boundary %s (%s). Threagile has no trust level: low, as the internet reaches %s in it directly; review it.", b.src, orNone(s.TrustBoundaries[b.name].Type), l.Target)
				}
			}
		}
	}
}

// inChain reports whether b is inside a (a is an ancestor of b).
func inChain(b, a *boundary) bool {
	for x := b.parent; x != nil; x = x.parent {
		if x == a {
			return true
		}
	}
	return false
}

func (t *tgImport) runtimes() {
	m, s := t.m, t.src
	for _, k := range sortedKeys(s.SharedRuntimes) {
		sr := s.SharedRuntimes[k]
		r := &runtime{id: m.newID("runtime", sr.ID, k), name: k, desc: sr.Description}
		m.mapped("runtime")
		tags := strings.ToLower(strings.Join(sr.Tags, " "))
		switch {
		case strings.Contains(tags, "vmware") || strings.Contains(tags, "hyper-v") || strings.Contains(tags, "esx"):
			r.typ = "host"
		case strings.Contains(tags, "kubernetes") || strings.Contains(tags, "k8s") || strings.Contains(tags, "openshift"):
			r.typ = "cluster"
		}
		if len(sr.Tags) > 0 {
			what := "tmc runtimes have no tags"
			if r.typ != "" {
				what += "; the type " + r.typ + " is read from them"
			}
			r.nm = append(r.nm, m.gapv("runtime", "tags", strings.Join(sr.Tags, ", "), what))
		}
		r.nm = append(r.nm, t.other("runtime", "a shared runtime", sr.Other)...)
		for _, a := range sr.Running {
			if t.runtimeOf[a] == nil {
				t.runtimeOf[a] = r
			}
		}
		m.runtimes = append(m.runtimes, r)
	}
}

var (
	piiWords  = regexp.MustCompile(`(?i)\b(pii|personally identifiable|personal data)\b`)
	credWords = regexp.MustCompile(`(?i)\b(credentials?|passwords?|secret keys?|api keys?)\b`)
)

// statedWord returns the first match of re in text that its sentence
// does not negate ("should not contain PII" states no PII).
func statedWord(re *regexp.Regexp, text string) string {
	for _, loc := range re.FindAllStringIndex(text, -1) {
		start := strings.LastIndexAny(text[:loc[0]], ".!?") + 1
		before := " " + strings.ToLower(text[start:loc[0]])
		if strings.Contains(before, " not ") || strings.Contains(before, " no ") || strings.Contains(before, "n't ") || strings.Contains(before, " without ") {
			continue
		}
		return text[loc[0]:loc[1]]
	}
	return ""
}

func (t *tgImport) dataAssets() {
	m, s := t.m, t.src
	keys := sortedKeys(s.DataAssets)
	sort.SliceStable(keys, func(i, j int) bool { return s.DataAssets[keys[i]].ID < s.DataAssets[keys[j]].ID })
	for _, k := range keys {
		da := s.DataAssets[k]
		d := &dataAsset{id: m.newID("data", da.ID, k), name: k}
		m.mapped("data")
		t.data[da.ID] = d.id
		cls := tgClassification[da.Confidentiality]
		if cls == "" {
			cls = "internal"
			d.stmts = append(d.stmts, stmt{"classification internal", "confidentiality " + orNone(da.Confidentiality) + " in the source: not a Threagile rating; review it"})
			m.gapv("data", "confidentiality", orNone(da.Confidentiality), "not a Threagile rating; classification internal written, review it")
		} else {
			d.stmts = append(d.stmts, stmt{"classification " + cls, "Threagile: confidentiality " + da.Confidentiality})
		}
		if r := tgRating[da.Integrity]; r != "" {
			d.stmts = append(d.stmts, stmt{text: "integrity " + r})
		} else if da.Integrity != "" {
			d.nm = append(d.nm, m.gapv("data", "integrity", da.Integrity, "not a Threagile rating"))
		}
		if r := tgRating[da.Availability]; r != "" {
			d.stmts = append(d.stmts, stmt{text: "availability " + r})
		} else if da.Availability != "" {
			d.nm = append(d.nm, m.gapv("data", "availability", da.Availability, "not a Threagile rating"))
		}
		words := da.Description + " " + da.Justification
		if w := statedWord(piiWords, words); w != "" {
			d.stmts = append(d.stmts, stmt{"pii", "the source says \"" + w + "\""})
		}
		if w := statedWord(credWords, words); w != "" {
			d.stmts = append(d.stmts, stmt{"credentials", "the source says \"" + w + "\""})
		}
		if da.Owner != "" {
			d.stmts = append(d.stmts, stmt{text: "owner " + quote(da.Owner)})
		}
		desc := clean(da.Description)
		if j := clean(da.Justification); j != "" {
			desc = strings.TrimSpace(desc + "\n\nRating: " + j)
		}
		if desc != "" {
			d.stmts = append(d.stmts, stmt{text: "description " + text(desc, "  ")})
		}
		if da.Usage != "" {
			d.nm = append(d.nm, m.gapv("data", "usage", da.Usage, "tmc data has no usage; flows have"))
		}
		if da.Origin != "" {
			d.nm = append(d.nm, m.gapv("data", "origin", da.Origin, "no tmc fact"))
		}
		if da.Quantity != "" {
			d.nm = append(d.nm, m.gapv("data", "quantity", da.Quantity, "no tmc fact"))
		}
		if len(da.Tags) > 0 {
			d.nm = append(d.nm, m.gapv("data", "tags", strings.Join(da.Tags, ", "), "tmc data has no tags"))
		}
		d.nm = append(d.nm, t.other("data", "a data asset", da.Other)...)
		m.data = append(m.data, d)
	}
}

// dataRefs maps Threagile data ids to tmc ids, listing unknown ones.
func (t *tgImport) dataRefs(kind string, ids []string, nm *[]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		d, ok := t.data[id]
		if !ok {
			*nm = append(*nm, t.m.gap(kind, "data asset "+id, "no such data asset in the source"))
			continue
		}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

func (t *tgImport) group(b *boundary) *group {
	if t.groups == nil {
		t.groups = map[*boundary]*group{}
	}
	if g := t.groups[b]; g != nil {
		return g
	}
	g := &group{}
	if b == nil {
		g.file = "other.tm"
		g.comments = []string{"Technical assets in no trust boundary (imported from Threagile; see platform.tm)."}
	} else {
		g.file = b.id + ".tm"
		g.comments = []string{"Technical assets in " + b.name + " and the links they start (imported from Threagile; see platform.tm)."}
	}
	t.groups[b] = g
	t.m.groups = append(t.m.groups, g)
	return g
}

func (t *tgImport) assets() {
	m, s := t.m, t.src
	keys := sortedKeys(s.TechnicalAssets)
	sort.SliceStable(keys, func(i, j int) bool { return s.TechnicalAssets[keys[i]].ID < s.TechnicalAssets[keys[j]].ID })
	t.order = keys
	systems := map[*boundary]*element{}
	for _, k := range keys {
		a := s.TechnicalAssets[k]
		b := t.zone[a.ID]
		g := t.group(b)
		e := &element{id: m.newID("element", a.ID, k), name: k}
		m.mapped("element")
		tech := strings.ToLower(a.Technology)
		switch {
		case a.Type == "external-entity":
			e.kind = "system"
			e.in = b
			g.elems = append(g.elems, e)
		default:
			switch {
			case tech == "message-queue":
				e.kind = "queue"
			case a.Type == "datastore" && (tech == "file-server" || tech == "local-file-system" || tech == "block-storage"):
				e.kind = "bucket"
			case a.Type == "datastore":
				e.kind = "database"
			default:
				e.kind = "container"
			}
			if a.Type != "process" && a.Type != "datastore" {
				e.nm = append(e.nm, m.gapv("element", "type", orNone(a.Type), "not a Threagile asset type; imported as a container"))
			}
			sys := systems[b]
			if sys == nil {
				if b == nil {
					sys = &element{id: m.newID("system", "other_system"), name: "Assets in no trust boundary", kind: "system"}
				} else {
					sys = &element{id: m.newID("system", b.id+"_system"), name: b.name + " systems", kind: "system", in: b}
				}
				sys.comments = []string{"Threagile has no systems: the processes and datastores of one trust boundary are grouped here."}
				systems[b] = sys
				g.elems = append([]*element{sys}, g.elems...)
			}
			e.parent = sys
			sys.children = append(sys.children, e)
		}
		t.elems[a.ID] = e
		t.assetFacts(e, &a)
	}
}

func (t *tgImport) assetFacts(e *element, a *tgAsset) {
	m := t.m
	add := func(text, comment string) { e.stmts = append(e.stmts, stmt{text, comment}) }
	if w := tgMachine[a.Machine]; w != "" {
		add("machine "+w, "Threagile: machine "+a.Machine)
	} else if a.Machine != "" {
		e.nm = append(e.nm, m.gapv("element", "machine", a.Machine, "not a Threagile machine type"))
	}
	label := a.Technology
	var extra []string
	if a.Machine != "" {
		extra = append(extra, a.Machine)
	}
	if len(a.Tags) > 0 {
		extra = append(extra, strings.Join(a.Tags, ", "))
	}
	if len(extra) > 0 {
		label = strings.TrimSpace(label + " (" + strings.Join(extra, "; ") + ")")
	}
	if w := tgTechnology[strings.ToLower(a.Technology)]; w != "" {
		add("technology "+w, "")
	} else if a.Technology != "" {
		e.nm = append(e.nm, m.gapv("element", "technology", a.Technology, "no word of tmc's technology list fits; kept in the tech label"))
	}
	if label != "" {
		add("tech "+quote(label), "")
	}
	if a.Owner != "" {
		add("owner "+quote(a.Owner), "")
	}
	switch a.Encryption {
	case "", "none":
	default:
		add("encrypted_at_rest", "Threagile: encryption "+a.Encryption)
	}
	if a.MultiTenant {
		add("multi_tenant", "")
	}
	if a.CustomDeveloped {
		add("custom_developed", "")
	}
	if a.OutOfScope {
		why := a.OutOfScopeWhy
		if clean(why) == "" {
			why = "out of scope in the Threagile model (no justification given)"
		}
		add("out_of_scope "+quote(why), "")
	}
	crit := a.Integrity
	if tgRatingRank[a.Availability] > tgRatingRank[crit] {
		crit = a.Availability
	}
	if w := tgRating[crit]; w != "" {
		add("criticality "+w, "the higher of integrity "+orNone(a.Integrity)+" and availability "+orNone(a.Availability))
	}
	if a.Confidentiality != "" {
		e.nm = append(e.nm, m.gapv("element", "confidentiality", a.Confidentiality, "tmc reads an element's confidentiality from the data it stores and processes"))
	}
	if r := t.runtimeOf[a.ID]; r != nil {
		add("runs_on "+r.id, "")
	}
	var formats []string
	for _, f := range a.Formats {
		if w := tgFormats[f]; w != "" {
			formats = append(formats, w)
		} else {
			e.nm = append(e.nm, m.gapv("element", "data format", f, "not a data format tmc knows"))
		}
	}
	if len(formats) > 0 {
		add("accepts "+strings.Join(formats, ", "), "")
	}
	stored := t.dataRefs("element", a.Stored, &e.nm)
	isStored := map[string]bool{}
	for _, d := range stored {
		isStored[d] = true
	}
	var processed []string
	for _, d := range t.dataRefs("element", a.Processed, &e.nm) {
		if !isStored[d] {
			processed = append(processed, d)
		}
	}
	if len(stored) > 0 {
		add("stores "+strings.Join(stored, ", "), "")
	}
	if len(processed) > 0 {
		add("processes "+strings.Join(processed, ", "), "")
	}
	desc := clean(a.Description)
	if j := clean(a.Justification); j != "" {
		desc = strings.TrimSpace(desc + "\n\nRating: " + j)
	}
	e.desc = desc
	if a.Usage != "" {
		e.nm = append(e.nm, m.gapv("element", "usage", a.Usage, "tmc elements have no usage; flows have"))
	}
	if a.Size != "" {
		e.nm = append(e.nm, m.gapv("element", "size", a.Size, "the element's kind says what C4 draws; no tmc fact for Threagile's size"))
	}
	if a.Redundant {
		e.nm = append(e.nm, m.gap("element", "redundant", "no tmc fact"))
	}
	if a.UsedByHuman {
		e.nm = append(e.nm, m.gap("element", "used_as_client_by_human", "no tmc fact; the client is imported as a system so that its technology and data stay"))
	}
	if a.Internet && t.zone[a.ID] != t.internet {
		e.nm = append(e.nm, m.gap("element", "internet", "the asset is in a trust boundary of the source, which tmc keeps"))
	}
	e.nm = append(e.nm, t.other("element", "a technical asset", a.Other)...)
}

// protoWord writes a Threagile protocol as a tmc protocol: a word when it
// is one, else a string; "-encrypted" variants say so with the safeguard
// encryption_in_transit.
func protoWord(p string) (string, bool) {
	p = strings.ToLower(strings.TrimSpace(p))
	enc := false
	if base, ok := strings.CutSuffix(p, "-encrypted"); ok {
		p, enc = base, true
	}
	if ident(p) == p {
		return p, enc
	}
	return quote(p), enc
}

func (t *tgImport) communication() {
	m, s := t.m, t.src
	for _, k := range t.order {
		a := s.TechnicalAssets[k]
		from := t.elems[a.ID]
		g := t.group(t.zone[a.ID])
		for _, title := range sortedKeys(a.Links) {
			l := a.Links[title]
			to := t.elems[l.Target]
			if to == nil {
				from.nm = append(from.nm, m.dropped("flow", "communication link "+title, "its target "+orNone(l.Target)+" is not a technical asset of the source"))
				continue
			}
			f := &flow{id: m.newID("flow", title), name: title, from: from, to: to, desc: l.Description}
			m.mapped("flow")
			t.links[a.ID+">"+dashed(title)] = f
			add := func(text string) { f.stmts = append(f.stmts, stmt{text: text}) }
			proto, enc := protoWord(l.Protocol)
			known := l.Protocol != "" && l.Protocol != "unknown-protocol"
			if known {
				add("protocol " + proto)
			}
			var prot []string
			if w := tgAuthentication[l.Authentication]; w != "" {
				add("authentication " + w)
				prot = append(prot, "authentication "+l.Authentication)
			} else if l.Authentication != "" {
				f.nm = append(f.nm, m.gapv("flow", "authentication", l.Authentication, "not a Threagile authentication"))
			}
			if w := tgAuthorization[l.Authorization]; w != "" {
				add("authorization " + w)
				prot = append(prot, "authorization "+l.Authorization)
			} else if l.Authorization != "" {
				f.nm = append(f.nm, m.gapv("flow", "authorization", l.Authorization, "not a Threagile authorization"))
			}
			if l.Readonly {
				add("readonly")
				prot = append(prot, "read-only")
			}
			if l.VPN {
				add("vpn")
				prot = append(prot, "VPN")
			}
			if l.IPFiltered {
				add("ip_filtered")
				prot = append(prot, "IP-filtered")
			}
			if enc {
				add("safeguards encryption_in_transit")
			}
			if known {
				prot = append(prot, "protocol "+l.Protocol)
			}
			if l.Usage == "business" || l.Usage == "devops" {
				add("usage " + l.Usage)
			} else if l.Usage != "" {
				f.nm = append(f.nm, m.gapv("flow", "usage", l.Usage, "not a Threagile usage"))
			}
			if sent := t.dataRefs("flow", l.Sent, &f.nm); len(sent) > 0 {
				add("carries " + strings.Join(sent, ", "))
			}
			// Marked only where the source says how the link is protected.
			protected := known || l.VPN || l.IPFiltered || (l.Authentication != "" && l.Authentication != "none")
			if protected {
				f.protection = prot
			}
			if len(l.Tags) > 0 {
				f.nm = append(f.nm, m.gapv("flow", "tags", strings.Join(l.Tags, ", "), "tmc flows have no tags"))
			}
			f.nm = append(f.nm, t.other("flow", "a communication link", l.Other)...)
			g.flows = append(g.flows, f)

			// What comes back on the link is a reply flow.
			if len(l.Received) > 0 {
				r := &flow{id: m.newID("flow", title+" reply"), name: title + " (received)", from: to, to: from}
				r.stmts = append(r.stmts, stmt{text: "response_to " + f.id})
				if known {
					r.stmts = append(r.stmts, stmt{text: "protocol " + proto})
				}
				if l.VPN {
					r.stmts = append(r.stmts, stmt{text: "vpn"})
				}
				if enc {
					r.stmts = append(r.stmts, stmt{text: "safeguards encryption_in_transit"})
				}
				if l.Usage == "business" || l.Usage == "devops" {
					r.stmts = append(r.stmts, stmt{text: "usage " + l.Usage})
				}
				var nm []string
				if recv := t.dataRefs("flow", l.Received, &nm); len(recv) > 0 {
					r.stmts = append(r.stmts, stmt{text: "carries " + strings.Join(recv, ", ")})
				}
				if protected {
					r.protection = append([]string{"reply on " + title}, prot...)
				}
				t.replies[f] = r
				r.comments = []string{"What " + from.name + " receives on " + title + " (data_assets_received)."}
				g.flows = append(g.flows, r)
			}
		}
	}
}

// dashed is Threagile's spelling of a link title in risk ids.
func dashed(s string) string {
	return strings.ReplaceAll(ident(s), "_", "-")
}

var htmlTag = regexp.MustCompile(`<[^>]*>`)

// risks maps the individual risks and returns the risk_tracking keys that
// track none of them: those of Threagile's built-in risks.
func (t *tgImport) risks() []string {
	m, s := t.m, t.src
	tracked := map[string]bool{}
	for _, ck := range sortedKeys(s.IndividualRisks) {
		c := s.IndividualRisks[ck]
		stride := strideOf(c.STRIDE)
		for _, rk := range sortedKeys(c.Risks) {
			r := c.Risks[rk]
			name := oneLine(htmlTag.ReplaceAllString(rk, ""))
			th := &threat{id: m.newID("threat", name), name: name}
			// What the risk is on: a link, an asset, a boundary.
			var on, onKey string
			switch {
			case r.Link != "" && t.links[r.Link] != nil:
				on, onKey = t.links[r.Link].id, r.Link
			case r.TechnicalAsset != "" && t.elems[r.TechnicalAsset] != nil:
				on, onKey = t.elems[r.TechnicalAsset].path(), r.TechnicalAsset
			case r.TrustBoundary != "" && t.bounds[r.TrustBoundary] != nil:
				on, onKey = t.bounds[r.TrustBoundary].id, r.TrustBoundary
			default:
				for _, id := range r.BreachAssets {
					if e := t.elems[id]; e != nil {
						on, onKey = e.path(), id
						break
					}
				}
			}
			if on == "" {
				m.trailer = append(m.trailer, "not mapped: individual risk "+name+" (it names no technical asset, link or boundary of the model)")
				m.dropped("threat", "individual risk on nothing", "a tmc threat is on a flow, an element or a boundary")
				continue
			}
			m.mapped("threat")
			if stride == "" {
				stride = "tampering"
				th.nm = append(th.nm, m.gapv("threat", "stride", orNone(c.STRIDE), "not a STRIDE category; tampering written, review it"))
			}
			th.stmts = append(th.stmts, stmt{text: "stride " + stride})
			th.stmts = append(th.stmts, stmt{text: "on " + on})
			th.on = on
			imp, lik := tgImpact[r.Impact], tgLikelihood[r.Likelihood]
			if imp == 0 {
				imp = 3
				th.nm = append(th.nm, m.gapv("threat", "exploitation_impact", orNone(r.Impact), "not a Threagile impact; 3 written, review it"))
			}
			if lik == 0 {
				lik = 3
				th.nm = append(th.nm, m.gapv("threat", "exploitation_likelihood", orNone(r.Likelihood), "not a Threagile likelihood; 3 written, review it"))
			}
			th.stmts = append(th.stmts, stmt{fmt.Sprintf("impact %d", imp), "Threagile: exploitation impact " + orNone(r.Impact)})
			th.stmts = append(th.stmts, stmt{fmt.Sprintf("likelihood %d", lik), "Threagile: exploitation likelihood " + orNone(r.Likelihood) + ", severity " + orNone(r.Severity)})
			var d []string
			if x := clean(c.Description); x != "" {
				d = append(d, x)
			}
			if x := clean(c.Impact); x != "" {
				d = append(d, "**Impact:** "+x)
			}
			for _, kv := range [][2]string{{"ASVS", c.ASVS}, {"Cheat sheet", c.CheatSheet}, {"Check", c.Check}, {"Detection", c.Detection}, {"Risk assessment", c.Assessment}, {"False positives", c.FalsePos}} {
				if x := clean(kv[1]); x != "" {
					d = append(d, "**"+kv[0]+":** "+x)
				}
			}
			if c.CWE != 0 {
				d = append(d, fmt.Sprintf("CWE-%d. Threagile category %s.", c.CWE, c.ID))
			}
			th.desc = strings.Join(d, "\n\n")
			if r.DataAsset != "" || len(r.BreachAssets) > 0 || r.BreachProb != "" {
				th.nm = append(th.nm, m.gap("threat", "data breach facts", "tmc computes the data at stake from the data the target stores, processes and carries"))
			}
			// The category's mitigation is a control; the risk's tracking
			// gives its status.
			synthetic := c.ID + "@" + onKey
			tr, trKey := t.tracking(synthetic)
			if trKey != "" {
				tracked[trKey] = true
			}
			if x := clean(c.Mitigation + "\n\n" + c.Action); x != "" || trKey != "" {
				ctl := &control{id: m.newID("control", th.id+"_mitigation"), name: "Mitigation: " + name}
				m.mapped("mitigation")
				status := "proposed"
				if trKey != "" {
					if w := tgControl[tr.Status]; w != "" {
						status = w
					}
				}
				ctl.stmts = append(ctl.stmts, stmt{text: "status " + status})
				var cd []string
				if x := clean(c.Mitigation); x != "" {
					cd = append(cd, x)
				}
				if x := clean(c.Action); x != "" {
					cd = append(cd, "**Action:** "+x)
				}
				if trKey != "" {
					cd = append(cd, trackingText(trKey, tr))
				}
				ctl.desc = strings.Join(cd, "\n\n")
				m.controls = append(m.controls, ctl)
				th.stmts = append(th.stmts, stmt{text: "mitigated_by " + ctl.id})
				switch tr.Status {
				case "accepted":
					th.nm = append(th.nm, m.gap("risk tracking", "status accepted", "a tmc acceptance needs an expiry date, which Threagile does not give; the tracking is in the control's description"))
				case "false-positive":
					th.nm = append(th.nm, m.gap("risk tracking", "status false-positive", "tmc dismisses findings of its rules, not declared threats; the tracking is in the control's description"))
				}
			}
			m.threats = append(m.threats, th)
		}
		m.gap("threat", "individual risk category fields (function, model_failure_possible_reason)", "no tmc fact; the category's texts are in each threat's description")
	}
	var builtin []string
	for _, k := range sortedKeys(s.RiskTracking) {
		if !tracked[k] {
			builtin = append(builtin, k)
		}
	}
	return builtin
}

// tracking finds the risk_tracking entry of a synthetic risk id, exact or
// by a pattern with * between the @.
func (t *tgImport) tracking(id string) (tgTracking, string) {
	if tr, ok := t.src.RiskTracking[id]; ok {
		return tr, id
	}
	for _, k := range sortedKeys(t.src.RiskTracking) {
		if matchRiskID(k, id) {
			return t.src.RiskTracking[k], k
		}
	}
	return tgTracking{}, ""
}

func matchRiskID(pattern, id string) bool {
	ps, is := strings.Split(pattern, "@"), strings.Split(id, "@")
	if len(ps) != len(is) {
		return false
	}
	for i := range ps {
		if ps[i] != "*" && ps[i] != is[i] {
			return false
		}
	}
	return true
}

func trackingText(k string, tr tgTracking) string {
	var parts []string
	parts = append(parts, "Threagile risk tracking "+k+": "+orNone(tr.Status))
	if tr.Justification != "" {
		parts = append(parts, "\""+oneLine(tr.Justification)+"\"")
	}
	if tr.CheckedBy != "" {
		parts = append(parts, "checked by "+oneLine(tr.CheckedBy))
	}
	if tr.Date != "" {
		parts = append(parts, "on "+oneLine(tr.Date))
	}
	if tr.Ticket != "" {
		parts = append(parts, "ticket "+oneLine(tr.Ticket))
	}
	return strings.Join(parts, ", ") + "."
}
