//go:build unix

package reliability

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/store/postgres"
	"github.com/onboard/onboard/engine/store/sqlite"
)

// openStore opens the world's store after its last pass: the SQLite file
// (checked for damage) or the shared PostgreSQL.
func (w *world) openStore(ctx context.Context) store.Store {
	w.t.Helper()
	if w.postgres != "" {
		st, err := postgres.Open(ctx, w.postgres)
		if err != nil {
			w.t.Fatalf("opening the store: %v", err)
		}
		return st
	}
	st, err := sqlite.Open(ctx, w.db())
	if err != nil {
		w.t.Fatalf("opening the store: %v", err)
	}
	if err := st.IntegrityCheck(ctx); err != nil {
		w.t.Errorf("store: %v", err)
	}
	return st
}

var pgSchemas atomic.Int64

// sharedPostgres returns the URL of an empty schema of the test
// PostgreSQL (ONBOARD_TEST_POSTGRES, which .ci/postgres.sh starts),
// dropped when the test ends. Without it the test skips locally and fails
// under CI=true.
func sharedPostgres(t *testing.T) string {
	t.Helper()
	base := os.Getenv("ONBOARD_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("ONBOARD_TEST_POSTGRES is not set: CI must start PostgreSQL (.ci/postgres.sh)")
		}
		t.Skip("ONBOARD_TEST_POSTGRES is not set (eval \"$(.ci/postgres.sh start)\" starts a throwaway PostgreSQL)")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("crash%d_%d", os.Getpid(), pgSchemas.Add(1))
	if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+name+" CASCADE; CREATE SCHEMA "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c, err := pgx.Connect(ctx, base); err == nil {
			c.Exec(ctx, "DROP SCHEMA "+name+" CASCADE")
			c.Close(ctx)
		}
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + url.QueryEscape(name)
}

// killDaemon ends a daemon with SIGKILL and logs its output; a daemon
// that had already exited on its own fails the test.
func (w *world) killDaemon(i int, d *daemon) {
	w.t.Helper()
	select {
	case <-d.done:
		w.t.Fatalf("daemon %d exited on its own (%v):\n%s", i, d.err, tail(d.out.Bytes()))
	default:
	}
	d.cmd.Process.Signal(syscall.SIGKILL)
	<-d.done
	fmt.Fprintf(w.log, "=== daemon %d killed\n%s", i, tail(d.out.Bytes()))
}

// sharedPartners are the partners of the multi-daemon worlds: two per
// carrier.
var sharedPartners = []string{"acme", "beta", "gamma", "delta"}

// sharedScenario is twenty files over four partners: a census and a group
// JSON file each, then the census again under another name (a duplicate),
// an update of it and another group JSON file.
func sharedScenario(kills int) scenario {
	var first, second phase
	for i, p := range sharedPartners {
		spec := censusSpec{partner: p, groups: 3, employees: 4, firstGroup: 1 + i*1000}
		first.drops = append(first.drops,
			dropFile{partner: p, name: p + "-census-1.csv", data: census(spec), at: i % 3},
			dropFile{partner: p, name: p + "-group-1.json", data: groupJSON(fmt.Sprintf("J%d01", i), 2), at: 1 + i%(kills-1)})
		second.drops = append(second.drops,
			dropFile{partner: p, name: p + "-census-1-again.csv", data: census(spec), at: kills / 2})
		spec.update = true
		second.drops = append(second.drops,
			dropFile{partner: p, name: p + "-census-2.csv", data: census(spec), at: i % 3},
			dropFile{partner: p, name: p + "-group-2.json", data: groupJSON(fmt.Sprintf("J%d02", i), 3), at: 1 + (i+2)%(kills-1)})
	}
	return scenario{phases: []phase{first, second}}
}

// TestSharedPostgresCrash runs three daemons on one PostgreSQL and one set
// of folders (DESIGN.md §12) while SIGKILL ends any of them at random and
// it is started again, then checks what a single store guarantees: every
// file taken once, every member change in exactly one delivered 834,
// control numbers unique, every status consistent with the carrier's
// answers, and the same outcome as one daemon without crashes.
func TestSharedPostgresCrash(t *testing.T) {
	bin := onboardBinary(t)
	pg := sharedPostgres(t)
	s := seed(t)
	rng := rand.New(rand.NewPCG(s, s>>1|1))
	kills := iterations(12, 80)
	sc := sharedScenario(kills)
	if n := len(sc.phases[0].drops) + len(sc.phases[1].drops); n != 20 {
		t.Fatalf("the scenario has %d files", n)
	}

	ref := newWorld(t, worldOptions{partners: sharedPartners})
	ref.dumpOnFailure()
	ref.playClean(bin, sc)
	want := ref.check(sc.dropped())
	if t.Failed() {
		t.Fatal("the run without crashes breaks the invariants")
	}

	w := newWorld(t, worldOptions{partners: sharedPartners, postgres: pg, noQuarantine: true})
	w.dumpOnFailure()
	const daemons = 3
	killed := 0
	for _, ph := range sc.phases {
		ds := make([]*daemon, daemons)
		for i := range ds {
			ds[i] = w.startDaemon(bin)
		}
		for i := range kills {
			for _, d := range ph.drops {
				if d.at == i {
					w.drop(d.partner, d.name, d.data)
				}
			}
			// The daemons run their jobs every second or two; a kill
			// falls anywhere in a pass.
			time.Sleep(time.Duration(200+rng.IntN(1300)) * time.Millisecond)
			k := rng.IntN(daemons)
			w.killDaemon(k, ds[k])
			killed++
			ds[k] = w.startDaemon(bin)
			if i%3 == 2 {
				w.carrierSim(bin, simReject)
			}
		}
		for i, d := range ds {
			w.killDaemon(i, d)
		}
		w.settle(bin)
	}
	t.Logf("%d daemons killed", killed)
	got := w.check(sc.dropped())
	got.same(t, want, true)
	if got.deliveries == 0 {
		t.Error("no file reached a carrier")
	}
}
