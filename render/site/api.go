// Package site builds the static threat-report site of a model: an
// overview, a page per boundary, element, flow, data asset, threat,
// finding of the threat rules, control and decision, the threat register,
// the threat rules (rules.html), the control backlog, the diagnostics,
// search, and model.json.
//
// Findings are first-class: the register lists every declared threat and
// every finding no declared threat claims (open or accepted), marked
// "declared" or "rule TMR-xxx" (linked to rules.html#tmr-xxx, anchored as
// docs/rules.md is); a claimed finding is listed on the row and the page
// of the threat that claims it, never twice. The overview's heat map and
// status bar count the register's rows; boundary, element and flow pages
// list the findings on them, with the acceptance of an accepted one. The site is static, uses relative
// links only (it works from any sub-path and from file://), makes no
// external request, and is safe to publish from an untrusted model: every
// string is escaped, Markdown raw HTML and javascript: links are refused,
// and every page carries a Content-Security-Policy.
package site

import (
	"github.com/tmc-dev/tmc/compiler/diff"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// Input is everything a build reads. The IR and diagnostics come from the
// compiler; the site never re-derives what the compiler computed.
type Input struct {
	Model *ir.Model
	// Diags are the model's diagnostics, sorted, with Range.File relative
	// to the model root and using /.
	Diags diag.Diagnostics
	// ReadFile reads a file the model names, given as ir.FileRef.Name
	// (relative to the model root, with /, perhaps going up with ..),
	// for decision records (ADR Markdown). It may be nil: then decision
	// pages say the file could not be read.
	ReadFile func(path string) ([]byte, error)
	// Revision is the commit the model was read from, named in every
	// page's footer and on report.html's cover; nil says nothing.
	Revision *Revision
	// Changes, when set, adds changes.html: what changed since the base
	// revision (tmc build --base), as tmc diff computes it. Its Old
	// names the base.
	Changes *diff.Result
}

// A Revision says where the model came from: a commit of a git
// repository, or nothing (NotGit: the model is not in a git repository).
// It holds only what the commit says, so the same commit builds the same
// bytes.
type Revision struct {
	NotGit bool
	Commit string // the full commit id
	Date   string // the commit's date, UTC: "2026-12-05 18:39 UTC"
	// Dirty reports that files of the model differ from the commit (the
	// work tree has changes under the model root).
	Dirty bool
}

// Short is the commit id's first 12 characters.
func (r *Revision) Short() string {
	if len(r.Commit) > 12 {
		return r.Commit[:12]
	}
	return r.Commit
}

// Options tune a build.
type Options struct {
	// SourceURL, when set, turns test, evidence and decision file paths
	// into links: {path} is replaced by the path relative to the model
	// root, for example https://github.com/ORG/REPO/blob/main/{path}.
	SourceURL string
	// Version is the tmc version named in every page's footer; "" leaves
	// it out.
	Version string
	// Only, when set, limits the files Build returns to those whose path
	// it accepts (every view is still drawn: pages need to know which
	// diagrams show what). Each file returned is byte-equal to the same
	// file of a full build. tmc serve builds the pages that browsers show
	// first this way, and the rest after.
	Only func(path string) bool
}

// A File is one file of the site: its path relative to the site root,
// with /, and its content.
type File struct {
	Path string
	Data []byte
}

// Build returns every file of the site, sorted by path, deterministically:
// the same input gives byte-identical files. ctx bounds diagram layout.
//
//	func Build(ctx context.Context, in Input, opts Options) ([]File, error)
//
// is implemented in build.go.
