package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// TestSetSubscribersStatusIsSetSubscriberStatusInOrder: the bulk update
// leaves the same statuses, errors, times and events as one
// SetSubscriberStatus per identifier in the order listed (unknown
// identifiers skipped, a repeated one changing nothing more).
func TestSetSubscribersStatusIsSetSubscriberStatusInOrder(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
	list := []string{"E3", "E1", "E2", "E9", "E3"}
	setup := func(name string) *Store {
		s, err := Open(ctx, filepath.Join(t.TempDir(), name+".db"), WithClock(func() time.Time { return at }))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		g := &model.Group{ID: "g1", ExternalIdentifier: "G1", PartnerID: "acme", CarrierID: "bc"}
		for _, e := range []string{"E1", "E2", "E3", "E4"} {
			g.Subscribers = append(g.Subscribers, model.Subscriber{ID: "id-" + e, ExternalIdentifier: e})
		}
		err = s.Update(ctx, func(tx store.Tx) error {
			if _, err := tx.SaveGroup(ctx, g, store.Save{ContentHash: "h", Reason: "created"}); err != nil {
				return err
			}
			errs := []model.Error{{ErrorType: model.ErrCarrierError, Message: "Rejected."}}
			if err := tx.SetSubscriberStatus(ctx, "g1", "E1", model.StatusErrors, errs, "rejected", "ack"); err != nil {
				return err
			}
			if err := tx.SetSubscriberStatus(ctx, "g1", "E2", model.StatusSubmitted, nil, "sent", "t"); err != nil {
				return err
			}
			// Submitted already, but with errors to clear.
			return tx.SetSubscriberStatus(ctx, "g1", "E4", model.StatusSubmitted, errs, "sent", "t")
		})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	one, bulk := setup("one"), setup("bulk")
	at = at.Add(3 * time.Hour)
	err := one.Update(ctx, func(tx store.Tx) error {
		for _, e := range append(list, "E4") {
			err := tx.SetSubscriberStatus(ctx, "g1", e, model.StatusSubmitted, nil, "sent again", "t2")
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := bulk.Update(ctx, func(tx store.Tx) error {
		return tx.SetSubscribersStatus(ctx, "g1", append(list, "E4"), model.StatusSubmitted, "sent again", "t2")
	}); err != nil {
		t.Fatal(err)
	}
	state := func(s *Store) ([]store.SubscriberRecord, []store.Event) {
		subs, err := s.Subscribers(ctx, "g1")
		if err != nil {
			t.Fatal(err)
		}
		evs, err := s.Events(ctx, "g1")
		if err != nil {
			t.Fatal(err)
		}
		for i := range evs {
			evs[i].ID = 0
		}
		return subs, evs
	}
	wantSubs, wantEvents := state(one)
	gotSubs, gotEvents := state(bulk)
	if !reflect.DeepEqual(gotSubs, wantSubs) {
		t.Errorf("subscribers:\n got %+v\nwant %+v", gotSubs, wantSubs)
	}
	if !reflect.DeepEqual(gotEvents, wantEvents) {
		t.Errorf("events:\n got %+v\nwant %+v", gotEvents, wantEvents)
	}
	if n := len(wantEvents); n < 2 || wantEvents[n-1].Subscriber != "E1" || wantEvents[n-2].Subscriber != "E3" || wantEvents[n-1].Reason != "sent again" {
		t.Errorf("the reference run recorded unexpected events: %+v", wantEvents)
	}
}

// TestTransmissionRecordedGroupByGroup: a transmission created without
// groups takes them one by one and its member count afterwards; each
// group's members read back alone.
func TestTransmissionRecordedGroupByGroup(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	for _, id := range []string{"g1", "g2"} {
		g := &model.Group{ID: id, ExternalIdentifier: id, PartnerID: "acme", CarrierID: "bc"}
		if err := s.Update(ctx, func(tx store.Tx) error { _, err := tx.SaveGroup(ctx, g, store.Save{ContentHash: "h"}); return err }); err != nil {
			t.Fatal(err)
		}
	}
	err := s.Update(ctx, func(txi store.Tx) error {
		tx := txi
		if err := tx.CreateTransmission(ctx, store.TransmissionRecord{ID: "t1", CarrierID: "bc", FileName: "f.834", Format: "x12-834", Mode: "change"}, nil); err != nil {
			return err
		}
		for i, id := range []string{"g2", "g1"} {
			if err := tx.AddTransmissionGroups(ctx, "t1", store.TransmissionGroup{GroupID: id, Version: 1, ST02: int64(i + 1), Members: []byte(`["` + id + `"]`)}); err != nil {
				return err
			}
		}
		if err := tx.SetTransmissionMembers(ctx, "t1", 7); err != nil {
			return err
		}
		m, err := tx.TransmissionGroupMembers(ctx, "t1", "g1")
		if err != nil || string(m) != `["g1"]` {
			t.Errorf("members of g1: %s %v", m, err)
		}
		if _, err := tx.TransmissionGroupMembers(ctx, "t1", "g3"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("members of a group not carried: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := s.Transmission(ctx, "t1")
	if err != nil || tr.Members != 7 {
		t.Fatalf("transmission: %+v %v", tr, err)
	}
	groups, err := s.TransmissionGroups(ctx, "t1")
	if err != nil || len(groups) != 2 || groups[0].GroupID != "g2" || string(groups[1].Members) != `["g1"]` {
		t.Fatalf("groups: %+v %v", groups, err)
	}
}
