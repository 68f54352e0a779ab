package transmit

import (
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

func TestDependentFinder(t *testing.T) {
	for _, n := range []int{3, 20} { // a scan, then a map
		deps := make([]model.Dependent, n)
		for i := range deps {
			deps[i] = model.Dependent{ExternalIdentifier: string(rune('A' + i%(n-1))), FirstName: string(rune('a' + i))}
		}
		find := dependentFinder(deps)
		// The last dependent listed under an identifier is the one found.
		if d := find("A"); d != &deps[n-1] {
			t.Errorf("%d dependents: find(A) = %+v, want the last one", n, d)
		}
		if d := find("B"); d != &deps[1] {
			t.Errorf("%d dependents: find(B) = %+v", n, d)
		}
		if d := find("?"); d != nil {
			t.Errorf("%d dependents: find(?) = %+v", n, d)
		}
	}
}

// TestChangesLinesStayApart: the product lines of the changes share one
// allocation, yet appending to one change's lines leaves the others' alone.
func TestChangesLinesStayApart(t *testing.T) {
	base := testGroup()
	cur := clone(t, base)
	cur.Subscribers[0].Enrollments[0].EndDate = "2027-03-31" // medical ends
	cur.Subscribers[0].Enrollments[1].PlanID = "BC-DEN-PLUS" // dental changes
	gc := Changes(base, cur, Policy{Today: "2027-03-15"})
	if len(gc.Members) < 2 {
		t.Fatalf("changes: %q", describe(gc))
	}
	before := describe(gc)
	for i := range gc.Members {
		gc.Members[i].ProductLines = append(gc.Members[i].ProductLines, "pets")
	}
	for i, m := range gc.Members {
		if n := strings.Count(strings.Join(m.ProductLines, ","), "pets"); n != 1 {
			t.Fatalf("member %d lines %v after appending (before: %q)", i, m.ProductLines, before)
		}
	}
}
