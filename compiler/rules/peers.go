package rules

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// The peer tools' threat classes that docs/rules.md maps to tmc's rules:
// Threagile's risk categories, and the pytm classes that matter for
// backends. A rule names the ones it covers in its Peers.
var (
	threagileCategories = []string{
		"accidental-secret-leak", "code-backdooring", "container-baseimage-backdooring",
		"container-platform-escape", "cross-site-request-forgery", "cross-site-scripting",
		"dos-risky-access-across-trust-boundary", "incomplete-model", "ldap-injection",
		"missing-authentication", "missing-authentication-second-factor", "missing-build-infrastructure",
		"missing-cloud-hardening", "missing-file-validation", "missing-hardening",
		"missing-identity-propagation", "missing-identity-provider-isolation", "missing-identity-store",
		"missing-network-segmentation", "missing-vault", "missing-vault-isolation", "missing-waf",
		"mixed-targets-on-shared-runtime", "path-traversal", "push-instead-of-pull-deployment",
		"search-query-injection", "server-side-request-forgery", "service-registry-poisoning",
		"sql-nosql-injection", "unchecked-deployment", "unencrypted-asset", "unencrypted-communication",
		"unguarded-access-from-internet", "unguarded-direct-datastore-access", "unnecessary-communication-link",
		"unnecessary-data-asset", "unnecessary-data-transfer", "untrusted-deserialization",
		"wrong-communication-link-content", "wrong-trust-boundary-content", "xml-external-entity",
	}
	pytmClasses = []string{
		"command injection", "template injection", "prompt injection", "insecure output handling",
		"sensitive data to a model provider", "excessive agency",
	}
)

// peerNotes says, for a peer class, why tmc differs from the peer on
// purpose (or what covers it instead of a rule of its own). Rule files
// add theirs with var _ = peerNote(...).
var peerNotes = map[string]string{}

// peerNote records why tmc differs from a peer on a class, as
// "threagile:CATEGORY" or "pytm:CLASS"; it returns true for var _ = ....
func peerNote(class, why string) bool {
	peerNotes[class] = why
	return true
}

// peerTables writes the tables "peer class -> tmc rule" of docs/rules.md.
func peerTables(b *bytes.Buffer) {
	table := func(title, prefix string, classes []string) {
		byClass := map[string][]string{}
		for _, r := range All {
			for _, p := range r.Peers {
				if c, ok := strings.CutPrefix(p, prefix); ok {
					byClass[c] = append(byClass[c], fmt.Sprintf("[%s](#%s)", r.ID, strings.ToLower(r.ID)))
				}
			}
		}
		fmt.Fprintf(b, "\n%s\n\n| class | tmc rule | note |\n|---|---|---|\n", title)
		sorted := append([]string{}, classes...)
		sort.Strings(sorted)
		for _, c := range sorted {
			rs := strings.Join(byClass[c], ", ")
			if rs == "" {
				rs = "none"
			}
			fmt.Fprintf(b, "| %s | %s | %s |\n", c, rs, peerNotes[prefix+c])
		}
	}
	b.WriteString("\n## Peer tools\n\nThe threat classes of Threagile and pytm, and the tmc rules that find them;\nthe note says why tmc differs on purpose where it does.\n")
	table("### Threagile category → tmc rule", "threagile:", threagileCategories)
	table("### pytm class → tmc rule", "pytm:", pytmClasses)
}

// A Safeguard is a word of the safeguards vocabulary that a rule file
// adds (the compiler's own list holds the first ones), with its meaning
// for docs/rules.md.
type Safeguard struct{ Name, Meaning string }

var extraSafeguards []Safeguard

// safeguard adds a word to the safeguards vocabulary; it returns true,
// for var _ = safeguard(...).
func safeguard(name, meaning string) bool {
	extraSafeguards = append(extraSafeguards, Safeguard{name, meaning})
	return true
}

// ExtraSafeguards returns the safeguard words the rule files add, sorted
// by name: the compiler accepts them beside its own.
func ExtraSafeguards() []Safeguard {
	out := append([]Safeguard{}, extraSafeguards...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// safeguardTable writes the safeguards the rule files add, for
// docs/rules.md.
func safeguardTable(b *bytes.Buffer) {
	sg := ExtraSafeguards()
	if len(sg) == 0 {
		return
	}
	b.WriteString("\n## Safeguards the rules add\n\nBeside the safeguards of [language.md](language.md#safeguards), the rules\nread these; `safeguards NAME` accepts them the same way.\n\n| safeguard | meaning |\n|---|---|\n")
	for _, s := range sg {
		fmt.Fprintf(b, "| `%s` | %s |\n", s.Name, s.Meaning)
	}
}
