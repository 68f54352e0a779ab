package validate

import (
	"slices"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

const (
	req   = model.ErrParameterRequired
	inv   = model.ErrParameterInvalid
	dup   = model.ErrParameterDuplicate
	unk   = model.ErrReferenceUnknown
	crule = model.ErrCarrierRule

	sub  = "group.subscribers[E1001]"
	sub3 = "group.subscribers[E1003]"
	spo  = sub + ".dependents[E1001-S]"
	kid  = sub + ".dependents[E1001-C1]"
	med  = sub + ".enrollments[medical]"
	emp  = "group.employer"
	prim = "group.primary_location"
	addr = prim + ".employer_address"
)

func TestGroupValid(t *testing.T) {
	for _, c := range []*Carrier{nil, testCarrier(t)} {
		assertErrors(t, Group(validGroup(), c, now), nil)
	}
}

func TestGroupNil(t *testing.T) {
	assertErrors(t, Group(nil, nil, now), []want{{req, "group", "", "missing"}})
}

func TestGroup(t *testing.T) {
	type G = *model.Group
	s1 := func(g G) *model.Subscriber { return &g.Subscribers[0] }
	tests := []struct {
		name   string
		mutate func(g G)
		want   []want
	}{
		// Required values.
		{"external id required", func(g G) { g.ExternalIdentifier = "" },
			[]want{{req, "group.external_identifier", "", "The group's external_identifier is required."}}},
		{"blank counts as missing", func(g G) { g.ExternalIdentifier = "  " },
			[]want{{req, "group.external_identifier", "", "is required"}}},
		{"organization name required", func(g G) { g.Employer.OrganizationName = "" },
			[]want{{req, emp + ".organization_name", "", "organization_name is required"}}},
		{"fein required", func(g G) { g.Employer.FEIN = "" },
			[]want{{req, emp + ".fein", "", "FEIN is required"}}},
		{"primary location required", func(g G) { g.PrimaryLocation = nil; g.Subscribers[0].LocationExternalIdentifier = "" },
			[]want{{req, prim, "", "primary_location is required"}}},
		{"location external id required", func(g G) {
			g.SecondaryLocations[0].ExternalIdentifier = ""
			g.Subscribers[1].LocationExternalIdentifier = ""
		},
			[]want{{req, "group.secondary_locations[].external_identifier", "", "external_identifier is required"}}},
		{"address parts required", func(g G) { g.PrimaryLocation.EmployerAddress = model.Address{} },
			[]want{
				{req, addr + ".address_line_1", "", "address_line_1 is required"},
				{req, addr + ".city", "", "city is required"},
				{req, addr + ".state", "", "state is required"},
				{req, addr + ".zip", "", "zip is required"},
			}},
		{"residential address optional", func(g G) { s1(g).ResidentialAddress = &model.Address{} }, nil},
		{"residential address complete once begun", func(g G) { s1(g).ResidentialAddress = &model.Address{Zip: "32435"} },
			[]want{
				{req, sub + ".residential_address.address_line_1", "", "residential address_line_1 is required"},
				{req, sub + ".residential_address.city", "", "city is required"},
				{req, sub + ".residential_address.state", "", "state is required"},
			}},
		{"subscriber names and birth date required", func(g G) { s := s1(g); s.FirstName, s.LastName, s.BirthDate = "", "", "" },
			[]want{
				{req, sub + ".birth_date", "", "birth_date is required"},
				{req, sub + ".first_name", "", "first_name is required"},
				{req, sub + ".last_name", "", "last_name is required"},
			}},
		{"subscriber external id required", func(g G) { g.Subscribers[1].ExternalIdentifier = "" },
			[]want{{req, "group.subscribers[].external_identifier", "", "The subscriber's external_identifier is required."}}},
		{"dependent fields required", func(g G) {
			d := &s1(g).Dependents[0]
			d.FirstName, d.BirthDate, d.SubscriberRelationship = "", "", ""
		}, []want{
			{req, spo + ".birth_date", "", "birth_date is required"},
			{req, spo + ".first_name", "", "first_name is required"},
			{req, spo + ".subscriber_relationship", "", "subscriber_relationship is required"},
		}},
		{"enrollment plan and start required", func(g G) { e := &s1(g).Enrollments[0]; e.PlanID, e.StartDate = "", "" },
			// An empty start date is not a failed first-of-month rule.
			[]want{{req, med + ".plan_id", "", "plan_id is required"}, {req, med + ".start_date", "", "start_date is required"}}},
		{"enrollment product line required", func(g G) { s1(g).Enrollments[2].ProductLine = "" },
			// Without a product line the plan's line is not compared.
			[]want{{req, sub + ".enrollments[].product_line", "", "product_line is required"}}},

		// FEIN.
		{"fein 9 digits", func(g G) { g.Employer.FEIN = "123456789" }, nil},
		{"fein too long", func(g G) { g.Employer.FEIN = "59-12345678" },
			[]want{{inv, emp + ".fein", "**-***5678", "must be 9 digits"}}},
		{"fein dash misplaced", func(g G) { g.Employer.FEIN = "591-234567" },
			[]want{{inv, emp + ".fein", "**-***4567", "must be 9 digits"}}},
		{"fein letters", func(g G) { g.Employer.FEIN = "59123456A" },
			[]want{{inv, emp + ".fein", "**-***3456", "must be 9 digits"}}},
		{"fein prefix 00", func(g G) { g.Employer.FEIN = "00-1234567" },
			[]want{{inv, emp + ".fein", "**-***4567", "prefix the IRS never assigns"}}},
		{"fein prefix 07", func(g G) { g.Employer.FEIN = "071234567" },
			[]want{{inv, emp + ".fein", "**-***4567", "prefix the IRS never assigns"}}},

		// Dates.
		{"leap day exists in 2016", func(g G) { s1(g).BirthDate = "2016-02-29" }, nil},
		{"no leap day in 2017", func(g G) { s1(g).BirthDate = "2017-02-29" },
			[]want{{inv, sub + ".birth_date", "2017-02-29", "must be a real calendar date written YYYY-MM-DD"}}},
		{"US date format refused", func(g G) { s1(g).BirthDate = "03/02/1984" },
			[]want{{inv, sub + ".birth_date", "03/02/1984", "YYYY-MM-DD"}}},
		{"unpadded date refused", func(g G) { s1(g).BirthDate = "1984-3-2" },
			[]want{{inv, sub + ".birth_date", "1984-3-2", "YYYY-MM-DD"}}},
		{"born today", func(g G) { s1(g).Dependents[1].BirthDate = today }, nil},
		{"born tomorrow", func(g G) { s1(g).Dependents[1].BirthDate = "2026-06-16" },
			[]want{{inv, kid + ".birth_date", "2026-06-16", "is in the future (today is 2026-06-15)"}}},
		{"born 1900-01-01", func(g G) { s1(g).BirthDate = "1900-01-01" }, nil},
		{"born 1899-12-31", func(g G) { s1(g).BirthDate = "1899-12-31" },
			[]want{{inv, sub + ".birth_date", "1899-12-31", "before 1900"}}},
		{"established today", func(g G) { g.Employer.EstablishedDate = today }, nil},
		{"established tomorrow", func(g G) { g.Employer.EstablishedDate = "2026-06-16" },
			[]want{{inv, emp + ".established_date", "2026-06-16", "in the future"}}},
		{"established optional", func(g G) { g.Employer.EstablishedDate = "" }, nil},
		{"established bad date", func(g G) { g.Employer.EstablishedDate = "1999-13-01" },
			[]want{{inv, emp + ".established_date", "1999-13-01", "real calendar date"}}},
		{"end equals start", func(g G) { s1(g).Enrollments[0].EndDate = "2027-01-01" }, nil},
		{"end before start", func(g G) { s1(g).Enrollments[0].EndDate = "2026-12-31" },
			[]want{{inv, med + ".end_date", "2026-12-31", "before its start_date 2027-01-01"}}},
		{"end date bad", func(g G) { s1(g).Enrollments[0].EndDate = "2027-04-31" },
			[]want{{inv, med + ".end_date", "2027-04-31", "real calendar date"}}},
		{"employment start date bad", func(g G) { s1(g).EmploymentDetails.StartDate = "2015-06-00" },
			[]want{{inv, sub + ".employment_details.start_date", "2015-06-00", "real calendar date"}}},
		{"dependent end date bad", func(g G) { s1(g).Dependents[0].EndDate = "tomorrow" },
			[]want{{inv, spo + ".end_date", "tomorrow", "real calendar date"}}},

		// Enumerations.
		{"employer type", func(g G) { g.Employer.EmployerType = "private" },
			[]want{{inv, emp + ".employer_type", "private", "must be one of private_sector, public_sector"}}},
		{"gender", func(g G) { s1(g).Gender = "F" },
			[]want{{inv, sub + ".gender", "F", "must be one of female, male, non_binary, unknown"}}},
		{"relationship", func(g G) { s1(g).Dependents[0].SubscriberRelationship = "wife" },
			[]want{{inv, spo + ".subscriber_relationship", "wife", "must be one of spouse, child"}}},
		{"coverage level", func(g G) { s1(g).Enrollments[0].CoverageLevel = "FAM" },
			[]want{{inv, med + ".coverage_level", "FAM", "must be one of employee_only"}}},
		{"product line", func(g G) { s1(g).Enrollments[0].ProductLine = "Medical" },
			[]want{
				// The dependents' medical coverage now has no enrollment.
				{inv, kid + ".product_lines", "medical", "not enrolled in medical"},
				{inv, spo + ".product_lines", "medical", "not enrolled in medical"},
				{inv, sub + ".enrollments[Medical].product_line", "Medical", "must be one of medical, dental"},
			}},
		{"location type", func(g G) { g.PrimaryLocation.Type = "office" },
			[]want{{inv, prim + ".type", "office", "must be one of physical, remote"}}},
		{"employment status", func(g G) { s1(g).EmploymentDetails.Status = "FT" },
			[]want{{inv, sub + ".employment_details.status", "FT", "must be one of full_time"}}},
		{"dependent product line", func(g G) { s1(g).Dependents[0].ProductLines = []string{"life"} },
			[]want{{inv, spo + ".product_lines", "life", "must be one of medical"}}},
		{"earnings negative", func(g G) { s1(g).EmploymentDetails.AnnualEarnings = -1 },
			[]want{{inv, sub + ".employment_details.annual_earnings", "-1", "must not be negative"}}},
		{"hours over a week", func(g G) { s1(g).EmploymentDetails.HoursPerWeek = 168.5 },
			[]want{{inv, sub + ".employment_details.hours_per_week", "168.5", "between 0 and 168"}}},
		{"sic code", func(g G) { g.Employer.SICCode = "508" },
			[]want{{inv, emp + ".sic_code", "508", "4-digit"}}},

		// States, ZIP codes, counties.
		{"state lower case accepted", func(g G) { g.PrimaryLocation.EmployerAddress.State = "fl" }, nil},
		{"state unknown", func(g G) { g.PrimaryLocation.EmployerAddress.State = "XX" },
			[]want{{inv, addr + ".state", "XX", "two-letter US state"}}},
		{"state spelled out", func(g G) { g.PrimaryLocation.EmployerAddress.State = "Florida" },
			[]want{{inv, addr + ".state", "Florida", "such as FL"}}},
		{"DC", func(g G) { a := &g.PrimaryLocation.EmployerAddress; a.State, a.FIPSCountyCode = "DC", "11001" }, nil},
		{"Puerto Rico", func(g G) { a := &g.PrimaryLocation.EmployerAddress; a.State, a.FIPSCountyCode = "PR", "72127" }, nil},
		{"Guam", func(g G) { a := &g.PrimaryLocation.EmployerAddress; a.State, a.FIPSCountyCode = "GU", "66010" }, nil},
		{"Virgin Islands", func(g G) { a := &g.PrimaryLocation.EmployerAddress; a.State, a.FIPSCountyCode = "VI", "78010" }, nil},
		{"American Samoa", func(g G) { a := &g.PrimaryLocation.EmployerAddress; a.State, a.FIPSCountyCode = "AS", "60010" }, nil},
		{"Northern Mariana Islands", func(g G) { a := &g.PrimaryLocation.EmployerAddress; a.State, a.FIPSCountyCode = "MP", "69110" }, nil},
		{"zip too short", func(g G) { g.PrimaryLocation.EmployerAddress.Zip = "3243" },
			[]want{{inv, addr + ".zip", "3243", "5 digits or ZIP+4"}}},
		{"zip 00000", func(g G) { g.PrimaryLocation.EmployerAddress.Zip = "00000" },
			[]want{{inv, addr + ".zip", "00000", "not 00000"}}},
		{"zip+4", func(g G) { g.PrimaryLocation.EmployerAddress.Zip = "32435-0001" }, nil},
		{"zip+4 without dash", func(g G) { g.PrimaryLocation.EmployerAddress.Zip = "324350001" },
			[]want{{inv, addr + ".zip", "324350001", "ZIP+4"}}},
		{"zip+4 short", func(g G) { g.PrimaryLocation.EmployerAddress.Zip = "32435-12" },
			[]want{{inv, addr + ".zip", "32435-12", "ZIP+4"}}},
		{"fips county 4 digits", func(g G) { g.PrimaryLocation.EmployerAddress.FIPSCountyCode = "1213" },
			[]want{{inv, addr + ".fips_county_code", "1213", "5-digit FIPS county code"}}},
		{"fips county of another state", func(g G) { g.PrimaryLocation.EmployerAddress.FIPSCountyCode = "13121" },
			[]want{{inv, addr + ".fips_county_code", "13121", "is not a county of FL, whose county codes start with 12"}}},
		{"fips county optional", func(g G) { g.PrimaryLocation.EmployerAddress.FIPSCountyCode = "" }, nil},
		{"fips not checked against unknown state", func(g G) { g.PrimaryLocation.EmployerAddress.State = "ZZ" },
			[]want{{inv, addr + ".state", "ZZ", "two-letter"}}},
		{"country not US", func(g G) { g.PrimaryLocation.EmployerAddress.CountryCode = "CA" },
			[]want{{inv, addr + ".country_code", "CA", "must be US"}}},

		// SSN: never echoed.
		{"ssn 9 digits", func(g G) { s1(g).SocialSecurityNumber = "412551201" }, nil},
		{"ssn optional", func(g G) { s1(g).SocialSecurityNumber = "" }, nil},
		{"ssn area 000", func(g G) { s1(g).SocialSecurityNumber = "000-12-3456" },
			[]want{{inv, sub + ".social_security_number", "", "not a number the Social Security Administration issues"}}},
		{"ssn area 666", func(g G) { s1(g).SocialSecurityNumber = "666-12-3456" },
			[]want{{inv, sub + ".social_security_number", "", "Social Security Administration"}}},
		{"ssn area 665", func(g G) { s1(g).SocialSecurityNumber = "665-12-3456" }, nil},
		{"ssn area 899", func(g G) { s1(g).SocialSecurityNumber = "899-12-3456" }, nil},
		{"ssn area 900", func(g G) { s1(g).SocialSecurityNumber = "900-12-3456" },
			[]want{{inv, sub + ".social_security_number", "", "Social Security Administration"}}},
		{"ssn area 999", func(g G) { s1(g).SocialSecurityNumber = "999123456" },
			[]want{{inv, sub + ".social_security_number", "", "Social Security Administration"}}},
		{"ssn group 00", func(g G) { s1(g).Dependents[0].SocialSecurityNumber = "412-00-1202" },
			[]want{{inv, spo + ".social_security_number", "", "Social Security Administration"}}},
		{"ssn group 01", func(g G) { s1(g).Dependents[0].SocialSecurityNumber = "412-01-1202" }, nil},
		{"ssn serial 0000", func(g G) { s1(g).SocialSecurityNumber = "412-55-0000" },
			[]want{{inv, sub + ".social_security_number", "", "Social Security Administration"}}},
		{"ssn serial 0001", func(g G) { s1(g).SocialSecurityNumber = "412-55-0001" }, nil},
		{"ssn 8 digits", func(g G) { s1(g).SocialSecurityNumber = "41255120" },
			[]want{{inv, sub + ".social_security_number", "", "must be 9 digits"}}},
		{"ssn misplaced dashes", func(g G) { s1(g).SocialSecurityNumber = "41-255-1201" },
			[]want{{inv, sub + ".social_security_number", "", "must be 9 digits"}}},

		// Uniqueness.
		{"location ids unique", func(g G) {
			g.SecondaryLocations[0].ExternalIdentifier = "LOC-DFS"
			g.Subscribers[1].LocationExternalIdentifier = "LOC-DFS"
		},
			[]want{{dup, "group.secondary_locations[LOC-DFS].external_identifier", "LOC-DFS", "Location LOC-DFS appears more than once"}}},
		{"subscriber ids unique", func(g G) { g.Subscribers[1].ExternalIdentifier = "E1001" },
			[]want{{dup, sub + ".external_identifier", "E1001", "Member E1001 appears more than once in this group (first as a subscriber)"}}},
		{"dependent id shares the member namespace", func(g G) { g.Subscribers[1].ExternalIdentifier = "E1001-S" },
			[]want{{dup, "group.subscribers[E1001-S].external_identifier", "E1001-S", "first as a dependent"}}},
		{"dependent ids unique", func(g G) { s1(g).Dependents[1].ExternalIdentifier = "E1001-S" },
			[]want{{dup, spo + ".external_identifier", "E1001-S", "appears more than once"}}},
		{"one enrollment per product line", func(g G) {
			s := s1(g)
			s.Enrollments = append(s.Enrollments, model.Enrollment{ProductLine: "medical", PlanID: "BC-HMO-250", StartDate: "2027-01-01"})
		}, []want{{dup, med + ".product_line", "medical", "more than one medical enrollment"}}},

		// References.
		{"subscriber location unknown", func(g G) { s1(g).LocationExternalIdentifier = "LOC-XXX" },
			[]want{{unk, sub + ".location_external_identifier", "LOC-XXX", "is not a location of this group"}}},
		{"subscriber location optional", func(g G) { s1(g).LocationExternalIdentifier = "" }, nil},
		{"plan unknown", func(g G) { s1(g).Enrollments[0].PlanID = "BC-PPO-9000" },
			[]want{{unk, med + ".plan_id", "BC-PPO-9000", "not in the plan catalog of carrier bluecross"}}},
		{"plan of another product line", func(g G) { s1(g).Enrollments[0].PlanID = "BC-DEN-STD" },
			[]want{{inv, med + ".plan_id", "BC-DEN-STD", "is a dental plan, not a medical plan"}}},
		{"dependent covered where the subscriber is not", func(g G) { s1(g).Dependents[0].ProductLines = []string{"medical", "vision"} },
			[]want{{inv, spo + ".product_lines", "vision", "subscriber E1001 is not enrolled in vision"}}},

		// Delimiters of X12 carriers.
		{"delimiter in a name", func(g G) { s1(g).FirstName = "Ma~ria" },
			[]want{{inv, sub + ".first_name", "Ma~ria", "must not contain the character '~', which the carrier's X12 files use as a delimiter."}}},
		{"delimiter in an address", func(g G) { g.PrimaryLocation.EmployerAddress.AddressLine1 = "30 W Live Oak Ave*2" },
			[]want{{inv, addr + ".address_line_1", "30 W Live Oak Ave*2", "character '*'"}}},
		{"delimiter in an id", func(g G) { g.ExternalIdentifier = "GCM:001" },
			[]want{{inv, "group.external_identifier", "GCM:001", "character ':'"}}},
		{"delimiter in a FEIN is masked", func(g G) { g.Employer.FEIN = "59^1234567" },
			[]want{{inv, emp + ".fein", "**-***4567", "character '^'"}}},
		{"delimiter in an SSN is not echoed", func(g G) { s1(g).SocialSecurityNumber = "412~55~1201" },
			[]want{{inv, sub + ".social_security_number", "", "character '~'"}}},
		{"delimiter in a date", func(g G) { s1(g).Enrollments[0].StartDate = "2027*01*01" },
			// day() fails on the bad date, so the rule fails too.
			[]want{
				{crule, med + ".start_date", "2027*01*01", "not a real date"},
				{inv, med + ".start_date", "2027*01*01", "character '*'"},
			}},

		// Carrier rules.
		{"rule fails", func(g G) { s1(g).Enrollments[0].StartDate = "2027-01-02" },
			[]want{{crule, med + ".start_date", "2027-01-02", "Coverage must start on the first day of a month."}}},
		{"rule on a bad date fails too", func(g G) { s1(g).Enrollments[0].StartDate = "2027-02-30" },
			[]want{
				{crule, med + ".start_date", "2027-02-30", "A date the rule checks is not a real date"},
				{inv, med + ".start_date", "2027-02-30", "real calendar date"},
			}},
	}
	carrier := testCarrier(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := validGroup()
			tt.mutate(g)
			assertErrors(t, Group(g, carrier, now), tt.want)
		})
	}
}

func TestFEINPrefixes(t *testing.T) {
	// The prefixes the IRS assigns, at each boundary of its list.
	valid := []string{"01", "06", "10", "16", "20", "27", "30", "48", "50", "68", "71", "77", "80", "88", "90", "95", "98", "99"}
	invalid := []string{"00", "07", "08", "09", "17", "18", "19", "28", "29", "49", "69", "70", "78", "79", "89", "96", "97"}
	for _, p := range valid {
		if d, err := NormalizeFEIN(p + "-1234567"); err != nil || d != p+"1234567" {
			t.Errorf("NormalizeFEIN(%s-1234567) = %q, %v; want valid", p, d, err)
		}
	}
	for _, p := range invalid {
		if _, err := NormalizeFEIN(p + "1234567"); err == nil {
			t.Errorf("NormalizeFEIN(%s1234567) accepted a prefix the IRS never assigns", p)
		}
	}
}

func TestGroupNormalises(t *testing.T) {
	g := validGroup()
	g.PrimaryLocation.EmployerAddress.State = "fl"
	if errs := Group(g, nil, now); len(errs) > 0 {
		t.Fatalf("unexpected errors:%s", format(errs))
	}
	if g.Employer.FEIN != "591234567" {
		t.Errorf("FEIN = %q, want 591234567", g.Employer.FEIN)
	}
	if s := g.Subscribers[0].SocialSecurityNumber; s != "412551201" {
		t.Errorf("SSN = %q, want 412551201", s)
	}
	if s := g.PrimaryLocation.EmployerAddress.State; s != "FL" {
		t.Errorf("state = %q, want FL", s)
	}
}

func TestGroupWithoutCarrier(t *testing.T) {
	// No catalog, no delimiters, no rules.
	g := validGroup()
	g.Subscribers[0].FirstName = "Ma~ria"
	g.Subscribers[0].Enrollments[0].PlanID = "ANY-PLAN"
	g.Subscribers[0].Enrollments[0].StartDate = "2027-01-02"
	assertErrors(t, Group(g, nil, now), nil)
}

func TestGroupNeverEchoesSecrets(t *testing.T) {
	g := validGroup()
	g.Employer.FEIN = "07-1234567"
	g.Subscribers[0].SocialSecurityNumber = "987-55-1201"
	g.Subscribers[0].Dependents[0].SocialSecurityNumber = "412551*02"
	errs := Group(g, testCarrier(t), now)
	if len(errs) != 3 {
		t.Fatalf("want 3 errors, got:%s", format(errs))
	}
	for _, e := range errs {
		for _, secret := range []string{"1234567", "071234567", "551201", "412551", "987"} {
			if strings.Contains(e.Message, secret) || strings.Contains(e.Value, secret) {
				t.Errorf("error %s echoes %q: %q / %q", e.Parameter, secret, e.Message, e.Value)
			}
		}
	}
}

func TestGroupSorted(t *testing.T) {
	g := validGroup()
	g.Subscribers[1].BirthDate = ""
	g.Subscribers[0].Gender = "x"
	g.ExternalIdentifier = ""
	g.PrimaryLocation.EmployerAddress.Zip = "1"
	errs := Group(g, testCarrier(t), now)
	if !slices.IsSortedFunc(errs, func(a, b model.Error) int { return strings.Compare(a.Parameter, b.Parameter) }) {
		t.Errorf("errors not sorted by parameter:%s", format(errs))
	}
	again := Group(g, testCarrier(t), now)
	if format(errs) != format(again) {
		t.Errorf("validation is not deterministic")
	}
}
