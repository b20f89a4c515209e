package cli

import (
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/diff"
	"github.com/tmc-dev/tmc/render/site"
)

// revisionOf says which commit the model at root comes from, for the
// site's footers: the commit of HEAD in the repository that holds root,
// its committer date in UTC, and whether tracked files under root differ
// from it (untracked files do not count: an output folder written under
// the model must not change the next build's bytes). A model outside
// any repository is NotGit; a repository without a commit, or no git
// at all, says nothing (nil).
func revisionOf(root string) *site.Revision {
	if _, err := git(root, "rev-parse", "--show-toplevel"); err != nil {
		if _, lookErr := exec.LookPath("git"); lookErr != nil {
			return nil
		}
		return &site.Revision{NotGit: true}
	}
	out, err := git(root, "log", "-1", "--format=%H %ct", "HEAD")
	if err != nil {
		return nil
	}
	f := strings.Fields(out)
	if len(f) != 2 {
		return nil
	}
	r := &site.Revision{Commit: f[0]}
	if sec, err := strconv.ParseInt(f[1], 10, 64); err == nil {
		r.Date = time.Unix(sec, 0).UTC().Format("2006-01-02 15:04 UTC")
	}
	if st, err := git(root, "status", "--porcelain", "--untracked-files=no", "--", "."); err == nil && strings.TrimSpace(st) != "" {
		r.Dirty = true
	}
	return r
}

// baseChanges compiles the model at path as it is at the git revision
// base and returns what changed from it to the model now (res), as tmc
// diff does.
func baseChanges(base, path, rootFlag string, res *compiler.Result, warn io.Writer) (*diff.Result, error) {
	top, err := git(res.Source.Root, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, &usageError{fmt.Errorf("--base needs the model in a git repository: %v", err)}
	}
	old, err := compileAt(strings.TrimSpace(top), []string{base}, path, rootFlag, warn)
	if err != nil {
		return nil, err
	}
	if old[0].Diags.HasErrors() {
		fmt.Fprintf(warn, "tmc: warning: the model at %s has errors; run 'tmc check' on it\n", base)
	}
	r := diff.Diff(old[0].Model, res.Model)
	r.Old, r.New = base, "work tree"
	return r, nil
}
