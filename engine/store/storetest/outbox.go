package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/store"
)

// testOutbox: a push is queued once, due when its next attempt comes,
// retried, and finished with an event on its group.
func testOutbox(t *testing.T, h *harness) {
	ob := h.st
	g := group("acme", "G1", "E1")
	h.save(t, g, "v1")
	t0 := time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)
	push := store.PushRecord{ID: "b1", PartnerID: "acme", GroupID: g.ID, Body: []byte(`{"b":1}`), NextAttempt: t0, CreatedAt: t0}
	h.update(t, func(tx store.Tx) error {
		if err := tx.EnqueuePush(h.ctx, push); err != nil {
			return err
		}
		again := push
		again.Body = []byte("other")
		return tx.EnqueuePush(h.ctx, again) // already queued: left as it is
	})
	due, err := ob.DuePushes(h.ctx, "acme", t0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || string(due[0].Body) != `{"b":1}` || due[0].State != store.PushPending || due[0].Attempts != 0 {
		t.Fatalf("due: %+v", due)
	}
	if d, _ := ob.DuePushes(h.ctx, "acme", t0.Add(-time.Second), 10); len(d) != 0 {
		t.Fatalf("a push due before its time: %+v", d)
	}
	h.update(t, func(tx store.Tx) error {
		return tx.SetPushAttempt(h.ctx, "b1", 1, t0.Add(time.Minute), "503")
	})
	if d, _ := ob.DuePushes(h.ctx, "acme", t0.Add(30*time.Second), 10); len(d) != 0 {
		t.Fatalf("a retried push due before its next attempt: %+v", d)
	}
	h.update(t, func(tx store.Tx) error {
		return tx.FinishPush(h.ctx, "b1", store.PushDelivered, 2, t0.Add(2*time.Minute), "", "bundle pushed")
	})
	all, err := ob.Pushes(h.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].State != store.PushDelivered || all[0].Attempts != 2 || !all[0].DoneAt.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("pushes: %+v", all)
	}
	evs, _ := h.st.Events(h.ctx, g.ID)
	if last := evs[len(evs)-1]; last.Reason != "bundle pushed" || last.From != last.To {
		t.Fatalf("the push's event: %+v", last)
	}
}

// testGroupHistoryAndIDs: a group's own events, latest first cut, oldest
// first; a partner's group identifiers.
func testGroupHistoryAndIDs(t *testing.T, h *harness) {
	g := group("acme", "G1", "E1")
	h.save(t, g, "v1")
	h.save(t, group("acme", "G2"), "v1")
	h.save(t, group("globex", "G3"), "v1")
	h.update(t, func(tx store.Tx) error {
		if err := tx.SetSubscriberStatus(h.ctx, g.ID, "E1", "synced", nil, "", ""); err != nil {
			return err
		}
		if _, err := tx.AdvanceTransmitted(h.ctx, g.ID, 1); err != nil {
			return err
		}
		_, err := tx.RefreshGroupStatus(h.ctx, g.ID, "acknowledged", "999")
		return err
	})
	hist, err := h.st.GroupHistory(h.ctx, g.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].To != "pending" || hist[1].To != "synced" || hist[1].Reason != "acknowledged" {
		t.Fatalf("history: %+v", hist)
	}
	if last, _ := h.st.GroupHistory(h.ctx, g.ID, 1); len(last) != 1 || last[0].To != "synced" {
		t.Fatalf("the latest event: %+v", last)
	}
	ids, err := h.st.GroupExternalIDs(h.ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"G1", "G2"}) {
		t.Fatalf("acme's groups: %q", ids)
	}
}

// testDeletions: retention deletions are recorded in a transaction, kept
// (a rolled-back one is not), and listed oldest first per partner.
func testDeletions(t *testing.T, h *harness) {
	mod := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	at := time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)
	h.update(t, func(tx store.Tx) error {
		if err := tx.RecordDeletion(h.ctx, store.Deletion{PartnerID: "acme", Name: "archive/a.csv", ModTime: mod, Size: 10, At: at, Reason: "old"}); err != nil {
			return err
		}
		if err := tx.RecordDeletion(h.ctx, store.Deletion{PartnerID: "beta", Name: "failed/b.csv", ModTime: mod, Size: 20, Reason: "old"}); err != nil {
			return err
		}
		return tx.RecordDeletion(h.ctx, store.Deletion{PartnerID: "acme", Name: "failed/c.csv", ModTime: mod, Size: 30, At: at.Add(time.Hour), Reason: "older"})
	})
	errBoom := errors.New("boom")
	err := h.st.Update(h.ctx, func(tx store.Tx) error {
		if err := tx.RecordDeletion(h.ctx, store.Deletion{PartnerID: "acme", Name: "archive/rolled-back.csv", ModTime: mod, Reason: "x"}); err != nil {
			return err
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("update: %v, want boom", err)
	}
	acme, err := h.st.Deletions(h.ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(acme); got != 2 || acme[0].Name != "archive/a.csv" || acme[1].Name != "failed/c.csv" {
		t.Fatalf("acme deletions: %+v", acme)
	}
	d := acme[0]
	if !d.ModTime.Equal(mod) || !d.At.Equal(at) || d.Size != 10 || d.Reason != "old" || d.PartnerID != "acme" {
		t.Fatalf("deletion read back as %+v", d)
	}
	all, err := h.st.Deletions(h.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("all deletions: %d, want 3", len(all))
	}
	for _, d := range all {
		if d.PartnerID == "beta" && d.At.IsZero() {
			t.Fatalf("a deletion without a time was not stamped by the store: %+v", d)
		}
	}
}
