package cli

import (
	"fmt"
	"io"
	"strings"
)

// unifiedDiff writes the unified diff (three lines of context) that turns
// old into new, with --- oldName and +++ newName headers, or nothing when
// they are equal. The line diff is Myers' algorithm on what is left once
// the common head and tail are cut; past maxDiffLines lines on both sides
// the middle is shown as one replaced block, so a hostile pair of files
// costs linear time.
func unifiedDiff(w io.Writer, oldName, newName string, old, new []byte) error {
	if string(old) == string(new) {
		return nil
	}
	a, b := splitLines(string(old)), splitLines(string(new))
	ops := lineDiff(a, b)
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", oldName, newName)
	const context = 3
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// A hunk: from context lines before the first change to context
		// lines after the last change that is less than 2*context
		// unchanged lines from the next.
		start := max(0, i-context)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*context {
				end = min(end+context, len(ops))
				break
			}
			end = run
		}
		oldStart, newStart := ops[start].a, ops[start].b
		var oldN, newN int
		for _, op := range ops[start:end] {
			if op.kind != '+' {
				oldN++
			}
			if op.kind != '-' {
				newN++
			}
		}
		fmt.Fprintf(&sb, "@@ -%s +%s @@\n", hunkRange(oldStart, oldN), hunkRange(newStart, newN))
		for _, op := range ops[start:end] {
			line := op.line
			sb.WriteByte(op.kind)
			sb.WriteString(line)
			if !strings.HasSuffix(line, "\n") {
				sb.WriteString("\n\\ No newline at end of file\n")
			}
		}
		i = end
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

// hunkRange is a hunk header's START,COUNT for lines from index start.
func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start) // the line before an insertion
	}
	if n == 1 {
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// splitLines splits s after every newline; the last line may lack one.
func splitLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

// A diffOp is one line of a diff: kept (' '), removed ('-') or added
// ('+'); a and b are the indexes of the lines in old and new where it
// stands.
type diffOp struct {
	kind byte
	line string
	a, b int
}

// maxEdits bounds the edits Myers' algorithm looks for (its memory grows
// with their square); past it the changed middle is shown as one block.
const maxEdits = 1000

func lineDiff(a, b []string) []diffOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []diffOp
	for i := 0; i < pre; i++ {
		ops = append(ops, diffOp{' ', a[i], i, i})
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	mid := myers(ma, mb, pre)
	if mid == nil && len(ma)+len(mb) > 0 {
		for i, l := range ma {
			ops = append(ops, diffOp{'-', l, pre + i, pre})
		}
		for i, l := range mb {
			ops = append(ops, diffOp{'+', l, pre + len(ma), pre + i})
		}
	} else {
		ops = append(ops, mid...)
	}
	for i := 0; i < suf; i++ {
		ia, ib := len(a)-suf+i, len(b)-suf+i
		ops = append(ops, diffOp{' ', a[ia], ia, ib})
	}
	return ops
}

// myers is the shortest edit script from a to b (Myers 1986), its line
// indexes offset by off, or nil when it takes more than maxEdits edits.
func myers(a, b []string, off int) []diffOp {
	n, m := len(a), len(b)
	maxD := min(n+m, maxEdits)
	v := make([]int, 2*maxD+2)
	var trace [][]int
	done := false
	for d := 0; d <= maxD && !done; d++ {
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[maxD+k-1] < v[maxD+k+1] {
				x = v[maxD+k+1]
			} else {
				x = v[maxD+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[maxD+k] = x
			if x >= n && y >= m {
				done = true
				break
			}
		}
	}
	if !done {
		return nil
	}
	trace = append(trace, v)
	// Walk back from (n, m) through the saved frontiers.
	var rev []diffOp
	x, y := n, m
	for d := len(trace) - 2; d >= 0 && (x > 0 || y > 0); d-- {
		vd := trace[d]
		k := x - y
		var pk int
		if k == -d || k != d && vd[maxD+k-1] < vd[maxD+k+1] {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := vd[maxD+pk]
		py := px - pk
		for x > px && y > py {
			x, y = x-1, y-1
			rev = append(rev, diffOp{' ', a[x], off + x, off + y})
		}
		if d == 0 {
			break
		}
		if x == px {
			y--
			rev = append(rev, diffOp{'+', b[y], off + x, off + y})
		} else {
			x--
			rev = append(rev, diffOp{'-', a[x], off + x, off + y})
		}
	}
	for x > 0 && y > 0 {
		x, y = x-1, y-1
		rev = append(rev, diffOp{' ', a[x], off + x, off + y})
	}
	ops := make([]diffOp, len(rev))
	for i, op := range rev {
		ops[len(rev)-1-i] = op
	}
	return ops
}
