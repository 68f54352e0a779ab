package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStateChangedUnderTheStore: a database deleted or replaced under a
// running daemon went unnoticed (readiness said ready, a replaced file
// logged "malformed" while intake accepted files). Ping and Update now
// fail with ErrStateChanged.
func TestStateChangedUnderTheStore(t *testing.T) {
	ctx := context.Background()
	claim := func(s *Store, sha string) error {
		_, _, err := s.ClaimFile(ctx, "acme", sha+".csv", sha, 1)
		return err
	}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, path string)
		says   string
	}{
		{"deleted", func(t *testing.T, path string) {
			for _, p := range []string{path, path + "-wal", path + "-shm"} {
				os.Remove(p)
			}
		}, "was deleted"},
		{"replaced", func(t *testing.T, path string) {
			other := filepath.Join(filepath.Dir(path), "other.db")
			o, err := Open(ctx, other)
			if err != nil {
				t.Fatal(err)
			}
			o.Close()
			if err := os.Rename(other, path); err != nil {
				t.Fatal(err)
			}
		}, "was replaced by another file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "onboard.db")
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Ping(ctx); err != nil {
				t.Fatalf("Ping before: %v", err)
			}
			if err := claim(s, "a"); err != nil {
				t.Fatal(err)
			}
			tc.change(t, path)
			if err := s.Ping(ctx); !errors.Is(err, ErrStateChanged) || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("Ping after: %v, want ErrStateChanged saying %q", err, tc.says)
			}
			if err := claim(s, "b"); !errors.Is(err, ErrStateChanged) {
				t.Errorf("a write after: %v, want ErrStateChanged", err)
			}
		})
	}
}

// TestQuickCheckAtOpen: a database damaged while onboard was down is
// refused by QuickCheck (the daemon's start), naming the problem.
func TestQuickCheckAtOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "onboard.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		if _, _, err := s.ClaimFile(ctx, "acme", "f.csv", strings.Repeat("x", 40)+string(rune('a'+i%26))+strings.Repeat("y", i), 1); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	// Overwrite a page in the middle of the file (past the header and the
	// schema) with garbage, as a disk fault would.
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := f.Stat()
	if info.Size() < 5*4096 {
		t.Fatalf("database of %d bytes: too small to damage a data page", info.Size())
	}
	garbage := []byte(strings.Repeat("\xde\xad\xbe\xef", 1024))
	if _, err := f.WriteAt(garbage, info.Size()-2*4096); err != nil {
		t.Fatal(err)
	}
	f.Close()
	s, err = Open(ctx, path)
	if err == nil {
		defer s.Close()
		err = s.QuickCheck(ctx)
	}
	if err == nil {
		t.Fatal("a damaged database passed the check")
	}
	if !strings.Contains(err.Error(), "damaged") && !strings.Contains(err.Error(), "malformed") {
		t.Errorf("error %v does not say the database is damaged", err)
	}
}
