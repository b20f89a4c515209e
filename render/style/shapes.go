package style

import "strings"

// A queue is drawn the same way in every view (DFD, C4, sequence): a box
// with corners of QueueRadius and three stripes at its right end,
// QueueStripes, so a reader knows it from one picture to the next.
const QueueRadius = 2

// QueueStripesWidth is the room the stripes take at the right end of a
// queue's box, margin included: text stays left of it.
const QueueStripesWidth = 20

// QueueStripes returns the SVG path data of a queue's three stripes, 5 px
// apart, for a box at x, y of size w x h.
func QueueStripes(x, y, w, h float64) string {
	d := make([]string, 0, 3)
	for i := 1; i <= 3; i++ {
		d = append(d, "M "+Num(x+w-float64(i)*5)+" "+Num(y)+" V "+Num(y+h))
	}
	return strings.Join(d, " ")
}
