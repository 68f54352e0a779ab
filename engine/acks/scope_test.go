package acks

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/formats/x12/x12guide"
)

// Real-shaped carrier acknowledgements: each interchange built here
// passes the 999 map (x12guide), so the tests read what a translator
// sends. The env's 834 is ISA13 1, GS06 1 (GCM-001 set 0001, PDP-014 set
// 0002; SUN-300 set 0003 with census-three.csv).

// ackInterchange is one interchange from sender (BLUECROSS unless given)
// to ONBOARD: an optional TA1, then a 999 whose body is the segments
// from AK1 to AK9.
func ackInterchange(isa13 int, sender, ta1 string, body ...string) string {
	if sender == "" {
		sender = "BLUECROSS"
	}
	segs := []string{fmt.Sprintf("ISA*00*          *00*          *ZZ*%-15s*ZZ*%-15s*270116*0800*^*00501*%09d*0*T*:", sender, "ONBOARD", isa13)}
	if ta1 != "" {
		segs = append(segs, ta1)
	}
	groups := 0
	if len(body) > 0 {
		groups = 1
		segs = append(segs, fmt.Sprintf("GS*FA*%s*ONBOARD*20270116*0800*%d*X*005010X231A1", sender, isa13), "ST*999*0001*005010X231A1")
		segs = append(segs, body...)
		segs = append(segs, fmt.Sprintf("SE*%d*0001", len(body)+2), fmt.Sprintf("GE*1*%d", isa13))
	}
	segs = append(segs, fmt.Sprintf("IEA*%d*%09d", groups, isa13))
	return strings.Join(segs, "~\n") + "~\n"
}

// withDelimiters rewrites an interchange built with * ^ : ~ to other
// delimiters and segment endings.
func withDelimiters(s string, elem, rep, comp, term string) string {
	r := strings.NewReplacer("*", elem, "^", rep, ":", comp, "~\n", term)
	return r.Replace(s)
}

// dropChecked drops an acknowledgement after checking it is a real one.
func (e *env) dropChecked(name, data string) {
	e.t.Helper()
	x12guide.Check(e.t, []byte(data), x12guide.Options{Set: "999"})
	e.drop(name, []byte(data))
}

// rejectP77 is the AK2 loop of a set 0002 rejected for P-77's child's
// gender, with CTX segments (the segment context and the subscriber).
var rejectP77 = []string{
	"AK2*834*0002*005010X220A1",
	"IK3*DMG*29*2100*8",
	"CTX*SITUATIONAL TRIGGER*INS*24*2000*2",
	"CTX*SUBSCRIBER NUMBER REF02:P-77",
	"IK4*3*1068*7*Q",
	"IK5*R*5",
}

func TestOne999PerSet(t *testing.T) {
	e := newEnv(t, `    synced_on: "999"`)
	e.dropChecked("set1.999", ackInterchange(901, "", "", "AK1*BE*1*005010X220A1", "AK2*834*0001*005010X220A1", "IK5*A", "AK9*A*2*2*1"))
	e.run()
	// The members are synced; the group stays submitted while its
	// transmission waits for set 2's answer (GroupStatus: unacknowledged).
	if got, want := e.statuses("GCM-001"), "GCM-001=submitted E1001=synced E1002=synced E1003=synced"; got != want {
		t.Errorf("after set 1's 999: %s, want %s", got, want)
	}
	if got := e.statuses("PDP-014"); got != allSubmittedPDP {
		t.Errorf("set 2, which no 999 named yet: %s, want %s", got, allSubmittedPDP)
	}
	if tr := e.transmission(); tr.AckState != store.AckAccepted {
		t.Errorf("ack state after one of two sets = %q, want %q", tr.AckState, store.AckAccepted)
	}

	// Set 2's own 999 rejects it; its AK9 R is about set 2 only.
	e.dropChecked("set2.999", ackInterchange(902, "", "", append(append([]string{"AK1*BE*1*005010X220A1"}, rejectP77...), "AK9*R*2*2*0")...))
	e.run()
	if got, want := e.statuses("GCM-001"), "GCM-001=synced E1001=synced E1002=synced E1003=synced"; got != want {
		t.Errorf("set 2's AK9 R reached set 1: %s", got)
	}
	if got, want := e.statuses("PDP-014"), "PDP-014=errors P-77=errors P-78=errors"; got != want {
		t.Errorf("set 2: %s, want %s", got, want)
	}
	msgs := messages(e.subscriber("PDP-014", "P-77").Errors)
	if !slices.ContainsFunc(msgs, func(m string) bool { return strings.Contains(m, "dependents[P-77-C1]") && strings.Contains(m, "'Q'") }) {
		t.Errorf("P-77's errors do not name the child's gender:\n%s", strings.Join(msgs, "\n"))
	}
	if tr := e.transmission(); tr.AckState != store.AckFinal {
		t.Errorf("ack state once both sets are answered = %q, want %q", tr.AckState, store.AckFinal)
	}
}

func TestPartialAK9AcrossThreeSets(t *testing.T) {
	for _, tc := range []struct {
		name, carrier, ok, state string
	}{
		{"synced on the result file", "", "submitted", store.AckAccepted},
		{"synced on the 999", `    synced_on: "999"`, "synced", store.AckFinal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnvCensus(t, tc.carrier, "census-three.csv")
			body := []string{"AK1*BE*1*005010X220A1", "AK2*834*0001*005010X220A1", "IK5*A"}
			body = append(body, rejectP77...)
			body = append(body, "AK2*834*0003*005010X220A1", "IK3*N4*14*2100*8", "IK4*2*156*7*ZZ", "IK5*E*5", "AK9*P*3*3*2")
			e.dropChecked("partial.999", ackInterchange(903, "", "", body...))
			res := e.run()
			if fr := res.Files[0]; fr.Outcome != OutcomeApplied || fr.Result != "partially accepted" {
				t.Fatalf("file: %+v", fr)
			}
			if got, want := e.statuses("GCM-001"), fmt.Sprintf("GCM-001=%[1]s E1001=%[1]s E1002=%[1]s E1003=%[1]s", tc.ok); got != want {
				t.Errorf("set 1 (IK5 A): %s, want %s", got, want)
			}
			if got, want := e.statuses("PDP-014"), "PDP-014=errors P-77=errors P-78=errors"; got != want {
				t.Errorf("set 2 (IK5 R): %s, want %s", got, want)
			}
			if got, want := e.statuses("SUN-300"), fmt.Sprintf("SUN-300=%[1]s S-1=%[1]s", tc.ok); got != want {
				t.Errorf("set 3 (IK5 E): %s, want %s", got, want)
			}
			if tr := e.transmission(); tr.AckState != tc.state {
				t.Errorf("ack state = %q, want %q", tr.AckState, tc.state)
			}
		})
	}
}

// TestAK9AloneCoversItsGroup: a 999 without AK2 loops answers every set
// of the functional group it acknowledges.
func TestAK9AloneCoversItsGroup(t *testing.T) {
	e := newEnv(t, "")
	e.dropChecked("group.999", ackInterchange(904, "", "", "AK1*BE*1*005010X220A1", "AK9*R*2*2*0*2"))
	e.run()
	if got, want := e.statuses("GCM-001"), "GCM-001=errors E1001=errors E1002=errors E1003=errors"; got != want {
		t.Errorf("GCM-001: %s, want %s", got, want)
	}
	if got, want := e.statuses("PDP-014"), "PDP-014=errors P-77=errors P-78=errors"; got != want {
		t.Errorf("PDP-014: %s, want %s", got, want)
	}
	if tr := e.transmission(); tr.AckState != store.AckRejected {
		t.Errorf("ack state = %q", tr.AckState)
	}
}

// TestCountMismatchIsAPendingAction: a 999 that counts three sets
// included and received where two were sent is applied, and every group
// of the transmission gets a pending action saying so.
func TestCountMismatchIsAPendingAction(t *testing.T) {
	e := newEnv(t, "")
	e.dropChecked("counts.999", ackInterchange(905, "", "", "AK1*BE*1*005010X220A1",
		"AK2*834*0001*005010X220A1", "IK5*A", "AK2*834*0002*005010X220A1", "IK5*A", "AK9*A*3*3*2"))
	e.run()
	pas, err := e.st.PendingActions(e.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string]bool{}
	for _, pa := range pas {
		if pa.Kind == PendingActionCountKind && strings.Contains(pa.Message, "counts 3 transaction sets included and 3 received (AK902, AK903)") &&
			strings.Contains(pa.Message, sentFile+" carried 2") {
			groups[pa.GroupID] = true
		}
	}
	if !groups[e.group("GCM-001").ID] || !groups[e.group("PDP-014").ID] {
		t.Errorf("pending actions: %+v", pas)
	}
	if got := e.statuses("GCM-001"); got != allSubmittedGCM {
		t.Errorf("GCM-001: %s", got)
	}
}

// TestAckFromAnotherTradingPartner: control numbers match, but the 999
// comes from another partner (ISA06), or its group does (GS02): it goes
// to failed/ saying so, and nothing changes.
func TestAckFromAnotherTradingPartner(t *testing.T) {
	accepted := []string{"AK1*BE*1*005010X220A1", "AK2*834*0001*005010X220A1", "IK5*R*5", "AK9*R*2*2*0"}
	for _, tc := range []struct{ name, data, want string }{
		{"ISA06", ackInterchange(906, "AETNA", "", accepted...), `ISA06 (interchange sender) is "AETNA"`},
		{"GS02", strings.Replace(ackInterchange(907, "", "", accepted...), "GS*FA*BLUECROSS*", "GS*FA*AETNA*", 1), `GS02 (application sender) is "AETNA"`},
		{"TA1 to another receiver", strings.Replace(ackInterchange(908, "", "TA1*000000001*270115*0930*R*022"), "*ZZ*ONBOARD        *", "*ZZ*OTHERSENDER    *", 1),
			`ISA08 (interchange receiver) is "OTHERSENDER"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "")
			e.dropChecked("other.999", tc.data)
			res := e.run()
			if fr := res.Files[0]; fr.Outcome != OutcomeFailed {
				t.Fatalf("file: %+v", fr)
			}
			text := e.read("failed/other.999.error.txt")
			if !strings.Contains(text, tc.want) || !strings.Contains(text, "another trading partner") {
				t.Errorf("error text lacks %q:\n%s", tc.want, text)
			}
			if got := e.statuses("GCM-001"); got != allSubmittedGCM {
				t.Errorf("GCM-001: %s", got)
			}
		})
	}
}

// TestTA1InsideA999Interchange: a TA1 and a 999 in one interchange are
// both applied.
func TestTA1InsideA999Interchange(t *testing.T) {
	e := newEnv(t, "")
	e.dropChecked("ta1-999.x12", ackInterchange(909, "", "TA1*000000001*270115*0930*A*000",
		"AK1*BE*1*005010X220A1", "AK2*834*0001*005010X220A1", "IK5*A", "AK2*834*0002*005010X220A1", "IK5*A", "AK9*A*2*2*2"))
	res := e.run()
	if fr := res.Files[0]; fr.Outcome != OutcomeApplied || fr.Kind != "999" || fr.Result != "TA1 accepted; 999 accepted" {
		t.Fatalf("file: %+v", fr)
	}
}

// TestEachInterchangeOnItsOwn: a file of two interchanges, the second
// answering a functional group onboard never sent: the first is applied,
// the second goes to failed/ on its own with its reason.
func TestEachInterchangeOnItsOwn(t *testing.T) {
	e := newEnv(t, "")
	first := ackInterchange(910, "", "", "AK1*BE*1*005010X220A1", "AK2*834*0001*005010X220A1", "IK5*A",
		"AK2*834*0002*005010X220A1", "IK5*R*5", "AK9*P*2*2*1")
	second := ackInterchange(911, "", "", "AK1*BE*77*005010X220A1", "AK9*A*1*1*1")
	e.dropChecked("two.999", first+second)
	res := e.run()
	fr := res.Files[0]
	if fr.Outcome != OutcomeApplied || fr.Err == nil || !strings.Contains(fr.Err.Error(), "interchange 2 not applied") {
		t.Fatalf("file: %+v", fr)
	}
	if got, want := e.statuses("PDP-014"), "PDP-014=errors P-77=errors P-78=errors"; got != want {
		t.Errorf("the first interchange was not applied: %s", got)
	}
	if !e.exists("archive/two.999") {
		t.Error("two.999 not archived")
	}
	if got := e.read("failed/two.999.interchange-2"); got != second {
		t.Errorf("failed/two.999.interchange-2 =\n%s\nwant\n%s", got, second)
	}
	if text := e.read("failed/two.999.interchange-2.error.txt"); !strings.Contains(text, "functional group 77 (AK102)") {
		t.Errorf("error text:\n%s", text)
	}
}

// TestDelimitersAndLineEnds: the same partial 999 with | elements and !
// repetitions, with | repetitions, and with CRLF after each segment.
func TestDelimitersAndLineEnds(t *testing.T) {
	body := append(append([]string{"AK1*BE*1*005010X220A1", "AK2*834*0001*005010X220A1", "IK5*A"}, rejectP77...), "AK9*P*2*2*1")
	base := ackInterchange(912, "", "", body...)
	for _, tc := range []struct{ name, data string }{
		{"| elements, ! repetitions, > components", withDelimiters(base, "|", "!", ">", "~\n")},
		{"| repetitions", withDelimiters(base, "*", "|", ":", "~\n")},
		{"CRLF", withDelimiters(base, "*", "^", ":", "~\r\n")},
		{"newline terminator", withDelimiters(base, "*", "^", ":", "\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "")
			e.dropChecked("d.999", tc.data)
			res := e.run()
			if fr := res.Files[0]; fr.Outcome != OutcomeApplied || fr.Result != "partially accepted" {
				t.Fatalf("file: %+v", fr)
			}
			if got, want := e.statuses("PDP-014"), "PDP-014=errors P-77=errors P-78=errors"; got != want {
				t.Errorf("PDP-014: %s", got)
			}
			if got := e.statuses("GCM-001"); got != allSubmittedGCM {
				t.Errorf("GCM-001: %s", got)
			}
		})
	}
}

// TestLowerCaseX12IsX12: a lower-case interchange is reported as X12
// that cannot be read, not as a result file with missing columns; a file
// that is neither is reported as such.
func TestLowerCaseX12IsX12(t *testing.T) {
	e := newEnv(t, "")
	e.drop("lower.999", []byte(strings.ToLower(ackInterchange(913, "", "", "AK1*BE*1*005010X220A1", "AK9*A*2*2*2"))))
	e.drop("notes.txt", []byte("Dear onboard,\nall good.\n"))
	e.run()
	if text := e.read("failed/lower.999.error.txt"); !strings.Contains(text, "begins as X12 (ISA) but cannot be read") || strings.Contains(text, "has no group_external_identifier column") {
		t.Errorf("lower-case X12:\n%s", text)
	}
	if text := e.read("failed/notes.txt.error.txt"); !strings.Contains(text, "not X12 (it does not begin with ISA), nor a carrier result file") {
		t.Errorf("neither:\n%s", text)
	}
}
