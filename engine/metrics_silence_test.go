package engine

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/silence"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/store/sqlite"
)

func TestSilenceMetrics(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "onboard.db"), sqlite.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := &config.Config{
		Partners: []config.Partner{{ID: "acme", Name: "ACME", Expect: &config.Expect{Every: config.Duration(8 * 24 * time.Hour)}}, {ID: "beta", Name: "Beta"}},
		Carriers: []config.Carrier{{ID: "bluecross", AckTimeout: config.Duration(48 * time.Hour)}},
	}
	if err := silence.Watch(ctx, st, &cfg.Partners[0], now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.ClaimFile(ctx, "beta", "b.csv", "abc", 1); err != nil {
		t.Fatal(err)
	}
	// Two deliveries: one three days old (overdue), one an hour old.
	err = st.Update(ctx, func(tx store.Tx) error {
		for i, age := range []time.Duration{72 * time.Hour, time.Hour} {
			id := []string{"t1", "t2"}[i]
			if err := tx.CreateTransmission(ctx, store.TransmissionRecord{ID: id, CarrierID: "bluecross", FileName: id + ".834", Format: "x12-834",
				Mode: "change", ISA13: int64(i + 1), GS06: int64(i + 1), State: store.TransmissionBuilding, CreatedAt: now.Add(-age)}, nil); err != nil {
				return err
			}
			if err := tx.MarkDelivered(ctx, id, now.Add(-age)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	m := NewMetrics()
	if err := m.watchSilence(st, cfg, func() time.Time { return now }); err != nil {
		t.Fatal(err)
	}
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range fams {
		for _, mt := range f.GetMetric() {
			var labels []string
			for _, l := range mt.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			got[f.GetName()+"{"+strings.Join(labels, ",")+"}"] = mt.GetGauge().GetValue()
		}
	}
	for name, v := range map[string]float64{
		"onboard_partner_expect_every_seconds{partner=acme}":                    8 * 24 * 3600,
		"onboard_partner_last_file_timestamp_seconds{partner=acme}":             float64(now.Add(-time.Hour).Unix()),
		"onboard_partner_last_file_timestamp_seconds{partner=beta}":             float64(now.Unix()),
		"onboard_transmissions_unacknowledged{carrier=bluecross,overdue=false}": 1,
		"onboard_transmissions_unacknowledged{carrier=bluecross,overdue=true}":  1,
	} {
		if g, ok := got[name]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", name, g, ok, v)
		}
	}
	if _, ok := got["onboard_partner_expect_every_seconds{partner=beta}"]; ok {
		t.Error("a partner without expect has an expect_every series")
	}
}
