package census

import (
	"fmt"
	"strings"

	"github.com/onboard/onboard/mappings"
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

// knownColumns splits header names into those the mapping names as
// columns (safe to echo) and a count of the other distinct names.
func knownColumns(m *mappings.Mapping, names []string) (known []string, unknown int) {
	required, optional := m.Columns()
	cols := make(map[string]bool, len(required)+len(optional))
	for _, c := range append(required, optional...) {
		cols[strings.ToLower(strings.TrimSpace(c))] = true
	}
	others := map[string]bool{}
	for _, n := range names {
		if cols[strings.ToLower(strings.TrimSpace(n))] {
			known = append(known, n)
		} else if !others[n] {
			others[n] = true
			unknown++
		}
	}
	return known, unknown
}

// plural is "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
