package x12

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/model"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// testTime is the injected clock of every envelope in the tests.
var testTime = time.Date(2024, 5, 6, 13, 45, 0, 0, time.UTC)

func testEnvelope() Envelope {
	return Envelope{SenderQualifier: "ZZ", SenderID: "ONBOARD", ReceiverQualifier: "ZZ", ReceiverID: "BLUECROSS",
		Usage: "T", ISA13: 42, GS06: 7, Time: testTime}
}

func testOptions() Options834 {
	return Options834{CarrierName: "Blue Cross Example", CarrierID: "BLUECROSS",
		ProductCodes: map[string]string{model.ProductLife: "AC", model.ProductADD: "ADD"}}
}

// smallGroup is a Florida group: a new family (subscriber, spouse, child),
// a terminated employee and an address change.
func smallGroup() model.GroupChanges {
	g := &model.Group{
		ExternalIdentifier: "GCM-001",
		Employer:           model.Employer{OrganizationName: "Acme Widgets, Inc.", FEIN: "12-3456789"},
		Subscribers: []model.Subscriber{
			{
				ExternalIdentifier: "E1001", FirstName: "Jane", MiddleName: "Q", LastName: "Doe",
				SocialSecurityNumber: "123-45-6789", BirthDate: "1980-04-12", Gender: "female",
				ResidentialAddress: &model.Address{AddressLine1: "100 Main St", AddressLine2: "Apt 4", City: "Orlando",
					State: "FL", Zip: "32801-1234", FIPSCountyCode: "12095"},
				EmploymentDetails: &model.EmploymentDetails{StartDate: "2019-03-01", Status: "full_time"},
				Enrollments: []model.Enrollment{
					{ProductLine: model.ProductLife, PlanID: "BC-LIFE-50K", CoverageLevel: model.LevelEmployeeOnly, StartDate: "2024-06-01"},
					{ProductLine: model.ProductMedical, PlanID: "BC-PPO-500", CoverageLevel: model.LevelFamily, StartDate: "2024-06-01"},
					{ProductLine: model.ProductDental, PlanID: "BC-DEN-STD", CoverageLevel: model.LevelEmployeeSpouse, StartDate: "2024-06-01"},
				},
				Dependents: []model.Dependent{
					{ExternalIdentifier: "E1001-2", FirstName: "John", LastName: "Doe", BirthDate: "1979-11-02", Gender: "male",
						SocialSecurityNumber: "987654321", SubscriberRelationship: "spouse",
						ProductLines: []string{model.ProductDental, model.ProductMedical}},
					{ExternalIdentifier: "E1001-3", FirstName: "Kim", LastName: "Doe", BirthDate: "2015-07-20", Gender: "non_binary",
						SubscriberRelationship: "child", ProductLines: []string{model.ProductMedical}},
				},
			},
			{
				ExternalIdentifier: "E1002", FirstName: "Bob", LastName: "Smith", BirthDate: "1975-01-31", Gender: "male",
				EmploymentDetails: &model.EmploymentDetails{StartDate: "2015-09-14", Status: "part_time"},
				Enrollments: []model.Enrollment{
					{ProductLine: model.ProductMedical, PlanID: "BC-HMO-250", CoverageLevel: model.LevelEmployeeOnly, StartDate: "2023-01-01", EndDate: "2024-06-30"},
				},
			},
			{
				ExternalIdentifier: "E1003", FirstName: "Ana", LastName: "García", BirthDate: "1990-02-28", Gender: "F",
				ResidentialAddress: &model.Address{AddressLine1: "9 Palm Ave", City: "Tampa", State: "FL", Zip: "33602"},
				Enrollments: []model.Enrollment{
					{ProductLine: model.ProductVision, PlanID: "BC-VIS-BASIC", CoverageLevel: model.LevelEmployeeOnly, StartDate: "2024-01-01"},
				},
			},
		},
	}
	s := g.Subscribers
	return model.GroupChanges{Group: g, Members: []model.MemberChange{
		withCoverage(model.MemberChange{Maintenance: model.MaintAdd, Subscriber: &s[0], Event: model.EventNewHire}),
		withCoverage(model.MemberChange{Maintenance: model.MaintAdd, Subscriber: &s[0], Dependent: &s[0].Dependents[0], Event: model.EventNewHire}),
		withCoverage(model.MemberChange{Maintenance: model.MaintAdd, Subscriber: &s[0], Dependent: &s[0].Dependents[1], Event: model.EventNewHire}),
		withCoverage(model.MemberChange{Maintenance: model.MaintTerminate, Subscriber: &s[1], EndDate: "2024-06-30", EffectiveDate: "2024-06-30",
			Event: model.EventTerminationOfEmployment}),
		{Maintenance: model.MaintChange, Subscriber: &s[2], EffectiveDate: "2024-05-06", Event: model.EventDemographicChange},
	}}
}

// withCoverage gives a member change one coverage change of its own
// maintenance per product line the member has (a dependent: those it is
// covered under), in canonical order, as transmit.Changes would.
func withCoverage(mc model.MemberChange) model.MemberChange {
	for _, pl := range model.ProductLines {
		for _, e := range mc.Subscriber.Enrollments {
			if e.ProductLine != pl || mc.Dependent != nil && !slices.Contains(mc.Dependent.ProductLines, pl) {
				continue
			}
			if mc.Dependent != nil {
				e.CoverageLevel = ""
			}
			mc.Coverages = append(mc.Coverages, model.CoverageChange{Maintenance: mc.Maintenance, Enrollment: e})
			mc.ProductLines = append(mc.ProductLines, pl)
		}
	}
	return mc
}

// secondGroup is a Georgia group with a policy number and one employee.
func secondGroup() model.GroupChanges {
	g := &model.Group{
		ExternalIdentifier: "GCM-002", PolicyNumber: "POL-778",
		Employer: model.Employer{OrganizationName: "Peach Logistics", FEIN: "581234567"},
		Subscribers: []model.Subscriber{{
			ExternalIdentifier: "P2001", FirstName: "Lee", LastName: "Park", BirthDate: "1988-08-08", Gender: "male",
			EmploymentDetails: &model.EmploymentDetails{Status: "full_time"},
			Enrollments: []model.Enrollment{
				{ProductLine: model.ProductADD, PlanID: "BC-ADD-50K", CoverageLevel: model.LevelEmployeeOnly, StartDate: "2024-07-01"},
			},
		}},
	}
	return model.GroupChanges{Group: g, Members: []model.MemberChange{
		withCoverage(model.MemberChange{Maintenance: model.MaintAdd, Subscriber: &g.Subscribers[0], Event: model.EventInitialEnrollment}),
	}}
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (run with -update after checking):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}
