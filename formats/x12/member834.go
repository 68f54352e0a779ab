package x12

import (
	"fmt"
	"slices"
	"strings"

	"github.com/onboard/onboard/engine/model"
)

// member builds one member's 2000 loop: INS, REF*0F, REF*1L, member
// dates, 2100A (NM1, N3, N4, DMG) and a 2300 loop (HD, DTP*348, DTP*349)
// per product line.
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
	maint, ok := maintenanceCodes[mc.Maintenance]
	if !ok {
		return MemberPos{}, &FieldError{Parameter: mp.String(), Element: "INS03", Err: fmt.Errorf("%w: maintenance %q", ErrMissingCode, mc.Maintenance)}
	}
	b.lines = coverageLines(b.lines[:0], mc)
	lines := b.lines

	// INS: member level detail.
	status := ""
	if s.EmploymentDetails != nil {
		status = strings.ToLower(strings.TrimSpace(s.EmploymentDetails.Status))
	}
	benefit := "A"
	if status == "cobra" {
		benefit = "C"
	}
	if sub {
		emp := "AC" // active, when the employment status is unknown
		if status != "" {
			if emp, ok = employmentCodes[status]; !ok {
				return MemberPos{}, &FieldError{Parameter: mp.with("employment_details.status").String(), Element: "INS08",
					Err: fmt.Errorf("%w: employment status %q", ErrMissingCode, status)}
			}
		}
		// INS06, INS07 not sent; INS08 employment status.
		b.begin("INS")
		b.el("Y")
		b.el("18")
		b.el(maint)
		b.el(reasonCodes[mc.Maintenance])
		b.el(benefit)
		b.skip()
		b.skip()
		b.el(emp)
	} else {
		rel := strings.ToLower(strings.TrimSpace(dep.SubscriberRelationship))
		code, ok := relationshipCodes[rel]
		if !ok {
			return MemberPos{}, &FieldError{Parameter: mp.with("subscriber_relationship").String(), Element: "INS02",
				Err: fmt.Errorf("%w: relationship %q", ErrMissingCode, rel)}
		}
		b.begin("INS")
		b.el("N")
		b.el(code)
		b.el(maint)
		b.el(reasonCodes[mc.Maintenance])
		b.el(benefit)
	}
	if err := b.end(); err != nil {
		return MemberPos{}, err
	}
	b.begin("REF")
	b.el("0F")
	b.required(param{sub: s.ExternalIdentifier, field: "external_identifier"}, "REF02", s.ExternalIdentifier)
	if err := b.end(); err != nil {
		return MemberPos{}, err
	}
	if err := b.segment("REF", "1L", groupNumber); err != nil {
		return MemberPos{}, err
	}
	if sub && s.EmploymentDetails != nil && strings.TrimSpace(s.EmploymentDetails.StartDate) != "" {
		b.begin("DTP")
		b.el("336")
		b.el("D8")
		b.date(mp.with("employment_details.start_date"), "DTP03", s.EmploymentDetails.StartDate)
		if err := b.end(); err != nil {
			return MemberPos{}, err
		}
	}
	if mc.Maintenance == model.MaintTerminate {
		end := eligibilityEnd(mc, lines)
		if end == "" {
			return MemberPos{}, &FieldError{Parameter: mp.String(), Element: "DTP03", Err: fmt.Errorf("%w: a termination needs an end date", ErrRequired)}
		}
		b.begin("DTP")
		b.el("357") // eligibility end
		b.el("D8")
		b.date(mp.with("end_date"), "DTP03", end)
		if err := b.end(); err != nil {
			return MemberPos{}, err
		}
	}

	// 2100A: member name, residence, demographics.
	first, middle, last, ssn, birth, gender := s.FirstName, s.MiddleName, s.LastName, s.SocialSecurityNumber, s.BirthDate, s.Gender
	if !sub {
		first, middle, last, ssn, birth, gender = dep.FirstName, dep.MiddleName, dep.LastName, dep.SocialSecurityNumber, dep.BirthDate, dep.Gender
	}
	b.begin("NM1")
	b.el("IL")
	b.el("1")
	b.required(mp.with("last_name"), "NM103", last)
	b.val(mp.with("first_name"), "NM104", first)
	b.val(mp.with("middle_name"), "NM105", middle)
	if strings.TrimSpace(ssn) != "" {
		b.skip()
		b.skip()
		b.el("34")
		b.digits(mp.with("social_security_number"), "NM109", ssn, 9)
	}
	if err := b.end(); err != nil {
		return MemberPos{}, err
	}
	if a := s.ResidentialAddress; sub && a != nil {
		if err := address(b, mp, a); err != nil {
			return MemberPos{}, err
		}
	}
	if strings.TrimSpace(birth) != "" {
		b.begin("DMG")
		b.el("D8")
		b.date(mp.with("birth_date"), "DMG02", birth)
		b.el(genderCode(gender))
		if err := b.end(); err != nil {
			return MemberPos{}, err
		}
	}

	// 2300: health coverage per product line.
	for _, line := range lines {
		ep := param{sub: s.ExternalIdentifier, line: line}
		e := enrollment(s, line)
		if e == nil {
			return MemberPos{}, &FieldError{Parameter: ep.String(), Element: "HD03",
				Err: fmt.Errorf("%w: the subscriber has no %s enrollment", ErrRequired, line)}
		}
		code, ok := w.opts.ProductCodes[line]
		if !ok {
			return MemberPos{}, &FieldError{Parameter: ep.with("product_line").String(), Element: "HD03",
				Err: fmt.Errorf("%w: no HD03 insurance line code is configured for product line %q", ErrMissingCode, line)}
		}
		end := coverageEnd(mc, e)
		hd01 := maint
		if mc.Maintenance == model.MaintChange && end != "" {
			hd01 = maintenanceCodes[model.MaintTerminate]
		}
		level := ""
		// HD05 describes the subscriber's contract; dependents' loops omit it.
		if lv := strings.TrimSpace(e.CoverageLevel); sub && lv != "" {
			if level, ok = w.opts.LevelCodes[lv]; !ok {
				return MemberPos{}, &FieldError{Parameter: ep.with("coverage_level").String(), Element: "HD05",
					Err: fmt.Errorf("%w: no HD05 coverage level code is configured for %q", ErrMissingCode, lv)}
			}
		}
		b.begin("HD")
		b.el(hd01)
		b.skip()
		b.el(code)
		b.val(ep.with("plan_id"), "HD04", e.PlanID)
		b.el(level)
		if err := b.end(); err != nil {
			return MemberPos{}, err
		}
		// The start date is checked as a value (trimmed, upper-cased,
		// free of delimiters) before it is read as a date.
		start := b.requiredValue(ep.with("start_date"), "DTP03", e.StartDate)
		b.begin("DTP")
		b.el("348") // benefit begin
		b.el("D8")
		b.date(ep.with("start_date"), "DTP03", start)
		if err := b.end(); err != nil {
			return MemberPos{}, err
		}
		if end != "" {
			b.begin("DTP")
			b.el("349") // benefit end
			b.el("D8")
			b.date(ep.with("end_date"), "DTP03", end)
			if err := b.end(); err != nil {
				return MemberPos{}, err
			}
		}
	}
	pos.Last = b.SetSegments()
	return pos, nil
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

// coverageLines returns the product lines of the member's 2300 loops:
// those the change names, else all the member has, in canonical order.
// They are appended to lines (a scratch slice, reused from member to
// member).
func coverageLines(lines []string, mc *model.MemberChange) []string {
	switch {
	case len(mc.ProductLines) > 0:
		lines = append(lines, mc.ProductLines...)
	case mc.Dependent != nil:
		lines = append(lines, mc.Dependent.ProductLines...)
	default:
		for _, e := range mc.Subscriber.Enrollments {
			lines = append(lines, e.ProductLine)
		}
	}
	slices.SortStableFunc(lines, func(a, b string) int { return productOrder(a) - productOrder(b) })
	return slices.Compact(lines)
}

func enrollment(s *model.Subscriber, line string) *model.Enrollment {
	for i := range s.Enrollments {
		if s.Enrollments[i].ProductLine == line {
			return &s.Enrollments[i]
		}
	}
	return nil
}

// coverageEnd is the benefit end date of a 2300 loop: the termination date
// of a terminated member, else the dependent's own end date, else the
// enrollment's.
func coverageEnd(mc *model.MemberChange, e *model.Enrollment) string {
	if mc.Maintenance == model.MaintTerminate && strings.TrimSpace(mc.EndDate) != "" {
		return mc.EndDate
	}
	if mc.Dependent != nil && strings.TrimSpace(mc.Dependent.EndDate) != "" {
		return mc.Dependent.EndDate
	}
	return strings.TrimSpace(e.EndDate)
}

// eligibilityEnd is the DTP*357 date of a termination: the change's end
// date, else the dependent's, else the latest end of its coverages.
func eligibilityEnd(mc *model.MemberChange, lines []string) string {
	if d := strings.TrimSpace(mc.EndDate); d != "" {
		return d
	}
	if mc.Dependent != nil && strings.TrimSpace(mc.Dependent.EndDate) != "" {
		return mc.Dependent.EndDate
	}
	latest := ""
	for _, line := range lines {
		if e := enrollment(mc.Subscriber, line); e != nil {
			if d := strings.TrimSpace(e.EndDate); d > latest {
				latest = d
			}
		}
	}
	return latest
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

// asciiFolds maps the upper-case Latin letters with diacritics to ASCII:
// X12's character set is ASCII and receivers reject other bytes.
var asciiFolds = map[rune]string{
	'À': "A", 'Á': "A", 'Â': "A", 'Ã': "A", 'Ä': "A", 'Å': "A", 'Æ': "AE", 'Ç': "C",
	'È': "E", 'É': "E", 'Ê': "E", 'Ë': "E", 'Ì': "I", 'Í': "I", 'Î': "I", 'Ï': "I",
	'Ð': "D", 'Ñ': "N", 'Ò': "O", 'Ó': "O", 'Ô': "O", 'Õ': "O", 'Ö': "O", 'Ø': "O",
	'Ù': "U", 'Ú': "U", 'Û': "U", 'Ü': "U", 'Ý': "Y", 'Þ': "TH", 'ß': "SS",
	'Œ': "OE", 'Š': "S", 'Ž': "Z", 'Ÿ': "Y", 'Ł': "L", 'Ś': "S", 'Ź': "Z", 'Ż': "Z",
	'Ć': "C", 'Č': "C", 'Ę': "E", 'Ě': "E", 'Ń': "N", 'Ň': "N", 'Ř': "R", 'Ů': "U",
}

// foldASCII replaces the letters of asciiFolds; other runes are kept.
func foldASCII(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if f, ok := asciiFolds[r]; ok {
			b.WriteString(f)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
