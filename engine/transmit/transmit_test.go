package transmit

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/formats/fixedwidth"
)

var (
	firstRun  = time.Date(2027, 1, 15, 9, 30, 0, 0, time.UTC)
	updateRun = time.Date(2027, 3, 15, 14, 5, 9, 0, time.UTC)
)

// transmission returns the recorded transmission of a delivered file and its groups.
func (e *env) transmission(file string) (*store.TransmissionRecord, []store.TransmissionGroup) {
	e.t.Helper()
	rec, err := e.st.TransmissionByFile(e.ctx, e.carrier.ID, file)
	if err != nil {
		e.t.Fatal(err)
	}
	groups, err := e.st.TransmissionGroups(e.ctx, rec.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return rec, groups
}

// statuses returns "GROUP/SUBSCRIBER" → status, and "GROUP" → group status.
func (e *env) statuses() map[string]model.Status {
	e.t.Helper()
	gs, err := e.st.Groups(e.ctx, store.GroupFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]model.Status{}
	for _, g := range gs {
		out[g.ExternalIdentifier] = g.Status
		subs, err := e.st.Subscribers(e.ctx, g.ID)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, s := range subs {
			out[g.ExternalIdentifier+"/"+s.ExternalIdentifier] = s.Status
		}
	}
	return out
}

// ackAll plays the carrier accepting every delivered transmission.
func (e *env) ackAll() {
	e.t.Helper()
	trs, err := e.st.Transmissions(e.ctx, store.TransmissionFilter{CarrierID: e.carrier.ID, Unacknowledged: true})
	if err != nil {
		e.t.Fatal(err)
	}
	err = e.st.Update(e.ctx, func(tx store.Tx) error {
		for _, tr := range trs {
			if err := tx.SetTransmissionAck(e.ctx, tr.ID, store.AckFinal, "accepted", e.clock.now()); err != nil {
				return err
			}
			groups, err := tx.TransmissionGroups(e.ctx, tr.ID)
			if err != nil {
				return err
			}
			for _, g := range groups {
				ms, err := store.DecodeMembers(g.Members)
				if err != nil {
					return err
				}
				for _, m := range ms {
					if err := tx.SetSubscriberStatus(e.ctx, g.GroupID, m.Subscriber, model.StatusSynced, nil, "accepted", tr.FileName); err != nil {
						return err
					}
				}
				if _, err := tx.RefreshGroupStatus(e.ctx, g.GroupID, "accepted", tr.FileName); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

func wantStatuses(t *testing.T, got map[string]model.Status, want map[string]model.Status) {
	t.Helper()
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if got[k] != want[k] {
			t.Errorf("status of %s: %s, want %s", k, got[k], want[k])
		}
	}
}

func TestDeliveries(t *testing.T) {
	const (
		P, S, Y = model.StatusPending, model.StatusSubmitted, model.StatusSynced
	)
	tests := []struct {
		name    string
		carrier func() *config.Carrier
		goldens [2]string
		// after the update, with the first delivery acknowledged
		want map[string]model.Status
	}{
		{name: "x12 change", carrier: func() *config.Carrier { return testCarrier(config.ModeChange) },
			goldens: [2]string{"census-change.834", "update-change.834"},
			want: map[string]model.Status{"GCM-001": S, "GCM-001/E1001": Y, "GCM-001/E1002": Y, "GCM-001/E1003": S,
				"PDP-014": S, "PDP-014/P-77": Y, "PDP-014/P-78": S}},
		{name: "x12 full", carrier: func() *config.Carrier { return testCarrier(config.ModeFull) },
			goldens: [2]string{"census-full.834", "update-full.834"},
			want: map[string]model.Status{"GCM-001": S, "GCM-001/E1001": S, "GCM-001/E1002": S, "GCM-001/E1003": S,
				"PDP-014": S, "PDP-014/P-77": S, "PDP-014/P-78": S}},
		{name: "fixed-width layout", carrier: func() *config.Carrier { return layoutCarrier(t) },
			goldens: [2]string{"census-layout.txt", "update-layout.txt"},
			want: map[string]model.Status{"GCM-001": S, "GCM-001/E1001": Y, "GCM-001/E1002": Y, "GCM-001/E1003": S,
				"PDP-014": S, "PDP-014/P-77": Y, "PDP-014/P-78": S}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.carrier())
			for _, g := range censusSmall() {
				e.save(g)
			}
			wantStatuses(t, e.statuses(), map[string]model.Status{"GCM-001": P, "GCM-001/E1001": P, "PDP-014": P, "PDP-014/P-78": P})

			res := e.run(firstRun)
			ext := e.tr.format.extension()
			first := "bluecross-20270115093000-000000001." + ext
			if len(res.Deliveries) != 1 || res.Deliveries[0].FileName != first || res.Deliveries[0].Groups != 2 {
				t.Fatalf("first run: %+v", res)
			}
			files := e.inboxFiles()
			if len(files) != 1 || files[first] == nil {
				t.Fatalf("inbox after the first run: %v", slices.Sorted(maps.Keys(files)))
			}
			golden(t, tc.goldens[0], files[first])
			e.checkFile(first, files[first])
			wantStatuses(t, e.statuses(), map[string]model.Status{"GCM-001": S, "GCM-001/E1001": S, "GCM-001/E1002": S, "GCM-001/E1003": S,
				"PDP-014": S, "PDP-014/P-77": S, "PDP-014/P-78": S})

			e.ackAll()
			e.clock.t = firstRun.Add(24 * time.Hour)
			for _, g := range censusUpdate() {
				e.save(g)
			}
			res = e.run(updateRun)
			second := "bluecross-20270315140509-000000002." + ext
			if len(res.Deliveries) != 1 || res.Deliveries[0].FileName != second {
				t.Fatalf("update run: %+v", res)
			}
			files = e.inboxFiles()
			if len(files) != 2 || !bytes.Equal(files[first], files[first]) {
				t.Fatalf("inbox after the update: %v", slices.Sorted(maps.Keys(files)))
			}
			golden(t, tc.goldens[1], files[second])
			e.checkFile(second, files[second])
			wantStatuses(t, e.statuses(), tc.want)

			// Nothing changed since: nothing is sent.
			res = e.run(updateRun.Add(time.Hour))
			if len(res.Deliveries) != 0 || res.Advanced != 0 || len(e.inboxFiles()) != 2 {
				t.Fatalf("idle run: %+v, %d files", res, len(e.inboxFiles()))
			}
			for _, g := range []string{"0b9c7a52-0001-4000-8000-000000000001", "0b9c7a52-0002-4000-8000-000000000002"} {
				rec, err := e.st.Group(e.ctx, g)
				if err != nil || rec.TransmittedVersion != 2 || rec.Version != 2 {
					t.Fatalf("group %s: %+v %v", g, rec, err)
				}
			}
		})
	}
}

// layoutCarrier is a carrier that takes the example fixed-width layout.
func layoutCarrier(t testing.TB) *config.Carrier {
	t.Helper()
	l, err := fixedwidth.LoadLayout("testdata/example-fixed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := testCarrier(config.ModeChange)
	c.Format, c.Layout = "testdata/example-fixed.yaml", l
	return c
}

// checkFile checks a delivered file against its record: an 834 is read
// back with the tokenizer; a layout file's recorded member positions name
// the member's record.
func (e *env) checkFile(name string, data []byte) {
	e.t.Helper()
	rec, groups := e.transmission(name)
	if rec.State != store.TransmissionDelivered || rec.DeliveredAt.IsZero() {
		e.t.Errorf("transmission %s: state %s, delivered at %v", name, rec.State, rec.DeliveredAt)
	}
	if e.carrier.IsX12() {
		checkInterchange(e.t, data, rec, groups)
		return
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n")
	total := 0
	for _, g := range groups {
		ms, err := store.DecodeMembers(g.Members)
		if err != nil {
			e.t.Fatal(err)
		}
		total += len(ms)
		for _, m := range ms {
			id := m.Subscriber
			if m.Dependent != "" {
				id = m.Dependent
			}
			if m.First != m.Last || m.First < 1 || m.First > len(lines) {
				e.t.Errorf("member %+v: position outside the %d records", m, len(lines))
				continue
			}
			if line := lines[m.First-1]; !strings.HasPrefix(line, "DTL") || strings.TrimSpace(line[39:54]) != id {
				e.t.Errorf("member %+v: record %d is %q", m, m.First, line[:60])
			}
		}
	}
	if total != rec.Members {
		e.t.Errorf("%d members recorded per group, %d on the transmission", total, rec.Members)
	}
}

// TestRejectedNotResent checks that a transmission the carrier rejected is
// not sent again by itself, and that the partner's corrected version is.
func TestRejectedNotResent(t *testing.T) {
	e := newEnv(t, testCarrier(config.ModeChange))
	for _, g := range censusSmall() {
		e.save(g)
	}
	res := e.run(firstRun)
	rec, groups := e.transmission(res.Deliveries[0].FileName)
	rejection := []model.Error{{ErrorType: model.ErrCarrierError, Message: "The carrier rejected the member."}}
	err := e.st.Update(e.ctx, func(tx store.Tx) error {
		if err := tx.SetTransmissionAck(e.ctx, rec.ID, store.AckRejected, "rejected", firstRun); err != nil {
			return err
		}
		if err := tx.SetSubscriberStatus(e.ctx, groups[1].GroupID, "P-78", model.StatusErrors, rejection, "rejected", "999"); err != nil {
			return err
		}
		_, err := tx.RefreshGroupStatus(e.ctx, groups[1].GroupID, "rejected", "999")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if res := e.run(firstRun.Add(time.Hour)); len(res.Deliveries) != 0 || res.Advanced != 0 {
		t.Fatalf("a run after the rejection: %+v", res)
	}
	wantStatuses(t, e.statuses(), map[string]model.Status{"PDP-014": model.StatusErrors, "PDP-014/P-78": model.StatusErrors})

	gs := censusSmall()
	gs[1].Subscriber("P-78").BirthDate = "1969-06-12" // the correction
	e.save(gs[1])
	res = e.run(updateRun)
	if len(res.Deliveries) != 1 || res.Deliveries[0].Members != 1 {
		t.Fatalf("a run after the correction: %+v", res)
	}
	wantStatuses(t, e.statuses(), map[string]model.Status{"PDP-014": model.StatusSubmitted, "PDP-014/P-78": model.StatusSubmitted})
}
