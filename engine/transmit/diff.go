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
	if base == nil || full {
		// Every member of cur is sent (or audited): room for them all.
		n := len(cur.Subscribers)
		for i := range cur.Subscribers {
			n += len(cur.Subscribers[i].Dependents)
		}
		gc.Members = make([]model.MemberChange, 0, n)
	}
	changed := false
	w := &walker{today: today, visit: func(s *model.Subscriber, d *model.Dependent, diff []model.MemberChange, cov coverage) {
		if len(diff) > 0 {
			changed = true
		}
		if !full {
			gc.Members = append(gc.Members, diff...)
			return
		}
		if active := cov.active(); len(active) > 0 {
			gc.Members = append(gc.Members, model.MemberChange{Maintenance: model.MaintAudit, Subscriber: s, Dependent: d, ProductLines: active})
		}
		for _, mc := range diff {
			if mc.Maintenance == model.MaintTerminate {
				gc.Members = append(gc.Members, mc)
			}
		}
	}}
	w.members(base, cur)
	if !changed {
		gc.Members = nil
	}
	return gc
}

// walker walks the members of two versions of a group (walker.members)
// and calls visit for every member, with the member's changes since base
// and its coverage in cur. Its scratch memory is reused from member to
// member, so a walk allocates little more than the changes it returns.
type walker struct {
	today string
	visit func(s *model.Subscriber, d *model.Dependent, diff []model.MemberChange, cov coverage)

	bcov, ccov, bdc, dc coverage // scratch coverages of the member in hand
	decided             []decision
	out                 []model.MemberChange
	arena               []string // ProductLines of the changes returned

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
			// No longer listed at all: every open coverage ends today.
			w.subscriber(b, ended(b, w.today))
		}
	}
}

// subscriber visits a subscriber (b is its base version, or nil) and its
// dependents.
func (w *walker) subscriber(b, s *model.Subscriber) {
	today := w.today
	w.bcov = w.bcov[:0]
	if b != nil {
		w.bcov = subscriberCoverage(w.bcov, b)
	}
	w.ccov = subscriberCoverage(w.ccov[:0], s)
	// A product line the new version dropped without an end date ends
	// today; the writer gets the enrollment back, ended, so it can say
	// which plan ends.
	if dropped := droppedLines(w.bcov, w.ccov); len(dropped) > 0 {
		s = withEnded(s, b, dropped, today)
		w.ccov = subscriberCoverage(w.ccov[:0], s)
	}
	sameData := b != nil && w.sameSubscriberData(b, s)
	w.visit(s, nil, w.memberChanges(s, nil, w.bcov, w.ccov, sameData), w.ccov)

	var bdeps []model.Dependent
	if b != nil {
		bdeps = b.Dependents
	}
	find := dependentFinder(bdeps)
	for i := range s.Dependents {
		d := &s.Dependents[i]
		bd := find(d.ExternalIdentifier)
		w.bdc = w.bdc[:0]
		if bd != nil {
			w.bdc = dependentCoverage(w.bdc, b, bd)
		}
		w.dc = dependentCoverage(w.dc[:0], s, d)
		w.visit(s, d, w.memberChanges(s, d, w.bdc, w.dc, bd != nil && w.sameDependentData(bd, d)), w.dc)
	}
	if b == nil {
		return
	}
	listed := dependentFinder(s.Dependents)
	for i := range b.Dependents {
		bd := &b.Dependents[i]
		if listed(bd.ExternalIdentifier) != nil {
			continue
		}
		d := *bd
		if d.EndDate == "" {
			d.EndDate = today
		}
		w.bdc = dependentCoverage(w.bdc[:0], b, bd)
		w.dc = dependentCoverage(w.dc[:0], s, &d)
		w.visit(s, &d, w.memberChanges(s, &d, w.bdc, w.dc, true), w.dc)
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

// dependentCoverage appends a dependent's coverage to c (empty).
func dependentCoverage(c coverage, s *model.Subscriber, d *model.Dependent) coverage {
	for _, pl := range d.ProductLines {
		for _, e := range s.Enrollments {
			if e.ProductLine != pl {
				continue
			}
			if d.EndDate != "" && (e.EndDate == "" || d.EndDate < e.EndDate) {
				e.EndDate = d.EndDate
			}
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

// memberChanges compares a member's coverage line by line and groups the
// lines by what happens to them: add, change, terminate (by end date).
// When the member's data changed (name, address, ...), every line that
// stays open is a change, so the carrier applies the new data; a member
// without coverage open before and after is not sent for a data change.
//
// The changes returned are w's scratch, valid until the next call (visit
// copies them); their ProductLines are carved from w's arena and stay.
func (w *walker) memberChanges(s *model.Subscriber, d *model.Dependent, base, cur coverage, sameData bool) []model.MemberChange {
	today := w.today
	// What happens to each line, in canonical order: both coverages are
	// in that order, so their union is walked as a merge.
	w.decided = w.decided[:0]
	decide := func(m model.Maintenance, pl, end string) {
		w.decided = append(w.decided, decision{m, pl, end})
	}
	for i, j := 0, 0; i < len(base) || j < len(cur); {
		var pl string
		var b, c model.Enrollment
		var inBase, inCur bool
		switch {
		case j == len(cur) || i < len(base) && compareLines(base[i].line, cur[j].line) < 0:
			pl, b, inBase = base[i].line, base[i].e, true
			i++
		case i == len(base) || compareLines(base[i].line, cur[j].line) > 0:
			pl, c, inCur = cur[j].line, cur[j].e, true
			j++
		default: // the same line
			pl, b, c, inBase, inCur = base[i].line, base[i].e, cur[j].e, true, true
			i++
			j++
		}
		wasActive, isActive := inBase && b.EndDate == "", inCur && c.EndDate == ""
		switch {
		case !wasActive && isActive:
			decide(model.MaintAdd, pl, "") // new, or reinstated
		case wasActive && !inCur:
			decide(model.MaintTerminate, pl, today) // no longer listed
		case wasActive && !isActive:
			decide(model.MaintTerminate, pl, c.EndDate)
		case wasActive && isActive && (b != c || !sameData):
			decide(model.MaintChange, pl, "")
		case inBase && inCur && !wasActive && !isActive && b.EndDate != c.EndDate:
			decide(model.MaintTerminate, pl, c.EndDate) // a corrected end date
		}
	}
	// One change per maintenance and end date, in the order first seen,
	// with its lines in canonical order.
	w.out = w.out[:0]
	for i, dec := range w.decided {
		n, first := 0, true
		for j, o := range w.decided {
			if o.m == dec.m && o.end == dec.end {
				if j < i {
					first = false
					break
				}
				n++
			}
		}
		if !first {
			continue
		}
		pls := w.carve(n)
		for _, o := range w.decided[i:] {
			if o.m == dec.m && o.end == dec.end {
				pls = append(pls, o.line)
			}
		}
		w.out = append(w.out, model.MemberChange{Maintenance: dec.m, Subscriber: s, Dependent: d, ProductLines: pls, EndDate: dec.end})
	}
	if len(w.out) > 1 {
		slices.SortStableFunc(w.out, func(a, b model.MemberChange) int {
			return cmp.Or(cmp.Compare(maintenanceRank(a.Maintenance), maintenanceRank(b.Maintenance)), cmp.Compare(a.EndDate, b.EndDate))
		})
	}
	return w.out
}

// decision is what happens to one product line of a member.
type decision struct {
	m         model.Maintenance
	line, end string
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

// maintenanceRank orders a member's changes: adds, changes, terminations.
func maintenanceRank(m model.Maintenance) int {
	switch m {
	case model.MaintChange:
		return 1
	case model.MaintTerminate:
		return 2
	}
	return 0
}

// sameSubscriberData reports whether two versions of a subscriber hold the
// same member data, leaving aside coverage, dependents, ids and statuses.
func (w *walker) sameSubscriberData(a, b *model.Subscriber) bool {
	w.subA, w.subB = *a, *b
	for _, c := range []*model.Subscriber{&w.subA, &w.subB} {
		c.ID, c.Enrollments, c.Dependents, c.Status, c.StatusDatetime, c.Errors = "", nil, nil, "", nil, nil
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
