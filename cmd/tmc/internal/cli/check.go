package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl/diag"
	cireport "github.com/tmc-dev/tmc/render/report"
)

func newCheck() *cobra.Command {
	var (
		mflags  modelFlags
		format  string
		strict  bool
		failOn  string
		minBand string

		baseline, writeBaseline string
	)
	cmd := &cobra.Command{
		Use:   "check [PATH]",
		Short: "Check a model and report diagnostics",
		Long: `Check loads the model at PATH (a folder: every .tm file below it; or one
.tm file; default: the current folder), resolves it and runs every check.

Exit status: 0 when there is no error, 1 when there is one (or a warning,
with --strict, or an open threat or a finding at or above a risk band,
with --fail-on), 2 for usage or I/O errors. Findings (threats the built-in
rules find, see 'tmc rules') are listed after the diagnostics, highest
score first, and never change the exit status without --fail-on.
--min-band BAND lists only the findings at or above BAND, in every
format; --fail-on still weighs them all.

--write-baseline FILE records the fingerprints of every diagnostic and
finding (exit 0); --baseline FILE then leaves out of the report and of the
exit status everything recorded, so a team can gate on what is new.`,
		Example: `  tmc check examples/checkout
  tmc check --format json . > diagnostics.json
  go test -json ./... > test-results.json; tmc check --test-results test-results.json threat-model
  tmc check --write-baseline .tmc-baseline.json threat-model
  tmc check --baseline .tmc-baseline.json --format sarif threat-model`,
		Args: cobra.MaximumNArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"tm"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "text", "json", "sarif", "github", "markdown":
			default:
				return &usageError{fmt.Errorf("--format must be text, json, sarif, github or markdown, not %q", format)}
			}
			if failOn != "" && bandRank[failOn] == 0 {
				return &usageError{fmt.Errorf("--fail-on must be low, medium, high or critical, not %q", failOn)}
			}
			if minBand != "" && bandRank[minBand] == 0 {
				return &usageError{fmt.Errorf("--min-band must be low, medium, high or critical, not %q", minBand)}
			}
			path := modelPath(args)
			if baseline != "" && writeBaseline != "" {
				return &usageError{errors.New("--baseline and --write-baseline cannot be used together")}
			}
			var base map[string]bool
			if baseline != "" {
				var err error
				if base, err = readBaselineFile(baseline); err != nil {
					return err
				}
			}
			res, err := compile(path, &mflags)
			if err != nil {
				return err
			}
			in := reportInput(res)
			dfps := in.Fingerprints()
			if writeBaseline != "" {
				fps := append([]string{}, dfps...)
				for _, f := range res.Model.Findings {
					fps = append(fps, f.Fingerprint)
				}
				n, err := writeBaselineFile(writeBaseline, fps)
				if err != nil {
					return &usageError{err}
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "tmc: wrote %s: %d fingerprint(s)\n", writeBaseline, n)
				return nil
			}
			diags, findings := res.Diags, res.Model.Findings
			if base != nil {
				var dropped int
				var fixed []string
				diags, dfps, findings, dropped, fixed = applyBaseline(base, diags, dfps, findings)
				in.Diags, in.DiagFingerprints = diags, dfps
				m := *res.Model // the Markdown summary reads the model's findings
				m.Findings = findings
				in.Model = &m
				in.Baseline = cireport.Baseline{Used: true, File: baseline, Suppressed: dropped, Fixed: fixed}
				if dropped > 0 {
					fmt.Fprintf(cmd.ErrOrStderr(), "tmc: %d problem(s) suppressed by the baseline %s\n", dropped, baseline)
				}
				if len(fixed) > 0 {
					fmt.Fprintf(cmd.ErrOrStderr(), "tmc: %d baselined problems are gone; the baseline can shrink: tmc check --write-baseline %s\n", len(fixed), baseline)
				}
			}
			// Every format lists only the findings at or above --min-band
			// (text by score, highest first; the machine formats keep
			// fingerprint order, so two runs diff line by line). The exit
			// status still weighs every finding: --min-band chooses what to
			// read, --fail-on what fails the run.
			gate := findings
			listed, below := listedFindings(findings, minBand)
			if below > 0 || format != "text" {
				m := *in.Model // the Markdown summary reads the model's findings
				m.Findings = listed
				in.Model = &m
				in.MinBand, in.Below = minBand, below
			}
			p := printer(res)
			out := cmd.OutOrStdout()
			switch format {
			case "json":
				err = p.JSONWith(out, diags, jsonFindings(p, listed))
			case "sarif", "github", "markdown":
				in.Findings = cireport.Findings(listed)
				err = writeReport(out, format, in)
			default:
				err = p.Text(out, diags)
				if err == nil && len(diags) == 0 {
					m := res.Model
					_, err = fmt.Fprintf(out, "%s: ok (%d files, %d elements, %d flows, %d boundary crossings marked)\n",
						path, len(m.Files), len(m.Elements), len(m.Flows), countCrossings(res))
				}
				if err == nil {
					err = textTestResults(out, res.Model)
				}
				if err == nil {
					err = textFindings(out, p, listed)
				}
				if err == nil && below > 0 {
					_, err = fmt.Fprintf(out, "findings below %s: %d, not listed (--min-band %s)\n", minBand, below, minBand)
				}
			}
			if err != nil {
				return &usageError{err}
			}
			if failOn != "" {
				open, found := openAtOrAbove(res, failOn), findingsAtOrAbove(gate, failOn)
				if len(open) > 0 {
					fmt.Fprintf(cmd.ErrOrStderr(), "tmc: %d open threat(s) at or above %s: %s\n", len(open), failOn, strings.Join(open, ", "))
				}
				if len(found) > 0 {
					fmt.Fprintf(cmd.ErrOrStderr(), "tmc: %d finding(s) at or above %s: %s\n", len(found), failOn, strings.Join(found, ", "))
				}
				if len(open)+len(found) > 0 {
					return &exitError{ExitFail}
				}
			}
			return status(diags, strict)
		},
	}
	mflags.register(cmd)
	mflags.registerResults(cmd)
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json (schema tmc/check/v1), sarif (SARIF 2.1.0), github (workflow annotations) or markdown (a pull-request summary)")
	cmd.Flags().BoolVar(&strict, "strict", false, "exit 1 on warnings too")
	cmd.Flags().StringVar(&baseline, "baseline", "", "leave out of the report and the exit status every diagnostic and finding whose fingerprint is in this baseline file")
	cmd.Flags().StringVar(&writeBaseline, "write-baseline", "", "write the fingerprints of every diagnostic and finding to this file (schema tmc/baseline/v1) and exit 0")
	cmd.Flags().StringVar(&failOn, "fail-on", "", "exit 1 when an open threat or a finding is at or above this risk band: low, medium, high or critical")
	cmd.Flags().StringVar(&minBand, "min-band", "", "list only the findings at or above this risk band: low, medium, high or critical (in every format; the exit status is unchanged)")
	_ = cmd.RegisterFlagCompletionFunc("min-band", cobra.FixedCompletions([]string{"low", "medium", "high", "critical"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"low", "medium", "high", "critical"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "sarif", "github", "markdown"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

var bandRank = map[string]int{"low": 1, "medium": 2, "high": 3, "critical": 4}

// openAtOrAbove lists the open threats whose band is at or above band.
func openAtOrAbove(res *compiler.Result, band string) []string {
	var ids []string
	for _, t := range res.Model.Threats {
		if t.Status == ir.Open && bandRank[t.Band] >= bandRank[band] {
			ids = append(ids, t.ID)
		}
	}
	return ids
}

// findingsAtOrAbove lists the fingerprints of the open findings whose band
// is at or above band.
func findingsAtOrAbove(fs []*ir.Finding, band string) []string {
	var fps []string
	for _, f := range fs {
		if f.Status == ir.Open && bandRank[f.Band] >= bandRank[band] {
			fps = append(fps, f.Fingerprint)
		}
	}
	return fps
}

// listedFindings returns the findings tmc check lists, in their order,
// leaving out those below band (none when band is ""), and how many it
// left out.
func listedFindings(fs []*ir.Finding, band string) (listed []*ir.Finding, below int) {
	if band == "" {
		return fs, 0
	}
	for _, f := range fs {
		if bandRank[f.Band] >= bandRank[band] {
			listed = append(listed, f)
		}
	}
	return listed, len(fs) - len(listed)
}

// textFindings prints the findings section of `tmc check`, highest score
// first (then by fingerprint), every finding with why it has its impact
// and likelihood and, when it is not open, its status on lines of their
// own:
//
//	findings: 2 (1 open, 1 accepted)
//	path:line:col: finding[TMR-S03] high 15: message (TMR-S03@webhook)
//	  = why: impact 5: carries restricted `card` (rule default 4); likelihood 3: rule default (...)
//	path:line:col: finding[TMR-R01] medium 9: message (TMR-R01@events)
//	  = why: impact 3: rule default (...); likelihood 3: rule default (...)
//	  = accepted until 2027-06-30 by "payments-lead": reason
func textFindings(w io.Writer, p *diag.Printer, fs []*ir.Finding) error {
	if len(fs) == 0 {
		return nil
	}
	fs = byScore(fs)
	// Buffered, not built in one string: a big model has tens of
	// thousands of findings, and growing one string for them all cost
	// more than the rules that found them.
	b := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(b, "findings: %d", len(fs))
	if counts := statusCounts(fs); counts != "" {
		fmt.Fprintf(b, " (%s)", counts)
	}
	b.WriteByte('\n')
	for _, f := range fs {
		if f.Range.Start.IsValid() && p.Path != nil {
			b.WriteString(p.Path(f.Range.File))
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(f.Range.Start.Line))
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(f.Range.Start.Col))
			b.WriteString(": ")
		}
		b.WriteString("finding[")
		b.WriteString(f.Rule)
		b.WriteString("] ")
		b.WriteString(f.Band)
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(f.Score))
		b.WriteString(": ")
		b.WriteString(f.Message)
		b.WriteString(" (")
		b.WriteString(f.Fingerprint)
		b.WriteString(")\n")
		if why := f.Why(); why != "" {
			b.WriteString("  = why: ")
			b.WriteString(why)
			b.WriteByte('\n')
		}
		if f.Status != "" && f.Status != ir.Open {
			b.WriteString("  = ")
			b.WriteString(findingStatus(f))
			b.WriteByte('\n')
		}
	}
	return b.Flush()
}

// byScore returns the findings sorted by score, highest first, then by
// fingerprint.
func byScore(fs []*ir.Finding) []*ir.Finding {
	out := slices.Clone(fs)
	slices.SortFunc(out, func(a, b *ir.Finding) int {
		if a.Score != b.Score {
			return b.Score - a.Score
		}
		return strings.Compare(a.Fingerprint, b.Fingerprint)
	})
	return out
}

// statusCounts is "14 open, 1 accepted, 1 dismissed, 1 claimed", or "" when every
// finding is open.
func statusCounts(fs []*ir.Finding) string {
	n := map[string]int{}
	for _, f := range fs {
		st := f.Status
		if st == "" {
			st = ir.Open
		}
		n[st]++
	}
	if n[ir.Open] == len(fs) {
		return ""
	}
	order := []string{ir.Open, ir.Accepted, ir.Dismissed, ir.Claimed}
	var other []string // statuses this version does not know
	for st := range n {
		if !slices.Contains(order, st) {
			other = append(other, st)
		}
	}
	sort.Strings(other)
	var parts []string
	for _, st := range append(order, other...) {
		if n[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[st], st))
		}
	}
	return strings.Join(parts, ", ")
}

// findingStatus describes a finding's status: its StatusNote, or its
// status when nothing more is to be said.
func findingStatus(f *ir.Finding) string {
	if note := f.StatusNote(); note != "" {
		return note
	}
	return f.Status
}

type jsonTarget struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

type jsonFinding struct {
	Rule        string     `json:"rule"`
	Fingerprint string     `json:"fingerprint"`
	Target      jsonTarget `json:"target"`
	Stride      []string   `json:"stride"`
	Impact      int        `json:"impact"`
	Likelihood  int        `json:"likelihood"`
	Score       int        `json:"score"`
	Band        string     `json:"band"`
	// ImpactWhy and LikelihoodWhy say where the impact and likelihood
	// come from (docs/rules.md#severity), as in model.json.
	ImpactWhy     string `json:"impact_why,omitempty"`
	LikelihoodWhy string `json:"likelihood_why,omitempty"`
	Status        string `json:"status"`
	Message       string `json:"message"`
	File          string `json:"file"`
	Line          int    `json:"line"`
	Column        int    `json:"column"`
	// ClaimedBy is the threat that claims a claimed finding; Accepted the
	// acceptance of an accepted one, Dismissed the dismissal of a
	// dismissed one (as in model.json).
	ClaimedBy string            `json:"claimed_by,omitempty"`
	Accepted  *ir.AcceptedJSON  `json:"accepted,omitempty"`
	Dismissed *ir.DismissedJSON `json:"dismissed,omitempty"`
}

// jsonFindings is the "findings" member of tmc/check/v1; never nil.
func jsonFindings(p *diag.Printer, fs []*ir.Finding) []jsonFinding {
	out := []jsonFinding{}
	for _, f := range fs {
		file := f.Range.File
		if file != "" && p.Path != nil {
			file = p.Path(file)
		}
		out = append(out, jsonFinding{
			Rule: f.Rule, Fingerprint: f.Fingerprint, Target: jsonTarget{f.Target.Kind(), f.Target.ID()},
			Stride: append([]string{}, f.Stride...), Impact: f.Impact, Likelihood: f.Likelihood, Score: f.Score,
			Band: f.Band, ImpactWhy: f.ImpactWhy, LikelihoodWhy: f.LikelihoodWhy, Status: f.Status, Message: f.Message,
			File: file, Line: f.Range.Start.Line, Column: f.Range.Start.Col,
		})
		jf := &out[len(out)-1]
		if f.ClaimedBy != nil {
			jf.ClaimedBy = f.ClaimedBy.ID
		}
		jf.Accepted = f.Acceptance.JSON()
		jf.Dismissed = f.Dismissal.JSON()
	}
	return out
}

func countCrossings(res *compiler.Result) int {
	n := 0
	for _, f := range res.Model.Flows {
		n += len(f.Crossings)
	}
	return n
}

// modelPath is the model a command works on: its one argument, or the
// current folder.
func modelPath(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return "."
}

// compile runs the compiler with the options of the flags; a missing
// path is a usage error.
func compile(path string, flags *modelFlags) (*compiler.Result, error) {
	opts, err := flags.options()
	if err != nil {
		return nil, err
	}
	res, err := compiler.Compile(path, opts)
	if err != nil {
		var ue *compiler.UsageError
		if errors.As(err, &ue) {
			return nil, &usageError{err}
		}
		return nil, err
	}
	return res, nil
}

// printer prints paths relative to the current folder.
func printer(res *compiler.Result) *diag.Printer {
	cwd, _ := os.Getwd()
	return &diag.Printer{
		Source: res.Source.File,
		Path: func(file string) string {
			full := filepath.Join(res.Source.Root, filepath.FromSlash(file))
			if cwd != "" {
				if rel, err := filepath.Rel(cwd, full); err == nil {
					return rel
				}
			}
			return full
		},
	}
}

// status turns diagnostics into the exit status.
func status(ds diag.Diagnostics, strict bool) error {
	if ds.HasErrors() || strict && ds.Count(diag.Warning) > 0 {
		return &exitError{ExitFail}
	}
	return nil
}

// reportInput is the Input of render/report for a compiled model. Paths
// are relative to the repository root (the nearest folder above the model
// that holds .git), so code scanning and annotations point at the right
// files, and fingerprints do not depend on where the repository is.
//
// Its Findings are left empty: only the CI formats read them, and for
// tens of thousands of findings they cost a tenth of a big check; the
// caller fills them from the findings it reports.
func reportInput(res *compiler.Result) cireport.Input {
	in := cireport.Input{Diags: res.Diags, Model: res.Model}
	in.ToolVersion = version()
	in.Source = res.Source.File
	in.RootPrefix = repoPrefix(res.Source.Root)
	return in
}

// writeReport writes the CI formats of render/report.
func writeReport(w io.Writer, format string, in cireport.Input) error {
	switch format {
	case "sarif":
		return cireport.SARIF(w, in)
	case "github":
		return cireport.GitHub(w, in)
	}
	return cireport.Markdown(w, in)
}

// repoPrefix returns the model root relative to the enclosing repository
// (the nearest folder holding .git), with / and a trailing slash, or "".
func repoPrefix(root string) string {
	for dir := root; ; {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			rel, err := filepath.Rel(dir, root)
			if err != nil || rel == "." {
				return ""
			}
			return filepath.ToSlash(rel) + "/"
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
