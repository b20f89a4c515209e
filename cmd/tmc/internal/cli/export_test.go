package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExport writes each format of the checkout example to a file and to
// stdout: the same bytes, and nothing on stdout with -o.
func TestExport(t *testing.T) {
	pinDate(t)
	dir := t.TempDir()
	for _, format := range []string{"otm", "threat-dragon", "threagile"} {
		file := filepath.Join(dir, format+".out")
		code, out, errs := run(t, "export", format, checkoutModel, "-o", file)
		if code != ExitOK || out != "" {
			t.Fatalf("export %s -o: exit %d, stdout %q, stderr %s", format, code, out, errs)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		code, out, errs = run(t, "export", format, checkoutModel)
		if code != ExitOK {
			t.Fatalf("export %s: exit %d\n%s", format, code, errs)
		}
		if out != string(data) {
			t.Errorf("export %s: stdout and -o differ", format)
		}
		// Written again over the same file: replaced whole.
		if code, _, errs := run(t, "export", format, checkoutModel, "-o", file); code != ExitOK {
			t.Fatalf("export %s over an existing file: exit %d\n%s", format, code, errs)
		}
		if again, _ := os.ReadFile(file); string(again) != string(data) {
			t.Errorf("export %s: a second export differs", format)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".tmc-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

// TestExportRefuses: a model with errors is printed as tmc check prints it
// and not exported; bad formats, folders and paths are usage errors.
func TestExportRefuses(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "out.json")
	code, out, errs := run(t, "export", "otm", "../../../../examples/unmarked", "-o", file)
	if code != ExitFail || out != "" || !strings.Contains(errs, "error[TM301]") || !strings.Contains(errs, "not exported") {
		t.Errorf("model with errors: exit %d, stdout %q, stderr:\n%s", code, out, errs)
	}
	if _, err := os.Stat(file); err == nil {
		t.Errorf("a model with errors was written to %s", file)
	}
	for _, args := range [][]string{
		{"export", "pdf", checkoutModel},
		{"export", "otm", checkoutModel, "-o", dir},
		{"export", "otm", filepath.Join(dir, "no-such-model")},
		{"export", "otm"},
		{"export", "otm", checkoutModel, "-o", filepath.Join(dir, "missing", "out.json")},
	} {
		if code, _, errs := run(t, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", args, code, ExitUsage, errs)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused exports left files: %v", entries)
	}
}
