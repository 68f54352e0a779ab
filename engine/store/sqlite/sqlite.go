package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver

	"github.com/onboard/onboard/engine/store"
)

// Store is the embedded store.Store: one file, one writer connection, a small
// pool of readers (WAL lets them read while the writer writes).
type Store struct {
	reader
	w     *sql.DB
	r     *sql.DB
	path  string
	now   func() time.Time
	newID func() string
	ckpt  checkpointer

	watch   watch                 // the file opened (identity.go)
	damaged atomic.Pointer[error] // a damage SQLite reported
}

var _ store.Store = (*Store)(nil)

// Option configures Open.
type Option func(*Store)

// WithClock injects the clock used for timestamps (tests).
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// WithIDs injects the source of the ids the store assigns (file records;
// tests). The default is a random UUID.
func WithIDs(newID func() string) Option { return func(s *Store) { s.newID = newID } }

// Open opens (creating, mode 0600) the database at path and applies
// pending migrations.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("creating database folder: %w", err)
	}
	// The database holds personal data: create it private before SQLite
	// does (SQLite gives its -wal and -shm files the same mode).
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("creating database: %w", err)
	}
	f.Close()

	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	dsn := "file:" + uriPath(path) + "?" + q.Encode()
	// The writer's statement journals (the multi-row INSERTs' ON CONFLICT
	// and foreign-key checks need them) stay in memory instead of a
	// temporary file: about 5% of a large intake was writing them.
	// Durability is unchanged (WAL, synchronous=NORMAL).
	q.Add("_pragma", "temp_store(MEMORY)")
	// The writer's page cache is 16 MiB instead of SQLite's 2: a large
	// file's transaction dirties more pages than any cache holds, and with
	// 2 MiB SQLite spilled them to the WAL a page and a write at a time,
	// often the same page again. Measured at a million members: intake
	// and transmission 10-15% faster, peak RSS 66 -> 98 MiB, a constant
	// that does not grow with the file.
	q.Add("_pragma", "cache_size(-16384)")
	// The writer does not checkpoint when it commits: the checkpointer
	// does, beside it (see checkpoint.go).
	q.Add("_pragma", "wal_autocheckpoint(0)")
	wdsn := "file:" + uriPath(path) + "?" + q.Encode()

	w, err := sql.Open("sqlite", wdsn)
	if err != nil {
		return nil, fmt.Errorf("opening database: %w", err)
	}
	w.SetMaxOpenConns(1) // one writer
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("opening database: %w", err)
	}
	r.SetMaxOpenConns(4)

	s := &Store{w: w, r: r, path: path, now: time.Now, newID: uuid.NewString}
	for _, o := range opts {
		o(s)
	}
	s.reader = reader{q: r}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if info, err := os.Stat(path); err == nil {
		s.watch.ident = fileIdentity(info)
	}
	s.ckpt.start(r)
	return s, nil
}

// uriPath escapes a file path for a SQLite URI filename: '?' would start
// the query and '#' a fragment, so that a database in a folder named
// "run#2" was opened as "run" (another file, shared by every such folder).
// '%' is escaped so that an escape-like name stays itself.
func uriPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

func (s *Store) migrate(ctx context.Context) error { return s.migrateTo(ctx, len(migrations)) }

// migrateTo applies the migrations up to and including version target.
func (s *Store) migrateTo(ctx context.Context, target int) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("preparing migrations: %w", err)
	}
	var have int
	if err := s.w.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("reading schema version: %w", err)
	}
	if have > len(migrations) {
		return fmt.Errorf("database schema version %d is newer than this onboard (%d): upgrade onboard", have, len(migrations))
	}
	for v := have + 1; v <= target; v++ {
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrating to version %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, migrations[v-1]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrating to version %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, v, fmtTime(s.now())); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrating to version %d: %w", v, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrating to version %d: %w", v, err)
		}
	}
	return nil
}

// Update implements store.Store.
func (s *Store) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	c := newStmtCache(sqlTx)
	t := &sqliteTx{reader: reader{q: c}, tx: c, now: s.now, newID: s.newID}
	if err := s.checkFile(); err != nil {
		// Writing on would fill a file nobody reads (deleted) or mix two
		// histories (replaced): refuse.
		sqlTx.Rollback()
		return err
	}
	if err := fn(t); err != nil {
		sqlTx.Rollback()
		s.noteDamage(err)
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		s.noteDamage(err)
		return fmt.Errorf("committing transaction: %w", err)
	}
	s.ckpt.poke()
	return nil
}

// Ping implements store.Store.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.checkFile(); err != nil {
		return err
	}
	var one int
	if err := s.r.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("pinging database: %w", err)
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns an error unless
// the database is sound.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	var res string
	if err := s.w.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("checking integrity: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("database integrity check failed: %s", res)
	}
	return nil
}

// Close implements store.Store.
func (s *Store) Close() error {
	s.ckpt.stop()
	return errors.Join(s.r.Close(), s.w.Close())
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
