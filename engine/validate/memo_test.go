package validate

import (
	"testing"

	"github.com/onboard/onboard/engine/model"
)

// TestEnrollmentRulesRunOncePerValueAndReportEveryEnrollment: a rule that
// names only the enrollment runs once per distinct enrollment, yet every
// enrollment that breaks it is reported; a rule that also names the
// subscriber is run for each, since its outcome differs between them.
func TestEnrollmentRulesRunOncePerValueAndReportEveryEnrollment(t *testing.T) {
	spec := testSpec()
	spec.Rules = append(spec.Rules, RuleSpec{ID: "hannah-no-vision", On: "enrollment",
		Expr: `enrollment.product_line != "vision" || subscriber.first_name != "Hannah"`, Message: "no vision for Hannah"})
	c, err := NewCarrier(spec)
	if err != nil {
		t.Fatal(err)
	}
	if !c.rules[ruleIndex(OnEnrollment)][0].ofEnrollment || c.rules[ruleIndex(OnEnrollment)][1].ofEnrollment {
		t.Fatal("only the first rule depends on the enrollment alone")
	}
	g := validGroup()
	mid := model.Enrollment{ProductLine: "vision", PlanID: "BC-VIS-BASIC", CoverageLevel: "employee_only", StartDate: "2027-01-15"}
	g.Subscribers[0].Enrollments = append(g.Subscribers[0].Enrollments, mid)
	g.Subscribers[1].Enrollments = []model.Enrollment{mid}

	var starts, hannah []string
	for _, e := range Group(g, c, now) {
		switch e.ErrorType {
		case model.ErrCarrierRule:
			if e.Message == "No vision for Hannah." {
				hannah = append(hannah, e.Parameter)
			} else {
				starts = append(starts, e.Parameter)
			}
		default:
			t.Errorf("unexpected error %+v", e)
		}
	}
	wantStarts := []string{
		"group.subscribers[E1001].enrollments[vision].start_date",
		"group.subscribers[E1003].enrollments[vision].start_date",
	}
	if len(starts) != 2 || starts[0] != wantStarts[0] || starts[1] != wantStarts[1] {
		t.Errorf("first-of-month errors at %v, want %v (the same enrollment value twice, reported twice)", starts, wantStarts)
	}
	if len(hannah) != 1 || hannah[0] != "group.subscribers[E1003].enrollments[vision]" {
		t.Errorf("subscriber-dependent rule errors at %v, want only Hannah's (E1003) vision enrollment", hannah)
	}
}

// TestCarrierFingerprintAndDated: the fingerprint changes with the spec
// and only with it; a rule reading today() makes the carrier dated.
func TestCarrierFingerprintAndDated(t *testing.T) {
	a, b := testCarrier(t), testCarrier(t)
	if a.Fingerprint() != b.Fingerprint() || a.Dated() {
		t.Fatalf("same spec: fingerprints %x %x, dated %v", a.Fingerprint(), b.Fingerprint(), a.Dated())
	}
	spec := testSpec()
	spec.Plans[0].ProductLine = "dental"
	c, err := NewCarrier(spec)
	if err != nil {
		t.Fatal(err)
	}
	if c.Fingerprint() == a.Fingerprint() {
		t.Error("a changed catalog has the same fingerprint")
	}
	spec = testSpec()
	spec.Rules = append(spec.Rules, RuleSpec{ID: "not-past", On: "enrollment", Expr: "enrollment.start_date >= today()", Message: "no past starts"})
	if c, err = NewCarrier(spec); err != nil {
		t.Fatal(err)
	}
	if !c.Dated() || c.Fingerprint() == a.Fingerprint() {
		t.Errorf("a today() rule: dated %v, same fingerprint %v", c.Dated(), c.Fingerprint() == a.Fingerprint())
	}
}
