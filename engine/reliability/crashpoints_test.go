//go:build unix

package reliability

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/acks"
	"github.com/onboard/onboard/engine/intake"
	"github.com/onboard/onboard/engine/ldex"
	"github.com/onboard/onboard/engine/report"
	"github.com/onboard/onboard/engine/transmit"
)

// crashPoints are the deterministic crash points of every stage, in pass
// order.
func crashPoints() []string {
	var out []string
	out = append(out, intake.CrashPoints...)
	out = append(out, transmit.CrashPoints...)
	return append(out, acks.CrashApplied, ldex.CrashDelivered, report.CrashWritten)
}

// pointScenario is the files of the crash-point test: per partner a census
// without errors, a file with errors (a group whose zip is wrong) and a
// repeat of the census (a duplicate).
func pointScenario() scenario {
	var ph phase
	for i, p := range partners {
		spec := censusSpec{partner: p, groups: 3, employees: 2, firstGroup: 1 + i*1000}
		data := census(spec)
		ph.drops = append(ph.drops, dropFile{partner: p, name: p + "-a.csv", data: data})
		bad := census(censusSpec{partner: p, groups: 2, employees: 1, firstGroup: 500 + i*1000})
		bad = bytes.Replace(bad, []byte(",32435,"), []byte(",3243,"), 1)
		ph.drops = append(ph.drops, dropFile{partner: p, name: p + "-b-errors.csv", data: bad})
		ph.drops = append(ph.drops, dropFile{partner: p, name: p + "-c-again.csv", data: data})
	}
	return scenario{phases: []phase{ph}}
}

// TestCrashPoints kills onboard with SIGKILL at each crash point of each
// stage (ONBOARD_CRASH_AT), then lets it finish with clean passes, and
// checks the invariants and that the outcome is the one of a run without
// crashes.
func TestCrashPoints(t *testing.T) {
	bin := onboardBinary(t)
	sc := pointScenario()
	ref := newWorld(t, worldOptions{})
	ref.dumpOnFailure()
	ref.playClean(bin, sc)
	want := ref.check(sc.dropped())
	if t.Failed() {
		t.Fatal("the run without crashes breaks the invariants")
	}
	points := crashPoints()
	if soak() {
		points = append(points, points...) // the same points on worlds that start fresh again
	}
	for _, point := range points {
		t.Run(point, func(t *testing.T) {
			w := newWorld(t, worldOptions{})
			w.dumpOnFailure()
			for _, d := range sc.phases[0].drops {
				w.drop(d.partner, d.name, d.data)
			}
			// A point is reached in the first pass, or once the carrier
			// has answered (bundles are built for synced groups).
			killed := false
			for try := 0; try < 2 && !killed; try++ {
				o := w.run(bin, runSpec{args: []string{"once", "-config", w.cfg}, crashAt: point})
				killed = o.killed
				if !killed && o.exitCode != 0 {
					t.Fatalf("onboard once exited %d:\n%s", o.exitCode, tail(o.out))
				}
				if !killed {
					w.carrierSim(bin, 0)
				}
			}
			if !killed {
				t.Fatalf("onboard never reached crash point %s", point)
			}
			w.settle(bin)
			w.settle(bin)
			got := w.check(sc.dropped())
			got.same(t, want, false)
		})
	}
	if !slices.Contains(points, intake.CrashCommitted) {
		t.Error("the intake commit point is not tested")
	}
}

// TestCrashCarrierTookFileBeforeCommit kills onboard between the upload of
// a transmission and its commit, and lets the carrier take the file before
// the restart: the window transmit's documentation says no local protocol
// closes. The restart delivers the same interchange again (same name, same
// ISA13, which X12 receivers drop as a duplicate); the carrier's answers to
// both copies must leave every status as its answers say, and nothing else
// may be sent twice.
func TestCrashCarrierTookFileBeforeCommit(t *testing.T) {
	bin := onboardBinary(t)
	sc := pointScenario()
	w := newWorld(t, worldOptions{})
	w.dumpOnFailure()
	for _, d := range sc.phases[0].drops {
		w.drop(d.partner, d.name, d.data)
	}
	o := w.run(bin, runSpec{args: []string{"once", "-config", w.cfg}, crashAt: transmit.CrashUploaded})
	if !o.killed {
		t.Fatalf("onboard once did not crash at %s:\n%s", transmit.CrashUploaded, tail(o.out))
	}
	if !w.carrierSim(bin, 0) {
		t.Skip("onboard carrier-sim is not built")
	}
	w.settle(bin)
	w.settle(bin)
	w.check(sc.dropped())
	var twice []string
	for name, n := range w.answered {
		if n > 1 {
			twice = append(twice, name)
		}
	}
	if len(twice) != 1 || !strings.HasPrefix(twice[0], "bluecross-") {
		t.Errorf("files the carriers answered twice: %v, want the one taken before the commit", twice)
	}
}
