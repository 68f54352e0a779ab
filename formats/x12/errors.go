package x12

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error of this package that has a cause listed here
// unwraps to it, so callers decide with errors.Is, never on message text.
var (
	// ErrBadEnvelope: an Envelope cannot be written (a field too long, a
	// control number out of range, ...).
	ErrBadEnvelope = errors.New("invalid envelope")
	// ErrBadSegment: a segment id or its elements cannot be written.
	ErrBadSegment = errors.New("invalid segment")
	// ErrWriterState: an envelope method was called out of order (a set
	// begun outside a group, a trailer without its header).
	ErrWriterState = errors.New("envelope out of order")

	// ErrNoISA: the input does not begin with an ISA segment.
	ErrNoISA = errors.New("input does not begin with an ISA segment")
	// ErrBadISA: the ISA segment is malformed, so the delimiters are unknown.
	ErrBadISA = errors.New("malformed ISA segment")
	// ErrUnterminated: the input ends inside a segment.
	ErrUnterminated = errors.New("input ends inside a segment")
	// ErrSegmentTooLong: a segment exceeds MaxSegmentLength.
	ErrSegmentTooLong = errors.New("segment too long")
	// ErrBadSegmentID: a segment does not begin with a 2- or 3-character id.
	ErrBadSegmentID = errors.New("invalid segment id")

	// ErrRequired: a value the 834 needs is missing.
	ErrRequired = errors.New("is required")
	// ErrInvalid: a value cannot be expressed in the 834 (a malformed
	// date, an SSN that is not 9 digits).
	ErrInvalid = errors.New("is invalid")
	// ErrMissingCode: a canonical value has no X12 code (no HD03 for a
	// product line, no INS02 for a relationship).
	ErrMissingCode = errors.New("has no X12 code")

	// ErrNoAck: the input holds neither a TA1 nor a 999/997.
	ErrNoAck = errors.New("no TA1 or 999 acknowledgement found")
	// ErrMultipleAcks: ReadAck found more than one TA1 or more than one
	// acknowledged functional group; use ReadAcks.
	ErrMultipleAcks = errors.New("more than one acknowledgement")
	// ErrBadAck: an acknowledgement segment is malformed.
	ErrBadAck = errors.New("malformed acknowledgement")

	// ErrTrailerMissing: an IEA, GE or SE is missing.
	ErrTrailerMissing = errors.New("trailer missing")
	// ErrCountMismatch: IEA01, GE01 or SE01 disagrees with what it counts.
	ErrCountMismatch = errors.New("count does not match")
	// ErrControlMismatch: a trailer's control number differs from its
	// header's, or a control number is repeated or malformed.
	ErrControlMismatch = errors.New("control number mismatch")
	// ErrStructure: a segment is outside the envelope it belongs in.
	ErrStructure = errors.New("invalid control structure")
)

// SyntaxError is a tokenizer error with where it happened.
type SyntaxError struct {
	Line   int   // 1-based line of the segment
	Offset int64 // byte offset of the segment
	Pos    int   // 1-based position of the segment in its interchange; 0 if unknown
	Err    error // one of the sentinel errors
	Detail string
}

// Error implements error.
func (e *SyntaxError) Error() string {
	s := fmt.Sprintf("line %d (byte %d): %v", e.Line, e.Offset, e.Err)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the sentinel.
func (e *SyntaxError) Unwrap() error { return e.Err }

// FieldError is a value of the canonical model that cannot be written into
// an 834. Parameter is the canonical path (DESIGN.md §5), Element the X12
// element (NM103, HD03, ...). The message never quotes the value.
type FieldError struct {
	Parameter string
	Element   string
	Err       error
}

// Error implements error.
func (e *FieldError) Error() string {
	if e.Element == "" {
		return e.Parameter + ": " + e.Err.Error()
	}
	return e.Parameter + " (" + e.Element + "): " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *FieldError) Unwrap() error { return e.Err }

// Envelope levels of an EnvelopeError.
const (
	LevelInterchange = "interchange"
	LevelGroup       = "group"
	LevelSet         = "set"
)

// EnvelopeError is a problem Interchange.Validate found in the envelopes.
// Code is the acknowledgement code a receiver reports it with: a TA105 note
// code for the interchange level, an AK905 code for a functional group, an
// IK502 code for a transaction set.
type EnvelopeError struct {
	Level   string // LevelInterchange, LevelGroup or LevelSet
	Control int64  // control number of the envelope at fault (ISA13, GS06 or ST02)
	Code    string
	Segment string // the segment at fault (IEA, GE, SE, ...)
	Line    int
	Err     error // ErrTrailerMissing, ErrCountMismatch, ErrControlMismatch or ErrStructure
	Detail  string
}

// Error implements error.
func (e *EnvelopeError) Error() string {
	what := map[string]string{LevelInterchange: "interchange", LevelGroup: "functional group", LevelSet: "transaction set"}[e.Level]
	s := fmt.Sprintf("%s %d: %v", what, e.Control, e.Err)
	if e.Line > 0 {
		s = fmt.Sprintf("line %d: %s", e.Line, s)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the sentinel.
func (e *EnvelopeError) Unwrap() error { return e.Err }
