package silence

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/store/sqlite"
)

func TestQuietPartner(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "onboard.db"), sqlite.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := &config.Config{Partners: []config.Partner{
		{ID: "acme", Name: "ACME Benefits", Expect: &config.Expect{Every: config.Duration(8 * 24 * time.Hour)}},
		{ID: "beta", Name: "Beta"}, // no expect: never quiet
	}}
	quiet := func(at time.Time) []Partner {
		t.Helper()
		q, err := Quiet(ctx, st, cfg, at)
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	// Not watched yet: nothing to measure from.
	if q := quiet(now.Add(100 * 24 * time.Hour)); len(q) != 0 {
		t.Fatalf("quiet before onboard expected anything: %+v", q)
	}
	for _, p := range cfg.Partners {
		if err := Watch(ctx, st, &p, now); err != nil {
			t.Fatal(err)
		}
	}
	// Watch records the first time only.
	if err := Watch(ctx, st, &cfg.Partners[0], now.Add(5*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if q := quiet(now.Add(8 * 24 * time.Hour)); len(q) != 0 {
		t.Fatalf("quiet at exactly expect.every: %+v", q)
	}
	q := quiet(now.Add(9 * 24 * time.Hour))
	if len(q) != 1 || q[0].PartnerID != "acme" || !q[0].Since.Equal(now.Add(8*24*time.Hour)) ||
		!strings.Contains(q[0].Action, "no file from ACME Benefits since onboard started expecting one on 2027-03-01 (expected every 8d)") {
		t.Fatalf("never sent: %+v", q)
	}

	// A file arrives on day 9: quiet again only 8 days after it.
	now = now.Add(9 * 24 * time.Hour)
	if _, _, err := st.ClaimFile(ctx, "acme", "census.csv", "abc", 10); err != nil {
		t.Fatal(err)
	}
	if q := quiet(now.Add(7 * 24 * time.Hour)); len(q) != 0 {
		t.Fatalf("quiet a week after a file: %+v", q)
	}
	q = quiet(now.Add(10 * 24 * time.Hour))
	if len(q) != 1 || !q[0].LastFile.Equal(now) || !strings.Contains(q[0].Action, "no file from ACME Benefits since 2027-03-10 (expected every 8d)") {
		t.Fatalf("after a file: %+v", q)
	}
}
