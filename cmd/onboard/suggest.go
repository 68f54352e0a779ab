package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/onboard/onboard/engine/config"
)

// suggest returns ` (did you mean "X"?)` for the known name nearest to
// got, or "" when none is near (an edit distance of at most a third of
// the name, at least 2).
func suggest(got string, known []string) string {
	known = append([]string(nil), known...)
	sort.Strings(known) // ties go the same way every time
	best, bestD := "", -1
	for _, k := range known {
		d := editDistance(strings.ToLower(got), strings.ToLower(k))
		if bestD < 0 || d < bestD {
			best, bestD = k, d
		}
	}
	limit := max(2, len(got)/3)
	if bestD < 0 || bestD > limit || best == got {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
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
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// partnerIDs lists the configured partners' ids.
func partnerIDs(cfg *config.Config) []string {
	ids := make([]string, 0, len(cfg.Partners))
	for _, p := range cfg.Partners {
		ids = append(ids, p.ID)
	}
	return ids
}
