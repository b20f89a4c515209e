package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/diff"
)

func newDiff() *cobra.Command {
	var (
		mflags         modelFlags
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
				oldRes, newRes, err = compileRevisions(args[0], args[1], args[2], mflags.root, cmd.ErrOrStderr())
			} else {
				oldRes, newRes, err = compileBoth(args[0], args[1], &mflags)
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
	mflags.register(cmd)
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json (schema tmc/diff/v1) or markdown (a pull-request comment)")
	cmd.Flags().BoolVar(&failOnCrossing, "fail-on-new-crossing", false, "exit 1 when a new boundary crossing has no decision added in the same change that affects an end of its flow")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "markdown"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// compileRevisions reads the model at modelPath at two git revisions into
// memory and compiles both; the files its paths name above the model
// folder, up to the project root (rootFlag, or found as on disk), are looked
// up in the same revisions. Warnings go to warn.
func compileRevisions(rev1, rev2, modelPath, rootFlag string, warn io.Writer) (*compiler.Result, *compiler.Result, error) {
	top, err := git("", "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, nil, &usageError{fmt.Errorf("tmc diff REV1 REV2 -- PATH needs a git repository: %v", err)}
	}
	res, err := compileAt(strings.TrimSpace(top), []string{rev1, rev2}, modelPath, rootFlag, warn)
	if err != nil {
		return nil, nil, err
	}
	return res[0], res[1], nil
}

// compileAt reads the model at modelPath at each git revision of the
// repository whose top folder is top into memory, and compiles each; the
// files its paths name above the model folder, up to the project root
// (rootFlag, or found as on disk), are looked up in the same revisions.
// Warnings go to warn.
func compileAt(top string, revs []string, modelPath, rootFlag string, warn io.Writer) ([]*compiler.Result, error) {
	abs, err := filepath.Abs(modelPath)
	if err != nil {
		return nil, &usageError{err}
	}
	rel, err := relInRepo(top, abs)
	if err != nil {
		return nil, &usageError{err}
	}
	proj, err := projectInRepo(top, abs, rel, rootFlag)
	if err != nil {
		return nil, &usageError{err}
	}
	modelDir := rel
	if proj != "." {
		modelDir = strings.TrimPrefix(strings.TrimPrefix(rel, proj), "/")
	}
	// One reader of blobs for both revisions: they share the object
	// database. It reads only what compiling needs.
	blobs := &catFile{dir: top}
	defer blobs.close()
	// The two listings run at once (each waits on git); errors are
	// reported in argument order.
	revTrees := make([]*revTree, len(revs))
	errs := make([]error, len(revs))
	var wg sync.WaitGroup
	for i, rev := range revs {
		wg.Go(func() { revTrees[i], errs[i] = extract(top, rev, rel, blobs) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, &usageError{err}
		}
	}
	// The root names the model in messages; nothing is read from it.
	root := filepath.Join(top, filepath.FromSlash(rel))
	for _, rt := range revTrees {
		if rt.isFile {
			root = filepath.Dir(filepath.Join(top, filepath.FromSlash(rel)))
		}
	}
	now, err := compiler.Today()
	if err != nil {
		return nil, &usageError{err}
	}
	// As compileBoth: one side at a time, keeping only what the diff needs.
	res := make([]*compiler.Result, len(revs))
	for i, rt := range revTrees {
		if n := len(rt.notFollowed); n > 0 {
			fmt.Fprintf(warn, "tmc: warning: %s: %s under %s not read: tmc diff follows links to files of the model only (%s)\n",
				revs[i], plural(n, "symbolic link or submodule", "symbolic links or submodules"), rel, firstNames(rt.notFollowed, 3))
		}
		// Let the collector take each tree once it is compiled.
		t := rt.files
		revTrees[i] = nil
		if t == nil { // PATH is absent at this revision: an empty model
			res[i] = compiler.CompileSource(&compiler.Source{}, compiler.Options{Now: now})
			continue
		}
		src, err := compiler.LoadTreeIn(root, t, modelDir, outsideAt(top, rt.commit, proj, blobs))
		if err == nil {
			r := compiler.CompileSource(src, compiler.Options{Now: now})
			res[i] = &compiler.Result{Model: r.Model, Diags: r.Diags}
		}
		// A blob git could not give is not a problem in the model: no
		// diff is better than one of half a model.
		if berr := blobs.failed(); berr != nil {
			err = berr
		}
		if err != nil {
			return nil, &usageError{fmt.Errorf("%s at %s: %w", rel, revs[i], err)}
		}
	}
	return res, nil
}

// compileBoth compiles two model folders, one after the other, keeping
// only the model and the diagnostics of the first: the parse trees of two
// big models at once would crowd the binary's memory limit and make the
// collector run all the time.
func compileBoth(a, b string, flags *modelFlags) (*compiler.Result, *compiler.Result, error) {
	var res [2]*compiler.Result
	for i, p := range []string{a, b} {
		if err := notAFolder(p, a, b); err != nil {
			return nil, nil, err
		}
		r, err := compile(p, flags)
		if err != nil {
			return nil, nil, err
		}
		res[i] = &compiler.Result{Model: r.Model, Diags: r.Diags}
	}
	return res[0], res[1], nil
}

// notAFolder explains an OLD or NEW that does not exist: most often a git
// revision written without `-- PATH` (tmc diff main HEAD), which os.Stat
// would report as "stat main: no such file or directory".
func notAFolder(p, a, b string) error {
	if _, err := os.Stat(p); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return nil // compile reports any other problem
	}
	if _, err := git("", "rev-parse", "--verify", "--quiet", "--end-of-options", p+"^{commit}"); err == nil {
		return &usageError{fmt.Errorf("%q is a git revision, not a model folder: comparing git revisions needs the model's path after --, as in: tmc diff %s %s -- PATH", p, a, b)}
	}
	return &usageError{fmt.Errorf("%q: no such file or folder (OLD and NEW are model folders or .tm files; git revisions need the model's path after --: tmc diff REV1 REV2 -- PATH)", p)}
}

// projectInRepo returns the project root of the model at abs (rel in the
// repository top) relative to top, with /: root when given (it must hold
// the model), else the nearest folder above the model holding .git or
// tmc.toml in the work tree, which is at most top.
func projectInRepo(top, abs, rel, root string) (string, error) {
	dir := root
	if dir == "" {
		dir = compiler.FindProject(abs)
	}
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	p, err := relInRepo(top, d)
	if err != nil {
		if root != "" {
			return "", fmt.Errorf("--root: %w", err)
		}
		return ".", nil
	}
	if p != "." && rel != p && !strings.HasPrefix(rel, p+"/") {
		if root != "" {
			return "", fmt.Errorf("--root %s does not hold the model folder %s", root, rel)
		}
		return ".", nil
	}
	return p, nil
}

// outsideAt looks up, in the commit, the files of the project proj (a
// folder of the repository top) that the model names above its folder: a
// regular file is a Blob that blobs reads on demand, a folder is a folder;
// a symbolic link or a submodule is nothing, as links out of the model
// are not followed. Each path is looked up once.
func outsideAt(top, commit, proj string, blobs *catFile) compiler.Outside {
	type entry struct {
		file  any
		isDir bool
	}
	var mu sync.Mutex
	seen := map[string]entry{}
	return func(name string) (any, bool) {
		mu.Lock()
		defer mu.Unlock()
		if e, ok := seen[name]; ok {
			return e.file, e.isDir
		}
		var e entry
		p := path.Join(proj, name)
		if filepath.IsLocal(p) {
			out, err := git(top, "--literal-pathspecs", "--no-replace-objects", "ls-tree", "-z", "-l", "--full-tree", commit, "--", p)
			meta, got, _ := strings.Cut(strings.TrimSuffix(out, "\x00"), "\t")
			f := strings.Fields(meta)
			if err == nil && got == p && len(f) == 4 {
				switch {
				case f[1] == "tree":
					e.isDir = true
				case f[1] == "blob" && f[0] != "120000":
					if size, err := strconv.ParseInt(f[3], 10, 64); err == nil && size >= 0 {
						oid := f[2]
						e.file = compiler.Blob{Size: size, Read: func() ([]byte, error) { return readBlob(blobs, p, oid, size) }}
					}
				}
			}
		}
		seen[name] = e
		return e.file, e.isDir
	}
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

// A revTree is the model at one revision: its files, read on demand.
type revTree struct {
	// files are the regular files under the model path by names relative
	// to it, or of its own name when it is a file (isFile); nil when the
	// path does not exist at the revision.
	files       compiler.Tree
	commit      string // the revision's commit
	isFile      bool
	notFollowed []string // symbolic links and submodules, left out of files
}

// extract lists the files under rel at rev from git's object database
// (git ls-tree), as they are committed: .gitattributes has no say, unlike
// git archive, which leaves out export-ignore files. No blob is read
// here: each file is a compiler.Blob that blobs reads if compiling needs
// its contents (a .tm file, a test file), within the compiler's size
// limits. A symbolic link to a file of the model is that file; other
// links and submodules are left out (resolve): nothing outside the model
// is ever read.
func extract(top, rev, rel string, blobs *catFile) (*revTree, error) {
	commit, err := git(top, "rev-parse", "--verify", "--quiet", rev+"^{commit}")
	if err != nil {
		return nil, fmt.Errorf("%q is not a git revision", rev)
	}
	// --full-tree: names from the top whatever the folder; ls-tree takes
	// no wildcards in paths, and --literal-pathspecs no other magic.
	args := []string{"--literal-pathspecs", "--no-replace-objects", "ls-tree", "-r", "-z", "-l", "--full-tree", strings.TrimSpace(commit)}
	if rel != "." {
		args = append(args, "--", rel)
	}
	cmd := exec.Command("git", args...)
	cmd.Dir = top
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("git ls-tree: %v", err)
	}
	rt := &revTree{files: compiler.Tree{}, commit: strings.TrimSpace(commit)}
	links := map[string]compiler.Blob{}
	entries := 0
	br := bufio.NewReader(out)
	var perr error
	for perr == nil {
		line, err := br.ReadString(0)
		if err == io.EOF && line == "" {
			break
		}
		if err != nil && err != io.EOF {
			perr = err
			break
		}
		// <mode> SP <type> SP <object> SP <size, padded> TAB <path> NUL
		meta, name, ok := strings.Cut(strings.TrimSuffix(line, "\x00"), "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 4 {
			perr = fmt.Errorf("git ls-tree: unexpected line %q", line)
			break
		}
		mode, typ, oid := f[0], f[1], f[2]
		switch {
		case rel == ".":
		case name == rel:
			name, rt.isFile = path.Base(name), true
		case strings.HasPrefix(name, rel+"/"):
			name = name[len(rel)+1:]
		default:
			continue
		}
		entries++
		if !filepath.IsLocal(name) {
			continue
		}
		if typ != "blob" { // a submodule
			rt.notFollowed = append(rt.notFollowed, name)
			continue
		}
		size, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil || size < 0 {
			perr = fmt.Errorf("git ls-tree: unexpected size in %q", line)
			break
		}
		b := compiler.Blob{Size: size, Read: func() ([]byte, error) { return readBlob(blobs, name, oid, size) }}
		if mode == "120000" {
			links[name] = b
			continue
		}
		rt.files[name] = b
	}
	if perr != nil {
		_ = cmd.Process.Kill()
	}
	if err := cmd.Wait(); err != nil && perr == nil {
		perr = fmt.Errorf("git ls-tree %s -- %s: %v: %s", rev, rel, err, strings.TrimSpace(stderr.String()))
	}
	if perr == nil {
		perr = rt.resolve(links)
	}
	if perr != nil {
		return nil, perr
	}
	if entries == 0 && rel != "." {
		rt.files = nil // absent at rev
	}
	return rt, nil
}

// resolve adds each symbolic link of the model that leads, within the
// model, to one of its regular files, as that file: loading from disk
// follows it, and so must the diff, or a .tm file could hide behind a
// link. Any other link (to a folder, out of the model, absolute, in a
// loop) is left out, in notFollowed. links holds the link targets as
// blobs.
func (rt *revTree) resolve(links map[string]compiler.Blob) error {
	const maxTarget, maxHops = 4096, 40
	targets := map[string]string{}
	for name, b := range links {
		if b.Size > maxTarget {
			continue
		}
		t, err := b.Read()
		if err != nil {
			return err
		}
		targets[name] = string(t)
	}
	for name := range links {
		p := name
		for hops := 0; p != ""; hops++ {
			t, isLink := targets[p]
			if !isLink {
				break
			}
			if p = path.Join(path.Dir(p), t); hops == maxHops || path.IsAbs(t) || !filepath.IsLocal(p) {
				p = ""
			}
		}
		if f, ok := rt.files[p]; ok {
			rt.files[name] = f
		} else {
			rt.notFollowed = append(rt.notFollowed, name)
		}
	}
	sort.Strings(rt.notFollowed)
	return nil
}

// readBlob reads the blob oid of size bytes, the file name of a model,
// through blobs. Tests replace it to see what tmc diff reads.
var readBlob = func(blobs *catFile, name, oid string, size int64) ([]byte, error) {
	return blobs.read(oid, size)
}

// A catFile reads blobs from a repository's object database through one
// `git cat-file --batch`, started on first use: raw, as committed (no
// textconv, no filters). Reads are serialized. After a failure every read
// fails, and failed reports the first error.
type catFile struct {
	dir string

	mu     sync.Mutex
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr bytes.Buffer
	err    error
}

func (c *catFile) read(oid string, size int64) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return nil, c.err
	}
	data, err := c.readLocked(oid, size)
	if err != nil {
		c.err = fmt.Errorf("git cat-file: %v%s", err, stderrSuffix(c.stderr.String()))
		return nil, c.err
	}
	return data, nil
}

func (c *catFile) readLocked(oid string, size int64) ([]byte, error) {
	if c.cmd == nil {
		cmd := exec.Command("git", "--no-replace-objects", "cat-file", "--batch")
		cmd.Dir = c.dir
		cmd.Stderr = &c.stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			return nil, err
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			return nil, err
		}
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		c.cmd, c.in, c.out = cmd, in, bufio.NewReader(out)
	}
	if _, err := io.WriteString(c.in, oid+"\n"); err != nil {
		return nil, err
	}
	// <object> SP blob SP <size> LF <contents> LF, or <object> SP missing LF
	header, err := c.out.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if f := strings.Fields(header); len(f) != 3 || f[0] != oid || f[1] != "blob" || f[2] != strconv.FormatInt(size, 10) {
		return nil, fmt.Errorf("asked for blob %s of %d bytes, got %q", oid, size, strings.TrimSpace(header))
	}
	data := make([]byte, size+1)
	if _, err := io.ReadFull(c.out, data); err != nil {
		return nil, err
	}
	if data[size] != '\n' {
		return nil, fmt.Errorf("blob %s: no newline after its %d bytes", oid, size)
	}
	return data[:size:size], nil
}

// failed returns the first error of a read, or nil.
func (c *catFile) failed() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// close ends git cat-file, if it was started.
func (c *catFile) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd == nil {
		return
	}
	if c.err != nil {
		// Its output may not have been read: it may be blocked writing.
		_ = c.cmd.Process.Kill()
	}
	c.in.Close() // git cat-file ends at the end of its input
	_ = c.cmd.Wait()
	c.cmd = nil
	if c.err == nil {
		c.err = errors.New("git cat-file: closed")
	}
}

func stderrSuffix(s string) string {
	if s = strings.TrimSpace(s); s != "" {
		return ": " + s
	}
	return ""
}

// plural returns n with the singular or plural noun.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// firstNames lists at most max of names, and how many more there are.
func firstNames(names []string, max int) string {
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:max], ", ") + fmt.Sprintf(" and %d more", len(names)-max)
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
