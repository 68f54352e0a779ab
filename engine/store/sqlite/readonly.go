package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"time"

	"github.com/google/uuid"
)

// ErrNoDatabase says that a database opened read-only does not exist.
var ErrNoDatabase = errors.New("no state database")

// OpenReadOnly opens an existing database for reading only (the
// read-only commands: status, history). It never creates the file or
// migrates it: a missing database is ErrNoDatabase naming the path, and
// one whose schema differs from this onboard's is an error saying so.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s (check state.sqlite in the config, or run onboard once to create it)", ErrNoDatabase, path)
	}
	if err != nil {
		return nil, fmt.Errorf("opening database: %w", err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("opening database: %s is a folder", path)
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "query_only(1)")
	r, err := sql.Open("sqlite", "file:"+uriPath(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("opening database: %w", err)
	}
	r.SetMaxOpenConns(4)
	s := &Store{w: r, r: r, path: path, now: time.Now, newID: uuid.NewString}
	s.reader = reader{q: r}
	var have int
	if err := r.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		r.Close()
		return nil, fmt.Errorf("reading %s (is it onboard's state database?): %w", path, err)
	}
	if have != len(migrations) {
		r.Close()
		return nil, fmt.Errorf("database %s has schema version %d, this onboard reads %d: run onboard once (or a matching onboard) first", path, have, len(migrations))
	}
	return s, nil
}
