package validate

import (
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

// TestControlCharacters: a census whose names held terminal escapes,
// bells or backspaces was accepted, then every transmission refused the
// group (the X12 writer allows no control character), leaving it pending
// while the partner had been told it was accepted (found by
// engine/reliability's hostile input). Intake now rejects such a value
// with a message the partner can act on, for any carrier.
func TestControlCharacters(t *testing.T) {
	tests := []struct {
		name  string
		set   func(g *model.Group)
		param string
		carry bool // with a carrier; without one too otherwise
	}{
		{"escape in a last name", func(g *model.Group) { g.Subscribers[0].LastName = "Alv\x1b[31marez" },
			"group.subscribers[E1001].last_name", false},
		{"backspace in a dependent's name", func(g *model.Group) { g.Subscribers[0].Dependents[0].FirstName = "Jor\bge" },
			"group.subscribers[E1001].dependents[E1001-S].first_name", false},
		{"line break in an address", func(g *model.Group) { g.PrimaryLocation.EmployerAddress.AddressLine1 = "30 W Live\nOak Ave" },
			"group.primary_location.employer_address.address_line_1", true},
		{"DEL in an identifier", func(g *model.Group) { g.Subscribers[0].Enrollments[0].PlanID = "BC-PPO-500\x7f" },
			"group.subscribers[E1001].enrollments[medical].plan_id", true},
	}
	for _, tc := range tests {
		carriers := map[string]*Carrier{"carrier": testCarrier(t)}
		if !tc.carry {
			carriers["no carrier"] = nil
		}
		for cname, c := range carriers {
			t.Run(tc.name+"/"+cname, func(t *testing.T) {
				g := validGroup()
				tc.set(g)
				errs := Group(g, c, now)
				var found bool
				for _, e := range errs {
					if e.Parameter == tc.param && strings.Contains(e.Message, "control characters") {
						found = true
					}
				}
				if !found {
					t.Errorf("no control character error at %s: %v", tc.param, errs)
				}
			})
		}
	}
}

// TestOverLongText: a group JSON whose organization name was 10 MB was
// accepted, stored, sent to the carrier in an 834 element of 10 MB and
// written into every status report (found by engine/reliability's hostile
// input). A text value over maxText characters is now rejected, and the
// error echoes only its start.
func TestOverLongText(t *testing.T) {
	long := strings.Repeat("N", 10<<20)
	tests := []struct {
		name  string
		set   func(g *model.Group, v string)
		param string
		value string
		ok    bool
	}{
		{"a 10 MB organization name", func(g *model.Group, v string) { g.Employer.OrganizationName = v },
			"group.employer.organization_name", long, false},
		{"an identifier just over", func(g *model.Group, v string) { g.Subscribers[0].Dependents[0].ExternalIdentifier = v },
			"group.subscribers[E1001].dependents[", strings.Repeat("é", maxText+1), false},
		{"a name at the limit", func(g *model.Group, v string) { g.Subscribers[0].FirstName = v },
			"group.subscribers[E1001].first_name", strings.Repeat("é", maxText), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := validGroup()
			tc.set(g, tc.value)
			// maxText binds every carrier; an X12 carrier's element
			// limits (x12limits_test.go) are far below it.
			errs := Group(g, nonX12Carrier(t), now)
			var found *model.Error
			for i, e := range errs {
				if strings.HasPrefix(e.Parameter, tc.param) && strings.Contains(e.Message, "at most") {
					found = &errs[i]
				}
			}
			switch {
			case tc.ok && found != nil:
				t.Fatalf("a value at the limit was refused: %v", *found)
			case !tc.ok && found == nil:
				t.Fatalf("no length error at %s: %v", tc.param, errs)
			case !tc.ok && len(found.Value) > 200:
				t.Fatalf("the error echoes %d bytes of the value", len(found.Value))
			}
		})
	}
}
