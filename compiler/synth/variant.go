package synth

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

var (
	systemRe  = regexp.MustCompile(`(?m)^system (\S+) `)
	flowEndRe = regexp.MustCompile(`(?m)^flow (?:\S+: )?(\S+) -> (\S+) `)
	crossesRe = regexp.MustCompile(`(?m)^(  crosses [^"]*)"[^"]*"`)
)

// Variant returns a copy of a generated model with about one change in a
// hundred, as a later revision of it: one system file in six gains a
// container and an unmarked flow into it (new elements, flows and
// crossings, and the findings that come with them), one crosses reason in
// a hundred is reworded and one implemented control in fifty becomes
// planned (threats reopen). files is not modified; the result depends only
// on files.
func Variant(files map[string][]byte) map[string][]byte {
	out := make(map[string][]byte, len(files))
	var systems []string
	for name, data := range files {
		out[name] = data
		if strings.HasSuffix(name, ".tm") && strings.HasPrefix(name, "systems/") {
			systems = append(systems, name)
		}
	}
	sort.Strings(systems)
	crosses, status := 0, 0
	for i, name := range systems {
		s := string(out[name])
		s = crossesRe.ReplaceAllStringFunc(s, func(m string) string {
			crosses++
			if crosses%100 != 0 {
				return m
			}
			return crossesRe.ReplaceAllString(m, `$1"reworded: mTLS with workload identity, reviewed"`)
		})
		s = replaceEvery(s, "status implemented", "status planned", 50, &status)
		sys := systemRe.FindStringSubmatch(s)
		end := flowEndRe.FindStringSubmatch(s)
		if i%6 == 0 && sys != nil && end != nil {
			s += fmt.Sprintf("\nextend %s {\n  container audit \"Audit log\" { tech \"Loki\" }\n}\n"+
				"flow audit_%s: %s -> %s.audit \"Ship audit events\" { protocol https }\n", sys[1], sys[1], end[2], sys[1])
		}
		out[name] = []byte(s)
	}
	return out
}

// replaceEvery replaces every nth occurrence of old (counting across calls
// in *count) with new.
func replaceEvery(s, old, new string, n int, count *int) string {
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		*count++
		b.WriteString(s[:i])
		if *count%n == 0 {
			b.WriteString(new)
		} else {
			b.WriteString(old)
		}
		s = s[i+len(old):]
	}
}
