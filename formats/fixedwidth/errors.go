package fixedwidth

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Sentinels. Each holds only the predicate; the error around it says what and
// where. Compare with errors.Is.
var (
	// Layout mistakes (LayoutError).
	ErrSyntax       = errors.New("is not valid YAML")
	ErrUnknownKey   = errors.New("is not a known key")
	ErrRequired     = errors.New("is required")
	ErrInvalid      = errors.New("is invalid")
	ErrDuplicate    = errors.New("is defined twice")
	ErrUnknownPath  = errors.New("is not a known source path")
	ErrNotAvailable = errors.New("is not available in this record")

	// Writing (FieldError).
	ErrTooLong      = errors.New("is longer than its width")
	ErrUnmapped     = errors.New("has no entry in the field's values table")
	ErrInvalidValue = errors.New("cannot be written in the field's format")
	ErrClosed       = errors.New("writer is closed")

	// Reading (ReadError).
	ErrUnknownRecord = errors.New("matches no record of the layout")
	ErrWidth         = errors.New("has the wrong width")
	ErrCountMismatch = errors.New("does not match the records read")
	ErrMissingColumn = errors.New("is missing from the header row")
)

// LayoutError is one mistake in a layout file, at a line and column
// (1-based, as github.com/goccy/go-yaml counts them).
type LayoutError struct {
	File   string
	Line   int
	Column int
	Err    error
}

// Error reads "FILE:LINE:COL: message".
func (e *LayoutError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
}

// Unwrap returns the cause, which wraps one of the Err sentinels.
func (e *LayoutError) Unwrap() error { return e.Err }

// LayoutErrors is every mistake found in a layout file, sorted by position.
// CompileLayout and LoadLayout return it as their error.
type LayoutErrors []*LayoutError

// Error lists the mistakes one per line.
func (es LayoutErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.Is and errors.As see each mistake.
func (es LayoutErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

func (es LayoutErrors) sort() {
	slices.SortStableFunc(es, func(a, b *LayoutError) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
}

// FieldError is a value that could not be written in its field.
type FieldError struct {
	// Record is the record being written; Field the field's name.
	Record RecordType
	Field  string
	// Member is the external identifier of the member whose record it is
	// (empty outside member records).
	Member string
	// Parameter is the canonical model path of the value
	// (group.subscribers[E1001].last_name), when the field has a source.
	Parameter string
	Err       error
}

// Error names the record, the field and the member, never the value: it may
// be a social security number.
func (e *FieldError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s record field %q", e.Record, e.Field)
	if e.Member != "" {
		fmt.Fprintf(&b, " (member %s)", e.Member)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

// Unwrap returns the cause, which wraps one of the Err sentinels.
func (e *FieldError) Unwrap() error { return e.Err }

// GroupError is every field of a group that could not be written. WriteGroup
// returns it having written nothing of the group, so the file stays whole and
// the caller can report the group and send the others.
type GroupError struct {
	// Group is the group's external identifier.
	Group  string
	Fields []*FieldError
}

// Error lists the fields one per line after the group.
func (e *GroupError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "writing group %s:", e.Group)
	for _, f := range e.Fields {
		b.WriteString("\n  ")
		b.WriteString(f.Error())
	}
	return b.String()
}

// Unwrap lets errors.Is and errors.As see each field error.
func (e *GroupError) Unwrap() []error {
	out := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f
	}
	return out
}

// ReadError is a line of a layout file that could not be read as a record.
// Reading goes on at the next line.
type ReadError struct {
	Line int
	Err  error
}

// Error reads "line N: message".
func (e *ReadError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the cause, which wraps one of the Err sentinels.
func (e *ReadError) Unwrap() error { return e.Err }
