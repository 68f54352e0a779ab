package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// TestCarrierGroupKeys: a new group gets its carrier key at creation,
// unique per carrier (another partner's same external identifier gets its
// own; a third colliding key a suffix), and the key never changes.
func TestCarrierGroupKeys(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	save := func(partner, ext, carrier string) *store.GroupRecord {
		t.Helper()
		g := sampleGroup()
		g.ID, g.PartnerID, g.ExternalIdentifier, g.CarrierID = partner+"/"+ext, partner, ext, carrier
		for i := range g.Subscribers {
			g.Subscribers[i].ID = g.ID + "/" + g.Subscribers[i].ExternalIdentifier
			for j := range g.Subscribers[i].Dependents {
				g.Subscribers[i].Dependents[j].ID = g.Subscribers[i].ID + "/" + g.Subscribers[i].Dependents[j].ExternalIdentifier
			}
		}
		g.PrimaryLocation.ID = g.ID + "/loc"
		var rec *store.GroupRecord
		if err := s.Update(ctx, func(tx store.Tx) error {
			var err error
			rec, err = tx.SaveGroup(ctx, g, store.Save{ContentHash: "h-" + g.ID})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return rec
	}
	a := save("acme", "GCM-001", "bc")
	b := save("brightpath", "GCM-001", "bc")
	c := save("acme-gcm", "001", "bc") // model.GroupKey gives ACME-GCM-001 again
	d := save("acme", "GCM-001", "other")
	if a.CarrierGroupKey != "ACME-GCM-001" || b.CarrierGroupKey != "BRIGHTPATH-GCM-001" || c.CarrierGroupKey != "ACME-GCM-001-2" ||
		d.CarrierGroupKey != "ACME-GCM-001" {
		t.Fatalf("keys %q %q %q %q", a.CarrierGroupKey, b.CarrierGroupKey, c.CarrierGroupKey, d.CarrierGroupKey)
	}
	if a.LegacyMemberKeys {
		t.Error("a new group has legacy member keys")
	}
	// A new version keeps the key.
	if again, err := s.Group(ctx, a.ID); err != nil || again.CarrierGroupKey != "ACME-GCM-001" {
		t.Fatalf("read back: %+v %v", again, err)
	}
	g, rec, err := s.CurrentGroup(ctx, a.ID)
	if err != nil || g.CarrierGroupKey != rec.CarrierGroupKey || g.MemberKey("E1") != "ACME-GCM-001.E1" {
		t.Fatalf("current group keys: %q %q (%v)", g.CarrierGroupKey, g.MemberKey("E1"), err)
	}
}

// TestMigrationGivesGroupsCarrierKeys: a database from before carrier keys
// migrates; a group already sent keeps what the carrier saw (its external
// identifier, its members' identifiers: legacy), one never sent gets the
// partner-prefixed key.
func TestMigrationGivesGroupsCarrierKeys(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	old := &Store{w: raw, now: time.Now}
	target := 0
	for i, m := range migrations {
		if containsKeysMigration(m) {
			target = i
		}
	}
	if target == 0 {
		t.Fatal("no carrier keys migration")
	}
	if err := old.migrateTo(ctx, target); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO groups (id, partner_id, external_identifier, carrier_id, organization_name, status, status_datetime, version, transmitted_version, content_hash, created_at, updated_at)
			VALUES ('g1', 'acme', 'GCM-001', 'bc', 'Org', 'synced', '2026-01-01T00:00:00Z', 1, 1, 'h', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
		`INSERT INTO groups (id, partner_id, external_identifier, carrier_id, organization_name, status, status_datetime, version, transmitted_version, content_hash, created_at, updated_at)
			VALUES ('g2', 'brightpath', 'gcm.002', 'bc', 'Org', 'pending', '2026-01-01T00:00:00Z', 1, 0, 'h', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	g1, _ := s.Group(ctx, "g1")
	g2, _ := s.Group(ctx, "g2")
	if g1.CarrierGroupKey != "GCM-001" || !g1.LegacyMemberKeys {
		t.Errorf("sent group: key %q legacy %v, want GCM-001 legacy", g1.CarrierGroupKey, g1.LegacyMemberKeys)
	}
	if g2.CarrierGroupKey != "BRIGHTPATH-GCM-002" || g2.LegacyMemberKeys {
		t.Errorf("unsent group: key %q legacy %v, want BRIGHTPATH-GCM-002", g2.CarrierGroupKey, g2.LegacyMemberKeys)
	}
	legacy := &model.Group{CarrierGroupKey: g1.CarrierGroupKey, LegacyMemberKeys: true}
	if legacy.MemberKey("E1001") != "E1001" || legacy.CarrierNumber() != "GCM-001" {
		t.Error("a legacy group's keys changed what the carrier saw")
	}
}

func containsKeysMigration(m string) bool { return strings.Contains(m, "ADD COLUMN carrier_group_key") }
