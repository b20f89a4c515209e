package dsl

import "sort"

// Suggest returns the candidate closest to name when it is close enough to
// be a likely typo, or "". Ties go to the alphabetically first candidate so
// the answer never depends on the order candidates were gathered in.
func Suggest(name string, candidates []string) string {
	if len(name) < 3 {
		return "" // any one- or two-letter name is "close" to too many others
	}
	best, bestDist := "", 1<<30
	sorted := candidates
	if !sort.StringsAreSorted(sorted) {
		sorted = append([]string(nil), candidates...)
		sort.Strings(sorted)
	}
	for _, c := range sorted {
		if c == name {
			continue
		}
		if diff := len(c) - len(name); diff > 3 || diff < -3 {
			continue // cannot be within the limit
		}
		d := editDistance(name, c)
		if d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := max(1, min(3, len(name)/3))
	if bestDist <= limit {
		return best
	}
	return ""
}

// editDistance is the Levenshtein distance with adjacent transpositions
// counted as one edit.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 20
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
