package dsl

import (
	"slices"
	"strings"
)

// A block kind names the statements allowed inside one kind of block, with
// the usage shown when a statement is malformed.
type blockKind struct {
	name  string
	forms map[string]string // keyword -> usage
}

// synonyms are the words other threat-modeling and architecture tools
// (Structurizr, Threagile, pytm, Threat Dragon, OWASP's templates) use for
// one of our keywords, by block: a word too far from the keyword for
// Suggest gets the keyword suggested all the same.
var synonyms = map[*blockKind]map[string]string{
	topLevel: {
		"actor": "person", "user": "person", "service": "container", "microservice": "container",
		"datastore": "database", "data_store": "database", "db": "database", "store": "database",
		"topic": "queue", "stream": "queue", "trust_boundary": "boundary", "zone": "boundary",
		"dataflow": "flow", "data_flow": "flow", "mitigation": "control", "adr": "decision",
		"diagram": "view", "asset": "data", "data_asset": "data",
		"shared_runtime": "runtime", "host": "runtime", "node_pool": "runtime",
		"suppress": "dismiss", "ignore": "dismiss", "false_positive": "dismiss", "waive": "dismiss",
	},
	boundaryBlock: {"trust_level": "trust", "level": "trust", "trustlevel": "trust", "kind": "type"},
	runtimeBlock:  {"kind": "type", "team": "owner"},
	elementBlock: {
		"technologies": "technology", "encrypted": "encrypted_at_rest", "encryption": "encrypted_at_rest",
		"public": "exposure", "internet_facing": "exposure", "internet": "exposure", "tenant": "tenancy",
		"multitenant": "multi_tenant", "admin": "admin_interface", "logs": "writes_logs", "logging": "writes_logs",
		"controls": "safeguards", "mitigations": "safeguards", "team": "owner",
	},
	dataBlock: {
		"sensitivity": "classification", "confidentiality": "classification", "personal": "pii",
		"personal_data": "pii", "secrets": "credentials", "tenant": "tenant_scoped", "team": "owner",
		"confidentiality_rating": "classification",
	},
	flowBlock: {
		"data": "carries", "data_assets": "carries", "payload": "carries", "authn": "authentication", "authz": "authorization",
		"read_only": "readonly", "reply_to": "response_to", "response": "response_to", "ip_allow_list": "ip_filtered",
		"trust": "crosses", "boundary": "crosses", "idempotent": "idempotency_key", "controls": "safeguards",
		"technology": "protocol", "tech": "protocol",
	},
	threatBlock: {
		"category": "stride", "categories": "stride", "severity": "impact", "probability": "likelihood",
		"mitigation": "mitigated_by", "mitigations": "mitigated_by", "mitigated": "mitigated_by", "controls": "mitigated_by",
		"target": "on", "targets": "on", "finding": "claims", "accept": "accepted", "team": "owner",
	},
	controlBlock: {"state": "status", "tests": "test", "proof": "evidence", "team": "owner",
		"provide": "provides", "safeguards": "provides", "implements": "provides", "mitigates": "provides"},
	decisionBlock: {"adr": "file", "path": "file", "elements": "affects", "state": "status"},
	acceptBlock:   {"why": "reason", "expires": "until", "expiry": "until", "team": "owner"},
	dismissBlock:  {"why": "reason", "owner": "reviewer", "by": "reviewer", "reviewed_by": "reviewer", "approver": "reviewer"},
}

// suggest returns the keyword other tools name word, or the keyword of
// the block closest to word (an edit or two away), or "". A synonym comes
// first: it is a deliberate answer (authz means authorization, not auth).
func (b *blockKind) suggest(word string) string {
	if s := synonyms[b][strings.ToLower(word)]; s != "" {
		return s
	}
	return Suggest(word, b.keywords())
}

// Keywords returns the statement keywords of a block kind, for docs and
// suggestions.
func (b *blockKind) keywords() []string {
	out := make([]string, 0, len(b.forms))
	for k := range b.forms {
		out = append(out, k)
	}
	return out
}

var elementForms = map[string]string{
	"person": `person ID "Name" [in BOUNDARY] { ... }`, "system": `system ID "Name" [in BOUNDARY] { ... }`,
	"container": `container ID "Name" [in BOUNDARY] { ... }`, "component": `component ID "Name" [in BOUNDARY] { ... }`,
	"database": `database ID "Name" [in BOUNDARY] { ... }`, "cache": `cache ID "Name" [in BOUNDARY] { ... }`,
	"queue": `queue ID "Name" [in BOUNDARY] { ... }`, "bucket": `bucket ID "Name" [in BOUNDARY] { ... }`,
}

func with(base map[string]string, more map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

var (
	topLevel = &blockKind{"top-level", with(elementForms, map[string]string{
		"model":    `model "Name" { owner "TEAM" reviewed YYYY-MM-DD description "TEXT" }`,
		"boundary": `boundary ID "Name" [in PARENT] { trust LEVEL }`,
		"extend":   `extend ELEMENT { ... }`,
		"data":     `data ID "Name" { classification LEVEL }`,
		"flow":     `flow [ID:] FROM -> TO "label" { ... }`,
		"sequence": `sequence ID "Title" { FROM -> TO "message" }`,
		"threat":   `threat ID "Title" { stride CATEGORY on TARGET impact N likelihood N }`,
		"control":  `control ID "Title" { status STATUS owner "TEAM" }`,
		"decision": `decision ID "Title" { status STATUS file "PATH" }`,
		"view":     `view ID "Title" { dfd include PATTERN }`,
		"accept":   `accept "RULE@TARGET" { reason "TEXT" owner "TEAM" until YYYY-MM-DD }`,
		"runtime":  `runtime ID "Name" { type host|node_pool|cluster|cloud_account|serverless_platform }`,
		"dismiss":  `dismiss "RULE@TARGET" { reason "TEXT" reviewer "NAME" }`,
	})}
	modelBlock = &blockKind{"model", map[string]string{
		"owner": `owner "TEAM"`, "reviewed": `reviewed YYYY-MM-DD`, "description": `description "TEXT"`,
	}}
	boundaryBlock = &blockKind{"boundary", map[string]string{
		"boundary": `boundary ID "Name" { trust LEVEL }`, "trust": `trust untrusted|low|medium|high|external|control`,
		"description": `description "TEXT"`, "owner": `owner "TEAM"`,
		"type": `type network|network_segment|execution_environment|cloud_account|cloud_region|container|process|physical`,
	}}
	runtimeBlock = &blockKind{"runtime", map[string]string{
		"type":        `type host|node_pool|cluster|cloud_account|serverless_platform`,
		"description": `description "TEXT"`, "owner": `owner "TEAM"`,
	}}
	elementBlock = &blockKind{"element", with(elementForms, map[string]string{
		"description": `description "TEXT"`, "tech": `tech "TEXT"`, "owner": `owner "TEAM"`,
		"exposure": `exposure public|internal|private`, "tenancy": `tenancy single|shared|row_level|schema|database`,
		"encrypted_at_rest": `encrypted_at_rest`, "external": `external`,
		"safeguards":      `safeguards NAME[, NAME...]`,
		"admin_interface": `admin_interface`, "multi_tenant": `multi_tenant`, "control_plane": `control_plane`, "writes_logs": `writes_logs`,
		"technology": `technology KIND (web_server, api, database, ...; see docs/language.md); a free label is tech "TEXT"`,
		"stores":     `stores DATA[, DATA...]`, "processes": `processes DATA[, DATA...]`,
		"accepts":          `accepts FORMAT[, FORMAT...] (json, xml, yaml, serialized_objects, files, ...)`,
		"custom_developed": `custom_developed`, "out_of_scope": `out_of_scope "why"`, "runs_on": `runs_on RUNTIME`,
		"criticality": `criticality archive|operational|important|critical|mission_critical`,
		"machine":     `machine physical|virtual|container|serverless`,
	})}
	dataBlock = &blockKind{"data", map[string]string{
		"classification": `classification public|internal|confidential|restricted|secret`,
		"pii":            `pii`, "credentials": `credentials`, "tenant_scoped": `tenant_scoped`,
		"integrity":    `integrity archive|operational|important|critical|mission_critical`,
		"availability": `availability archive|operational|important|critical|mission_critical`,
		"description":  `description "TEXT"`, "owner": `owner "TEAM"`,
	}}
	flowBlock = &blockKind{"flow", map[string]string{
		"protocol": `protocol NAME`, "carries": `carries DATA[, DATA...]`, "auth": `auth NAME`,
		"crosses":         `crosses BOUNDARY[, BOUNDARY...] "how trust is established"`,
		"idempotency_key": `idempotency_key`, "description": `description "TEXT"`,
		"safeguards":     `safeguards NAME[, NAME...]`,
		"authentication": `authentication none|credentials|session|token|client_certificate|mtls|two_factor|externalized`,
		"authorization":  `authorization none|technical_user|end_user_identity`,
		"readonly":       `readonly`, "response_to": `response_to FLOW`, "vpn": `vpn`, "ip_filtered": `ip_filtered`,
		"usage": `usage business|devops`,
	}}
	sequenceBlock = &blockKind{"sequence", map[string]string{
		"note": `note over ELEMENT[, ELEMENT...] "text"`, "alt": `alt "label" { ... } else "label" { ... }`,
		"else": `else "label" { ... } (after an alt block)`, "and": `and "label" { ... } (after a par block)`,
		"opt": `opt "label" { ... }`, "loop": `loop "label" { ... }`, "par": `par "label" { ... } and { ... }`,
		"description": `description "TEXT"`,
	}}
	threatBlock = &blockKind{"threat", map[string]string{
		"stride": `stride CATEGORY[, CATEGORY...]`, "on": `on FLOW|ELEMENT|BOUNDARY or on FROM -> TO`,
		"impact": `impact 1-5`, "likelihood": `likelihood 1-5`, "mitigated_by": `mitigated_by CONTROL[, CONTROL...]`,
		"accepted":    `accepted "reason" by "owner" until YYYY-MM-DD`,
		"transferred": `transferred "to whom, and how"`, "owner": `owner "TEAM"`, "description": `description "TEXT"`,
		"claims": `claims "RULE@TARGET"[, "RULE@TARGET"...]`,
	}}
	acceptBlock = &blockKind{"accept", map[string]string{
		"reason": `reason "TEXT"`, "owner": `owner "TEAM"`, "until": `until YYYY-MM-DD`,
	}}
	controlBlock = &blockKind{"control", map[string]string{
		"status": `status proposed|planned|implemented|verified`, "owner": `owner "TEAM"`,
		"test": `test "path/to/test_file[:TestName]"`, "evidence": `evidence "path/to/evidence"`, "description": `description "TEXT"`,
		"provides": `provides SAFEGUARD[, SAFEGUARD...] on FLOW|ELEMENT|FROM -> TO[, ...]`,
	}}
	dismissBlock = &blockKind{"dismiss", map[string]string{
		"reason": `reason "TEXT"`, "reviewer": `reviewer "NAME"`,
	}}
	decisionBlock = &blockKind{"decision", map[string]string{
		"status": `status proposed|accepted|rejected|deprecated|superseded`, "file": `file "docs/adr/NNNN-title.md"`,
		"affects": `affects ELEMENT[, ELEMENT...]`, "description": `description "TEXT"`,
	}}
	viewBlock = &blockKind{"view", map[string]string{
		"dfd": `dfd`, "context": `context`, "container": `container of SYSTEM`, "component": `component of CONTAINER`,
		"include": `include PATTERN[, PATTERN...]`, "exclude": `exclude PATTERN[, PATTERN...]`, "description": `description "TEXT"`,
		"crossing": `crossing BOUNDARY[, BOUNDARY...]`, "unmarked": `unmarked`, "carries": `carries DATA[, DATA...]`,
		"around": `around ELEMENT [DEPTH]`,
	}}
)

// blocks are the block kinds by name, for Keywords.
var blocks = map[string]*blockKind{
	"top-level": topLevel, "model": modelBlock, "boundary": boundaryBlock, "runtime": runtimeBlock,
	"element": elementBlock, "data": dataBlock, "flow": flowBlock, "sequence": sequenceBlock,
	"threat": threatBlock, "accept": acceptBlock, "control": controlBlock, "dismiss": dismissBlock,
	"decision": decisionBlock, "view": viewBlock,
}

// innerWords are the keywords that stand inside a statement rather than
// start one: boundary in PARENT, note over A, container of S, accepted
// ... by ... until, provides ... on, alt { } else { }, par { } and { }.
var innerWords = []string{"in", "over", "of", "by", "until", "on", "else", "and"}

// Keywords returns the sorted keywords that start a statement in a block:
// "top-level", "model", "boundary", "runtime", "element" (and extend),
// "data", "flow", "sequence", "threat", "accept", "control", "dismiss",
// "decision" or "view". Unknown blocks have none.
func Keywords(block string) []string {
	b := blocks[block]
	if b == nil {
		return nil
	}
	out := b.keywords()
	slices.Sort(out) // sort for determinism: map order is random
	return out
}

// Usage returns the form of a statement keyword in a block, as diagnostics
// show it (`trust untrusted|low|...`), or "".
func Usage(block, keyword string) string {
	if b := blocks[block]; b != nil {
		return b.forms[keyword]
	}
	return ""
}

// AllKeywords returns every keyword of the language, sorted and without
// duplicates: statement keywords of every block and the words inside
// statements (in, over, of, by, until, on, else, and).
func AllKeywords() []string {
	seen := map[string]bool{}
	var out []string
	add := func(w string) {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	for _, b := range blocks {
		for k := range b.forms {
			add(k)
		}
	}
	for _, w := range innerWords {
		add(w)
	}
	slices.Sort(out) // sort for determinism: map order is random
	return out
}
