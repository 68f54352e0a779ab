package census

import (
	m "github.com/onboard/onboard/mappings"

	"github.com/onboard/onboard/engine/model"
)

// The model fields each target sets, as data: the builder walks these
// tables instead of switching on targets.

var groupField = [m.NumTargets]func(*model.Group) *string{
	m.GroupExternalID:     func(g *model.Group) *string { return &g.ExternalIdentifier },
	m.EmployerName:        func(g *model.Group) *string { return &g.Employer.OrganizationName },
	m.EmployerFEIN:        func(g *model.Group) *string { return &g.Employer.FEIN },
	m.EmployerEstablished: func(g *model.Group) *string { return &g.Employer.EstablishedDate },
	m.EmployerType:        func(g *model.Group) *string { return &g.Employer.EmployerType },
	m.EmployerSIC:         func(g *model.Group) *string { return &g.Employer.SICCode },
}

var locationField = [m.NumTargets]func(*model.Location) *string{
	m.LocationExternalID:   func(l *model.Location) *string { return &l.ExternalIdentifier },
	m.LocationType:         func(l *model.Location) *string { return &l.Type },
	m.LocationAddressLine1: func(l *model.Location) *string { return &l.EmployerAddress.AddressLine1 },
	m.LocationAddressLine2: func(l *model.Location) *string { return &l.EmployerAddress.AddressLine2 },
	m.LocationCity:         func(l *model.Location) *string { return &l.EmployerAddress.City },
	m.LocationState:        func(l *model.Location) *string { return &l.EmployerAddress.State },
	m.LocationZip:          func(l *model.Location) *string { return &l.EmployerAddress.Zip },
	m.LocationFIPS:         func(l *model.Location) *string { return &l.EmployerAddress.FIPSCountyCode },
	m.LocationCountry:      func(l *model.Location) *string { return &l.EmployerAddress.CountryCode },
}

var subscriberField = [m.NumTargets]func(*model.Subscriber) *string{
	m.MemberFirstName:  func(s *model.Subscriber) *string { return &s.FirstName },
	m.MemberMiddleName: func(s *model.Subscriber) *string { return &s.MiddleName },
	m.MemberLastName:   func(s *model.Subscriber) *string { return &s.LastName },
	m.MemberSSN:        func(s *model.Subscriber) *string { return &s.SocialSecurityNumber },
	m.MemberBirthDate:  func(s *model.Subscriber) *string { return &s.BirthDate },
	m.MemberGender:     func(s *model.Subscriber) *string { return &s.Gender },
}

var dependentField = [m.NumTargets]func(*model.Dependent) *string{
	m.MemberFirstName:    func(d *model.Dependent) *string { return &d.FirstName },
	m.MemberMiddleName:   func(d *model.Dependent) *string { return &d.MiddleName },
	m.MemberLastName:     func(d *model.Dependent) *string { return &d.LastName },
	m.MemberSSN:          func(d *model.Dependent) *string { return &d.SocialSecurityNumber },
	m.MemberBirthDate:    func(d *model.Dependent) *string { return &d.BirthDate },
	m.MemberGender:       func(d *model.Dependent) *string { return &d.Gender },
	m.MemberRelationship: func(d *model.Dependent) *string { return &d.SubscriberRelationship },
	m.CoverageEnd:        func(d *model.Dependent) *string { return &d.EndDate },
}

var homeField = [m.NumTargets]func(*model.Address) *string{
	m.HomeAddressLine1: func(a *model.Address) *string { return &a.AddressLine1 },
	m.HomeAddressLine2: func(a *model.Address) *string { return &a.AddressLine2 },
	m.HomeCity:         func(a *model.Address) *string { return &a.City },
	m.HomeState:        func(a *model.Address) *string { return &a.State },
	m.HomeZip:          func(a *model.Address) *string { return &a.Zip },
	m.HomeFIPS:         func(a *model.Address) *string { return &a.FIPSCountyCode },
	m.HomeCountry:      func(a *model.Address) *string { return &a.CountryCode },
}

var enrollmentField = [4]func(*model.Enrollment) *string{
	m.EnrollPlan:  func(e *model.Enrollment) *string { return &e.PlanID },
	m.EnrollLevel: func(e *model.Enrollment) *string { return &e.CoverageLevel },
	m.EnrollStart: func(e *model.Enrollment) *string { return &e.StartDate },
	m.EnrollEnd:   func(e *model.Enrollment) *string { return &e.EndDate },
}

// Target ranges, in the order mappings numbers them.
var (
	groupTargets      = span(m.GroupExternalID, m.EmployerSIC)
	locationTargets   = span(m.LocationExternalID, m.LocationCountry)
	memberTargets     = span(m.MemberFirstName, m.MemberGender)
	homeTargets       = span(m.HomeAddressLine1, m.HomeCountry)
	employmentTargets = span(m.EmploymentStart, m.EmploymentCobraEvent)
)

func span(from, to m.Target) []m.Target {
	var out []m.Target
	for t := from; t <= to; t++ {
		out = append(out, t)
	}
	return out
}
