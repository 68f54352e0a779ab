package intake

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/store"
)

// groupCensus is a census of group GCM-001 with n employees (E2000...).
func groupCensus(t *testing.T, n int) []byte {
	t.Helper()
	lines := strings.Split(string(readTestdata(t, "census-small.csv")), "\n")
	var emp string
	for _, l := range lines {
		if strings.Contains(l, ",E1002,,employee,") {
			emp = l
		}
	}
	var b bytes.Buffer
	b.WriteString(lines[0] + "\n")
	for i := range n {
		row := strings.Replace(emp, ",E1002,", fmt.Sprintf(",E%d,", 2000+i), 1)
		row = strings.Replace(row, "412-55-1204", fmt.Sprintf("412-56-%04d", 1000+i), 1)
		b.WriteString(row + "\n")
	}
	return b.Bytes()
}

// TestTerminationGuardHoldsACutFile: a full census cut short (a paused
// upload, an export bug) terminated the missing members at the carrier.
// A file that would end more than 20% (and at least 10) of a group's
// active members is held: outcome held, a note, a pending action, the
// file in held/, nothing applied; an operator's approval applies it.
func TestTerminationGuardHoldsACutFile(t *testing.T) {
	e := newEnv(t, "full", 1<<30)
	e.drop("full.csv", groupCensus(t, 40))
	if sum := e.pass(); len(sum.Files) != 1 || sum.Files[0].Outcome != store.OutcomeAccepted {
		t.Fatalf("first file: %+v", sum.Files)
	}
	g, err := e.st.GroupByExternal(t.Context(), "acme", "GCM-001")
	if err != nil {
		t.Fatal(err)
	}

	cut := groupCensus(t, 25) // 15 of 40 left out: 37.5%
	e.drop("cut.csv", cut)
	sum := e.pass()
	if len(sum.Files) != 1 || sum.Files[0].Outcome != store.OutcomeHeld {
		t.Fatalf("cut file: %+v, want held", sum.Files)
	}
	fileID := sum.Files[0].FileID
	r := e.result("cut.csv")
	if r.Outcome != store.OutcomeHeld || len(r.Notes) != 1 ||
		!strings.Contains(r.Notes[0], "group GCM-001 would lose 15 of its 40 active members") ||
		!strings.Contains(r.Notes[0], "onboard approve -config F "+fileID) {
		t.Errorf("held result: outcome %s, notes %q", r.Outcome, r.Notes)
	}
	if !exists(t, filepath.Join(e.inbound, "held", "cut.csv")) {
		t.Errorf("cut.csv not in held/: %q", names(t, e.inbound))
	}
	if fb := names(t, filepath.Join(e.outbound, "feedback")); len(fb) != 1 {
		t.Errorf("feedback notes %q, want one", fb)
	}
	after, err := e.st.GroupByExternal(t.Context(), "acme", "GCM-001")
	if err != nil || after.Version != g.Version {
		t.Errorf("the held file changed the group: version %d → %d (%v)", g.Version, after.Version, err)
	}
	acts, err := e.st.PendingActions(t.Context(), g.ID)
	if err != nil || len(acts) != 1 || acts[0].Kind != PendingHeld {
		t.Errorf("pending actions %+v (%v), want the held file's", acts, err)
	}

	// The operator approves it: it is applied as if it had just arrived.
	p := e.cfg.Partner("acme")
	if err := e.in.Approve(p, r.SHA256); err != nil {
		t.Fatal(err)
	}
	if err := e.st.ReopenFile(t.Context(), fileID); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(e.inbound, "held", "cut.csv"), filepath.Join(e.inbound, "cut.csv")); err != nil {
		t.Fatal(err)
	}
	sum = e.pass()
	if len(sum.Files) != 1 || sum.Files[0].Outcome != store.OutcomeAccepted || sum.Files[0].FileID != fileID {
		t.Fatalf("approved file: %+v", sum.Files)
	}
	if r := e.result("cut.csv"); len(r.Groups) != 1 || r.Groups[0].Counts.Terminated != 15 {
		t.Errorf("approved result groups %+v, want 15 terminated", r.Groups)
	}
	if acts, _ := e.st.PendingActions(t.Context(), g.ID); len(acts) != 0 {
		t.Errorf("pending actions after approval: %+v", acts)
	}
}

// TestTerminationGuardAllowsSmallChanges: fewer than min_members, or
// under the share, is applied at once.
func TestTerminationGuardAllowsSmallChanges(t *testing.T) {
	e := newEnv(t, "full", 1<<30)
	e.drop("full.csv", groupCensus(t, 40))
	e.pass()
	e.drop("less.csv", groupCensus(t, 33)) // 7 of 40: fewer than 10
	if sum := e.pass(); len(sum.Files) != 1 || sum.Files[0].Outcome != store.OutcomeAccepted {
		t.Fatalf("7 terminations: %+v, want accepted", sum.Files)
	}
}
