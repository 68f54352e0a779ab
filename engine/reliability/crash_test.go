//go:build unix

package reliability

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// drop is one file a scenario gives a partner.
type dropFile struct {
	partner, name string
	data          []byte
	// at is the kill-loop iteration before which the file is dropped in
	// a crashing world (a world without crashes gets every file of a
	// phase at its start).
	at int
}

// phase is a set of drops followed by passes; phases are separated by a
// clean pass, so that the changes a carrier receives do not depend on
// where the kills fell (two versions of a group taken before one
// transmission are sent as one change).
type phase struct {
	drops []dropFile
}

// scenario is what a crash test gives a world: phases of partner files.
type scenario struct {
	phases []phase
}

// newScenario plans the files of a crash test: a census with many groups
// per partner, then an update of each census (some members change plan,
// some coverage ends) with a repeat of the first census under another name
// (a duplicate), and single-group JSON files for new groups dropped in
// between kills.
func newScenario(rng *rand.Rand, groups, employees, kills int) scenario {
	var sc scenario
	json := 0
	extra := func(ph *phase) {
		for i := 0; i < kills; i++ {
			if rng.IntN(4) == 0 {
				json++
				p := partners[rng.IntN(len(partners))]
				ext := fmt.Sprintf("J%03d", json)
				ph.drops = append(ph.drops, dropFile{partner: p, name: fmt.Sprintf("group-%03d.json", json), data: groupJSON(ext, 1+rng.IntN(3)), at: i})
			}
		}
	}
	var first, second phase
	for i, p := range partners {
		spec := censusSpec{partner: p, groups: groups, employees: employees, firstGroup: 1 + i*1000}
		first.drops = append(first.drops, dropFile{partner: p, name: p + "-census-1.csv", data: census(spec)})
		second.drops = append(second.drops, dropFile{partner: p, name: p + "-census-1-again.csv", data: census(spec), at: kills / 2})
		spec.update = true
		second.drops = append(second.drops, dropFile{partner: p, name: p + "-census-2.csv", data: census(spec)})
	}
	extra(&first)
	extra(&second)
	sc.phases = []phase{first, second}
	return sc
}

// dropped lists the names of a scenario's files per partner.
func (sc scenario) dropped() map[string][]string {
	out := map[string][]string{}
	for _, ph := range sc.phases {
		for _, d := range ph.drops {
			out[d.partner] = append(out[d.partner], d.name)
		}
	}
	return out
}

// playClean gives a world a scenario without crashes: each phase's files,
// then passes (and the carrier's answers) until nothing is left.
func (w *world) playClean(bin string, sc scenario) {
	w.t.Helper()
	for _, ph := range sc.phases {
		for _, d := range ph.drops {
			w.drop(d.partner, d.name, d.data)
		}
		w.settle(bin)
	}
}

// settle ends a phase: a clean pass, the carrier's answers when the
// simulator is built, and a pass that applies them.
func (w *world) settle(bin string) {
	w.t.Helper()
	w.once(bin)
	if w.carrierSim(bin, 0) {
		w.once(bin)
	}
}

// simReject makes the simulated carrier reject every simReject-th
// subscriber of a file while the kills go on.
const simReject = 7

// TestCrashRandomKills runs onboard on a scenario of many groups from
// three partners to two carriers, killing it with SIGKILL at random moments
// (of `onboard once` and of the daemon, `onboard run`), then runs clean
// passes and checks the invariants, and that the outcome is the one a run
// without crashes gives.
func TestCrashRandomKills(t *testing.T) {
	bin := onboardBinary(t)
	s := seed(t)
	rng := rand.New(rand.NewPCG(s, s>>1|1))
	kills := iterations(20, 200)
	groups, employees := iterations(12, 60), 4
	sc := newScenario(rng, groups, employees, kills)

	ref := newWorld(t, worldOptions{noQuarantine: true})
	ref.dumpOnFailure()
	ref.playClean(bin, sc)
	want := ref.check(sc.dropped())
	if t.Failed() {
		t.Fatal("the run without crashes breaks the invariants")
	}

	w := newWorld(t, worldOptions{noQuarantine: true})
	w.dumpOnFailure()
	// Kills fall anywhere in a pass as long as the world without crashes
	// took for its longest one.
	maxDelay := max(ref.longestPass+ref.longestPass/4, 200*time.Millisecond)
	t.Logf("kills within %s of a start", maxDelay)
	var killed, finished int
	interrupted := map[string]int{}
	for _, ph := range sc.phases {
		for i := 0; i < kills; i++ {
			for _, d := range ph.drops {
				if d.at == i {
					w.drop(d.partner, d.name, d.data)
				}
			}
			args := []string{"once", "-config", w.cfg}
			if rng.IntN(4) == 0 {
				args[0] = "run"
			}
			delay := time.Duration(rng.Int64N(int64(maxDelay)))
			o := w.run(bin, runSpec{args: args, killAfter: delay})
			switch {
			case o.killed:
				killed++
				interrupted[lastStage(o.out)]++
			case o.exitCode != 0:
				t.Fatalf("onboard %s exited %d without being killed:\n%s", args[0], o.exitCode, tail(o.out))
			default:
				finished++
			}
			if i%4 == 3 {
				// The carrier rejects some members: their statuses
				// must follow its answers through the crashes.
				w.carrierSim(bin, simReject)
			}
		}
		w.settle(bin)
	}
	t.Logf("%d runs killed, %d finished before their kill; killed after the last log line of: %v", killed, finished, interrupted)
	got := w.check(sc.dropped())
	got.same(t, want, true)
	if got.deliveries == 0 {
		t.Error("no file reached a carrier")
	}
}

// lastStage names the stage of the last thing a killed run logged, to show
// where the kills fell.
func lastStage(out []byte) string {
	stage := "start"
	for _, line := range strings.Split(string(out), "\n") {
		for _, s := range []struct{ msg, stage string }{
			{"file processed", "intake"}, {"duplicate file", "intake"}, {"finishing a file", "intake"},
			{"transmission", "transmit"}, {"acknowledgement", "acks"}, {"LDEx", "ldex"},
		} {
			if strings.Contains(line, s.msg) {
				stage = s.stage
			}
		}
	}
	return stage
}
