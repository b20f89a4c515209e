package cli

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tmc-dev/tmc/compiler/synth"
)

func writeFiles(tb testing.TB, dir string, files map[string][]byte) {
	tb.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkDiffCommand measures `tmc diff` as a user runs it, compiling
// both sides, on a 10,000-element synthetic model and a revision with
// about 1% changes (synth.Variant): two folders, and two commits of a git
// repository (`tmc diff HEAD~1 HEAD -- model`, extraction included).
//
//	go test ./cmd/tmc/internal/cli -run '^$' -bench BenchmarkDiffCommand -count 5
func BenchmarkDiffCommand(b *testing.B) {
	b.Setenv("SOURCE_DATE_EPOCH", "1795478400")
	files := synth.Generate(10000)
	variant := synth.Variant(files)
	b.Run("folders", func(b *testing.B) {
		oldDir, newDir := b.TempDir(), b.TempDir()
		writeFiles(b, oldDir, files)
		writeFiles(b, newDir, variant)
		for b.Loop() {
			if code := Main([]string{"diff", oldDir, newDir}, strings.NewReader(""), io.Discard, io.Discard); code != ExitOK {
				b.Fatalf("exit %d", code)
			}
		}
	})
	b.Run("git", func(b *testing.B) {
		if _, err := exec.LookPath("git"); err != nil {
			b.Skip("git is not installed")
		}
		for k, v := range map[string]string{
			"GIT_AUTHOR_NAME": "tmc bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
			"GIT_COMMITTER_NAME": "tmc bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
			"GIT_CONFIG_GLOBAL": os.DevNull, "GIT_CONFIG_NOSYSTEM": "1",
		} {
			b.Setenv(k, v)
		}
		repo := b.TempDir()
		gitRun := func(args ...string) {
			cmd := exec.Command("git", append([]string{"-c", "commit.gpgsign=false"}, args...)...)
			cmd.Dir = repo
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("git %v: %v\n%s", args, err, out)
			}
		}
		gitRun("init", "-q")
		writeFiles(b, filepath.Join(repo, "model"), files)
		gitRun("add", "model")
		gitRun("commit", "-q", "-m", "v1")
		writeFiles(b, filepath.Join(repo, "model"), variant)
		gitRun("add", "model")
		gitRun("commit", "-q", "-m", "v2")
		b.Chdir(repo)
		for b.Loop() {
			if code := Main([]string{"diff", "HEAD~1", "HEAD", "--", "model"}, strings.NewReader(""), io.Discard, io.Discard); code != ExitOK {
				b.Fatalf("exit %d", code)
			}
		}
	})
}
