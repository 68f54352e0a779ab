package config

import (
	"regexp"

	"github.com/onboard/onboard/engine/model"
	"time"
)

// Enrollment policy defaults (DESIGN.md §4, §9).
const (
	DefaultMaxRetroDays  = 60
	DefaultNewHireWindow = 90 * 24 * time.Hour
)

// monthDay is an MM-DD date of any year.
var monthDay = regexp.MustCompile(`^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`)

// enrollmentPolicy checks the carrier's dating and full-file settings.
func (c *checker) enrollmentPolicy(path string, cr *Carrier) {
	c.oneOf(path+".termination_policy", cr.TerminationPolicy, TerminateEndOfMonth, TerminateFileDate, TerminateDayBeforeNextStart)
	c.oneOf(path+".full_terminations", cr.FullTerminations, FullTerminationsExplicit, FullTerminationsOmission)
	c.oneOf(path+".full_purpose", cr.FullPurpose, FullPurposeReplace, FullPurposeVerify)
	if cr.MaxRetroDays < 0 {
		c.problemAt(path+".max_retro_days", "must be 0 or more days, not %d", cr.MaxRetroDays)
	}
	if cr.NewHireWindow < 0 || time.Duration(cr.NewHireWindow)%(24*time.Hour) != 0 {
		c.problemAt(path+".new_hire_window", "must be a whole number of days such as 90d, not %s", cr.NewHireWindow)
	}
	if oe := cr.OpenEnrollment; oe != nil {
		for _, f := range []struct{ name, v string }{{"from", oe.From}, {"to", oe.To}, {"effective", oe.Effective}} {
			if !monthDay.MatchString(f.v) {
				c.problemAt(path+".open_enrollment."+f.name, "%q must be a month and day as MM-DD, such as \"11-01\"", f.v)
			}
		}
	}
}

// NewHireWindowDays is the carrier's new-hire window in days.
func (c *Carrier) NewHireWindowDays() int {
	return int(time.Duration(c.NewHireWindow) / (24 * time.Hour))
}

// TerminationDate is the last day of coverage that a file dated today
// (YYYY-MM-DD) ends without saying when, by a termination policy
// (DESIGN.md §4): end_of_month (the default) the last day of today's month;
// file_date today itself; day_before_next_start the day before the next
// coverage month begins (the day before today when today is the first of a
// month, else the end of the month).
func TerminationDate(policy, today string) string {
	switch policy {
	case TerminateFileDate:
		return today
	case TerminateDayBeforeNextStart:
		if len(today) == 10 && today[8:] == "01" {
			return model.AddDays(today, -1)
		}
	}
	return model.EndOfMonth(today)
}
