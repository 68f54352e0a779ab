package storetest

import (
	"errors"
	"testing"

	"github.com/onboard/onboard/engine/store"
)

// claim claims a file and checks the claim it gets.
func (h *harness) claim(t *testing.T, partner, name, sha string, want store.Claim) *store.FileRecord {
	t.Helper()
	rec, c, err := h.st.ClaimFile(h.ctx, partner, name, sha, 42)
	if err != nil {
		t.Fatal(err)
	}
	if c != want {
		t.Fatalf("claiming %s (%s): claim %d, want %d", name, sha, c, want)
	}
	return rec
}

// fileState returns a file's stored state.
func (h *harness) fileState(t *testing.T, id string) string {
	t.Helper()
	f, err := h.st.File(h.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return f.State
}

// testClaimStateMachine walks a file through every claim: new, retried
// (interrupted before its outcome), finished (outcome committed), done
// (a duplicate), and released.
func testClaimStateMachine(t *testing.T, h *harness) {
	rec := h.claim(t, "acme", "a.csv", "sha1", store.ClaimNew)
	if rec.ID == "" || rec.State != store.FileProcessing || rec.PartnerID != "acme" || rec.Name != "a.csv" || rec.Size != 42 || rec.ReceivedAt.IsZero() {
		t.Fatalf("new claim: %+v", rec)
	}
	// The same content under another name is the same file, interrupted.
	again := h.claim(t, "acme", "a-renamed.csv", "sha1", store.ClaimRetry)
	if again.ID != rec.ID || again.Name != "a-renamed.csv" {
		t.Fatalf("retry: %+v, want id %s named a-renamed.csv", again, rec.ID)
	}
	if f, _ := h.st.File(h.ctx, rec.ID); f == nil || f.Name != "a-renamed.csv" {
		t.Fatalf("the retry's name is not stored: %+v", f)
	}
	// Another partner's identical file is its own.
	other := h.claim(t, "globex", "a.csv", "sha1", store.ClaimNew)
	if other.ID == rec.ID {
		t.Fatal("two partners' files share a record")
	}
	// FileDone only moves a stored file; ReleaseFile only forgets a processing one.
	if err := h.st.FileDone(h.ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	if s := h.fileState(t, rec.ID); s != store.FileProcessing {
		t.Fatalf("FileDone moved a processing file to %s", s)
	}
	h.update(t, func(tx store.Tx) error {
		return tx.SetFileResult(h.ctx, rec.ID, store.FileResult{Outcome: store.OutcomeAccepted, Disposition: "archive", GroupsAccepted: 2, GroupsRejected: 1, ErrorCount: 3, Message: "m"})
	})
	f, err := h.st.File(h.ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if f.State != store.FileStored || f.Outcome != store.OutcomeAccepted || f.Disposition != "archive" || f.GroupsAccepted != 2 ||
		f.GroupsRejected != 1 || f.ErrorCount != 3 || f.Message != "m" || f.ProcessedAt.IsZero() {
		t.Fatalf("after SetFileResult: %+v", f)
	}
	if err := h.st.ReleaseFile(h.ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	if s := h.fileState(t, rec.ID); s != store.FileStored {
		t.Fatalf("ReleaseFile touched a stored file: %s", s)
	}
	h.claim(t, "acme", "a.csv", "sha1", store.ClaimFinish)
	if err := h.st.FileDone(h.ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	if s := h.fileState(t, rec.ID); s != store.FileDone {
		t.Fatalf("after FileDone: %s", s)
	}
	dup := h.claim(t, "acme", "b.csv", "sha1", store.ClaimDuplicate)
	if dup.ID != rec.ID || dup.Name != "a-renamed.csv" {
		t.Fatalf("a duplicate's claim returns %+v, want the original", dup)
	}
	// A released claim is forgotten: the next poll takes the file anew.
	if err := h.st.ReleaseFile(h.ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := h.st.File(h.ctx, other.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a released claim is still there: %v", err)
	}
	if again := h.claim(t, "globex", "a.csv", "sha1", store.ClaimNew); again.ID == other.ID {
		t.Fatal("a released claim's id was reused")
	}
}

// testRecordDuplicate: a duplicate drop is a stored file of its own that
// names the original, recorded once until it is done.
func testRecordDuplicate(t *testing.T, h *harness) {
	orig := h.claim(t, "acme", "a.csv", "sha1", store.ClaimNew)
	d1, err := h.st.RecordDuplicate(h.ctx, "acme", "again.csv", "sha1", 42, orig.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d1.ID == orig.ID || d1.State != store.FileStored || d1.Outcome != store.OutcomeDuplicate || d1.DuplicateOf != orig.ID || d1.Name != "again.csv" {
		t.Fatalf("duplicate: %+v", d1)
	}
	d2, err := h.st.RecordDuplicate(h.ctx, "acme", "again.csv", "sha1", 42, orig.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d2.ID != d1.ID {
		t.Fatal("an interrupted duplicate was recorded twice")
	}
	// The duplicate does not hide the original from claims.
	h.claim(t, "acme", "a.csv", "sha1", store.ClaimRetry)
	if err := h.st.FileDone(h.ctx, d1.ID); err != nil {
		t.Fatal(err)
	}
	d3, err := h.st.RecordDuplicate(h.ctx, "acme", "again.csv", "sha1", 42, orig.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d3.ID == d1.ID {
		t.Fatal("a later drop of the duplicate reuses a done record")
	}
	stored, err := h.st.Files(h.ctx, store.FileFilter{PartnerID: "acme", State: store.FileStored})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 || stored[0].ID != d3.ID {
		t.Fatalf("stored files: %+v", stored)
	}
}

// testReopenFile: only a rejected or held file is replayable; its next claim is a
// retry.
func testReopenFile(t *testing.T, h *harness) {
	rej := h.claim(t, "acme", "bad.csv", "sha-bad", store.ClaimNew)
	ok := h.claim(t, "acme", "good.csv", "sha-good", store.ClaimNew)
	h.update(t, func(tx store.Tx) error {
		if err := tx.SetFileResult(h.ctx, rej.ID, store.FileResult{Outcome: store.OutcomeRejected, Disposition: "failed"}); err != nil {
			return err
		}
		return tx.SetFileResult(h.ctx, ok.ID, store.FileResult{Outcome: store.OutcomeAccepted, Disposition: "archive"})
	})
	if err := h.st.ReopenFile(h.ctx, rej.ID); !errors.Is(err, store.ErrNotReplayable) {
		t.Fatalf("reopening a file not yet done: %v, want ErrNotReplayable", err)
	}
	for _, id := range []string{rej.ID, ok.ID} {
		if err := h.st.FileDone(h.ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.st.ReopenFile(h.ctx, ok.ID); !errors.Is(err, store.ErrNotReplayable) {
		t.Fatalf("reopening an accepted file: %v, want ErrNotReplayable", err)
	}
	if err := h.st.ReopenFile(h.ctx, rej.ID); err != nil {
		t.Fatal(err)
	}
	if again := h.claim(t, "acme", "bad.csv", "sha-bad", store.ClaimRetry); again.ID != rej.ID {
		t.Fatal("a reopened file's claim is not its record")
	}
	if err := h.st.ReopenFile(h.ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("reopening an unknown file: %v", err)
	}
	// A file the termination guard held is reopened by onboard approve.
	held := h.claim(t, "acme", "held.csv", "sha-held", store.ClaimNew)
	h.update(t, func(tx store.Tx) error {
		return tx.SetFileResult(h.ctx, held.ID, store.FileResult{Outcome: store.OutcomeHeld, Disposition: "held"})
	})
	if err := h.st.FileDone(h.ctx, held.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.st.ReopenFile(h.ctx, held.ID); err != nil {
		t.Fatalf("reopening a held file: %v", err)
	}
	if again := h.claim(t, "acme", "held.csv", "sha-held", store.ClaimRetry); again.ID != held.ID {
		t.Fatal("a reopened held file's claim is not its record")
	}
}

// testFiles: Files filters by partner and state, newest first, limited.
func testFiles(t *testing.T, h *harness) {
	var ids []string
	for i, p := range []string{"acme", "acme", "globex", "acme"} {
		ids = append(ids, h.claim(t, p, "f.csv", string(rune('a'+i)), store.ClaimNew).ID)
	}
	h.update(t, func(tx store.Tx) error {
		return tx.SetFileResult(h.ctx, ids[1], store.FileResult{Outcome: store.OutcomeAccepted})
	})
	got, err := h.st.Files(h.ctx, store.FileFilter{PartnerID: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].ID != ids[3] || got[1].ID != ids[1] || got[2].ID != ids[0] {
		t.Fatalf("acme's files newest first: %+v", got)
	}
	got, err = h.st.Files(h.ctx, store.FileFilter{PartnerID: "acme", Limit: 1})
	if err != nil || len(got) != 1 || got[0].ID != ids[3] {
		t.Fatalf("limit 1: %+v %v", got, err)
	}
	got, err = h.st.Files(h.ctx, store.FileFilter{State: store.FileStored})
	if err != nil || len(got) != 1 || got[0].ID != ids[1] {
		t.Fatalf("stored files: %+v %v", got, err)
	}
	got, err = h.st.Files(h.ctx, store.FileFilter{})
	if err != nil || len(got) != 4 {
		t.Fatalf("every file: %d %v", len(got), err)
	}
}
