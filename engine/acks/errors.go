package acks

import "errors"

// Why an acknowledgement file goes to acks/failed/. Each error that sends
// a file there unwraps to one of these; the rest of its text (written to
// NAME.error.txt beside the file) says which file, segment or line.
var (
	// ErrUnreadable: the file is neither an X12 acknowledgement (TA1,
	// 999, 997) nor a carrier result file, or it is malformed.
	ErrUnreadable = errors.New("not a readable acknowledgement")
	// ErrUnmatched: the file answers no transmission onboard made to the
	// carrier (unknown control numbers or file name), or names groups,
	// subscribers or transaction sets that transmission did not carry.
	ErrUnmatched = errors.New("matches no transmission")
	// ErrDuplicate: the same content was already applied under another
	// name; nothing was applied again.
	ErrDuplicate = errors.New("already processed")
)
