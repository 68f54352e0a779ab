//go:build unix

package reliability

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestApproveHeldFile: a full census cut short is held by the termination
// guard (outcome held, the source in held/), and `onboard approve` applies
// it as if it had just arrived; real processes on real folders.
func TestApproveHeldFile(t *testing.T) {
	bin := onboardBinary(t)
	w := newWorld(t, worldOptions{})
	w.dumpOnFailure()
	w.drop("acme", "week1.csv", census(censusSpec{partner: "acme", groups: 1, employees: 40, firstGroup: 600}))
	w.once(bin)
	w.drop("acme", "week2.csv", census(censusSpec{partner: "acme", groups: 1, employees: 12, firstGroup: 600}))
	w.once(bin)

	read := func() map[string]any {
		t.Helper()
		data, err := os.ReadFile(w.resultPath("acme", "week2.csv"))
		var r map[string]any
		if err == nil {
			err = json.Unmarshal(data, &r)
		}
		if err != nil {
			t.Fatalf("week2.csv result: %v", err)
		}
		return r
	}
	r := read()
	if r["outcome"] != "held" || !strings.Contains(string(mustJSON(t, r["notes"])), "would lose 28 of its 40 active members") {
		t.Fatalf("week2.csv: outcome %v, notes %s; want held", r["outcome"], mustJSON(t, r["notes"]))
	}
	if !exists(filepath.Join(w.inbound("acme"), "held", "week2.csv")) {
		t.Fatal("week2.csv is not in held/")
	}
	id, _ := r["file_id"].(string)
	o := w.run(bin, runSpec{args: []string{"approve", "-config", w.cfg, id}})
	if o.killed || o.exitCode != 0 {
		t.Fatalf("approve: exit %d:\n%s", o.exitCode, tail(o.out))
	}
	if r := read(); r["outcome"] != "accepted" {
		t.Errorf("after approve: outcome %v, want accepted", r["outcome"])
	}
	if !exists(filepath.Join(w.inbound("acme"), "archive", "week2.csv")) {
		t.Error("the approved file is not in archive/")
	}
	// Approving again is refused: it is no longer held.
	if o := w.run(bin, runSpec{args: []string{"approve", "-config", w.cfg, id}}); o.exitCode != 1 {
		t.Errorf("a second approve: exit %d, want 1", o.exitCode)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
