package check

import (
	"time"
)

// MaxReviewAge is how old a model's `reviewed` date may get before TM505.
const MaxReviewAge = 180 * 24 * time.Hour

// Review warns when the model was last reviewed more than 180 days ago
// (TM505). Today comes from SOURCE_DATE_EPOCH when set.
var Review = &Check{
	Name:  "review",
	Codes: []string{"TM505"},
	Doc:   "the model's reviewed date is at most 180 days old",
	Run: func(p *Pass) {
		m := p.Model
		if m.Reviewed == "" {
			return
		}
		t, err := time.Parse("2006-01-02", m.Reviewed)
		if err != nil {
			return
		}
		if age := p.Now.Sub(t); age > MaxReviewAge {
			d := p.Diags.Warnf("TM505", m.ReviewedAt, "model last reviewed %s, %d days ago (more than %d)", m.Reviewed, int(age.Hours()/24), int(MaxReviewAge.Hours()/24))
			d.Detail = "review the model with its owners and update `reviewed`"
		}
	},
}
