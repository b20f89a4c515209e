// Package a stands for a package with browser tests: TestNote runs it
// with go test, without Chromium, to see the one-line note.
package a

import (
	"testing"

	"github.com/tmc-dev/tmc/render/browsertest"
)

func TestMain(m *testing.M) { browsertest.Main(m) }

func TestBrowser(t *testing.T) { browsertest.Chromium(t) }
