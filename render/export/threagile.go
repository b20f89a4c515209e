package export

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/tmc-dev/tmc/compiler/ir"
)

// ThreagileVersion is the Threagile model version the export writes.
const ThreagileVersion = "1.0.0"

type tgModel struct {
	ThreagileVersion         string                     `yaml:"threagile_version"`
	Title                    string                     `yaml:"title"`
	Date                     string                     `yaml:"date,omitempty"`
	Author                   tgAuthor                   `yaml:"author"`
	ManagementSummaryComment string                     `yaml:"management_summary_comment,omitempty"`
	BusinessCriticality      string                     `yaml:"business_criticality"`
	BusinessOverview         tgOverview                 `yaml:"business_overview"`
	TechnicalOverview        tgOverview                 `yaml:"technical_overview"`
	SecurityRequirements     map[string]string          `yaml:"security_requirements,omitempty"`
	TagsAvailable            []string                   `yaml:"tags_available"`
	DataAssets               map[string]*tgDataAsset    `yaml:"data_assets"`
	TechnicalAssets          map[string]*tgTechAsset    `yaml:"technical_assets"`
	TrustBoundaries          map[string]*tgBoundary     `yaml:"trust_boundaries"`
	SharedRuntimes           map[string]*tgRuntime      `yaml:"shared_runtimes"`
	IndividualRiskCategories map[string]*tgRiskCategory `yaml:"individual_risk_categories,omitempty"`
	CustomRiskCategories     []tgCustomRiskCategory     `yaml:"custom_risk_categories,omitempty"`
	RiskTracking             map[string]*tgTracking     `yaml:"risk_tracking,omitempty"`
}

// tgCustomRiskCategory is an individual risk category as Threagile's
// parser reads it since its model input was refactored (74e323e and
// later): a list under custom_risk_categories, each with its title.
// Its schema, example and documentation still describe the older form,
// individual_risk_categories, a map by title, which that parser ignores
// without a word; the export writes both, so that either Threagile finds
// the risks the risk tracking names (it rejects a model whose tracking
// names a risk it does not know).
type tgCustomRiskCategory struct {
	Title          string `yaml:"title"`
	tgRiskCategory `yaml:",inline"`
}

type tgAuthor struct {
	Name string `yaml:"name"`
}

type tgOverview struct {
	Description string `yaml:"description"`
}

type tgDataAsset struct {
	ID                     string   `yaml:"id"`
	Description            string   `yaml:"description"`
	Usage                  string   `yaml:"usage"`
	Tags                   []string `yaml:"tags"`
	Origin                 string   `yaml:"origin"`
	Owner                  string   `yaml:"owner"`
	Quantity               string   `yaml:"quantity"`
	Confidentiality        string   `yaml:"confidentiality"`
	Integrity              string   `yaml:"integrity"`
	Availability           string   `yaml:"availability"`
	JustificationCiaRating string   `yaml:"justification_cia_rating"`
}

type tgTechAsset struct {
	ID                      string             `yaml:"id"`
	Description             string             `yaml:"description"`
	Type                    string             `yaml:"type"`
	Usage                   string             `yaml:"usage"`
	UsedAsClientByHuman     bool               `yaml:"used_as_client_by_human"`
	OutOfScope              bool               `yaml:"out_of_scope"`
	JustificationOutOfScope string             `yaml:"justification_out_of_scope"`
	Size                    string             `yaml:"size"`
	Technology              string             `yaml:"technology"`
	Tags                    []string           `yaml:"tags"`
	Internet                bool               `yaml:"internet"`
	Machine                 string             `yaml:"machine"`
	Encryption              string             `yaml:"encryption"`
	Owner                   string             `yaml:"owner"`
	Confidentiality         string             `yaml:"confidentiality"`
	Integrity               string             `yaml:"integrity"`
	Availability            string             `yaml:"availability"`
	JustificationCiaRating  string             `yaml:"justification_cia_rating"`
	MultiTenant             bool               `yaml:"multi_tenant"`
	Redundant               bool               `yaml:"redundant"`
	CustomDevelopedParts    bool               `yaml:"custom_developed_parts"`
	DataAssetsProcessed     []string           `yaml:"data_assets_processed"`
	DataAssetsStored        []string           `yaml:"data_assets_stored"`
	DataFormatsAccepted     []string           `yaml:"data_formats_accepted"`
	CommunicationLinks      map[string]*tgLink `yaml:"communication_links"`
}

type tgLink struct {
	Target             string   `yaml:"target"`
	Description        string   `yaml:"description"`
	Protocol           string   `yaml:"protocol"`
	Authentication     string   `yaml:"authentication"`
	Authorization      string   `yaml:"authorization"`
	Tags               []string `yaml:"tags"`
	VPN                bool     `yaml:"vpn"`
	IPFiltered         bool     `yaml:"ip_filtered"`
	Readonly           bool     `yaml:"readonly"`
	Usage              string   `yaml:"usage"`
	DataAssetsSent     []string `yaml:"data_assets_sent"`
	DataAssetsReceived []string `yaml:"data_assets_received"`
}

type tgBoundary struct {
	ID                    string   `yaml:"id"`
	Description           string   `yaml:"description"`
	Type                  string   `yaml:"type"`
	Tags                  []string `yaml:"tags"`
	TechnicalAssetsInside []string `yaml:"technical_assets_inside"`
	TrustBoundariesNested []string `yaml:"trust_boundaries_nested"`
}

type tgRuntime struct {
	ID                     string   `yaml:"id"`
	Description            string   `yaml:"description"`
	Tags                   []string `yaml:"tags"`
	TechnicalAssetsRunning []string `yaml:"technical_assets_running"`
}

type tgRiskCategory struct {
	ID                         string             `yaml:"id"`
	Description                string             `yaml:"description"`
	Impact                     string             `yaml:"impact"`
	ASVS                       string             `yaml:"asvs"`
	CheatSheet                 string             `yaml:"cheat_sheet"`
	Action                     string             `yaml:"action"`
	Mitigation                 string             `yaml:"mitigation"`
	Check                      string             `yaml:"check"`
	Function                   string             `yaml:"function"`
	STRIDE                     string             `yaml:"stride"`
	DetectionLogic             string             `yaml:"detection_logic"`
	RiskAssessment             string             `yaml:"risk_assessment"`
	FalsePositives             string             `yaml:"false_positives"`
	ModelFailurePossibleReason bool               `yaml:"model_failure_possible_reason"`
	CWE                        int                `yaml:"cwe"`
	RisksIdentified            map[string]*tgRisk `yaml:"risks_identified"`
}

type tgRisk struct {
	Severity                      string   `yaml:"severity"`
	ExploitationLikelihood        string   `yaml:"exploitation_likelihood"`
	ExploitationImpact            string   `yaml:"exploitation_impact"`
	DataBreachProbability         string   `yaml:"data_breach_probability"`
	DataBreachTechnicalAssets     []string `yaml:"data_breach_technical_assets"`
	MostRelevantTechnicalAsset    string   `yaml:"most_relevant_technical_asset,omitempty"`
	MostRelevantCommunicationLink string   `yaml:"most_relevant_communication_link,omitempty"`
	MostRelevantTrustBoundary     string   `yaml:"most_relevant_trust_boundary,omitempty"`
}

type tgTracking struct {
	Status        string  `yaml:"status"`
	Justification string  `yaml:"justification"`
	Ticket        string  `yaml:"ticket"`
	Date          *string `yaml:"date"`
	CheckedBy     string  `yaml:"checked_by"`
}

// Mappings of tmc's closed vocabularies to Threagile's enumerations.
var (
	tgConfidentiality = map[string]string{"public": "public", "internal": "internal", "confidential": "restricted",
		"restricted": "confidential", "secret": "strictly-confidential"}
	tgConfidentialityRank = map[string]int{"public": 1, "internal": 2, "restricted": 3, "confidential": 4, "strictly-confidential": 5}
	tgTechnology          = map[string]string{
		"web_server": "web-server", "web_application": "web-application", "api": "web-service-rest",
		"api_gateway": "gateway", "load_balancer": "load-balancer", "reverse_proxy": "reverse-proxy", "waf": "waf",
		"cdn": "reverse-proxy", "dns": "unknown-technology", "vpn_gateway": "gateway", "mail_server": "mail-server",
		"identity_provider": "identity-provider", "identity_store": "identity-store-database", "secret_store": "vault",
		"hsm": "hsm", "database": "database", "cache": "database", "file_server": "file-server",
		"object_store": "file-server", "message_queue": "message-queue", "search_index": "search-index",
		"data_warehouse": "data-lake", "vector_store": "database", "build_pipeline": "build-pipeline",
		"source_repository": "sourcecode-repository", "artifact_registry": "artifact-registry",
		"container_platform": "container-platform", "service_registry": "service-registry", "function": "function",
		"batch_job": "batch-processing", "scheduler": "scheduler", "monitoring": "monitoring", "cms": "cms",
		"erp": "erp", "llm": "ai", "ai_agent": "ai", "browser": "browser", "mobile_app": "mobile-app",
		"desktop_app": "desktop", "workstation": "client-system", "iot_device": "iot-device",
	}
	tgKindTechnology = map[string]string{ir.Person: "client-system", ir.Database: "database", ir.Cache: "database",
		ir.Bucket: "file-server", ir.Queue: "message-queue"}
	tgAuthentication = map[string]string{"none": "none", "credentials": "credentials", "session": "session-id",
		"token": "token", "client_certificate": "client-certificate", "mtls": "client-certificate",
		"two_factor": "two-factor", "externalized": "externalized"}
	tgAuthorization = map[string]string{"none": "none", "technical_user": "technical-user",
		"end_user_identity": "end-user-identity-propagation"}
	tgFormat = map[string]string{"json": "json", "xml": "xml", "yaml": "yaml", "csv": "csv",
		"serialized_objects": "serialization", "files": "file"}
	tgStride = map[string]string{"spoofing": "spoofing", "tampering": "tampering", "repudiation": "repudiation",
		"information_disclosure": "information-disclosure", "denial_of_service": "denial-of-service",
		"elevation_of_privilege": "elevation-of-privilege"}
	tgSeverity = map[string]string{"low": "low", "medium": "medium", "high": "high", "critical": "critical"}
)

// tgRating is a rating on Threagile's spelling of the same scale.
func tgRating(r, def string) string {
	if r == "" {
		return def
	}
	return strings.ReplaceAll(r, "_", "-")
}

// tgProtocol maps a free protocol label to Threagile's protocol list,
// encrypted when the model says the flow is.
func tgProtocol(f *ir.Flow) string {
	p := strings.ToLower(strings.NewReplacer("-", "", "_", "", " ", "").Replace(f.Protocol))
	enc := encrypted(f)
	pick := func(plain, withTLS string) string {
		if enc {
			return withTLS
		}
		return plain
	}
	switch {
	case p == "":
		return "unknown-protocol"
	case p == "https" || p == "http2" || p == "h2" || p == "http/2" && enc:
		return "https"
	case strings.HasPrefix(p, "http"):
		return pick("http", "https")
	case p == "wss":
		return "wss"
	case p == "ws" || p == "websocket":
		return pick("ws", "wss")
	case p == "grpc" || p == "grpcs" || p == "thrift" || p == "kafka" || p == "amqp" || p == "amqps" || p == "nats" || p == "tcp" || p == "tls" || p == "mtls":
		return pick("binary", "binary-encrypted")
	case p == "postgres" || p == "postgresql" || p == "mysql" || p == "mariadb" || p == "mssql" || p == "sql" || p == "oracle" || p == "tds":
		return pick("sql-access-protocol", "sql-access-protocol-encrypted")
	case p == "jdbc":
		return pick("jdbc", "jdbc-encrypted")
	case p == "odbc":
		return pick("odbc", "odbc-encrypted")
	case p == "redis" || p == "mongodb" || p == "mongo" || p == "cassandra" || p == "cql" || p == "dynamodb" || p == "memcached" || p == "nosql":
		return pick("nosql-access-protocol", "nosql-access-protocol-encrypted")
	case p == "mqtt" || p == "ssh" || p == "sftp" || p == "scp" || p == "ftp" || p == "ftps" || p == "ldap" || p == "ldaps" || p == "jms" || p == "nfs" || p == "xmpp" || p == "nrpe":
		if p == "ldap" && enc {
			return "ldaps"
		}
		return p
	case p == "smtp" || p == "smtps":
		return pick("smtp", "smtp-encrypted")
	case p == "imap" || p == "imaps":
		return pick("imap", "imap-encrypted")
	case p == "pop3" || p == "pop3s":
		return pick("pop3", "pop3-encrypted")
	case p == "smb" || p == "cifs":
		return pick("smb", "smb-encrypted")
	case p == "inprocess" || p == "inproc" || p == "functioncall" || p == "library":
		return "in-process-library-call"
	case p == "ipc" || p == "unixsocket" || p == "sharedmemory" || p == "shm":
		return "inter-process-communication"
	case p == "local" || p == "localfile" || p == "localfileaccess" || p == "file":
		return "local-file-access"
	}
	return pick("unknown-protocol", "binary-encrypted")
}

// tgBoundaryType maps a boundary type to Threagile's trust boundary types.
func tgBoundaryType(b *ir.Boundary) string {
	switch b.Type {
	case "network", "physical":
		return "network-on-prem"
	case "network_segment":
		for p := b.Parent; p != nil; p = p.Parent {
			if p.Type == "cloud_account" || p.Type == "cloud_region" {
				return "network-cloud-security-group"
			}
		}
		return "network-virtual-lan"
	case "cloud_account", "cloud_region":
		return "network-cloud-provider"
	case "execution_environment", "container", "process":
		return "execution-environment"
	case "namespace":
		return "network-policy-namespace-isolation"
	case "organization":
		return "network-dedicated-hoster"
	}
	if b.Trust == "external" {
		return "network-dedicated-hoster"
	}
	if b.Trust == "control" {
		return "execution-environment"
	}
	return "network-on-prem"
}

// tgIDs makes Threagile ids (letters, digits and -, lower case: Threagile
// lower-cases the ids a trust boundary lists) out of tmc ids, unique
// within one kind.
type tgIDs struct {
	of   map[string]string
	used map[string]bool
}

var nonTGID = regexp.MustCompile(`[^a-z0-9]+`)

func (t *tgIDs) id(tmc string) string {
	if id, ok := t.of[tmc]; ok {
		return id
	}
	if t.of == nil {
		t.of, t.used = map[string]string{}, map[string]bool{}
	}
	base := strings.Trim(nonTGID.ReplaceAllString(strings.ToLower(tmc), "-"), "-")
	if base == "" {
		base = "x"
	}
	id := base
	for n := 2; t.used[id]; n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	t.of[tmc], t.used[id] = id, true
	return id
}

// titles makes map keys (Threagile's titles) unique within one map.
type titles map[string]bool

func (t titles) title(name, id string) string {
	s := name
	if s == "" {
		s = id
	}
	if t[s] {
		s = fmt.Sprintf("%s (%s)", s, id)
	}
	for n := 2; t[s]; n++ {
		s = fmt.Sprintf("%s (%s %d)", name, id, n)
	}
	t[s] = true
	return s
}

// untrusted reports whether an element sits in an untrusted zone (or in
// none): Threagile's `internet: true`.
func untrusted(e *ir.Element) bool {
	if e.Boundary == nil {
		return true
	}
	for b := e.Boundary; b != nil; b = b.Parent {
		if b.Trust == "untrusted" {
			return true
		}
	}
	return false
}

// Threagile writes m as a Threagile model (YAML, threagile_version 1.0.0):
// data as data assets, elements as technical assets with their flows as
// communication links, boundaries (except untrusted ones, which Threagile
// models as `internet: true`) as trust boundaries, runtimes as shared
// runtimes, declared threats as individual risk categories (in both the
// forms Threagile has read: tgCustomRiskCategory) with their risk
// tracking, controls as security requirements.
func Threagile(m *ir.Model) ([]byte, error) {
	var dataIDs, assetIDs, boundaryIDs, runtimeIDs, riskIDs tgIDs
	doc := tgModel{
		ThreagileVersion:    ThreagileVersion,
		Title:               nameOr(m.Name, "Threat model"),
		Date:                m.Reviewed,
		Author:              tgAuthor{Name: nameOr(m.Owner, "tmc")},
		BusinessCriticality: "important",
		BusinessOverview:    tgOverview{Description: m.Description},
		TechnicalOverview:   tgOverview{Description: "Exported by tmc export threagile from the tmc model."},
		TagsAvailable:       []string{},
		DataAssets:          map[string]*tgDataAsset{},
		TechnicalAssets:     map[string]*tgTechAsset{},
		TrustBoundaries:     map[string]*tgBoundary{},
		SharedRuntimes:      map[string]*tgRuntime{},
	}
	tags := map[string]bool{}
	addTag := func(list *[]string, t string) {
		*list = append(*list, t)
		tags[t] = true
	}
	// Business criticality: the highest criticality of an element, else
	// Threagile's middle value.
	best := 0
	for _, e := range m.Elements {
		if r := ir.Rating(e.Criticality); r > best {
			best = r
			doc.BusinessCriticality = tgRating(e.Criticality, "important")
		}
	}

	dt := titles{}
	for _, d := range m.Data {
		a := &tgDataAsset{ID: dataIDs.id(d.ID), Description: nameOr(d.Description, nameOr(d.Name, d.ID)),
			Usage: "business", Tags: []string{}, Owner: d.Owner, Quantity: "few",
			Confidentiality: tgConfidentiality[d.Classification],
			Integrity:       tgRating(d.Integrity, "operational"), Availability: tgRating(d.Availability, "operational"),
			JustificationCiaRating: "tmc classification " + d.Classification}
		if a.Confidentiality == "" {
			a.Confidentiality = "internal"
		}
		if d.PII {
			addTag(&a.Tags, "pii")
		}
		if d.Credentials {
			addTag(&a.Tags, "credentials")
		}
		if d.TenantScoped {
			addTag(&a.Tags, "tenant-scoped")
		}
		doc.DataAssets[dt.title(d.Name, d.ID)] = a
	}

	// Which elements become technical assets: all but a pure grouping
	// (an element with children and no flow, data or threat of its own),
	// whose name becomes a tag of its descendants.
	groups := groupings(m)
	grouping := func(e *ir.Element) bool { return groups[e] }
	var assets []*ir.Element
	for _, e := range m.Elements {
		if !grouping(e) {
			assets = append(assets, e)
			assetIDs.id(e.ID)
		}
	}
	linkIDs := map[*ir.Flow]string{}
	linkTitles := map[*ir.Element]titles{}
	received := map[*ir.Flow][]string{}
	for _, f := range m.Flows {
		if f.ResponseTo != nil {
			received[f.ResponseTo] = append(received[f.ResponseTo], tgDataIDs(&dataIDs, f.Carries)...)
		}
	}
	at := titles{}
	for _, e := range assets {
		a := &tgTechAsset{ID: assetIDs.id(e.ID), Description: tgElementDescription(e), Type: "process",
			Usage: "business", UsedAsClientByHuman: e.Kind == ir.Person, OutOfScope: e.OutOfScope != "",
			JustificationOutOfScope: e.OutOfScope, Size: "service", Technology: tgTechnology[e.Technology],
			Tags: []string{}, Internet: untrusted(e), Machine: e.Machine, Encryption: "none", Owner: e.Owner,
			Integrity: tgRating(e.Criticality, "operational"), Availability: tgRating(e.Criticality, "operational"),
			MultiTenant: e.MultiTenant, CustomDevelopedParts: e.CustomDeveloped,
			DataAssetsProcessed: tgDataIDs(&dataIDs, e.Processes), DataAssetsStored: tgDataIDs(&dataIDs, e.Stores),
			DataFormatsAccepted: []string{}, CommunicationLinks: map[string]*tgLink{}}
		switch {
		case e.Kind == ir.Person || e.External || e.Boundary != nil && e.Boundary.Trust == "external":
			a.Type = "external-entity"
		case e.Kind == ir.Database || e.Kind == ir.Cache || e.Kind == ir.Bucket:
			a.Type = "datastore"
		}
		switch e.Kind {
		case ir.System:
			a.Size = "system"
		case ir.Component, ir.Person:
			a.Size = "component"
		}
		if a.Technology == "" {
			a.Technology = tgKindTechnology[e.Kind]
		}
		if a.Technology == "" {
			a.Technology = "unknown-technology"
		}
		if a.Technology == "identity-store-database" && strings.Contains(strings.ToLower(e.Tech), "ldap") {
			a.Technology = "identity-store-ldap"
		}
		if a.Machine == "" {
			a.Machine = "virtual"
		}
		if e.EncryptedAtRest {
			a.Encryption = "transparent"
		}
		if controlPlane(e) {
			a.Usage = "devops"
		}
		a.Confidentiality = "internal"
		for _, d := range append(append([]*ir.Data{}, e.Stores...), e.Processes...) {
			if c := tgConfidentiality[d.Classification]; tgConfidentialityRank[c] > tgConfidentialityRank[a.Confidentiality] {
				a.Confidentiality = c
			}
		}
		a.JustificationCiaRating = "confidentiality from the data stored and processed here; integrity and availability from the element's criticality"
		for _, f := range e.Accepts {
			if t, ok := tgFormat[f]; ok {
				a.DataFormatsAccepted = append(a.DataFormatsAccepted, t)
			}
		}
		for p := e.Parent; p != nil; p = p.Parent {
			if grouping(p) {
				addTag(&a.Tags, assetTag(p))
			}
		}
		lt := titles{}
		linkTitles[e] = lt
		doc.TechnicalAssets[at.title(e.Name, e.ID)] = a
	}
	// Links, with the ids Threagile gives them (source>title-slug).
	byID := map[string]*tgTechAsset{}
	for _, a := range doc.TechnicalAssets {
		byID[a.ID] = a
	}
	for _, f := range m.Flows {
		if f.ResponseTo != nil {
			continue // its data is what the request receives
		}
		src := byID[assetIDs.id(f.From.ID)]
		if src == nil {
			continue
		}
		title := linkTitles[f.From].title(flowName(f), f.ID)
		l := &tgLink{Target: assetIDs.id(f.To.ID), Description: tgFlowDescription(f), Protocol: tgProtocol(f),
			Authentication: tgAuthentication[f.Authentication], Authorization: tgAuthorization[f.Authorization],
			Tags: []string{}, VPN: f.VPN, IPFiltered: f.IPFiltered, Readonly: f.Readonly, Usage: f.Usage,
			DataAssetsSent: tgDataIDs(&dataIDs, f.Carries), DataAssetsReceived: dedupe(received[f])}
		if l.Authentication == "" {
			l.Authentication = "none"
		}
		if l.Authorization == "" {
			l.Authorization = "none"
		}
		if l.Usage == "" {
			l.Usage = "business"
			if controlPlane(f.From) && controlPlane(f.To) {
				l.Usage = "devops"
			}
		}
		if len(f.Crossings) > 0 {
			addTag(&l.Tags, "crosses-trust-boundary")
		}
		src.CommunicationLinks[title] = l
		linkIDs[f] = src.ID + ">" + strings.Trim(nonTGID.ReplaceAllString(strings.ToLower(title), "-"), "- ")
	}

	bt := titles{}
	for _, b := range m.Boundaries {
		if b.Trust == "untrusted" {
			continue // Threagile's internet: true on its elements
		}
		tb := &tgBoundary{ID: boundaryIDs.id(b.ID), Description: tgBoundaryDescription(b), Type: tgBoundaryType(b),
			Tags: []string{}, TechnicalAssetsInside: []string{}, TrustBoundariesNested: []string{}}
		for _, e := range b.Elements {
			if !grouping(e) {
				tb.TechnicalAssetsInside = append(tb.TechnicalAssetsInside, assetIDs.id(e.ID))
			}
		}
		for _, c := range b.Children {
			if c.Trust != "untrusted" {
				tb.TrustBoundariesNested = append(tb.TrustBoundariesNested, boundaryIDs.id(c.ID))
			}
		}
		doc.TrustBoundaries[bt.title(b.Name, b.ID)] = tb
	}

	rt := titles{}
	for _, r := range m.Runtimes {
		sr := &tgRuntime{ID: runtimeIDs.id(r.ID), Description: nameOr(r.Description, nameOr(r.Name, r.ID)),
			Tags: []string{}, TechnicalAssetsRunning: []string{}}
		if r.Type != "" {
			sr.Description += " (tmc runtime type " + r.Type + ")"
		}
		for _, e := range r.Elements {
			if !grouping(e) {
				sr.TechnicalAssetsRunning = append(sr.TechnicalAssetsRunning, assetIDs.id(e.ID))
			}
		}
		doc.SharedRuntimes[rt.title(r.Name, r.ID)] = sr
	}

	if len(m.Threats) > 0 {
		doc.IndividualRiskCategories = map[string]*tgRiskCategory{}
		doc.RiskTracking = map[string]*tgTracking{}
	}
	ct := titles{}
	for _, t := range m.Threats {
		cat := &tgRiskCategory{ID: riskIDs.id(t.ID), Description: nameOr(t.Description, nameOr(t.Name, t.ID)),
			Impact: fmt.Sprintf("tmc impact %d of 5", t.Impact), Mitigation: mitigationText(t), Function: "architecture",
			STRIDE: "", Action: "Threat declared in the tmc model", Check: "See the tmc model",
			DetectionLogic: "Declared by hand in the tmc model", RiskAssessment: tgRiskAssessment(t),
			FalsePositives: "none: declared by hand", RisksIdentified: map[string]*tgRisk{}}
		if len(t.Stride) > 0 {
			cat.STRIDE = tgStride[t.Stride[0]]
			if len(t.Stride) > 1 {
				cat.Description += "\n\nSTRIDE: " + strings.Join(t.Stride, ", ")
			}
		}
		if cat.STRIDE == "" {
			cat.STRIDE = "tampering"
		}
		risk := &tgRisk{Severity: tgSeverity[t.Band], ExploitationLikelihood: tgLikelihood(t.Likelihood),
			ExploitationImpact: tgImpact(t.Impact), DataBreachProbability: "possible", DataBreachTechnicalAssets: []string{}}
		if risk.Severity == "" {
			risk.Severity = "medium"
		}
		target := ""
		switch {
		case t.Target.Flow != nil:
			if id, ok := linkIDs[t.Target.Flow]; ok {
				risk.MostRelevantCommunicationLink, target = id, id
			} else if rq := t.Target.Flow.ResponseTo; rq != nil && linkIDs[rq] != "" {
				risk.MostRelevantCommunicationLink, target = linkIDs[rq], linkIDs[rq]
			}
			risk.DataBreachTechnicalAssets = append(risk.DataBreachTechnicalAssets, assetIDs.id(t.Target.Flow.To.ID))
		case t.Target.Element != nil:
			target = assetIDs.id(t.Target.Element.ID)
			risk.MostRelevantTechnicalAsset = target
			risk.DataBreachTechnicalAssets = append(risk.DataBreachTechnicalAssets, target)
		case t.Target.Boundary != nil:
			if t.Target.Boundary.Trust != "untrusted" {
				target = boundaryIDs.id(t.Target.Boundary.ID)
				risk.MostRelevantTrustBoundary = target
			}
		}
		where := targetKey(t.Target)
		cat.RisksIdentified[fmt.Sprintf("%s at %s", nameOr(t.Name, t.ID), where)] = risk
		doc.IndividualRiskCategories[ct.title(t.Name, t.ID)] = cat
		if tr := tgTrackingOf(t, m.Reviewed); tr != nil {
			key := cat.ID
			if target != "" {
				key += "@" + target
			}
			doc.RiskTracking[key] = tr
		}
	}

	if len(m.Controls) > 0 {
		doc.SecurityRequirements = map[string]string{}
		st := titles{}
		for _, c := range m.Controls {
			doc.SecurityRequirements[st.title(c.Name, c.ID)] = tgControl(c)
		}
	}
	for title, cat := range doc.IndividualRiskCategories {
		doc.CustomRiskCategories = append(doc.CustomRiskCategories, tgCustomRiskCategory{Title: title, tgRiskCategory: *cat})
	}
	sort.Slice(doc.CustomRiskCategories, func(i, j int) bool {
		return doc.CustomRiskCategories[i].Title < doc.CustomRiskCategories[j].Title
	})
	for t := range tags {
		doc.TagsAvailable = append(doc.TagsAvailable, t)
	}
	sort.Strings(doc.TagsAvailable)

	var buf bytes.Buffer
	buf.WriteString("# Threagile model exported by tmc export threagile. Regenerate it rather than edit it:\n# the tmc model is the source.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// assetTag is the tag a grouping element gives its descendants.
func assetTag(e *ir.Element) string {
	return strings.Trim(nonTGID.ReplaceAllString(strings.ToLower(e.ID), "-"), "-")
}

// controlPlane reports whether an element is part of the control plane:
// flagged so, or in a zone of trust control.
func controlPlane(e *ir.Element) bool {
	for x := e; x != nil; x = x.Parent {
		if x.ControlPlane {
			return true
		}
	}
	for b := e.Boundary; b != nil; b = b.Parent {
		if b.Trust == "control" {
			return true
		}
	}
	return false
}

func tgDataIDs(ids *tgIDs, ds []*ir.Data) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, ids.id(d.ID))
	}
	return dedupe(out)
}

func dedupe(xs []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func tgLikelihood(l int) string {
	switch {
	case l >= 5:
		return "frequent"
	case l == 4:
		return "very-likely"
	case l == 3:
		return "likely"
	}
	return "unlikely"
}

func tgImpact(i int) string {
	switch {
	case i >= 5:
		return "very-high"
	case i == 4:
		return "high"
	case i == 3:
		return "medium"
	}
	return "low"
}

func tgRiskAssessment(t *ir.Threat) string {
	if t.Score == 0 {
		return "not rated in the tmc model; status " + t.Status
	}
	return fmt.Sprintf("tmc: impact %d, likelihood %d, score %d (%s); status %s", t.Impact, t.Likelihood, t.Score, t.Band, t.Status)
}

// tgTrackingOf is the risk tracking of a threat that is not open, or
// open with a control on the way.
func tgTrackingOf(t *ir.Threat, date string) *tgTracking {
	tr := &tgTracking{Ticket: "", CheckedBy: t.Owner}
	if date != "" {
		tr.Date = ptr(date)
	}
	switch t.Status {
	case ir.Mitigated:
		tr.Status = "mitigated"
		tr.Justification = "mitigated by " + strings.Join(controlNames(t), ", ")
	case ir.Accepted:
		tr.Status = "accepted"
		if a := t.Acceptance; a != nil {
			tr.Justification = fmt.Sprintf("%s (until %s)", a.Reason, a.Until)
			tr.CheckedBy = a.By
		}
	case ir.Transferred:
		tr.Status = "accepted"
		tr.Justification = "transferred: " + t.Transferred
	default:
		if len(t.MitigatedBy) == 0 {
			return nil
		}
		tr.Status = "in-progress"
		tr.Justification = "controls not yet in place: " + strings.Join(controlNames(t), ", ")
	}
	return tr
}

func tgControl(c *ir.Control) string {
	s := "tmc control " + c.ID + ": " + c.Status
	if c.Owner != "" {
		s += ", owner " + c.Owner
	}
	if len(c.Mitigates) > 0 {
		var ids []string
		for _, t := range c.Mitigates {
			ids = append(ids, t.ID)
		}
		s += "; mitigates " + strings.Join(ids, ", ")
	}
	if ts := refPaths(c.Tests); len(ts) > 0 {
		s += "; tests " + strings.Join(ts, ", ")
	}
	if ev := refPaths(c.Evidence); len(ev) > 0 {
		s += "; evidence " + strings.Join(ev, ", ")
	}
	if c.Description != "" {
		s += ". " + c.Description
	}
	return s
}

func tgElementDescription(e *ir.Element) string {
	parts := []string{}
	if e.Description != "" {
		parts = append(parts, strings.TrimRight(e.Description, "\n"))
	}
	facts := "tmc " + e.Kind + " " + e.ID
	if e.Tech != "" {
		facts += "; tech " + e.Tech
	}
	if e.Exposure != "" {
		facts += "; exposure " + e.Exposure
	}
	if e.Tenancy != "" {
		facts += "; tenancy " + e.Tenancy
	}
	if len(e.Safeguards) > 0 {
		facts += "; safeguards " + strings.Join(e.Safeguards, ", ")
	}
	return strings.Join(append(parts, facts), "\n\n")
}

func tgFlowDescription(f *ir.Flow) string {
	parts := []string{}
	if f.Description != "" {
		parts = append(parts, strings.TrimRight(f.Description, "\n"))
	}
	facts := "tmc flow " + f.ID
	if f.Label != "" {
		facts += " \"" + f.Label + "\""
	}
	if f.Protocol != "" {
		facts += "; protocol " + f.Protocol
	}
	if f.Auth != "" {
		facts += "; auth " + f.Auth
	}
	if len(f.Safeguards) > 0 {
		facts += "; safeguards " + strings.Join(f.Safeguards, ", ")
	}
	if len(f.Crossings) > 0 {
		facts += "; crossings: " + crossingText(f)
	}
	return strings.Join(append(parts, facts), "\n\n")
}

func tgBoundaryDescription(b *ir.Boundary) string {
	facts := "tmc boundary " + b.ID + "; trust " + b.Trust
	if b.Type != "" {
		facts += "; type " + b.Type
	}
	if b.Owner != "" {
		facts += "; owner " + b.Owner
	}
	if b.Description == "" {
		return facts
	}
	return strings.TrimRight(b.Description, "\n") + "\n\n" + facts
}
