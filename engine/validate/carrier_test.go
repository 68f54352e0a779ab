package validate

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

func TestNewCarrierErrors(t *testing.T) {
	tests := []struct {
		name        string
		rule        RuleSpec
		field       string
		errContains string
	}{
		{"unknown target", RuleSpec{On: "member", Expr: "true"}, "on", `unknown target "member": use one of group, location, subscriber, dependent, enrollment`},
		{"empty target", RuleSpec{Expr: "true"}, "on", `unknown target ""`},
		{"empty expression", RuleSpec{On: "group", Expr: " "}, "expr", "the expression is empty"},
		{"syntax error", RuleSpec{On: "enrollment", Expr: "day(enrollment.start_date) =="}, "expr", "compiling expression: unexpected token EOF"},
		{"unknown field", RuleSpec{On: "enrollment", Expr: "day(enrollment.start) == 1"}, "expr", "compiling expression: type model.Enrollment has no field start"},
		{"unknown function", RuleSpec{On: "group", Expr: "weekday(group.employer.established_date) == 1"}, "expr", "compiling expression: unknown name weekday"},
		{"wrong argument type", RuleSpec{On: "subscriber", Expr: "day(1) == 1"}, "expr", "compiling expression"},
		{"not a condition", RuleSpec{On: "enrollment", Expr: "day(enrollment.start_date)"}, "expr", "expected bool, but got int"},
		{"variable of another target", RuleSpec{On: "enrollment", Expr: `dependent.birth_date != ""`}, "expr", "dependent is not available in a rule on enrollment: use group, subscriber, enrollment"},
		{"location outside location rules", RuleSpec{On: "subscriber", Expr: `location.type == "remote"`}, "expr", "location is not available in a rule on subscriber"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := CarrierSpec{Rules: []RuleSpec{{ID: "ok", On: "group", Expr: "true"}, tt.rule}}
			c, err := NewCarrier(spec)
			if c != nil || err == nil {
				t.Fatalf("NewCarrier = %v, %v; want an error", c, err)
			}
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("error %v is not a *RuleError", err)
			}
			if re.Index != 1 || re.Field != tt.field {
				t.Errorf("RuleError at rule %d field %q, want rule 1 field %q", re.Index, re.Field, tt.field)
			}
			if !strings.Contains(re.Err.Error(), tt.errContains) {
				t.Errorf("error %q does not contain %q", re.Err, tt.errContains)
			}
			if !strings.HasPrefix(re.Error(), "rule 1: "+tt.field+": ") {
				t.Errorf("Error() = %q", re.Error())
			}
		})
	}
}

func TestNewCarrierListsEveryBadRule(t *testing.T) {
	_, err := NewCarrier(CarrierSpec{Rules: []RuleSpec{
		{On: "nope", Expr: "true"},
		{On: "group", Expr: "true"},
		{On: "group", Expr: "(("},
	}})
	var got []int
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var re *RuleError
		if !errors.As(e, &re) {
			t.Fatalf("%v is not a *RuleError", e)
		}
		got = append(got, re.Index)
	}
	if len(got) != 2 || got[0] != 0 || got[1] != 2 {
		t.Errorf("bad rules reported: %v, want [0 2]", got)
	}
}

func TestCarrierCatalog(t *testing.T) {
	c := testCarrier(t)
	if c.ID() != "bluecross" || c.Delimiters() != "*:^~" {
		t.Errorf("ID, Delimiters = %q, %q", c.ID(), c.Delimiters())
	}
	if pl, ok := c.PlanProductLine("BC-DEN-STD"); !ok || pl != "dental" {
		t.Errorf("PlanProductLine(BC-DEN-STD) = %q, %v", pl, ok)
	}
	if _, ok := c.PlanProductLine("nope"); ok {
		t.Error("PlanProductLine(nope) found a plan")
	}
}

// TestRules runs one rule per target and function, each failing on the
// valid group unless noted, and checks where the failure is reported.
func TestRules(t *testing.T) {
	tests := []struct {
		name string
		rule RuleSpec
		want []want
	}{
		{"group rule with masked FEIN value",
			RuleSpec{On: "group", Expr: `group.employer.fein startsWith "1"`, Message: "Only FEINs starting with 1", Parameter: "employer.fein"},
			[]want{{crule, "group.employer.fein", "**-***4567", "Only FEINs starting with 1."}}},
		{"group rule without parameter",
			RuleSpec{On: "group", Expr: `len(group.subscribers) >= 3`, Message: "A group needs at least 3 subscribers."},
			[]want{{crule, "group", "", "A group needs at least 3 subscribers."}}},
		{"group rule holding",
			RuleSpec{On: "group", Expr: `year(group.employer.established_date) < year(today())`, Message: "x"}, nil},
		{"location rule",
			RuleSpec{On: "location", Expr: `location.employer_address.zip != "32407-1234"`, Message: "zip not served", Parameter: "employer_address.zip"},
			[]want{{crule, "group.secondary_locations[LOC-PCB].employer_address.zip", "32407-1234", "Zip not served."}}},
		{"subscriber rule with SSN omitted",
			RuleSpec{On: "subscriber", Expr: `subscriber.social_security_number != ""`, Message: "the carrier needs an SSN", Parameter: "social_security_number"},
			[]want{{crule, sub3 + ".social_security_number", "", "The carrier needs an SSN."}}},
		{"subscriber age",
			RuleSpec{On: "subscriber", Expr: `age(subscriber.birth_date, today()) < 45`, Message: "too old", Parameter: "birth_date"},
			// E1001 born 1984-03-02 is 42; E1003 born 1977-12-30 is 48.
			[]want{{crule, sub3 + ".birth_date", "1977-12-30", "Too old."}}},
		{"dependent rule with group and subscriber",
			RuleSpec{On: "dependent", Expr: `dependent.subscriber_relationship != "child" || age(dependent.birth_date, subscriber.enrollments[0].start_date) < 10`,
				Message: "children over 9 are not covered", Parameter: "birth_date"},
			// Sofia, born 2016-02-29, is 10 on 2027-01-01.
			[]want{{crule, kid + ".birth_date", "2016-02-29", "Children over 9 are not covered."}}},
		{"age is whole years",
			RuleSpec{On: "dependent", Expr: `dependent.subscriber_relationship != "child" || age(dependent.birth_date, "2026-02-28") == 9 && age(dependent.birth_date, "2026-03-01") == 10`, Message: "x"},
			nil},
		{"enrollment month",
			RuleSpec{On: "enrollment", Expr: `month(enrollment.start_date) != 1 || enrollment.product_line != "vision"`, Message: "no vision in January", Parameter: "start_date"},
			[]want{{crule, sub3 + ".enrollments[vision].start_date", "2027-01-01", "No vision in January."}}},
		{"empty date skips the rule",
			RuleSpec{On: "enrollment", Expr: `day(enrollment.end_date) == 31`, Message: "ends on the 31st", Parameter: "end_date"},
			// Only E1003's vision enrollment has an end date (2027-06-30).
			[]want{{crule, sub3 + ".enrollments[vision].end_date", "2027-06-30", "Ends on the 31st."}}},
		{"nested parameter of a subscriber",
			RuleSpec{On: "subscriber", Expr: `subscriber.employment_details == nil || subscriber.employment_details.hours_per_week < 40`, Message: "x", Parameter: "employment_details.hours_per_week"},
			[]want{{crule, sub + ".employment_details.hours_per_week", "40", "X."}}},
		{"run-time error fails the rule",
			RuleSpec{On: "subscriber", Expr: `subscriber.enrollments[2].plan_id != ""`, Message: "three enrollments needed"},
			// E1003 has one enrollment: the index is out of range.
			[]want{{crule, sub3, "", "Three enrollments needed. The rule could not be checked against this data."}}},
		{"rule without message",
			RuleSpec{ID: "r1", On: "group", Expr: `false`},
			[]want{{crule, "group", "", "Carrier rule r1 is not met."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := testSpec()
			spec.Rules = []RuleSpec{tt.rule}
			c, err := NewCarrier(spec)
			if err != nil {
				t.Fatal(err)
			}
			assertErrors(t, Group(validGroup(), c, now), tt.want)
		})
	}
}

func BenchmarkGroup(b *testing.B) {
	c := testCarrier(b)
	base := validGroup()
	g := *base
	g.Subscribers = nil
	for i := 0; i < 1000; i++ {
		s := base.Subscribers[i%2]
		id := "E" + strconv.Itoa(i)
		s.ExternalIdentifier = id
		s.Dependents = append([]model.Dependent(nil), s.Dependents...)
		for j := range s.Dependents {
			s.Dependents[j].ExternalIdentifier = id + "-" + strconv.Itoa(j)
		}
		g.Subscribers = append(g.Subscribers, s)
	}
	b.ReportAllocs()
	for b.Loop() {
		if errs := Group(&g, c, now); len(errs) != 0 {
			b.Fatalf("unexpected errors:%s", format(errs[:1]))
		}
	}
}
