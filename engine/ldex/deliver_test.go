package ldex

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	ldexfmt "github.com/onboard/onboard/formats/ldex"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func TestBundleMatchesStore(t *testing.T) {
	f := newFixture(t)
	g := sampleGroup("GCM-001")
	f.onboard(g, "BCX-778812")

	res := f.run(Scope{})
	if len(res.Delivered) != 1 || len(res.Problems) != 0 {
		t.Fatalf("want one bundle, no problems: %+v", res)
	}
	files := f.files("ldex")
	if want := []string{"ldex/GCM-001/bundle-001.json"}; !slices.Equal(files, want) {
		t.Fatalf("files %v, want %v", files, want)
	}
	b, data := f.readBundle(files[0])

	if err := ldexfmt.ValidateAgainstSchema(data); err != nil {
		t.Errorf("bundle does not validate: %v", err)
	}
	fi, err := os.Stat(filepath.Join(f.outbound, files[0]))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("bundle mode %v, want 0600", fi.Mode().Perm())
	}
	for _, secret := range []string{"412551201", "412-55-1201", "59-1234567", "591234567"} {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("bundle holds an SSN or raw FEIN %q", secret)
		}
	}

	rec, err := f.st.Group(f.ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"partner", b.Partner, ldexfmt.Party{ID: "acme", Name: "ACME Benefits"}},
		{"organization", b.Customer.OrganizationName, "Gulf Coast Marine Supply LLC"},
		{"external id", b.Customer.ExternalIdentifier, "GCM-001"},
		{"fein", b.Customer.FEIN.String(), "**-***4567"},
		{"locations", b.Customer.LocationsCount, 2},
		{"subscribers (E1003 ended)", b.Customer.SubscriberCount, 2},
		{"dependents", b.Customer.DependentCount, 2},
		{"address", b.Customer.Address.City + " " + b.Customer.Address.Zip, "Defuniak Springs 32435"},
		{"carrier", b.Policy.Carrier, ldexfmt.Party{ID: "bluecross", Name: "Blue Cross Example"}},
		{"policy number", b.Policy.PolicyNumber, rec.PolicyNumber},
		{"status", b.Policy.Status, "synced"},
		{"status time", b.Policy.StatusDatetime.Equal(rec.StatusDatetime), true},
		{"effective date", b.Policy.EffectiveDate, "2026-07-01"},
		{"product lines", b.Policy.ProductLines, []string{"medical", "dental", "vision", "basic_life"}},
		{"coverages", b.Coverages, []ldexfmt.Coverage{
			{ProductLine: "medical", Subscribers: 2, Dependents: 2, ByCoverageLevel: map[string]int{"family": 1, "employee_only": 1}},
			{ProductLine: "dental", Subscribers: 2, Dependents: 2, ByCoverageLevel: map[string]int{"family": 1, "employee_only": 1}},
			{ProductLine: "vision", Subscribers: 1, Dependents: 0, ByCoverageLevel: map[string]int{"employee_only": 1}},
			{ProductLine: "basic_life", Subscribers: 2, Dependents: 0, ByCoverageLevel: map[string]int{"employee_only": 2}},
		}},
		{"plans", b.Plans, []ldexfmt.Plan{
			{PlanID: "BC-HMO-250", Name: "HMO 250", ProductLine: "medical", Enrolled: 1},
			{PlanID: "BC-PPO-500", Name: "PPO 500", ProductLine: "medical", Enrolled: 1},
			{PlanID: "BC-DEN-STD", Name: "Dental Standard", ProductLine: "dental", Enrolled: 2},
			{PlanID: "BC-VIS-BASIC", Name: "Vision Basic", ProductLine: "vision", Enrolled: 1},
			{PlanID: "BC-LIFE-50K", Name: "Basic Life 50K", ProductLine: "basic_life", Enrolled: 2},
		}},
		{"rate plans", []string{b.Rates[0].PlanID, b.Rates[1].PlanID, b.Rates[2].PlanID, b.Rates[3].PlanID, b.Rates[4].PlanID},
			[]string{"BC-DEN-STD", "BC-HMO-250", "BC-LIFE-50K", "BC-PPO-500", "BC-VIS-BASIC"}},
		{"PPO premiums", b.Rates[3].MonthlyPremium, map[string]ldexfmt.Money{"employee_only": 51200, "employee_spouse": 102400, "employee_children": 92160, "family": 143360}},
		{"rate totals", []ldexfmt.Money{b.Rates[0].MonthlyTotal, b.Rates[1].MonthlyTotal, b.Rates[2].MonthlyTotal, b.Rates[3].MonthlyTotal, b.Rates[4].MonthlyTotal},
			[]ldexfmt.Money{15900, 43100, 1250, 143360, 950}},
		{"enrolled by level", b.Rates[0].Enrolled, map[string]int{"family": 1, "employee_only": 1}},
		{"estimated total", b.EstimatedMonthlyTotal.String(), "2045.60"},
		{"transmission", []string{b.Transmission.GroupID, b.Transmission.LastTransmissionID, b.Transmission.ISA13, b.Transmission.LastAckResult},
			[]string{g.ID, "tr-1", "000000001", "accepted"}},
		{"file names", b.Transmission.FileNames, []string{"bluecross-000000001.834"}},
		{"generated at", b.GeneratedAt, f.clock.Now().Truncate(time.Second)},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	msgs := b.Transmission.StatusMessages
	if len(msgs) == 0 || msgs[0].Status != "synced" || !strings.HasPrefix(msgs[0].Message, "The group moved from submitted to synced: answered in tr-1") {
		t.Errorf("newest status message is not the group's sync: %+v", msgs)
	}
	for i := 1; i < len(msgs); i++ {
		if msgs[i].At.After(msgs[i-1].At) {
			t.Fatalf("status messages not newest first at %d", i)
		}
	}
	golden(t, "bundle.golden.json", data)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update after checking):\n%s", name, got)
	}
}

// TestOneBundlePerChange is the acceptance flow: one bundle per synced
// group, none on a rerun, exactly one more for the group that changed.
func TestOneBundlePerChange(t *testing.T) {
	f := newFixture(t)
	g1, g2 := sampleGroup("G-1"), sampleGroup("G-2")
	f.onboard(g1, "P-1")
	f.onboard(g2, "P-2")

	res := f.run(Scope{})
	if len(res.Delivered) != 2 {
		t.Fatalf("first run delivered %d bundles, want 2", len(res.Delivered))
	}
	first := f.files("ldex")

	res = f.run(Scope{})
	if len(res.Delivered) != 0 || res.Unchanged != 2 {
		t.Fatalf("rerun delivered %d (unchanged %d), want 0 (2)", len(res.Delivered), res.Unchanged)
	}
	if got := f.files("ldex"); !slices.Equal(got, first) {
		t.Fatalf("rerun changed the outbound folder: %v", got)
	}

	// One subscriber of G-1 changes plan. While the change travels to the
	// carrier the group gets nothing, not even feedback.
	g1.Subscribers[1].Enrollments[0] = enr("medical", "BC-PPO-500", "employee_only")
	f.save(g1)
	if res := f.run(Scope{}); len(res.Delivered) != 0 || len(res.Problems) != 0 {
		t.Fatalf("pending group got output: %+v", res)
	}
	tr := f.transmit(g1.ID)
	if res := f.run(Scope{}); len(res.Delivered) != 0 || len(res.Problems) != 0 {
		t.Fatalf("submitted group got output: %+v", res)
	}
	f.ack(g1.ID, tr, "")

	res = f.run(Scope{})
	if len(res.Delivered) != 1 || res.Delivered[0].ExternalIdentifier != "G-1" {
		t.Fatalf("after the change: %+v, want one bundle for G-1", res.Delivered)
	}
	if got := f.files("ldex/G-2"); len(got) != 1 {
		t.Errorf("G-2 has %d bundles, want 1", len(got))
	}
	g1files := f.files("ldex/G-1")
	if len(g1files) != 2 {
		t.Fatalf("G-1 bundles %v, want 2", g1files)
	}
	b, _ := f.readBundle(res.Delivered[0].Path)
	if b.Plans[0].PlanID != "BC-PPO-500" || b.Plans[0].Enrolled != 2 || b.Transmission.ISA13 != "000000003" ||
		!slices.Equal(b.Transmission.FileNames, []string{"bluecross-000000003.834", "bluecross-000000001.834"}) {
		t.Errorf("new bundle does not show the change: plans %+v, transmission %+v", b.Plans, b.Transmission)
	}
	if res := f.run(Scope{}); len(res.Delivered) != 0 {
		t.Fatalf("run after the change delivered again: %+v", res.Delivered)
	}
}

func TestErrorsGroupWithPolicyGetsBundle(t *testing.T) {
	f := newFixture(t)
	g := sampleGroup("G-1")
	f.save(g)
	f.ack(g.ID, f.transmit(g.ID), "BCX-9", "E1002")
	res := f.run(Scope{})
	if len(res.Delivered) != 1 {
		t.Fatalf("errors group with a policy number: %+v", res)
	}
	b, data := f.readBundle(res.Delivered[0].Path)
	if b.Policy.Status != "errors" || b.Transmission.LastAckResult != "rejected" {
		t.Errorf("status %q, last ack %q", b.Policy.Status, b.Transmission.LastAckResult)
	}
	if err := ldexfmt.ValidateAgainstSchema(data); err != nil {
		t.Error(err)
	}
}

// TestFeedbackRetriedWhenUnwritable: a cause found while the folder is
// down is told once the folder is back.
// TestInvalidDataNotDelivered: data that slipped past validation (here a
// lowercase state) never reaches the partner as an invalid bundle.
func TestStatusChangedScope(t *testing.T) {
	f := newFixture(t)
	g := sampleGroup("G-1")
	f.onboard(g, "P-1")
	if res := f.run(Scope{StatusChanged: true, CarrierID: "bluecross"}); len(res.Delivered) != 1 {
		t.Fatalf("newly synced group: %+v", res)
	}
	if res := f.run(Scope{StatusChanged: true}); len(res.Delivered) != 0 {
		t.Fatalf("status unchanged: %+v", res)
	}
	if res := f.run(Scope{StatusChanged: true, CarrierID: "other"}); len(res.Delivered)+len(res.Problems)+res.Unchanged != 0 {
		t.Fatalf("other carrier's scope saw the group: %+v", res)
	}
	// A content change without a status change waits for the schedule.
	f.update(func(tx store.Tx) error { return tx.SetPolicyNumber(f.ctx, g.ID, "P-2") })
	if res := f.run(Scope{StatusChanged: true}); len(res.Delivered) != 0 {
		t.Fatalf("content change in the status scope: %+v", res)
	}
	if res := f.run(Scope{}); len(res.Delivered) != 1 {
		t.Fatalf("scheduled run missed the change: %+v", res)
	}
}

// failingRecord fails the first store transaction that records a bundle,
// as a crash between the upload and the commit would.
type failingRecord struct {
	store.Store
	failed bool
}

func (s *failingRecord) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	return s.Store.Update(ctx, func(tx store.Tx) error {
		return fn(&failTx{Tx: tx, s: s})
	})
}

type failTx struct {
	store.Tx
	s *failingRecord
}

func (t *failTx) RecordBundle(ctx context.Context, b store.BundleRecord) error {
	if !t.s.failed {
		t.s.failed = true
		return errors.New("database is locked")
	}
	return t.Tx.RecordBundle(ctx, b)
}

func TestRedeliveryAfterInterruptedRecordReusesName(t *testing.T) {
	f := newFixture(t)
	g := sampleGroup("G-1")
	f.onboard(g, "P-1")
	d := New(&failingRecord{Store: f.st}, f.cfg, f.d.open, f.d.log)
	d.Now = f.clock.Now // the default, content-derived ids
	if _, err := d.Run(f.ctx, "acme", Scope{}); err == nil {
		t.Fatal("want the record failure")
	}
	f.clock.Advance(time.Hour)
	res, err := d.Run(f.ctx, "acme", Scope{})
	if err != nil || len(res.Delivered) != 1 {
		t.Fatalf("second run: %+v %v", res, err)
	}
	if got := f.files("ldex"); len(got) != 1 {
		t.Fatalf("interrupted delivery left %v, want one bundle", got)
	}
	if res := f.run(Scope{}); len(res.Delivered) != 0 {
		t.Fatalf("recorded bundle delivered again: %+v", res)
	}
}

func TestHostileExternalIdentifier(t *testing.T) {
	f := newFixture(t)
	g := sampleGroup("../../etc/G 1")
	f.onboard(g, "P-1")
	res := f.run(Scope{})
	if len(res.Delivered) != 1 {
		t.Fatalf("%+v", res)
	}
	if got := f.files(""); len(got) != 1 || !strings.HasPrefix(got[0], "ldex/_.._.._etc_G_1-") {
		t.Fatalf("files %v", got)
	}
}

// TestSanitisedNamesStayApart: groups a/b, a_b and "a b" were given one
// LDEx folder (and one feedback file name per second), so two of three
// feedback notes were overwritten. Each group now has its own folder.
func TestSanitisedNamesStayApart(t *testing.T) {
	f := newFixture(t)
	for i, id := range []string{"a/b", "a_b", "a b"} {
		g := sampleGroup(id)
		g.Employer.FEIN = fmt.Sprintf("5912345%02d", i)
		f.onboard(g, fmt.Sprintf("P-%d", i))
	}
	if res := f.run(Scope{}); len(res.Delivered) != 3 {
		t.Fatalf("delivered %+v, want three bundles", res)
	}
	folders := map[string]bool{}
	for _, name := range f.files("ldex") {
		folders[path.Dir(name)] = true
	}
	if len(folders) != 3 {
		t.Errorf("bundle folders %v, want one per group", folders)
	}
}

func TestSafeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"GCM-001", "GCM-001"},
		{"a_b", "a_b"},
		// Changed names carry a hash of the identifier: a/b, "a b" and
		// a_b had one folder, and overwrote each other's feedback notes.
		{"a/b", "a_b-c14cddc0"},
		{"a b", "a_b-c8687a08"},
		{"..", "_..-5ec1f7e7"},
		{".hidden", "_.hidden-16924190"},
		{"", "_-e3b0c442"},
		{"Zürich 1", "Z_rich_1-0b0065d8"},
		{strings.Repeat("x", 300), strings.Repeat("x", maxNameLen-9) + "-0d4e2ca9"},
	}
	for _, tt := range tests {
		if got := safeName(tt.in); got != tt.want {
			t.Errorf("safeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDefaultIDIsAUUIDPerStep(t *testing.T) {
	a, b := DefaultID("g\n\nh1"), DefaultID("g\nprev\nh1")
	if a == b || a != DefaultID("g\n\nh1") || len(a) != 36 {
		t.Fatalf("ids %q %q", a, b)
	}
}

func TestSentence(t *testing.T) {
	tests := []struct {
		e    store.Event
		want string
	}{
		{store.Event{To: model.StatusPending, Reason: "accepted from a.csv"}, "The group became pending: accepted from a.csv."},
		{store.Event{SubscriberID: "x", Subscriber: "E1", From: model.StatusPending, To: model.StatusSubmitted, Reason: "sent in F.834."},
			"Subscriber E1 moved from pending to submitted: sent in F.834."},
		{store.Event{SubscriberID: "x", From: model.StatusSynced, To: model.StatusErrors}, "A former subscriber moved from synced to errors."},
	}
	for _, tt := range tests {
		if got := sentence(tt.e); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
