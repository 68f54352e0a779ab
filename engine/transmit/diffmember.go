package transmit

import (
	"slices"

	"github.com/onboard/onboard/engine/model"
)

// memberResult is what the walk learned of one member: its change (when
// changed), the product lines it has active in cur (for a full file) and
// the event its own change suggests, before the family's is known.
type memberResult struct {
	mc      model.MemberChange
	changed bool
	active  coverage // cur's active coverage; w's scratch is not kept: a copy
	own     string   // the event the member's own change suggests
	dep     bool
}

// audit returns the member as a full file states it: every active line.
func (r *memberResult) audit() model.MemberChange {
	mc := model.MemberChange{Maintenance: model.MaintAudit, Subscriber: r.mc.Subscriber, Dependent: r.mc.Dependent,
		CobraEvent: r.mc.CobraEvent}
	mc.Coverages = make([]model.CoverageChange, len(r.active))
	mc.ProductLines = make([]string, len(r.active))
	for i, lc := range r.active {
		mc.Coverages[i] = model.CoverageChange{Maintenance: model.MaintAudit, Enrollment: lc.e}
		mc.ProductLines[i] = lc.line
	}
	return mc
}

// memberChange compares a member's coverage line by line (base and cur
// are in canonical line order, so their union is walked as a merge) and
// returns its change. known is whether base has the member at all;
// sameData whether its member data (name, address, ...) is unchanged.
func (w *walker) memberChange(s *model.Subscriber, d *model.Dependent, known bool, base, cur coverage, sameData bool) memberResult {
	p := w.p
	r := memberResult{dep: d != nil}
	r.mc = model.MemberChange{Subscriber: s, Dependent: d}
	if s.EmploymentDetails != nil && s.EmploymentDetails.Status == "cobra" {
		r.mc.CobraEvent = s.EmploymentDetails.CobraEvent
	}
	if cap(w.covArena) < 16 {
		w.covArena = make([]model.CoverageChange, 0, 1024)
	}
	covs := w.covArena[:0]
	add := func(c model.CoverageChange) { covs = append(covs, c) }
	wasAny, isAny := false, false
	for i, j := 0, 0; i < len(base) || j < len(cur); {
		var b, c model.Enrollment
		var inBase, inCur bool
		switch {
		case j == len(cur) || i < len(base) && compareLines(base[i].line, cur[j].line) < 0:
			b, inBase = base[i].e, true
			i++
		case i == len(base) || compareLines(base[i].line, cur[j].line) > 0:
			c, inCur = cur[j].e, true
			j++
		default: // the same line
			b, c, inBase, inCur = base[i].e, cur[j].e, true, true
			i++
			j++
		}
		wasActive, isActive := inBase && b.EndDate == "", inCur && c.EndDate == ""
		wasAny = wasAny || wasActive
		isAny = isAny || isActive
		if isActive && p.Full {
			r.active = append(r.active, lineCoverage{c.ProductLine, c})
		}
		switch {
		case !wasActive && isActive: // new, or reinstated
			add(model.CoverageChange{Maintenance: model.MaintAdd, Enrollment: c})
		case wasActive && !inCur: // no longer listed
			add(model.CoverageChange{Maintenance: model.MaintTerminate, Enrollment: endOn(b, w.end)})
		case wasActive && !isActive:
			add(model.CoverageChange{Maintenance: model.MaintTerminate, Enrollment: endOn(c, c.EndDate)})
		case wasActive && isActive && b.PlanID != c.PlanID:
			// A plan change: the old plan ends the day before the new one
			// starts (a cancellation when the old one never began).
			eff := c.StartDate
			if eff == b.StartDate {
				eff = p.changeDate(c.StartDate)
			}
			c.StartDate = eff
			add(model.CoverageChange{Maintenance: model.MaintTerminate, Enrollment: endOn(b, model.AddDays(eff, -1))})
			add(model.CoverageChange{Maintenance: model.MaintAdd, Enrollment: c})
		case wasActive && isActive && b != c:
			// The level or dates of the same plan: effective when the
			// partner moved the start to, else by the policy.
			eff := c.StartDate
			if eff == b.StartDate {
				eff = p.changeDate(c.StartDate)
			}
			add(model.CoverageChange{Maintenance: model.MaintChange, Enrollment: c, EffectiveDate: eff})
		case inBase && inCur && !wasActive && !isActive && b.EndDate != c.EndDate:
			add(model.CoverageChange{Maintenance: model.MaintTerminate, Enrollment: endOn(c, c.EndDate)}) // a corrected end date
		}
	}
	w.covArena = covs[len(covs):]
	if len(covs) == 0 && (sameData || !isAny) {
		// Nothing changed; or only data of a member without coverage, which
		// the carrier no longer holds.
		return r
	}
	r.changed = true
	r.mc.Coverages = covs[:len(covs):len(covs)]
	pls := w.carve(len(covs))
	for _, c := range covs {
		if n := len(pls); n == 0 || pls[n-1] != c.Enrollment.ProductLine {
			pls = append(pls, c.Enrollment.ProductLine)
		}
	}
	r.mc.ProductLines = pls

	switch {
	case !known && isAny:
		r.mc.Maintenance = model.MaintAdd
		r.mc.EffectiveDate = earliestStart(covs)
		r.own = w.newMemberEvent(s, d, r.mc.EffectiveDate)
	case known && wasAny && !isAny:
		r.mc.Maintenance = model.MaintTerminate
		r.mc.EndDate = latestEnd(covs)
		r.mc.EffectiveDate = r.mc.EndDate
		r.own = leavingEvent(d)
	case !known && !isAny:
		// Never sent and already ended: the carrier never knew the member.
		r.changed = false
		return r
	default:
		r.mc.Maintenance = model.MaintChange
		r.mc.EffectiveDate = changeEffective(covs, p.Today)
		switch {
		case w.toCobra && d == nil:
			r.own = model.EventCobra
		case !wasAny && isAny && d == nil:
			r.own = model.EventReHire
		case len(covs) == 0:
			r.own = model.EventDemographicChange
		default:
			r.own = model.EventPlanChange
			if _, ok := p.inOpenEnrollment(); ok {
				r.own = model.EventOpenEnrollment
			}
		}
	}
	return r
}

// endOn returns e ended on end, never before it starts: ending coverage
// that has not begun is a cancellation dated its start (DESIGN.md §4).
func endOn(e model.Enrollment, end string) model.Enrollment {
	if end < e.StartDate {
		end = e.StartDate
	}
	e.EndDate = end
	return e
}

// earliestStart is the first start date of the coverages added.
func earliestStart(covs []model.CoverageChange) string {
	first := ""
	for _, c := range covs {
		if c.Maintenance == model.MaintAdd && (first == "" || c.Enrollment.StartDate < first) {
			first = c.Enrollment.StartDate
		}
	}
	return first
}

// latestEnd is the last end date of the coverages ended.
func latestEnd(covs []model.CoverageChange) string {
	last := ""
	for _, c := range covs {
		if c.Maintenance == model.MaintTerminate && c.Enrollment.EndDate > last {
			last = c.Enrollment.EndDate
		}
	}
	return last
}

// changeEffective is when a change of a member who stays takes effect:
// the earliest start or change among its coverages, else (coverage only
// ending) the earliest end, else (a demographic change) today.
func changeEffective(covs []model.CoverageChange, today string) string {
	eff, end := "", ""
	for _, c := range covs {
		switch c.Maintenance {
		case model.MaintAdd:
			if eff == "" || c.Enrollment.StartDate < eff {
				eff = c.Enrollment.StartDate
			}
		case model.MaintChange:
			if eff == "" || c.EffectiveDate < eff {
				eff = c.EffectiveDate
			}
		case model.MaintTerminate:
			if end == "" || c.Enrollment.EndDate < end {
				end = c.Enrollment.EndDate
			}
		}
	}
	switch {
	case eff != "":
		return eff
	case end != "":
		return end
	}
	return today
}

// newMemberEvent is the event of a member new to the carrier, by the rules
// of DESIGN.md §4: a group's first delivery is its initial enrollment; an
// employee hired within the new-hire window of the coverage start is a
// new hire; a spouse or partner joining is a marriage; a child born within
// 60 days before its coverage starts (or after) is a birth; an adopted
// child is an adoption.
func (w *walker) newMemberEvent(s *model.Subscriber, d *model.Dependent, start string) string {
	if w.initial {
		return model.EventInitialEnrollment
	}
	if d == nil {
		if s.EmploymentDetails != nil {
			if days, ok := model.DaysBetween(s.EmploymentDetails.StartDate, start); ok && days >= 0 && days <= w.p.newHireWindow() {
				return model.EventNewHire
			}
		}
		return model.EventInitialEnrollment
	}
	switch d.SubscriberRelationship {
	case "spouse", "domestic_partner", "registered_domestic_partner":
		return model.EventMarriage
	case "adopted_child":
		return model.EventAdoption
	case "child", "stepchild", "foster_child":
		if days, ok := model.DaysBetween(d.BirthDate, start); ok && days <= 60 {
			return model.EventBirth
		}
	}
	return ""
}

// leavingEvent is the event of a member whose every coverage ends: the
// employee's termination of employment, a spouse's divorce; a child's has
// none of its own.
func leavingEvent(d *model.Dependent) string {
	if d == nil {
		return model.EventTerminationOfEmployment
	}
	switch d.SubscriberRelationship {
	case "spouse", "domestic_partner", "registered_domestic_partner":
		return model.EventDivorce
	}
	return ""
}

// familyEvent gives every changed member of the family in w.fam its event:
// the subscriber's when the employee joins, returns or leaves (the family
// follows), else a dependent's life event (a birth, a marriage, ...) for
// every member whose own change is only its consequence (a level change,
// say), else each member's own.
func (w *walker) familyEvent() {
	if w.explicitEvents() {
		return
	}
	fam := ""
	if sub := &w.fam[0]; sub.changed {
		switch sub.own {
		case model.EventInitialEnrollment, model.EventNewHire, model.EventReHire, model.EventTerminationOfEmployment, model.EventCobra:
			fam = sub.own
		}
	}
	override := fam != ""
	famDate := ""
	if !override {
		for i := range w.fam[1:] {
			if r := &w.fam[1+i]; r.changed && lifeEvent(r.own) {
				fam, famDate = r.own, r.mc.EffectiveDate
				if r.mc.Maintenance == model.MaintTerminate {
					famDate = model.AddDays(famDate, 1) // the family changes the day after the member's last
				}
				break
			}
		}
	}
	for i := range w.fam {
		r := &w.fam[i]
		if !r.changed {
			continue
		}
		switch {
		case override && fam != "":
			r.mc.Event = fam
		case lifeEvent(r.own):
			r.mc.Event = r.own
		case fam != "":
			r.mc.Event = fam
			if famDate != "" {
				r.consequenceOn(famDate)
			}
		default:
			r.mc.Event = r.own
		}
	}
}

// lifeEvent reports whether an event is a family's life event rather than
// a change of elections or data.
func lifeEvent(e string) bool {
	switch e {
	case model.EventBirth, model.EventAdoption, model.EventMarriage, model.EventDivorce, model.EventDeath, model.EventLegalSeparation:
		return true
	}
	return false
}

// carve returns an empty slice with room for n lines from w's arena: one
// allocation for the lines of many changes. Its capacity is exactly n, so
// an append by a later user copies rather than overwrites a neighbour.
func (w *walker) carve(n int) []string {
	if cap(w.arena)-len(w.arena) < n {
		w.arena = make([]string, 0, max(n, 512))
	}
	at := len(w.arena)
	w.arena = w.arena[:at+n]
	return w.arena[at : at : at+n]
}

// consequenceOn dates a member's level and date changes, which follow from
// a family member's life event, on the event's effective date: a
// subscriber's level changes when the newborn's or spouse's coverage
// starts, not on the first of a later month.
func (r *memberResult) consequenceOn(date string) {
	moved := false
	for i := range r.mc.Coverages {
		if c := &r.mc.Coverages[i]; c.Maintenance == model.MaintChange && c.EffectiveDate != c.Enrollment.StartDate {
			c.EffectiveDate, moved = max(date, c.Enrollment.StartDate), true
		}
	}
	if moved && r.mc.Maintenance == model.MaintChange {
		r.mc.EffectiveDate = changeEffective(r.mc.Coverages, date)
	}
}

// explicitEvents gives the family's changed members the events the
// partner sent (Subscriber.QualifyingLifeEvents): a member's own event, or
// else the family's first; an event's effective date, when given, is the
// member's maintenance date. It reports false when the partner sent none.
func (w *walker) explicitEvents() bool {
	s := w.fam[0].mc.Subscriber
	if len(s.QualifyingLifeEvents) == 0 {
		return false
	}
	first := &s.QualifyingLifeEvents[0]
	for i := range w.fam {
		r := &w.fam[i]
		if !r.changed {
			continue
		}
		who := s.ExternalIdentifier
		if r.mc.Dependent != nil {
			who = r.mc.Dependent.ExternalIdentifier
		}
		q := first
		for j := range s.QualifyingLifeEvents {
			if e := &s.QualifyingLifeEvents[j]; slices.Contains(e.Members, who) {
				q = e
				break
			}
		}
		r.mc.Event = q.Type
		if r.mc.Maintenance == model.MaintTerminate {
			continue
		}
		eff := q.EffectiveDate
		if eff == "" && (q.Type == model.EventBirth || q.Type == model.EventAdoption) {
			eff = q.EventDate // a child is covered from its birth or placement
		}
		if eff == "" {
			continue
		}
		if r.mc.Maintenance == model.MaintAdd && slices.Contains(q.Members, who) {
			for j := range r.mc.Coverages {
				if c := &r.mc.Coverages[j]; c.Maintenance == model.MaintAdd && c.Enrollment.StartDate < eff {
					c.Enrollment.StartDate = eff
				}
			}
			r.mc.EffectiveDate = earliestStart(r.mc.Coverages)
			continue
		}
		r.consequenceOn(eff)
		if r.mc.Maintenance == model.MaintChange {
			r.mc.EffectiveDate = eff
		}
	}
	return true
}
