package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// BaselineSchema names the format of a baseline file.
const BaselineSchema = "tmc/baseline/v1"

// A baselineFile is what `tmc check --write-baseline` writes: the
// fingerprints of every diagnostic and finding, as SARIF's
// partialFingerprints carry them, sorted and without duplicates.
type baselineFile struct {
	Schema       string   `json:"schema"`
	Fingerprints []string `json:"fingerprints"`
}

// writeBaselineFile writes fps (in any order) to file.
func writeBaselineFile(file string, fps []string) (int, error) {
	set := map[string]bool{}
	for _, fp := range fps {
		set[fp] = true
	}
	b := baselineFile{Schema: BaselineSchema, Fingerprints: []string{}}
	for fp := range set {
		b.Fingerprints = append(b.Fingerprints, fp)
	}
	sort.Strings(b.Fingerprints)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "a->b" readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(b); err != nil {
		return 0, err
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		return 0, fmt.Errorf("writing the baseline: %w", err)
	}
	return len(b.Fingerprints), nil
}

// readBaselineFile reads a baseline; a missing or malformed file is a
// usage error.
func readBaselineFile(file string) (map[string]bool, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &usageError{fmt.Errorf("baseline %s does not exist (write one with 'tmc check --write-baseline %s')", file, file)}
	}
	if err != nil {
		return nil, &usageError{fmt.Errorf("reading the baseline: %w", err)}
	}
	var b baselineFile
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, &usageError{fmt.Errorf("baseline %s is not valid JSON: %v", file, err)}
	}
	if b.Schema != BaselineSchema {
		return nil, &usageError{fmt.Errorf("baseline %s: schema is %q, want %q", file, b.Schema, BaselineSchema)}
	}
	set := make(map[string]bool, len(b.Fingerprints))
	for _, fp := range b.Fingerprints {
		set[fp] = true
	}
	return set, nil
}

// applyBaseline drops the diagnostics and findings whose fingerprint is in
// base. It returns what is left (with the fingerprints of the diagnostics
// left), how many were dropped and, sorted, the baselined fingerprints that
// no longer occur (fixed problems).
func applyBaseline(base map[string]bool, ds diag.Diagnostics, dfps []string, fs []*ir.Finding) (diag.Diagnostics, []string, []*ir.Finding, int, []string) {
	seen := map[string]bool{}
	var keptD diag.Diagnostics
	keptFP := []string{}
	var keptF []*ir.Finding
	dropped := 0
	for i, d := range ds {
		seen[dfps[i]] = true
		if base[dfps[i]] {
			dropped++
			continue
		}
		keptD = append(keptD, d)
		keptFP = append(keptFP, dfps[i])
	}
	for _, f := range fs {
		seen[f.Fingerprint] = true
		if base[f.Fingerprint] {
			dropped++
			continue
		}
		keptF = append(keptF, f)
	}
	fixed := []string{}
	for fp := range base {
		if !seen[fp] {
			fixed = append(fixed, fp)
		}
	}
	sort.Strings(fixed)
	return keptD, keptFP, keptF, dropped, fixed
}
