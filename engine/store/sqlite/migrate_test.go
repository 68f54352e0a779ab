package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// TestMigrationFoldsDependentsIntoSubscribers: a database written before
// migration 5 (dependents in their own table) lists the same dependent ids
// after it, in external identifier order, identifiers that need JSON
// escaping included, and the dropped tables are gone.
func TestMigrationFoldsDependentsIntoSubscribers(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	old := &Store{w: raw, now: time.Now}
	if err := old.migrateTo(ctx, 4); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO groups (id, partner_id, external_identifier, carrier_id, organization_name, status, status_datetime, version, content_hash, created_at, updated_at)
			VALUES ('g1', 'p', 'G1', 'c', 'Org', 'pending', '2026-01-01T00:00:00Z', 1, 'h', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
		`INSERT INTO subscribers (id, group_id, external_identifier, content_hash, status, status_datetime) VALUES
			('s1', 'g1', 'E1', 'h1', 'synced', '2026-01-01T00:00:00Z'), ('s2', 'g1', 'E2', 'h2', 'pending', '2026-01-01T00:00:00Z')`,
		`INSERT INTO dependents (id, group_id, subscriber_id, external_identifier) VALUES
			('d2', 'g1', 's1', 'E1-S'), ('d1', 'g1', 's1', 'E1-C "one" \'),  ('d3', 'g1', 's1', 'E1-C2')`,
		`INSERT INTO enrollments (subscriber_id, group_id, product_line, plan_id) VALUES ('s1', 'g1', 'medical', 'P')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.GroupIDs(ctx, "g1")
	if err != nil {
		t.Fatal(err)
	}
	want := []store.SubscriberIDs{
		{ExternalIdentifier: "E1", ID: "s1", Status: model.StatusSynced,
			Dependents: []store.IDRef{{ExternalIdentifier: `E1-C "one" \`, ID: "d1"}, {ExternalIdentifier: "E1-C2", ID: "d3"}, {ExternalIdentifier: "E1-S", ID: "d2"}}},
		{ExternalIdentifier: "E2", ID: "s2", Status: model.StatusPending},
	}
	if !reflect.DeepEqual(got.Subscribers, want) {
		t.Fatalf("after migration: %+v\nwant %+v", got.Subscribers, want)
	}
	for _, table := range []string{"dependents", "enrollments"} {
		var n int
		if err := s.w.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE name = ?`, table).Scan(&n); err != nil || n != 0 {
			t.Errorf("table %s: count %d, err %v; want it dropped", table, n, err)
		}
	}
}

// TestDependentIDsRoundTrip: the column onboard writes reads back as the
// same pairs, and in the form SQLite's JSON functions give (migration 5).
func TestDependentIDsRoundTrip(t *testing.T) {
	deps := []model.Dependent{{ExternalIdentifier: "A", ID: "1"}, {ExternalIdentifier: "B\"\\\n\u00e9", ID: "2"}, {ExternalIdentifier: "", ID: ""}}
	col := string(store.AppendDependentIDs(nil, deps))
	got, err := store.ParseDependentIDs(col)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.IDRef{{ExternalIdentifier: "", ID: ""}, {ExternalIdentifier: "A", ID: "1"}, {ExternalIdentifier: "B\"\\\n\u00e9", ID: "2"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip of %s: %+v, want %+v", col, got, want)
	}
	if s := string(store.AppendDependentIDs(nil, nil)); s != "" {
		t.Errorf("no dependents: %q, want empty", s)
	}
	for _, bad := range []string{`[["A",`, `[["A","1"]`, `[["A","1"],]`, `[["A"]]`, `[["A","1","2"]]`, `x`} {
		if got, err := store.ParseDependentIDs(bad); err == nil {
			t.Errorf("a broken column %s read as %+v without an error", bad, got)
		}
	}
	// What SQLite's JSON functions write (migration 5) reads the same,
	// spaces or escapes or not.
	for _, col := range []string{`[["A","1"],["B","2"]]`, `[ ["A", "1"], ["B","2"] ]`, `[["\u0041","1"],["B","2"]]`} {
		got, err := store.ParseDependentIDs(col)
		if err != nil || !reflect.DeepEqual(got, []store.IDRef{{ExternalIdentifier: "A", ID: "1"}, {ExternalIdentifier: "B", ID: "2"}}) {
			t.Errorf("%s read as %+v, %v", col, got, err)
		}
	}
}

// TestSourceDigestFollowsTheVersion: a version saved with a source digest
// lists it on its group; SetSourceDigest replaces it, and a new version
// saved without one clears it.
func TestSourceDigestFollowsTheVersion(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	g := sampleGroup()
	save := func(digest string) {
		t.Helper()
		if err := s.Update(ctx, func(tx store.Tx) error {
			_, err := tx.SaveGroup(ctx, g, store.Save{ContentHash: "h" + digest, SourceDigest: digest, Reason: "test"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	digest := func() string {
		t.Helper()
		rec, err := s.GroupByExternal(ctx, g.PartnerID, g.ExternalIdentifier)
		if err != nil {
			t.Fatal(err)
		}
		return rec.SourceDigest
	}
	save("d1")
	if got := digest(); got != "d1" {
		t.Fatalf("after saving with d1: %q", got)
	}
	if err := s.Update(ctx, func(tx store.Tx) error { return tx.SetSourceDigest(ctx, g.ID, "d2") }); err != nil {
		t.Fatal(err)
	}
	if got := digest(); got != "d2" {
		t.Fatalf("after SetSourceDigest d2: %q", got)
	}
	save("")
	if got := digest(); got != "" {
		t.Fatalf("after a version saved without a digest: %q", got)
	}
}
