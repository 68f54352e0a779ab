package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/store"
)

// testTransmissions: a transmission is recorded building with its groups,
// found by id, ISA13 and file, and delivered with its groups' versions.
func testTransmissions(t *testing.T, h *harness) {
	g1, g2 := group("acme", "G1", "E1"), group("acme", "G2", "E1")
	h.save(t, g1, "v1")
	h.save(t, g2, "v1")
	members := []byte("m1\nE1,,A,6,14\n")
	h.update(t, func(tx store.Tx) error {
		if err := tx.CreateTransmission(h.ctx, store.TransmissionRecord{ID: "t1", CarrierID: "bluecross", FileName: "a.x12", Format: "x12", Mode: "change", ISA13: 7, GS06: 8, Members: 2},
			[]store.TransmissionGroup{{GroupID: g1.ID, Version: 1, ST02: 1, Members: members}}); err != nil {
			return err
		}
		// A transmission written group by group.
		if err := tx.CreateTransmission(h.ctx, store.TransmissionRecord{ID: "t2", CarrierID: "bluecross", FileName: "b.csv", Format: "csv", Mode: "full"}, nil); err != nil {
			return err
		}
		if err := tx.AddTransmissionGroups(h.ctx, "t2", store.TransmissionGroup{GroupID: g2.ID, Version: 1, ST02: 2, Members: []byte("x")},
			store.TransmissionGroup{GroupID: g1.ID, Version: 1, BaseVersion: 0, ST02: 1}); err != nil {
			return err
		}
		if err := tx.SetTransmissionMembers(h.ctx, "t2", 5); err != nil {
			return err
		}
		got, err := tx.TransmissionGroupMembers(h.ctx, "t1", g1.ID)
		if err != nil || string(got) != string(members) {
			t.Errorf("TransmissionGroupMembers: %q %v", got, err)
		}
		return nil
	})
	tr, err := h.st.Transmission(h.ctx, "t1")
	if err != nil {
		t.Fatal(err)
	}
	if tr.State != store.TransmissionBuilding || tr.CarrierID != "bluecross" || tr.FileName != "a.x12" || tr.Format != "x12" || tr.Mode != "change" ||
		tr.ISA13 != 7 || tr.GS06 != 8 || tr.Members != 2 || tr.CreatedAt.IsZero() || !tr.DeliveredAt.IsZero() || tr.AckState != store.AckNone {
		t.Fatalf("t1: %+v", tr)
	}
	if t2, _ := h.st.Transmission(h.ctx, "t2"); t2 == nil || t2.Members != 5 {
		t.Fatalf("t2: %+v", t2)
	}
	if byISA, err := h.st.TransmissionByISA13(h.ctx, "bluecross", 7); err != nil || byISA.ID != "t1" {
		t.Fatalf("by ISA13: %+v %v", byISA, err)
	}
	if _, err := h.st.TransmissionByISA13(h.ctx, "aetna", 7); err == nil {
		t.Fatal("ISA13 found under another carrier")
	}
	if byFile, err := h.st.TransmissionByFile(h.ctx, "bluecross", "b.csv"); err != nil || byFile.ID != "t2" {
		t.Fatalf("by file: %+v %v", byFile, err)
	}
	tgs, err := h.st.TransmissionGroups(h.ctx, "t2")
	if err != nil {
		t.Fatal(err)
	}
	if len(tgs) != 2 || tgs[0].GroupID != g1.ID || tgs[1].GroupID != g2.ID || tgs[1].ST02 != 2 || string(tgs[1].Members) != "x" || tgs[0].TransmissionID != "t2" {
		t.Fatalf("groups of t2 by ST02: %+v", tgs)
	}
	if rec, _ := h.st.Group(h.ctx, g1.ID); rec.TransmittedVersion != 0 {
		t.Fatal("a building transmission moved the transmitted version")
	}
	at := h.clock.Now()
	h.update(t, func(tx store.Tx) error { return tx.MarkDelivered(h.ctx, "t1", at) })
	tr, _ = h.st.Transmission(h.ctx, "t1")
	if tr.State != store.TransmissionDelivered || !tr.DeliveredAt.Equal(at) {
		t.Fatalf("delivered: %+v", tr)
	}
	if rec, _ := h.st.Group(h.ctx, g1.ID); rec.TransmittedVersion != 1 {
		t.Fatalf("transmitted version after delivery: %d", rec.TransmittedVersion)
	}
	if rec, _ := h.st.Group(h.ctx, g2.ID); rec.TransmittedVersion != 0 {
		t.Fatal("delivering t1 moved a group t1 did not carry")
	}
	list := func(f store.TransmissionFilter) []string {
		t.Helper()
		trs, err := h.st.Transmissions(h.ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, tr := range trs {
			ids = append(ids, tr.ID)
		}
		return ids
	}
	if got := list(store.TransmissionFilter{CarrierID: "bluecross"}); !slices.Equal(got, []string{"t1", "t2"}) {
		t.Fatalf("transmissions oldest first: %q", got)
	}
	if got := list(store.TransmissionFilter{State: store.TransmissionBuilding}); !slices.Equal(got, []string{"t2"}) {
		t.Fatalf("building: %q", got)
	}
	if got := list(store.TransmissionFilter{Unacknowledged: true}); !slices.Equal(got, []string{"t1"}) {
		t.Fatalf("unacknowledged: %q", got)
	}
	ackAt := h.clock.Now()
	h.update(t, func(tx store.Tx) error { return tx.SetTransmissionAck(h.ctx, "t1", store.AckAccepted, "A", ackAt) })
	if got := list(store.TransmissionFilter{Unacknowledged: true}); !slices.Equal(got, []string{"t1"}) {
		t.Fatalf("a syntax acceptance is no final answer: %q", got)
	}
	h.update(t, func(tx store.Tx) error { return tx.SetTransmissionAck(h.ctx, "t1", store.AckFinal, "accepted", ackAt) })
	tr, _ = h.st.Transmission(h.ctx, "t1")
	if tr.AckState != store.AckFinal || tr.AckResult != "accepted" || !tr.AckedAt.Equal(ackAt) {
		t.Fatalf("acknowledged: %+v", tr)
	}
	if got := list(store.TransmissionFilter{Unacknowledged: true}); len(got) != 0 {
		t.Fatalf("unacknowledged after the final answer: %q", got)
	}
	// A file name is one transmission per carrier.
	if err := h.st.Update(h.ctx, func(tx store.Tx) error {
		return tx.CreateTransmission(h.ctx, store.TransmissionRecord{ID: "t3", CarrierID: "bluecross", FileName: "a.x12"}, nil)
	}); err == nil {
		t.Fatal("a second transmission of one file name was recorded")
	}
}

// testTransmissionByGroup: a group's transmissions newest first, and the
// acknowledgements of them.
func testTransmissionByGroup(t *testing.T, h *harness) {
	g := group("acme", "G1", "E1")
	h.save(t, g, "v1")
	same := h.clock.Now()
	h.update(t, func(tx store.Tx) error {
		for _, id := range []string{"t1", "t2", "t3"} {
			if err := tx.CreateTransmission(h.ctx, store.TransmissionRecord{ID: id, CarrierID: "bluecross", FileName: id, CreatedAt: same},
				[]store.TransmissionGroup{{GroupID: g.ID, Version: 1}}); err != nil {
				return err
			}
		}
		return tx.CreateTransmission(h.ctx, store.TransmissionRecord{ID: "other", CarrierID: "bluecross", FileName: "other"}, nil)
	})
	trs, err := h.st.GroupTransmissions(h.ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, tr := range trs {
		ids = append(ids, tr.ID)
	}
	if !slices.Equal(ids, []string{"t3", "t2", "t1"}) {
		t.Fatalf("a group's transmissions in one instant, newest recorded first: %q", ids)
	}
	h.update(t, func(tx store.Tx) error {
		if err := tx.RecordAck(h.ctx, store.AckRecord{ID: "a1", CarrierID: "bluecross", FileName: "a1.999", SHA256: "s1", Kind: "999", TransmissionID: "t1", Result: "A"}); err != nil {
			return err
		}
		if err := tx.RecordAck(h.ctx, store.AckRecord{ID: "a2", CarrierID: "bluecross", FileName: "a2.999", SHA256: "s2", Kind: "999", TransmissionID: "t2", Result: "R"}); err != nil {
			return err
		}
		return tx.RecordAck(h.ctx, store.AckRecord{ID: "a3", CarrierID: "bluecross", FileName: "a3.999", SHA256: "s3", Kind: "999", TransmissionID: "other"})
	})
	acks, err := h.st.GroupAcks(h.ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(acks) != 2 || acks[0].ID != "a2" || acks[1].ID != "a1" {
		t.Fatalf("a group's acks newest first: %+v", acks)
	}
}

// testAdvanceTransmitted: a version with nothing to send advances, once.
func testAdvanceTransmitted(t *testing.T, h *harness) {
	g := group("acme", "G1", "E1")
	h.save(t, g, "v1")
	h.save(t, g, "v2")
	step := func(v int, want bool) {
		t.Helper()
		h.update(t, func(tx store.Tx) error {
			moved, err := tx.AdvanceTransmitted(h.ctx, g.ID, v)
			if err == nil && moved != want {
				t.Errorf("AdvanceTransmitted(%d) = %v, want %v", v, moved, want)
			}
			return err
		})
	}
	step(1, true)
	step(1, false)
	step(3, false) // past the current version
	step(2, true)
	if rec, _ := h.st.Group(h.ctx, g.ID); rec.TransmittedVersion != 2 {
		t.Fatalf("transmitted version %d", rec.TransmittedVersion)
	}
}

// testAcks: an acknowledgement file is recorded once per carrier and
// content.
func testAcks(t *testing.T, h *harness) {
	at := time.Date(2027, 3, 2, 10, 0, 0, 0, time.UTC)
	h.update(t, func(tx store.Tx) error {
		return tx.RecordAck(h.ctx, store.AckRecord{ID: "a1", CarrierID: "bluecross", FileName: "x.999", SHA256: "sha", Kind: "999", TransmissionID: "t1", Result: "A", ReceivedAt: at})
	})
	a, err := h.st.AckBySHA(h.ctx, "bluecross", "sha")
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "a1" || a.FileName != "x.999" || a.Kind != "999" || a.TransmissionID != "t1" || a.Result != "A" || !a.ReceivedAt.Equal(at) {
		t.Fatalf("ack: %+v", a)
	}
	if _, err := h.st.AckBySHA(h.ctx, "aetna", "sha"); err == nil {
		t.Fatal("an ack found under another carrier")
	}
	if err := h.st.Update(h.ctx, func(tx store.Tx) error {
		return tx.RecordAck(h.ctx, store.AckRecord{ID: "a2", CarrierID: "bluecross", FileName: "y.999", SHA256: "sha", Kind: "999"})
	}); err == nil {
		t.Fatal("one acknowledgement content was recorded twice")
	}
	h.update(t, func(tx store.Tx) error {
		return tx.RecordAck(h.ctx, store.AckRecord{ID: "a3", CarrierID: "aetna", FileName: "y.999", SHA256: "sha", Kind: "TA1"})
	})
	if a, err := h.st.AckBySHA(h.ctx, "aetna", "sha"); err != nil || a.ReceivedAt.IsZero() {
		t.Fatalf("an ack without a time is stamped now: %+v %v", a, err)
	}
}

// testBundlesActionsRuns: bundles, pending actions and last runs.
func testBundlesActionsRuns(t *testing.T, h *harness) {
	g := group("acme", "G1", "E1")
	h.save(t, g, "v1")
	same := h.clock.Now()
	h.update(t, func(tx store.Tx) error {
		for _, id := range []string{"b1", "b2"} {
			if err := tx.RecordBundle(h.ctx, store.BundleRecord{ID: id, GroupID: g.ID, ContentHash: "c" + id, Path: "/out/" + id, DeliveredAt: same}); err != nil {
				return err
			}
		}
		return nil
	})
	b, err := h.st.LastBundle(h.ctx, g.ID)
	if err != nil || b.ID != "b2" || b.ContentHash != "cb2" || b.Path != "/out/b2" || !b.DeliveredAt.Equal(same) {
		t.Fatalf("last bundle: %+v %v", b, err)
	}
	since := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	h.update(t, func(tx store.Tx) error {
		if err := tx.SetPendingAction(h.ctx, store.PendingAction{GroupID: g.ID, Kind: "fix", Message: "first", Since: since}); err != nil {
			return err
		}
		if err := tx.SetPendingAction(h.ctx, store.PendingAction{GroupID: g.ID, Kind: "fix", Message: "second"}); err != nil {
			return err
		}
		return tx.SetPendingAction(h.ctx, store.PendingAction{GroupID: g.ID, Kind: "call", Message: "call"})
	})
	acts, err := h.st.PendingActions(h.ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	byKind := map[string]store.PendingAction{}
	for _, a := range acts {
		byKind[a.Kind] = a
	}
	if len(acts) != 2 || byKind["fix"].Message != "second" || !byKind["fix"].Since.Equal(since) || byKind["call"].Since.IsZero() {
		t.Fatalf("pending actions (an update keeps its since): %+v", acts)
	}
	h.update(t, func(tx store.Tx) error { return tx.ClearPendingAction(h.ctx, g.ID, "fix") })
	if acts, _ := h.st.PendingActions(h.ctx, g.ID); len(acts) != 1 || acts[0].Kind != "call" {
		t.Fatalf("after clearing: %+v", acts)
	}
	run := time.Date(2027, 3, 1, 6, 0, 0, 0, time.UTC)
	h.update(t, func(tx store.Tx) error {
		if err := tx.SetLastRun(h.ctx, "transmit:bluecross", run.Add(-time.Hour)); err != nil {
			return err
		}
		return tx.SetLastRun(h.ctx, "transmit:bluecross", run)
	})
	if at, err := h.st.LastRun(h.ctx, "transmit:bluecross"); err != nil || !at.Equal(run) {
		t.Fatalf("last run: %v %v", at, err)
	}
}

// testControlNumbers: numbers of a kind come in consecutive blocks, per
// carrier and kind, never reused, bounded to nine digits.
func testControlNumbers(t *testing.T, h *harness) {
	next := func(carrier, kind string, n int) int64 {
		t.Helper()
		var v int64
		h.update(t, func(tx store.Tx) error {
			var err error
			v, err = tx.NextControl(h.ctx, carrier, kind, n)
			return err
		})
		return v
	}
	if v := next("bluecross", "isa13", 1); v != 1 {
		t.Fatalf("first isa13 %d", v)
	}
	if v := next("bluecross", "isa13", 3); v != 2 {
		t.Fatalf("a block of 3 starts at %d", v)
	}
	if v := next("bluecross", "isa13", 1); v != 5 {
		t.Fatalf("after the block: %d", v)
	}
	if v := next("bluecross", "st02", 1); v != 1 {
		t.Fatalf("kinds count apart: %d", v)
	}
	if v := next("aetna", "isa13", 1); v != 1 {
		t.Fatalf("carriers count apart: %d", v)
	}
	// A rolled-back reservation is not handed out twice either way: the
	// next one is after the last committed.
	_ = h.st.Update(h.ctx, func(tx store.Tx) error {
		if _, err := tx.NextControl(h.ctx, "bluecross", "isa13", 10); err != nil {
			return err
		}
		return errBoom
	})
	if v := next("bluecross", "isa13", 1); v != 6 {
		t.Fatalf("after a rolled-back reservation: %d", v)
	}
	if err := h.st.Update(h.ctx, func(tx store.Tx) error {
		_, err := tx.NextControl(h.ctx, "bluecross", "isa13", 0)
		return err
	}); err == nil {
		t.Fatal("a count of 0 was accepted")
	}
	if err := h.st.Update(h.ctx, func(tx store.Tx) error {
		_, err := tx.NextControl(h.ctx, "bluecross", "gs06", 1_000_000_000)
		return err
	}); err == nil {
		t.Fatal("a reservation past nine digits was accepted")
	}
}
