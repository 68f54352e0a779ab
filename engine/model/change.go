package model

// Maintenance is what a carrier delivery does to a member or to one of its
// coverages (DESIGN.md §7).
type Maintenance string

// Maintenance types; X12 834 codes them INS03/HD01 021, 001, 024 and 030.
const (
	MaintAdd       Maintenance = "add"       // a member new to the carrier; a coverage added
	MaintChange    Maintenance = "change"    // anything else about a member that stays; a coverage whose level or dates changed
	MaintTerminate Maintenance = "terminate" // a member whose every coverage ends; a coverage that ends
	MaintAudit     Maintenance = "audit"     // full file: every active member and coverage
)

// MemberChange is one member's maintenance in a carrier delivery: a member
// appears at most once per group (one X12 2000 loop), whatever happened to
// its coverages.
type MemberChange struct {
	// Maintenance is the member's: MaintAdd for a member new to the
	// carrier, MaintTerminate only when every coverage of the member ends,
	// MaintChange otherwise (coverage added, ended or changed inside,
	// demographic data), MaintAudit in a full file.
	Maintenance Maintenance
	// Subscriber is the subscriber; for a dependent, the subscriber it
	// belongs to.
	Subscriber *Subscriber
	// Dependent is nil when the member is the subscriber.
	Dependent *Dependent
	// ProductLines lists the product lines of Coverages, in canonical
	// order (what a layout's change.product_lines shows).
	ProductLines []string
	// EndDate is the member's eligibility end for MaintTerminate (the
	// latest end of its coverages).
	EndDate string
	// Event is the qualifying life event type behind the change
	// (EventBirth, ...); empty when none is known.
	Event string
	// EffectiveDate is when the maintenance takes effect (X12 DTP*303):
	// the event's effective date.
	EffectiveDate string
	// Coverages are the member's coverage maintenances (X12 2300 loops),
	// in canonical product-line order, a plan change's end before its
	// start. A MaintChange without coverages is a demographic change.
	Coverages []CoverageChange
	// CobraEvent is the COBRA qualifying event (CobraEvents) of a member
	// continuing coverage under COBRA; empty otherwise.
	CobraEvent string
}

// CoverageChange is one coverage maintenance of a member: in X12, an HD
// loop with its dates.
type CoverageChange struct {
	// Maintenance: MaintAdd (DTP*348 its start), MaintTerminate (DTP*349
	// its end, never before its start), MaintChange (a level or date
	// change, DTP*303 its effective date) or MaintAudit.
	Maintenance Maintenance
	// Enrollment is the coverage as it is after the change (for a
	// termination, the coverage that ends, EndDate set); a dependent's is
	// its subscriber's enrollment in the line, with the dependent's own
	// dates.
	Enrollment Enrollment
	// EffectiveDate is when a MaintChange takes effect.
	EffectiveDate string
}

// GroupChanges is everything a delivery carries for one group (sponsor):
// in X12, one transaction set.
type GroupChanges struct {
	Group   *Group
	Members []MemberChange
}
