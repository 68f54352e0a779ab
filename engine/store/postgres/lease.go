package postgres

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// leaseKey is the advisory lock of a unit of work: the schema (several
// onboard states may share a database) and the work's name.
const leaseKey = `hashtext('onboard:lease:' || current_schema()), hashtext($1)`

// Lease takes the lease of a unit of work (a job: "intake:acme",
// "transmit:bluecross") for one pass, so that among the daemons sharing
// this database only one runs it at a time (DESIGN.md §12). ok is false
// when another daemon holds it. The lease is a session advisory lock on a
// connection of its own, held until release (which may be called more
// than once): a daemon that dies loses it with its connection, and another
// takes over at its next trigger.
func (s *Store) Lease(ctx context.Context, name string) (release func(), ok bool, err error) {
	c, err := s.leases.Acquire(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("taking the lease of %s: %w", name, err)
	}
	if err := c.QueryRow(ctx, `SELECT pg_try_advisory_lock(`+leaseKey+`)`, name).Scan(&ok); err != nil {
		c.Release()
		return nil, false, fmt.Errorf("taking the lease of %s: %w", name, err)
	}
	if !ok {
		c.Release()
		return func() {}, false, nil
	}
	var once sync.Once
	return func() { once.Do(func() { unlock(c, name) }) }, true, nil
}

// unlock releases a lease and gives its connection back.
func unlock(c *pgxpool.Conn, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var unlocked bool
	if err := c.QueryRow(ctx, `SELECT pg_advisory_unlock(`+leaseKey+`)`, name).Scan(&unlocked); err != nil || !unlocked {
		// A connection that may still hold the lock never goes back to
		// the pool: closing it releases the lock.
		c.Conn().Close(ctx)
	}
	c.Release()
}
