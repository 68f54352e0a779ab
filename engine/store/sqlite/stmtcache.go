package sqlite

import (
	"context"
	"database/sql"
)

// stmtCache is a write transaction that prepares each statement text once
// and reuses it until the transaction ends (database/sql closes a
// transaction's statements at commit or rollback). The hot paths run the
// same few statements for every member of a file; parsing each again cost
// about as much as running it.
//
// Only statements that finish within the call are cached: Exec, and
// QueryRow (whose Scan closes it). A multi-row Query is prepared each
// time, so a caller may run the same query while iterating its rows.
type stmtCache struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

var _ querier = (*stmtCache)(nil)

func newStmtCache(tx *sql.Tx) *stmtCache {
	return &stmtCache{tx: tx, stmts: map[string]*sql.Stmt{}}
}

// prepared returns the transaction's statement for query, preparing it on
// first use.
func (c *stmtCache) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := c.stmts[query]; ok {
		return st, nil
	}
	st, err := c.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.stmts[query] = st
	return st, nil
}

// ExecContext runs a cached statement.
func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := c.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// QueryRowContext runs a cached single-row query.
func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := c.prepared(ctx, query)
	if err != nil {
		// The transaction reports the same error from Row.Scan.
		return c.tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// QueryContext runs a multi-row query, uncached.
func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.tx.QueryContext(ctx, query, args...)
}
