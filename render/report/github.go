package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/tmc-dev/tmc/dsl/diag"
)

// GitHub writes one GitHub Actions workflow command per diagnostic and
// finding:
//
//	::error file=models/core.tm,line=95,col=6,endLine=95,endColumn=13,title=TM301::unmarked boundary crossing: ...
//
// Errors are ::error, warnings ::warning, other diagnostics ::notice;
// open findings are ::warning when high or critical, else ::notice. A
// finding a threat claims or the model accepts gets no annotation: GitHub
// shows only ten of each kind per step, and those are for open problems.
func GitHub(w io.Writer, in Input) error {
	bw := bufio.NewWriter(w)
	for _, d := range in.Diags {
		cmd := "notice"
		switch d.Severity {
		case diag.Error:
			cmd = "error"
		case diag.Warning:
			cmd = "warning"
		}
		msg := d.Summary
		if d.Fix != "" {
			msg += "\nhelp: add `" + d.Fix + "`"
		}
		writeCommand(bw, cmd, in.annotationProps(d.Subject, d.Code), msg)
	}
	for _, f := range in.Findings {
		if f.Closed() {
			continue
		}
		cmd := "notice"
		if findingIsWarning(f.Band) {
			cmd = "warning"
		}
		title := f.Rule
		if f.Title != "" {
			title += " " + f.Title
		}
		writeCommand(bw, cmd, in.annotationProps(f.Range, title), findingMessage(f))
	}
	return bw.Flush()
}

// annotationProps returns the properties of an annotation, in the order
// GitHub documents them.
func (in *Input) annotationProps(r diag.Range, title string) [][2]string {
	var ps [][2]string
	if r.File != "" {
		ps = append(ps, [2]string{"file", in.uri(r.File)})
	}
	if r.Start.Line > 0 {
		ps = append(ps, [2]string{"line", fmt.Sprint(r.Start.Line)})
		if r.Start.Col > 0 {
			ps = append(ps, [2]string{"col", fmt.Sprint(r.Start.Col)})
		}
		if r.End.Line >= r.Start.Line {
			ps = append(ps, [2]string{"endLine", fmt.Sprint(r.End.Line)})
			// GitHub takes columns only for a range on one line.
			if r.End.Line == r.Start.Line && r.End.Col > r.Start.Col {
				ps = append(ps, [2]string{"endColumn", fmt.Sprint(r.End.Col)})
			}
		}
	}
	ps = append(ps, [2]string{"title", title})
	return ps
}

func writeCommand(w *bufio.Writer, cmd string, props [][2]string, msg string) {
	w.WriteString("::")
	w.WriteString(cmd)
	for i, p := range props {
		if i == 0 {
			w.WriteByte(' ')
		} else {
			w.WriteByte(',')
		}
		w.WriteString(p[0])
		w.WriteByte('=')
		w.WriteString(EscapeProperty(p[1]))
	}
	w.WriteString("::")
	w.WriteString(EscapeData(msg))
	w.WriteByte('\n')
}

// EscapeData escapes the message of a workflow command.
func EscapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// EscapeProperty escapes a property value of a workflow command.
func EscapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
