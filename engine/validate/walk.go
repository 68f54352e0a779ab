package validate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/onboard/onboard/engine/model"
)

// This file walks a group entity by entity; validate.go holds the field
// checks it calls.

func (v *checker) group(g *model.Group) {
	v.env.Group = g
	const who = "The group's"
	v.text(at{groupPath(), "external_identifier", who}, g.ExternalIdentifier, true, plain)

	em := &g.Employer
	const emp = "The employer's"
	base := employerPath()
	v.text(at{base, "organization_name", emp}, em.OrganizationName, true, plain)
	if a := (at{base, "fein", emp}); v.text(a, em.FEIN, true, fein) {
		d, err := NormalizeFEIN(em.FEIN)
		switch err {
		case nil:
			em.FEIN = d
		case errFormat:
			v.add(model.ErrParameterInvalid, a.param(), model.MaskFEIN(em.FEIN),
				"The employer's FEIN must be 9 digits, written 123456789 or 12-3456789.")
		default:
			v.add(model.ErrParameterInvalid, a.param(), model.MaskFEIN(em.FEIN),
				"The employer's FEIN starts with a prefix the IRS never assigns (valid prefixes are 01-06, 10-16, 20-27, 30-48, 50-68, 71-77, 80-88, 90-95, 98 and 99); check the number.")
		}
	}
	if a := (at{base, "established_date", emp}); v.date(a, em.EstablishedDate, false) != "" {
		v.notFuture(a, em.EstablishedDate)
	}
	v.enum(at{base, "employer_type", emp}, em.EmployerType, false, model.EmployerTypes)
	if a := (at{base, "sic_code", emp}); v.text(a, em.SICCode, false, plain) && (len(em.SICCode) != 4 || !allDigits(em.SICCode)) {
		v.add(model.ErrParameterInvalid, a.param(), em.SICCode, "The employer's sic_code must be a 4-digit SIC code.")
	}

	locs := make(map[string]bool, 1+len(g.SecondaryLocations))
	if g.PrimaryLocation == nil {
		v.add(model.ErrParameterRequired, "group.primary_location", "",
			"The group's primary_location is required: give the address where most employees work.")
	} else {
		v.location(g.PrimaryLocation, true, locs)
	}
	for i := range g.SecondaryLocations {
		v.location(&g.SecondaryLocations[i], false, locs)
	}

	members := make(map[string]string, len(g.Subscribers)*2)
	for i := range g.Subscribers {
		v.subscriber(&g.Subscribers[i], locs, members)
	}
	v.env = env{Group: g, Today: v.env.Today}
	v.runRules(OnGroup, &v.env, g, groupPath())
}

func (v *checker) location(l *model.Location, primary bool, seen map[string]bool) {
	base := locationPath(l.ExternalIdentifier, primary)
	const who = "The location's"
	if a := (at{base, "external_identifier", who}); v.text(a, l.ExternalIdentifier, true, plain) {
		if seen[l.ExternalIdentifier] {
			v.add(model.ErrParameterDuplicate, a.param(), l.ExternalIdentifier, fmt.Sprintf(
				"Location %s appears more than once in this group; give each location its own external_identifier.", l.ExternalIdentifier))
		}
		seen[l.ExternalIdentifier] = true
	}
	v.enum(at{base, "type", who}, l.Type, false, model.LocationTypes)
	v.address(base.below(".employer_address"), &l.EmployerAddress, true, "The location's")
	v.env = env{Group: v.env.Group, Location: l, Today: v.env.Today}
	v.runRules(OnLocation, &v.env, l, base)
}

// address checks a US address. An optional address left entirely empty is
// fine; once any part is given, the parts a mailing needs are required.
func (v *checker) address(base entity, a *model.Address, required bool, owner string) {
	if !required && *a == (model.Address{}) {
		return
	}
	v.text(at{base, "address_line_1", owner}, a.AddressLine1, true, plain)
	v.text(at{base, "address_line_2", owner}, a.AddressLine2, false, plain)
	v.text(at{base, "city", owner}, a.City, true, plain)
	stateFIPS := ""
	if f := (at{base, "state", owner}); v.text(f, a.State, true, plain) {
		if code, ok := StateFIPS(a.State); ok {
			a.State = strings.ToUpper(a.State)
			stateFIPS = code
		} else {
			v.add(model.ErrParameterInvalid, f.param(), a.State, f.label()+
				" must be a two-letter US state, DC or territory code (PR, GU, VI, AS, MP), such as FL.")
		}
	}
	if f := (at{base, "zip", owner}); v.text(f, a.Zip, true, plain) && !validZip(a.Zip) {
		v.add(model.ErrParameterInvalid, f.param(), a.Zip, f.label()+" must be 5 digits or ZIP+4 (12345-6789), and not 00000.")
	}
	if f := (at{base, "fips_county_code", owner}); v.text(f, a.FIPSCountyCode, false, plain) {
		switch {
		case len(a.FIPSCountyCode) != 5 || !allDigits(a.FIPSCountyCode):
			v.add(model.ErrParameterInvalid, f.param(), a.FIPSCountyCode, f.label()+" must be the 5-digit FIPS county code, such as 12131.")
		case stateFIPS != "" && a.FIPSCountyCode[:2] != stateFIPS:
			v.add(model.ErrParameterInvalid, f.param(), a.FIPSCountyCode, fmt.Sprintf(
				"%s %s is not a county of %s, whose county codes start with %s.", f.label(), a.FIPSCountyCode, a.State, stateFIPS))
		}
	}
	if f := (at{base, "country_code", owner}); v.text(f, a.CountryCode, false, plain) &&
		!strings.EqualFold(a.CountryCode, "US") && !strings.EqualFold(a.CountryCode, "USA") {
		v.add(model.ErrParameterInvalid, f.param(), a.CountryCode, f.label()+" must be US: onboard handles US addresses only.")
	}
}

// member records a subscriber or dependent id; subscribers and dependents
// share one namespace within a group. Ids are compared in upper case:
// carriers read them so, and E1002 and e1002 would be one member there.
func (v *checker) member(a at, id string, seen map[string]string, what string) {
	key := strings.ToUpper(id)
	if first, dup := seen[key]; dup {
		firstWhat, firstID, _ := strings.Cut(first, "\x00")
		if firstID != id {
			v.add(model.ErrParameterDuplicate, a.param(), id, fmt.Sprintf(
				"Member %s differs only in upper and lower case from member %s of this group (a %s); carriers read identifiers in upper case, "+
					"so the two would be one: give each subscriber and dependent its own external_identifier.", id, firstID, firstWhat))
			return
		}
		v.add(model.ErrParameterDuplicate, a.param(), id, fmt.Sprintf(
			"Member %s appears more than once in this group (first as a %s); give each subscriber and dependent its own external_identifier.", id, firstWhat))
		return
	}
	seen[key] = what + "\x00" + id
}

func (v *checker) person(base entity, owner, first, middle, last string) {
	v.text(at{base, "first_name", owner}, first, true, plain)
	v.text(at{base, "middle_name", owner}, middle, false, plain)
	v.text(at{base, "last_name", owner}, last, true, plain)
}

func (v *checker) subscriber(s *model.Subscriber, locs map[string]bool, members map[string]string) {
	base := subscriberPath(s.ExternalIdentifier)
	const who = "The subscriber's"
	if a := (at{base, "external_identifier", who}); v.text(a, s.ExternalIdentifier, true, plain) {
		v.member(a, s.ExternalIdentifier, members, "subscriber")
	}
	if a := (at{base, "location_external_identifier", who}); v.text(a, s.LocationExternalIdentifier, false, plain) &&
		!locs[s.LocationExternalIdentifier] {
		v.add(model.ErrReferenceUnknown, a.param(), s.LocationExternalIdentifier, fmt.Sprintf(
			"The subscriber's location %s is not a location of this group; use the external_identifier of the primary or a secondary location.",
			s.LocationExternalIdentifier))
	}
	v.person(base, who, s.FirstName, s.MiddleName, s.LastName)
	v.ssn(at{base, "social_security_number", who}, &s.SocialSecurityNumber)
	v.birthDate(at{base, "birth_date", who}, s.BirthDate)
	v.enum(at{base, "gender", who}, s.Gender, false, model.Genders)
	if s.ResidentialAddress != nil {
		v.address(base.below(".residential_address"), s.ResidentialAddress, false, "The subscriber's residential")
	}
	if ed := s.EmploymentDetails; ed != nil {
		p, who := base.below(".employment_details"), "The subscriber's employment"
		v.date(at{p, "start_date", who}, ed.StartDate, false)
		v.enum(at{p, "status", who}, ed.Status, false, model.EmploymentStatus)
		if ed.AnnualEarnings < 0 {
			v.add(model.ErrParameterInvalid, p.field("annual_earnings"), strconv.FormatInt(ed.AnnualEarnings, 10),
				"The subscriber's annual_earnings must not be negative.")
		}
		if ed.HoursPerWeek < 0 || ed.HoursPerWeek > 168 {
			v.add(model.ErrParameterInvalid, p.field("hours_per_week"), strconv.FormatFloat(ed.HoursPerWeek, 'f', -1, 64),
				"The subscriber's hours_per_week must be between 0 and 168.")
		}
		v.enum(at{p, "cobra_event", who}, ed.CobraEvent, false, model.CobraEvents)
		if ed.Status == "cobra" && ed.CobraEvent == "" {
			v.add(model.ErrParameterRequired, p.field("cobra_event"), "", fmt.Sprintf(
				"The subscriber continues coverage under COBRA but no COBRA qualifying event is given; name it in cobra_event (%s).",
				strings.Join(model.CobraEvents, ", ")))
		}
	}
	for i := range s.QualifyingLifeEvents {
		q := &s.QualifyingLifeEvents[i]
		p, who := base.below(fmt.Sprintf(".qualifying_life_events[%d]", i)), "The qualifying life event's"
		v.enum(at{p, "type", who}, q.Type, true, model.EventTypes)
		v.date(at{p, "event_date", who}, q.EventDate, false)
		v.date(at{p, "effective_date", who}, q.EffectiveDate, false)
	}

	var lines [8]string // the subscriber's product lines (at most 5 valid ones)
	enrolled := lines[:0]
	for i := range s.Enrollments {
		enrolled = v.enrollment(s, &s.Enrollments[i], enrolled)
	}
	for i := range s.Dependents {
		v.dependent(s, &s.Dependents[i], enrolled, members)
	}
	v.env = env{Group: v.env.Group, Subscriber: s, Today: v.env.Today}
	v.runRules(OnSubscriber, &v.env, s, base)
}

// enrollment checks one enrollment and returns enrolled with its product
// line added.
func (v *checker) enrollment(s *model.Subscriber, en *model.Enrollment, enrolled []string) []string {
	base := enrollmentPath(s.ExternalIdentifier, en.ProductLine)
	const who = "The enrollment's"
	if a := (at{base, "product_line", who}); v.enum(a, en.ProductLine, true, model.ProductLines) {
		if slices.Contains(enrolled, en.ProductLine) {
			v.add(model.ErrParameterDuplicate, a.param(), en.ProductLine, fmt.Sprintf(
				"The subscriber has more than one %s enrollment; send one enrollment per product line.", en.ProductLine))
		} else {
			enrolled = append(enrolled, en.ProductLine)
		}
	}
	if a := (at{base, "plan_id", who}); v.text(a, en.PlanID, true, plain) && v.c != nil {
		pl, ok := v.c.plans[en.PlanID]
		switch {
		case !ok:
			v.add(model.ErrReferenceUnknown, a.param(), en.PlanID, fmt.Sprintf(
				"Plan %s is not in the plan catalog of carrier %s; use one of the carrier's plan ids.", en.PlanID, v.c.id))
		case pl != en.ProductLine && slices.Contains(model.ProductLines, en.ProductLine):
			v.add(model.ErrParameterInvalid, a.param(), en.PlanID, fmt.Sprintf(
				"Plan %s is a %s plan, not a %s plan; use a %s plan of the carrier or correct the product_line.",
				en.PlanID, pl, en.ProductLine, en.ProductLine))
		}
	}
	v.enum(at{base, "coverage_level", who}, en.CoverageLevel, false, model.CoverageLevels)
	start := v.date(at{base, "start_date", who}, en.StartDate, true)
	if end := v.date(at{base, "end_date", who}, en.EndDate, false); end != "" && start != "" && end < start {
		v.add(model.ErrParameterInvalid, base.field("end_date"), end, fmt.Sprintf(
			"The enrollment's end_date %s is before its start_date %s; coverage must end on or after the day it starts.", end, start))
	}
	v.env = env{Group: v.env.Group, Subscriber: s, Enrollment: en, Today: v.env.Today}
	v.runRules(OnEnrollment, &v.env, en, base)
	return enrolled
}

func (v *checker) dependent(s *model.Subscriber, d *model.Dependent, enrolled []string, members map[string]string) {
	base := dependentPath(s.ExternalIdentifier, d.ExternalIdentifier)
	const who = "The dependent's"
	if a := (at{base, "external_identifier", who}); v.text(a, d.ExternalIdentifier, true, plain) {
		v.member(a, d.ExternalIdentifier, members, "dependent")
	}
	v.person(base, who, d.FirstName, d.MiddleName, d.LastName)
	v.ssn(at{base, "social_security_number", who}, &d.SocialSecurityNumber)
	v.birthDate(at{base, "birth_date", who}, d.BirthDate)
	v.enum(at{base, "gender", who}, d.Gender, false, model.Genders)
	v.enum(at{base, "subscriber_relationship", who}, d.SubscriberRelationship, true, model.Relationships)
	a := at{base, "product_lines", who}
	for _, pl := range d.ProductLines {
		if v.enum(a, pl, true, model.ProductLines) && !slices.Contains(enrolled, pl) {
			v.add(model.ErrParameterInvalid, a.param(), pl, fmt.Sprintf(
				"The dependent is covered under %s, but subscriber %s is not enrolled in %s; enroll the subscriber or remove the dependent's %s coverage.",
				pl, s.ExternalIdentifier, pl, pl))
		}
	}
	v.date(at{base, "end_date", who}, d.EndDate, false)
	v.env = env{Group: v.env.Group, Subscriber: s, Dependent: d, Today: v.env.Today}
	v.runRules(OnDependent, &v.env, d, base)
}
