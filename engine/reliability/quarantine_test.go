//go:build unix

package reliability

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/intake"
)

// TestQuarantineFileThatKills: a file that takes onboard down every time
// it is processed (out of memory, say; here a crash point that SIGKILLs the
// process while that file is in flight) blocked every later file of the
// partner: each pass died on it first. After two deaths with it in
// flight, the next pass sets it aside in failed/ with a rejected result
// saying so, and takes the partner's other files.
func TestQuarantineFileThatKills(t *testing.T) {
	bin := onboardBinary(t)
	w := newWorld(t, worldOptions{})
	w.dumpOnFailure()
	w.drop("acme", "a-poison.csv", census(censusSpec{partner: "acme", groups: 1, employees: 2, firstGroup: 800}))
	w.drop("acme", "b-normal.csv", census(censusSpec{partner: "acme", groups: 1, employees: 2, firstGroup: 801}))
	spec := runSpec{args: []string{"once", "-config", w.cfg}, crashAt: intake.CrashProcessing + ":a-poison.csv"}
	for i := 1; i <= 2; i++ {
		if o := w.run(bin, spec); !o.killed {
			t.Fatalf("run %d was not killed by the poison file (exit %d):\n%s", i, o.exitCode, tail(o.out))
		}
		if exists(w.resultPath("acme", "b-normal.csv")) {
			t.Fatalf("run %d took b-normal.csv although it died on a-poison.csv first", i)
		}
	}
	o := w.run(bin, spec)
	if o.killed || o.exitCode != 0 {
		t.Fatalf("third run: killed %v, exit %d; want the poison file set aside:\n%s", o.killed, o.exitCode, tail(o.out))
	}
	data, err := os.ReadFile(w.resultPath("acme", "a-poison.csv"))
	var r result
	if err == nil {
		err = json.Unmarshal(data, &r)
	}
	if err != nil || r.Outcome != "rejected" || len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, "onboard stopped 2 times while it processed this file") {
		t.Errorf("a-poison.csv result %s (%v); want rejected, saying onboard stopped twice", clip(data), err)
	}
	if !exists(filepath.Join(w.inbound("acme"), "failed", "a-poison.csv")) {
		t.Errorf("a-poison.csv is not in failed/")
	}
	w.resulted("acme", "b-normal.csv")
	if !exists(filepath.Join(w.inbound("acme"), "archive", "b-normal.csv")) {
		t.Errorf("b-normal.csv was not taken")
	}
}
