//go:build unix

package reliability

import (
	"fmt"
	"testing"
)

// loadMaxRSS bounds the peak memory of a pass over the load test's files
// (KiB): what one small file needs, not what a thousand do.
const loadMaxRSS = 256 << 10

// TestLoadThousandFiles drops a thousand files at once across the three
// partners (small censuses, a few of them repeats) and runs passes: every
// file is taken exactly once, every group reaches its carrier once, and a
// pass's memory stays bounded.
func TestLoadThousandFiles(t *testing.T) {
	bin := onboardBinary(t)
	n := iterations(1000, 5000)
	w := newWorld(t, worldOptions{})
	w.dumpOnFailure()
	dropped := map[string][]string{}
	for i := 0; i < n; i++ {
		p := partners[i%len(partners)]
		name := fmt.Sprintf("load-%05d.csv", i)
		first := 1 + i
		if i%100 == 99 {
			first = 1 + i - len(partners) // the same partner's file before: a duplicate
		}
		w.drop(p, name, census(censusSpec{partner: p, groups: 1, employees: 1, firstGroup: first}))
		dropped[p] = append(dropped[p], name)
	}
	o := w.once(bin)
	t.Logf("%d files in one pass: %s, peak %d MiB", n, o.elapsed, o.maxRSS>>10)
	if o.maxRSS > loadMaxRSS {
		t.Errorf("a pass over %d files peaked at %d MiB, more than %d MiB", n, o.maxRSS>>10, loadMaxRSS>>10)
	}
	w.settle(bin)
	pic := w.check(dropped)
	dups := 0
	for _, outcome := range pic.outcomes {
		if outcome == "duplicate" {
			dups++
		}
	}
	if dups == 0 {
		t.Error("no file was a duplicate: the repeats were not recognised")
	}
	for k, v := range pic.members {
		if v != 1 {
			t.Errorf("member change %s sent %d times", k, v)
		}
	}
}
