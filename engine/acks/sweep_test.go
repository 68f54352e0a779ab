package acks

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestStaleStagedCopiesRemoved: a process killed while reading an
// acknowledgement leaves its staged copy, which nothing removed (found by
// engine/reliability's random kills). An Acker's first run removes the
// copies older than itself and leaves a newer one alone.
func TestStaleStagedCopiesRemoved(t *testing.T) {
	e := newEnv(t, "")
	if err := os.MkdirAll(e.ak.staging, 0o700); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(e.ak.staging, "ack-111")
	fresh := filepath.Join(e.ak.staging, "ack-222")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(fresh, later, later); err != nil {
		t.Fatal(err)
	}
	e.run()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale staged copy still there: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a newer staged copy was removed: %v", err)
	}
}
