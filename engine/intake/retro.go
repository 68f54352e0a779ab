package intake

import (
	"fmt"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
)

// retroErrors returns a carrier_rule error for each change of g that would
// take effect more than the carrier's max_retro_days before today
// (DESIGN.md §4): coverage that starts (a product line new to the member,
// or a start date moved) or ends (an end date newly set or moved), a
// dependent's end, and a partner's event effective (or happening) that
// long ago. What prev (the stored version, nil for a new group) already
// said is not a change: a census restating old start dates passes.
func retroErrors(g, prev *model.Group, c *config.Carrier, today time.Time) []model.Error {
	if c == nil {
		return nil
	}
	limit := today.AddDate(0, 0, -c.MaxRetroDays).Format(time.DateOnly)
	var errs []model.Error
	tooOld := func(date string) bool { return len(date) == 10 && date < limit }
	add := func(param, value, what string) {
		errs = append(errs, model.Error{ErrorType: model.ErrCarrierRule, Parameter: param, Value: value, Message: fmt.Sprintf(
			"%s %s is more than %d days before this file (carrier %s accepts changes back to %s); contact carrier %s to apply a change that old, or correct the date.",
			what, value, c.MaxRetroDays, c.ID, limit, c.ID)})
	}
	for i := range g.Subscribers {
		s := &g.Subscribers[i]
		var ps *model.Subscriber
		if prev != nil {
			ps = prev.Subscriber(s.ExternalIdentifier)
		}
		for _, e := range s.Enrollments {
			var pe *model.Enrollment
			if ps != nil {
				for j := range ps.Enrollments {
					if ps.Enrollments[j].ProductLine == e.ProductLine {
						pe = &ps.Enrollments[j]
					}
				}
			}
			path := model.EnrollmentPath(s.ExternalIdentifier, e.ProductLine)
			if (pe == nil || pe.StartDate != e.StartDate || pe.EndDate != "" && e.EndDate == "") && tooOld(e.StartDate) {
				add(path+".start_date", e.StartDate, "The coverage start")
			}
			if (pe == nil || pe.EndDate != e.EndDate) && tooOld(e.EndDate) {
				add(path+".end_date", e.EndDate, "The coverage end")
			}
		}
		for _, d := range s.Dependents {
			var pd *model.Dependent
			if ps != nil {
				for j := range ps.Dependents {
					if ps.Dependents[j].ExternalIdentifier == d.ExternalIdentifier {
						pd = &ps.Dependents[j]
					}
				}
			}
			if (pd == nil || pd.EndDate != d.EndDate) && tooOld(d.EndDate) {
				add(model.DependentPath(s.ExternalIdentifier, d.ExternalIdentifier)+".end_date", d.EndDate, "The dependent's coverage end")
			}
		}
		for j, q := range s.QualifyingLifeEvents {
			path := fmt.Sprintf("%s.qualifying_life_events[%d]", model.SubscriberPath(s.ExternalIdentifier), j)
			switch {
			case tooOld(q.EffectiveDate):
				add(path+".effective_date", q.EffectiveDate, "The "+q.Type+" event's effective date")
			case q.EffectiveDate == "" && tooOld(q.EventDate):
				add(path+".event_date", q.EventDate, "The "+q.Type+" event's date")
			}
		}
	}
	return errs
}
