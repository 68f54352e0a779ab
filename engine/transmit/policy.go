package transmit

import (
	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
)

// Policy is what a carrier's configuration decides about what a delivery
// means (DESIGN.md §4 Effective dates, §7 Modes).
type Policy struct {
	// Full sends every active member (X12 INS03 030) rather than the
	// changes alone.
	Full bool
	// Verify (full_purpose: verify) sends audits only: no termination.
	Verify bool
	// OmitTerminations (full_terminations: omission) leaves members who
	// left out of a full file rather than sending their 024.
	OmitTerminations bool
	// Today is the delivery's date (YYYY-MM-DD): the date a coverage
	// dropped without an end date is ended from.
	Today string
	// TerminationPolicy dates such an end (config.Terminate*; empty is
	// end_of_month).
	TerminationPolicy string
	// NewHireWindowDays: an employee whose coverage starts within this
	// many days of the hire date is a new hire (0: 90).
	NewHireWindowDays int
	// OpenEnrollment is the carrier's open enrollment window, or nil.
	OpenEnrollment *config.OpenEnrollment
}

// PolicyFor returns the carrier's policy for a delivery dated today.
func PolicyFor(c *config.Carrier, full bool, today string) Policy {
	return Policy{
		Full:              full,
		Verify:            c.FullPurpose == config.FullPurposeVerify,
		OmitTerminations:  c.FullTerminations == config.FullTerminationsOmission,
		Today:             today,
		TerminationPolicy: c.TerminationPolicy,
		NewHireWindowDays: c.NewHireWindowDays(),
		OpenEnrollment:    c.OpenEnrollment,
	}
}

// TerminationDate is config.TerminationDate: the end of coverage a file
// dated today drops without an end date.
func TerminationDate(policy, today string) string { return config.TerminationDate(policy, today) }

// termination is the policy's end date for coverage dropped today.
func (p Policy) termination() string { return TerminationDate(p.TerminationPolicy, p.Today) }

// inOpenEnrollment reports whether today falls in the carrier's open
// enrollment window, and the date elections then take effect (the window's
// effective day, the next one after today).
func (p Policy) inOpenEnrollment() (string, bool) {
	oe := p.OpenEnrollment
	if oe == nil || len(p.Today) != 10 {
		return "", false
	}
	md := p.Today[5:]
	in := md >= oe.From && md <= oe.To
	if oe.From > oe.To { // a window across the new year
		in = md >= oe.From || md <= oe.To
	}
	if !in {
		return "", false
	}
	eff := p.Today[:5] + oe.Effective
	if eff <= p.Today {
		eff = model.AddYears(eff, 1)
	}
	return eff, true
}

// changeDate is when a change to coverage that keeps its start date takes
// effect: the start itself while it has not begun (the change replaces
// what was never in force), else the open enrollment's effective date in
// the window, else the first day of the month after today.
func (p Policy) changeDate(start string) string {
	if start >= p.Today {
		return start
	}
	if eff, ok := p.inOpenEnrollment(); ok {
		return eff
	}
	return model.FirstOfNextMonth(p.Today)
}

// newHireWindow returns the window in days.
func (p Policy) newHireWindow() int {
	if p.NewHireWindowDays <= 0 {
		return 90
	}
	return p.NewHireWindowDays
}
