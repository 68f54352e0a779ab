package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

func openTest(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "db", "onboard.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestDatabaseIsPrivate(t *testing.T) {
	_, path := openTest(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("database mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestClaimFileLifecycle(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	f, c, err := s.ClaimFile(ctx, "acme", "a.csv", "sha1", 10)
	if err != nil || c != store.ClaimNew {
		t.Fatalf("first claim: %v %v", c, err)
	}
	// Interrupted before commit: the same content is retried under the same record.
	f2, c, err := s.ClaimFile(ctx, "acme", "a2.csv", "sha1", 10)
	if err != nil || c != store.ClaimRetry || f2.ID != f.ID || f2.Name != "a2.csv" {
		t.Fatalf("retry claim: %+v %v %v", f2, c, err)
	}
	// Another partner's identical content is its own file.
	if _, c, _ := s.ClaimFile(ctx, "other", "a.csv", "sha1", 10); c != store.ClaimNew {
		t.Fatalf("other partner: %v", c)
	}
	if err := s.Update(ctx, func(tx store.Tx) error {
		return tx.SetFileResult(ctx, f.ID, store.FileResult{Outcome: store.OutcomeAccepted, Disposition: "archive", GroupsAccepted: 2})
	}); err != nil {
		t.Fatal(err)
	}
	if _, c, _ := s.ClaimFile(ctx, "acme", "a.csv", "sha1", 10); c != store.ClaimFinish {
		t.Fatalf("stored claim: %v", c)
	}
	if err := s.FileDone(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	orig, c, _ := s.ClaimFile(ctx, "acme", "again.csv", "sha1", 10)
	if c != store.ClaimDuplicate || orig.ID != f.ID {
		t.Fatalf("duplicate claim: %v %+v", c, orig)
	}
	d, err := s.RecordDuplicate(ctx, "acme", "again.csv", "sha1", 10, orig.ID)
	if err != nil || d.Outcome != store.OutcomeDuplicate || d.State != store.FileStored {
		t.Fatalf("record duplicate: %+v %v", d, err)
	}
	// Interrupted before its result was delivered: the retry reuses the record.
	d2, err := s.RecordDuplicate(ctx, "acme", "again.csv", "sha1", 10, orig.ID)
	if err != nil || d2.ID != d.ID {
		t.Fatalf("duplicate recorded twice: %s then %s (%v)", d.ID, d2.ID, err)
	}
	if err := s.FileDone(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if d3, _ := s.RecordDuplicate(ctx, "acme", "again.csv", "sha1", 10, orig.ID); d3.ID == d.ID {
		t.Fatalf("a new drop after the first was done must be its own record")
	}
	// Released claims are forgotten.
	g, _, _ := s.ClaimFile(ctx, "acme", "b.csv", "sha2", 1)
	if err := s.ReleaseFile(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.File(ctx, g.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("released file still there: %v", err)
	}
}

func sampleGroup() *model.Group {
	return &model.Group{
		ID: "g1", ExternalIdentifier: "GCM-001", PartnerID: "acme", CarrierID: "bc",
		Employer:        model.Employer{OrganizationName: "Gulf Coast", FEIN: "591234567"},
		PrimaryLocation: &model.Location{ID: "l1", ExternalIdentifier: "LOC-1", EmployerAddress: model.Address{State: "FL"}},
		Subscribers: []model.Subscriber{
			{ID: "s1", ExternalIdentifier: "E1", FirstName: "Maria", LastName: "Alvarez", SocialSecurityNumber: "412551201",
				Enrollments: []model.Enrollment{{ProductLine: "medical", PlanID: "P1", CoverageLevel: "family"}},
				Dependents:  []model.Dependent{{ID: "d1", ExternalIdentifier: "E1-S", FirstName: "Jorge", SubscriberRelationship: "spouse"}}},
			{ID: "s2", ExternalIdentifier: "E2", FirstName: "Darnell", LastName: "Brooks"},
		},
	}
}

func TestSaveGroupVersionsAndStatuses(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	g := sampleGroup()
	save := func(hashes map[string]string, reason string) *store.GroupRecord {
		var rec *store.GroupRecord
		if err := s.Update(ctx, func(tx store.Tx) error {
			var err error
			rec, err = tx.SaveGroup(ctx, g, store.Save{ContentHash: reason, SubscriberHashes: hashes, Reason: reason})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return rec
	}
	rec := save(map[string]string{"E1": "a", "E2": "b"}, "v1")
	if rec.Version != 1 || rec.Status != model.StatusPending {
		t.Fatalf("v1: %+v", rec)
	}
	// Deliver and acknowledge: everything synced.
	if err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateTransmission(ctx, store.TransmissionRecord{ID: "t1", CarrierID: "bc", FileName: "f1", Format: "x12", Mode: "change"},
			[]store.TransmissionGroup{{GroupID: "g1", Version: 1}}); err != nil {
			return err
		}
		if err := tx.MarkDelivered(ctx, "t1", time.Now()); err != nil {
			return err
		}
		for _, e := range []string{"E1", "E2"} {
			if err := tx.SetSubscriberStatus(ctx, "g1", e, model.StatusSubmitted, nil, "sent", "f1"); err != nil {
				return err
			}
		}
		if st, err := tx.RefreshGroupStatus(ctx, "g1", "sent", "f1"); err != nil || st != model.StatusSubmitted {
			t.Errorf("after delivery: %v %v", st, err)
		}
		if err := tx.SetTransmissionAck(ctx, "t1", store.AckFinal, "accepted", time.Now()); err != nil {
			return err
		}
		for _, e := range []string{"E1", "E2"} {
			if err := tx.SetSubscriberStatus(ctx, "g1", e, model.StatusSynced, nil, "accepted", "ack"); err != nil {
				return err
			}
		}
		st, err := tx.RefreshGroupStatus(ctx, "g1", "accepted", "ack")
		if st != model.StatusSynced {
			t.Errorf("after ack: %v", st)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// A new version changing only E2: E2 pending, E1 stays synced, group pending.
	g.Subscribers[1].LastName = "Brooks-Smith"
	rec = save(map[string]string{"E1": "a", "E2": "c"}, "v2")
	if rec.Version != 2 || rec.Status != model.StatusPending {
		t.Fatalf("v2: %+v", rec)
	}
	subs, _ := s.Subscribers(ctx, "g1")
	if subs[0].Status != model.StatusSynced || subs[1].Status != model.StatusPending {
		t.Fatalf("subscriber statuses: %+v", subs)
	}
	v1, err := s.Version(ctx, "g1", 1)
	if err != nil || v1.Subscribers[1].LastName != "Brooks" {
		t.Fatalf("version 1 kept: %v %v", v1, err)
	}
	cur, _, err := s.CurrentGroup(ctx, "g1")
	if err != nil || cur.Subscribers[1].LastName != "Brooks-Smith" || cur.Subscribers[0].Status != model.StatusSynced {
		t.Fatalf("current: %+v %v", cur, err)
	}
	evs, _ := s.Events(ctx, "g1")
	var groupSeq []model.Status
	for _, e := range evs {
		if e.SubscriberID == "" {
			groupSeq = append(groupSeq, e.To)
		}
	}
	want := []model.Status{model.StatusPending, model.StatusSubmitted, model.StatusSynced, model.StatusPending}
	if len(groupSeq) != len(want) {
		t.Fatalf("group events %v, want %v", groupSeq, want)
	}
	for i := range want {
		if groupSeq[i] != want[i] {
			t.Fatalf("group events %v, want %v", groupSeq, want)
		}
	}
}

func TestControlNumbersSurviveRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "onboard.db")
	ctx := context.Background()
	next := func() int64 {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var n int64
		if err := s.Update(ctx, func(tx store.Tx) error {
			var err error
			n, err = tx.NextControl(ctx, "bc", "isa13", 3)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if a, b := next(), next(); a != 1 || b != 4 {
		t.Fatalf("control numbers %d then %d, want 1 then 4", a, b)
	}
}

func TestUpdateRollsBack(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.SaveGroup(ctx, sampleGroup(), store.Save{ContentHash: "x"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if _, err := s.Group(ctx, "g1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("rolled back group visible: %v", err)
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestDatabaseInAFolderWithURICharacters: a database whose path holds '#',
// '?' or '%' is opened at that path (a SQLite URI would read '#' as a
// fragment and '?' as a query, and open another file).
func TestDatabaseInAFolderWithURICharacters(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "run#2 ?x=1 %41")
	path := filepath.Join(dir, "onboard.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(context.Background(), func(tx store.Tx) error { return tx.SetPolicyNumber(context.Background(), "none", "x") }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	fi, err := os.Stat(path)
	if err != nil || fi.Size() == 0 {
		t.Fatalf("database at %s: %v %v", path, fi, err)
	}
	entries, err := os.ReadDir(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != filepath.Base(dir) {
			t.Errorf("a stray %s beside the database's folder", e.Name())
		}
	}
}
