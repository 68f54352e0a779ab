//go:build linux

package reliability

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the driver the store uses
)

// nobody is the user a child runs as where the test is root, so that file
// permissions bind it (root passes every permission check).
const nobody = 65534

// asUnprivileged prepares a world for a child run as nobody when the test
// runs as root: the world and the binary are handed to nobody. It returns
// the uid to run children as (0: the test is not root and needs nothing)
// and the binary to run.
func asUnprivileged(t *testing.T, w *world, bin string) (uint32, string) {
	t.Helper()
	if os.Geteuid() != 0 {
		return 0, bin
	}
	own := filepath.Join(w.dir, "bin", "onboard")
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	w.mkdir(filepath.Dir(own))
	if err := os.WriteFile(own, data, 0o755); err != nil {
		t.Fatal(err)
	}
	// The temporary directories above the world are private to root.
	for d := w.dir; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	err = filepath.Walk(w.dir, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, nobody, nobody)
	})
	if err != nil {
		t.Fatal(err)
	}
	return nobody, own
}

// TestFaultOutboundPermissionDenied: a partner's outbound folder refuses
// writes. Its files are committed but their results cannot be delivered:
// each stays in the drop folder with a logged error, the other partners'
// files go through, and once the permission is back the next pass delivers
// the results and moves the files, without applying them twice.
func TestFaultOutboundPermissionDenied(t *testing.T) {
	bin := onboardBinary(t)
	w := newWorld(t, worldOptions{})
	w.dumpOnFailure()
	out := w.outbound("acme")
	w.mkdir(out)
	w.drop("acme", "acme.csv", census(censusSpec{partner: "acme", groups: 2, employees: 2}))
	w.drop("beta", "beta.csv", census(censusSpec{partner: "beta", groups: 2, employees: 2, firstGroup: 1000}))
	uid, ubin := asUnprivileged(t, w, bin)
	if err := os.Chmod(out, 0o555); err != nil {
		t.Fatal(err)
	}
	o := w.run(ubin, runSpec{args: []string{"once", "-config", w.cfg}, uid: uid})
	if o.exitCode != 1 {
		t.Fatalf("onboard once with a read-only outbound folder: exit %d, want 1:\n%s", o.exitCode, tail(o.out))
	}
	w.mustLog(o.out, "acme.csv", "permission denied")
	w.stillWaiting("acme", "acme.csv")
	w.resulted("beta", "beta.csv")

	if err := os.Chmod(out, 0o755); err != nil {
		t.Fatal(err)
	}
	o = w.run(ubin, runSpec{args: []string{"once", "-config", w.cfg}, uid: uid})
	if o.exitCode != 0 {
		t.Fatalf("onboard once after the fault cleared: exit %d:\n%s", o.exitCode, tail(o.out))
	}
	w.settle(bin)
	w.check(map[string][]string{"acme": {"acme.csv"}, "beta": {"beta.csv"}})
}

// mountTmpfs mounts a tmpfs of size bytes on dir for the test, or skips
// the test where mounting is not allowed.
func mountTmpfs(t *testing.T, dir string, size string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a small tmpfs here (%v); the full-disk test needs root", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
}

// TestFaultStagingDiskFull: the staging area is full. A file too large for
// what is left fails with a logged "no space left" and stays in the drop
// folder, a small file of another partner still goes through, nothing half
// written is left, and once space is back the next pass takes the file.
func TestFaultStagingDiskFull(t *testing.T) {
	bin := onboardBinary(t)
	dir := t.TempDir()
	staging := filepath.Join(dir, "var", "staging")
	mountTmpfs(t, staging, "1m")
	w := newWorld(t, worldOptions{dir: dir, state: "sqlite: var/onboard.db, staging: var/staging"})
	w.dumpOnFailure()
	w.drop("acme", "big.json", paddedGroup("BIG1", 3<<20))
	w.drop("beta", "beta.csv", census(censusSpec{partner: "beta", groups: 2, employees: 2, firstGroup: 1000}))
	w.mustFail(bin, "big.json", "no space left on device")
	w.stillWaiting("acme", "big.json")
	w.resulted("beta", "beta.csv")

	if err := syscall.Unmount(staging, syscall.MNT_DETACH); err != nil {
		t.Fatal(err)
	}
	w.settle(bin)
	w.check(map[string][]string{"acme": {"big.json"}, "beta": {"beta.csv"}})
}

// TestFaultDatabaseLocked: another process holds the database's write lock
// when a pass starts. The pass waits for it (busy_timeout) and, once the
// lock is released, does its work.
func TestFaultDatabaseLocked(t *testing.T) {
	bin := onboardBinary(t)
	w := newWorld(t, worldOptions{})
	w.dumpOnFailure()
	w.once(bin) // creates the database
	w.drop("acme", "acme.csv", census(censusSpec{partner: "acme", groups: 2, employees: 2}))

	db, err := sql.Open("sqlite", "file:"+w.db()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	const hold = 2 * time.Second
	released := make(chan struct{})
	go func() {
		defer close(released)
		time.Sleep(hold)
		conn.ExecContext(ctx, "ROLLBACK")
	}()
	o := w.run(bin, runSpec{args: []string{"once", "-config", w.cfg}})
	<-released
	if o.exitCode != 0 {
		t.Fatalf("onboard once while the database was locked for %s: exit %d:\n%s", hold, o.exitCode, tail(o.out))
	}
	if o.elapsed < hold {
		t.Errorf("the pass took %s, less than the %s the lock was held: it did not wait for it", o.elapsed, hold)
	}
	w.settle(bin)
	w.check(map[string][]string{"acme": {"acme.csv"}})
}

// TestFaultDatabaseReadOnly: the database's file system turns read-only.
// Passes fail with a logged error naming the database and touch nothing;
// once it is writable again the next pass takes the files.
func TestFaultDatabaseReadOnly(t *testing.T) {
	bin := onboardBinary(t)
	w := newWorld(t, worldOptions{state: "sqlite: var/db/onboard.db"})
	w.dbPath = "var/db/onboard.db"
	w.dumpOnFailure()
	w.once(bin)
	dbDir := filepath.Join(w.dir, "var", "db")
	if err := syscall.Mount(dbDir, dbDir, "", syscall.MS_BIND, ""); err != nil {
		t.Skipf("cannot bind-mount here (%v); the read-only database test needs root", err)
	}
	defer syscall.Unmount(dbDir, syscall.MNT_DETACH)
	if err := syscall.Mount(dbDir, dbDir, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remounting read-only: %v", err)
	}
	w.drop("acme", "acme.csv", census(censusSpec{partner: "acme", groups: 2, employees: 2}))
	o := w.run(bin, runSpec{args: []string{"once", "-config", w.cfg}})
	if o.exitCode != 1 {
		t.Fatalf("onboard once on a read-only database: exit %d, want 1:\n%s", o.exitCode, tail(o.out))
	}
	if !containsAny(o.out, "read-only", "readonly") {
		t.Errorf("the failure does not say the database is read-only:\n%s", tail(o.out))
	}
	w.stillWaiting("acme", "acme.csv")
	if err := syscall.Unmount(dbDir, syscall.MNT_DETACH); err != nil {
		t.Fatal(err)
	}
	w.settle(bin)
	w.check(map[string][]string{"acme": {"acme.csv"}})
}

func containsAny(b []byte, subs ...string) bool {
	for _, s := range subs {
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}
