package census

import (
	"fmt"
	"strconv"

	"github.com/onboard/onboard/engine/model"
	m "github.com/onboard/onboard/mappings"
)

// builder assembles one group from its rows.
type builder struct {
	r  *Reader
	sg *model.SourcedGroup
	g  *model.Group

	groupLine [m.NumTargets]int // line that set each group value
	locs      map[string]int    // location id → -1 primary, else secondary index
	locLine   map[string]int    // location id → line that first named it
	members   map[string]int    // member id → line first seen
	subs      map[string]int    // subscriber id → index in g.Subscribers
	deps      []pendingDep
}

// pendingDep is a dependent waiting for all rows to be read: its
// subscriber's row may come later.
type pendingDep struct {
	dep    model.Dependent
	ref    string
	line   int
	column string
}

func newBuilder(r *Reader, key string, line, rows int) *builder {
	// Sized from the row count: growing a map of thousands of paths costs
	// more than the paths themselves.
	g := &model.Group{ExternalIdentifier: key, Subscribers: make([]model.Subscriber, 0, rows)}
	return &builder{
		r:       r,
		g:       g,
		sg:      &model.SourcedGroup{Group: g, File: r.file, Line: line, Sources: make(map[string]model.Source, rows*r.plan.Width()*5/8)},
		locs:    map[string]int{},
		locLine: map[string]int{},
		members: map[string]int{},
		subs:    map[string]int{},
	}
}

func (b *builder) source(line int, col int32) model.Source {
	return model.Source{File: b.r.file, Line: line, Column: b.r.plan.Header(int(col))}
}

func (b *builder) errorf(t model.ErrorType, param string, line int, column string, value, format string, args ...any) {
	b.sg.Errors = append(b.sg.Errors, model.Error{ErrorType: t, Parameter: param, Value: value,
		Message: fmt.Sprintf(format, args...), Source: &model.Source{File: b.r.file, Line: line, Column: column}})
}

// add maps one row into the group.
func (b *builder) add(rec []string, line int) {
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
	var base string // the member's canonical path
	switch {
	case !mp.Has(m.MemberExternalID) || id == "":
		// A row without a member carries group (and location) values only.
		if row.Subscriber {
			b.location(row, line)
		}
		b.cellErrors(row, line, "", "")
		return
	case row.Subscriber:
		base = model.SubscriberPath(id)
	default:
		base = model.DependentPath(ref, id)
	}
	locPath := ""
	if row.Subscriber {
		locPath = b.location(row, line)
	}
	b.cellErrors(row, line, base, locPath)
	if first, dup := b.members[id]; dup {
		b.errorf(model.ErrParameterDuplicate, base, line, b.header(row, m.MemberExternalID), id,
			"Member %s appears twice in group %s (first on line %d); send each member once.", id, b.g.ExternalIdentifier, first)
		return
	}
	b.members[id] = line
	b.sg.Sources[base] = model.Source{File: b.r.file, Line: line}
	b.sourcesOf(row, line, base, memberTargets)
	if row.Subscriber {
		b.subscriber(row, line, id, ref, base)
	} else {
		b.dependent(row, line, id, ref, base)
	}
}

// header returns the header of the column that gave t.
func (b *builder) header(row *m.Row, t m.Target) string {
	return b.r.plan.Header(int(row.Column[t]))
}

func (b *builder) sourcesOf(row *m.Row, line int, base string, ts []m.Target) {
	for _, t := range ts {
		if c := row.Column[t]; c >= 0 {
			b.sg.Sources[base+t.Suffix()] = b.source(line, c)
		}
	}
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
			if row.Column[t] >= 0 && b.groupLine[t] == 0 {
				b.sg.Sources[t.Suffix()] = b.source(line, row.Column[t])
			}
			continue
		}
		field := groupField[t](b.g)
		switch {
		case b.groupLine[t] == 0:
			*field = v
			b.groupLine[t] = line
			if row.Column[t] >= 0 {
				b.sg.Sources[t.Suffix()] = b.source(line, row.Column[t])
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

// location records the row's work location and returns its path ("" when
// the row names none). The first location of a group is its primary one.
func (b *builder) location(row *m.Row, line int) string {
	id := row.Values[m.LocationExternalID]
	named := id != ""
	for _, t := range locationTargets {
		named = named || (row.Column[t] >= 0 && row.Values[t] != "")
	}
	if !named {
		return ""
	}
	idx, seen := b.locs[id]
	var loc *model.Location
	switch {
	case !seen && b.g.PrimaryLocation == nil:
		b.g.PrimaryLocation = &model.Location{}
		loc, idx = b.g.PrimaryLocation, -1
	case !seen:
		b.g.SecondaryLocations = append(b.g.SecondaryLocations, model.Location{})
		idx = len(b.g.SecondaryLocations) - 1
		loc = &b.g.SecondaryLocations[idx]
	case idx < 0:
		loc = b.g.PrimaryLocation
	default:
		loc = &b.g.SecondaryLocations[idx]
	}
	path := model.LocationPath(id, idx < 0)
	if !seen {
		b.locs[id], b.locLine[id] = idx, line
		b.sg.Sources[path] = b.source(line, row.Column[m.LocationExternalID])
	}
	for _, t := range locationTargets {
		v := row.Values[t]
		if row.Failed(t) {
			continue
		}
		field := locationField[t](loc)
		switch {
		case v == "":
			if c := row.Column[t]; c >= 0 && !seen {
				b.sg.Sources[path+t.Suffix()] = b.source(line, c)
			}
		case *field == "":
			*field = v
			if c := row.Column[t]; c >= 0 {
				b.sg.Sources[path+t.Suffix()] = b.source(line, c)
			}
		case *field != v:
			b.conflict(path+t.Suffix(), line, b.header(row, t), t, v, *field, b.locLine[id], "a location's columns must hold the same value on every row that names it")
		}
	}
	return path
}

// cellErrors turns the row's cell errors into canonical errors.
func (b *builder) cellErrors(row *m.Row, line int, base, locPath string) {
	for _, ce := range row.Errors {
		t := ce.Target
		param := ""
		switch lineIdx, _, isEnroll := t.EnrollmentOf(); {
		case t <= m.EmployerSIC:
			param = t.Suffix()
		case t <= m.LocationCountry:
			param = locPath + t.Suffix()
			if locPath == "" {
				param = ""
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

func (b *builder) subscriber(row *m.Row, line int, id, ref, base string) {
	v := &row.Values
	if ref != "" && ref != id {
		b.errorf(model.ErrParameterInvalid, base, line, b.header(row, m.MemberSubscriber), ref,
			"Column %s: %q is not this employee's own member id %s; leave it blank or repeat the member id on an employee's row.",
			b.header(row, m.MemberSubscriber), ref, id)
	}
	s := model.Subscriber{ExternalIdentifier: id, LocationExternalIdentifier: v[m.LocationExternalID]}
	if c := row.Column[m.LocationExternalID]; c >= 0 {
		b.sg.Sources[base+".location_external_identifier"] = b.source(line, c)
	}
	for _, t := range memberTargets {
		*subscriberField[t](&s) = v[t]
	}
	for _, t := range homeTargets {
		if v[t] != "" {
			if s.ResidentialAddress == nil {
				s.ResidentialAddress = &model.Address{}
			}
			*homeField[t](s.ResidentialAddress) = v[t]
		}
	}
	b.sourcesOf(row, line, base, homeTargets)
	for _, t := range employmentTargets {
		if v[t] != "" && s.EmploymentDetails == nil {
			s.EmploymentDetails = &model.EmploymentDetails{}
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
	}
	b.sourcesOf(row, line, base, employmentTargets)
	n := 0
	for l := range model.ProductLines {
		if v[m.Enrollment(l, m.EnrollPlan)] != "" {
			n++
		}
	}
	if n > 0 {
		s.Enrollments = make([]model.Enrollment, 0, n)
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
		e := model.Enrollment{ProductLine: lineName, StartDate: v[m.CoverageStart], EndDate: v[m.CoverageEnd]}
		path := model.EnrollmentPath(id, lineName)
		b.sg.Sources[path] = b.source(line, row.Column[plan])
		for f := m.EnrollPlan; f <= m.EnrollEnd; f++ {
			t := m.Enrollment(l, f)
			col := row.Column[t]
			if v[t] != "" || col >= 0 {
				*enrollmentField[f](&e) = v[t]
			}
			switch {
			case col >= 0:
				b.sg.Sources[path+t.Suffix()] = b.source(line, col)
			case f == m.EnrollStart && row.Column[m.CoverageStart] >= 0 && e.StartDate != "":
				b.sg.Sources[path+t.Suffix()] = b.source(line, row.Column[m.CoverageStart])
			case f == m.EnrollEnd && row.Column[m.CoverageEnd] >= 0 && e.EndDate != "":
				b.sg.Sources[path+t.Suffix()] = b.source(line, row.Column[m.CoverageEnd])
			}
		}
		if e.StartDate == "" {
			e.StartDate = v[m.CoverageStart]
		}
		if e.EndDate == "" {
			e.EndDate = v[m.CoverageEnd]
		}
		s.Enrollments = append(s.Enrollments, e)
	}
	b.subs[id] = len(b.g.Subscribers)
	b.g.Subscribers = append(b.g.Subscribers, s)
}

func (b *builder) dependent(row *m.Row, line int, id, ref, base string) {
	v := &row.Values
	col := b.header(row, m.MemberSubscriber)
	if ref == "" {
		b.errorf(model.ErrParameterRequired, base, line, col, "",
			"Column %s is blank on the row of dependent %s; name the member id of the employee the dependent belongs to.", col, id)
		return
	}
	d := model.Dependent{ExternalIdentifier: id}
	for _, t := range memberTargets {
		*dependentField[t](&d) = v[t]
	}
	d.SubscriberRelationship, d.EndDate = v[m.MemberRelationship], v[m.CoverageEnd]
	for _, t := range []m.Target{m.MemberRelationship, m.CoverageEnd} {
		if c := row.Column[t]; c >= 0 {
			b.sg.Sources[base+t.Suffix()] = b.source(line, c)
		}
	}
	for l, lineName := range model.ProductLines {
		t := m.Enrollment(l, m.EnrollPlan)
		if v[t] == "" {
			continue
		}
		if len(d.ProductLines) == 0 {
			b.sg.Sources[base+".product_lines"] = b.source(line, row.Column[t])
		}
		d.ProductLines = append(d.ProductLines, lineName)
	}
	b.deps = append(b.deps, pendingDep{dep: d, ref: ref, line: line, column: col})
}

// finish attaches dependents to their subscribers and returns the group.
func (b *builder) finish() *model.SourcedGroup {
	for _, p := range b.deps {
		i, ok := b.subs[p.ref]
		if !ok {
			b.errorf(model.ErrReferenceUnknown, model.DependentPath(p.ref, p.dep.ExternalIdentifier), p.line, p.column, p.ref,
				"Column %s: %q names no employee of group %s; a dependent's %s must be the member id of an employee row of the same group.",
				p.column, p.ref, b.g.ExternalIdentifier, p.column)
			continue
		}
		s := &b.g.Subscribers[i]
		s.Dependents = append(s.Dependents, p.dep)
	}
	if len(b.g.Subscribers) == 0 {
		b.g.Subscribers = nil // as a group without members decodes from JSON
	}
	model.SortErrors(b.sg.Errors)
	return b.sg
}
