package cli

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeInstall holds the README's front door to what issue 15 asked:
// the two commands word for word, an Install section whose commands name
// real packages and the real version variable, no promise of release
// binaries that do not exist, and the note that browser tests need
// Chromium.
func TestReadmeInstall(t *testing.T) {
	b, err := os.ReadFile("../../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, want := range []string{
		"go run ./cmd/tmc serve examples/checkout   # live preview of the bundled model: http://127.0.0.1:7878/\n",
		"go test ./...                              # run the tests\n",
		"\n## Install\n",
		"go install github.com/tmc-dev/tmc/cmd/tmc@latest",
		"go install ./cmd/tmc ",
		"There are no prebuilt release binaries",
		"-ldflags \"-X github.com/tmc-dev/tmc/cmd/tmc/internal/cli.Version=",
		"-o tmc ./cmd/tmc\n",
		"need\nheadless Chromium",
		"`go test ./...` says so on one line",
		"TMC_BROWSER_TESTS=1",
	} {
		if !strings.Contains(readme, want) {
			t.Errorf("README.md lacks %q", want)
		}
	}
	// The -X flag names this package's Version: a rename breaks the README.
	Version = "v-readme"
	defer func() { Version = "" }()
	if version() != "v-readme" {
		t.Error("cli.Version does not set tmc version")
	}
	if _, err := os.Stat("../../main.go"); err != nil {
		t.Errorf("./cmd/tmc, which the README builds, has no main.go: %v", err)
	}
	if strings.Contains(readme, "/releases/") {
		t.Error("README.md links to release downloads; tmc publishes none")
	}
}
