// Command tmc is the threat model compiler: it checks .tm models, renders
// their diagrams and publishes their threat-report site.
package main

import (
	"os"
	"runtime/debug"

	"github.com/tmc-dev/tmc/cmd/tmc/internal/cli"
)

func main() {
	// tmc is a short-lived batch process that allocates a large AST and
	// keeps most of it: collecting less often saves about a quarter of a
	// check's wall time on big models (docs/performance.md), while the soft
	// memory limit keeps peak memory bounded. GOGC and GOMEMLIMIT override.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(384 << 20)
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
