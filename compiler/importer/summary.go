package importer

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// A Summary says what an import mapped and what it did not.
type Summary struct {
	Format string
	// Kinds are the kinds of source objects (element, flow, boundary,
	// data, threat, ...), in the order of kindOrder.
	Kinds []*KindCount
	// Notes are remarks on the import as a whole (an element drawn on a
	// boundary line, an inferred boundary).
	Notes []string

	marked, unmarked int // crossings of flows, by flow
}

// A KindCount is the tally of one kind of source object.
type KindCount struct {
	Kind string
	// Mapped counts the source objects imported as tmc declarations.
	Mapped int
	// Dropped counts whole source objects with no tmc declaration.
	Dropped int
	// NotMapped are the facts of this kind left out, by fact and reason.
	NotMapped []*Gap
}

// A Gap is one fact of the source that has no tmc fact, and why.
type Gap struct {
	Fact  string
	Why   string
	Count int
}

var kindOrder = []string{"model", "boundary", "runtime", "data", "element", "flow", "threat", "mitigation", "risk tracking", "other"}

func (s *Summary) kind(k string) *KindCount {
	for _, c := range s.Kinds {
		if c.Kind == k {
			return c
		}
	}
	c := &KindCount{Kind: k}
	s.Kinds = append(s.Kinds, c)
	rank := func(k string) int {
		for i, o := range kindOrder {
			if o == k {
				return i
			}
		}
		return len(kindOrder)
	}
	sort.SliceStable(s.Kinds, func(i, j int) bool { return rank(s.Kinds[i].Kind) < rank(s.Kinds[j].Kind) })
	return c
}

// mapped counts one source object of kind k as imported.
func (m *model) mapped(k string) { m.sum.kind(k).Mapped++ }

// dropped counts one whole source object of kind k as not imported.
func (m *model) dropped(k, fact, why string) string {
	m.sum.kind(k).Dropped++
	return m.gap(k, fact, why)
}

// gap records a fact of kind k that is not mapped, and returns the
// line for the element's "# not mapped:" comment.
func (m *model) gap(k, fact, why string) string {
	c := m.sum.kind(k)
	for _, g := range c.NotMapped {
		if g.Fact == fact && g.Why == why {
			g.Count++
			return fact + " (" + why + ")"
		}
	}
	c.NotMapped = append(c.NotMapped, &Gap{Fact: fact, Why: why, Count: 1})
	return fact + " (" + why + ")"
}

// gapv is gap for a fact with a value: the comment shows the value, the
// summary counts the field.
func (m *model) gapv(k, field, value, why string) string {
	m.gap(k, field, why)
	return field + " " + value + " (" + why + ")"
}

// note records a remark for the summary.
func (m *model) note(format string, args ...any) {
	m.sum.Notes = append(m.sum.Notes, fmt.Sprintf(format, args...))
}

// Print writes the summary for a terminal.
func (s *Summary) Print(w io.Writer) {
	fmt.Fprintf(w, "imported from %s:\n", s.Format)
	for _, c := range s.Kinds {
		line := fmt.Sprintf("  %-14s %d mapped", c.Kind, c.Mapped)
		if c.Dropped > 0 {
			line += fmt.Sprintf(", %d not mapped", c.Dropped)
		}
		fmt.Fprintln(w, line)
		gaps := append([]*Gap(nil), c.NotMapped...)
		sort.SliceStable(gaps, func(i, j int) bool { return gaps[i].Fact < gaps[j].Fact })
		for _, g := range gaps {
			fmt.Fprintf(w, "    not mapped: %s x%d: %s\n", g.Fact, g.Count, g.Why)
		}
	}
	if s.marked+s.unmarked > 0 {
		fmt.Fprintf(w, "  crossings: %d flows marked with what the source states about the link, %d left unmarked (the source states nothing: tmc check lists them)\n", s.marked, s.unmarked)
	}
	for _, n := range s.Notes {
		fmt.Fprintf(w, "  note: %s\n", strings.TrimSpace(n))
	}
}

// Unmarked is the number of flows whose crossings were left unmarked.
func (s *Summary) Unmarked() int { return s.unmarked }

// Marked is the number of flows whose crossings were marked.
func (s *Summary) Marked() int { return s.marked }
