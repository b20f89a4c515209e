// Command tmc-synth writes a synthetic threat model for benchmarks:
//
//	go run ./cmd/tmc-synth -n 10000 -o /tmp/model10k
//	/usr/bin/time -v tmc check /tmp/model10k
//
// The model is deterministic (it depends only on -n and -unmarked) and
// checks clean, unless -unmarked K leaves K flows with crossings no
// crosses statement names (errors, as a reviewer should find them).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/tmc-dev/tmc/compiler/synth"
)

func main() {
	n := flag.Int("n", 1000, "number of elements")
	out := flag.String("o", "", "folder to write the model to (created if missing; must not hold .tm files already)")
	unmarked := flag.Int("unmarked", 0, "remove the crosses statements of this many crossing flows, spread over the model")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 || *n < 0 {
		fmt.Fprintln(os.Stderr, "usage: tmc-synth [-n ELEMENTS] -o DIR")
		os.Exit(2)
	}
	if err := write(*out, *n, *unmarked); err != nil {
		fmt.Fprintln(os.Stderr, "tmc-synth:", err)
		os.Exit(1)
	}
}

func write(dir string, n, unmarked int) error {
	// Refuse to mix with an older model: stale .tm files would join it.
	var old string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".tm" {
			old = p
			return filepath.SkipAll
		}
		return nil
	})
	if old != "" {
		return fmt.Errorf("%s already holds .tm files (%s); use an empty folder", dir, old)
	}
	files := synth.Generate(n)
	if unmarked > 0 {
		var heads []string
		files, heads = synth.Unmark(files, unmarked)
		for _, h := range heads {
			fmt.Printf("unmarked: %s\n", h)
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	st := synth.Count(files)
	fmt.Printf("%s: %d elements, %d flows, %d .tm files, %d lines (%d files in all)\n", dir, st.Elements, st.Flows, st.Files, st.Lines, len(files))
	return nil
}
