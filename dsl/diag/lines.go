package diag

import "bytes"

// Lines is an index of the line starts of one file's text, built once in
// a single pass, so that finding line n costs O(1) whatever the file's
// size and however many diagnostics point into it. (A scan from the
// start of the file per diagnostic made a 1.7 MB file with a handful of
// diagnostics near its end cost tens of seconds.)
type Lines struct {
	src    []byte
	starts []int
}

// NewLines indexes src.
func NewLines(src []byte) *Lines {
	starts := make([]int, 1, 1+bytes.Count(src, []byte{'\n'}))
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	return &Lines{src: src, starts: starts}
}

// Count returns the number of lines (a final line without a newline
// counts; an empty text has one empty line).
func (l *Lines) Count() int { return len(l.starts) }

// Line returns line n (1-based) without its newline (and without a
// trailing carriage return), and whether the text has such a line. The
// result shares the indexed text.
func (l *Lines) Line(n int) ([]byte, bool) {
	if n < 1 || n > len(l.starts) {
		return nil, false
	}
	line := l.src[l.starts[n-1]:]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	return bytes.TrimSuffix(line, []byte("\r")), true
}

// LineCache keeps one Lines per file name, for a writer that looks up the
// source lines of many diagnostics. The zero value is ready to use; it is
// not safe for concurrent use.
type LineCache struct {
	files map[string]*Lines
}

// Line returns line n of the named file, whose text src returns (nil:
// unknown file), indexing each file once.
func (c *LineCache) Line(file string, n int, src func(string) []byte) ([]byte, bool) {
	if src == nil || n < 1 {
		return nil, false
	}
	l, ok := c.files[file]
	if !ok {
		if text := src(file); text != nil {
			l = NewLines(text)
		}
		if c.files == nil {
			c.files = map[string]*Lines{}
		}
		c.files[file] = l
	}
	if l == nil {
		return nil, false
	}
	return l.Line(n)
}
