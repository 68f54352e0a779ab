package fixedwidth

import (
	"testing"

	"github.com/onboard/onboard/engine/model"
)

// A layout places the event behind a change, its reason code and the date
// it takes effect, as an 834 does in INS04 and DTP*303.
func TestLayoutPlacesTheEvent(t *testing.T) {
	l, err := CompileLayout([]byte(`
kind: csv
records:
  member:
    - {name: id, header: Member, source: member.external_identifier}
    - {name: event, header: Event, source: change.event}
    - {name: reason, header: Reason, source: change.reason}
    - {name: effective, header: Effective, source: change.effective_date, format: MM/DD/YYYY}
`), "events.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := &model.Subscriber{ExternalIdentifier: "E1003", LastName: "Nguyen"}
	d := &model.Dependent{ExternalIdentifier: "E1003-C1", LastName: "Nguyen", SubscriberRelationship: "child"}
	got := string(writeAll(t, l, []model.GroupChanges{{Group: &model.Group{ExternalIdentifier: "GCM-001"}, Members: []model.MemberChange{
		{Maintenance: model.MaintChange, Subscriber: s, Event: model.EventBirth, EffectiveDate: "2027-03-01"},
		{Maintenance: model.MaintAdd, Subscriber: s, Dependent: d, Event: model.EventBirth, EffectiveDate: "2027-03-01"},
		{Maintenance: model.MaintChange, Subscriber: s, EffectiveDate: "2027-03-10"},
	}}}))
	want := "Member,Event,Reason,Effective\nE1003,birth,02,03/01/2027\nE1003-C1,birth,02,03/01/2027\nE1003,,AI,03/10/2027\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
