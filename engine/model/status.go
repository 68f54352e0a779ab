package model

// Status is the lifecycle state of a group or subscriber (DESIGN.md §4).
type Status string

// Statuses, as in the Ideon API.
const (
	StatusPending   Status = "pending"
	StatusSubmitted Status = "submitted"
	StatusSynced    Status = "synced"
	StatusErrors    Status = "errors"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusPending, StatusSubmitted, StatusSynced, StatusErrors}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Derive computes a group's status from its own errors and its subscribers'
// statuses: errors if anything has outstanding errors, else pending if any
// change is unsent, else submitted if any sent change is unacknowledged,
// else synced. own is the group's status considering only group-level data.
func Derive(own Status, groupHasErrors bool, subscribers []Status) Status {
	if groupHasErrors || own == StatusErrors {
		return StatusErrors
	}
	has := map[Status]bool{own: true}
	for _, s := range subscribers {
		has[s] = true
	}
	for _, s := range []Status{StatusErrors, StatusPending, StatusSubmitted} {
		if has[s] {
			return s
		}
	}
	return StatusSynced
}
