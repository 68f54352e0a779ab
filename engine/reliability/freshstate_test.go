//go:build unix

package reliability

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// isa13s returns the ISA13 of every 834 in a carrier's inbox, by name.
func isa13s(t *testing.T, dir, carrier string) []int64 {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^` + carrier + `-\d{14}-(\d{9})\.834$`)
	var out []int64
	for _, e := range ents {
		if m := re.FindStringSubmatch(e.Name()); m != nil {
			n, _ := strconv.ParseInt(m[1], 10, 64)
			out = append(out, n)
		}
	}
	return out
}

// TestNewDatabaseBesideHistory: after the database was lost, a restart on
// an empty one took every file again and sent ISA13 000000001 a second
// time. Now onboard refuses to start on a new database while the folders
// show an earlier state, until the operator says -new-state; the new
// state's control numbers then start above the highest in the inbox.
func TestNewDatabaseBesideHistory(t *testing.T) {
	bin := onboardBinary(t)
	w := newWorld(t, worldOptions{})
	w.dumpOnFailure()
	w.drop("acme", "first.csv", census(censusSpec{partner: "acme", groups: 2, employees: 2}))
	w.once(bin)
	before := isa13s(t, w.inbox("bluecross"), "bluecross")
	if len(before) == 0 {
		t.Fatal("the first pass sent nothing to bluecross")
	}
	var top int64
	for _, n := range before {
		top = max(top, n)
	}

	// The database is lost.
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(w.db() + suffix)
	}
	w.drop("acme", "second.csv", census(censusSpec{partner: "acme", groups: 1, employees: 2, firstGroup: 500}))
	o := w.run(bin, runSpec{args: []string{"once", "-config", w.cfg}})
	if o.exitCode != 1 || !strings.Contains(string(o.out), "-new-state") {
		t.Fatalf("once on a new database beside history: exit %d, want 1 naming -new-state:\n%s", o.exitCode, tail(o.out))
	}
	if !exists(filepath.Join(w.inbound("acme"), "second.csv")) || len(isa13s(t, w.inbox("bluecross"), "bluecross")) != len(before) {
		t.Fatal("the refused start took files or sent to the carrier")
	}

	o = w.run(bin, runSpec{args: []string{"once", "-config", w.cfg, "-new-state"}})
	if o.killed || o.exitCode != 0 {
		t.Fatalf("once -new-state: exit %d:\n%s", o.exitCode, tail(o.out))
	}
	seen := map[int64]bool{}
	for _, n := range before {
		seen[n] = true
	}
	var fresh []int64
	for _, n := range isa13s(t, w.inbox("bluecross"), "bluecross") {
		if !seen[n] {
			fresh = append(fresh, n)
		}
	}
	if len(fresh) == 0 {
		t.Fatal("the new state sent nothing")
	}
	for _, n := range fresh {
		if n <= top {
			t.Errorf("the new state sent ISA13 %09d, not above the highest before (%09d)", n, top)
		}
	}
	// Started once on purpose, the state is no longer new: plain once runs.
	w.once(bin)
}

// TestRunRefusesDamagedDatabase: `onboard run` checks its database
// (PRAGMA quick_check) before it starts: one damaged while onboard was
// down is refused, naming the problem, instead of being written to.
func TestRunRefusesDamagedDatabase(t *testing.T) {
	bin := onboardBinary(t)
	w := newWorld(t, worldOptions{})
	w.dumpOnFailure()
	w.drop("acme", "first.csv", census(censusSpec{partner: "acme", groups: 20, employees: 5}))
	w.once(bin)
	f, err := os.OpenFile(w.db(), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	info, err := f.Stat()
	if err != nil || info.Size() < 8*4096 {
		t.Fatalf("database of %d bytes (%v): too small to damage a data page", info.Size(), err)
	}
	if _, err := f.WriteAt([]byte(strings.Repeat("\xde\xad\xbe\xef", 1024)), info.Size()-4*4096); err != nil {
		t.Fatal(err)
	}
	f.Close()
	o := w.run(bin, runSpec{args: []string{"run", "-config", w.cfg}, timeout: 30 * time.Second})
	if o.killed || o.exitCode != 1 || !strings.Contains(string(o.out), "damaged") && !strings.Contains(string(o.out), "malformed") {
		t.Fatalf("run on a damaged database: exit %d, want 1 saying it is damaged:\n%s", o.exitCode, tail(o.out))
	}
}
