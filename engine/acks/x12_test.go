package acks

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/store"
)

const (
	allSubmittedGCM = "GCM-001=submitted E1001=submitted E1002=submitted E1003=submitted"
	allSubmittedPDP = "PDP-014=submitted P-77=submitted P-78=submitted"
)

// TestFixturePositions guards the segment positions the hand-written 999s
// point at: they must fall in the members the tests expect.
func TestFixturePositions(t *testing.T) {
	e := newEnv(t, "")
	tgs, err := e.st.TransmissionGroups(e.ctx, e.transmission().ID)
	if err != nil {
		t.Fatal(err)
	}
	members := map[int64][]store.SentMember{}
	for _, tg := range tgs {
		ms, err := store.DecodeMembers(tg.Members)
		if err != nil {
			t.Fatal(err)
		}
		members[tg.ST02] = ms
	}
	for _, c := range []struct {
		st02           int64
		pos            int
		sub, dependent string
	}{
		{1, 11, "E1001", ""}, {1, 13, "E1001", ""}, {1, 14, "E1001", ""}, {1, 38, "E1001", "E1001-S"},
		{1, 51, "E1002", ""}, {1, 63, "E1003", ""}, {2, 29, "P-77", "P-77-C1"},
	} {
		m, ok := store.MemberAt(members[c.st02], c.pos)
		if !ok || m.Subscriber != c.sub || m.Dependent != c.dependent {
			t.Errorf("set %d position %d: member %+v (%v), want %s/%s", c.st02, c.pos, m, ok, c.sub, c.dependent)
		}
	}
	if _, ok := store.MemberAt(members[1], 4); ok {
		t.Error("set 1 position 4 (header DTP) falls in a member")
	}
}

func TestX12Acknowledgements(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		carrier  string // extra carrier config
		outcome  string
		kind     string
		result   string
		ackState string
		gcm, pdp string
		// want: "GROUP/SUB" (or "GROUP" for group errors) → substrings
		// of "parameter: message" lines, each in one of its errors.
		want map[string][]string
		// failed: substrings of the .error.txt
		failed []string
	}{
		{name: "accepted", file: "999-accepted.x12", outcome: OutcomeApplied, kind: "999", result: "accepted",
			ackState: store.AckAccepted, gcm: allSubmittedGCM, pdp: allSubmittedPDP},
		{name: "accepted, synced on 999", file: "999-accepted.x12", carrier: `    synced_on: "999"`, outcome: OutcomeApplied, kind: "999",
			result: "accepted", ackState: store.AckFinal,
			gcm: "GCM-001=synced E1001=synced E1002=synced E1003=synced", pdp: "PDP-014=synced P-77=synced P-78=synced"},
		{name: "accepted with errors", file: "999-accepted-errors.x12", outcome: OutcomeApplied, kind: "999", result: "accepted with errors",
			ackState: store.AckAccepted, gcm: allSubmittedGCM, pdp: allSubmittedPDP},
		{name: "accepted with errors, synced on 999", file: "999-accepted-errors.x12", carrier: `    synced_on: "999"`, outcome: OutcomeApplied,
			kind: "999", result: "accepted with errors", ackState: store.AckFinal,
			gcm: "GCM-001=synced E1001=synced E1002=synced E1003=synced", pdp: "PDP-014=synced P-77=synced P-78=synced"},
		// The 999 names set 0001 only: its AK9 R does not reach set 0002
		// (PDP-014), which stays submitted until an answer names it.
		{name: "rejected at segment level", file: "999-rejected-segment.x12", outcome: OutcomeApplied, kind: "999", result: "rejected",
			ackState: store.AckAccepted,
			gcm:      "GCM-001=errors E1001=errors E1002=errors E1003=errors", pdp: allSubmittedPDP,
			want: map[string][]string{
				"GCM-001/E1002": {"group.subscribers[E1002]: Carrier bluecross reported: segment HD at position 51 in loop 2300 is out of sequence."},
				"GCM-001/E1001": {"group.subscribers[E1001]: Carrier bluecross reported: transaction set 834 0001 was rejected", "so this member was not enrolled"},
				"GCM-001":       {"group: Carrier bluecross reported: segment DTP at position 4 is unexpected.", "group: Carrier bluecross reported: transaction set 834 0001 was rejected"},
			}},
		{name: "rejected at element level", file: "999-rejected-element.x12", outcome: OutcomeApplied, kind: "999", result: "rejected",
			ackState: store.AckRejected,
			gcm:      "GCM-001=errors E1001=errors E1002=errors E1003=errors", pdp: "PDP-014=errors P-77=errors P-78=errors",
			want: map[string][]string{
				"GCM-001/E1001": {
					"group.subscribers[E1001]: Carrier bluecross reported: segment N4 at position 13 in loop 2100A: element 2 (state) has an invalid code value 'XX' (subscriber number E1001).",
					"group.subscribers[E1001].dependents[E1001-S]: Carrier bluecross reported: segment DMG at position 38 in loop 2100A: element 2 (birth date)",
					"group.subscribers[E1001]: Carrier bluecross reported: segment NM1 at position 11 in loop 2100A: element 9 (member identifier)",
				},
				"GCM-001/E1002": {"so this member was not enrolled"},
				"PDP-014/P-77":  {"group.subscribers[P-77].dependents[P-77-C1]: Carrier bluecross reported: segment DMG at position 29 in loop 2100A: element 3 (gender) has an invalid code value 'Q'"},
				"PDP-014":       {"group: Carrier bluecross reported: transaction set 834 0002 was rejected"},
			}},
		{name: "partially accepted functional group", file: "999-partial.x12", outcome: OutcomeApplied, kind: "999", result: "partially accepted",
			ackState: store.AckAccepted,
			gcm:      "GCM-001=errors E1001=errors E1002=errors E1003=errors", pdp: allSubmittedPDP,
			want: map[string][]string{
				"GCM-001/E1003": {"group.subscribers[E1003]: Carrier bluecross reported: segment N4 at position 63 in loop 2100A: element 3 (postal code) is too short '3240'."},
			}},
		{name: "TA1 accepted", file: "ta1-accepted.x12", outcome: OutcomeApplied, kind: "TA1", result: "accepted",
			ackState: store.AckAccepted, gcm: allSubmittedGCM, pdp: allSubmittedPDP},
		{name: "TA1 rejected", file: "ta1-rejected.x12", outcome: OutcomeApplied, kind: "TA1", result: "rejected",
			ackState: store.AckRejected,
			gcm:      "GCM-001=errors E1001=errors E1002=errors E1003=errors", pdp: "PDP-014=errors P-77=errors P-78=errors",
			want: map[string][]string{
				"GCM-001":      {"group: Carrier bluecross reported: interchange 000000001 was rejected: the number of functional groups (IEA01) is wrong; nothing in " + sentFile + " was enrolled."},
				"PDP-014/P-77": {"group.subscribers[P-77]: Carrier bluecross reported: the whole file " + sentFile + " was rejected"},
			}},
		{name: "unknown functional group", file: "999-unknown-group.x12", outcome: OutcomeFailed, kind: "999",
			gcm: allSubmittedGCM, pdp: allSubmittedPDP,
			failed: []string{"matches no transmission", "functional group 77 (AK102)", "What to do:"}},
		{name: "unknown transaction set", file: "999-unknown-set.x12", outcome: OutcomeFailed, kind: "999",
			gcm: allSubmittedGCM, pdp: allSubmittedPDP,
			failed: []string{"transaction set 0009", sentFile + " carried no such set"}},
		{name: "unknown interchange", file: "ta1-unknown.x12", outcome: OutcomeFailed, kind: "TA1",
			gcm: allSubmittedGCM, pdp: allSubmittedPDP,
			failed: []string{"interchange 000000042"}},
		{name: "garbage", file: "garbage.txt", outcome: OutcomeFailed,
			gcm: allSubmittedGCM, pdp: allSubmittedPDP,
			failed: []string{"not X12 (it does not begin with ISA)", "the header has no group_external_identifier column", "Ask the carrier to send it again"}},
		{name: "truncated X12", file: "truncated.x12", outcome: OutcomeFailed,
			gcm: allSubmittedGCM, pdp: allSubmittedPDP,
			failed: []string{"not a readable acknowledgement"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.carrier)
			e.drop(tc.file, nil)
			res := e.run()
			if len(res.Files) != 1 {
				t.Fatalf("files = %+v", res.Files)
			}
			fr := res.Files[0]
			if fr.Outcome != tc.outcome || fr.Kind != tc.kind || fr.Result != tc.result {
				t.Errorf("outcome, kind, result = %s, %s, %q (err %v); want %s, %s, %q", fr.Outcome, fr.Kind, fr.Result, fr.Err,
					tc.outcome, tc.kind, tc.result)
			}
			if got := e.statuses("GCM-001"); got != tc.gcm {
				t.Errorf("GCM-001: %s\nwant       %s", got, tc.gcm)
			}
			if got := e.statuses("PDP-014"); got != tc.pdp {
				t.Errorf("PDP-014: %s\nwant       %s", got, tc.pdp)
			}
			tr := e.transmission()
			if tr.AckState != tc.ackState {
				t.Errorf("ack state = %q, want %q", tr.AckState, tc.ackState)
			}
			for key, wants := range tc.want {
				group, sub, _ := strings.Cut(key, "/")
				var lines []string
				if sub == "" {
					lines = messages(e.group(group).Errors)
				} else {
					lines = messages(e.subscriber(group, sub).Errors)
				}
				for _, w := range wants {
					if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, w) }) {
						t.Errorf("%s: no error containing %q in\n  %s", key, w, strings.Join(lines, "\n  "))
					}
				}
			}
			if tc.outcome == OutcomeApplied {
				if !e.exists("archive/"+tc.file) || e.exists(tc.file) {
					t.Errorf("%s was not moved to archive/", tc.file)
				}
				acks, err := e.st.GroupAcks(e.ctx, e.group("GCM-001").ID)
				if err != nil || len(acks) != 1 || acks[0].FileName != tc.file || acks[0].Kind != tc.kind || acks[0].Result != tc.result {
					t.Errorf("recorded acks = %+v, %v", acks, err)
				}
			}
			if tc.outcome == OutcomeFailed {
				if !e.exists("failed/"+tc.file) || e.exists(tc.file) {
					t.Errorf("%s was not moved to failed/", tc.file)
				}
				text := e.read("failed/" + tc.file + ".error.txt")
				for _, w := range tc.failed {
					if !strings.Contains(text, w) {
						t.Errorf("error text lacks %q:\n%s", w, text)
					}
				}
				if acks, _ := e.st.GroupAcks(e.ctx, e.group("GCM-001").ID); len(acks) != 0 {
					t.Errorf("a failed file was recorded: %+v", acks)
				}
			}
		})
	}
}

// TestSSNNeverEchoed: the 999 quotes a bad member identifier (an SSN);
// the stored error masks it.
func TestSSNNeverEchoed(t *testing.T) {
	e := newEnv(t, "")
	e.drop("999-rejected-element.x12", nil)
	e.run()
	for _, l := range messages(e.subscriber("GCM-001", "E1001").Errors) {
		if strings.Contains(l, "41255120") {
			t.Errorf("error echoes the SSN: %s", l)
		}
	}
}

func TestDuplicateAck(t *testing.T) {
	e := newEnv(t, "")
	e.drop("999-rejected-segment.x12", nil)
	e.run()
	before := e.events("GCM-001")
	data := []byte(e.read("archive/999-rejected-segment.x12"))

	// The same content under another name: changes nothing, goes to failed/.
	e.drop("again.999", data)
	res := e.run()
	if len(res.Files) != 1 || res.Files[0].Outcome != OutcomeDuplicate {
		t.Fatalf("files = %+v", res.Files)
	}
	if text := e.read("failed/again.999.error.txt"); !strings.Contains(text, "already processed") ||
		!strings.Contains(text, "applied as 999-rejected-segment.x12") {
		t.Errorf("error text:\n%s", text)
	}
	// The same file again (a run interrupted after applying it, before
	// the move): moved to archive/ under a second name, not applied.
	e.drop("999-rejected-segment.x12", data)
	res = e.run()
	if len(res.Files) != 1 || res.Files[0].Outcome != OutcomeFinished {
		t.Fatalf("files = %+v", res.Files)
	}
	matches, _ := filepath.Glob(filepath.Join(e.acksDir, "archive", "999-rejected-segment.x12.*"))
	if len(matches) != 1 || e.exists("999-rejected-segment.x12") {
		t.Errorf("second copy not archived under its own name: %v", matches)
	}
	if after := e.events("GCM-001"); !slices.Equal(before, after) {
		t.Errorf("history changed:\n%s\nwant\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"))
	}
	acks, _ := e.st.GroupAcks(e.ctx, e.group("GCM-001").ID)
	if len(acks) != 1 {
		t.Errorf("acks recorded: %d, want 1", len(acks))
	}
}

// TestAckForUndeliveredTransmission: an answer to a transmission still
// being delivered is left for the next run.
func TestAckForUndeliveredTransmission(t *testing.T) {
	e := newEnv(t, "")
	err := e.st.Update(e.ctx, func(tx store.Tx) error {
		return tx.CreateTransmission(e.ctx, store.TransmissionRecord{ID: "tr-building", CarrierID: "bluecross",
			FileName: "bluecross-20270115100000-000000077.834", Format: "x12-834", Mode: "change", ISA13: 77, GS06: 77}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	e.drop("999-unknown-group.x12", nil) // acknowledges GS06 77
	res := e.run()
	if len(res.Files) != 1 || res.Files[0].Outcome != OutcomeWaiting {
		t.Fatalf("files = %+v", res.Files)
	}
	if !e.exists("999-unknown-group.x12") {
		t.Error("the file was moved")
	}
}

// TestAckStateOnlyMovesForward: a TA1 read after the final result does
// not take the transmission back to accepted.
func TestAckStateOnlyMovesForward(t *testing.T) {
	e := newEnv(t, "")
	e.drop("result-accepted.csv", nil)
	e.run()
	e.drop("ta1-accepted.x12", nil)
	e.run()
	if tr := e.transmission(); tr.AckState != store.AckFinal {
		t.Errorf("ack state = %q, want final", tr.AckState)
	}
	if got := e.statuses("PDP-014"); got != "PDP-014=synced P-77=synced P-78=synced" {
		t.Errorf("PDP-014: %s", got)
	}
}

// TestSkippedNames: files still being written are left alone.
func TestSkippedNames(t *testing.T) {
	e := newEnv(t, "")
	data, err := os.ReadFile(filepath.Join("testdata", "999-accepted.x12"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{".999-accepted.x12.tmp", "999-accepted.x12.part", "x.filepart", ".hidden"} {
		e.drop(name, data)
	}
	if res := e.run(); len(res.Files) != 0 {
		t.Errorf("files taken: %+v", res.Files)
	}
}

// TestArrivalOrder: files are taken in the order they arrived, not by name.
func TestArrivalOrder(t *testing.T) {
	e := newEnv(t, "")
	e.drop("z-ta1.x12", testdata(t, "ta1-accepted.x12"))
	e.drop("a-result.csv", testdata(t, "result-accepted.csv"))
	old := time.Now().Add(-time.Minute) // the files' real times, not the test clock
	if err := os.Chtimes(filepath.Join(e.acksDir, "z-ta1.x12"), old, old); err != nil {
		t.Fatal(err)
	}
	res := e.run()
	if len(res.Files) != 2 || res.Files[0].Name != "z-ta1.x12" || res.Files[1].Name != "a-result.csv" {
		t.Fatalf("files = %+v", res.Files)
	}
}
