package serve

import (
	"os"
	"testing"

	"github.com/tmc-dev/tmc/render/browsertest"
)

// TestMain says on one line when this package's browser tests will skip
// (browsertest.Main): plain go test hides skips. Started with freshEnv
// set, the test binary instead builds a site in a brand-new process
// (TestServedMatchesFreshBuild).
func TestMain(m *testing.M) {
	if dir := os.Getenv(freshEnv); dir != "" {
		os.Exit(freshBuildMain(dir))
	}
	browsertest.Main(m)
}
