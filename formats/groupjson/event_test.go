package groupjson

import (
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

// Ideon's qualifying_life_events on a subscriber arrive as the partner's
// events of the family.
func TestReadsQualifyingLifeEvents(t *testing.T) {
	const doc = `{"group": {"external_identifier": "GCM-001", "subscribers": [{"external_identifier": "E1003",
  "first_name": "Hannah", "last_name": "Nguyen",
  "qualifying_life_events": [{"type": "birth", "event_date": "2027-03-01", "effective_date": "2027-03-01",
    "members": ["E1003", "E1003-C1"], "product_lines": ["medical"]}]}]}}`
	sg, err := NewReader(strings.NewReader(doc), "group.json").Next()
	if err != nil {
		t.Fatal(err)
	}
	if len(sg.Errors) > 0 {
		t.Fatalf("errors: %v", sg.Errors)
	}
	evs := sg.Group.Subscribers[0].QualifyingLifeEvents
	if len(evs) != 1 || evs[0].Type != model.EventBirth || evs[0].EventDate != "2027-03-01" || len(evs[0].Members) != 2 {
		t.Fatalf("events: %+v", evs)
	}
}
