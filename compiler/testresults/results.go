// Package testresults reads the results of test runs, as CI writes them:
// the event stream of `go test -json`, and JUnit XML as pytest, Maven
// surefire, Gradle, Jest (jest-junit) and go-junit-report write it. It
// matches the results to the tests a model's controls name, so a control's
// test is passed, failed or not run.
//
// The format of a file is detected from its first byte: `<` is JUnit XML,
// anything else `go test -json` output (whose lines that are not JSON,
// such as build output mixed in with 2>&1, are skipped).
//
// # Matching
//
// A control names a test file (relative to the project root once the
// compiler has resolved it) and perhaps a test name after a colon. A
// result is of that file when:
//
//   - go test -json: the package's import path ends with the file's
//     folder, segment by segment (example.com/shop/services/billing is of
//     services/billing/webhook_test.go); a file at the project root is of
//     any package.
//   - JUnit with a file attribute (pytest, jest-junit): the attribute and
//     the path are equal, or one ends with the other, segment by segment.
//   - JUnit classname with a / (jest-junit's {filepath}, go-junit-report's
//     package path): as a file attribute, or as a Go package.
//   - JUnit dotted classname (pytest services.billing.test_webhook.TestX,
//     Maven com.example.WebhookTest, Gradle): its first segments are the
//     last segments of the path without its extension (a Java inner class
//     after $ is ignored).
//
// A result is of the test name when its name is that name, or that name
// followed by a parameter list ("[", "(") or a subtest ("/"). With no test
// name, every result of the file counts.
//
// The state of a test: failed when any result of it failed (a JUnit
// failure or error); else passed when any passed; else not run (only
// skipped, or no result at all).
package testresults

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// States of a test.
const (
	Passed = "passed"
	Failed = "failed"
	NotRun = "not run"
	// Skipped is the state of a single result; a test with only skipped
	// results is NotRun.
	Skipped = "skipped"
)

// A Case is the result of one test in one results file.
type Case struct {
	Package   string // go test -json: the import path of the package
	Classname string // JUnit: the classname attribute
	File      string // JUnit: the file attribute, with /
	Name      string // the test's name (go: TestX or TestX/sub)
	State     string // Passed, Failed or Skipped
	Source    string // the results file it comes from, as given
}

// ID names the case for messages: package.Name, classname.name, or name.
func (c *Case) ID() string {
	switch {
	case c.Package != "":
		return c.Package + "." + c.Name
	case c.Classname != "":
		return c.Classname + "." + c.Name
	}
	return c.Name
}

// A FormatError is a results file that cannot be read as either format.
type FormatError struct {
	File string // as given
	Line int    // 0 when unknown
	Msg  string
}

func (e *FormatError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Results are the cases of every results file read.
type Results struct {
	Files []string // the files read, as given, in the order given
	Cases []*Case
	// Time is when the results were made: the newest timestamp in them,
	// or for a file without any, its modification time.
	Time time.Time
	// Errors are the files that could not be read as results.
	Errors []*FormatError

	// byBase indexes Cases by base name (built on first Match).
	byBase  map[string][]*Case
	indexed int // how many Cases byBase holds
}

// base is a test name up to its parameters or subtest: what a control's
// test name and the results of it share.
func base(name string) string {
	if i := strings.IndexAny(name, "[(/"); i >= 0 {
		return name[:i]
	}
	return name
}

// Add reads the results file name (its contents data, modified at mtime)
// into r. A file that is neither format, or is broken, is recorded in
// Errors and returned; its cases read before the break are dropped.
func (r *Results) Add(name string, data []byte, mtime time.Time) error {
	r.Files = append(r.Files, name)
	cases, newest, err := Parse(name, data)
	if err != nil {
		var fe *FormatError
		if !errors.As(err, &fe) {
			fe = &FormatError{File: name, Msg: err.Error()}
		}
		r.Errors = append(r.Errors, fe)
		return fe
	}
	if newest.IsZero() {
		newest = mtime.UTC()
	}
	if newest.After(r.Time) {
		r.Time = newest
	}
	r.Cases = append(r.Cases, cases...)
	return nil
}

// Parse reads one results file, detecting its format: its cases and the
// newest timestamp in it (zero when it has none).
func Parse(name string, data []byte) ([]*Case, time.Time, error) {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '<' {
		return ParseJUnit(name, data)
	}
	return ParseGoJSON(name, data)
}

// goEvent is one line of `go test -json` (cmd/test2json).
type goEvent struct {
	Time    time.Time
	Action  string
	Package string
	Test    string
}

// ParseGoJSON reads the output of `go test -json`: one JSON event per
// line. Lines that do not start with { are skipped (build output mixed
// in); a line that starts with { and is not an event is an error. A
// test's result is its last pass, fail or skip event.
func ParseGoJSON(name string, data []byte) ([]*Case, time.Time, error) {
	if !utf8.Valid(data) {
		return nil, time.Time{}, &FormatError{File: name, Msg: "neither go test -json output nor JUnit XML: the file is not UTF-8 text"}
	}
	type key struct{ pkg, test string }
	last := map[key]*Case{}
	var order []key
	var newest time.Time
	events := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 || text[0] != '{' {
			continue
		}
		if bytes.Contains(text, []byte(`"Action":"output"`)) {
			continue // most of the stream, and nothing tmc reads
		}
		var ev goEvent
		if err := json.Unmarshal(text, &ev); err != nil {
			return nil, time.Time{}, &FormatError{File: name, Line: line, Msg: "not a go test -json event: " + jsonErr(err)}
		}
		if ev.Action == "" {
			return nil, time.Time{}, &FormatError{File: name, Line: line, Msg: "not a go test -json event: no Action"}
		}
		events++
		if ev.Time.After(newest) {
			newest = ev.Time.UTC()
		}
		if ev.Test == "" {
			continue // a package's own events
		}
		var st string
		switch ev.Action {
		case "pass":
			st = Passed
		case "fail":
			st = Failed
		case "skip":
			st = Skipped
		default:
			continue
		}
		k := key{ev.Package, ev.Test}
		c := last[k]
		if c == nil {
			c = &Case{Package: ev.Package, Name: ev.Test, Source: name}
			last[k] = c
			order = append(order, k)
		}
		// Several runs (-count=N): a failure in any of them stands.
		if c.State != Failed {
			c.State = st
		}
	}
	if err := sc.Err(); err != nil {
		return nil, time.Time{}, &FormatError{File: name, Msg: "cannot read: " + err.Error()}
	}
	if events == 0 {
		return nil, time.Time{}, &FormatError{File: name, Msg: "neither go test -json output nor JUnit XML: no test event and no XML in it"}
	}
	cases := make([]*Case, 0, len(order))
	for _, k := range order {
		cases = append(cases, last[k])
	}
	return cases, newest, nil
}

func jsonErr(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (at byte %d of the line)", se.Error(), se.Offset)
	}
	return err.Error()
}

// The JUnit XML elements tmc reads; everything else is ignored.
type xSuite struct {
	Timestamp string   `xml:"timestamp,attr"`
	File      string   `xml:"file,attr"`
	Cases     []xCase  `xml:"testcase"`
	Suites    []xSuite `xml:"testsuite"`
}

type xCase struct {
	Name      string     `xml:"name,attr"`
	Classname string     `xml:"classname,attr"`
	File      string     `xml:"file,attr"`
	Failure   []struct{} `xml:"failure"`
	Error     []struct{} `xml:"error"`
	Skipped   []struct{} `xml:"skipped"`
}

// ParseJUnit reads JUnit XML: a <testsuites> root, or a single
// <testsuite>, with <testcase name classname file?> elements holding
// <failure>, <error> or <skipped>. Suites may nest. The newest suite
// timestamp is the time of the results.
func ParseJUnit(name string, data []byte) ([]*Case, time.Time, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	dec.CharsetReader = func(charset string, input io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "us-ascii", "ascii", "iso-8859-1", "latin1":
			return input, nil // tmc reads attributes that are ASCII in practice
		}
		return nil, fmt.Errorf("unsupported encoding %q", charset)
	}
	var root xSuite
	var rootName string
	for {
		tok, err := dec.Token()
		if err != nil {
			if err == io.EOF {
				return nil, time.Time{}, &FormatError{File: name, Msg: "JUnit XML without a <testsuites> or <testsuite> element"}
			}
			return nil, time.Time{}, xmlErr(name, dec, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		rootName = se.Name.Local
		if rootName != "testsuites" && rootName != "testsuite" {
			line, _ := dec.InputPos()
			return nil, time.Time{}, &FormatError{File: name, Line: line, Msg: fmt.Sprintf("not JUnit XML: the root element is <%s>, not <testsuites> or <testsuite>", rootName)}
		}
		if err := dec.DecodeElement(&root, &se); err != nil {
			return nil, time.Time{}, xmlErr(name, dec, err)
		}
		break
	}
	// Nothing but space and comments may follow the root.
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, time.Time{}, xmlErr(name, dec, err)
		}
		if _, ok := tok.(xml.StartElement); ok {
			line, _ := dec.InputPos()
			return nil, time.Time{}, &FormatError{File: name, Line: line, Msg: "JUnit XML with a second root element"}
		}
	}
	var cases []*Case
	var newest time.Time
	var walk func(s *xSuite, file string)
	walk = func(s *xSuite, file string) {
		if t, ok := parseStamp(s.Timestamp); ok && t.After(newest) {
			newest = t
		}
		if s.File != "" {
			file = s.File
		}
		for i := range s.Cases {
			x := &s.Cases[i]
			c := &Case{Classname: x.Classname, File: x.File, Name: x.Name, State: Passed, Source: name}
			if c.File == "" {
				c.File = file
			}
			c.File = strings.ReplaceAll(c.File, `\`, "/")
			switch {
			case len(x.Failure) > 0 || len(x.Error) > 0:
				c.State = Failed
			case len(x.Skipped) > 0:
				c.State = Skipped
			}
			cases = append(cases, c)
		}
		for i := range s.Suites {
			walk(&s.Suites[i], file)
		}
	}
	walk(&root, "")
	return cases, newest, nil
}

func xmlErr(name string, dec *xml.Decoder, err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &FormatError{File: name, Line: se.Line, Msg: "broken XML: " + se.Msg}
	}
	line, _ := dec.InputPos()
	return &FormatError{File: name, Line: line, Msg: "broken XML: " + err.Error()}
}

// stampLayouts are the timestamps JUnit writers use: ISO 8601 with or
// without a zone and fractions (a missing zone is read as UTC).
var stampLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
}

func parseStamp(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, l := range stampLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// Match returns the state of the test a control names: the file (relative
// to the project root, with /) and the test name (may be empty), with the
// cases that matched, failed ones first, then by results file and id.
func (r *Results) Match(file, test string) (string, []*Case) {
	cases := r.Cases
	if test != "" {
		// Only results of the same base name can be of the test: look
		// them up instead of trying every result.
		if r.byBase == nil || r.indexed != len(r.Cases) {
			r.byBase = map[string][]*Case{}
			for _, c := range r.Cases {
				b := base(c.Name)
				r.byBase[b] = append(r.byBase[b], c)
			}
			r.indexed = len(r.Cases)
		}
		cases = r.byBase[base(test)]
	}
	file = path.Clean(file)
	var matched []*Case
	for _, c := range cases {
		if c.ofTest(test) && c.ofFile(file) {
			matched = append(matched, c)
		}
	}
	state := NotRun
	for _, c := range matched {
		if c.State == Failed {
			state = Failed
			break
		}
		if c.State == Passed {
			state = Passed
		}
	}
	// Sort for determinism: the results files are read in the order given,
	// but messages list failures first.
	sort.SliceStable(matched, func(i, j int) bool {
		a, b := matched[i], matched[j]
		if (a.State == Failed) != (b.State == Failed) {
			return a.State == Failed
		}
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		return a.ID() < b.ID()
	})
	return state, matched
}

// ofTest reports whether the case is of the test name (any, when empty).
func (c *Case) ofTest(test string) bool {
	if test == "" || c.Name == test {
		return true
	}
	if !strings.HasPrefix(c.Name, test) {
		return false
	}
	switch c.Name[len(test)] {
	case '[', '(', '/':
		return true
	}
	return false
}

// ofFile reports whether the case is of the test file (project-relative,
// with /, clean).
func (c *Case) ofFile(file string) bool {
	switch {
	case c.Package != "":
		return ofPackage(c.Package, file)
	case c.File != "":
		return sameFile(c.File, file)
	case strings.Contains(c.Classname, "/"):
		return sameFile(c.Classname, file) || ofPackage(c.Classname, file)
	case c.Classname != "":
		return ofClass(c.Classname, file)
	}
	return false
}

// ofPackage: the import path ends with the file's folder.
func ofPackage(pkg, file string) bool {
	dir := path.Dir(file)
	if dir == "." {
		return true
	}
	return pkg == dir || strings.HasSuffix(pkg, "/"+dir)
}

// sameFile: the paths are equal, or one ends with the other.
func sameFile(a, b string) bool {
	a = strings.TrimPrefix(path.Clean(a), "./")
	if a == b {
		return true
	}
	return strings.HasSuffix(a, "/"+b) || strings.HasSuffix(b, "/"+a)
}

// ofClass: the classname's first segments are the last segments of the
// file's path without its extension.
func ofClass(class, file string) bool {
	stem := strings.TrimSuffix(file, path.Ext(file))
	fs := strings.Split(stem, "/")
	cs := strings.Split(class, ".")
	for i, s := range cs {
		if k := strings.IndexByte(s, '$'); k >= 0 {
			cs[i] = s[:k]
		}
	}
	base := fs[len(fs)-1]
	for k := 1; k <= len(cs) && k <= len(fs); k++ {
		if cs[k-1] != base {
			continue
		}
		if equal(cs[:k], fs[len(fs)-k:]) {
			return true
		}
	}
	return false
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
