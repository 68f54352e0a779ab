package yamlnode

// maxCompared is the longest string Closest compares: a key that long is
// no typo of a known name, and the edit distance costs len(a)*len(b).
const maxCompared = 64

// Closest returns the known name nearest to s, if it is at most maxEdits
// single-byte insertions, deletions or substitutions away, and whether
// there is one; of names equally near, the first in known wins. Strings
// longer than 64 bytes are never near anything.
func Closest(s string, known []string, maxEdits int) (string, bool) {
	best, bestD := "", maxEdits+1
	if len(s) > maxCompared {
		return "", false
	}
	for _, k := range known {
		if len(k) > maxCompared || abs(len(s)-len(k)) >= bestD {
			continue // the distance is at least the difference in length
		}
		if d := distance(s, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best, bestD <= maxEdits
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// distance is the Levenshtein distance between a and b, over bytes.
func distance(a, b string) int {
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
