package model

// Maintenance is what a carrier delivery does to a member (DESIGN.md §7).
type Maintenance string

// Maintenance types; X12 834 codes them INS03/HD01 021, 001, 024 and 030.
const (
	MaintAdd       Maintenance = "add"
	MaintChange    Maintenance = "change"
	MaintTerminate Maintenance = "terminate"
	MaintAudit     Maintenance = "audit" // full file: every active member
)

// MemberChange is one member's maintenance in a carrier delivery.
type MemberChange struct {
	Maintenance Maintenance
	// Subscriber is the subscriber; for a dependent, the subscriber it
	// belongs to.
	Subscriber *Subscriber
	// Dependent is nil when the member is the subscriber.
	Dependent *Dependent
	// ProductLines lists the product lines whose coverage this change
	// touches, in canonical order; empty means all the member has.
	ProductLines []string
	// EndDate is the termination date for MaintTerminate.
	EndDate string
}

// GroupChanges is everything a delivery carries for one group (sponsor):
// in X12, one transaction set.
type GroupChanges struct {
	Group   *Group
	Members []MemberChange
}
