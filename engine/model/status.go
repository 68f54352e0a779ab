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

// GroupFacts are what a group's status is derived from; each store reads
// them and GroupStatus alone decides (DESIGN.md §4), so every store derives
// the same status.
type GroupFacts struct {
	// HasErrors: the group itself has outstanding errors.
	HasErrors bool
	// Unsent: the group's current version has not been transmitted.
	Unsent bool
	// Unacknowledged: a delivered transmission of the group still waits
	// for its final acknowledgement.
	Unacknowledged bool
	// Subscribers are the statuses its subscribers hold (each at least
	// once; none when the group has no subscribers yet).
	Subscribers []Status
}

// GroupStatus is the status rule of DESIGN.md §4: errors if the group or
// any subscriber has outstanding errors; else pending if the group has no
// subscribers yet (nothing has reached the carrier) or any change is
// unsent; else submitted if any sent change is unacknowledged; else synced.
func GroupStatus(f GroupFacts) Status {
	has := map[Status]bool{}
	for _, s := range f.Subscribers {
		has[s] = true
	}
	switch {
	case f.HasErrors || has[StatusErrors]:
		return StatusErrors
	case len(f.Subscribers) == 0 || f.Unsent || has[StatusPending]:
		return StatusPending
	case f.Unacknowledged || has[StatusSubmitted]:
		return StatusSubmitted
	}
	return StatusSynced
}
