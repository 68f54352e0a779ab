package transmit

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

// testGroup is GCM-001 of census-small: E1001 with a spouse and a child,
// E1002 alone, E1003 with a spouse.
func testGroup() *model.Group {
	enr := func(pl, plan, level string) model.Enrollment {
		return model.Enrollment{ProductLine: pl, PlanID: plan, CoverageLevel: level, StartDate: "2027-01-01"}
	}
	return &model.Group{
		ID: "g-1", ExternalIdentifier: "GCM-001", PartnerID: "acme", CarrierID: "bluecross",
		Employer: model.Employer{OrganizationName: "Gulf Coast Marine Supply LLC", FEIN: "591234567", EmployerType: "private_sector"},
		PrimaryLocation: &model.Location{ID: "l-1", ExternalIdentifier: "LOC-DFS", Type: "physical",
			EmployerAddress: model.Address{AddressLine1: "30 W Live Oak Ave", City: "Defuniak Springs", State: "FL", Zip: "32435"}},
		Subscribers: []model.Subscriber{
			{ID: "s-1", ExternalIdentifier: "E1001", FirstName: "Maria", LastName: "Alvarez", BirthDate: "1984-03-02", Gender: "female",
				SocialSecurityNumber: "412551201",
				Enrollments: []model.Enrollment{enr("medical", "BC-PPO-500", "family"), enr("dental", "BC-DEN-STD", "family"),
					enr("vision", "BC-VIS-BASIC", "employee_only")},
				Dependents: []model.Dependent{
					{ID: "d-1", ExternalIdentifier: "E1001-C1", FirstName: "Sofia", LastName: "Alvarez", BirthDate: "2012-05-14",
						SubscriberRelationship: "child", ProductLines: []string{"dental", "medical"}},
					{ID: "d-2", ExternalIdentifier: "E1001-S", FirstName: "Jorge", LastName: "Alvarez", BirthDate: "1982-11-20",
						SubscriberRelationship: "spouse", ProductLines: []string{"dental", "medical"}},
				}},
			{ID: "s-2", ExternalIdentifier: "E1002", FirstName: "Darnell", LastName: "Brooks", BirthDate: "1990-07-19",
				Enrollments: []model.Enrollment{enr("medical", "BC-HMO-250", "employee_only"), enr("dental", "BC-DEN-STD", "employee_only")}},
			{ID: "s-3", ExternalIdentifier: "E1003", FirstName: "Hannah", LastName: "Nguyen", BirthDate: "1977-12-30",
				Enrollments: []model.Enrollment{enr("medical", "BC-PPO-500", "employee_spouse")},
				Dependents: []model.Dependent{{ID: "d-3", ExternalIdentifier: "E1003-S", FirstName: "Minh", LastName: "Nguyen",
					SubscriberRelationship: "spouse", ProductLines: []string{"medical"}}}},
		},
	}
}

// clone deep-copies a group the way a stored version is read back.
func clone(t testing.TB, g *model.Group) *model.Group {
	t.Helper()
	b, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	var c model.Group
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

// describe renders member changes one per line: the member's maintenance,
// who, its event and effective date, then each coverage change as
// "HD01 line plan start..end" (end only when it ends; "@date" a change's
// effective date):
//
//	change E1002 plan_change 2027-04-01: 024 medical BC-HMO-250 2027-01-01..2027-03-31, 021 medical BC-PPO-500 2027-04-01..
func describe(gc model.GroupChanges) []string {
	var out []string
	for _, m := range gc.Members {
		who := m.Subscriber.ExternalIdentifier
		if m.Dependent != nil {
			who += "/" + m.Dependent.ExternalIdentifier
		}
		s := fmt.Sprintf("%s %s", m.Maintenance, who)
		if m.Event != "" {
			s += " " + m.Event
		}
		if m.EffectiveDate != "" {
			s += " " + m.EffectiveDate
		}
		if m.EndDate != "" {
			s += " ends " + m.EndDate
		}
		var covs []string
		for _, c := range m.Coverages {
			e := c.Enrollment
			cs := fmt.Sprintf("%s %s %s %s..%s", c.Maintenance, e.ProductLine, e.PlanID, e.StartDate, e.EndDate)
			if e.CoverageLevel != "" {
				cs += " " + e.CoverageLevel
			}
			if c.EffectiveDate != "" {
				cs += " @" + c.EffectiveDate
			}
			covs = append(covs, cs)
		}
		if len(covs) > 0 {
			s += ": " + strings.Join(covs, ", ")
		}
		out = append(out, s)
	}
	return out
}

func TestChanges(t *testing.T) {
	const today = "2027-03-15"
	type G = *model.Group
	sub := func(g G, ext string) *model.Subscriber { return g.Subscriber(ext) }
	endAll := func(s *model.Subscriber, date string) {
		for i := range s.Enrollments {
			s.Enrollments[i].EndDate = date
		}
	}
	tests := []struct {
		name   string
		base   bool // false: never transmitted
		full   bool
		before func(g G) // changes the base from testGroup
		change func(g G)
		want   []string
	}{
		{name: "first delivery adds every member with open coverage", base: false,
			change: func(g G) { endAll(sub(g, "E1002"), "2027-01-31") }, // ended before it was ever sent: not sent
			want: []string{
				"add E1001 initial_enrollment 2027-01-01: add medical BC-PPO-500 2027-01-01.. family, add dental BC-DEN-STD 2027-01-01.. family, add vision BC-VIS-BASIC 2027-01-01.. employee_only",
				"add E1001/E1001-C1 initial_enrollment 2027-01-01: add medical BC-PPO-500 2027-01-01.., add dental BC-DEN-STD 2027-01-01..",
				"add E1001/E1001-S initial_enrollment 2027-01-01: add medical BC-PPO-500 2027-01-01.., add dental BC-DEN-STD 2027-01-01..",
				"add E1003 initial_enrollment 2027-01-01: add medical BC-PPO-500 2027-01-01.. employee_spouse",
				"add E1003/E1003-S initial_enrollment 2027-01-01: add medical BC-PPO-500 2027-01-01.."}},
		{name: "no change sends nothing", base: true, change: func(g G) {}, want: nil},
		{name: "group-level change alone sends nothing", base: true,
			change: func(g G) { g.Employer.OrganizationName = "Gulf Coast Marine" }, want: nil},
		{name: "ids and statuses are not member data", base: true,
			change: func(g G) { sub(g, "E1001").Status = model.StatusSynced; sub(g, "E1002").ID = "other" }, want: nil},
		{name: "an added dependent and a terminated subscriber", base: true,
			change: func(g G) {
				s := sub(g, "E1003")
				s.Dependents = append(s.Dependents, model.Dependent{ExternalIdentifier: "E1003-C1", FirstName: "Lan", LastName: "Nguyen",
					SubscriberRelationship: "child", ProductLines: []string{"medical"}})
				endAll(sub(g, "E1002"), "2027-03-31")
			},
			want: []string{
				"terminate E1002 termination_of_employment 2027-03-31 ends 2027-03-31: terminate medical BC-HMO-250 2027-01-01..2027-03-31 employee_only, terminate dental BC-DEN-STD 2027-01-01..2027-03-31 employee_only",
				"add E1003/E1003-C1 2027-01-01: add medical BC-PPO-500 2027-01-01.."}},
		{name: "the same in full mode", base: true, full: true,
			change: func(g G) {
				s := sub(g, "E1003")
				s.Dependents = append(s.Dependents, model.Dependent{ExternalIdentifier: "E1003-C1", FirstName: "Lan", LastName: "Nguyen",
					SubscriberRelationship: "child", ProductLines: []string{"medical"}})
				endAll(sub(g, "E1002"), "2027-03-31")
			},
			want: []string{
				"audit E1001: audit medical BC-PPO-500 2027-01-01.. family, audit dental BC-DEN-STD 2027-01-01.. family, audit vision BC-VIS-BASIC 2027-01-01.. employee_only",
				"audit E1001/E1001-C1: audit medical BC-PPO-500 2027-01-01.., audit dental BC-DEN-STD 2027-01-01..",
				"audit E1001/E1001-S: audit medical BC-PPO-500 2027-01-01.., audit dental BC-DEN-STD 2027-01-01..",
				"terminate E1002 termination_of_employment 2027-03-31 ends 2027-03-31: terminate medical BC-HMO-250 2027-01-01..2027-03-31 employee_only, terminate dental BC-DEN-STD 2027-01-01..2027-03-31 employee_only",
				"audit E1003: audit medical BC-PPO-500 2027-01-01.. employee_spouse",
				"audit E1003/E1003-S: audit medical BC-PPO-500 2027-01-01..",
				"audit E1003/E1003-C1: audit medical BC-PPO-500 2027-01-01.."}},
		{name: "full mode without a member change sends nothing", base: true, full: true,
			change: func(g G) { g.Employer.OrganizationName = "x" }, want: nil},
		{name: "terminating a subscriber ends its dependents", base: true,
			change: func(g G) { endAll(sub(g, "E1001"), "2027-04-30") },
			want: []string{
				"terminate E1001 termination_of_employment 2027-04-30 ends 2027-04-30: terminate medical BC-PPO-500 2027-01-01..2027-04-30 family, terminate dental BC-DEN-STD 2027-01-01..2027-04-30 family, terminate vision BC-VIS-BASIC 2027-01-01..2027-04-30 employee_only",
				"terminate E1001/E1001-C1 termination_of_employment 2027-04-30 ends 2027-04-30: terminate medical BC-PPO-500 2027-01-01..2027-04-30, terminate dental BC-DEN-STD 2027-01-01..2027-04-30",
				"terminate E1001/E1001-S termination_of_employment 2027-04-30 ends 2027-04-30: terminate medical BC-PPO-500 2027-01-01..2027-04-30, terminate dental BC-DEN-STD 2027-01-01..2027-04-30"}},
		{name: "a dependent's own end date", base: true,
			change: func(g G) { sub(g, "E1001").Dependents[1].EndDate = "2027-05-31" },
			want: []string{
				"terminate E1001/E1001-S divorce 2027-05-31 ends 2027-05-31: terminate medical BC-PPO-500 2027-01-01..2027-05-31, terminate dental BC-DEN-STD 2027-01-01..2027-05-31"}},
		{name: "one line ends, one changes plan, one is added", base: true,
			change: func(g G) {
				s := sub(g, "E1002")
				s.Enrollments[0].PlanID = "BC-PPO-500"
				s.Enrollments[1].EndDate = "2027-06-30"
				s.Enrollments = append(s.Enrollments, model.Enrollment{ProductLine: "vision", PlanID: "BC-VIS-BASIC", CoverageLevel: "employee_only", StartDate: "2027-04-01"})
			},
			want: []string{
				"change E1002 plan_change 2027-04-01: terminate medical BC-HMO-250 2027-01-01..2027-03-31 employee_only, add medical BC-PPO-500 2027-04-01.. employee_only, terminate dental BC-DEN-STD 2027-01-01..2027-06-30 employee_only, add vision BC-VIS-BASIC 2027-04-01.. employee_only"}},
		{name: "a plan change reaches the dependents covered under it", base: true,
			change: func(g G) { sub(g, "E1003").Enrollments[0].PlanID = "BC-HMO-250" },
			want: []string{
				"change E1003 plan_change 2027-04-01: terminate medical BC-PPO-500 2027-01-01..2027-03-31 employee_spouse, add medical BC-HMO-250 2027-04-01.. employee_spouse",
				"change E1003/E1003-S plan_change 2027-04-01: terminate medical BC-PPO-500 2027-01-01..2027-03-31, add medical BC-HMO-250 2027-04-01.."}},
		{name: "a data change with a line ending is one change of the member", base: true,
			change: func(g G) {
				s := sub(g, "E1001")
				s.LastName = "Alvarez-Ruiz"
				s.Enrollments[2].EndDate = "2027-03-31"
			},
			want: []string{
				"change E1001 plan_change 2027-03-31: terminate vision BC-VIS-BASIC 2027-01-01..2027-03-31 employee_only"}},
		{name: "a dependent's data change", base: true,
			change: func(g G) { sub(g, "E1003").Dependents[0].BirthDate = "1975-04-08" },
			want: []string{
				"change E1003/E1003-S demographic_change 2027-03-15"}},
		{name: "a line no longer listed ends at the end of the month", base: true,
			change: func(g G) { s := sub(g, "E1002"); s.Enrollments = s.Enrollments[:1] },
			want: []string{
				"change E1002 plan_change 2027-03-31: terminate dental BC-DEN-STD 2027-01-01..2027-03-31 employee_only"}},
		{name: "a dependent no longer listed ends at the end of the month", base: true,
			change: func(g G) { s := sub(g, "E1003"); s.Dependents = nil },
			want: []string{
				"terminate E1003/E1003-S divorce 2027-03-31 ends 2027-03-31: terminate medical BC-PPO-500 2027-01-01..2027-03-31"}},
		{name: "a dependent leaving one line", base: true,
			change: func(g G) { sub(g, "E1001").Dependents[0].ProductLines = []string{"medical"} },
			want: []string{
				"change E1001/E1001-C1 plan_change 2027-03-31: terminate dental BC-DEN-STD 2027-01-01..2027-03-31"}},
		{name: "a subscriber no longer listed ends at the end of the month with its dependents", base: true,
			change: func(g G) { g.Subscribers = g.Subscribers[1:] },
			want: []string{
				"terminate E1001 termination_of_employment 2027-03-31 ends 2027-03-31: terminate medical BC-PPO-500 2027-01-01..2027-03-31 family, terminate dental BC-DEN-STD 2027-01-01..2027-03-31 family, terminate vision BC-VIS-BASIC 2027-01-01..2027-03-31 employee_only",
				"terminate E1001/E1001-C1 termination_of_employment 2027-03-31 ends 2027-03-31: terminate medical BC-PPO-500 2027-01-01..2027-03-31, terminate dental BC-DEN-STD 2027-01-01..2027-03-31",
				"terminate E1001/E1001-S termination_of_employment 2027-03-31 ends 2027-03-31: terminate medical BC-PPO-500 2027-01-01..2027-03-31, terminate dental BC-DEN-STD 2027-01-01..2027-03-31"}},
		{name: "a reinstated line is an add inside a change", base: true,
			before: func(g G) { sub(g, "E1002").Enrollments[1].EndDate = "2027-01-31" },
			change: func(g G) {},
			want: []string{
				"change E1002 plan_change 2027-01-01: add dental BC-DEN-STD 2027-01-01.. employee_only"}},
		{name: "a corrected end date is sent again", base: true,
			before: func(g G) { sub(g, "E1002").Enrollments[1].EndDate = "2027-01-31" },
			change: func(g G) { sub(g, "E1002").Enrollments[1].EndDate = "2027-02-28" },
			want: []string{
				"change E1002 plan_change 2027-02-28: terminate dental BC-DEN-STD 2027-01-01..2027-02-28 employee_only"}},
		{name: "a data change of a member without coverage is not sent", base: true,
			before: func(g G) { endAll(sub(g, "E1002"), "2027-01-31") },
			change: func(g G) { s := sub(g, "E1002"); endAll(s, "2027-01-31"); s.LastName = "Brooks-Hall" },
			want:   nil},
		{name: "a new member whose coverage already ended is not sent", base: true,
			change: func(g G) {
				g.Subscribers = append(g.Subscribers, model.Subscriber{ExternalIdentifier: "E1009", FirstName: "Al", LastName: "Ode",
					Enrollments: []model.Enrollment{{ProductLine: "medical", PlanID: "BC-PPO-500", StartDate: "2027-01-01", EndDate: "2027-01-31"}}})
			},
			want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var base *model.Group
			if tc.base {
				base = testGroup()
			}
			if base != nil && tc.before != nil {
				tc.before(base)
			}
			cur := testGroup()
			tc.change(cur)
			var baseCopy *model.Group
			if base != nil {
				baseCopy = clone(t, base)
			}
			curCopy := clone(t, cur)
			gc := Changes(base, cur, Policy{Full: tc.full, Today: today})
			if got := describe(gc); !slices.Equal(got, tc.want) {
				t.Fatalf("changes:\n  got  %s\n  want %s", strings.Join(got, "\n       "), strings.Join(tc.want, "\n       "))
			}
			if gc.Group != cur {
				t.Fatal("GroupChanges.Group is not the current version")
			}
			// Changes must not modify the versions it reads.
			if base != nil && !equalJSON(t, base, baseCopy) {
				t.Fatal("Changes modified the base version")
			}
			if !equalJSON(t, cur, curCopy) {
				t.Fatal("Changes modified the current version")
			}
		})
	}
}

func equalJSON(t testing.TB, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}

// TestChangesEndedLineKeepsItsPlan checks that a member whose product line
// disappeared reaches the writer with the ended enrollment, so the
// termination can name the plan.
func TestChangesEndedLineKeepsItsPlan(t *testing.T) {
	base := testGroup()
	cur := testGroup()
	s := cur.Subscriber("E1002")
	s.Enrollments = s.Enrollments[:1]
	gc := Changes(base, cur, Policy{Today: "2027-03-15"})
	if len(gc.Members) != 1 {
		t.Fatalf("members: %q", describe(gc))
	}
	var found *model.Enrollment
	for i, e := range gc.Members[0].Subscriber.Enrollments {
		if e.ProductLine == "dental" {
			found = &gc.Members[0].Subscriber.Enrollments[i]
		}
	}
	if found == nil || found.PlanID != "BC-DEN-STD" || found.EndDate != "2027-03-31" {
		t.Fatalf("ended dental enrollment: %+v", found)
	}
}
