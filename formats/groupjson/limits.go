package groupjson

import (
	"errors"
	"fmt"
	"io"

	"github.com/onboard/onboard/engine/model"
)

// Limits bound what one group JSON file can make the reader hold. Zero
// means no limit.
type Limits struct {
	// MaxValueBytes is the longest token accepted: a string (as written,
	// escapes counted as their bytes), a number or a literal. It is
	// checked as the bytes stream in, before the decoder buffers a value.
	MaxValueBytes int
	// MaxGroupMembers is the most members (subscribers and dependents)
	// one group may have.
	MaxGroupMembers int
}

// Option configures a Reader.
type Option func(*Reader)

// WithLimits sets the reader's limits.
func WithLimits(l Limits) Option { return func(r *Reader) { r.limits = l } }

// tokenError is a token longer than Limits.MaxValueBytes.
type tokenError struct {
	line, max int
}

func (e *tokenError) Error() string {
	return fmt.Sprintf("line %d: a value is longer than %d bytes", e.line, e.max)
}

// tokenLimit passes bytes through, failing with a *tokenError as soon as
// one JSON token grows past max bytes, so that no string of hundreds of
// megabytes is ever buffered whole.
type tokenLimit struct {
	r     io.Reader
	max   int
	inStr bool
	esc   bool
	run   int // bytes of the current string or bare token
	line  int
	err   error
}

func newTokenLimit(r io.Reader, max int) *tokenLimit {
	return &tokenLimit{r: r, max: max, line: 1}
}

// Read implements io.Reader.
func (t *tokenLimit) Read(p []byte) (int, error) {
	if t.err != nil {
		return 0, t.err
	}
	n, err := t.r.Read(p)
	for i, c := range p[:n] {
		switch {
		case t.inStr && t.esc:
			t.esc = false
			t.run++
		case t.inStr && c == '\\':
			t.esc = true
			t.run++
		case t.inStr && c == '"':
			t.inStr, t.run = false, 0
		case t.inStr:
			t.run++
		case c == '"':
			t.inStr, t.run = true, 0
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':':
			t.run = 0
		default:
			t.run++
		}
		if c == '\n' {
			t.line++
		}
		if t.run > t.max {
			t.err = &tokenError{line: t.line, max: t.max}
			return i, t.err
		}
	}
	return n, err
}

// limitError turns a *tokenError into the file's error, or returns nil.
func (r *Reader) limitError(err error) error {
	var te *tokenError
	if !errors.As(err, &te) {
		return nil
	}
	return r.fileError(te.line, fmt.Sprintf("The file is not group JSON this partner may send: line %d holds a value longer than %d bytes "+
		"(max_value_bytes); check the export, or ask the operator to raise max_value_bytes.", te.line, te.max))
}

// countMembers returns the subscribers and dependents of g.
func countMembers(g *model.Group) int {
	n := len(g.Subscribers)
	for i := range g.Subscribers {
		n += len(g.Subscribers[i].Dependents)
	}
	return n
}

// tooManyMembers is the error of a group over Limits.MaxGroupMembers: the
// group is rejected with it.
func (r *Reader) tooManyMembers(n, line int) model.Error {
	return model.Error{ErrorType: model.ErrParameterInvalid, Parameter: model.PathGroup,
		Message: fmt.Sprintf("The group has %d members, more than the %d one group may have in a file (max_group_members); "+
			"send its members over several files, or ask the operator to raise max_group_members.", n, r.limits.MaxGroupMembers),
		Source: &model.Source{File: r.file, Line: line}}
}
