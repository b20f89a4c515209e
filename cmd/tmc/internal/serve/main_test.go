package serve

import (
	"testing"

	"github.com/tmc-dev/tmc/render/browsertest"
)

// TestMain says on one line when this package's browser tests will skip
// (browsertest.Main): plain go test hides skips.
func TestMain(m *testing.M) { browsertest.Main(m) }
