// Command tmc is the threat model compiler: it checks .tm models, renders
// their diagrams and publishes their threat-report site.
package main

import (
	"os"

	"github.com/tmc-dev/tmc/cmd/tmc/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
