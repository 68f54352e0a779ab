package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrStateChanged is returned by Ping (and so by readiness, and by the
// daemon before each job) once the database file is not the one this store
// opened (deleted, or replaced by another file) or SQLite found it damaged.
// Nothing more is written: the process must be restarted on a sound state.
var ErrStateChanged = errors.New("the state database changed under the running process")

// watch is what the store knows of its file: its identity at open, and a
// damage SQLite reported since.
type watch struct {
	ident string // device and inode at open ("" where the system has none)
}

// checkFile compares the database file with the one opened.
func (s *Store) checkFile() error {
	if err := s.damaged.Load(); err != nil {
		return *err
	}
	info, err := os.Stat(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s was deleted: %w", s.path, ErrStateChanged)
	}
	if err != nil {
		return fmt.Errorf("checking %s: %w", s.path, err)
	}
	if s.watch.ident != "" && fileIdentity(info) != s.watch.ident {
		return fmt.Errorf("%s was replaced by another file: %w", s.path, ErrStateChanged)
	}
	return nil
}

// noteDamage remembers an error SQLite gives for a damaged database
// (SQLITE_CORRUPT, SQLITE_NOTADB): every later Ping fails with it.
func (s *Store) noteDamage(err error) {
	var se *msqlite.Error
	if !errors.As(err, &se) {
		return
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		e := fmt.Errorf("%s is damaged (%w): %w", s.path, err, ErrStateChanged)
		s.damaged.CompareAndSwap(nil, &e)
	}
}

// QuickCheck runs PRAGMA quick_check: a database damaged while onboard was
// down (a disk fault, a copy taken mid-write) is refused at start rather
// than found by a failing write. It reads the whole file (about 0.4 s per
// 100,000 members stored), so the daemon runs it when it starts
// (engine.WithQuickCheck), not every `onboard once`.
func (s *Store) QuickCheck(ctx context.Context) error {
	rows, err := s.w.QueryContext(ctx, `PRAGMA quick_check`)
	if err != nil {
		return fmt.Errorf("checking the database %s: %w", s.path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("checking the database %s: %w", s.path, err)
		}
		if line != "ok" && len(problems) < 5 {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("checking the database %s: %w", s.path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("the database %s is damaged (PRAGMA quick_check: %s); restore it from a backup", s.path, strings.Join(problems, "; "))
	}
	return nil
}
