package x12

import (
	"fmt"
	"strings"

	"github.com/onboard/onboard/engine/model"
)

// member builds one member's 2000 loop: INS, REF*0F, REF*1L, member
// dates (DTP*303 maintenance effective on a 001 or 024, DTP*336
// employment begin, DTP*357 eligibility end on a 024), 2100A (NM1, N3,
// N4, DMG) and a 2300 loop (HD with its DTPs) per coverage change. A
// change without coverage changes (a demographic change) has no 2300 loop.
func (w *Writer834) member(b *setBuilder, groupNumber string, mc *model.MemberChange) (MemberPos, error) {
	s, dep := mc.Subscriber, mc.Dependent
	if s == nil {
		return MemberPos{}, &FieldError{Parameter: "group.subscribers", Err: fmt.Errorf("%w: a member change has no subscriber", ErrRequired)}
	}
	sub := dep == nil
	mp := param{sub: s.ExternalIdentifier}
	pos := MemberPos{SubscriberExt: s.ExternalIdentifier, First: b.SetSegments() + 1}
	if !sub {
		mp.dep = dep.ExternalIdentifier
		pos.DependentExt = dep.ExternalIdentifier
	}
	ins, err := w.insFor(mp, mc)
	if err != nil {
		return MemberPos{}, err
	}
	if err := ins.build(b); err != nil {
		return MemberPos{}, err
	}
	b.begin("REF")
	b.el("0F") // subscriber number
	b.required(param{sub: s.ExternalIdentifier, field: "external_identifier"}, "REF02", s.ExternalIdentifier)
	if err := b.end(); err != nil {
		return MemberPos{}, err
	}
	if err := b.segment("REF", "1L", groupNumber); err != nil { // group or policy number
		return MemberPos{}, err
	}
	if mc.Maintenance == model.MaintChange || mc.Maintenance == model.MaintTerminate {
		eff := strings.TrimSpace(mc.EffectiveDate)
		if eff == "" {
			return MemberPos{}, &FieldError{Parameter: mp.String(), Element: "DTP03", Err: fmt.Errorf("%w: a maintenance needs its effective date", ErrRequired)}
		}
		if err := dtp(b, qualMaintenanceEffective, mp.with("effective_date"), eff); err != nil {
			return MemberPos{}, err
		}
	}
	if sub && s.EmploymentDetails != nil && strings.TrimSpace(s.EmploymentDetails.StartDate) != "" {
		if err := dtp(b, qualEmploymentBegin, mp.with("employment_details.start_date"), s.EmploymentDetails.StartDate); err != nil {
			return MemberPos{}, err
		}
	}
	if mc.Maintenance == model.MaintTerminate {
		end := strings.TrimSpace(mc.EndDate)
		if end == "" {
			return MemberPos{}, &FieldError{Parameter: mp.String(), Element: "DTP03", Err: fmt.Errorf("%w: a termination needs an end date", ErrRequired)}
		}
		if err := dtp(b, qualEligibilityEnd, mp.with("end_date"), end); err != nil {
			return MemberPos{}, err
		}
	}
	if err := w.memberName(b, mp, s, dep); err != nil {
		return MemberPos{}, err
	}
	for i := range mc.Coverages {
		if err := w.coverage(b, s.ExternalIdentifier, sub, &mc.Coverages[i]); err != nil {
			return MemberPos{}, err
		}
	}
	pos.Last = b.SetSegments()
	return pos, nil
}

// Date/time qualifiers (DTP01) of the member and coverage loops.
const (
	qualMaintenanceEffective = "303"
	qualEmploymentBegin      = "336"
	qualEligibilityEnd       = "357"
	qualBenefitBegin         = "348"
	qualBenefitEnd           = "349"
)

// dtp builds a DTP segment: DTP01 qualifier, DTP02 D8, DTP03 the date.
func dtp(b *setBuilder, qualifier string, p param, date string) error {
	b.begin("DTP")
	b.el(qualifier)
	b.el("D8")
	b.date(p, "DTP03", date)
	return b.end()
}

// insSegment is INS, member level detail (loop 2000).
type insSegment struct {
	Subscriber    bool   // INS01: Y for the subscriber, N for a dependent
	Relationship  string // INS02: 18 self, 01 spouse, 19 child, ...
	Maintenance   string // INS03: 021, 001, 024, 030
	Reason        string // INS04: maintenance reason (the event)
	BenefitStatus string // INS05: A active, C COBRA
	CobraEvent    string // INS07: COBRA qualifying event, only with INS05 C
	Employment    string // INS08: employment status, the subscriber's only
}

func (s insSegment) build(b *setBuilder) error {
	b.begin("INS")
	if s.Subscriber {
		b.el("Y")
	} else {
		b.el("N")
	}
	b.el(s.Relationship)
	b.el(s.Maintenance)
	b.el(s.Reason)
	b.el(s.BenefitStatus)
	b.skip() // INS06 Medicare status
	b.el(s.CobraEvent)
	b.el(s.Employment)
	return b.end()
}

// insFor returns the member's INS from its change.
func (w *Writer834) insFor(mp param, mc *model.MemberChange) (insSegment, error) {
	s, dep := mc.Subscriber, mc.Dependent
	maint, ok := maintenanceCodes[mc.Maintenance]
	if !ok {
		return insSegment{}, &FieldError{Parameter: mp.String(), Element: "INS03", Err: fmt.Errorf("%w: maintenance %q", ErrMissingCode, mc.Maintenance)}
	}
	ins := insSegment{Subscriber: dep == nil, Relationship: "18", Maintenance: maint, Reason: reasonCode(mc), BenefitStatus: "A"}
	status := ""
	if s.EmploymentDetails != nil {
		status = strings.ToLower(strings.TrimSpace(s.EmploymentDetails.Status))
	}
	if status == "cobra" {
		// COBRA continuation: INS05 C needs INS07, the qualifying event.
		code, ok := cobraEventCodes[strings.ToLower(strings.TrimSpace(mc.CobraEvent))]
		if !ok {
			return insSegment{}, &FieldError{Parameter: param{sub: s.ExternalIdentifier, field: "employment_details.cobra_event"}.String(), Element: "INS07",
				Err: fmt.Errorf("%w: a COBRA member needs its qualifying event (cobra_event)", ErrRequired)}
		}
		ins.BenefitStatus, ins.CobraEvent = "C", code
	}
	if dep == nil {
		ins.Employment = "AC" // active, when the employment status is unknown
		if status != "" {
			if ins.Employment, ok = employmentCodes[status]; !ok {
				return insSegment{}, &FieldError{Parameter: mp.with("employment_details.status").String(), Element: "INS08",
					Err: fmt.Errorf("%w: employment status %q", ErrMissingCode, status)}
			}
		}
		return ins, nil
	}
	rel := strings.ToLower(strings.TrimSpace(dep.SubscriberRelationship))
	if ins.Relationship, ok = relationshipCodes[rel]; !ok {
		return insSegment{}, &FieldError{Parameter: mp.with("subscriber_relationship").String(), Element: "INS02",
			Err: fmt.Errorf("%w: relationship %q", ErrMissingCode, rel)}
	}
	return ins, nil
}

// memberName builds loop 2100A: NM1, the subscriber's N3/N4, DMG.
func (w *Writer834) memberName(b *setBuilder, mp param, s *model.Subscriber, dep *model.Dependent) error {
	first, middle, last, ssn, birth, gender := s.FirstName, s.MiddleName, s.LastName, s.SocialSecurityNumber, s.BirthDate, s.Gender
	if dep != nil {
		first, middle, last, ssn, birth, gender = dep.FirstName, dep.MiddleName, dep.LastName, dep.SocialSecurityNumber, dep.BirthDate, dep.Gender
	}
	b.begin("NM1")
	b.el("IL") // insured or subscriber
	b.el("1")  // person
	b.required(mp.with("last_name"), "NM103", last)
	b.val(mp.with("first_name"), "NM104", first)
	b.val(mp.with("middle_name"), "NM105", middle)
	if strings.TrimSpace(ssn) != "" {
		b.skip()
		b.skip()
		b.el("34") // social security number
		b.digits(mp.with("social_security_number"), "NM109", ssn, 9)
	}
	if err := b.end(); err != nil {
		return err
	}
	if a := s.ResidentialAddress; dep == nil && a != nil {
		if err := address(b, mp, a); err != nil {
			return err
		}
	}
	if strings.TrimSpace(birth) != "" {
		b.begin("DMG")
		b.el("D8")
		b.date(mp.with("birth_date"), "DMG02", birth)
		b.el(genderCode(gender))
		if err := b.end(); err != nil {
			return err
		}
	}
	return nil
}

// hdSegment is HD, health coverage (loop 2300).
type hdSegment struct {
	Maintenance   string // HD01: 021 add, 024 end, 001 change, 030 audit
	InsuranceLine string // HD03: HLT, DEN, VIS, ...
	Plan          string // HD04: plan coverage description (the plan id)
	Level         string // HD05: coverage level, the subscriber's only
}

func (h hdSegment) build(b *setBuilder, p param) error {
	b.begin("HD")
	b.el(h.Maintenance)
	b.skip() // HD02 not used
	b.el(h.InsuranceLine)
	b.val(p.with("plan_id"), "HD04", h.Plan)
	b.el(h.Level)
	return b.end()
}

// coverage builds one 2300 loop: HD, DTP*348 benefit begin, DTP*349
// benefit end on a termination, DTP*303 on a change.
func (w *Writer834) coverage(b *setBuilder, subExt string, sub bool, cc *model.CoverageChange) error {
	e := &cc.Enrollment
	ep := param{sub: subExt, line: e.ProductLine}
	hd := hdSegment{Plan: e.PlanID}
	var ok bool
	if hd.Maintenance, ok = maintenanceCodes[cc.Maintenance]; !ok {
		return &FieldError{Parameter: ep.String(), Element: "HD01", Err: fmt.Errorf("%w: maintenance %q", ErrMissingCode, cc.Maintenance)}
	}
	if hd.InsuranceLine, ok = w.opts.ProductCodes[e.ProductLine]; !ok {
		return &FieldError{Parameter: ep.with("product_line").String(), Element: "HD03",
			Err: fmt.Errorf("%w: no HD03 insurance line code is configured for product line %q", ErrMissingCode, e.ProductLine)}
	}
	// HD05 describes the subscriber's contract; dependents' loops omit it.
	if lv := strings.TrimSpace(e.CoverageLevel); sub && lv != "" {
		if hd.Level, ok = w.opts.LevelCodes[lv]; !ok {
			return &FieldError{Parameter: ep.with("coverage_level").String(), Element: "HD05",
				Err: fmt.Errorf("%w: no HD05 coverage level code is configured for %q", ErrMissingCode, lv)}
		}
	}
	if err := hd.build(b, ep); err != nil {
		return err
	}
	// The start date is checked as a value (trimmed, upper-cased, free of
	// delimiters) before it is read as a date.
	start := b.requiredValue(ep.with("start_date"), "DTP03", e.StartDate)
	if err := dtp(b, qualBenefitBegin, ep.with("start_date"), start); err != nil {
		return err
	}
	switch cc.Maintenance {
	case model.MaintTerminate:
		end := strings.TrimSpace(e.EndDate)
		if end == "" {
			return &FieldError{Parameter: ep.with("end_date").String(), Element: "DTP03", Err: fmt.Errorf("%w: an ended coverage needs its end date", ErrRequired)}
		}
		if end < strings.TrimSpace(start) {
			return &FieldError{Parameter: ep.with("end_date").String(), Element: "DTP03", Err: fmt.Errorf("%w: coverage cannot end (%s) before it starts (%s)", ErrInvalid, end, start)}
		}
		return dtp(b, qualBenefitEnd, ep.with("end_date"), end)
	case model.MaintChange:
		if eff := strings.TrimSpace(cc.EffectiveDate); eff != "" {
			return dtp(b, qualMaintenanceEffective, ep.with("effective_date"), eff)
		}
	}
	return nil
}

// address builds the subscriber's residence: N3 and N4 (county as CY and
// its FIPS code).
func address(b *setBuilder, mp param, a *model.Address) error {
	if strings.TrimSpace(a.AddressLine1) != "" {
		b.begin("N3")
		b.val(mp.with("residential_address.address_line_1"), "N301", a.AddressLine1)
		b.val(mp.with("residential_address.address_line_2"), "N302", a.AddressLine2)
		if err := b.end(); err != nil {
			return err
		}
	}
	if strings.TrimSpace(a.City) == "" {
		return nil
	}
	// Country and county are made first: their problems are reported
	// before the city's, as they always were.
	country := ""
	if c := strings.ToUpper(strings.TrimSpace(a.CountryCode)); c != "" && c != "US" && c != "USA" {
		country = b.fields.val(mp.with("residential_address.country_code"), "N404", c)
	}
	qualifier, county := "", ""
	if strings.TrimSpace(a.FIPSCountyCode) != "" {
		qualifier, county = "CY", b.fields.val(mp.with("residential_address.fips_county_code"), "N406", a.FIPSCountyCode) // county/parish
	}
	b.begin("N4")
	b.val(mp.with("residential_address.city"), "N401", a.City)
	b.val(mp.with("residential_address.state"), "N402", a.State)
	if n := countDigits(a.Zip); n == 5 || n == 9 {
		b.digits(mp.with("residential_address.zip"), "N403", a.Zip, n) // a US ZIP code: its digits
	} else {
		b.val(mp.with("residential_address.zip"), "N403", a.Zip) // another postal code, as given
	}
	b.el(country)
	b.el(qualifier)
	b.el(county)
	return b.end()
}

// countDigits returns the number of ASCII digits in s.
func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// fields turns model values into element values: trimmed, upper-cased and
// checked against the delimiters. The first problem sticks in err as a
// *FieldError, so a segment is built element by element and checked once
// at its end (setBuilder.end).
type fields struct {
	d   Delimiters
	err error
}

func (f *fields) fail(p param, elem string, err error) string {
	if f.err == nil {
		f.err = &FieldError{Parameter: p.String(), Element: elem, Err: err}
	}
	return ""
}

// param is a canonical parameter path, built only when an error needs it
// (building every path eagerly costs more than writing the 834).
type param struct {
	sub, dep, line string // external ids and product line; all empty for the group
	field          string // dotted field below the subscriber, dependent, enrollment or group
}

func (p param) with(field string) param {
	p.field = field
	return p
}

// String returns the path, e.g. group.subscribers[E1].dependents[E1-2].birth_date.
func (p param) String() string {
	path := model.PathGroup
	switch {
	case p.sub == "":
	case p.line != "":
		path = model.EnrollmentPath(p.sub, p.line)
	case p.dep != "":
		path = model.DependentPath(p.sub, p.dep)
	default:
		path = model.SubscriberPath(p.sub)
	}
	if p.field != "" {
		path += "." + p.field
	}
	return path
}

// val returns s trimmed, upper-cased and with Latin accents folded to
// ASCII, if it can be written.
func (f *fields) val(p param, elem, s string) string {
	if f.err != nil {
		return ""
	}
	v := foldASCII(strings.ToUpper(strings.TrimSpace(s)))
	if err := CheckValue(v, f.d); err != nil {
		return f.fail(p, elem, err)
	}
	if err := checkLength(elem, len(v)); err != nil {
		return f.fail(p, elem, err)
	}
	return v
}

// required is val for a value that must not be empty.
func (f *fields) required(p param, elem, s string) string {
	v := f.val(p, elem, s)
	if v == "" && f.err == nil {
		return f.fail(p, elem, ErrRequired)
	}
	return v
}

// digits returns the digits of s, which must number n (an SSN, a FEIN).
func (f *fields) digits(p param, elem, s string, n int) string {
	if f.err != nil {
		return ""
	}
	d := model.Digits(s)
	if len(d) != n {
		return f.fail(p, elem, digitsProblem(s, n))
	}
	return d
}

// digitsProblem is why s is not n digits: blank, or not n of them.
func digitsProblem(s string, n int) error {
	if strings.TrimSpace(s) == "" {
		return ErrRequired
	}
	return fmt.Errorf("%w: must be %d digits", ErrInvalid, n)
}
