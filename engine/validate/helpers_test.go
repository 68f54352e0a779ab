package validate

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/model"
)

// now is the validation clock of the tests.
var now = time.Date(2026, 6, 15, 9, 30, 0, 0, time.UTC)

const today = "2026-06-15"

// validGroup is a group that passes every check of testCarrier.
func validGroup() *model.Group {
	return &model.Group{
		ExternalIdentifier: "GCM-001",
		Employer: model.Employer{OrganizationName: "Gulf Coast Marine Supply LLC", FEIN: "59-1234567",
			EstablishedDate: "1999-08-13", EmployerType: "private_sector", SICCode: "5088"},
		PrimaryLocation: &model.Location{ExternalIdentifier: "LOC-DFS", Type: "physical",
			EmployerAddress: model.Address{AddressLine1: "30 W Live Oak Ave", City: "Defuniak Springs",
				State: "FL", Zip: "32435", FIPSCountyCode: "12131", CountryCode: "US"}},
		SecondaryLocations: []model.Location{{ExternalIdentifier: "LOC-PCB", Type: "physical",
			EmployerAddress: model.Address{AddressLine1: "8012 Front Beach Rd", AddressLine2: "Suite 4",
				City: "Panama City Beach", State: "FL", Zip: "32407-1234", FIPSCountyCode: "12005"}}},
		Subscribers: []model.Subscriber{
			{
				ExternalIdentifier: "E1001", LocationExternalIdentifier: "LOC-DFS",
				FirstName: "Maria", MiddleName: "L", LastName: "Alvarez", SocialSecurityNumber: "412-55-1201",
				BirthDate: "1984-03-02", Gender: "female",
				ResidentialAddress: &model.Address{AddressLine1: "114 Baldwin Ave", City: "Defuniak Springs", State: "FL", Zip: "32435"},
				EmploymentDetails:  &model.EmploymentDetails{StartDate: "2015-06-01", Status: "full_time", AnnualEarnings: 5800000, HoursPerWeek: 40},
				Enrollments: []model.Enrollment{
					{ProductLine: "medical", PlanID: "BC-PPO-500", CoverageLevel: "family", StartDate: "2027-01-01"},
					{ProductLine: "dental", PlanID: "BC-DEN-STD", CoverageLevel: "family", StartDate: "2027-01-01"},
					{ProductLine: "basic_life", PlanID: "BC-LIFE-50K", StartDate: "2027-01-01"},
				},
				Dependents: []model.Dependent{
					{ExternalIdentifier: "E1001-S", FirstName: "Jorge", LastName: "Alvarez", SocialSecurityNumber: "412551202",
						BirthDate: "1982-11-20", Gender: "male", SubscriberRelationship: "spouse", ProductLines: []string{"medical", "dental"}},
					{ExternalIdentifier: "E1001-C1", FirstName: "Sofia", LastName: "Alvarez",
						BirthDate: "2016-02-29", Gender: "female", SubscriberRelationship: "child", ProductLines: []string{"medical"}},
				},
			},
			{
				ExternalIdentifier: "E1003", LocationExternalIdentifier: "LOC-PCB",
				FirstName: "Hannah", LastName: "Nguyen", BirthDate: "1977-12-30", Gender: "female",
				Enrollments: []model.Enrollment{
					{ProductLine: "vision", PlanID: "BC-VIS-BASIC", CoverageLevel: "employee_only", StartDate: "2027-01-01", EndDate: "2027-06-30"},
				},
			},
		},
	}
}

// testSpec is the example carrier of DESIGN.md §9.
func testSpec() CarrierSpec {
	return CarrierSpec{
		ID:         "bluecross",
		Delimiters: "*:^~",
		Plans: []PlanSpec{
			{ID: "BC-PPO-500", ProductLine: "medical"},
			{ID: "BC-HMO-250", ProductLine: "medical"},
			{ID: "BC-DEN-STD", ProductLine: "dental"},
			{ID: "BC-VIS-BASIC", ProductLine: "vision"},
			{ID: "BC-LIFE-50K", ProductLine: "basic_life"},
			{ID: "BC-ADD-50K", ProductLine: "accidental_death_dismemberment"},
		},
		Rules: []RuleSpec{{ID: "first-of-month", On: "enrollment", Expr: "day(enrollment.start_date) == 1",
			Message: "coverage must start on the first day of a month", Parameter: "start_date"}},
	}
}

func testCarrier(t testing.TB) *Carrier {
	t.Helper()
	c, err := NewCarrier(testSpec())
	if err != nil {
		t.Fatalf("NewCarrier: %v", err)
	}
	return c
}

// want is an expected error: its type, parameter and value exactly, and a
// fragment of its message.
type want struct {
	typ      model.ErrorType
	param    string
	value    string
	contains string
}

func (w want) String() string {
	return fmt.Sprintf("%s %s value=%q (message containing %q)", w.typ, w.param, w.value, w.contains)
}

func format(errs []model.Error) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "\n\t%s %s value=%q: %s", e.ErrorType, e.Parameter, e.Value, e.Message)
	}
	return b.String()
}

// assertErrors checks that got holds exactly the wanted errors, in order.
func assertErrors(t *testing.T, got []model.Error, wants []want) {
	t.Helper()
	ok := len(got) == len(wants)
	for i := 0; ok && i < len(wants); i++ {
		g, w := got[i], wants[i]
		ok = g.ErrorType == w.typ && g.Parameter == w.param && g.Value == w.value && strings.Contains(g.Message, w.contains)
	}
	if !ok {
		t.Errorf("got errors:%s\nwant:%s", format(got), fmt.Sprint(wants))
	}
	for _, g := range got {
		if g.Source != nil {
			t.Errorf("Source of %s is set; the caller fills it", g.Parameter)
		}
		if !strings.HasSuffix(g.Message, ".") || g.Message[0] < 'A' || g.Message[0] > 'Z' {
			t.Errorf("message %q is not a sentence", g.Message)
		}
	}
}
