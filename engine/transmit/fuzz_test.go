package transmit

import (
	"fmt"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

// mutate applies one edit per input byte to g: the byte picks the
// subscriber, the edit and its value.
func mutate(g *model.Group, ops []byte) {
	dates := []string{"", "2027-02-28", "2027-03-31"}
	for _, b := range ops {
		if len(g.Subscribers) == 0 {
			return
		}
		s := &g.Subscribers[int(b>>5)%len(g.Subscribers)]
		v := int(b >> 3)
		switch b & 7 {
		case 0: // end or reopen a line
			if len(s.Enrollments) > 0 {
				s.Enrollments[v%len(s.Enrollments)].EndDate = dates[v%len(dates)]
			}
		case 1: // change a plan
			if len(s.Enrollments) > 0 {
				s.Enrollments[v%len(s.Enrollments)].PlanID = fmt.Sprintf("PLAN-%d", v%3)
			}
		case 2: // drop a line
			if len(s.Enrollments) > 0 {
				i := v % len(s.Enrollments)
				s.Enrollments = append(s.Enrollments[:i:i], s.Enrollments[i+1:]...)
			}
		case 3: // add a line
			s.Enrollments = append(s.Enrollments, model.Enrollment{ProductLine: model.ProductLines[v%len(model.ProductLines)], PlanID: "NEW", StartDate: "2027-04-01"})
		case 4: // member data
			s.LastName = fmt.Sprintf("Name%d", v%4)
		case 5: // a dependent ends, leaves or comes
			switch {
			case len(s.Dependents) > 0 && v%3 == 0:
				s.Dependents[0].EndDate = dates[v%len(dates)]
			case len(s.Dependents) > 0 && v%3 == 1:
				s.Dependents = s.Dependents[1:]
			default:
				s.Dependents = append(s.Dependents, model.Dependent{ExternalIdentifier: fmt.Sprintf("%s-X%d", s.ExternalIdentifier, v),
					FirstName: "X", LastName: "Y", SubscriberRelationship: "child", ProductLines: []string{"medical", "dental"}})
			}
		case 6: // a subscriber leaves
			i := v % len(g.Subscribers)
			g.Subscribers = append(g.Subscribers[:i:i], g.Subscribers[i+1:]...)
		case 7: // a dependent's lines change
			if len(s.Dependents) > 0 {
				s.Dependents[0].ProductLines = []string{model.ProductLines[v%3]}
			}
		}
	}
}

// FuzzChanges checks the diff's invariants on random edits of a group:
// every change names a member and product lines, a termination carries
// its end date, a version diffed with itself sends nothing, and full mode
// sends something exactly when change mode does.
func FuzzChanges(f *testing.F) {
	for _, seed := range [][]byte{{}, {0x08}, {0x01, 0x23, 0x45}, {0x06}, {0x05, 0x0d, 0x15}, {0xff, 0x7e, 0x33, 0x02}} {
		f.Add(seed, seed)
	}
	f.Fuzz(func(t *testing.T, baseOps, curOps []byte) {
		base := testGroup()
		mutate(base, baseOps)
		cur := clone(t, base)
		mutate(cur, curOps)
		const today = "2027-03-15"
		if same := Changes(base, clone(t, base), Policy{Today: today}); len(same.Members) != 0 {
			t.Fatalf("a version diffed with itself: %q", describe(same))
		}
		change := Changes(base, cur, Policy{Today: today})
		full := Changes(base, cur, Policy{Full: true, Today: today})
		if (len(change.Members) == 0) != (len(full.Members) == 0) {
			t.Fatalf("change mode %q, full mode %q", describe(change), describe(full))
		}
		for _, gc := range []model.GroupChanges{change, full, Changes(nil, cur, Policy{Today: today})} {
			seen := map[string]bool{}
			for _, m := range gc.Members {
				if m.Subscriber == nil {
					t.Fatalf("member change without a member: %+v", m)
				}
				who := m.Subscriber.ExternalIdentifier
				if m.Dependent != nil {
					who += "/" + m.Dependent.ExternalIdentifier
				}
				if seen[who] {
					t.Fatalf("member %s twice in one set: %q", who, describe(gc))
				}
				seen[who] = true
				if len(m.Coverages) == 0 && m.Maintenance != model.MaintChange {
					t.Fatalf("%s %s without coverage", m.Maintenance, who)
				}
				if (m.Maintenance == model.MaintTerminate) != (m.EndDate != "") {
					t.Fatalf("%s with end date %q", m.Maintenance, m.EndDate)
				}
				if (m.Maintenance == model.MaintChange || m.Maintenance == model.MaintTerminate) && m.EffectiveDate == "" {
					t.Fatalf("%s %s without an effective date", m.Maintenance, who)
				}
				for _, c := range m.Coverages {
					if c.Maintenance == model.MaintTerminate && (c.Enrollment.EndDate == "" || c.Enrollment.EndDate < c.Enrollment.StartDate) {
						t.Fatalf("%s: %s ends %q, starts %q", who, c.Enrollment.ProductLine, c.Enrollment.EndDate, c.Enrollment.StartDate)
					}
				}
			}
		}
	})
}
