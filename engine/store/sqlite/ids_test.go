package sqlite

import (
	"context"
	"reflect"
	"testing"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// TestGroupIDsFollowTheCurrentVersion: the ids listed from the projection
// are those of the current version, in its canonical order, and follow a
// new version that drops a subscriber, a dependent and a location.
func TestGroupIDsFollowTheCurrentVersion(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	g := sampleGroup()
	g.SecondaryLocations = []model.Location{{ID: "l3", ExternalIdentifier: "LOC-3"}, {ID: "l2", ExternalIdentifier: "LOC-2"}}
	g.Subscribers[0].Dependents = append(g.Subscribers[0].Dependents, model.Dependent{ID: "d0", ExternalIdentifier: "E1-C1"})
	save := func() {
		t.Helper()
		if err := s.Update(ctx, func(tx store.Tx) error {
			_, err := tx.SaveGroup(ctx, g, store.Save{ContentHash: "h", Reason: "test"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	save()
	want := &store.GroupIDs{
		Locations: []store.IDRef{{ExternalIdentifier: "LOC-1", ID: "l1"}, {ExternalIdentifier: "LOC-2", ID: "l2"}, {ExternalIdentifier: "LOC-3", ID: "l3"}},
		Subscribers: []store.SubscriberIDs{
			{ExternalIdentifier: "E1", ID: "s1", Status: model.StatusPending, Dependents: []store.IDRef{{ExternalIdentifier: "E1-C1", ID: "d0"}, {ExternalIdentifier: "E1-S", ID: "d1"}}},
			{ExternalIdentifier: "E2", ID: "s2", Status: model.StatusPending},
		},
	}
	got, err := s.GroupIDs(ctx, "g1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("GroupIDs = %+v\nwant %+v", got, want)
	}
	statuses, err := s.SubscriberStatuses(ctx, "g1")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]model.Status{"E1": model.StatusPending, "E2": model.StatusPending}; !reflect.DeepEqual(statuses, want) {
		t.Fatalf("SubscriberStatuses = %v, want %v", statuses, want)
	}
	if err := s.Update(ctx, func(tx store.Tx) error {
		return tx.SetSubscriberStatus(ctx, "g1", "E2", model.StatusSynced, nil, "test", "")
	}); err != nil {
		t.Fatal(err)
	}
	counts, err := s.SubscriberStatusCounts(ctx, "g1")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[model.Status]int{model.StatusPending: 1, model.StatusSynced: 1}; !reflect.DeepEqual(counts, want) {
		t.Fatalf("SubscriberStatusCounts = %v, want %v", counts, want)
	}

	g.SecondaryLocations = g.SecondaryLocations[:1]
	g.Subscribers = g.Subscribers[:1]
	g.Subscribers[0].Dependents = g.Subscribers[0].Dependents[1:]
	save()
	want = &store.GroupIDs{
		Locations:   []store.IDRef{{ExternalIdentifier: "LOC-1", ID: "l1"}, {ExternalIdentifier: "LOC-3", ID: "l3"}},
		Subscribers: []store.SubscriberIDs{{ExternalIdentifier: "E1", ID: "s1", Status: model.StatusPending, Dependents: []store.IDRef{{ExternalIdentifier: "E1-C1", ID: "d0"}}}},
	}
	if err := s.Update(ctx, func(tx store.Tx) error {
		got, err = tx.GroupIDs(ctx, "g1")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after a new version: GroupIDs = %+v\nwant %+v", got, want)
	}
}
