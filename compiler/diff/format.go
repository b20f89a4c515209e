package diff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// JSON writes r as one JSON document, schema tmc/diff/v1; lists are never
// null.
func JSON(w io.Writer, r *Result) error {
	c := *r
	c.Schema = Schema
	for _, s := range []*Set{&c.Elements, &c.Boundaries, &c.Flows} {
		s.Added, s.Removed = nonNil(s.Added), nonNil(s.Removed)
	}
	if c.CrossingsAdded == nil {
		c.CrossingsAdded = []Crossing{}
	}
	if c.CrossingsRemoved == nil {
		c.CrossingsRemoved = []Crossing{}
	}
	if c.ReasonsChanged == nil {
		c.ReasonsChanged = []ReasonChange{}
	}
	for _, l := range []*[]Change{&c.Threats, &c.Findings, &c.Controls} {
		if *l == nil {
			*l = []Change{}
		}
	}
	if c.Acceptances == nil {
		c.Acceptances = []Acceptance{}
	}
	if c.DecisionsAdded == nil {
		c.DecisionsAdded = []Decision{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Text writes r for people:
//
//	tmc diff: HEAD~1 -> HEAD
//	flows: +1
//	  + refund
//	crossings: +2
//	  + refund: leave vendor (unmarked; no decision)
//	...
func Text(w io.Writer, r *Result) error {
	var b strings.Builder
	if r.Old != "" || r.New != "" {
		fmt.Fprintf(&b, "tmc diff: %s -> %s\n", r.Old, r.New)
	}
	if r.Empty() {
		b.WriteString("no change in threat terms\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	set := func(name string, s Set) {
		if len(s.Added)+len(s.Removed) == 0 {
			return
		}
		fmt.Fprintf(&b, "%s: %s\n", name, counts(len(s.Added), len(s.Removed), 0))
		for _, id := range s.Added {
			fmt.Fprintf(&b, "  + %s\n", id)
		}
		for _, id := range s.Removed {
			fmt.Fprintf(&b, "  - %s\n", id)
		}
	}
	set("elements", r.Elements)
	set("boundaries", r.Boundaries)
	set("flows", r.Flows)
	if n, m := len(r.CrossingsAdded), len(r.CrossingsRemoved); n+m > 0 {
		fmt.Fprintf(&b, "crossings: %s\n", counts(n, m, 0))
		for _, c := range r.CrossingsAdded {
			fmt.Fprintf(&b, "  + %s\n", crossingText(c, true))
		}
		for _, c := range r.CrossingsRemoved {
			fmt.Fprintf(&b, "  - %s\n", crossingText(c, false))
		}
	}
	if len(r.ReasonsChanged) > 0 {
		fmt.Fprintf(&b, "crossing reasons: ~%d\n", len(r.ReasonsChanged))
		for _, c := range r.ReasonsChanged {
			fmt.Fprintf(&b, "  ~ %s: %s %s: %s -> %s\n", c.Flow, c.Direction, c.Boundary, reason(c.Old), reason(c.New))
		}
	}
	changes := func(name string, cs []Change) {
		if len(cs) == 0 {
			return
		}
		fmt.Fprintf(&b, "%s: %s\n", name, kindCounts(len(cs), func(i int) string { return cs[i].Kind }))
		for _, c := range cs {
			fmt.Fprintf(&b, "  %s %s\n", sign(c.Kind), changeText(c))
		}
	}
	changes("threats", r.Threats)
	changes("findings", r.Findings)
	changes("controls", r.Controls)
	if len(r.Acceptances) > 0 {
		fmt.Fprintf(&b, "acceptances: %s\n", kindCounts(len(r.Acceptances), func(i int) string { return r.Acceptances[i].Kind }))
		for _, x := range r.Acceptances {
			fmt.Fprintf(&b, "  %s %s\n", sign(x.Kind), acceptanceText(x))
		}
	}
	if len(r.DecisionsAdded) > 0 {
		fmt.Fprintf(&b, "decisions: +%d\n", len(r.DecisionsAdded))
		for _, d := range r.DecisionsAdded {
			fmt.Fprintf(&b, "  + %s (affects %s)\n", d.ID, strings.Join(d.Affects, ", "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// kindCounts is counts of n changes whose kinds kind gives.
func kindCounts(n int, kind func(i int) string) string {
	var a, rm, ch int
	for i := 0; i < n; i++ {
		switch kind(i) {
		case Added:
			a++
		case Removed:
			rm++
		default:
			ch++
		}
	}
	return counts(a, rm, ch)
}

func counts(added, removed, changed int) string {
	var parts []string
	if added > 0 {
		parts = append(parts, fmt.Sprintf("+%d", added))
	}
	if removed > 0 {
		parts = append(parts, fmt.Sprintf("-%d", removed))
	}
	if changed > 0 {
		parts = append(parts, fmt.Sprintf("~%d", changed))
	}
	return strings.Join(parts, " ")
}

func sign(kind string) string {
	switch kind {
	case Added:
		return "+"
	case Removed:
		return "-"
	}
	return "~"
}

func reason(s string) string {
	if s == "" {
		return "(unmarked)"
	}
	return fmt.Sprintf("%q", s)
}

func crossingText(c Crossing, added bool) string {
	s := fmt.Sprintf("%s (%s -> %s): %s %s, %s", c.Flow, c.From, c.To, c.Direction, c.Boundary, reason(c.Reason))
	if added {
		if len(c.Decisions) == 0 {
			s += "; no decision"
		} else {
			s += "; decision " + strings.Join(c.Decisions, ", ")
		}
	}
	return s
}

func changeText(c Change) string {
	s := c.ID
	if c.Target != "" && !strings.HasSuffix(c.ID, "@"+c.Target) {
		s += " on " + c.Target
	}
	switch c.Kind {
	case Added:
		return s + ": " + join(c.NewStatus, c.NewBand)
	case Removed:
		return s + ": was " + join(c.OldStatus, c.OldBand)
	}
	var parts []string
	if c.OldStatus != c.NewStatus {
		parts = append(parts, fmt.Sprintf("status %s -> %s", orNone(c.OldStatus), orNone(c.NewStatus)))
	}
	if c.OldBand != c.NewBand {
		parts = append(parts, fmt.Sprintf("band %s -> %s", orNone(c.OldBand), orNone(c.NewBand)))
	}
	return s + ": " + strings.Join(parts, ", ")
}

// acceptanceText is one acceptance change:
//
//	TMR-S03@* (2 findings): by "edge" until 2027-06-30: the proxy verifies signatures
func acceptanceText(a Acceptance) string {
	n := "findings"
	if a.Findings == 1 {
		n = "finding"
	}
	until := a.Until
	if a.OldUntil != "" {
		until = a.OldUntil + " -> " + a.Until
	}
	s := fmt.Sprintf("%s (%d %s): by %q until %s: %s", a.Accept, a.Findings, n, a.Owner, until, a.Reason)
	if a.Kind == Removed {
		s = "was " + s
	}
	return s
}

func join(status, band string) string {
	if band == "" {
		return status
	}
	return status + ", " + band
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Markdown writes r as a pull-request comment.
func Markdown(w io.Writer, r *Result) error {
	var b strings.Builder
	b.WriteString("## Threat model changes")
	if r.Old != "" || r.New != "" {
		fmt.Fprintf(&b, ": %s → %s", code(r.Old), code(r.New))
	}
	b.WriteString("\n\n")
	if r.Empty() {
		b.WriteString("No change in threat terms.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	if un := r.Unrecorded(); len(un) > 0 {
		fmt.Fprintf(&b, "> [!WARNING]\n> %d new boundary crossing(s) with no security decision added in this change.\n\n", len(un))
	}
	set := func(name string, s Set) {
		if len(s.Added)+len(s.Removed) == 0 {
			return
		}
		fmt.Fprintf(&b, "**%s** (%s)\n\n", name, counts(len(s.Added), len(s.Removed), 0))
		for _, id := range s.Added {
			fmt.Fprintf(&b, "- ➕ %s\n", code(id))
		}
		for _, id := range s.Removed {
			fmt.Fprintf(&b, "- ➖ %s\n", code(id))
		}
		b.WriteString("\n")
	}
	set("Elements", r.Elements)
	set("Boundaries", r.Boundaries)
	set("Flows", r.Flows)
	if n, m := len(r.CrossingsAdded), len(r.CrossingsRemoved); n+m > 0 {
		fmt.Fprintf(&b, "**Boundary crossings** (%s)\n\n| | flow | boundary | reason | decision |\n| --- | --- | --- | --- | --- |\n", counts(n, m, 0))
		row := func(s string, c Crossing, added bool) {
			dec := ""
			if added {
				dec = "⚠️ none"
				if len(c.Decisions) > 0 {
					dec = code(strings.Join(c.Decisions, ", "))
				}
			}
			fmt.Fprintf(&b, "| %s | %s (%s → %s) | %s %s | %s | %s |\n", s, code(c.Flow), code(c.From), code(c.To), c.Direction, code(c.Boundary), cell(reason(c.Reason)), dec)
		}
		for _, c := range r.CrossingsAdded {
			row("➕", c, true)
		}
		for _, c := range r.CrossingsRemoved {
			row("➖", c, false)
		}
		b.WriteString("\n")
	}
	if len(r.ReasonsChanged) > 0 {
		fmt.Fprintf(&b, "**Changed crossing reasons** (~%d)\n\n| flow | boundary | old | new |\n| --- | --- | --- | --- |\n", len(r.ReasonsChanged))
		for _, c := range r.ReasonsChanged {
			fmt.Fprintf(&b, "| %s | %s %s | %s | %s |\n", code(c.Flow), c.Direction, code(c.Boundary), cell(reason(c.Old)), cell(reason(c.New)))
		}
		b.WriteString("\n")
	}
	changes := func(name string, cs []Change) {
		if len(cs) == 0 {
			return
		}
		fmt.Fprintf(&b, "**%s**\n\n", name)
		for _, c := range cs {
			mark := map[string]string{Added: "➕", Removed: "➖", Changed: "✏️"}[c.Kind]
			fmt.Fprintf(&b, "- %s %s\n", mark, strings.ReplaceAll(cell(changeText(c)), " -&gt; ", " → "))
		}
		b.WriteString("\n")
	}
	changes("Threats", r.Threats)
	changes("Findings", r.Findings)
	changes("Controls", r.Controls)
	if len(r.Acceptances) > 0 {
		b.WriteString("**Acceptances of findings**\n\n")
		for _, x := range r.Acceptances {
			mark := map[string]string{Added: "➕", Removed: "➖", Changed: "✏️"}[x.Kind]
			text := strings.TrimPrefix(acceptanceText(x), "was ")
			rest := strings.TrimPrefix(text, x.Accept)
			fmt.Fprintf(&b, "- %s %s%s\n", mark, code(x.Accept), strings.ReplaceAll(cell(rest), " -&gt; ", " → "))
		}
		b.WriteString("\n")
	}
	if len(r.DecisionsAdded) > 0 {
		b.WriteString("**Decisions added**\n\n")
		for _, d := range r.DecisionsAdded {
			fmt.Fprintf(&b, "- ➕ %s, affects %s\n", code(d.ID), cell(strings.Join(d.Affects, ", ")))
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, strings.TrimRight(b.String(), "\n")+"\n")
	return err
}

// code is an inline code span that survives backticks in s.
func code(s string) string {
	if s == "" {
		return ""
	}
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}

// cell escapes text for a Markdown table cell or list item.
func cell(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "|", "\\|", "<", "&lt;", ">", "&gt;", "\n", " ", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]")
	return r.Replace(s)
}
