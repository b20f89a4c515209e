package cli

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/diff"
)

func newDiff() *cobra.Command {
	var (
		format         string
		failOnCrossing bool
	)
	cmd := &cobra.Command{
		Use:   "diff OLD NEW [-- PATH]",
		Short: "Show what changed between two versions of a model, in threat terms",
		Long: `Diff compiles two versions of a model and lists what changed in threat
terms: elements, boundaries and flows added or removed; boundary crossings
added or removed and crosses reasons changed; threats, findings and
controls added, removed or changing band or status; acceptances of
findings added, removed or changed; decisions added.

OLD and NEW are two model folders (or .tm files), or, with -- PATH, two
git revisions of the model at PATH in the repository of the current
folder.

Exit status: 0, or 1 with --fail-on-new-crossing when a boundary crossing
is new and no decision added in the same change affects one of the ends
of its flow (or an element around one); 2 for usage or I/O errors.`,
		Example: `  tmc diff old-model new-model
  tmc diff main HEAD -- threat-model
  tmc diff origin/main HEAD --format markdown --fail-on-new-crossing -- threat-model`,
		Args: func(cmd *cobra.Command, args []string) error {
			dash := cmd.ArgsLenAtDash()
			switch {
			case dash < 0 && len(args) == 2:
			case dash == 2 && len(args) == 3:
			default:
				return &usageError{errors.New("want OLD NEW (two model folders) or REV1 REV2 -- PATH (see 'tmc diff --help')")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "text", "json", "markdown":
			default:
				return &usageError{fmt.Errorf("--format must be text, json or markdown, not %q", format)}
			}
			var oldRes, newRes *compiler.Result
			var err error
			if cmd.ArgsLenAtDash() == 2 {
				oldRes, newRes, err = compileRevisions(args[0], args[1], args[2])
			} else {
				oldRes, newRes, err = compileBoth(args[0], args[1])
			}
			if err != nil {
				return err
			}
			for i, res := range []*compiler.Result{oldRes, newRes} {
				if res.Diags.HasErrors() {
					fmt.Fprintf(cmd.ErrOrStderr(), "tmc: warning: %s has errors; run 'tmc check' on it\n", args[i])
				}
			}
			r := diff.Diff(oldRes.Model, newRes.Model)
			r.Old, r.New = args[0], args[1]
			out := cmd.OutOrStdout()
			switch format {
			case "json":
				err = diff.JSON(out, r)
			case "markdown":
				err = diff.Markdown(out, r)
			default:
				err = diff.Text(out, r)
			}
			if err != nil {
				return &usageError{err}
			}
			if un := r.Unrecorded(); failOnCrossing && len(un) > 0 {
				var names []string
				for _, c := range un {
					names = append(names, c.Flow+" ("+c.Direction+" "+c.Boundary+")")
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "tmc: %d new boundary crossing(s) with no decision added that affects an end of the flow: %s\n",
					len(un), strings.Join(names, ", "))
				return &exitError{ExitFail}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json (schema tmc/diff/v1) or markdown (a pull-request comment)")
	cmd.Flags().BoolVar(&failOnCrossing, "fail-on-new-crossing", false, "exit 1 when a new boundary crossing has no decision added in the same change that affects an end of its flow")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "markdown"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// compileRevisions reads the model at modelPath at two git revisions into
// memory and compiles both.
func compileRevisions(rev1, rev2, modelPath string) (*compiler.Result, *compiler.Result, error) {
	top, err := git("", "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, nil, &usageError{fmt.Errorf("tmc diff REV1 REV2 -- PATH needs a git repository: %v", err)}
	}
	top = strings.TrimSpace(top)
	abs, err := filepath.Abs(modelPath)
	if err != nil {
		return nil, nil, &usageError{err}
	}
	rel, err := relInRepo(top, abs)
	if err != nil {
		return nil, nil, &usageError{err}
	}
	// The two extractions run at once (each waits on git); errors are
	// reported in argument order.
	var trees [2]compiler.Tree
	var isFile [2]bool
	var errs [2]error
	var wg sync.WaitGroup
	for i, rev := range []string{rev1, rev2} {
		wg.Go(func() { trees[i], isFile[i], errs[i] = extract(top, rev, rel) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, &usageError{err}
		}
	}
	// The root names the model in messages; nothing is read from it.
	root := filepath.Join(top, filepath.FromSlash(rel))
	if isFile[0] || isFile[1] {
		root = filepath.Dir(root)
	}
	now, err := compiler.Today()
	if err != nil {
		return nil, nil, &usageError{err}
	}
	// As compileBoth: one side at a time, keeping only what the diff needs.
	var res [2]*compiler.Result
	for i := range trees {
		// Let the collector take each tree once it is compiled.
		t := trees[i]
		trees[i] = nil
		if t == nil { // PATH is absent at this revision: an empty model
			res[i] = compiler.CompileSource(&compiler.Source{}, compiler.Options{Now: now})
			continue
		}
		src, err := compiler.LoadTree(root, t)
		if err != nil {
			return nil, nil, &usageError{fmt.Errorf("%s at %s: %w", rel, []string{rev1, rev2}[i], err)}
		}
		r := compiler.CompileSource(src, compiler.Options{Now: now})
		res[i] = &compiler.Result{Model: r.Model, Diags: r.Diags}
	}
	return res[0], res[1], nil
}

// compileBoth compiles two model folders, one after the other, keeping
// only the model and the diagnostics of the first: the parse trees of two
// big models at once would crowd the binary's memory limit and make the
// collector run all the time.
func compileBoth(a, b string) (*compiler.Result, *compiler.Result, error) {
	var res [2]*compiler.Result
	for i, p := range []string{a, b} {
		r, err := compile(p)
		if err != nil {
			return nil, nil, err
		}
		res[i] = &compiler.Result{Model: r.Model, Diags: r.Diags}
	}
	return res[0], res[1], nil
}

// relInRepo returns abs relative to the repository root top, with /.
func relInRepo(top, abs string) (string, error) {
	if t, err := filepath.EvalSymlinks(top); err == nil {
		top = t
	}
	// The path may not exist in the work tree; resolve its nearest existing
	// ancestor.
	rest := ""
	for p := abs; ; {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			abs = filepath.Join(r, rest)
			break
		}
		parent := filepath.Dir(p)
		if parent == p {
			break
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is outside the git repository %s", abs, top)
	}
	return filepath.ToSlash(rel), nil
}

// extract reads the files under rel at rev, like `git archive REV -- REL`,
// into a tree of names relative to rel, or of rel's own name when rel is
// a file (isFile). The tree is nil when rel does not exist at rev.
func extract(top, rev, rel string) (tree compiler.Tree, isFile bool, err error) {
	if _, err := git(top, "rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
		return nil, false, fmt.Errorf("%q is not a git revision", rev)
	}
	if rel != "." {
		if ls, err := git(top, "ls-tree", "--name-only", rev, "--", rel); err != nil || strings.TrimSpace(ls) == "" {
			return nil, false, nil
		}
	}
	cmd := exec.Command("git", "archive", "--format=tar", rev, "--", rel)
	cmd.Dir = top
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		return nil, false, fmt.Errorf("git archive %s -- %s: %v: %s", rev, rel, err, strings.TrimSpace(stderr.String()))
	}
	tree = compiler.Tree{}
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return tree, isFile, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("reading git archive: %v", err)
		}
		if h.Typeflag != tar.TypeReg || !filepath.IsLocal(h.Name) {
			continue // folders are implied; links are not followed
		}
		name := h.Name
		switch {
		case rel == ".":
		case name == rel:
			name, isFile = path.Base(name), true
		case strings.HasPrefix(name, rel+"/"):
			name = name[len(rel)+1:]
		default:
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, false, fmt.Errorf("reading git archive: %v", err)
		}
		tree[name] = b
	}
}

// git runs git in dir and returns its standard output.
func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return "", fmt.Errorf("%v: %s", err, msg)
		}
		return "", err
	}
	return string(out), nil
}
