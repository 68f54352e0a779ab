package mappings

import (
	"strings"

	"github.com/onboard/onboard/engine/model"
)

// Target is a canonical destination a column can feed. Targets are named
// like the model's JSON paths, relative to what a row describes: the group
// (group.*), the row's work location (location.*), the row's member —
// subscriber or dependent — (member.*), the subscriber only (subscriber.*),
// every enrollment of the row (coverage.*) or one product line
// (enrollments[LINE].*). Row.Values is indexed by Target.
type Target uint8

// The targets. Their YAML names are listed by TargetNames.
const (
	GroupExternalID      Target = iota // group.external_identifier: the group key
	EmployerName                       // group.employer.organization_name
	EmployerFEIN                       // group.employer.fein
	EmployerEstablished                // group.employer.established_date
	EmployerType                       // group.employer.employer_type
	EmployerSIC                        // group.employer.sic_code
	LocationExternalID                 // location.external_identifier
	LocationType                       // location.type
	LocationAddressLine1               // location.employer_address.address_line_1
	LocationAddressLine2               // location.employer_address.address_line_2
	LocationCity                       // location.employer_address.city
	LocationState                      // location.employer_address.state
	LocationZip                        // location.employer_address.zip
	LocationFIPS                       // location.employer_address.fips_county_code
	LocationCountry                    // location.employer_address.country_code
	MemberExternalID                   // member.external_identifier: the member id
	MemberSubscriber                   // member.subscriber_external_identifier: a dependent's subscriber
	MemberRelationship                 // member.relationship: the value Mapping.Employee marks a subscriber
	MemberFirstName                    // member.first_name
	MemberMiddleName                   // member.middle_name
	MemberLastName                     // member.last_name
	MemberSSN                          // member.social_security_number
	MemberBirthDate                    // member.birth_date
	MemberGender                       // member.gender
	HomeAddressLine1                   // subscriber.residential_address.address_line_1
	HomeAddressLine2                   // subscriber.residential_address.address_line_2
	HomeCity                           // subscriber.residential_address.city
	HomeState                          // subscriber.residential_address.state
	HomeZip                            // subscriber.residential_address.zip
	HomeFIPS                           // subscriber.residential_address.fips_county_code
	HomeCountry                        // subscriber.residential_address.country_code
	EmploymentStart                    // subscriber.employment_details.start_date
	EmploymentStatus                   // subscriber.employment_details.status
	EmploymentEarnings                 // subscriber.employment_details.annual_earnings (cents)
	EmploymentHours                    // subscriber.employment_details.hours_per_week
	EmploymentCobraEvent               // subscriber.employment_details.cobra_event: the COBRA qualifying event
	CoverageStart                      // coverage.start_date: every enrollment of a subscriber row
	CoverageEnd                        // coverage.end_date: every enrollment; a dependent's end_date
	MemberEvent                        // member.event: a qualifying life event of the row's member
	MemberEventDate                    // member.event_date: when it happened
	firstEnrollment                    // enrollments[LINE].FIELD follow, see Enrollment
)

// Enrollment fields, in the order Enrollment numbers them.
const (
	EnrollPlan = iota // enrollments[LINE].plan_id
	EnrollLevel
	EnrollStart
	EnrollEnd
	enrollFields
)

var enrollFieldNames = [enrollFields]string{"plan_id", "coverage_level", "start_date", "end_date"}

// NumTargets is the number of targets: the length of Row.Values.
const NumTargets = int(firstEnrollment) + 5*enrollFields

// Enrollment returns the target of a field (EnrollPlan, EnrollLevel,
// EnrollStart, EnrollEnd) of the product line with index line in
// model.ProductLines.
func Enrollment(line, field int) Target {
	return firstEnrollment + Target(line*enrollFields+field)
}

// EnrollmentOf splits an enrollment target into its product line index and
// field; ok is false for other targets.
func (t Target) EnrollmentOf() (line, field int, ok bool) {
	if t < firstEnrollment || int(t) >= NumTargets {
		return 0, 0, false
	}
	i := int(t - firstEnrollment)
	return i / enrollFields, i % enrollFields, true
}

// scope says which rows a target applies to.
type scope uint8

const (
	scopeAll        scope = iota // group, member and coverage targets
	scopeSubscriber              // only subscriber rows
)

type targetInfo struct {
	name string
	// suffix is the path below the member, location or enrollment the
	// target belongs to (".first_name"), or the whole path for group.*.
	suffix    string
	scope     scope
	sensitive sensitivity
	kind      kind
}

type sensitivity uint8

const (
	plain  sensitivity = iota
	masked             // FEIN: shown masked
	secret             // SSN: never shown
)

type kind uint8

const (
	kindString kind = iota
	kindCents       // a whole number of cents
	kindNumber      // a decimal number
)

var targets = buildTargets()

func buildTargets() [NumTargets]targetInfo {
	var t [NumTargets]targetInfo
	set := func(tg Target, name string, sc scope) {
		i := targetInfo{name: name, scope: sc}
		switch {
		case strings.HasPrefix(name, "group."):
			i.suffix = name
		case strings.HasPrefix(name, "location."), strings.HasPrefix(name, "member."),
			strings.HasPrefix(name, "subscriber."), strings.HasPrefix(name, "coverage."):
			i.suffix = name[strings.IndexByte(name, '.'):]
		}
		t[tg] = i
	}
	set(GroupExternalID, "group.external_identifier", scopeAll)
	set(EmployerName, "group.employer.organization_name", scopeAll)
	set(EmployerFEIN, "group.employer.fein", scopeAll)
	set(EmployerEstablished, "group.employer.established_date", scopeAll)
	set(EmployerType, "group.employer.employer_type", scopeAll)
	set(EmployerSIC, "group.employer.sic_code", scopeAll)
	set(LocationExternalID, "location.external_identifier", scopeSubscriber)
	set(LocationType, "location.type", scopeSubscriber)
	for i, f := range addressFields {
		set(LocationAddressLine1+Target(i), "location.employer_address."+f, scopeSubscriber)
		set(HomeAddressLine1+Target(i), "subscriber.residential_address."+f, scopeSubscriber)
	}
	set(MemberExternalID, "member.external_identifier", scopeAll)
	set(MemberSubscriber, "member.subscriber_external_identifier", scopeAll)
	set(MemberRelationship, "member.relationship", scopeAll)
	set(MemberFirstName, "member.first_name", scopeAll)
	set(MemberMiddleName, "member.middle_name", scopeAll)
	set(MemberLastName, "member.last_name", scopeAll)
	set(MemberSSN, "member.social_security_number", scopeAll)
	set(MemberBirthDate, "member.birth_date", scopeAll)
	set(MemberGender, "member.gender", scopeAll)
	set(EmploymentStart, "subscriber.employment_details.start_date", scopeSubscriber)
	set(EmploymentStatus, "subscriber.employment_details.status", scopeSubscriber)
	set(EmploymentEarnings, "subscriber.employment_details.annual_earnings", scopeSubscriber)
	set(EmploymentHours, "subscriber.employment_details.hours_per_week", scopeSubscriber)
	set(EmploymentCobraEvent, "subscriber.employment_details.cobra_event", scopeSubscriber)
	set(CoverageStart, "coverage.start_date", scopeAll)
	set(CoverageEnd, "coverage.end_date", scopeAll)
	set(MemberEvent, "member.event", scopeAll)
	set(MemberEventDate, "member.event_date", scopeAll)
	for l, line := range model.ProductLines {
		for f, field := range enrollFieldNames {
			sc := scopeSubscriber
			if f == EnrollPlan {
				sc = scopeAll // on a dependent row: the dependent is covered
			}
			tg := Enrollment(l, f)
			set(tg, "enrollments["+line+"]."+field, sc)
			t[tg].suffix = "." + field
		}
	}
	t[MemberRelationship].suffix = ".subscriber_relationship"
	t[EmployerFEIN].sensitive = masked
	t[MemberSSN].sensitive = secret
	t[EmploymentEarnings].kind = kindCents
	t[EmploymentHours].kind = kindNumber
	return t
}

var addressFields = []string{"address_line_1", "address_line_2", "city", "state", "zip", "fips_county_code", "country_code"}

var targetByName = func() map[string]Target {
	m := make(map[string]Target, NumTargets)
	for i := range targets {
		m[targets[i].name] = Target(i)
	}
	return m
}()

// String returns the target's name as mapping files write it.
func (t Target) String() string {
	if int(t) < NumTargets {
		return targets[t].name
	}
	return "target(?)"
}

// Suffix returns the target's canonical path below the object it belongs
// to: ".first_name" for member.first_name, ".employer_address.zip" for
// location.employer_address.zip, ".plan_id" for enrollments[LINE].plan_id,
// ".subscriber_relationship" for member.relationship; and the whole path
// for group targets.
func (t Target) Suffix() string {
	if int(t) < NumTargets {
		return targets[t].suffix
	}
	return ""
}

// SubscriberOnly reports whether the target is read on subscriber rows only
// (location, subscriber.*, enrollment levels and dates).
func (t Target) SubscriberOnly() bool {
	return int(t) < NumTargets && targets[t].scope == scopeSubscriber
}

// TargetNames returns the name of every target, in Target order.
func TargetNames() []string {
	out := make([]string, NumTargets)
	for i := range targets {
		out[i] = targets[i].name
	}
	return out
}

// display returns v as it may appear in a message: masked for a FEIN,
// omitted for an SSN.
func (t Target) display(v string) string {
	switch targets[t].sensitive {
	case masked:
		return model.MaskFEIN(v)
	case secret:
		return ""
	}
	return v
}
