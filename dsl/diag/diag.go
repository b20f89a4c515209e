// Package diag holds source positions and the diagnostics every phase of tmc
// reports: a severity, a stable code, a message, an optional fix and the
// tightest source range the diagnostic is about.
//
// Diagnostics are data. Phases collect them and go on; printing (text or
// JSON) happens once, at the edge, in print.go.
package diag

import (
	"fmt"
	"sort"
)

// A Pos is a point in a source file. Line and Col start at 1; Col counts
// Unicode code points; Offset counts bytes from the start of the file.
type Pos struct {
	Line   int
	Col    int
	Offset int
}

// IsValid reports whether p names a real position.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Before reports whether p comes before q in the same file.
func (p Pos) Before(q Pos) bool {
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// A Range is a span of source text in one file. End is exclusive. File is
// the path relative to the model root, with forward slashes.
type Range struct {
	File  string
	Start Pos
	End   Pos
}

func (r Range) String() string {
	if !r.Start.IsValid() {
		return r.File
	}
	return fmt.Sprintf("%s:%d:%d", r.File, r.Start.Line, r.Start.Col)
}

// Severity says how bad a diagnostic is.
type Severity int

const (
	Error Severity = iota
	Warning
	Info
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	default:
		return "info"
	}
}

// A Note is a related location attached to a diagnostic: the other place of
// a duplicate, a candidate of an ambiguous name.
type Note struct {
	Range   Range
	Message string
}

// A Diagnostic is one finding of the compiler about the model text.
type Diagnostic struct {
	Severity Severity
	Code     string // stable, documented in docs/checks.md: "TM301"
	Summary  string // lower-case, no position, names quoted with %q
	Detail   string // why, and how to fix; may be empty
	Fix      string // exact text to add, where one fix is obvious; may be empty
	// Replace is the text that, put in place of Subject, fixes the
	// problem: the name of a did-you-mean. Empty when there is none.
	// Tools (the language server's quick fixes) read it; printing does not.
	Replace string
	Subject Range // the tightest offending construct
	Related []Note
}

func (d *Diagnostic) Error() string {
	return fmt.Sprintf("%s: %s[%s]: %s", d.Subject, d.Severity, d.Code, d.Summary)
}

// Diagnostics is a list of diagnostics, in the order they were found until
// Sort is called.
type Diagnostics []*Diagnostic

// Add appends a diagnostic and returns it so callers can attach notes.
func (ds *Diagnostics) Add(sev Severity, code string, subject Range, format string, args ...any) *Diagnostic {
	d := &Diagnostic{Severity: sev, Code: code, Subject: subject, Summary: fmt.Sprintf(format, args...)}
	*ds = append(*ds, d)
	return d
}

// Errorf adds an error diagnostic.
func (ds *Diagnostics) Errorf(code string, subject Range, format string, args ...any) *Diagnostic {
	return ds.Add(Error, code, subject, format, args...)
}

// Warnf adds a warning diagnostic.
func (ds *Diagnostics) Warnf(code string, subject Range, format string, args ...any) *Diagnostic {
	return ds.Add(Warning, code, subject, format, args...)
}

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool { return ds.Count(Error) > 0 }

// Count returns the number of diagnostics of the given severity.
func (ds Diagnostics) Count(sev Severity) int {
	n := 0
	for _, d := range ds {
		if d.Severity == sev {
			n++
		}
	}
	return n
}

// Less is the order of Sort: file, line, column, then code and message.
func Less(a, b *Diagnostic) bool {
	if a.Subject.File != b.Subject.File {
		return a.Subject.File < b.Subject.File
	}
	if a.Subject.Start.Line != b.Subject.Start.Line {
		return a.Subject.Start.Line < b.Subject.Start.Line
	}
	if a.Subject.Start.Col != b.Subject.Start.Col {
		return a.Subject.Start.Col < b.Subject.Start.Col
	}
	if a.Code != b.Code {
		return a.Code < b.Code
	}
	return a.Summary < b.Summary
}

// Sort orders diagnostics by Less, so output never depends on the order
// files were parsed or maps were walked.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool { return Less(ds[i], ds[j]) })
}
