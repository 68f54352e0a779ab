package transmit

import (
	"cmp"
	"reflect"
	"slices"

	"github.com/onboard/onboard/engine/model"
)

// Changes returns what a delivery carries for a group: the member changes
// from base, the version last transmitted to the carrier (nil when the
// group was never sent), to cur. It returns no members when no member
// changed in a way the carrier sees, whatever else changed in the group.
//
// In change mode every member whose coverage or data changed is sent once
// per kind of change: added product lines (add), changed plans, levels,
// dates or member data (change), ended product lines (terminate, with the
// end date). In full mode a group with any member change is sent whole:
// (full true) every member with active coverage as an audit of its active
// lines, and the terminations the change brings, so the carrier learns the
// end dates and a group whose last member left still has a member loop.
//
// today is the end date of coverage that disappeared from the data without
// one (a product line or member no longer listed); the stage passes the
// transmission's date, so the result is a function of the recorded
// transmission alone.
func Changes(base, cur *model.Group, full bool, today string) model.GroupChanges {
	gc := model.GroupChanges{Group: cur}
	changed := false
	visit := func(s *model.Subscriber, d *model.Dependent, diff []model.MemberChange, active []string) {
		if len(diff) > 0 {
			changed = true
		}
		if !full {
			gc.Members = append(gc.Members, diff...)
			return
		}
		if len(active) > 0 {
			gc.Members = append(gc.Members, model.MemberChange{Maintenance: model.MaintAudit, Subscriber: s, Dependent: d, ProductLines: active})
		}
		for _, mc := range diff {
			if mc.Maintenance == model.MaintTerminate {
				gc.Members = append(gc.Members, mc)
			}
		}
	}
	walkMembers(base, cur, today, visit)
	if !changed {
		gc.Members = nil
	}
	return gc
}

// walkMembers calls visit for every member of cur, then for every member
// only base has, in order (subscriber, then its dependents), with the
// member's changes since base and its active product lines in cur.
func walkMembers(base, cur *model.Group, today string, visit func(s *model.Subscriber, d *model.Dependent, diff []model.MemberChange, active []string)) {
	baseSubs := map[string]*model.Subscriber{}
	if base != nil {
		for i := range base.Subscribers {
			baseSubs[base.Subscribers[i].ExternalIdentifier] = &base.Subscribers[i]
		}
	}
	seen := make(map[string]bool, len(cur.Subscribers))
	for i := range cur.Subscribers {
		s := &cur.Subscribers[i]
		seen[s.ExternalIdentifier] = true
		walkSubscriber(baseSubs[s.ExternalIdentifier], s, today, visit)
	}
	if base == nil {
		return
	}
	for i := range base.Subscribers {
		b := &base.Subscribers[i]
		if !seen[b.ExternalIdentifier] {
			// No longer listed at all: every open coverage ends today.
			walkSubscriber(b, ended(b, today), today, visit)
		}
	}
}

// walkSubscriber visits a subscriber (b is its base version, or nil) and
// its dependents.
func walkSubscriber(b, s *model.Subscriber, today string, visit func(*model.Subscriber, *model.Dependent, []model.MemberChange, []string)) {
	var bcov coverage
	if b != nil {
		bcov = subscriberCoverage(b)
	}
	ccov := subscriberCoverage(s)
	// A product line the new version dropped without an end date ends
	// today; the writer gets the enrollment back, ended, so it can say
	// which plan ends.
	if dropped := droppedLines(bcov, ccov); len(dropped) > 0 {
		s = withEnded(s, b, dropped, today)
		ccov = subscriberCoverage(s)
	}
	sameData := b != nil && sameSubscriberData(b, s)
	visit(s, nil, memberChanges(s, nil, bcov, ccov, sameData, today), ccov.active())

	baseDeps := map[string]*model.Dependent{}
	if b != nil {
		for i := range b.Dependents {
			baseDeps[b.Dependents[i].ExternalIdentifier] = &b.Dependents[i]
		}
	}
	seen := make(map[string]bool, len(s.Dependents))
	for i := range s.Dependents {
		d := &s.Dependents[i]
		seen[d.ExternalIdentifier] = true
		bd := baseDeps[d.ExternalIdentifier]
		var bdc coverage
		if bd != nil {
			bdc = dependentCoverage(b, bd)
		}
		dc := dependentCoverage(s, d)
		visit(s, d, memberChanges(s, d, bdc, dc, bd != nil && sameDependentData(bd, d), today), dc.active())
	}
	if b == nil {
		return
	}
	for i := range b.Dependents {
		bd := &b.Dependents[i]
		if seen[bd.ExternalIdentifier] {
			continue
		}
		d := *bd
		if d.EndDate == "" {
			d.EndDate = today
		}
		dc := dependentCoverage(s, &d)
		visit(s, &d, memberChanges(s, &d, dependentCoverage(b, bd), dc, true, today), dc.active())
	}
}

// coverage is a member's enrollment per product line; a dependent's is its
// subscriber's, ended on the dependent's own end date when that is sooner.
type coverage map[string]model.Enrollment

func subscriberCoverage(s *model.Subscriber) coverage {
	c := make(coverage, len(s.Enrollments))
	for _, e := range s.Enrollments {
		c[e.ProductLine] = e
	}
	return c
}

func dependentCoverage(s *model.Subscriber, d *model.Dependent) coverage {
	c := make(coverage, len(d.ProductLines))
	for _, pl := range d.ProductLines {
		for _, e := range s.Enrollments {
			if e.ProductLine != pl {
				continue
			}
			if d.EndDate != "" && (e.EndDate == "" || d.EndDate < e.EndDate) {
				e.EndDate = d.EndDate
			}
			c[pl] = e
		}
	}
	return c
}

// active lists the product lines with open coverage, in canonical order.
func (c coverage) active() []string {
	var out []string
	for _, pl := range lines(c, nil) {
		if c[pl].EndDate == "" {
			out = append(out, pl)
		}
	}
	return out
}

// lines returns the product lines of a and b, in canonical order (unknown
// lines last, by name).
func lines(a, b coverage) []string {
	out := make([]string, 0, len(a)+len(b))
	for pl := range a {
		out = append(out, pl)
	}
	for pl := range b {
		if _, ok := a[pl]; !ok {
			out = append(out, pl)
		}
	}
	slices.SortFunc(out, compareLines)
	return out
}

func compareLines(a, b string) int {
	ia, ib := slices.Index(model.ProductLines, a), slices.Index(model.ProductLines, b)
	if ia < 0 {
		ia = len(model.ProductLines)
	}
	if ib < 0 {
		ib = len(model.ProductLines)
	}
	return cmp.Or(cmp.Compare(ia, ib), cmp.Compare(a, b))
}

// droppedLines lists the lines open in base that cur no longer has at all.
func droppedLines(base, cur coverage) []string {
	var out []string
	for _, pl := range lines(base, nil) {
		if _, ok := cur[pl]; !ok && base[pl].EndDate == "" {
			out = append(out, pl)
		}
	}
	return out
}

// withEnded returns a copy of s with base's enrollments of the dropped
// lines back, ended today.
func withEnded(s, base *model.Subscriber, dropped []string, today string) *model.Subscriber {
	c := *s
	c.Enrollments = slices.Clone(s.Enrollments)
	for _, e := range base.Enrollments {
		if slices.Contains(dropped, e.ProductLine) {
			e.EndDate = today
			c.Enrollments = append(c.Enrollments, e)
		}
	}
	slices.SortStableFunc(c.Enrollments, func(a, b model.Enrollment) int { return compareLines(a.ProductLine, b.ProductLine) })
	return &c
}

// ended returns a copy of s with every open enrollment and dependent
// coverage ended on date.
func ended(s *model.Subscriber, date string) *model.Subscriber {
	c := *s
	c.Enrollments = slices.Clone(s.Enrollments)
	for i := range c.Enrollments {
		if c.Enrollments[i].EndDate == "" {
			c.Enrollments[i].EndDate = date
		}
	}
	c.Dependents = slices.Clone(s.Dependents)
	for i := range c.Dependents {
		if c.Dependents[i].EndDate == "" {
			c.Dependents[i].EndDate = date
		}
	}
	return &c
}

// memberChanges compares a member's coverage line by line and groups the
// lines by what happens to them: add, change, terminate (by end date).
// When the member's data changed (name, address, ...), every line that
// stays open is a change, so the carrier applies the new data; a member
// without coverage open before and after is not sent for a data change.
func memberChanges(s *model.Subscriber, d *model.Dependent, base, cur coverage, sameData bool, today string) []model.MemberChange {
	var out []model.MemberChange
	add := func(m model.Maintenance, pl, end string) {
		for i := range out {
			if out[i].Maintenance == m && out[i].EndDate == end {
				out[i].ProductLines = append(out[i].ProductLines, pl)
				return
			}
		}
		out = append(out, model.MemberChange{Maintenance: m, Subscriber: s, Dependent: d, ProductLines: []string{pl}, EndDate: end})
	}
	for _, pl := range lines(base, cur) {
		b, inBase := base[pl]
		c, inCur := cur[pl]
		wasActive, isActive := inBase && b.EndDate == "", inCur && c.EndDate == ""
		switch {
		case !wasActive && isActive:
			add(model.MaintAdd, pl, "") // new, or reinstated
		case wasActive && !inCur:
			add(model.MaintTerminate, pl, today) // no longer listed
		case wasActive && !isActive:
			add(model.MaintTerminate, pl, c.EndDate)
		case wasActive && isActive && (b != c || !sameData):
			add(model.MaintChange, pl, "")
		case inBase && inCur && !wasActive && !isActive && b.EndDate != c.EndDate:
			add(model.MaintTerminate, pl, c.EndDate) // a corrected end date
		}
	}
	rank := map[model.Maintenance]int{model.MaintAdd: 0, model.MaintChange: 1, model.MaintTerminate: 2}
	slices.SortStableFunc(out, func(a, b model.MemberChange) int {
		return cmp.Or(cmp.Compare(rank[a.Maintenance], rank[b.Maintenance]), cmp.Compare(a.EndDate, b.EndDate))
	})
	return out
}

// sameSubscriberData reports whether two versions of a subscriber hold the
// same member data, leaving aside coverage, dependents, ids and statuses.
func sameSubscriberData(a, b *model.Subscriber) bool {
	strip := func(s *model.Subscriber) model.Subscriber {
		c := *s
		c.ID, c.Enrollments, c.Dependents, c.Status, c.StatusDatetime, c.Errors = "", nil, nil, "", nil, nil
		return c
	}
	return reflect.DeepEqual(strip(a), strip(b))
}

// sameDependentData reports whether two versions of a dependent hold the
// same member data, leaving aside coverage and ids.
func sameDependentData(a, b *model.Dependent) bool {
	strip := func(d *model.Dependent) model.Dependent {
		c := *d
		c.ID, c.ProductLines, c.EndDate = "", nil, ""
		return c
	}
	return reflect.DeepEqual(strip(a), strip(b))
}
