package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one mistake in the configuration (or a file it references),
// at a position and, for the config file, a dotted path such as
// partners[0].inbound.settle.
type Problem struct {
	File         string
	Line, Column int
	// Path is the dotted path of the value at fault; empty for problems
	// inside a referenced file (a mapping or layout).
	Path    string
	Message string
}

// String formats the problem as "file:line:col: path: message".
func (p Problem) String() string {
	if p.Path == "" {
		return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Column, p.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", p.File, p.Line, p.Column, p.Path, p.Message)
}

// Problems is every problem Load found, sorted by file, line and column. It
// is the error Load returns; use errors.As to get at it.
type Problems []Problem

// Error lists the problems, one "file:line:col: path: message" line each.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

func (ps Problems) sort() {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(
			strings.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			strings.Compare(a.Path, b.Path),
			strings.Compare(a.Message, b.Message),
		)
	})
}
