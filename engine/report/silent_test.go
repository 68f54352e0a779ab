package report

import (
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/silence"
)

// A partner silent past its expect.every is a row of the operator's
// report (status "silent", its pending action) and not of the partner's.
func TestSilentPartnerRow(t *testing.T) {
	f := newBuildFixture(t)
	f.cfg.Partners[1].Expect = &config.Expect{Every: config.Duration(7 * 24 * time.Hour)}
	f.group("acme", "G-1", "Acme Employer")
	if err := silence.Watch(f.ctx, f.st, &f.cfg.Partners[1], f.now); err != nil {
		t.Fatal(err)
	}
	rows, err := Build(f.ctx, f.st, f.cfg, f.now.Add(8*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var silent []Row
	for _, r := range rows {
		if r.Silent {
			silent = append(silent, r)
		}
	}
	if len(silent) != 1 || silent[0].Partner != "zenith" || silent[0].Status != StatusSilent ||
		!strings.Contains(silent[0].PendingAction, "no file from Zenith HR since onboard started expecting one") ||
		!silent[0].PendingSince.Equal(f.now.Add(7*24*time.Hour)) {
		t.Fatalf("silent rows: %+v", silent)
	}
	if got := ForPartner(rows, "zenith"); len(got) != 0 {
		t.Fatalf("the partner's own report shows the alarm: %+v", got)
	}
	if rows, _ := Build(f.ctx, f.st, f.cfg, f.now.Add(6*24*time.Hour)); len(rows) != 1 {
		t.Fatalf("rows before the silence is due: %+v", rows)
	}
}
