package acks

import (
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/report"
	"github.com/onboard/onboard/engine/store"
)

func TestPendingActionKindIsTheReports(t *testing.T) {
	if PendingActionKind != report.AckOverdueKind {
		t.Errorf("PendingActionKind = %q, report.AckOverdueKind = %q", PendingActionKind, report.AckOverdueKind)
	}
}

// overdueActions returns each group's ack_overdue action.
func (e *env) overdueActions() map[string]store.PendingAction {
	e.t.Helper()
	out := map[string]store.PendingAction{}
	for _, ext := range []string{"GCM-001", "PDP-014"} {
		as, err := e.st.PendingActions(e.ctx, e.group(ext).ID)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, a := range as {
			if a.Kind == PendingActionKind {
				out[ext] = a
			}
		}
	}
	return out
}

func TestOverdue(t *testing.T) {
	e := newEnv(t, "") // ack_timeout 48h; delivered 2027-01-15 09:30
	delivered := e.now

	e.now = delivered.Add(47 * time.Hour)
	if res := e.run(); res.Overdue != 0 || len(e.overdueActions()) != 0 {
		t.Fatalf("overdue before the timeout: %d, %v", res.Overdue, e.overdueActions())
	}

	// A 999 accepting syntax is no final answer: still waiting.
	e.drop("999-accepted.x12", nil)
	e.now = delivered.Add(49 * time.Hour)
	if res := e.run(); res.Overdue != 1 {
		t.Fatalf("overdue = %d, want 1", res.Overdue)
	}
	acts := e.overdueActions()
	if len(acts) != 2 {
		t.Fatalf("actions = %v", acts)
	}
	a := acts["GCM-001"]
	for _, w := range []string{"awaiting carrier acknowledgement since 2027-01-15T09:30:00Z", sentFile + " (ISA13 000000001)", "within 48h0m0s"} {
		if !strings.Contains(a.Message, w) {
			t.Errorf("message %q lacks %q", a.Message, w)
		}
	}
	if !a.Since.Equal(delivered.Add(48 * time.Hour)) {
		t.Errorf("since = %s", a.Since)
	}
	// What onboard status and the reports show.
	g := e.group("GCM-001")
	if got, _ := report.PendingAction(g, nil, []store.PendingAction{a}); got != a.Message {
		t.Errorf("status shows %q", got)
	}

	// A later run keeps the action's time.
	e.now = delivered.Add(50 * time.Hour)
	e.run()
	if got := e.overdueActions()["GCM-001"]; !got.Since.Equal(a.Since) {
		t.Errorf("since moved to %s", got.Since)
	}

	// The final answer clears it.
	e.drop("result-accepted.csv", nil)
	if res := e.run(); res.Overdue != 0 {
		t.Errorf("overdue after the result = %d", res.Overdue)
	}
	if acts := e.overdueActions(); len(acts) != 0 {
		t.Errorf("actions after the result: %v", acts)
	}
}

// TestOverdueClearedByRejection: a rejection is a final answer too.
func TestOverdueClearedByRejection(t *testing.T) {
	e := newEnv(t, "")
	e.now = e.now.Add(72 * time.Hour)
	e.run()
	if len(e.overdueActions()) != 2 {
		t.Fatalf("actions = %v", e.overdueActions())
	}
	e.drop("ta1-rejected.x12", nil)
	e.run()
	if acts := e.overdueActions(); len(acts) != 0 {
		t.Errorf("actions after the rejection: %v", acts)
	}
}
