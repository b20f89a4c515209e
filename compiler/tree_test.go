package compiler_test

import (
	"bytes"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/dsl"
)

// TestLoadTreeReadsOnlyWhatItNeeds: a model held in memory as Blobs, as
// tmc diff holds a git revision, reads the .tm files that load and the
// files a named test is looked up in, each once, and nothing else: not a
// 150 MB file beside the model that it names as evidence, not a .tm or
// test file over its size limit, not a .tm file in a skipped folder. The
// diagnostics are those of the same files on disk.
func TestLoadTreeReadsOnlyWhatItNeeds(t *testing.T) {
	files := map[string][]byte{
		"model.tm": []byte(`boundary vendor "Vendor" { trust external }
boundary core "Core" { trust high }
system psp "PSP" in vendor { external }
system s "S" { container api "API" in core { safeguards egress_allow_list } }
flow hook: psp -> s.api "Webhook" { auth hmac  crosses vendor, core "provider IP allow-list" }
control sig "Verify signatures" {
  status implemented
  evidence "hook_test.go"
  test "hook_test.go:TestSignature"
  test "hook_test.go:TestReplay"
  test "huge_test.go:TestHuge"
  evidence "big.bin"
  evidence "docs"
  evidence "missing.md"
}
threat forged "Forged webhook" { stride spoofing on hook impact 5 likelihood 3 mitigated_by sig }
`),
		"hook_test.go":    []byte("package hook\n\nimport \"testing\"\n\nfunc TestSignature(t *testing.T) {}\n"),
		"huge_test.go":    append([]byte("package hook\n\nfunc TestHuge(t *testing.T) {}\n"), bytes.Repeat([]byte("\n"), 8<<20)...),
		"huge.tm":         bytes.Repeat([]byte("#\n"), dsl.MaxFileSize/2+1),
		"big.bin":         []byte("on disk, a few bytes stand for the 150 MB"),
		"docs/a.md":       []byte("# A\n"),
		"testdata/x.tm":   []byte("boundary x \"X\" { trust high }\n"),
		"_x.tm":           []byte("boundary x \"X\" { trust high }\n"),
		"out/.tmc-output": nil,
		"out/x.tm":        []byte("boundary x \"X\" { trust high }\n"),
	}
	dir := t.TempDir()
	for name, data := range files {
		write(t, filepath.Join(dir, filepath.FromSlash(name)), data)
	}
	onDisk, _ := diagnosticsText(t, dir)

	var mu sync.Mutex
	reads := map[string]int{}
	tree := compiler.Tree{}
	for name, data := range files {
		tree[name] = compiler.Blob{Size: int64(len(data)), Read: func() ([]byte, error) {
			mu.Lock()
			defer mu.Unlock()
			reads[name]++
			return data, nil
		}}
	}
	tree["big.bin"] = compiler.Blob{Size: 150 << 20, Read: func() ([]byte, error) {
		t.Error("big.bin was read")
		return make([]byte, 150<<20), nil
	}}
	if inMemory := treeDiagnosticsText(t, dir, tree); inMemory != onDisk {
		t.Errorf("in memory and on disk differ\n--- in memory\n%s\n--- on disk\n%s", inMemory, onDisk)
	}
	for _, want := range []string{"TM100", "huge.tm", "TestReplay", "missing.md"} {
		if !strings.Contains(onDisk, want) {
			t.Errorf("the diagnostics do not mention %s:\n%s", want, onDisk)
		}
	}
	var got []string
	for name, n := range reads {
		got = append(got, name)
		if n != 1 {
			t.Errorf("%s read %d times, want once", name, n)
		}
	}
	sort.Strings(got)
	if strings.Join(got, " ") != "hook_test.go model.tm" {
		t.Errorf("read %v, want only hook_test.go and model.tm", got)
	}
}

// TestLoadTreeValues: a Tree holds []byte and Blob values only.
func TestLoadTreeValues(t *testing.T) {
	if _, err := compiler.LoadTree("m", compiler.Tree{"a.tm": "boundary b \"B\" { trust high }"}); err == nil {
		t.Error("a string value was taken")
	}
	if _, err := compiler.LoadTree("m", compiler.Tree{"a.tm": compiler.Blob{Size: 1}}); err != nil {
		t.Errorf("a Blob with no reader: %v", err)
	}
}
