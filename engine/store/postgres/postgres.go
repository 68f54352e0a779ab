package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/onboard/onboard/engine/store"
)

// Store is the shared store.Store on PostgreSQL: several daemons use one
// database at once (DESIGN.md §12). Writes are transactions at read
// committed isolation; what must not happen twice (a file's claim, a
// control number, a delivery) is guarded by a unique key or a row lock,
// and each unit of work runs under a Lease.
type Store struct {
	reader
	pool *pgxpool.Pool
	db   *sql.DB
	// leases holds the connections that hold leases, apart from the
	// pool the transactions use, so that passes holding leases never
	// starve their own writes.
	leases *pgxpool.Pool
	now    func() time.Time
	newID  func() string
}

var _ store.Store = (*Store)(nil)

// Option configures Open.
type Option func(*Store)

// WithClock injects the clock used for timestamps (tests).
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// WithIDs injects the source of the ids the store assigns (file records;
// tests). The default is a random UUID.
func WithIDs(newID func() string) Option { return func(s *Store) { s.newID = newID } }

// Open connects to the database at dsn (a postgres:// URL or key=value
// string; search_path may name the schema) and applies pending
// migrations.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	s, err := connect(ctx, dsn, opts)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// OpenReadOnly connects for the read-only commands: it never migrates,
// and a schema other than this onboard's is an error saying so.
func OpenReadOnly(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	s, err := connect(ctx, dsn, opts)
	if err != nil {
		return nil, err
	}
	var have int
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		s.Close()
		return nil, fmt.Errorf("reading schema version of %s (run onboard once to create it): %w", Redact(dsn), err)
	}
	if have != len(migrations) {
		s.Close()
		return nil, fmt.Errorf("database %s has schema version %d, this onboard reads %d: run onboard once (or a matching onboard) first", Redact(dsn), have, len(migrations))
	}
	return s, nil
}

func connect(ctx context.Context, dsn string, opts []Option) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("reading PostgreSQL address %s: %w", Redact(dsn), err)
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to PostgreSQL %s: %w", Redact(dsn), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connecting to PostgreSQL %s: %w", Redact(dsn), err)
	}
	lcfg := cfg.Copy()
	lcfg.MaxConns, lcfg.MinConns = 16, 0
	leases, err := pgxpool.NewWithConfig(ctx, lcfg)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("connecting to PostgreSQL %s: %w", Redact(dsn), err)
	}
	db := stdlib.OpenDBFromPool(pool)
	s := &Store{pool: pool, db: db, leases: leases, now: time.Now, newID: uuid.NewString}
	for _, o := range opts {
		o(s)
	}
	s.reader = reader{q: rebinder{db}}
	return s, nil
}

// Redact returns a connection string without its password, for messages.
func Redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	var out []string
	for _, f := range strings.Fields(dsn) {
		if strings.HasPrefix(f, "password=") {
			f = "password=xxxxx"
		}
		out = append(out, f)
	}
	return strings.Join(out, " ")
}

// migrateLock is the advisory lock key under which daemons migrate.
const migrateLock = `hashtext('onboard:migrate:' || current_schema())`

func (s *Store) migrate(ctx context.Context) (err error) { return s.migrateTo(ctx, len(migrations)) }

func (s *Store) migrateTo(ctx context.Context, target int) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("preparing migrations: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+migrateLock+`)`); err != nil {
		return fmt.Errorf("waiting for another daemon's migration: %w", err)
	}
	defer func() {
		// Unlocked on a fresh context: the caller's may be done.
		if _, uerr := conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(`+migrateLock+`)`); uerr != nil && err == nil {
			err = fmt.Errorf("releasing the migration lock: %w", uerr)
		}
	}()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("preparing migrations: %w", err)
	}
	var have int
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("reading schema version: %w", err)
	}
	if have > len(migrations) {
		return fmt.Errorf("database schema version %d is newer than this onboard (%d): upgrade onboard", have, len(migrations))
	}
	for v := have + 1; v <= target; v++ {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrating to version %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, migrations[v-1]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrating to version %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, v, fmtTime(s.now())); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrating to version %d: %w", v, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrating to version %d: %w", v, err)
		}
	}
	return nil
}

// Update implements store.Store. Writers run at once (one per daemon and
// stage); the function's writes commit together or not at all.
func (s *Store) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	q := rebinder{sqlTx}
	t := &pgTx{reader: reader{q: q}, tx: q, now: s.now, newID: s.newID}
	if err := fn(t); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("committing transaction: %w", err)
	}
	return nil
}

// Ping implements store.Store.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("pinging database: %w", err)
	}
	return nil
}

// Close implements store.Store. It waits for the leases still held to be
// released.
func (s *Store) Close() error {
	err := s.db.Close()
	s.leases.Close()
	s.pool.Close()
	return err
}

// querier is what reads and writes go through: the pool or a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// rebinder writes the statements' ? placeholders as PostgreSQL's $1, $2...
// so that the statements read as the SQLite store's do.
type rebinder struct{ q querier }

func (r rebinder) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return r.q.ExecContext(ctx, bind(query), args...)
}

func (r rebinder) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return r.q.QueryContext(ctx, bind(query), args...)
}

func (r rebinder) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return r.q.QueryRowContext(ctx, bind(query), args...)
}

// bound caches bind's results by statement text (statements are few).
var bound sync.Map

// bind numbers the ? placeholders of a statement. No statement of this
// package has a ? inside a string literal.
func bind(query string) string {
	if b, ok := bound.Load(query); ok {
		return b.(string)
	}
	var sb strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			fmt.Fprintf(&sb, "$%d", n)
			continue
		}
		sb.WriteByte(query[i])
	}
	b := sb.String()
	bound.Store(query, b)
	return b
}

const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// fmtTime is the stored form of a time: fixed-width UTC text, ordered as
// the times are (the SQLite store's form).
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
