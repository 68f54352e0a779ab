package postgres

import (
	"context"
	"testing"
	"time"
)

// TestLeaseExcludesOtherDaemons: two stores on one database stand for two
// daemons; a lease held by one is refused to the other until released or
// until its holder is gone.
func TestLeaseExcludesOtherDaemons(t *testing.T) {
	ctx := context.Background()
	u := freshSchema(t)
	open := func() *Store {
		st, err := Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	a, b := open(), open()
	take := func(st *Store, name string, want bool) func() {
		t.Helper()
		release, ok, err := st.Lease(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(release) // released however the test ends: Close waits for it
		if ok != want {
			t.Fatalf("lease %s: ok %v, want %v", name, ok, want)
		}
		return release
	}
	relA := take(a, "intake:acme", true)
	take(b, "intake:acme", false)
	relB := take(b, "intake:beta", true) // another unit of work is free
	relA()
	relA2 := take(b, "intake:acme", true)
	take(a, "intake:acme", false)
	relA2()
	relB()
	// A daemon that dies loses its leases with its connections: here the
	// server ends the holder's session, as it does when the process is
	// gone.
	relDead := take(a, "transmit:bluecross", true)
	defer relDead() // the dead session's connection is dropped, not pooled
	var n int
	if err := b.db.QueryRowContext(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND classid = hashtext('onboard:lease:' || current_schema())::oid AND objid = hashtext($1)::oid`, "transmit:bluecross").Scan(&n); err != nil || n != 1 {
		t.Fatalf("ending the holder's session: %d sessions, %v", n, err)
	}
	// The session ends a moment later; the next trigger takes over.
	deadline := time.Now().Add(20 * time.Second)
	for {
		release, ok, err := b.Lease(ctx, "transmit:bluecross")
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			release()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the lease of a dead session was never freed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Another schema (another onboard state) has leases of its own.
	other, err := Open(ctx, freshSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	relC := take(b, "report", true)
	take(other, "report", true)()
	relC()
}
