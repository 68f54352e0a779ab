package sqlite

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/store"
)

func TestRejectedIntakes(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	g := sampleGroup()
	record := func(ri store.RejectedIntake) {
		t.Helper()
		if err := s.Update(ctx, func(tx store.Tx) error { return tx.RecordRejectedIntake(ctx, ri) }); err != nil {
			t.Fatal(err)
		}
	}
	record(store.RejectedIntake{PartnerID: g.PartnerID, FileID: "f1", File: "a.csv", GroupExternalID: g.ExternalIdentifier, ErrorCount: 2, At: t0})
	record(store.RejectedIntake{PartnerID: g.PartnerID, FileID: "f1", File: "a.csv", GroupExternalID: "OTHER", ErrorCount: 1, At: t0})
	record(store.RejectedIntake{PartnerID: g.PartnerID, FileID: "f2", File: "b.csv", GroupExternalID: "OTHER", ErrorCount: 3, At: t0.Add(time.Hour)})
	record(store.RejectedIntake{PartnerID: "beta", FileID: "f3", File: "broken.json", ErrorCount: 1, At: t0.Add(2 * time.Hour)})

	got, err := s.RejectedIntakes(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	// Newest first; OTHER once, at its latest rejection.
	want := []string{"beta//broken.json/1", g.PartnerID + "/OTHER/b.csv/3", g.PartnerID + "/" + g.ExternalIdentifier + "/a.csv/2"}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %v", got, want)
	}
	for i, ri := range got {
		if k := ri.PartnerID + "/" + ri.GroupExternalID + "/" + ri.File + "/" + strconv.Itoa(ri.ErrorCount); k != want[i] {
			t.Errorf("%d: %s, want %s", i, k, want[i])
		}
	}
	if only, _ := s.RejectedIntakes(ctx, "beta", 0); len(only) != 1 || only[0].PartnerID != "beta" {
		t.Errorf("partner beta: %+v", only)
	}
	if two, _ := s.RejectedIntakes(ctx, "", 2); len(two) != 2 {
		t.Errorf("limit 2: %d", len(two))
	}
	// A later file that is accepted stores the group: no longer listed.
	if err := s.Update(ctx, func(tx store.Tx) error {
		_, err := tx.SaveGroup(ctx, g, store.Save{ContentHash: "x"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	after, _ := s.RejectedIntakes(ctx, g.PartnerID, 0)
	if len(after) != 1 || after[0].GroupExternalID != "OTHER" {
		t.Errorf("after the group was stored: %+v", after)
	}
}
