package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/store"
)

// TestGroupTransmissionsNewestFirstWithinASecond records transmissions of
// one group that carry the same envelope time (created_at is truncated to
// the second, so a run that finishes an interrupted transmission and then
// records a new one gives both the same time): GroupTransmissions must
// still list them newest first, in the order they were recorded, whatever
// their random ids. The acknowledgement stage relies on that order to
// tell which transmission carried a subscriber's latest change; with ties
// broken by id, an answer to the newer file was taken for an answer to an
// older one and never applied (found by engine/reliability).
func TestGroupTransmissionsNewestFirstWithinASecond(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	if err := s.Update(ctx, func(tx store.Tx) error {
		_, err := tx.SaveGroup(ctx, sampleGroup(), store.Save{ContentHash: "v1"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2027, 1, 15, 9, 30, 0, 0, time.UTC)
	// Ids in descending order, so that a tie broken by id lists the
	// oldest first.
	ids := []string{"t9", "t5", "t1"}
	for i, id := range ids {
		if err := s.Update(ctx, func(tx store.Tx) error {
			return tx.CreateTransmission(ctx, store.TransmissionRecord{ID: id, CarrierID: "bc", FileName: fmt.Sprintf("f%d", i+1),
				Format: "x12", Mode: "change", ISA13: int64(i + 1), CreatedAt: at}, []store.TransmissionGroup{{GroupID: "g1", Version: 1}})
		}); err != nil {
			t.Fatal(err)
		}
	}
	trs, err := s.GroupTransmissions(ctx, "g1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tr := range trs {
		got = append(got, tr.ID)
	}
	if fmt.Sprint(got) != "[t1 t5 t9]" {
		t.Fatalf("GroupTransmissions = %v, want the last recorded first: [t1 t5 t9]", got)
	}
}
