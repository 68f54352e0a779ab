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
// Each member appears at most once (DESIGN.md §7). Its maintenance is add
// when it is new to the carrier, terminate only when every coverage it had
// ends, change otherwise; its coverages say what happened line by line:
// added (with the start), ended (with the end, never before the start: a
// coverage that never began is cancelled on its start date), a plan change
// (the old plan ends the day before the new one starts), a level or date
// change (with the date it takes effect). A member whose data alone
// changed is a change without coverages. Each change carries the
// qualifying life event onboard infers for the member's family and the
// date it takes effect (see doc.go).
//
// In full mode a group with any member change is sent whole: every member
// with active coverage as an audit of its active lines, plus (unless the
// policy verifies or omits them) the members whose coverage all ended.
func Changes(base, cur *model.Group, p Policy) model.GroupChanges {
	gc := model.GroupChanges{Group: cur}
	if base == nil || p.Full {
		// Every member of cur is sent (or audited): room for them all.
		n := len(cur.Subscribers)
		for i := range cur.Subscribers {
			n += len(cur.Subscribers[i].Dependents)
		}
		gc.Members = make([]model.MemberChange, 0, n)
	}
	changed := false
	w := &walker{p: p, end: p.termination(), initial: base == nil, visit: func(r *memberResult) {
		if r.changed {
			changed = true
		}
		if !p.Full {
			if r.changed {
				gc.Members = append(gc.Members, r.mc)
			}
			return
		}
		if len(r.active) > 0 {
			gc.Members = append(gc.Members, r.audit())
			return
		}
		if r.changed && r.mc.Maintenance == model.MaintTerminate && !p.Verify && !p.OmitTerminations {
			gc.Members = append(gc.Members, r.mc)
		}
	}}
	w.members(base, cur)
	if !changed {
		gc.Members = nil
	}
	return gc
}

// walker walks the members of two versions of a group (walker.members)
// and calls visit for every member, with the member's change since base
// and its active coverage in cur. Its scratch memory is reused from member
// to member, so a walk allocates little more than the changes it returns.
type walker struct {
	p       Policy
	end     string // p.termination(), once: the end of coverage dropped without a date
	initial bool   // base is nil: the group's first delivery
	toCobra bool   // the family in hand moved to COBRA continuation
	visit   func(r *memberResult)

	bcov, ccov, bdc, dc coverage // scratch coverages of the member in hand
	fam                 []memberResult
	arena               []string               // ProductLines of the changes returned
	covArena            []model.CoverageChange // Coverages of the changes returned

	// Scratch copies for sameSubscriberData and sameDependentData: compared
	// through pointers, reflect.DeepEqual allocates no copy per member.
	subA, subB model.Subscriber
	depA, depB model.Dependent
}

// members visits every member of cur, then every member only base has, in
// order (subscriber, then its dependents).
func (w *walker) members(base, cur *model.Group) {
	if base == nil {
		for i := range cur.Subscribers {
			w.subscriber(nil, &cur.Subscribers[i])
		}
		return
	}
	// A subscriber is found by external identifier; when base lists one
	// twice, the last is its base version.
	idx := make(map[string]int, len(base.Subscribers))
	for i := range base.Subscribers {
		idx[base.Subscribers[i].ExternalIdentifier] = i
	}
	inCur := make([]bool, len(base.Subscribers)) // by idx
	for i := range cur.Subscribers {
		s := &cur.Subscribers[i]
		var b *model.Subscriber
		if j, ok := idx[s.ExternalIdentifier]; ok {
			b, inCur[j] = &base.Subscribers[j], true
		}
		w.subscriber(b, s)
	}
	for i := range base.Subscribers {
		b := &base.Subscribers[i]
		if !inCur[idx[b.ExternalIdentifier]] {
			// No longer listed at all: every open coverage ends.
			w.subscriber(b, ended(b, w.end))
		}
	}
}

// subscriber visits a subscriber (b is its base version, or nil) and its
// dependents: a family, whose changes share one inferred event.
func (w *walker) subscriber(b, s *model.Subscriber) {
	end := w.end
	w.fam = w.fam[:0]
	w.bcov = w.bcov[:0]
	if b != nil {
		w.bcov = subscriberCoverage(w.bcov, b)
	}
	w.ccov = subscriberCoverage(w.ccov[:0], s)
	// A product line the new version dropped without an end date ends on
	// the policy's date; the writer gets the enrollment back, ended, so it
	// can say which plan ends.
	if dropped := droppedLines(w.bcov, w.ccov); len(dropped) > 0 {
		s = withEnded(s, b, dropped, end)
		w.ccov = subscriberCoverage(w.ccov[:0], s)
	}
	sameData := b != nil && w.sameSubscriberData(b, s)
	w.toCobra = b != nil && employment(b) != "cobra" && employment(s) == "cobra"
	w.fam = append(w.fam, w.memberChange(s, nil, b != nil, w.bcov, w.ccov, sameData))

	var bdeps []model.Dependent
	if b != nil {
		bdeps = b.Dependents
	}
	find := dependentFinder(bdeps)
	listed := dependentFinder(s.Dependents)
	for i := range s.Dependents {
		d := &s.Dependents[i]
		if listed(d.ExternalIdentifier) != d {
			continue // listed twice (validation refuses it): the last one counts, once
		}
		bd := find(d.ExternalIdentifier)
		w.bdc = w.bdc[:0]
		if bd != nil {
			w.bdc = dependentCoverage(w.bdc, b, bd)
		}
		w.dc = dependentCoverage(w.dc[:0], s, d)
		w.fam = append(w.fam, w.memberChange(s, d, bd != nil, w.bdc, w.dc, bd != nil && w.sameDependentData(bd, d)))
	}
	if b != nil {
		for i := range b.Dependents {
			bd := &b.Dependents[i]
			if listed(bd.ExternalIdentifier) != nil || find(bd.ExternalIdentifier) != bd {
				continue
			}
			d := *bd
			if d.EndDate == "" {
				d.EndDate = end
			}
			w.bdc = dependentCoverage(w.bdc[:0], b, bd)
			w.dc = dependentCoverage(w.dc[:0], s, &d)
			w.fam = append(w.fam, w.memberChange(s, &d, true, w.bdc, w.dc, true))
		}
	}
	w.familyEvent()
	for i := range w.fam {
		w.visit(&w.fam[i])
	}
}

// dependentFinder returns a lookup of deps by external identifier (the
// last one listed, when two share it): a scan for the usual few
// dependents, a map for many.
func dependentFinder(deps []model.Dependent) func(ext string) *model.Dependent {
	if len(deps) <= 8 {
		return func(ext string) *model.Dependent {
			for i := len(deps) - 1; i >= 0; i-- {
				if deps[i].ExternalIdentifier == ext {
					return &deps[i]
				}
			}
			return nil
		}
	}
	m := make(map[string]*model.Dependent, len(deps))
	for i := range deps {
		m[deps[i].ExternalIdentifier] = &deps[i]
	}
	return func(ext string) *model.Dependent { return m[ext] }
}

// coverage is a member's enrollment per product line, one per line, in
// canonical line order; a dependent's is its subscriber's, ended on the
// dependent's own end date when that is sooner. Members have a handful of
// lines, so a sorted slice beats a map.
type coverage []lineCoverage

type lineCoverage struct {
	line string
	e    model.Enrollment
}

// find returns the enrollment of a product line.
func (c coverage) find(pl string) (model.Enrollment, bool) {
	for i := range c {
		if c[i].line == pl {
			return c[i].e, true
		}
	}
	return model.Enrollment{}, false
}

// set records the enrollment of a product line, over any it had.
func (c coverage) set(pl string, e model.Enrollment) coverage {
	for i := range c {
		if c[i].line == pl {
			c[i].e = e
			return c
		}
	}
	return append(c, lineCoverage{pl, e})
}

// sorted puts c in canonical line order (an insertion sort: few lines,
// usually in order already).
func (c coverage) sorted() coverage {
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && compareLines(c[j-1].line, c[j].line) > 0; j-- {
			c[j-1], c[j] = c[j], c[j-1]
		}
	}
	return c
}

// subscriberCoverage appends a subscriber's coverage to c (empty).
func subscriberCoverage(c coverage, s *model.Subscriber) coverage {
	for _, e := range s.Enrollments {
		c = c.set(e.ProductLine, e)
	}
	return c.sorted()
}

// dependentCoverage appends a dependent's coverage to c (empty): its
// subscriber's enrollments in the lines it is covered under, with its own
// dates.
func dependentCoverage(c coverage, s *model.Subscriber, d *model.Dependent) coverage {
	for _, pl := range d.ProductLines {
		for _, e := range s.Enrollments {
			if e.ProductLine != pl {
				continue
			}
			if d.EndDate != "" && (e.EndDate == "" || d.EndDate < e.EndDate) {
				e.EndDate = d.EndDate
			}
			// Nobody is covered before birth: a newborn's coverage starts
			// on its birth date (DESIGN.md §4).
			if b := d.BirthDate; len(b) == 10 && b > e.StartDate {
				e.StartDate = b
			}
			// HD05 describes the subscriber's contract: a dependent's
			// coverage has no level of its own, so a level change is not
			// a change of the dependent.
			e.CoverageLevel = ""
			c = c.set(pl, e)
		}
	}
	return c.sorted()
}

// active lists the product lines with open coverage, in canonical order.
func (c coverage) active() []string {
	var out []string
	for i := range c {
		if c[i].e.EndDate == "" {
			out = append(out, c[i].line)
		}
	}
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
	for i := range base {
		if _, ok := cur.find(base[i].line); !ok && base[i].e.EndDate == "" {
			out = append(out, base[i].line)
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

// sameSubscriberData reports whether two versions of a subscriber hold the
// same member data, leaving aside coverage, dependents, ids and statuses.
func (w *walker) sameSubscriberData(a, b *model.Subscriber) bool {
	w.subA, w.subB = *a, *b
	for _, c := range []*model.Subscriber{&w.subA, &w.subB} {
		c.ID, c.Enrollments, c.Dependents, c.Status, c.StatusDatetime, c.Errors = "", nil, nil, "", nil, nil
		c.QualifyingLifeEvents = nil // why the family changed, not member data
	}
	same := reflect.DeepEqual(&w.subA, &w.subB)
	w.subA, w.subB = model.Subscriber{}, model.Subscriber{} // hold no member data
	return same
}

// sameDependentData reports whether two versions of a dependent hold the
// same member data, leaving aside coverage and ids.
func (w *walker) sameDependentData(a, b *model.Dependent) bool {
	w.depA, w.depB = *a, *b
	for _, c := range []*model.Dependent{&w.depA, &w.depB} {
		c.ID, c.ProductLines, c.EndDate = "", nil, ""
	}
	same := reflect.DeepEqual(&w.depA, &w.depB)
	w.depA, w.depB = model.Dependent{}, model.Dependent{}
	return same
}

// employment returns a subscriber's employment status.
func employment(s *model.Subscriber) string {
	if s.EmploymentDetails == nil {
		return ""
	}
	return s.EmploymentDetails.Status
}
