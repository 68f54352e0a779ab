package fixedwidth

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/formats/x12"
)

// Source paths are resolved once, when a layout is compiled, into getters:
// writing a record calls plain functions, with no reflection or map lookups.

// env is what a record's getters read: the file, and for group and member
// records the group and the member change being written.
type env struct {
	info                     *FileInfo
	records, members, groups int64 // written so far; final in the trailer
	group                    *model.Group
	groupMembers             int64
	ch                       *model.MemberChange
}

var (
	noSubscriber model.Subscriber
	noGroup      model.Group
)

func (e *env) sub() *model.Subscriber {
	if e.ch == nil || e.ch.Subscriber == nil {
		return &noSubscriber
	}
	return e.ch.Subscriber
}

// dep returns the dependent the change is for, or nil for the subscriber.
func (e *env) dep() *model.Dependent {
	if e.ch == nil {
		return nil
	}
	return e.ch.Dependent
}

func (e *env) grp() *model.Group {
	if e.group == nil {
		return &noGroup
	}
	return e.group
}

// memberPath is the canonical path of the member the change is for.
func (e *env) memberPath() string {
	if d := e.dep(); d != nil {
		return model.DependentPath(e.sub().ExternalIdentifier, d.ExternalIdentifier)
	}
	return model.SubscriberPath(e.sub().ExternalIdentifier)
}

// memberID is the external identifier of the member the change is for.
func (e *env) memberID() string {
	if d := e.dep(); d != nil {
		return d.ExternalIdentifier
	}
	return e.sub().ExternalIdentifier
}

type valueKind uint8

const (
	kString valueKind = iota
	kInt
	kTime
)

// value is what a getter returns: a string (dates as YYYY-MM-DD), an integer
// (counts, cents) or a time.
type value struct {
	kind valueKind
	s    string
	n    int64
	t    time.Time
}

func text(s string) value { return value{s: s} }

func (v value) empty() bool {
	switch v.kind {
	case kString:
		return v.s == ""
	case kTime:
		return v.t.IsZero()
	}
	return false
}

// appendTo writes the value unformatted: a time as RFC 3339.
func (v value) appendTo(dst []byte) []byte {
	switch v.kind {
	case kInt:
		return strconv.AppendInt(dst, v.n, 10)
	case kTime:
		if v.t.IsZero() {
			return dst
		}
		return v.t.AppendFormat(dst, time.RFC3339)
	}
	return append(dst, v.s...)
}

func (v value) String() string {
	if v.kind == kString {
		return v.s
	}
	return string(v.appendTo(nil))
}

type getter func(e *env) value

// srcType is what a source holds, for checking formats at compile time.
type srcType uint8

const (
	tText  srcType = iota
	tDate          // YYYY-MM-DD
	tTime          // a time.Time
	tInt           // a count or number
	tCents         // money in cents
)

func (t srcType) String() string {
	return [...]string{"text", "a date", "a time", "a number", "money in cents"}[t]
}

// Where a source is available: a bit per record index.
const (
	inFile    = 1 << iFileHeader
	inGroup   = 1 << iGroupHeader
	inMember  = 1 << iMember
	inTrailer = 1 << iTrailer
	inAll     = inFile | inGroup | inMember | inTrailer
)

// What a trailer count counts, so a Reader can check it.
type countKind uint8

const (
	countNone countKind = iota
	countRecords
	countMembers
	countGroups
)

// How a source's canonical model path (FieldError.Parameter) is built.
type paramKind uint8

const (
	pNone paramKind = iota
	pGroup
	pMember
	pSubscriber
	pEnrollment
)

// pathSpec is one source path.
type pathSpec struct {
	typ   srcType
	in    uint8
	get   getter
	enum  []string // the canonical values, checked against a values table
	count countKind
	param paramKind
	// suffix is the canonical path below the param root; productLine the
	// enrollment's product line.
	suffix      string
	productLine string
}

func (s *pathSpec) parameter(e *env) string {
	var root string
	switch s.param {
	case pGroup:
		root = model.PathGroup
	case pMember:
		root = e.memberPath()
	case pSubscriber:
		root = model.SubscriberPath(e.sub().ExternalIdentifier)
	case pEnrollment:
		root = model.EnrollmentPath(e.sub().ExternalIdentifier, s.productLine)
	default:
		return ""
	}
	if s.suffix == "" {
		return root
	}
	return root + "." + s.suffix
}

// maintenances are the values of change.maintenance.
var maintenances = []string{
	string(model.MaintAdd), string(model.MaintChange), string(model.MaintTerminate), string(model.MaintAudit),
}

// sources is every source path a layout may name.
var sources = buildSources()

func buildSources() map[string]*pathSpec {
	m := map[string]*pathSpec{}
	add := func(path string, s *pathSpec) { m[path] = s }

	// file.*: the delivery itself.
	add("file.name", &pathSpec{in: inAll, get: func(e *env) value { return text(e.info.Name) }})
	add("file.created", &pathSpec{typ: tTime, in: inAll, get: func(e *env) value { return value{kind: kTime, t: e.info.Created} }})
	add("file.control", &pathSpec{typ: tInt, in: inAll, get: func(e *env) value { return value{kind: kInt, n: e.info.Control} }})
	add("file.carrier_id", &pathSpec{in: inAll, get: func(e *env) value { return text(e.info.CarrierID) }})
	add("file.sender_id", &pathSpec{in: inAll, get: func(e *env) value { return text(e.info.SenderID) }})
	add("file.record_count", &pathSpec{typ: tInt, in: inTrailer, count: countRecords, get: func(e *env) value { return value{kind: kInt, n: e.records} }})
	add("file.member_count", &pathSpec{typ: tInt, in: inTrailer, count: countMembers, get: func(e *env) value { return value{kind: kInt, n: e.members} }})
	add("file.group_count", &pathSpec{typ: tInt, in: inTrailer, count: countGroups, get: func(e *env) value { return value{kind: kInt, n: e.groups} }})

	// group.*: canonical JSON names.
	group := func(suffix string, typ srcType, enum []string, f func(g *model.Group) string) {
		add("group."+suffix, &pathSpec{typ: typ, in: inGroup | inMember, enum: enum, param: pGroup, suffix: suffix,
			get: func(e *env) value { return text(f(e.grp())) }})
	}
	group("id", tText, nil, func(g *model.Group) string { return g.ID })
	group("external_identifier", tText, nil, func(g *model.Group) string { return g.ExternalIdentifier })
	group("partner_id", tText, nil, func(g *model.Group) string { return g.PartnerID })
	group("carrier_id", tText, nil, func(g *model.Group) string { return g.CarrierID })
	group("policy_number", tText, nil, func(g *model.Group) string { return g.PolicyNumber })
	// The carrier-facing identifiers (DESIGN.md §7): the group's key, and
	// its carrier number (the policy number once assigned, else the key).
	group("carrier_group_key", tText, nil, func(g *model.Group) string { return g.CarrierGroupKey })
	group("carrier_number", tText, nil, func(g *model.Group) string { return g.CarrierNumber() })
	group("status", tText, nil, func(g *model.Group) string { return string(g.Status) })
	group("employer.organization_name", tText, nil, func(g *model.Group) string { return g.Employer.OrganizationName })
	group("employer.fein", tText, nil, func(g *model.Group) string { return g.Employer.FEIN })
	group("employer.established_date", tDate, nil, func(g *model.Group) string { return g.Employer.EstablishedDate })
	group("employer.employer_type", tText, model.EmployerTypes, func(g *model.Group) string { return g.Employer.EmployerType })
	group("employer.sic_code", tText, nil, func(g *model.Group) string { return g.Employer.SICCode })
	loc := func(g *model.Group) *model.Location {
		if g.PrimaryLocation == nil {
			return &model.Location{}
		}
		return g.PrimaryLocation
	}
	group("primary_location.id", tText, nil, func(g *model.Group) string { return loc(g).ID })
	group("primary_location.external_identifier", tText, nil, func(g *model.Group) string { return loc(g).ExternalIdentifier })
	group("primary_location.type", tText, model.LocationTypes, func(g *model.Group) string { return loc(g).Type })
	for name, f := range addressFields {
		group("primary_location.employer_address."+name, tText, nil, func(g *model.Group) string { return f(&loc(g).EmployerAddress) })
	}
	add("group.member_count", &pathSpec{typ: tInt, in: inGroup | inMember,
		get: func(e *env) value { return value{kind: kInt, n: e.groupMembers} }})

	// member.*: the subscriber or dependent the change is for.
	member := func(suffix string, typ srcType, enum []string, fs func(*model.Subscriber) string, fd func(*model.Dependent) string, names ...string) {
		s := &pathSpec{typ: typ, in: inMember, enum: enum, param: pMember, suffix: suffix,
			get: func(e *env) value {
				if d := e.dep(); d != nil {
					return text(fd(d))
				}
				return text(fs(e.sub()))
			}}
		for _, n := range names {
			add("member."+n, s)
		}
	}
	member("id", tText, nil, func(s *model.Subscriber) string { return s.ID }, func(d *model.Dependent) string { return d.ID }, "id")
	member("external_identifier", tText, nil,
		func(s *model.Subscriber) string { return s.ExternalIdentifier },
		func(d *model.Dependent) string { return d.ExternalIdentifier }, "external_identifier")
	member("first_name", tText, nil, func(s *model.Subscriber) string { return s.FirstName }, func(d *model.Dependent) string { return d.FirstName }, "first_name")
	member("middle_name", tText, nil, func(s *model.Subscriber) string { return s.MiddleName }, func(d *model.Dependent) string { return d.MiddleName }, "middle_name")
	member("last_name", tText, nil, func(s *model.Subscriber) string { return s.LastName }, func(d *model.Dependent) string { return d.LastName }, "last_name")
	member("social_security_number", tText, nil,
		func(s *model.Subscriber) string { return s.SocialSecurityNumber },
		func(d *model.Dependent) string { return d.SocialSecurityNumber }, "ssn", "social_security_number")
	member("birth_date", tDate, nil, func(s *model.Subscriber) string { return s.BirthDate }, func(d *model.Dependent) string { return d.BirthDate }, "birth_date")
	member("gender", tText, model.Genders, func(s *model.Subscriber) string { return s.Gender }, func(d *model.Dependent) string { return d.Gender }, "gender")
	member("subscriber_relationship", tText, append([]string{"self"}, model.Relationships...),
		func(*model.Subscriber) string { return "self" },
		func(d *model.Dependent) string { return d.SubscriberRelationship }, "relationship")
	add("member.subscriber_external_identifier", &pathSpec{in: inMember, param: pSubscriber, suffix: "external_identifier",
		get: func(e *env) value { return text(e.sub().ExternalIdentifier) }})
	// The subscriber's member key at the carrier (REF*0F's), unique per carrier.
	add("member.carrier_member_key", &pathSpec{in: inMember, param: pSubscriber, suffix: "external_identifier",
		get: func(e *env) value { return text(e.grp().MemberKey(e.sub().ExternalIdentifier)) }})

	// subscriber.*: the subscriber, for a dependent its subscriber.
	sub := func(suffix string, typ srcType, enum []string, f func(*model.Subscriber) string, names ...string) {
		s := &pathSpec{typ: typ, in: inMember, enum: enum, param: pSubscriber, suffix: suffix,
			get: func(e *env) value { return text(f(e.sub())) }}
		if len(names) == 0 {
			names = []string{suffix}
		}
		for _, n := range names {
			add("subscriber."+n, s)
		}
	}
	sub("id", tText, nil, func(s *model.Subscriber) string { return s.ID })
	sub("external_identifier", tText, nil, func(s *model.Subscriber) string { return s.ExternalIdentifier })
	sub("location_external_identifier", tText, nil, func(s *model.Subscriber) string { return s.LocationExternalIdentifier })
	sub("first_name", tText, nil, func(s *model.Subscriber) string { return s.FirstName })
	sub("middle_name", tText, nil, func(s *model.Subscriber) string { return s.MiddleName })
	sub("last_name", tText, nil, func(s *model.Subscriber) string { return s.LastName })
	sub("social_security_number", tText, nil, func(s *model.Subscriber) string { return s.SocialSecurityNumber }, "ssn", "social_security_number")
	sub("birth_date", tDate, nil, func(s *model.Subscriber) string { return s.BirthDate })
	sub("gender", tText, model.Genders, func(s *model.Subscriber) string { return s.Gender })
	sub("status", tText, nil, func(s *model.Subscriber) string { return string(s.Status) })
	for name, f := range addressFields {
		sub("residential_address."+name, tText, nil, func(s *model.Subscriber) string {
			if s.ResidentialAddress == nil {
				return ""
			}
			return f(s.ResidentialAddress)
		})
	}
	emp := func(s *model.Subscriber) *model.EmploymentDetails {
		if s.EmploymentDetails == nil {
			return &model.EmploymentDetails{}
		}
		return s.EmploymentDetails
	}
	sub("employment_details.start_date", tDate, nil, func(s *model.Subscriber) string { return emp(s).StartDate })
	sub("employment_details.status", tText, model.EmploymentStatus, func(s *model.Subscriber) string { return emp(s).Status })
	sub("employment_details.hours_per_week", tText, nil, func(s *model.Subscriber) string {
		if h := emp(s).HoursPerWeek; h != 0 {
			return strconv.FormatFloat(h, 'f', -1, 64)
		}
		return ""
	})
	add("subscriber.employment_details.annual_earnings", &pathSpec{typ: tCents, in: inMember, param: pSubscriber,
		suffix: "employment_details.annual_earnings", get: func(e *env) value {
			s := e.sub()
			if s.EmploymentDetails == nil || s.EmploymentDetails.AnnualEarnings == 0 {
				return value{}
			}
			return value{kind: kInt, n: s.EmploymentDetails.AnnualEarnings}
		}})

	// change.*: the maintenance itself.
	add("change.maintenance", &pathSpec{in: inMember, enum: maintenances, param: pMember,
		get: func(e *env) value { return text(string(e.ch.Maintenance)) }})
	add("change.end_date", &pathSpec{typ: tDate, in: inMember, param: pMember,
		get: func(e *env) value { return text(e.ch.EndDate) }})
	add("change.product_lines", &pathSpec{in: inMember, param: pMember,
		get: func(e *env) value { return text(strings.Join(e.ch.ProductLines, ",")) }})
	add("change.event", &pathSpec{in: inMember, enum: model.EventTypes, param: pMember,
		get: func(e *env) value { return text(e.ch.Event) }})
	add("change.reason", &pathSpec{in: inMember, param: pMember,
		get: func(e *env) value { return text(x12.MaintenanceReason(e.ch)) }})
	add("change.effective_date", &pathSpec{typ: tDate, in: inMember, param: pMember,
		get: func(e *env) value { return text(e.ch.EffectiveDate) }})

	// enrollment.<product_line>.*: the member's coverage in a product line.
	for _, pl := range model.ProductLines {
		enr := func(suffix string, typ srcType, enum []string, f func(e *env, en *model.Enrollment) string) {
			add("enrollment."+pl+"."+suffix, &pathSpec{typ: typ, in: inMember, enum: enum, param: pEnrollment,
				suffix: suffix, productLine: pl, get: func(e *env) value {
					if en := enrollment(e, pl); en != nil {
						return text(f(e, en))
					}
					return value{}
				}})
		}
		enr("plan_id", tText, nil, func(_ *env, en *model.Enrollment) string { return en.PlanID })
		enr("coverage_level", tText, model.CoverageLevels, func(_ *env, en *model.Enrollment) string { return en.CoverageLevel })
		enr("start_date", tDate, nil, func(_ *env, en *model.Enrollment) string { return en.StartDate })
		enr("end_date", tDate, nil, endDate)
	}
	return m
}

var addressFields = map[string]func(a *model.Address) string{
	"address_line_1":   func(a *model.Address) string { return a.AddressLine1 },
	"address_line_2":   func(a *model.Address) string { return a.AddressLine2 },
	"city":             func(a *model.Address) string { return a.City },
	"state":            func(a *model.Address) string { return a.State },
	"zip":              func(a *model.Address) string { return a.Zip },
	"fips_county_code": func(a *model.Address) string { return a.FIPSCountyCode },
	"country_code":     func(a *model.Address) string { return a.CountryCode },
}

// enrollment returns the subscriber's enrollment in a product line when the
// member is covered under it: a subscriber by every enrollment, a dependent
// only under the product lines it lists.
func enrollment(e *env, pl string) *model.Enrollment {
	if d := e.dep(); d != nil && !slices.Contains(d.ProductLines, pl) {
		return nil
	}
	s := e.sub()
	for i := range s.Enrollments {
		if s.Enrollments[i].ProductLine == pl {
			return &s.Enrollments[i]
		}
	}
	return nil
}

// endDate is when the member's coverage in a product line ends: a
// dependent's own end date, else the enrollment's, else a termination's date
// when the termination touches the product line.
func endDate(e *env, en *model.Enrollment) string {
	if d := e.dep(); d != nil && d.EndDate != "" {
		return d.EndDate
	}
	if en.EndDate != "" {
		return en.EndDate
	}
	ch := e.ch
	if ch.Maintenance == model.MaintTerminate && ch.EndDate != "" &&
		(len(ch.ProductLines) == 0 || slices.Contains(ch.ProductLines, en.ProductLine)) {
		return ch.EndDate
	}
	return ""
}
