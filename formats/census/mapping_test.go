package census

import (
	"slices"
	"testing"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/mappings"
)

// TestPartnerMapping reads a partner's own layout through its mapping file:
// other headers, relationship codes, zip padding, an expression, constants,
// per-line and row-wide coverage dates.
func TestPartnerMapping(t *testing.T) {
	m, err := mappings.Load("acme.yaml", "testdata")
	if err != nil {
		t.Fatal(err)
	}
	groups := readAll(t, m, readFile(t, "acme.csv"))
	if len(groups) != 1 || len(groups[0].Errors) != 0 {
		t.Fatalf("groups %+v", groups)
	}
	g := groups[0].Group
	if g.ExternalIdentifier != "A1" || g.Employer.FEIN != "123456789" || g.Employer.OrganizationName != "Acme Inc" {
		t.Errorf("group %+v", g)
	}
	loc := g.PrimaryLocation
	if loc == nil || loc.ExternalIdentifier != "HQ" || loc.EmployerAddress.Zip != "02134" || loc.EmployerAddress.CountryCode != "US" ||
		loc.Type != "physical" || len(g.SecondaryLocations) != 0 {
		t.Errorf("location %+v (the same site twice is one location)", loc)
	}
	if len(g.Subscribers) != 2 {
		t.Fatalf("subscribers %+v", g.Subscribers)
	}
	ann, cy := g.Subscribers[0], g.Subscribers[1]
	if ann.BirthDate != "1980-01-05" || ann.Gender != "female" || ann.EmploymentDetails.HoursPerWeek != 40 || ann.EmploymentDetails.Status != "full_time" {
		t.Errorf("Ann %+v %+v", ann, ann.EmploymentDetails)
	}
	want := []model.Enrollment{
		{ProductLine: "medical", PlanID: "PPO", CoverageLevel: "family", StartDate: "2027-02-01"},
		{ProductLine: "dental", PlanID: "DEN", StartDate: "2027-01-01"},
	}
	if !slices.Equal(ann.Enrollments, want) {
		t.Errorf("Ann's enrollments\n got %+v\nwant %+v", ann.Enrollments, want)
	}
	if len(ann.Dependents) != 1 {
		t.Fatalf("Ann's dependents %+v", ann.Dependents)
	}
	bo := ann.Dependents[0]
	if bo.SubscriberRelationship != "spouse" || bo.Gender != "male" || bo.BirthDate != "1979-12-31" || bo.EndDate != "2027-06-30" ||
		!slices.Equal(bo.ProductLines, []string{"medical"}) {
		t.Errorf("Bo %+v", bo)
	}
	if cy.EmploymentDetails.Status != "part_time" || !cy.Terminated() || cy.Enrollments[0].EndDate != "2027-06-30" {
		t.Errorf("Cy %+v %+v", cy.EmploymentDetails, cy.Enrollments)
	}
}

// TestMappingWithoutRelationship: without a relationship column, a row is
// a subscriber's when its subscriber reference is blank or its own id.
func TestMappingWithoutRelationship(t *testing.T) {
	m, err := mappings.Compile([]byte(`columns:
  - {column: g, target: group.external_identifier}
  - {column: id, target: member.external_identifier}
  - {column: sub, target: member.subscriber_external_identifier}
  - {column: name, target: member.first_name}
`), "min.yaml")
	if err != nil {
		t.Fatal(err)
	}
	groups := readAll(t, m, []byte("g,id,sub,name\nG,1,,A\nG,2,2,B\nG,1a,1,C\n"))
	g := groups[0].Group
	if len(g.Subscribers) != 2 || len(g.Subscribers[0].Dependents) != 1 || g.Subscribers[0].Dependents[0].FirstName != "C" ||
		g.Subscribers[0].Dependents[0].SubscriberRelationship != "" {
		t.Errorf("%+v", g.Subscribers)
	}
}
