package storetest

import (
	"errors"
	"slices"
	"testing"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// testSaveGroupCreates: a new group is version 1, pending, with every
// subscriber pending and an event for each.
func testSaveGroupCreates(t *testing.T, h *harness) {
	g := group("acme", "G1", "E1", "E2")
	rec := h.save(t, g, "v1")
	if rec.ID != g.ID || rec.PartnerID != "acme" || rec.ExternalIdentifier != "G1" || rec.CarrierID != "bluecross" ||
		rec.OrganizationName != "Org G1" || rec.Version != 1 || rec.TransmittedVersion != 0 || rec.ContentHash != "hv1" ||
		rec.LastFileID != "f1" || rec.Status != model.StatusPending || rec.CreatedAt.IsZero() || rec.StatusDatetime.IsZero() {
		t.Fatalf("created: %+v", rec)
	}
	subs, err := h.st.Subscribers(h.ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 2 || subs[0].ExternalIdentifier != "E1" || subs[1].ExternalIdentifier != "E2" {
		t.Fatalf("subscribers: %+v", subs)
	}
	s := subs[0]
	if s.ID != g.ID+"-s-E1" || s.GroupID != g.ID || s.FirstName != "FE1" || s.LastName != "LE1" || s.Terminated ||
		s.ContentHash != "E1v1" || s.Status != model.StatusPending || s.StatusDatetime.IsZero() {
		t.Fatalf("subscriber: %+v", s)
	}
	want := []string{":>pending", "E1:>pending", "E2:>pending"}
	if got := h.events(t, g.ID); !slices.Equal(got, want) {
		t.Fatalf("events %q, want %q", got, want)
	}
	evs, _ := h.st.Events(h.ctx, g.ID)
	for _, e := range evs {
		if e.Reason != "accepted" || e.Source != "file f1" || e.At.IsZero() || e.GroupID != g.ID {
			t.Fatalf("event: %+v", e)
		}
	}
	byExt, err := h.st.GroupByExternal(h.ctx, "acme", "G1")
	if err != nil || byExt.ID != g.ID {
		t.Fatalf("GroupByExternal: %+v %v", byExt, err)
	}
	v, err := h.st.Version(h.ctx, g.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v.ExternalIdentifier != "G1" || len(v.Subscribers) != 2 || v.Subscribers[1].Dependents[0].ExternalIdentifier != "E2-S" || v.Status != "" {
		t.Fatalf("version 1 as stored: %+v", v)
	}
	counts, err := h.st.SubscriberStatusCounts(h.ctx, g.ID)
	if err != nil || len(counts) != 1 || counts[model.StatusPending] != 2 {
		t.Fatalf("counts: %v %v", counts, err)
	}
	// A group without subscribers is pending too (DESIGN.md §4).
	empty := h.save(t, group("acme", "G0"), "v1")
	if empty.Status != model.StatusPending {
		t.Fatalf("a group without subscribers is %s", empty.Status)
	}
}

// testSaveGroupNewVersion: a new version keeps ids and unchanged
// subscribers' statuses, makes changed ones pending, removes those gone,
// and clears the group's own errors.
func testSaveGroupNewVersion(t *testing.T, h *harness) {
	g := group("acme", "G1", "E1", "E2", "E3")
	h.save(t, g, "v1")
	h.update(t, func(tx store.Tx) error {
		for _, e := range []string{"E1", "E2", "E3"} {
			if err := tx.SetSubscriberStatus(h.ctx, g.ID, e, model.StatusSynced, nil, "acknowledged", "999"); err != nil {
				return err
			}
		}
		return tx.SetGroupErrors(h.ctx, g.ID, []model.Error{{ErrorType: model.ErrCarrierRule, Message: "m"}})
	})
	g2 := group("acme", "G1", "E1", "E2", "E4")
	g2.Employer.OrganizationName = "Renamed"
	hs := hashes(g2, "v1")
	hs["E2"] = "E2v2"
	var rec *store.GroupRecord
	h.update(t, func(tx store.Tx) error {
		var err error
		rec, err = tx.SaveGroup(h.ctx, g2, store.Save{FileID: "f2", ContentHash: "hv2", SubscriberHashes: hs, Reason: "changed", Source: "file f2", SourceDigest: "dg"})
		return err
	})
	if rec.Version != 2 || rec.OrganizationName != "Renamed" || rec.LastFileID != "f2" || rec.ContentHash != "hv2" || len(rec.Errors) != 0 || rec.SourceDigest != "dg" {
		t.Fatalf("version 2: %+v", rec)
	}
	st, err := h.st.SubscriberStatuses(h.ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]model.Status{"E1": model.StatusSynced, "E2": model.StatusPending, "E4": model.StatusPending}
	if len(st) != len(want) {
		t.Fatalf("statuses %v, want %v", st, want)
	}
	for k, v := range want {
		if st[k] != v {
			t.Fatalf("statuses %v, want %v", st, want)
		}
	}
	if rec.Status != model.StatusPending {
		t.Fatalf("group after a changed version: %s", rec.Status)
	}
	if _, err := h.st.Version(h.ctx, g.ID, 1); err != nil {
		t.Fatalf("version 1 is kept: %v", err)
	}
	v2, err := h.st.Version(h.ctx, g.ID, 2)
	if err != nil || v2.Employer.OrganizationName != "Renamed" {
		t.Fatalf("version 2: %+v %v", v2, err)
	}
	evs := h.events(t, g.ID)
	if !slices.Contains(evs, "E2:synced>pending") || !slices.Contains(evs, "E4:>pending") || slices.Contains(evs, "E1:synced>pending") {
		t.Fatalf("events: %q", evs)
	}
}

// testGroupsFilter: Groups filters by partner, carrier, status and
// untransmitted, sorted by partner then external identifier.
func testGroupsFilter(t *testing.T, h *harness) {
	h.save(t, group("globex", "B", "E1"), "v1")
	a := group("acme", "Z", "E1")
	a.CarrierID = "aetna"
	h.save(t, a, "v1")
	b := group("acme", "A", "E1")
	h.save(t, b, "v1")
	h.update(t, func(tx store.Tx) error {
		if _, err := tx.AdvanceTransmitted(h.ctx, b.ID, 1); err != nil {
			return err
		}
		if err := tx.SetSubscriberStatus(h.ctx, b.ID, "E1", model.StatusSynced, nil, "r", "s"); err != nil {
			return err
		}
		_, err := tx.RefreshGroupStatus(h.ctx, b.ID, "r", "s")
		return err
	})
	ids := func(f store.GroupFilter) []string {
		t.Helper()
		gs, err := h.st.Groups(h.ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, g := range gs {
			out = append(out, g.PartnerID+"/"+g.ExternalIdentifier)
		}
		return out
	}
	for _, tc := range []struct {
		f    store.GroupFilter
		want []string
	}{
		{store.GroupFilter{}, []string{"acme/A", "acme/Z", "globex/B"}},
		{store.GroupFilter{PartnerID: "acme"}, []string{"acme/A", "acme/Z"}},
		{store.GroupFilter{CarrierID: "aetna"}, []string{"acme/Z"}},
		{store.GroupFilter{Status: model.StatusSynced}, []string{"acme/A"}},
		{store.GroupFilter{Untransmitted: true}, []string{"acme/Z", "globex/B"}},
		{store.GroupFilter{PartnerID: "acme", Untransmitted: true}, []string{"acme/Z"}},
	} {
		if got := ids(tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("Groups(%+v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}

// testCurrentGroupAndIDs: the current version comes back with the state's
// statuses, errors and policy number; GroupIDs lists ids in canonical order.
func testCurrentGroupAndIDs(t *testing.T, h *harness) {
	g := group("acme", "G1", "E2", "E1")
	g.SecondaryLocations = []model.Location{{ID: "l2", ExternalIdentifier: "BR"}}
	g.Subscribers[1].Dependents = append(g.Subscribers[1].Dependents, model.Dependent{ID: "d-c", ExternalIdentifier: "E1-C", FirstName: "C"})
	h.save(t, g, "v1")
	errs := []model.Error{{ErrorType: model.ErrCarrierRule, Message: "bad plan", Parameter: "subscribers[0].enrollments[0].plan_id", Value: "X"}}
	h.update(t, func(tx store.Tx) error {
		if err := tx.SetSubscriberStatus(h.ctx, g.ID, "E1", model.StatusErrors, errs, "rejected", "999"); err != nil {
			return err
		}
		return tx.SetPolicyNumber(h.ctx, g.ID, "POL-9")
	})
	cur, rec, err := h.st.CurrentGroup(h.ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.PolicyNumber != "POL-9" || cur.PolicyNumber != "POL-9" || cur.ID != g.ID || cur.StatusDatetime == nil {
		t.Fatalf("current: %+v / %+v", cur, rec)
	}
	e1 := cur.Subscriber("E1")
	if e1 == nil || e1.Status != model.StatusErrors || len(e1.Errors) != 1 || e1.Errors[0].Message != "bad plan" || e1.Errors[0].Parameter != errs[0].Parameter || e1.StatusDatetime == nil {
		t.Fatalf("E1 in the current group: %+v", e1)
	}
	if e2 := cur.Subscriber("E2"); e2 == nil || e2.Status != model.StatusPending {
		t.Fatalf("E2: %+v", e2)
	}
	subs, _ := h.st.Subscribers(h.ctx, g.ID)
	if len(subs[0].Errors) != 1 || subs[0].Errors[0].ErrorType != model.ErrCarrierRule || subs[0].Errors[0].Value != "X" {
		t.Fatalf("stored errors: %+v", subs[0])
	}
	ids, err := h.st.GroupIDs(h.ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids.Locations) != 2 || ids.Locations[0] != (store.IDRef{ExternalIdentifier: "HQ", ID: "l-G1"}) || ids.Locations[1] != (store.IDRef{ExternalIdentifier: "BR", ID: "l2"}) {
		t.Fatalf("location ids: %+v", ids.Locations)
	}
	if len(ids.Subscribers) != 2 || ids.Subscribers[0].ExternalIdentifier != "E1" || ids.Subscribers[0].Status != model.StatusErrors ||
		ids.Subscribers[0].ID != g.ID+"-s-E1" || ids.Subscribers[1].ExternalIdentifier != "E2" {
		t.Fatalf("subscriber ids: %+v", ids.Subscribers)
	}
	deps := ids.Subscribers[0].Dependents
	if len(deps) != 2 || deps[0] != (store.IDRef{ExternalIdentifier: "E1-C", ID: "d-c"}) || deps[1].ExternalIdentifier != "E1-S" {
		t.Fatalf("dependent ids in external identifier order: %+v", deps)
	}
	// The same read inside a transaction.
	h.update(t, func(tx store.Tx) error {
		in, err := tx.GroupIDs(h.ctx, g.ID)
		if err != nil {
			return err
		}
		if len(in.Subscribers) != 2 {
			t.Errorf("GroupIDs in a transaction: %+v", in)
		}
		return nil
	})
}

// testPolicyNumberAndDigest: SetPolicyNumber and SetSourceDigest stick.
func testPolicyNumberAndDigest(t *testing.T, h *harness) {
	g := group("acme", "G1", "E1")
	h.save(t, g, "v1")
	h.update(t, func(tx store.Tx) error {
		if err := tx.SetPolicyNumber(h.ctx, g.ID, "P-1"); err != nil {
			return err
		}
		return tx.SetSourceDigest(h.ctx, g.ID, "digest-2")
	})
	rec, err := h.st.Group(h.ctx, g.ID)
	if err != nil || rec.PolicyNumber != "P-1" || rec.SourceDigest != "digest-2" {
		t.Fatalf("%+v %v", rec, err)
	}
}

// testNotFound: every single-record read says ErrNotFound for what is not
// there.
func testNotFound(t *testing.T, h *harness) {
	g := group("acme", "G1", "E1")
	h.save(t, g, "v1")
	for name, err := range map[string]error{
		"File":                errOf(h.st.File(h.ctx, "nope")),
		"Group":               errOf(h.st.Group(h.ctx, "nope")),
		"GroupByExternal":     errOf(h.st.GroupByExternal(h.ctx, "acme", "nope")),
		"Version":             errOf(h.st.Version(h.ctx, g.ID, 7)),
		"Transmission":        errOf(h.st.Transmission(h.ctx, "nope")),
		"TransmissionByISA13": errOf(h.st.TransmissionByISA13(h.ctx, "bluecross", 5)),
		"TransmissionByFile":  errOf(h.st.TransmissionByFile(h.ctx, "bluecross", "nope")),
		"AckBySHA":            errOf(h.st.AckBySHA(h.ctx, "bluecross", "nope")),
		"LastBundle":          errOf(h.st.LastBundle(h.ctx, g.ID)),
		"SetSubscriberStatus": h.st.Update(h.ctx, func(tx store.Tx) error {
			return tx.SetSubscriberStatus(h.ctx, g.ID, "nope", model.StatusSynced, nil, "", "")
		}),
		"RefreshGroupStatus":   h.st.Update(h.ctx, func(tx store.Tx) error { return errOf(tx.RefreshGroupStatus(h.ctx, "nope", "", "")) }),
		"TransmissionGroupMbr": h.st.Update(h.ctx, func(tx store.Tx) error { return errOf(tx.TransmissionGroupMembers(h.ctx, "nope", g.ID)) }),
	} {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
	if _, _, err := h.st.CurrentGroup(h.ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CurrentGroup: %v", err)
	}
	if at, err := h.st.LastRun(h.ctx, "never"); err != nil || !at.IsZero() {
		t.Errorf("LastRun of a job never run: %v %v, want zero", at, err)
	}
}

// errOf keeps the error of a two-result call.
func errOf[T any](_ T, err error) error { return err }
