package mappings

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrInvalid is the sentinel every mapping compile error unwraps to.
var ErrInvalid = errors.New("invalid mapping")

// Problem is one mistake in a mapping file, at a position.
type Problem struct {
	File    string
	Line    int
	Column  int
	Message string
}

// String formats the problem as "FILE:LINE:COL: message".
func (p Problem) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Column, p.Message)
}

// Problems is every mistake found in a mapping file, sorted by position; it
// is the error Compile and Load return for a bad mapping.
type Problems []Problem

// Error lists the problems one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns ErrInvalid.
func (ps Problems) Unwrap() error { return ErrInvalid }

func (ps Problems) sort() {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if c := cmp.Compare(a.Line, b.Line); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Column, b.Column); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
}
