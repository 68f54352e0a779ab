package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/store"
)

// testAPIFiles: a file recorded for an API request is no partner drop:
// a dropped file with the same content is claimed anew.
func testAPIFiles(t *testing.T, h *harness) {
	at := time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)
	h.update(t, func(tx store.Tx) error {
		if err := tx.RecordFile(h.ctx, &store.FileRecord{ID: "api-1", PartnerID: "acme", Name: "POST /groups", SHA256: "sha", Size: 9,
			State: store.FileStored, ReceivedAt: at, Source: store.SourceAPI}); err != nil {
			return err
		}
		return tx.MarkFileDone(h.ctx, "api-1")
	})
	f, err := h.st.File(h.ctx, "api-1")
	if err != nil {
		t.Fatal(err)
	}
	if f.State != store.FileDone || f.Source != store.SourceAPI || !f.ReceivedAt.Equal(at) || f.Name != "POST /groups" {
		t.Fatalf("API file: %+v", f)
	}
	if rec := h.claim(t, "acme", "drop.json", "sha", store.ClaimNew); rec.ID == "api-1" {
		t.Fatal("a dropped file was claimed as an API request")
	}
}

// testSubscriberByID: Subscriber finds a subscriber of a current version
// by onboard's id.
func testSubscriberByID(t *testing.T, h *harness) {
	g := group("acme", "G1", "E1", "E2")
	h.save(t, g, "v1")
	s, err := h.st.Subscriber(h.ctx, g.ID+"-s-E2")
	if err != nil {
		t.Fatal(err)
	}
	if s.ExternalIdentifier != "E2" || s.GroupID != g.ID || s.Status != "pending" || s.FirstName != "FE2" {
		t.Fatalf("subscriber: %+v", s)
	}
	if _, err := h.st.Subscriber(h.ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an unknown subscriber: %v", err)
	}
}

// testIdempotentAnswers: an answer is kept per caller and key, replaced by
// a later one, and forgotten after IdempotencyWindow.
func testIdempotentAnswers(t *testing.T, h *harness) {
	t0 := time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)
	save := func(a store.IdempotentAnswer) {
		t.Helper()
		h.update(t, func(tx store.Tx) error { return tx.SaveIdempotentAnswer(h.ctx, a) })
	}
	save(store.IdempotentAnswer{Caller: "acme", Key: "k1", RequestHash: "r1", Status: 201, Body: []byte(`{"id":"1"}`), CreatedAt: t0})
	save(store.IdempotentAnswer{Caller: "globex", Key: "k1", RequestHash: "r9", Status: 200, Body: []byte(`{}`), CreatedAt: t0})
	a, err := h.st.IdempotentAnswer(h.ctx, "acme", "k1")
	if err != nil {
		t.Fatal(err)
	}
	if a.RequestHash != "r1" || a.Status != 201 || string(a.Body) != `{"id":"1"}` || !a.CreatedAt.Equal(t0) {
		t.Fatalf("answer: %+v", a)
	}
	save(store.IdempotentAnswer{Caller: "acme", Key: "k1", RequestHash: "r2", Status: 409, Body: []byte("x"), CreatedAt: t0.Add(time.Hour)})
	if a, _ := h.st.IdempotentAnswer(h.ctx, "acme", "k1"); a == nil || a.RequestHash != "r2" || a.Status != 409 {
		t.Fatalf("replaced answer: %+v", a)
	}
	// A day later, saving another answer forgets the old ones.
	save(store.IdempotentAnswer{Caller: "acme", Key: "k2", RequestHash: "r3", Status: 201, Body: []byte("y"), CreatedAt: t0.Add(store.IdempotencyWindow + 2*time.Hour)})
	if _, err := h.st.IdempotentAnswer(h.ctx, "globex", "k1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an answer older than the window: %v", err)
	}
	if _, err := h.st.IdempotentAnswer(h.ctx, "acme", "k2"); err != nil {
		t.Fatal(err)
	}
}

// testRejectedIntakes: the latest rejection of each group still not
// stored, newest first.
func testRejectedIntakes(t *testing.T, h *harness) {
	t0 := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	g := group("acme", "G1", "E1")
	h.update(t, func(tx store.Tx) error {
		for _, ri := range []store.RejectedIntake{
			{PartnerID: "acme", FileID: "f1", File: "a.csv", GroupExternalID: "G1", ErrorCount: 2, At: t0},
			{PartnerID: "acme", FileID: "f1", File: "a.csv", GroupExternalID: "OTHER", ErrorCount: 1, At: t0},
			{PartnerID: "acme", FileID: "f2", File: "b.csv", GroupExternalID: "OTHER", ErrorCount: 3, At: t0.Add(time.Hour)},
			{PartnerID: "beta", FileID: "f3", File: "broken.json", ErrorCount: 1, At: t0.Add(2 * time.Hour)},
		} {
			if err := tx.RecordRejectedIntake(h.ctx, ri); err != nil {
				return err
			}
		}
		return nil
	})
	key := func(ri store.RejectedIntake) string {
		return ri.PartnerID + "/" + ri.GroupExternalID + "/" + ri.File + "/" + string(rune('0'+ri.ErrorCount))
	}
	got, err := h.st.RejectedIntakes(h.ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"beta//broken.json/1", "acme/OTHER/b.csv/3", "acme/G1/a.csv/2"}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %q", got, want)
	}
	for i := range got {
		if k := key(got[i]); k != want[i] {
			t.Fatalf("%d: %s, want %s", i, k, want[i])
		}
	}
	if two, _ := h.st.RejectedIntakes(h.ctx, "", 2); len(two) != 2 {
		t.Fatalf("limit 2: %d", len(two))
	}
	if beta, _ := h.st.RejectedIntakes(h.ctx, "beta", 0); len(beta) != 1 {
		t.Fatalf("partner beta: %+v", beta)
	}
	h.save(t, g, "v1")
	if after, _ := h.st.RejectedIntakes(h.ctx, "acme", 0); len(after) != 1 || after[0].GroupExternalID != "OTHER" {
		t.Fatalf("after G1 was stored: %+v", after)
	}
}
