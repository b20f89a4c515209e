package lsp

import (
	"encoding/json"
	"sort"

	"github.com/tmc-dev/tmc/dsl/diag"
)

// publish sends the diagnostics of the files of a model, as `tmc check`
// reports them: for every open file of the model (so the editor knows
// which version was checked) and every other file whose diagnostics
// changed since they were last published, empty lists included for files
// that became clean or left the model.
func (s *Server) publish(m *model) {
	byURI := map[string][]lspDiagnostic{}
	for name := range m.files {
		byURI[m.uri(name)] = []lspDiagnostic{}
	}
	for _, d := range m.res.Diags {
		if d.Subject.File == "" || d.Subject.File == "." {
			continue // about the model as a whole: no file to show it in
		}
		uri := m.uri(d.Subject.File)
		byURI[uri] = append(byURI[uri], s.toLSPDiagnostic(m, d))
	}
	for uri := range m.published {
		if _, ok := byURI[uri]; !ok {
			byURI[uri] = []lspDiagnostic{}
		}
	}
	versions := map[string]int{}
	for _, d := range s.docs {
		if d.model == m {
			versions[d.uri] = d.version
		}
	}
	uris := make([]string, 0, len(byURI))
	for uri := range byURI {
		uris = append(uris, uri)
	}
	sort.Strings(uris) // sort for determinism: map order is random
	for _, uri := range uris {
		p := publishDiagnosticsParams{URI: uri, Diagnostics: byURI[uri]}
		js, _ := json.Marshal(p.Diagnostics)
		v, open := versions[uri]
		last, seen := m.published[uri]
		if !open && (seen && last == string(js) || !seen && len(p.Diagnostics) == 0) {
			continue
		}
		if open {
			p.Version = &v
		}
		m.published[uri] = string(js)
		s.w.notify("textDocument/publishDiagnostics", p)
	}
}

// toLSPDiagnostic converts one diagnostic: the same code, range, related
// locations and message as `tmc check`, with the detail and the help
// line after the summary, and the help as data.
func (s *Server) toLSPDiagnostic(m *model, d *diag.Diagnostic) lspDiagnostic {
	sev := 1
	switch d.Severity {
	case diag.Warning:
		sev = 2
	case diag.Info:
		sev = 3
	}
	msg := d.Summary
	if d.Detail != "" {
		msg += "\n" + d.Detail
	}
	if d.Fix != "" {
		msg += "\nhelp: " + d.Fix
	}
	out := lspDiagnostic{
		Range:    m.textOf(d.Subject.File).rangeToLSP(d.Subject),
		Severity: sev,
		Code:     d.Code,
		Source:   "tmc",
		Message:  msg,
	}
	if d.Fix != "" || d.Replace != "" {
		out.Data = &diagnosticData{Fix: d.Fix, Replace: d.Replace}
	}
	for _, n := range d.Related {
		if n.Range.File == "" {
			continue
		}
		out.RelatedInformation = append(out.RelatedInformation, relatedInformation{Location: m.location(n.Range), Message: n.Message})
	}
	return out
}
