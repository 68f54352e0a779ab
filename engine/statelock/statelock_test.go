package statelock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecondAcquireNamesTheHolder(t *testing.T) {
	db := filepath.Join(t.TempDir(), "state.sqlite")
	l, err := Acquire(db)
	if err != nil {
		t.Fatal(err)
	}
	// flock locks belong to an open file, so a second open in this very
	// process is refused as another process's would be.
	_, err = Acquire(db)
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("second acquire: %v, want a HeldError", err)
	}
	if held.PID != os.Getpid() || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) || !strings.Contains(err.Error(), db) {
		t.Fatalf("error %q (pid %d) does not name pid %d and %s", err, held.PID, os.Getpid(), db)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := Acquire(db)
	if err != nil {
		t.Fatalf("acquire after release: %v", err)
	}
	defer l2.Release()
	if fi, err := os.Stat(Path(db)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("lock file: %v %v", fi, err)
	}
}
