package storetest

import (
	"slices"
	"testing"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// testSubscriberStatusEvents: every subscriber status change is an event;
// a change of errors alone is not, and nothing that stays is.
func testSubscriberStatusEvents(t *testing.T, h *harness) {
	g := group("acme", "G1", "E1")
	h.save(t, g, "v1")
	errs := []model.Error{{ErrorType: model.ErrCarrierRule, Message: "m"}}
	h.update(t, func(tx store.Tx) error {
		steps := []struct {
			to   model.Status
			errs []model.Error
		}{{model.StatusSubmitted, nil}, {model.StatusSubmitted, nil}, {model.StatusErrors, errs}, {model.StatusErrors, nil}, {model.StatusSynced, nil}}
		for _, s := range steps {
			if err := tx.SetSubscriberStatus(h.ctx, g.ID, "E1", s.to, s.errs, "because", "src"); err != nil {
				return err
			}
		}
		return nil
	})
	want := []string{":>pending", "E1:>pending", "E1:pending>submitted", "E1:submitted>errors", "E1:errors>synced"}
	if got := h.events(t, g.ID); !slices.Equal(got, want) {
		t.Fatalf("events %q, want %q", got, want)
	}
	evs, _ := h.st.Events(h.ctx, g.ID)
	last := evs[len(evs)-1]
	if last.Reason != "because" || last.Source != "src" || last.SubscriberID != g.ID+"-s-E1" || last.ID <= evs[len(evs)-2].ID {
		t.Fatalf("last event: %+v", last)
	}
	subs, _ := h.st.Subscribers(h.ctx, g.ID)
	if len(subs[0].Errors) != 0 {
		t.Fatalf("errors not cleared: %+v", subs[0].Errors)
	}
}

// testGroupStatusRule: the store gathers the facts of DESIGN.md §4 and
// records an event for each change of the group's status, none otherwise.
func testGroupStatusRule(t *testing.T, h *harness) {
	g := group("acme", "G1", "E1", "E2")
	h.save(t, g, "v1")
	refresh := func(want model.Status) {
		t.Helper()
		var got model.Status
		h.update(t, func(tx store.Tx) error {
			var err error
			got, err = tx.RefreshGroupStatus(h.ctx, g.ID, "refresh", "test")
			return err
		})
		if got != want || h.groupStatus(t, g.ID) != want {
			t.Fatalf("status %s (stored %s), want %s", got, h.groupStatus(t, g.ID), want)
		}
	}
	refresh(model.StatusPending) // unsent
	h.update(t, func(tx store.Tx) error {
		if err := tx.CreateTransmission(h.ctx, store.TransmissionRecord{ID: "t1", CarrierID: "bluecross", FileName: "t1.x12", Format: "x12", Mode: "change", ISA13: 1},
			[]store.TransmissionGroup{{GroupID: g.ID, Version: 1}}); err != nil {
			return err
		}
		if err := tx.MarkDelivered(h.ctx, "t1", h.clock.Now()); err != nil {
			return err
		}
		return tx.SetSubscribersStatus(h.ctx, g.ID, []string{"E1", "E2"}, model.StatusSubmitted, "sent", "t1")
	})
	refresh(model.StatusSubmitted)
	h.update(t, func(tx store.Tx) error {
		if err := tx.SetTransmissionAck(h.ctx, "t1", store.AckAccepted, "A", h.clock.Now()); err != nil {
			return err
		}
		return tx.SetSubscribersStatus(h.ctx, g.ID, []string{"E1", "E2"}, model.StatusSynced, "accepted", "999")
	})
	refresh(model.StatusSubmitted) // the transmission still waits for its final answer
	h.update(t, func(tx store.Tx) error { return tx.SetTransmissionAck(h.ctx, "t1", store.AckFinal, "A", h.clock.Now()) })
	refresh(model.StatusSynced)
	refresh(model.StatusSynced) // no change, no event
	h.update(t, func(tx store.Tx) error {
		return tx.SetGroupErrors(h.ctx, g.ID, []model.Error{{ErrorType: model.ErrCarrierRule, Message: "group rejected"}})
	})
	refresh(model.StatusErrors)
	if rec, _ := h.st.Group(h.ctx, g.ID); len(rec.Errors) != 1 || rec.Errors[0].Message != "group rejected" {
		t.Fatalf("group errors: %+v", rec.Errors)
	}
	h.update(t, func(tx store.Tx) error { return tx.SetGroupErrors(h.ctx, g.ID, nil) })
	refresh(model.StatusSynced)
	h.update(t, func(tx store.Tx) error {
		return tx.SetSubscriberStatus(h.ctx, g.ID, "E2", model.StatusErrors, []model.Error{{Message: "bad"}}, "rejected", "result")
	})
	refresh(model.StatusErrors)
	var own []string
	for _, e := range h.events(t, g.ID) {
		if e[0] == ':' {
			own = append(own, e)
		}
	}
	want := []string{":>pending", ":pending>submitted", ":submitted>synced", ":synced>errors", ":errors>synced", ":synced>errors"}
	if !slices.Equal(own, want) {
		t.Fatalf("group events %q, want %q", own, want)
	}
	// A rejected transmission waits for nothing more.
	g2 := group("acme", "G2", "E1")
	h.save(t, g2, "v1")
	h.update(t, func(tx store.Tx) error {
		if err := tx.CreateTransmission(h.ctx, store.TransmissionRecord{ID: "t2", CarrierID: "bluecross", FileName: "t2.x12", ISA13: 2},
			[]store.TransmissionGroup{{GroupID: g2.ID, Version: 1}}); err != nil {
			return err
		}
		if err := tx.MarkDelivered(h.ctx, "t2", h.clock.Now()); err != nil {
			return err
		}
		if err := tx.SetTransmissionAck(h.ctx, "t2", store.AckRejected, "R", h.clock.Now()); err != nil {
			return err
		}
		if err := tx.SetSubscriberStatus(h.ctx, g2.ID, "E1", model.StatusSynced, nil, "", ""); err != nil {
			return err
		}
		s, err := tx.RefreshGroupStatus(h.ctx, g2.ID, "", "")
		if err == nil && s != model.StatusSynced {
			t.Errorf("a group whose only transmission was rejected, its member synced: %s", s)
		}
		return err
	})
}

// testSetSubscribersStatus: the bulk move is SetSubscriberStatus for each
// listed subscriber in the order listed; unknown identifiers are skipped.
func testSetSubscribersStatus(t *testing.T, h *harness) {
	g := group("acme", "G1", "E1", "E2", "E3", "E4")
	h.save(t, g, "v1")
	h.update(t, func(tx store.Tx) error {
		if err := tx.SetSubscriberStatus(h.ctx, g.ID, "E2", model.StatusSubmitted, []model.Error{{Message: "old"}}, "", ""); err != nil {
			return err
		}
		if err := tx.SetSubscriberStatus(h.ctx, g.ID, "E4", model.StatusSubmitted, nil, "", ""); err != nil {
			return err
		}
		return tx.SetSubscribersStatus(h.ctx, g.ID, []string{"E3", "NOPE", "E1", "E2", "E4"}, model.StatusSubmitted, "sent", "t1")
	})
	var got []string
	evs, _ := h.st.Events(h.ctx, g.ID)
	for _, e := range evs {
		if e.Reason == "sent" {
			got = append(got, e.Subscriber+":"+string(e.From)+">"+string(e.To))
		}
	}
	want := []string{"E3:pending>submitted", "E1:pending>submitted"}
	if !slices.Equal(got, want) {
		t.Fatalf("events %q, want %q", got, want)
	}
	subs, _ := h.st.Subscribers(h.ctx, g.ID)
	for _, s := range subs {
		if s.Status != model.StatusSubmitted || len(s.Errors) != 0 {
			t.Fatalf("subscriber %s: %s %+v", s.ExternalIdentifier, s.Status, s.Errors)
		}
	}
	h.update(t, func(tx store.Tx) error { return tx.SetSubscribersStatus(h.ctx, g.ID, nil, model.StatusSynced, "", "") })
}

// testPendingSubscribers: each pending subscriber with the status it held
// before it last became pending.
func testPendingSubscribers(t *testing.T, h *harness) {
	g := group("acme", "G1", "E1", "E2", "E3")
	h.save(t, g, "v1")
	h.update(t, func(tx store.Tx) error {
		if err := tx.SetSubscriberStatus(h.ctx, g.ID, "E1", model.StatusSynced, nil, "", ""); err != nil {
			return err
		}
		if err := tx.SetSubscriberStatus(h.ctx, g.ID, "E2", model.StatusErrors, []model.Error{{Message: "x"}}, "", ""); err != nil {
			return err
		}
		return tx.SetSubscriberStatus(h.ctx, g.ID, "E3", model.StatusSynced, nil, "", "")
	})
	hs := hashes(g, "v2")
	hs["E3"] = "E3v1"
	h.update(t, func(tx store.Tx) error {
		_, err := tx.SaveGroup(h.ctx, g, store.Save{FileID: "f2", ContentHash: "h2", SubscriberHashes: hs, Reason: "changed"})
		return err
	})
	var got map[string]model.Status
	h.update(t, func(tx store.Tx) error {
		var err error
		got, err = tx.PendingSubscribers(h.ctx, g.ID)
		return err
	})
	if len(got) != 2 || got["E1"] != model.StatusSynced || got["E2"] != model.StatusErrors {
		t.Fatalf("pending subscribers: %v", got)
	}
	g2 := group("acme", "G2", "E1")
	h.save(t, g2, "v1")
	h.update(t, func(tx store.Tx) error {
		var err error
		got, err = tx.PendingSubscribers(h.ctx, g2.ID)
		return err
	})
	if v, ok := got["E1"]; len(got) != 1 || !ok || v != "" {
		t.Fatalf("a subscriber pending since it was created: %v", got)
	}
}
