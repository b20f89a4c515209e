package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
)

// tmc init writes a starter model that checks clean (no error, no
// warning), names it as asked, dates its review today, and never writes
// where a model is already.
func TestInit(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795478400") // 2026-11-24
	dir := filepath.Join(t.TempDir(), "services", "payments", "threat-model")
	code, out, errs := run(t, "init", "--name", `Payments "v2"`, dir)
	if code != ExitOK || !strings.Contains(out, "wrote "+filepath.Join(dir, "threat-model.tm")) || !strings.Contains(out, "tmc serve "+dir) {
		t.Fatalf("init: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run(t, "check", "--strict", dir)
	if code != ExitOK || !strings.Contains(out, "ok (1 files") {
		t.Fatalf("the starter model does not check clean: exit %d\n%s%s", code, out, errs)
	}
	res, err := compiler.Compile(dir, compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Model
	if m.Name != `Payments "v2"` || m.Reviewed != "2026-11-24" || len(m.Boundaries) != 2 || len(m.Threats) != 1 || len(m.Controls) != 1 {
		t.Errorf("starter model: name %q, reviewed %q, %d boundaries, %d threats, %d controls",
			m.Name, m.Reviewed, len(m.Boundaries), len(m.Threats), len(m.Controls))
	}
	crossings := 0
	for _, f := range m.Flows {
		crossings += len(f.Crossings)
	}
	if crossings == 0 {
		t.Error("the starter model shows no boundary crossing")
	}

	// Never over an existing model: the file is left as it was.
	before, _ := os.ReadFile(filepath.Join(dir, "threat-model.tm"))
	if code, _, errs := run(t, "init", dir); code != ExitUsage || !strings.Contains(errs, "holds a model already (threat-model.tm)") {
		t.Errorf("init over a model: exit %d\n%s", code, errs)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "threat-model.tm")); string(after) != string(before) {
		t.Error("init changed an existing model")
	}
	// Nor above one, in a folder the model would load; a .tm file in a
	// folder tmc skips (testdata) does not count.
	parent := filepath.Dir(dir)
	if code, _, errs := run(t, "init", parent); code != ExitUsage || !strings.Contains(errs, "threat-model/threat-model.tm") {
		t.Errorf("init above a model: exit %d\n%s", code, errs)
	}
	skipped := t.TempDir()
	os.MkdirAll(filepath.Join(skipped, "testdata"), 0o755)
	os.WriteFile(filepath.Join(skipped, "testdata", "x.tm"), []byte("not a model"), 0o644)
	if code, out, errs := run(t, "init", skipped); code != ExitOK {
		t.Errorf("init beside testdata: exit %d\n%s%s", code, out, errs)
	}
	for _, name := range []string{"", "two\nlines"} {
		if code, _, _ := run(t, "init", "--name", name, t.TempDir()); code != ExitUsage {
			t.Errorf("--name %q: exit %d, want 2", name, code)
		}
	}
}
