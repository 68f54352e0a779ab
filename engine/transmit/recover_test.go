package transmit

import (
	"bytes"
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// TestRecoverInterrupted stops a transmission after each step a process
// could die after, then runs a fresh transmitter (a restart), and checks
// that the inbox holds exactly the one file a clean run delivers.
func TestRecoverInterrupted(t *testing.T) {
	want, err := os.ReadFile("testdata/census-change.834")
	if err != nil {
		t.Fatal(err)
	}
	const name = "bluecross-20270115093000-000000001.834"
	tests := []struct {
		name      string
		interrupt func(e *env)
	}{
		{"after record", func(e *env) {
			if _, _, err := e.tr.record(e.ctx, &Result{}); err != nil {
				t.Fatal(err)
			}
		}},
		{"after record, staged file lost", func(e *env) {
			if _, _, err := e.tr.record(e.ctx, &Result{}); err != nil {
				t.Fatal(err)
			}
			if err := os.RemoveAll(e.staging); err != nil {
				t.Fatal(err)
			}
		}},
		{"after upload", func(e *env) {
			rec, _, err := e.tr.record(e.ctx, &Result{})
			if err != nil {
				t.Fatal(err)
			}
			staged, err := os.ReadFile(e.tr.stagedPath(rec.FileName))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(e.inbox, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(e.inbox+"/"+rec.FileName, staged, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"upload failed", func(e *env) {
			e.failWrite = true
			defer func() { e.failWrite = false }()
			if _, err := e.tr.Run(e.ctx); err == nil || !strings.Contains(err.Error(), "the next run delivers it") {
				t.Fatalf("a run whose upload failed: %v", err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, testCarrier(config.ModeChange))
			for _, g := range censusSmall() {
				e.save(g)
			}
			e.clock.t = firstRun
			tc.interrupt(e)

			e.clock.t = firstRun.Add(time.Hour) // the restart comes later
			e.tr = e.newTransmitter()
			res := e.run(e.clock.t)
			if len(res.Deliveries) != 1 || res.Deliveries[0].FileName != name {
				t.Fatalf("restart: %+v", res)
			}
			files := e.inboxFiles()
			if len(files) != 1 || !bytes.Equal(files[name], want) {
				t.Fatalf("inbox after the restart: %d files; %s is not the clean run's file", len(files), name)
			}
			e.checkFile(name, files[name])
			for k, s := range e.statuses() {
				if s != model.StatusSubmitted {
					t.Errorf("status of %s: %s", k, s)
				}
			}
			if res := e.run(e.clock.t.Add(time.Hour)); len(res.Deliveries) != 0 || len(e.inboxFiles()) != 1 {
				t.Fatalf("a further run delivered %+v", res.Deliveries)
			}
			if entries, _ := os.ReadDir(e.tr.staging); len(entries) != 0 {
				t.Errorf("staging folder keeps %d files", len(entries))
			}
		})
	}
}

// TestNewerVersionWhileBuilding saves a new version of a group while its
// previous version's transmission is recorded but not delivered (intake
// runs before transmit after a restart): the recorded file goes out as it
// was, the subscriber changed again stays pending, and the same run sends
// the newer change.
func TestNewerVersionWhileBuilding(t *testing.T) {
	e := newEnv(t, testCarrier(config.ModeChange))
	for _, g := range censusSmall() {
		e.save(g)
	}
	e.clock.t = firstRun
	if _, _, err := e.tr.record(e.ctx, &Result{}); err != nil {
		t.Fatal(err)
	}
	gs := censusSmall()
	gs[0].Subscriber("E1001").LastName = "Alvarez-Ruiz"
	e.save(gs[0])

	e.tr = e.newTransmitter()
	res := e.run(firstRun.Add(time.Minute))
	if len(res.Deliveries) != 2 || !res.Deliveries[0].Recovered || res.Deliveries[1].Recovered {
		t.Fatalf("deliveries: %+v", res.Deliveries)
	}
	files := e.inboxFiles()
	want, _ := os.ReadFile("testdata/census-change.834")
	if !bytes.Equal(files[res.Deliveries[0].FileName], want) {
		t.Fatal("the recovered file differs from the recorded one")
	}
	second := files[res.Deliveries[1].FileName]
	if !strings.Contains(string(second), "NM1*IL*1*ALVAREZ-RUIZ*MARIA") || strings.Contains(string(second), "PDP-014") {
		t.Fatalf("second file:\n%s", second)
	}
	_, groups := e.transmission(res.Deliveries[1].FileName)
	if len(groups) != 1 || groups[0].BaseVersion != 1 || groups[0].Version != 2 {
		t.Fatalf("second transmission groups: %+v", groups)
	}
	for k, s := range e.statuses() {
		if s != model.StatusSubmitted {
			t.Errorf("status of %s: %s", k, s)
		}
	}
	// Between the two deliveries E1001 was still pending: check the history.
	rec, _ := e.st.GroupByExternal(e.ctx, "acme", "GCM-001")
	events, err := e.st.Events(e.ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	var e1001 []string
	for _, ev := range events {
		if ev.Subscriber == "E1001" {
			e1001 = append(e1001, string(ev.To))
		}
	}
	if !slices.Equal(e1001, []string{"pending", "submitted"}) {
		t.Errorf("E1001 history %v, want one pending then submitted by the second file", e1001)
	}
}

// TestNoMemberChangeAdvances checks that a version with no member change
// sends nothing and does not leave the group pending.
func TestNoMemberChangeAdvances(t *testing.T) {
	e := newEnv(t, testCarrier(config.ModeChange))
	for _, g := range censusSmall() {
		e.save(g)
	}
	e.run(firstRun)
	e.ackAll()

	gs := censusSmall()
	gs[0].Employer.OrganizationName = "Gulf Coast Marine Supply Co" // group data only
	p78 := gs[1].Subscriber("P-78")
	p78.Enrollments[0].EndDate, p78.Enrollments[1].EndDate = "2027-02-28", "2027-02-28"
	e.save(gs[0])
	e.save(gs[1])
	res := e.run(updateRun)
	if res.Advanced != 1 || len(res.Deliveries) != 1 || res.Deliveries[0].Groups != 1 {
		t.Fatalf("run: %+v", res)
	}
	for _, ext := range []string{"GCM-001", "PDP-014"} {
		rec, err := e.st.GroupByExternal(e.ctx, "acme", ext)
		if err != nil || rec.TransmittedVersion != 2 {
			t.Fatalf("%s: %+v %v", ext, rec, err)
		}
	}
	wantStatuses(t, e.statuses(), map[string]model.Status{"GCM-001": model.StatusSynced, "PDP-014": model.StatusSubmitted,
		"PDP-014/P-78": model.StatusSubmitted, "PDP-014/P-77": model.StatusSynced})

	// P-78's coverage has ended; a later change of its name is nothing for
	// the carrier: the version advances and P-78 goes back to where it was.
	e.ackAll()
	gs = censusSmall()
	p78 = gs[1].Subscriber("P-78")
	p78.Enrollments[0].EndDate, p78.Enrollments[1].EndDate = "2027-02-28", "2027-02-28"
	p78.LastName = "Goldberg-Stein"
	e.save(gs[1])
	wantStatuses(t, e.statuses(), map[string]model.Status{"PDP-014/P-78": model.StatusPending})
	res = e.run(updateRun.Add(time.Hour))
	if res.Advanced != 1 || len(res.Deliveries) != 0 {
		t.Fatalf("run: %+v", res)
	}
	wantStatuses(t, e.statuses(), map[string]model.Status{"PDP-014": model.StatusSynced, "PDP-014/P-78": model.StatusSynced})
	if len(e.inboxFiles()) != 2 {
		t.Fatalf("inbox: %d files", len(e.inboxFiles()))
	}
}

// TestRefusedGroup checks that a group the carrier's format cannot carry
// is left out with a pending action while the others are sent, and goes
// out once the partner corrects it.
func TestRefusedGroup(t *testing.T) {
	e := newEnv(t, testCarrier(config.ModeChange))
	gs := censusSmall()
	gs[0].Employer.OrganizationName = "Gulf Coast Marine*Supply" // '*' is the element separator
	for _, g := range gs {
		e.save(g)
	}
	res := e.run(firstRun)
	if len(res.Skipped) != 1 || res.Skipped[0].ExternalIdentifier != "GCM-001" || len(res.Deliveries) != 1 || res.Deliveries[0].Groups != 1 {
		t.Fatalf("run: %+v", res)
	}
	if msg := res.Skipped[0].Err.Error(); !strings.Contains(msg, "organization_name") {
		t.Errorf("skip reason %q does not name the field", msg)
	}
	gcm, _ := e.st.GroupByExternal(e.ctx, "acme", "GCM-001")
	actions, err := e.st.PendingActions(e.ctx, gcm.ID)
	if err != nil || len(actions) != 1 || actions[0].Kind != PendingActionKind {
		t.Fatalf("pending actions: %+v %v", actions, err)
	}
	wantStatuses(t, e.statuses(), map[string]model.Status{"GCM-001": model.StatusPending, "GCM-001/E1001": model.StatusPending,
		"PDP-014": model.StatusSubmitted})
	rec, groups := e.transmission(res.Deliveries[0].FileName)
	if groups[0].ST02 != 1 {
		t.Errorf("the sent group has ST02 %d: the refused group's number should be used by the next", groups[0].ST02)
	}
	checkInterchange(t, e.inboxFiles()[rec.FileName], rec, groups)

	e.save(censusSmall()[0]) // corrected
	res = e.run(updateRun)
	if len(res.Skipped) != 0 || len(res.Deliveries) != 1 {
		t.Fatalf("run after the correction: %+v", res)
	}
	if actions, _ := e.st.PendingActions(e.ctx, gcm.ID); len(actions) != 0 {
		t.Fatalf("pending actions after the correction: %+v", actions)
	}
	wantStatuses(t, e.statuses(), map[string]model.Status{"GCM-001": model.StatusSubmitted, "GCM-001/E1001": model.StatusSubmitted})
}

// TestControlSource checks that the control numbers come from the
// injected source and that a source failure records nothing.
func TestControlSource(t *testing.T) {
	e := newEnv(t, testCarrier(config.ModeChange))
	for _, g := range censusSmall() {
		e.save(g)
	}
	next := map[string]int64{KindISA13: 500, KindGS06: 70, KindST02: 9000}
	e.tr.Controls = func(ctx context.Context, tx store.Tx, carrierID, kind string, n int) (int64, error) {
		first := next[kind]
		next[kind] += int64(n)
		return first, nil
	}
	res := e.run(firstRun)
	const name = "bluecross-20270115093000-000000500.834"
	if len(res.Deliveries) != 1 || res.Deliveries[0].FileName != name {
		t.Fatalf("run: %+v", res)
	}
	rec, groups := e.transmission(name)
	if rec.ISA13 != 500 || rec.GS06 != 70 || groups[0].ST02 != 9000 || groups[1].ST02 != 9001 {
		t.Fatalf("control numbers: ISA13 %d GS06 %d ST02 %d %d", rec.ISA13, rec.GS06, groups[0].ST02, groups[1].ST02)
	}
	checkInterchange(t, e.inboxFiles()[name], rec, groups)

	e.save(censusUpdate()[1])
	boom := errors.New("counter unavailable")
	e.tr.Controls = func(context.Context, store.Tx, string, string, int) (int64, error) { return 0, boom }
	e.clock.t = updateRun
	if _, err := e.tr.Run(e.ctx); !errors.Is(err, boom) {
		t.Fatalf("run with a failing control source: %v", err)
	}
	if trs, _ := e.st.Transmissions(e.ctx, store.TransmissionFilter{}); len(trs) != 1 {
		t.Fatalf("%d transmissions recorded", len(trs))
	}
}

func TestMembersJSON(t *testing.T) {
	ms := []store.SentMember{{Subscriber: "E1", Maintenance: "add", First: 6, Last: 20}, {Subscriber: "E1", Dependent: "E1-S", Maintenance: "add", First: 21, Last: 28}}
	data, err := store.EncodeMembers(ms)
	if err != nil {
		t.Fatal(err)
	}
	if want := "m1\nE1,,A,6,14\n=,E1-S,A,,7\n"; string(data) != want {
		t.Fatalf("encoded %s", data)
	}
	got, err := store.DecodeMembers(data)
	if err != nil || !slices.Equal(got, ms) {
		t.Fatalf("decoded %+v %v", got, err)
	}
	for _, tc := range []struct {
		pos  int
		want string
		ok   bool
	}{{5, "", false}, {6, "", true}, {20, "", true}, {21, "E1-S", true}, {28, "E1-S", true}, {29, "", false}} {
		m, ok := store.MemberAt(got, tc.pos)
		if ok != tc.ok || m.Dependent != tc.want {
			t.Errorf("store.MemberAt(%d) = %+v %v", tc.pos, m, ok)
		}
	}
	if ms, err := store.DecodeMembers(nil); err != nil || ms != nil {
		t.Errorf("empty: %v %v", ms, err)
	}
	if _, err := store.DecodeMembers([]byte("{")); err == nil {
		t.Error("bad JSON decoded")
	}
	if data, _ := store.EncodeMembers(nil); string(data) != "m1\n" {
		t.Errorf("no members encode as %s", data)
	}
}

// TestRecoverLayoutOrder re-renders an interrupted layout transmission
// whose groups' ids sort against their order in the file: the recovered
// file keeps the recorded order.
func TestRecoverLayoutOrder(t *testing.T) {
	want, err := os.ReadFile("testdata/census-layout.txt")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, layoutCarrier(t))
	gs := censusSmall()
	gs[0].ID = "ffffffff-0001-4000-8000-000000000001" // GCM-001 is first in the file, last by id
	for _, g := range gs {
		e.save(g)
	}
	e.clock.t = firstRun
	if _, _, err := e.tr.record(e.ctx, &Result{}); err != nil {
		t.Fatal(err)
	}
	e.tr = e.newTransmitter()
	res := e.run(firstRun.Add(time.Hour))
	if len(res.Deliveries) != 1 || !res.Deliveries[0].Recovered {
		t.Fatalf("restart: %+v", res)
	}
	if got := e.inboxFiles()[res.Deliveries[0].FileName]; !bytes.Equal(got, want) {
		t.Fatalf("recovered layout file differs from the clean run's:\n%s", got)
	}
}
