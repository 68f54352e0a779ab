package validate

import (
	"strconv"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

// nonX12Carrier is testSpec without delimiters: a carrier that takes no
// X12 files.
func nonX12Carrier(t testing.TB) *Carrier {
	t.Helper()
	spec := testSpec()
	spec.Delimiters = ""
	c, err := NewCarrier(spec)
	if err != nil {
		t.Fatalf("NewCarrier: %v", err)
	}
	return c
}

// TestX12Limits: values longer than their 834 element reached the carrier,
// which refuses the transaction set. Each canonical field an X12 carrier
// receives is held to its element's maximum, at the boundary exactly.
func TestX12Limits(t *testing.T) {
	const (
		sub  = "group.subscribers[E1001]"
		spo  = sub + ".dependents[E1001-S]"
		addr = "group.primary_location.employer_address"
		res  = sub + ".residential_address"
	)
	type G = *model.Group
	tests := []struct {
		name    string
		max     int
		param   string
		element string
		set     func(g G, v string)
		echoed  bool
	}{
		{"subscriber last_name", 60, sub + ".last_name", "NM103", func(g G, v string) { g.Subscribers[0].LastName = v }, false},
		{"subscriber first_name", 35, sub + ".first_name", "NM104", func(g G, v string) { g.Subscribers[0].FirstName = v }, false},
		{"subscriber middle_name", 25, sub + ".middle_name", "NM105", func(g G, v string) { g.Subscribers[0].MiddleName = v }, false},
		{"dependent first_name", 35, spo + ".first_name", "NM104", func(g G, v string) { g.Subscribers[0].Dependents[0].FirstName = v }, false},
		{"dependent last_name", 60, spo + ".last_name", "NM103", func(g G, v string) { g.Subscribers[0].Dependents[0].LastName = v }, false},
		{"location address_line_1", 55, addr + ".address_line_1", "N301", func(g G, v string) { g.PrimaryLocation.EmployerAddress.AddressLine1 = v }, true},
		{"location address_line_2", 55, addr + ".address_line_2", "N302", func(g G, v string) { g.PrimaryLocation.EmployerAddress.AddressLine2 = v }, true},
		{"location city", 30, addr + ".city", "N401", func(g G, v string) { g.PrimaryLocation.EmployerAddress.City = v }, true},
		{"residential address_line_1", 55, res + ".address_line_1", "N301", func(g G, v string) { g.Subscribers[0].ResidentialAddress.AddressLine1 = v }, true},
		{"residential city", 30, res + ".city", "N401", func(g G, v string) { g.Subscribers[0].ResidentialAddress.City = v }, true},
		{"organization_name", 60, "group.employer.organization_name", "N102", func(g G, v string) { g.Employer.OrganizationName = v }, true},
		{"group external_identifier", 50, "group.external_identifier", "REF02", func(g G, v string) { g.ExternalIdentifier = v }, true},
		// Renaming a member changes its path; the error's parameter starts
		// with the new id.
		{"subscriber external_identifier", 50, "group.subscribers[", "REF02", func(g G, v string) {
			g.Subscribers[0].ExternalIdentifier = v
			for i := range g.Subscribers[0].Dependents {
				g.Subscribers[0].Dependents[i].ExternalIdentifier = "D" + string(rune('0'+i))
			}
		}, true},
		{"dependent external_identifier", 50, sub + ".dependents[", "REF02", func(g G, v string) { g.Subscribers[0].Dependents[0].ExternalIdentifier = v }, true},
	}
	for _, tc := range tests {
		for _, n := range []int{tc.max, tc.max + 1} {
			// Multi-byte letters: the limit counts characters, not bytes.
			value := strings.Repeat("é", n-1) + "Z"
			name := tc.name + map[bool]string{true: " at the limit", false: " one over"}[n == tc.max]
			t.Run(name, func(t *testing.T) {
				g := validGroup()
				tc.set(g, value)
				errs := Group(g, testCarrier(t), now)
				var found []model.Error
				for _, e := range errs {
					if strings.Contains(e.Message, "X12 files allow") {
						found = append(found, e)
					}
				}
				if n == tc.max {
					if len(found) != 0 {
						t.Fatalf("a value at the limit was refused:%s", format(found))
					}
					return
				}
				if len(found) != 1 {
					t.Fatalf("want one length error, got:%s\nall:%s", format(found), format(errs))
				}
				e := found[0]
				if e.ErrorType != model.ErrParameterInvalid || !strings.HasPrefix(e.Parameter, tc.param) ||
					!strings.Contains(e.Message, " is "+strconv.Itoa(n)+" characters; carrier bluecross's X12 files allow at most "+strconv.Itoa(tc.max)+" ("+tc.element+")") {
					t.Errorf("error %s %s: %s ", e.ErrorType, e.Parameter, e.Message)
				}
				if strings.Contains(e.Message, value[:10]) {
					t.Errorf("the message echoes the value: %s", e.Message)
				}
				switch {
				case !tc.echoed && e.Value != "":
					t.Errorf("a name is echoed: Value = %q", e.Value)
				case tc.echoed && e.Value != clipText(value):
					t.Errorf("Value = %q, want %q", e.Value, clipText(value))
				}
				// Nonetheless accepted by a carrier that takes no X12 files.
				g = validGroup()
				tc.set(g, value)
				for _, e := range Group(g, nonX12Carrier(t), now) {
					if strings.Contains(e.Message, "X12 files allow") {
						t.Errorf("a non-X12 carrier applied an X12 limit: %s", e.Message)
					}
				}
			})
		}
	}
}

// TestX12LimitsSkip: a location's external_identifier is not written to
// the 834 and has no limit; without a carrier no limit applies.
func TestX12LimitsSkip(t *testing.T) {
	g := validGroup()
	g.PrimaryLocation.ExternalIdentifier = strings.Repeat("L", 80)
	g.Subscribers[0].LocationExternalIdentifier = g.PrimaryLocation.ExternalIdentifier
	g.SecondaryLocations[0].ExternalIdentifier = strings.Repeat("S", 80)
	g.Subscribers[1].LocationExternalIdentifier = g.SecondaryLocations[0].ExternalIdentifier
	assertErrors(t, Group(g, testCarrier(t), now), nil)

	g = validGroup()
	g.Subscribers[0].FirstName = strings.Repeat("F", 80)
	if errs := Group(g, nil, now); len(errs) != 0 {
		t.Errorf("no carrier: %s", format(errs))
	}
}
