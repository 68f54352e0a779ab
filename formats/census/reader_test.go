package census

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/mappings"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func standard(t testing.TB) *mappings.Mapping {
	t.Helper()
	m, err := mappings.Load("census-standard", "")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readAll reads every group of data, failing the test on any error.
func readAll(t testing.TB, m *mappings.Mapping, data []byte) []*model.SourcedGroup {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data), m, "test.csv")
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var out []*model.SourcedGroup
	for {
		sg, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		out = append(out, sg)
	}
}

func TestCensusSmall(t *testing.T) {
	groups := readAll(t, standard(t), readFile(t, "census-small.csv"))
	if len(groups) != 2 {
		t.Fatalf("%d groups, want 2", len(groups))
	}
	gcm, pdp := groups[0], groups[1]
	for _, sg := range groups {
		if len(sg.Errors) != 0 {
			t.Errorf("%s: errors %v", sg.Group.ExternalIdentifier, sg.Errors)
		}
		if sg.Group.CarrierID != "" || sg.Group.PartnerID != "" {
			t.Errorf("carrier and partner ids are the caller's to set")
		}
	}
	g := gcm.Group
	if g.ExternalIdentifier != "GCM-001" || gcm.Line != 2 || gcm.File != "test.csv" ||
		g.Employer != (model.Employer{OrganizationName: "Gulf Coast Marine Supply LLC", FEIN: "591234567", EstablishedDate: "1999-08-13", EmployerType: "private_sector"}) {
		t.Errorf("GCM-001 group: line %d %+v", gcm.Line, g.Employer)
	}
	if g.PrimaryLocation == nil || g.PrimaryLocation.ExternalIdentifier != "LOC-DFS" || g.PrimaryLocation.EmployerAddress.FIPSCountyCode != "12131" ||
		len(g.SecondaryLocations) != 1 || g.SecondaryLocations[0].ExternalIdentifier != "LOC-PCB" || g.SecondaryLocations[0].EmployerAddress.AddressLine2 != "Suite 4" {
		t.Errorf("GCM-001 locations: %+v %+v", g.PrimaryLocation, g.SecondaryLocations)
	}
	var ids []string
	for _, s := range g.Subscribers {
		ids = append(ids, s.ExternalIdentifier)
	}
	if !slices.Equal(ids, []string{"E1001", "E1002", "E1003"}) {
		t.Fatalf("GCM-001 subscribers %v", ids)
	}
	maria := g.Subscribers[0]
	if maria.FirstName != "Maria" || maria.MiddleName != "L" || maria.Gender != "female" || maria.SocialSecurityNumber != "412551201" ||
		maria.BirthDate != "1984-03-02" || maria.LocationExternalIdentifier != "LOC-DFS" ||
		maria.EmploymentDetails == nil || maria.EmploymentDetails.AnnualEarnings != 5_800_000 || maria.EmploymentDetails.Status != "full_time" ||
		maria.ResidentialAddress == nil || maria.ResidentialAddress.Zip != "32435" {
		t.Errorf("E1001: %+v", maria)
	}
	wantEnroll := []model.Enrollment{
		{ProductLine: "medical", PlanID: "BC-PPO-500", CoverageLevel: "family", StartDate: "2027-01-01"},
		{ProductLine: "dental", PlanID: "BC-DEN-STD", CoverageLevel: "family", StartDate: "2027-01-01"},
		{ProductLine: "vision", PlanID: "BC-VIS-BASIC", CoverageLevel: "employee_only", StartDate: "2027-01-01"},
		{ProductLine: "basic_life", PlanID: "BC-LIFE-50K", CoverageLevel: "employee_only", StartDate: "2027-01-01"},
		{ProductLine: "accidental_death_dismemberment", PlanID: "BC-ADD-50K", CoverageLevel: "employee_only", StartDate: "2027-01-01"},
	}
	if !slices.Equal(maria.Enrollments, wantEnroll) {
		t.Errorf("E1001 enrollments\n got %+v\nwant %+v", maria.Enrollments, wantEnroll)
	}
	if len(maria.Dependents) != 2 {
		t.Fatalf("E1001 dependents: %+v", maria.Dependents)
	}
	jorge, sofia := maria.Dependents[0], maria.Dependents[1]
	if jorge.ExternalIdentifier != "E1001-S" || jorge.SubscriberRelationship != "spouse" || jorge.Gender != "male" ||
		jorge.BirthDate != "1982-11-20" || !slices.Equal(jorge.ProductLines, []string{"medical", "dental"}) || jorge.EndDate != "" {
		t.Errorf("E1001-S: %+v", jorge)
	}
	if sofia.ExternalIdentifier != "E1001-C1" || sofia.SubscriberRelationship != "child" {
		t.Errorf("E1001-C1: %+v", sofia)
	}
	darnell := g.Subscribers[1]
	if len(darnell.Enrollments) != 3 || darnell.Enrollments[0].PlanID != "BC-HMO-250" || darnell.Enrollments[0].CoverageLevel != "employee_only" ||
		darnell.EmploymentDetails.AnnualEarnings != 4_750_000 || len(darnell.Dependents) != 0 {
		t.Errorf("E1002: %+v", darnell)
	}
	hannah := g.Subscribers[2]
	if hannah.LocationExternalIdentifier != "LOC-PCB" || hannah.Enrollments[0].CoverageLevel != "employee_spouse" ||
		len(hannah.Dependents) != 1 || !slices.Equal(hannah.Dependents[0].ProductLines, []string{"medical", "vision"}) {
		t.Errorf("E1003: %+v", hannah)
	}

	p := pdp.Group
	if p.ExternalIdentifier != "PDP-014" || pdp.Line != 8 || p.Employer.FEIN != "587654321" || len(p.Subscribers) != 2 ||
		p.PrimaryLocation.ExternalIdentifier != "LOC-ATL" || p.SecondaryLocations[0].ExternalIdentifier != "LOC-SAV" {
		t.Fatalf("PDP-014: %+v", p)
	}
	sev := p.Subscribers[0]
	if sev.EmploymentDetails.AnnualEarnings != 11_200_000 || sev.Enrollments[0].CoverageLevel != "employee_children" ||
		len(sev.Dependents) != 1 || sev.Dependents[0].BirthDate != "2016-02-29" ||
		!slices.Equal(sev.Dependents[0].ProductLines, []string{"medical", "dental", "vision"}) {
		t.Errorf("P-77: %+v", sev)
	}

	// Sources name the line and the header of every value.
	for path, want := range map[string]model.Source{
		"group.employer.fein":                                                  {File: "test.csv", Line: 2, Column: "fein"},
		"group.primary_location.employer_address.zip":                          {File: "test.csv", Line: 2, Column: "zip"},
		"group.secondary_locations[LOC-PCB].employer_address.zip":              {File: "test.csv", Line: 6, Column: "zip"},
		"group.subscribers[E1001]":                                             {File: "test.csv", Line: 2},
		"group.subscribers[E1001].first_name":                                  {File: "test.csv", Line: 2, Column: "first_name"},
		"group.subscribers[E1001].dependents[E1001-S]":                         {File: "test.csv", Line: 3},
		"group.subscribers[E1001].dependents[E1001-S].birth_date":              {File: "test.csv", Line: 3, Column: "birth_date"},
		"group.subscribers[E1001].dependents[E1001-S].product_lines":           {File: "test.csv", Line: 3, Column: "medical_plan"},
		"group.subscribers[E1001].enrollments[medical].plan_id":                {File: "test.csv", Line: 2, Column: "medical_plan"},
		"group.subscribers[E1001].enrollments[medical].coverage_level":         {File: "test.csv", Line: 2, Column: "medical_level"},
		"group.subscribers[E1001].enrollments[medical].start_date":             {File: "test.csv", Line: 2, Column: "coverage_start"},
		"group.subscribers[E1003].employment_details.annual_earnings":          {File: "test.csv", Line: 6, Column: "annual_salary"},
		"group.subscribers[E1003].location_external_identifier":                {File: "test.csv", Line: 6, Column: "location_id"},
		"group.subscribers[E1003].dependents[E1003-S].subscriber_relationship": {File: "test.csv", Line: 7, Column: "relationship"},
	} {
		if got, ok := gcm.AllSources()[path]; !ok || got != want {
			t.Errorf("source of %s = %+v, want %+v", path, got, want)
		}
	}
	checkGolden(t, "census-small.golden.json", groups)
}

func checkGolden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := "testdata/" + name
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
		t.Errorf("%s differs from the output; run go test -update and review the diff", path)
	}
}

// TestBOMAndCRLF: a spreadsheet export (BOM, CRLF, blank lines and an
// empty row at the end) reads exactly like the plain file.
func TestBOMAndCRLF(t *testing.T) {
	plain := readFile(t, "census-small.csv")
	export := "\ufeff" + strings.ReplaceAll(string(plain), "\n", "\r\n") + "\r\n,,,,\r\n"
	a := readAll(t, standard(t), plain)
	b := readAll(t, standard(t), []byte(export))
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Errorf("BOM/CRLF export reads differently:\n%s\n%s", ja, jb)
	}
}

func TestNonContiguousGroups(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(string(readFile(t, "census-small.csv"))), "\n")
	// Interleave: PDP-014's last row first, dependents before their
	// employee, GCM-001's rows scattered.
	order := []int{0, 9, 3, 1, 7, 2, 4, 8, 5, 6}
	var b strings.Builder
	for _, i := range order {
		b.WriteString(lines[i] + "\n")
	}
	groups := readAll(t, standard(t), []byte(b.String()))
	if len(groups) != 2 || groups[0].Group.ExternalIdentifier != "PDP-014" || groups[0].Line != 2 || groups[1].Line != 3 {
		t.Fatalf("groups in order of first appearance: %v", groups)
	}
	gcm := groups[1]
	if len(gcm.Errors) != 0 {
		t.Fatalf("errors %v", gcm.Errors)
	}
	e1001 := gcm.Group.Subscriber("E1001")
	if e1001 == nil || len(e1001.Dependents) != 2 || e1001.Dependents[0].ExternalIdentifier != "E1001-C1" {
		t.Errorf("E1001's dependents, in row order: %+v", e1001)
	}
	// The first location seen for the group is its primary one.
	if gcm.Group.PrimaryLocation.ExternalIdentifier != "LOC-DFS" || gcm.AllSources()["group.subscribers[E1001-C1]"].Line != 0 {
		t.Errorf("primary %s", gcm.Group.PrimaryLocation.ExternalIdentifier)
	}
	if got := gcm.AllSources()["group.subscribers[E1001].dependents[E1001-S]"].Line; got != 6 {
		t.Errorf("dependent source line %d, want 6", got)
	}
}

// TestLinesAcrossQuotedNewlinesAndBlankRows: rows read back run by run keep
// their file lines when fields span lines and blank rows sit between rows
// of a group.
func TestLinesAcrossQuotedNewlinesAndBlankRows(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(string(readFile(t, "census-small.csv"))), "\n")
	var b strings.Builder
	b.WriteString(lines[0] + "\n")
	for i, l := range lines[1:] {
		// Each GCM-001 row spans two lines; a blank row follows the second.
		b.WriteString(strings.Replace(l, "Gulf Coast Marine Supply LLC", "\"Gulf Coast\nMarine Supply LLC\"", 1) + "\n")
		if i == 1 {
			b.WriteString(strings.Repeat(",", strings.Count(lines[0], ",")) + "\n")
		}
	}
	groups := readAll(t, standard(t), []byte(b.String()))
	if len(groups) != 2 {
		t.Fatalf("%d groups", len(groups))
	}
	for _, tt := range []struct {
		group int
		path  string
		line  int
	}{
		{0, "group.subscribers[E1001]", 2},
		{0, "group.subscribers[E1001].dependents[E1001-S]", 4},
		{0, "group.subscribers[E1002]", 9},
		{0, "group.subscribers[E1003].dependents[E1003-S]", 13},
		{1, "group.subscribers[P-77]", 15},
		{1, "group.subscribers[P-78]", 17},
	} {
		if got := groups[tt.group].AllSources()[tt.path].Line; got != tt.line {
			t.Errorf("%s: line %d, want %d", tt.path, got, tt.line)
		}
	}
	if g := groups[0].Group; g.Employer.OrganizationName != "Gulf Coast\nMarine Supply LLC" || len(g.Subscribers) != 3 {
		t.Errorf("GCM-001: %q, %d subscribers", g.Employer.OrganizationName, len(g.Subscribers))
	}
}
