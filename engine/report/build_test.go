package report

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/store/sqlite"
	"github.com/onboard/onboard/engine/transport"
)

// buildFixture is a real SQLite store with a manual clock.
type buildFixture struct {
	t   *testing.T
	ctx context.Context
	now time.Time
	st  *sqlite.Store
	cfg *config.Config
	dir string
}

func newBuildFixture(t *testing.T) *buildFixture {
	t.Helper()
	dir := t.TempDir()
	f := &buildFixture{t: t, ctx: context.Background(), now: time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC), dir: dir}
	st, err := sqlite.Open(f.ctx, filepath.Join(dir, "onboard.db"), sqlite.WithClock(func() time.Time { return f.now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f.st = st
	f.cfg = &config.Config{
		Reports: config.Reports{Dir: filepath.Join(dir, "reports")},
		Partners: []config.Partner{
			{ID: "acme", Name: "ACME Benefits", Outbound: config.Folder{Dir: filepath.Join(dir, "acme-out")}},
			{ID: "zenith", Name: "Zenith HR", Outbound: config.Folder{Dir: filepath.Join(dir, "zenith-out")}},
		},
		Carriers: []config.Carrier{{ID: "bluecross", Name: "Blue Cross Example", AckTimeout: config.Duration(48 * time.Hour)}},
	}
	return f
}

func (f *buildFixture) update(fn func(tx store.Tx) error) {
	f.t.Helper()
	if err := f.st.Update(f.ctx, fn); err != nil {
		f.t.Fatal(err)
	}
}

// group stores a group of two subscribers from a claimed partner file.
func (f *buildFixture) group(partner, ext, employer string) string {
	f.t.Helper()
	f.now = f.now.Add(time.Minute)
	file, _, err := f.st.ClaimFile(f.ctx, partner, ext+"-census.csv", "sha-"+ext, 100)
	if err != nil {
		f.t.Fatal(err)
	}
	g := &model.Group{ID: "id-" + ext, ExternalIdentifier: ext, PartnerID: partner, CarrierID: "bluecross",
		Employer: model.Employer{OrganizationName: employer, FEIN: "123456789"},
		Subscribers: []model.Subscriber{
			{ID: "s1-" + ext, ExternalIdentifier: "E1", FirstName: "A", LastName: "B"},
			{ID: "s2-" + ext, ExternalIdentifier: "E2", FirstName: "C", LastName: "D"},
		}}
	f.update(func(tx store.Tx) error {
		_, err := tx.SaveGroup(f.ctx, g, store.Save{FileID: file.ID, ContentHash: "h-" + ext,
			SubscriberHashes: map[string]string{"E1": "1", "E2": "2"}, Reason: "accepted", Source: "intake"})
		return err
	})
	return g.ID
}

// transmit delivers the group (submitted).
func (f *buildFixture) transmit(groupID, trID, name string, isa13 int64) {
	f.t.Helper()
	f.now = f.now.Add(time.Minute)
	f.update(func(tx store.Tx) error {
		rec, err := tx.Group(f.ctx, groupID)
		if err != nil {
			return err
		}
		if err := tx.CreateTransmission(f.ctx, store.TransmissionRecord{ID: trID, CarrierID: "bluecross", FileName: name, ISA13: isa13},
			[]store.TransmissionGroup{{GroupID: groupID, Version: rec.Version, ST02: 1}}); err != nil {
			return err
		}
		if err := tx.MarkDelivered(f.ctx, trID, f.now); err != nil {
			return err
		}
		for _, s := range []string{"E1", "E2"} {
			if err := tx.SetSubscriberStatus(f.ctx, groupID, s, model.StatusSubmitted, nil, "sent", "transmit"); err != nil {
				return err
			}
		}
		_, err = tx.RefreshGroupStatus(f.ctx, groupID, "sent", "transmit")
		return err
	})
}

// ack answers the transmission: E1 synced, E2 as given.
func (f *buildFixture) ack(groupID, trID string, e2 model.Status, policy string) {
	f.t.Helper()
	f.now = f.now.Add(time.Minute)
	f.update(func(tx store.Tx) error {
		if err := tx.SetTransmissionAck(f.ctx, trID, store.AckFinal, "accepted", f.now); err != nil {
			return err
		}
		if err := tx.RecordAck(f.ctx, store.AckRecord{ID: "a-" + trID, CarrierID: "bluecross", FileName: trID + ".csv", SHA256: trID,
			Kind: "result", TransmissionID: trID, Result: "accepted"}); err != nil {
			return err
		}
		if err := tx.SetSubscriberStatus(f.ctx, groupID, "E1", model.StatusSynced, nil, "accepted", "acks"); err != nil {
			return err
		}
		var errs []model.Error
		if e2 == model.StatusErrors {
			errs = []model.Error{{ErrorType: "carrier_error", Message: "The carrier does not cover this ZIP code."}}
		}
		if err := tx.SetSubscriberStatus(f.ctx, groupID, "E2", e2, errs, "answered", "acks"); err != nil {
			return err
		}
		if err := tx.SetPolicyNumber(f.ctx, groupID, policy); err != nil {
			return err
		}
		_, err := tx.RefreshGroupStatus(f.ctx, groupID, "answered", "acks")
		return err
	})
}

func localOpen(t *testing.T) Opener {
	return func(ctx context.Context, f config.Folder) (transport.Folder, error) {
		if strings.HasSuffix(f.Dir, "down") {
			return nil, errors.New("connection refused")
		}
		l, err := transport.NewLocal(f.Dir)
		if err == nil {
			t.Cleanup(func() { l.Close() })
		}
		return l, err
	}
}

// scenario builds: acme G-1 synced, acme G-2 errors, acme G-3 submitted
// long ago (overdue), zenith Z-1 pending with a recorded LDEx action.
func scenario(t *testing.T) *buildFixture {
	f := newBuildFixture(t)
	g1 := f.group("acme", "G-1", "Harbor & Pine Bakery")
	f.transmit(g1, "t1", "bluecross-000000001.834", 1)
	f.ack(g1, "t1", model.StatusSynced, "BCX-1")

	g2 := f.group("acme", "G-2", "=cmd|' /C calc'!A0")
	f.transmit(g2, "t2", "bluecross-000000002.834", 2)
	f.ack(g2, "t2", model.StatusErrors, "")

	g3 := f.group("acme", "G-3", "Lakeside Dental")
	f.transmit(g3, "t3", "bluecross-000000003.834", 3)

	z1 := f.group("zenith", "Z-1", "Zenith Client Co")
	f.update(func(tx store.Tx) error {
		return tx.SetPendingAction(f.ctx, store.PendingAction{GroupID: z1, Kind: "ldex", Message: "LDEx bundle waiting: no policy number",
			Since: f.now.Add(-72 * time.Hour)})
	})
	f.now = f.now.Add(50 * time.Hour) // G-3's acknowledgement is now overdue
	return f
}

func TestBuildRows(t *testing.T) {
	f := scenario(t)
	rows, err := Build(f.ctx, f.st, f.cfg, f.now)
	if err != nil {
		t.Fatal(err)
	}
	byExt := map[string]Row{}
	var order []string
	for _, r := range rows {
		byExt[r.GroupExternalID] = r
		order = append(order, r.GroupExternalID)
	}
	if want := []string{"G-1", "G-2", "G-3", "Z-1"}; !slices.Equal(order, want) {
		t.Fatalf("rows %v, want %v", order, want)
	}
	g1, g2, g3, z1 := byExt["G-1"], byExt["G-2"], byExt["G-3"], byExt["Z-1"]
	t0 := time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		got, want any
	}{
		{"G-1 partner", g1.Partner + "/" + g1.PartnerName, "acme/ACME Benefits"},
		{"G-1 employer", g1.Employer, "Harbor & Pine Bakery"},
		{"G-1 status", g1.Status, "synced"},
		{"G-1 subscribers", g1.SubscribersByStatus, map[string]int{"pending": 0, "submitted": 0, "synced": 2, "errors": 0}},
		{"G-1 last file", g1.LastFileReceived, "G-1-census.csv"},
		{"G-1 last file at", g1.LastFileAt, t0.Add(time.Minute)},
		{"G-1 last transmission", g1.LastTransmission, "bluecross-000000001.834"},
		{"G-1 last transmission at", g1.LastTransmissionAt, t0.Add(2 * time.Minute)},
		{"G-1 last ack", g1.LastAck, "result file"},
		{"G-1 ack counts: its own members only", g1.AckCounts, "2 accepted · 0 rejected"},
		{"G-2 ack counts: its own members only", g2.AckCounts, "1 accepted · 1 rejected"},
		{"G-2 errors name the member", g2.ErrorDetails, []ErrorDetail{{Member: "E2", Message: "The carrier does not cover this ZIP code."}}},
		{"G-2 history ends in errors", lastTo(g2.History), "errors"},
		{"G-1 history ends in synced", lastTo(g1.History), "synced"},
		{"G-1 policy", g1.PolicyNumber, "BCX-1"},
		{"G-1 no action", g1.PendingAction, ""},
		{"G-2 status", g2.Status, "errors"},
		{"G-2 errors", g2.ErrorCount, 1},
		{"G-2 top errors", g2.TopErrors, []string{"The carrier does not cover this ZIP code."}},
		{"G-2 action", g2.PendingAction, "partner to fix 1 error(s) and send an updated file"},
		{"G-3 status", g3.Status, "submitted"},
		{"G-3 overdue action", g3.PendingAction, "carrier bluecross has not acknowledged bluecross-000000003.834 (ISA13 000000003) within 48h0m0s: ask the carrier whether it received the file"},
		{"G-3 overdue since", g3.PendingSince, t0.Add(8*time.Minute + 48*time.Hour)},
		{"G-3 no ack", g3.LastAck, ""},
		{"Z-1 recorded action", z1.PendingAction, "LDEx bundle waiting: no policy number"},
		{"Z-1 status", z1.Status, "pending"},
		{"Z-1 partner name", z1.PartnerName, "Zenith HR"},
	}
	for _, tt := range tests {
		if !equal(tt.got, tt.want) {
			t.Errorf("%s = %#v, want %#v", tt.name, tt.got, tt.want)
		}
	}
}

func equal(a, b any) bool {
	switch x := a.(type) {
	case time.Time:
		return x.Equal(b.(time.Time))
	case []string:
		return slices.Equal(x, b.([]string))
	case map[string]int:
		y := b.(map[string]int)
		if len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if y[k] != v {
				return false
			}
		}
		return true
	case []ErrorDetail:
		return slices.Equal(x, b.([]ErrorDetail))
	}
	return a == b
}

func TestBuildOverdueNeedsTimeout(t *testing.T) {
	f := scenario(t)
	f.cfg.Carriers[0].AckTimeout = 0
	rows, err := Build(f.ctx, f.st, f.cfg, f.now)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.GroupExternalID == "G-3" && !strings.HasPrefix(r.PendingAction, "awaiting carrier acknowledgement") {
			t.Errorf("without ack_timeout G-3's action is %q", r.PendingAction)
		}
	}
}

func TestPublish(t *testing.T) {
	f := scenario(t)
	if err := Publish(f.ctx, f.st, f.cfg, localOpen(t), f.now); err != nil {
		t.Fatal(err)
	}
	read := func(parts ...string) string {
		t.Helper()
		p := filepath.Join(append([]string{f.dir}, parts...)...)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	all := read("reports", "status.csv")
	for _, ext := range []string{"G-1", "G-2", "G-3", "Z-1"} {
		if !strings.Contains(all, ","+ext+",") {
			t.Errorf("reports/status.csv lacks %s", ext)
		}
	}
	if !strings.Contains(all, `'=cmd|`) {
		t.Errorf("hostile employer not neutralised in the CSV:\n%s", all)
	}
	if html := read("reports", "status.html"); !strings.Contains(html, "Zenith Client Co") || !strings.Contains(html, "Harbor &amp; Pine Bakery") {
		t.Errorf("reports/status.html lacks a partner's groups")
	}
	acme := read("acme-out", "reports", "status.csv") + read("acme-out", "reports", "status.html")
	if !strings.Contains(acme, "G-3") || strings.Contains(acme, "Z-1") || strings.Contains(acme, "Zenith") {
		t.Errorf("acme's reports hold another partner's rows")
	}
	zenith := read("zenith-out", "reports", "status.csv")
	if !strings.Contains(zenith, "Z-1") || strings.Contains(zenith, "G-1") {
		t.Errorf("zenith's report:\n%s", zenith)
	}
	for _, c := range []struct {
		path []string
		mode os.FileMode
	}{{[]string{"reports", "status.csv"}, LocalMode}, {[]string{"acme-out", "reports", "status.html"}, PartnerMode}} {
		fi, err := os.Stat(filepath.Join(append([]string{f.dir}, c.path...)...))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != c.mode {
			t.Errorf("%v mode %v, want %v", c.path, fi.Mode().Perm(), c.mode)
		}
	}
	// No temporary files are left behind.
	entries, err := os.ReadDir(filepath.Join(f.dir, "reports"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Errorf("reports dir holds %d entries, want 2", len(entries))
	}
}

// TestPublishGoesOnPastAFailingFolder: one partner's unreachable outbound
// does not stop the other reports.
func TestPublishGoesOnPastAFailingFolder(t *testing.T) {
	f := scenario(t)
	f.cfg.Partners[0].Outbound.Dir = filepath.Join(f.dir, "down")
	err := Publish(f.ctx, f.st, f.cfg, localOpen(t), f.now)
	if err == nil || !strings.Contains(err.Error(), "partner acme") {
		t.Fatalf("want acme's failure, got %v", err)
	}
	for _, p := range []string{"reports/status.csv", "zenith-out/reports/status.html"} {
		if _, err := os.Stat(filepath.Join(f.dir, p)); err != nil {
			t.Errorf("%s not written: %v", p, err)
		}
	}
}

// lastTo is the status a history ends in ("" for none).
func lastTo(h []HistoryEntry) string {
	if len(h) == 0 {
		return ""
	}
	return h[len(h)-1].To
}
