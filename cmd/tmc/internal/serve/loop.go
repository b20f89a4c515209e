package serve

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/engine"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
	"github.com/tmc-dev/tmc/render/layout"
)

// A SiteFunc builds the site of a compiled model (site.Build behind an
// adapter in the command; tests pass a fake). The package does not import
// render/site: whatever builds the site is injected.
type SiteFunc func(ctx context.Context, res *compiler.Result) ([]File, error)

// A File is one file of a built site: its path relative to the site root,
// with /, and its content (as site.File).
type File struct {
	Path string
	Data []byte
}

// Config is what a Loop needs. Site is required; the rest has defaults.
type Config struct {
	// Path is the model: a folder, or one .tm file.
	Path string
	// Site builds the site.
	Site SiteFunc
	// Compile compiles the model; nil means an incremental engine
	// (compiler/engine) with the default options, which reparses only the
	// files that changed.
	Compile func(path string) (*compiler.Result, error)
	// Blocking reports whether diagnostics stop the site from being
	// built (syntax and resolution errors); nil means TM1xx and TM2xx
	// errors.
	Blocking func(diag.Diagnostics) bool
	// Printer prints diagnostics for the terminal as tmc check does; nil
	// prints paths relative to the model root.
	Printer func(*compiler.Result) *diag.Printer
	// Write, when set, stores a new site (tmc watch writes it to a
	// folder). A site that cannot be written does not count as built.
	Write func([]File) error
	// Publish receives every build, good or not (tmc serve serves it).
	Publish func(*Build)
	// Early publishing, for tmc serve: when the three are set and
	// Shown lists pages (those open in browsers), a rebuild builds those
	// pages first with SiteOnly (the same site as Site, limited to the
	// paths only accepts), hands them to PublishEarly, and then builds
	// the whole site for Publish.
	Shown        func() []string
	SiteOnly     func(ctx context.Context, res *compiler.Result, only func(path string) bool) ([]File, error)
	PublishEarly func(seq int, files []File)
	// Out receives one line per rebuild, or the diagnostics that stopped
	// it. Nil discards.
	Out io.Writer
	// Blocked ends the message printed when a rebuild is stopped by
	// errors, saying what the user still sees.
	Blocked string
	// Watch tunes the watcher (its Log defaults to Out).
	Watch WatchOptions
}

// A Build is the outcome of one rebuild.
type Build struct {
	Seq              int           // rebuilds so far, this one included
	Took             time.Duration // from the start of the rebuild to the new site
	Files            []File        // the new site; nil when none was built
	Errors, Warnings int           // diagnostics of the model
	// Problems say why no site was built: the blocking diagnostics, or
	// the error of the site builder. Empty when Files is set.
	Problems []Problem
}

// OK reports whether the build produced a site.
func (b *Build) OK() bool { return b.Files != nil }

// A Problem is one reason a build failed, ready for the browser overlay.
type Problem struct {
	File     string `json:"file,omitempty"` // relative to the model root, with /
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Severity string `json:"severity"`
	Code     string `json:"code,omitempty"`
	Message  string `json:"message"`
	Source   string `json:"source,omitempty"` // the source line
	Caret    string `json:"caret,omitempty"`  // ^ under the subject, aligned with Source
	Help     string `json:"help,omitempty"`   // the fix, when one is obvious
	Note     string `json:"note,omitempty"`   // why, and how to fix
}

// maxProblems bounds the problems sent to the browser.
const maxProblems = 50

// A Loop builds the model, then rebuilds it after every change until its
// context ends. Rebuilds never overlap; a change during a rebuild causes
// exactly one more rebuild after it.
type Loop struct {
	cfg Config
	w   *Watcher
	seq int
}

// NewLoop returns a loop; Start begins it.
//
// From then on, every diagram of this process is laid out in
// render/layout's pool of worker processes (Options.Isolate): a process
// that rebuilds for hours must not keep go-graphviz's memory, which it
// never gives back; the workers are retired as they grow.
func NewLoop(cfg Config) *Loop {
	o := layout.Configured()
	o.Isolate = true
	layout.Configure(o)
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Watch.Log == nil {
		cfg.Watch.Log = cfg.Out
	}
	if cfg.Compile == nil {
		// One engine for the life of the loop: a rebuild parses only the
		// files that changed.
		e := engine.New(cfg.Path, compiler.Options{})
		cfg.Compile = func(string) (*compiler.Result, error) { return e.Update() }
	}
	if cfg.Blocking == nil {
		cfg.Blocking = blocking
	}
	if cfg.Printer == nil {
		cfg.Printer = func(res *compiler.Result) *diag.Printer { return &diag.Printer{Source: res.Source.File} }
	}
	if cfg.Blocked == "" {
		cfg.Blocked = "fix the errors above"
	}
	return &Loop{cfg: cfg}
}

// Open starts watching the model, so that a change made from now on is
// not lost. Start calls it when it has not been called.
func (l *Loop) Open() error {
	if l.w != nil {
		return nil
	}
	w, err := NewWatcher(l.cfg.Path, l.cfg.Watch)
	if err != nil {
		return &compiler.UsageError{Err: fmt.Errorf("cannot load model: %w", err)}
	}
	l.w = w
	return nil
}

// Start watches the model, then builds it once (watching first: a change
// made during the first build is not lost). It returns the first build;
// the error is a *compiler.UsageError when the model cannot be loaded at
// all (no such path, no .tm files) or the context's error. It returns as
// soon as ctx ends, even in the middle of the build (see rebuild).
func (l *Loop) Start(ctx context.Context) (*Build, error) {
	if err := l.Open(); err != nil {
		return nil, err
	}
	b, err := l.rebuild(ctx)
	if err != nil {
		l.w.Close()
		return nil, err
	}
	return b, nil
}

// Run rebuilds on every change until ctx ends, then stops watching. It
// returns nil when ctx ends, at once, even in the middle of a rebuild.
func (l *Loop) Run(ctx context.Context) error {
	defer l.w.Close()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-l.w.Changes():
			if _, err := l.rebuild(ctx); err != nil && ctx.Err() != nil {
				return nil
			}
		}
	}
}

// An attempt is the work of a rebuild that may take long: compiling the
// model and building its site. It has no effect outside itself, so that a
// rebuild still running when the loop stops can be left to finish alone.
type attempt struct {
	res      *compiler.Result
	blocked  bool      // res has blocking diagnostics
	problems []Problem // theirs
	files    []File
	err      error // the model could not be loaded (res nil) or the site not built
}

func (l *Loop) attempt(ctx context.Context, early chan<- []File) (a attempt) {
	res, err := l.cfg.Compile(l.cfg.Path)
	if err != nil {
		a.err = err
		return a
	}
	a.res = res
	if l.cfg.Blocking(res.Diags) {
		a.blocked, a.problems = true, problems(res)
		return a
	}
	if l.cfg.Shown != nil && l.cfg.SiteOnly != nil && l.cfg.PublishEarly != nil {
		if shown := l.cfg.Shown(); len(shown) > 0 {
			want := map[string]bool{}
			for _, p := range shown {
				want[p] = true
			}
			// An error here is the full build's too: it says so.
			if files, err := l.cfg.SiteOnly(ctx, res, func(p string) bool { return want[p] }); err == nil && len(files) > 0 {
				early <- files
			}
		}
	}
	files, err := l.cfg.Site(ctx, res)
	if err == nil && files == nil {
		files = []File{}
	}
	a.files, a.err = files, err
	return a
}

// rebuild compiles the model and builds its site. A model with errors is
// a build without a site, not an error; the error is for a site that
// could not be built or written, or a model that cannot be loaded. The
// first build returns it to Start (the command fails); later ones print
// it, the pages show it, and the loop goes on.
//
// The compiler and the site builder run on a goroutine of their own and
// the rebuild waits for them or for ctx, whichever ends first: a stop in
// the middle of a long build returns ctx's error at once and leaves the
// build to finish unseen (the site builder is given ctx and stops early;
// the compiler is not). Everything a build does outside itself (watching
// the files it refers to, writing and publishing the site, the terminal
// line) is done here, after the wait, so an abandoned build does nothing.
func (l *Loop) rebuild(ctx context.Context) (*Build, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	start := time.Now()
	l.seq++
	b := &Build{Seq: l.seq}
	out := l.cfg.Out
	done := make(chan attempt, 1)
	early := make(chan []File, 1)
	go func() { done <- l.attempt(ctx, early) }()
	var a attempt
wait:
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case files := <-early:
			// The pages the browsers show, before the rest: their
			// reload goes out now (Write, for tmc watch, waits for the
			// whole site).
			l.cfg.PublishEarly(b.Seq, files)
		case a = <-done:
			break wait
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fail := func(err error, what string) (*Build, error) {
		if b.Seq == 1 {
			return nil, fmt.Errorf("%s%w", what, err)
		}
		b.Took = time.Since(start)
		b.Problems = []Problem{{Severity: "error", Message: what + err.Error()}}
		l.publish(b)
		fmt.Fprintf(out, "tmc: %s%v\n", what, err)
		return b, err
	}
	res := a.res
	if res == nil {
		return fail(a.err, "")
	}
	l.w.SetProject(res.Source.ProjectRoot())
	l.w.SetRefs(refs(res))
	b.Errors, b.Warnings = res.Diags.Count(diag.Error), res.Diags.Count(diag.Warning)
	if a.blocked {
		b.Took = time.Since(start)
		b.Problems = a.problems
		l.publish(b)
		if err := l.cfg.Printer(res).Text(out, res.Diags); err == nil {
			fmt.Fprintf(out, "tmc: syntax or resolution errors, not rebuilt: %s\n", l.cfg.Blocked)
		}
		return b, nil
	}
	if a.err != nil {
		return fail(a.err, "site not built: ")
	}
	files := a.files
	if l.cfg.Write != nil {
		if err := l.cfg.Write(files); err != nil {
			return fail(err, "site not written: ")
		}
	}
	b.Files = files
	b.Took = time.Since(start)
	l.publish(b) // first: once the line shows, the new site is served
	verb := "rebuilt"
	if b.Seq == 1 {
		verb = "built"
	}
	fmt.Fprintf(out, "%s in %s: %s, %s\n", verb, millis(b.Took), plural(b.Errors, "error"), plural(b.Warnings, "warning"))
	return b, nil
}

func (l *Loop) publish(b *Build) {
	if l.cfg.Publish != nil {
		l.cfg.Publish(b)
	}
}

// blocking: syntax (TM1xx) and resolution (TM2xx) errors leave nothing
// sound to build (as tmc build and tmc render decide).
func blocking(ds diag.Diagnostics) bool {
	for _, d := range ds {
		if d.Severity == diag.Error && (strings.HasPrefix(d.Code, "TM1") || strings.HasPrefix(d.Code, "TM2")) {
			return true
		}
	}
	return false
}

// refs lists the files the model refers to (control tests and evidence,
// decision records) that lie inside the project root, as absolute paths.
func refs(res *compiler.Result) []string {
	var out []string
	m := res.Model
	push := func(f *ir.FileRef) {
		if f.Name != "" && !f.Escapes {
			if p := res.Source.RefPath(f.Name); p != "" {
				out = append(out, p)
			}
		}
	}
	for _, c := range m.Controls {
		for _, f := range c.Tests {
			push(f)
		}
		for _, f := range c.Evidence {
			push(f)
		}
	}
	for _, d := range m.Decisions {
		if d.File != nil {
			push(d.File)
		}
	}
	return out
}

// problems turns the errors of a blocked build into overlay entries, with
// their source lines.
func problems(res *compiler.Result) []Problem {
	var ps []Problem
	var lines diag.LineCache // each file indexed once, however many errors
	for _, d := range res.Diags {
		if d.Severity != diag.Error {
			continue
		}
		if len(ps) == maxProblems {
			ps = append(ps, Problem{Severity: "error", Message: fmt.Sprintf("and %d more errors: see the terminal", res.Diags.Count(diag.Error)-maxProblems)})
			break
		}
		p := Problem{
			File: d.Subject.File, Line: d.Subject.Start.Line, Column: d.Subject.Start.Col,
			Severity: d.Severity.String(), Code: d.Code, Message: d.Summary,
		}
		if d.Fix != "" {
			p.Help = "add `" + d.Fix + "`"
		}
		p.Note = d.Detail
		if line, ok := lines.Line(d.Subject.File, p.Line, res.Source.File); ok {
			p.Source, p.Caret = sourceLine(line, d.Subject)
		}
		ps = append(ps, p)
	}
	return ps
}

// sourceLine returns the subject's first line, src (at most 200 runes,
// control characters replaced), and a caret line under the subject.
func sourceLine(src []byte, r diag.Range) (string, string) {
	var line []rune
	for len(src) > 0 && len(line) < 200 {
		c, size := utf8.DecodeRune(src)
		src = src[size:]
		switch {
		case c == '\t':
		case c == utf8.RuneError && size == 1, c < 0x20, c == 0x7f, c == 0xFEFF:
			c = '\uFFFD'
		}
		line = append(line, c)
	}
	var caret strings.Builder
	for i := 0; i < r.Start.Col-1 && i < len(line); i++ {
		if line[i] == '\t' {
			caret.WriteByte('\t')
		} else {
			caret.WriteByte(' ')
		}
	}
	n := 1
	if r.End.Line == r.Start.Line && r.End.Col > r.Start.Col {
		n = r.End.Col - r.Start.Col
	} else if r.End.Line > r.Start.Line {
		n = max(1, len(line)-(r.Start.Col-1))
	}
	caret.WriteString(strings.Repeat("^", min(n, 200)))
	return strings.TrimRight(string(line), "\r"), caret.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// millis formats a duration for the rebuild line: "42 ms", "1.3 s".
func millis(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}
