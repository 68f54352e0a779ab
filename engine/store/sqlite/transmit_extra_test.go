package sqlite

import (
	"context"
	"testing"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

func TestTransmitTx(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	g := &model.Group{ID: "g1", ExternalIdentifier: "G1", PartnerID: "acme", CarrierID: "bc",
		Subscribers: []model.Subscriber{{ID: "s1", ExternalIdentifier: "E1"}, {ID: "s2", ExternalIdentifier: "E2"}}}
	save := func(hashes map[string]string) {
		t.Helper()
		if err := s.Update(ctx, func(tx store.Tx) error {
			_, err := tx.SaveGroup(ctx, g, store.Save{ContentHash: hashes["E1"] + hashes["E2"], SubscriberHashes: hashes, Reason: "test"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	save(map[string]string{"E1": "a", "E2": "a"})
	err := s.Update(ctx, func(txi store.Tx) error {
		tx := txi
		if got, err := tx.PendingSubscribers(ctx, "g1"); err != nil || len(got) != 2 || got["E1"] != "" || got["E2"] != "" {
			t.Errorf("new subscribers, pending since created: %v %v", got, err)
		}
		if err := tx.SetSubscriberStatus(ctx, "g1", "E1", model.StatusSynced, nil, "acked", ""); err != nil {
			return err
		}
		if moved, err := tx.AdvanceTransmitted(ctx, "g1", 2); err != nil || moved {
			t.Errorf("advance past the current version: %v %v", moved, err)
		}
		if moved, err := tx.AdvanceTransmitted(ctx, "g1", 1); err != nil || !moved {
			t.Errorf("advance to the current version: %v %v", moved, err)
		}
		if moved, err := tx.AdvanceTransmitted(ctx, "g1", 1); err != nil || moved {
			t.Errorf("advance again: %v %v", moved, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := s.Group(ctx, "g1")
	if err != nil || rec.TransmittedVersion != 1 {
		t.Fatalf("transmitted version: %+v %v", rec, err)
	}
	save(map[string]string{"E1": "b", "E2": "a"}) // E1 changed: synced → pending
	err = s.Update(ctx, func(txi store.Tx) error {
		got, err := txi.PendingSubscribers(ctx, "g1")
		if err != nil || len(got) != 2 || got["E1"] != model.StatusSynced || got["E2"] != "" {
			t.Errorf("E1 pending again after synced, E2 pending since created: %v %v", got, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
