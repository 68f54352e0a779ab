package census

import (
	"fmt"
	"strings"
)

// maxListed is how many column names a header error lists.
const maxListed = 10

// listNames lists column names for an error message: each name once, at
// most maxListed of them, then how many more, so that a hostile header of
// a million columns gives a message of one line.
func listNames(names []string) string {
	seen := make(map[string]bool, len(names))
	var uniq []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			uniq = append(uniq, n)
		}
	}
	if len(uniq) <= maxListed {
		return strings.Join(uniq, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(uniq[:maxListed], ", "), len(uniq)-maxListed)
}
