package fixedwidth

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/model"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// The example layouts live with the other mapping files; the tests compile
// them so a broken example fails here.
const (
	exampleFixed = "../../mappings/layouts/example-fixed.yaml"
	exampleCSV   = "../../mappings/layouts/example-csv.yaml"
)

// testFile is the delivery every golden file is written as.
var testFile = FileInfo{
	Name:      "ONBOARD_BLUECROSS_20250115_000042.txt",
	Created:   time.Date(2025, 1, 15, 9, 30, 5, 0, time.UTC),
	CarrierID: "BLUECROSS",
	SenderID:  "ONBOARD",
	Control:   42,
}

func loadLayout(t testing.TB, path string) *Layout {
	t.Helper()
	l, err := LoadLayout(path)
	if err != nil {
		t.Fatalf("LoadLayout(%s): %v", path, err)
	}
	return l
}

func compile(t testing.TB, yaml string) *Layout {
	t.Helper()
	l, err := CompileLayout([]byte(yaml), "test.yaml")
	if err != nil {
		t.Fatalf("CompileLayout: %v", err)
	}
	return l
}

// testChanges is a deterministic delivery: two groups; adds of a subscriber
// with a spouse and a child, a change, a terminated subscriber and
// dependent, and a name that is not ASCII.
func testChanges() []model.GroupChanges {
	jane := &model.Subscriber{
		ExternalIdentifier: "E1001", FirstName: "Jane", MiddleName: "quinn", LastName: "Doe",
		SocialSecurityNumber: "123-45-6789", BirthDate: "1985-03-14", Gender: "female",
		ResidentialAddress: &model.Address{AddressLine1: "1 Market St", City: "San Francisco", State: "CA", Zip: "94105-1420"},
		EmploymentDetails:  &model.EmploymentDetails{StartDate: "2019-06-03", Status: "full_time", AnnualEarnings: 5200050},
		Enrollments: []model.Enrollment{
			{ProductLine: "medical", PlanID: "BC-PPO-500", CoverageLevel: "family", StartDate: "2025-02-01"},
			{ProductLine: "dental", PlanID: "BC-DEN-STD", CoverageLevel: "family", StartDate: "2025-02-01"},
			{ProductLine: "vision", PlanID: "BC-VIS-BASIC", CoverageLevel: "employee_spouse", StartDate: "2025-02-01"},
		},
		Dependents: []model.Dependent{
			{ExternalIdentifier: "E1001-1", FirstName: "John", LastName: "Doe", BirthDate: "1984-11-02", Gender: "male",
				SocialSecurityNumber: "987654321", SubscriberRelationship: "spouse", ProductLines: []string{"medical", "dental", "vision"}},
			{ExternalIdentifier: "E1001-2", FirstName: "Emily", LastName: "Doe", BirthDate: "2015-07-21", Gender: "female",
				SubscriberRelationship: "child", ProductLines: []string{"medical", "dental"}},
		},
	}
	robert := &model.Subscriber{
		ExternalIdentifier: "E1002", FirstName: "Robert", LastName: "Smith", SocialSecurityNumber: "234567890",
		BirthDate: "1979-12-30", Gender: "male",
		ResidentialAddress: &model.Address{State: "CA", Zip: "94110"},
		EmploymentDetails:  &model.EmploymentDetails{StartDate: "2021-09-13", AnnualEarnings: 7500000},
		Enrollments: []model.Enrollment{
			{ProductLine: "medical", PlanID: "BC-HMO-250", CoverageLevel: "employee_only", StartDate: "2025-02-01"},
		},
	}
	maria := &model.Subscriber{
		ExternalIdentifier: "E1003", FirstName: "Maria Esperanza Guadalupe", LastName: "Garcia-Lopez de la Fuente Ortega",
		SocialSecurityNumber: "345678901", BirthDate: "1990-01-05", Gender: "non_binary",
		ResidentialAddress: &model.Address{State: "NV", Zip: "89501"},
		EmploymentDetails:  &model.EmploymentDetails{StartDate: "2023-04-17"},
		Enrollments: []model.Enrollment{
			{ProductLine: "medical", PlanID: "BC-PPO-500", CoverageLevel: "employee_children", StartDate: "2024-01-01"},
		},
		Dependents: []model.Dependent{
			{ExternalIdentifier: "E1003-1", FirstName: "Lucas", LastName: "Garcia", BirthDate: "2012-05-09", Gender: "male",
				SubscriberRelationship: "child", ProductLines: []string{"medical"}, EndDate: "2025-03-31"},
		},
	}
	acme := &model.Group{
		ExternalIdentifier: "ACME-001", PolicyNumber: "POL-5501",
		Employer:    model.Employer{OrganizationName: "Acme Widgets, Inc.", FEIN: "12-3456789"},
		Subscribers: []model.Subscriber{*jane, *robert, *maria},
	}

	zoe := &model.Subscriber{
		ExternalIdentifier: "B-77", FirstName: "Chloé", LastName: "Brontë", SocialSecurityNumber: "456789012",
		BirthDate: "1995-08-08", Gender: "female",
		ResidentialAddress: &model.Address{State: "OR", Zip: "97201"},
		Enrollments: []model.Enrollment{
			{ProductLine: "medical", PlanID: "BC-PPO-500", CoverageLevel: "employee_children", StartDate: "2025-03-01"},
			{ProductLine: "vision", PlanID: "BC-VIS-BASIC", CoverageLevel: "employee_only", StartDate: "2025-03-01"},
		},
		Dependents: []model.Dependent{
			{ExternalIdentifier: "B-77-1", FirstName: "Zoë", LastName: "Brontë", BirthDate: "2020-02-29",
				SubscriberRelationship: "child", ProductLines: []string{"medical"}},
		},
	}
	beta := &model.Group{
		ExternalIdentifier: "BETA-9", Employer: model.Employer{OrganizationName: "Beta Logistics LLC", FEIN: "987654321"},
		Subscribers: []model.Subscriber{*zoe},
	}

	return []model.GroupChanges{
		{Group: acme, Members: []model.MemberChange{
			{Maintenance: model.MaintAdd, Subscriber: jane},
			{Maintenance: model.MaintAdd, Subscriber: jane, Dependent: &jane.Dependents[0]},
			{Maintenance: model.MaintAdd, Subscriber: jane, Dependent: &jane.Dependents[1]},
			{Maintenance: model.MaintChange, Subscriber: robert, ProductLines: []string{"medical"}},
			{Maintenance: model.MaintTerminate, Subscriber: maria, EndDate: "2025-03-31"},
			{Maintenance: model.MaintTerminate, Subscriber: maria, Dependent: &maria.Dependents[0], EndDate: "2025-03-31"},
		}},
		{Group: beta, Members: []model.MemberChange{
			{Maintenance: model.MaintAdd, Subscriber: zoe},
			{Maintenance: model.MaintAdd, Subscriber: zoe, Dependent: &zoe.Dependents[0]},
		}},
	}
}

// writeAll writes the groups in layout l and returns the delivery.
func writeAll(t testing.TB, l *Layout, groups []model.GroupChanges) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, l, testFile)
	for _, gc := range groups {
		if err := w.WriteGroup(gc); err != nil {
			t.Fatalf("WriteGroup(%s): %v", gc.Group.ExternalIdentifier, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return buf.Bytes()
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
		t.Fatalf("reading golden file (run go test -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update to accept):\n got:\n%s\nwant:\n%s", path, got, want)
	}
}
