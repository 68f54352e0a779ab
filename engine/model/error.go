package model

import (
	"fmt"
	"strings"
)

// ErrorType classifies an Error (DESIGN.md §5).
type ErrorType string

// Error types.
const (
	ErrParameterRequired  ErrorType = "invalid_request.parameter_required"
	ErrParameterInvalid   ErrorType = "invalid_request.parameter_invalid"
	ErrParameterDuplicate ErrorType = "invalid_request.parameter_duplicate"
	ErrReferenceUnknown   ErrorType = "invalid_request.reference_unknown"
	ErrCarrierRule        ErrorType = "carrier_rule"
	ErrCarrierError       ErrorType = "carrier_error"
	ErrFileInvalid        ErrorType = "file_invalid"
	ErrFileDuplicate      ErrorType = "file_duplicate"
)

// Error is the one error shape of onboard: result files, `onboard check`,
// acknowledgements and status all use it.
type Error struct {
	ErrorType ErrorType `json:"error_type"`
	Message   string    `json:"message"`
	Parameter string    `json:"parameter,omitempty"`
	Value     string    `json:"value,omitempty"`
	Source    *Source   `json:"source,omitempty"`
}

// Source names where in a partner's (or carrier's) file a value came from.
type Source struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column string `json:"column,omitempty"`
}

// Error implements error.
func (e Error) Error() string {
	var b strings.Builder
	if e.Source != nil && e.Source.File != "" {
		b.WriteString(e.Source.File)
		if e.Source.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Source.Line)
		}
		b.WriteString(": ")
	}
	if e.Parameter != "" {
		b.WriteString(e.Parameter)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Line returns the source line, or 0.
func (e Error) Line() int {
	if e.Source == nil {
		return 0
	}
	return e.Source.Line
}

// SortErrors orders errors by file position, then parameter, then message,
// so reports are deterministic.
func SortErrors(errs []Error) {
	sortStable(errs, func(a, b Error) int {
		if d := a.Line() - b.Line(); d != 0 {
			return d
		}
		ac, bc := "", ""
		if a.Source != nil {
			ac = a.Source.Column
		}
		if b.Source != nil {
			bc = b.Source.Column
		}
		if c := strings.Compare(ac, bc); c != 0 {
			return c
		}
		if c := strings.Compare(a.Parameter, b.Parameter); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
}
