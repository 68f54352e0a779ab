package census

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"slices"
	"strconv"

	"github.com/onboard/onboard/engine/model"
	m "github.com/onboard/onboard/mappings"
)

// builder assembles one group from its rows.
type builder struct {
	r   *Reader
	sg  *model.SourcedGroup
	g   *model.Group
	src *sourceIndex // where member and group values came from

	groupLine [m.NumTargets]int // line that set each group value
	sc        *scratch          // the group's subscribers and dependents while read

	// Slabs the members' parts are cut from: a few allocations per group
	// instead of several per member.
	addrs   slab[model.Address]
	jobs    slab[model.EmploymentDetails]
	enrolls slab[model.Enrollment]
	lines   slab[string]

	digest hash.Hash // SourcedGroup.Digest, row by row

	events []model.QualifyingLifeEvent // the group's rows' events, until finish
}

// scratch is where a Reader builds a group's subscribers and dependents:
// reused from group to group, so each group allocates them once, at their
// final size, when they are copied out (finish).
type scratch struct {
	subs    []model.Subscriber
	deps    []model.Dependent
	pending []pendingDep
	counts  []int32
}

// pendingDep is a dependent waiting for all rows to be read: its
// subscriber's row may come later.
type pendingDep struct {
	dep    int32 // index in scratch.deps
	sub    int32 // index of its subscriber, set by finish; -1 none
	ref    string
	line   int
	column string
}

// slab hands out elements of T from chunks that double from 4 to 64
// elements, so a group of one member allocates little and a large one a
// chunk per 64 elements.
type slab[T any] struct {
	free  []T
	chunk int
}

const slabChunk = 64

// take returns n zero elements, as a slice whose capacity is its length
// (an append by the caller copies rather than overwriting a neighbour).
func (s *slab[T]) take(n int) []T {
	if n > slabChunk {
		return make([]T, n)
	}
	if len(s.free) < n {
		s.chunk = min(max(2*s.chunk, 4), slabChunk)
		s.free = make([]T, max(s.chunk, n))
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	return out
}

func newBuilder(r *Reader, key string, line, rows int) *builder {
	g := &model.Group{ExternalIdentifier: key, Subscribers: r.scratch.subs[:0]}
	src := newSourceIndex(r, rows)
	digest := sha256.New()
	digest.Write(r.digestPrefix())
	return &builder{
		digest: digest,
		r:      r,
		g:      g,
		src:    src,
		sg:     &model.SourcedGroup{Group: g, File: r.file, Line: line, Index: src},
		sc:     &r.scratch,
	}
}

func (b *builder) errorf(t model.ErrorType, param string, line int, column string, value, format string, args ...any) {
	b.sg.Errors = append(b.sg.Errors, model.Error{ErrorType: t, Parameter: param, Value: value,
		Message: fmt.Sprintf(format, args...), Source: &model.Source{File: b.r.file, Line: line, Column: column}})
}

// digestRow adds a row to the group's digest: each field's length and
// bytes, then the field count (so no two rows or splits of a row digest
// alike).
func (b *builder) digestRow(rec []string) {
	buf := b.r.digestBuf[:0]
	for _, f := range rec {
		buf = binary.AppendUvarint(buf, uint64(len(f)))
		buf = append(buf, f...)
	}
	buf = binary.AppendUvarint(buf, uint64(len(rec)))
	b.digest.Write(buf)
	b.r.digestBuf = buf
}

// add maps one row into the group.
func (b *builder) add(rec []string, line int) {
	b.digestRow(rec)
	if w := b.r.plan.Width(); len(rec) != w {
		b.errorf(model.ErrParameterInvalid, "", line, "", "",
			"Line %d has %d fields but the header has %d; check the row for missing or extra commas or quotes.", line, len(rec), w)
		return
	}
	row := &b.r.row
	b.r.plan.Map(rec, row)
	v := &row.Values
	b.setGroup(row, line)

	mp := b.r.plan.Mapping()
	id, ref := v[m.MemberExternalID], v[m.MemberSubscriber]
	if !mp.Has(m.MemberExternalID) || id == "" {
		// A row without a member carries group (and location) values only.
		loc := noLocation
		if row.Subscriber {
			loc = b.location(row, line)
		}
		b.cellErrors(row, line, nil, loc)
		return
	}
	ms := memberSrc{id: id, line: line, sub: row.Subscriber, plFirst: -1}
	if !row.Subscriber {
		ms.ref = ref
	}
	loc := noLocation
	if row.Subscriber {
		loc = b.location(row, line)
	}
	b.cellErrors(row, line, &ms, loc)
	if i, dup := b.src.byID[id]; dup {
		b.errorf(model.ErrParameterDuplicate, ms.basePath(), line, b.header(row, m.MemberExternalID), id,
			"Member %s appears twice in group %s (first on line %d); send each member once.", id, b.g.ExternalIdentifier, b.src.members[i].line)
		return
	}
	msr := b.src.add(ms, b.r.colsOf(&row.Column))
	if row.Subscriber {
		b.subscriber(row, line, msr)
	} else {
		b.dependent(row, line, msr)
	}
}

// header returns the header of the column that gave t.
func (b *builder) header(row *m.Row, t m.Target) string {
	return b.r.plan.Header(int(row.Column[t]))
}

// setGroup sets the group's values; a later row may repeat or leave blank
// a value, not change it.
func (b *builder) setGroup(row *m.Row, line int) {
	for _, t := range groupTargets {
		v := row.Values[t]
		if row.Failed(t) {
			continue // reported; comparing it with other rows would only repeat it
		}
		if v == "" {
			if c := row.Column[t]; c >= 0 && b.groupLine[t] == 0 {
				b.src.group[t] = cellRef{line: line, col: c}
			}
			continue
		}
		field := groupField[t](b.g)
		switch {
		case b.groupLine[t] == 0:
			*field = v
			b.groupLine[t] = line
			if c := row.Column[t]; c >= 0 {
				b.src.group[t] = cellRef{line: line, col: c}
			}
		case *field != v && t != m.GroupExternalID:
			b.conflict(t.Suffix(), line, b.header(row, t), t, v, *field, b.groupLine[t], "a group's columns must hold the same value on every row of the group")
		}
	}
}

func (b *builder) conflict(param string, line int, column string, t m.Target, v, was string, wasLine int, why string) {
	shown, shownWas := v, was
	if t == m.EmployerFEIN {
		shown, shownWas = model.MaskFEIN(v), model.MaskFEIN(was)
	}
	b.errorf(model.ErrParameterInvalid, param, line, column, shown,
		"Column %s: %q differs from %q on line %d; %s.", column, shown, shownWas, wasLine, why)
}

// location records the row's work location and returns where it is: -1
// the primary location, i >= 0 SecondaryLocations[i], noLocation when the
// row names none. The first location of a group is its primary one.
func (b *builder) location(row *m.Row, line int) int {
	id := row.Values[m.LocationExternalID]
	named := id != ""
	for _, t := range locationTargets {
		named = named || (row.Column[t] >= 0 && row.Values[t] != "")
	}
	if !named {
		return noLocation
	}
	li, seen := b.src.locByID[id]
	var loc *model.Location
	switch {
	case !seen && b.g.PrimaryLocation == nil:
		b.g.PrimaryLocation = &model.Location{}
		loc = b.g.PrimaryLocation
		li = b.src.addLocation(locSrc{id: id, idx: -1, line: line, col: row.Column[m.LocationExternalID]})
	case !seen:
		b.g.SecondaryLocations = append(b.g.SecondaryLocations, model.Location{})
		idx := len(b.g.SecondaryLocations) - 1
		loc = &b.g.SecondaryLocations[idx]
		li = b.src.addLocation(locSrc{id: id, idx: idx, line: line, col: row.Column[m.LocationExternalID]})
	case b.src.locs[li].idx < 0:
		loc = b.g.PrimaryLocation
	default:
		loc = &b.g.SecondaryLocations[b.src.locs[li].idx]
	}
	ls := &b.src.locs[li]
	for _, t := range locationTargets {
		v := row.Values[t]
		if row.Failed(t) {
			continue
		}
		field := locationField[t](loc)
		switch {
		case v == "":
			if c := row.Column[t]; c >= 0 && !seen {
				ls.cells[t-m.LocationExternalID] = cellRef{line: line, col: c}
			}
		case *field == "":
			*field = v
			if c := row.Column[t]; c >= 0 {
				ls.cells[t-m.LocationExternalID] = cellRef{line: line, col: c}
			}
		case *field != v:
			b.conflict(locPath(row, ls.idx)+t.Suffix(), line, b.header(row, t), t, v, *field, ls.line, "a location's columns must hold the same value on every row that names it")
		}
	}
	return ls.idx
}

// noLocation is what location returns for a row that names no location.
const noLocation = -2

// locPath returns the path of the row's location (see location); "" for none.
func locPath(row *m.Row, idx int) string {
	if idx == noLocation {
		return ""
	}
	return model.LocationPath(row.Values[m.LocationExternalID], idx < 0)
}

// cellErrors turns the row's cell errors into canonical errors. ms is the
// row's member (nil for none), loc its location (see location).
func (b *builder) cellErrors(row *m.Row, line int, ms *memberSrc, loc int) {
	if len(row.Errors) == 0 {
		return
	}
	base := ""
	if ms != nil {
		base = ms.basePath()
	}
	for _, ce := range row.Errors {
		t := ce.Target
		param := ""
		switch lineIdx, _, isEnroll := t.EnrollmentOf(); {
		case t <= m.EmployerSIC:
			param = t.Suffix()
		case t <= m.LocationCountry:
			if loc != noLocation {
				param = locPath(row, loc) + t.Suffix()
			}
		case base == "":
		case t == m.MemberExternalID:
			param = base + ".external_identifier"
		case t == m.MemberSubscriber:
			param = base
		case t == m.MemberRelationship && row.Subscriber:
			param = base
		case isEnroll && !row.Subscriber:
			param = base + ".product_lines"
		case isEnroll:
			param = model.EnrollmentPath(row.Values[m.MemberExternalID], model.ProductLines[lineIdx]) + t.Suffix()
		case t == m.CoverageStart || t == m.CoverageEnd:
			if row.Subscriber {
				param = base + ".enrollments"
			} else {
				param = base + t.Suffix()
			}
		default:
			param = base + t.Suffix()
		}
		b.sg.Errors = append(b.sg.Errors, model.Error{ErrorType: ce.Type(), Message: ce.Error(), Parameter: param,
			Value: ce.Value, Source: &model.Source{File: b.r.file, Line: line, Column: ce.Column}})
	}
}

func (b *builder) subscriber(row *m.Row, line int, ms *memberSrc) {
	v := &row.Values
	id, ref := ms.id, v[m.MemberSubscriber]
	if ref != "" && ref != id {
		b.errorf(model.ErrParameterInvalid, ms.basePath(), line, b.header(row, m.MemberSubscriber), ref,
			"Column %s: %q is not this employee's own member id %s; leave it blank or repeat the member id on an employee's row.",
			b.header(row, m.MemberSubscriber), ref, id)
	}
	// Filled in place: a local the field table points into would be moved
	// to the heap.
	ms.subIdx = int32(len(b.g.Subscribers))
	b.g.Subscribers = append(b.g.Subscribers, model.Subscriber{ExternalIdentifier: id, LocationExternalIdentifier: v[m.LocationExternalID]})
	s := &b.g.Subscribers[ms.subIdx]
	for _, t := range memberTargets {
		*subscriberField[t](s) = v[t]
	}
	for _, t := range homeTargets {
		if v[t] != "" {
			if s.ResidentialAddress == nil {
				s.ResidentialAddress = &b.addrs.take(1)[0]
			}
			*homeField[t](s.ResidentialAddress) = v[t]
		}
	}
	for _, t := range employmentTargets {
		if v[t] != "" && s.EmploymentDetails == nil {
			s.EmploymentDetails = &b.jobs.take(1)[0]
		}
	}
	if e := s.EmploymentDetails; e != nil {
		e.StartDate, e.Status = v[m.EmploymentStart], v[m.EmploymentStatus]
		// Unparsable numbers are already row errors: leave them zero.
		if x := v[m.EmploymentEarnings]; x != "" {
			e.AnnualEarnings, _ = strconv.ParseInt(x, 10, 64)
		}
		if x := v[m.EmploymentHours]; x != "" {
			e.HoursPerWeek, _ = strconv.ParseFloat(x, 64)
		}
		e.CobraEvent = v[m.EmploymentCobraEvent]
	}
	b.event(row, id, id)
	n := 0
	for l := range model.ProductLines {
		if v[m.Enrollment(l, m.EnrollPlan)] != "" {
			n++
		}
	}
	if n > 0 {
		s.Enrollments = b.enrolls.take(n)[:0]
	}
	for l, lineName := range model.ProductLines {
		plan := m.Enrollment(l, m.EnrollPlan)
		if v[plan] == "" {
			for f := m.EnrollLevel; f <= m.EnrollEnd; f++ {
				if t := m.Enrollment(l, f); row.Column[t] >= 0 && v[t] != "" {
					b.errorf(model.ErrParameterRequired, model.EnrollmentPath(id, lineName)+".plan_id", line, b.header(row, plan), "",
						"Column %s is blank but %s is set; name the %s plan or clear %s.", b.header(row, plan), b.header(row, t), lineName, b.header(row, t))
					break
				}
			}
			continue
		}
		s.Enrollments = append(s.Enrollments, model.Enrollment{ProductLine: lineName, StartDate: v[m.CoverageStart], EndDate: v[m.CoverageEnd]})
		e := &s.Enrollments[len(s.Enrollments)-1]
		for f := m.EnrollPlan; f <= m.EnrollEnd; f++ {
			t := m.Enrollment(l, f)
			if v[t] != "" || row.Column[t] >= 0 {
				*enrollmentField[f](e) = v[t]
			}
		}
		// The coverage columns are the source of dates the line's own
		// columns do not give (see sourceIndex.enrollCol).
		if row.Column[m.Enrollment(l, m.EnrollStart)] < 0 && row.Column[m.CoverageStart] >= 0 && e.StartDate != "" {
			ms.startVia |= 1 << l
		}
		if row.Column[m.Enrollment(l, m.EnrollEnd)] < 0 && row.Column[m.CoverageEnd] >= 0 && e.EndDate != "" {
			ms.endVia |= 1 << l
		}
		ms.enrolled |= 1 << l
		if e.StartDate == "" {
			e.StartDate = v[m.CoverageStart]
		}
		if e.EndDate == "" {
			e.EndDate = v[m.CoverageEnd]
		}
	}
}

func (b *builder) dependent(row *m.Row, line int, ms *memberSrc) {
	v := &row.Values
	id, ref := ms.id, ms.ref
	col := b.header(row, m.MemberSubscriber)
	if ref == "" {
		b.errorf(model.ErrParameterRequired, ms.basePath(), line, col, "",
			"Column %s is blank on the row of dependent %s; name the member id of the employee the dependent belongs to.", col, id)
		return
	}
	di := int32(len(b.sc.deps))
	b.sc.deps = append(b.sc.deps, model.Dependent{ExternalIdentifier: id})
	d := &b.sc.deps[di]
	for _, t := range memberTargets {
		*dependentField[t](d) = v[t]
	}
	d.SubscriberRelationship, d.EndDate = v[m.MemberRelationship], v[m.CoverageEnd]
	b.event(row, ref, id)
	n := 0
	for l := range model.ProductLines {
		if v[m.Enrollment(l, m.EnrollPlan)] != "" {
			if n == 0 {
				ms.plFirst = int8(l)
			}
			n++
		}
	}
	if n > 0 {
		d.ProductLines = b.lines.take(n)[:0]
		for l, lineName := range model.ProductLines {
			if v[m.Enrollment(l, m.EnrollPlan)] != "" {
				d.ProductLines = append(d.ProductLines, lineName)
			}
		}
	}
	b.sc.pending = append(b.sc.pending, pendingDep{dep: di, ref: ref, line: line, column: col})
}

// finish attaches dependents to their subscribers and returns the group.
// The subscribers and dependents are copied out of the scratch, which is
// cleared for the next group.
// event records the qualifying life event a row names for its member (of
// the family of subscriber sub); finish gives it to the subscriber.
func (b *builder) event(row *m.Row, sub, member string) {
	v := &row.Values
	if v[m.MemberEvent] == "" && v[m.MemberEventDate] == "" {
		return
	}
	b.events = append(b.events, model.QualifyingLifeEvent{Subscriber: sub, Type: v[m.MemberEvent], EventDate: v[m.MemberEventDate],
		Members: []string{member}, Source: model.EventPartner})
}

func (b *builder) finish() *model.SourcedGroup {
	b.src.cols = b.r.cols
	sc := b.sc
	built := b.g.Subscribers
	subs := make([]model.Subscriber, len(built))
	copy(subs, built)
	b.g.Subscribers = subs
	// A family's rows naming the same event on the same date are one
	// event of its members.
	for _, ev := range b.events {
		ms := b.src.member(ev.Subscriber)
		if ms == nil || !ms.sub {
			continue // the dependent's missing subscriber is reported below
		}
		s := &subs[ms.subIdx]
		i := slices.IndexFunc(s.QualifyingLifeEvents, func(q model.QualifyingLifeEvent) bool {
			return q.Type == ev.Type && q.EventDate == ev.EventDate
		})
		if i >= 0 {
			s.QualifyingLifeEvents[i].Members = append(s.QualifyingLifeEvents[i].Members, ev.Members...)
		} else {
			s.QualifyingLifeEvents = append(s.QualifyingLifeEvents, ev)
		}
	}
	b.events = b.events[:0]
	// Count each subscriber's dependents, then cut their slices from one
	// array and fill them in row order.
	sc.counts = append(sc.counts[:0], make([]int32, len(subs))...)
	attached := 0
	for i := range sc.pending {
		p := &sc.pending[i]
		p.sub = -1
		if ms := b.src.member(p.ref); ms != nil && ms.sub {
			p.sub = ms.subIdx
			sc.counts[p.sub]++
			attached++
			continue
		}
		b.errorf(model.ErrReferenceUnknown, model.DependentPath(p.ref, sc.deps[p.dep].ExternalIdentifier), p.line, p.column, p.ref,
			"Column %s: %q names no employee of group %s; a dependent's %s must be the member id of an employee row of the same group.",
			p.column, p.ref, b.g.ExternalIdentifier, p.column)
	}
	if attached > 0 {
		all := make([]model.Dependent, attached)
		for i, n := range sc.counts {
			if n > 0 {
				subs[i].Dependents = all[:0:n]
				all = all[n:]
			}
		}
		for _, p := range sc.pending {
			if p.sub >= 0 {
				s := &subs[p.sub]
				s.Dependents = append(s.Dependents, sc.deps[p.dep])
			}
		}
	}
	clear(built)
	clear(sc.deps)
	clear(sc.pending)
	sc.subs, sc.deps, sc.pending = built[:0], sc.deps[:0], sc.pending[:0]
	if len(subs) == 0 {
		b.g.Subscribers = nil // as a group without members decodes from JSON
	}
	model.SortErrors(b.sg.Errors)
	b.sg.Digest = b.digest.Sum(nil)
	return b.sg
}
