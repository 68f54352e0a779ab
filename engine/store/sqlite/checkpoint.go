package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// checkpointer copies the WAL back into the database file beside the
// writer. SQLite's automatic checkpoint runs inside the commit that
// crosses its threshold, so the writer of a large file waited for the
// whole copy (about an eighth of an intake); a PASSIVE checkpoint on
// another connection copies what is committed while the writer goes on.
// Durability is unchanged: a commit is in the WAL either way.
type checkpointer struct {
	db   *sql.DB
	kick chan struct{}
	quit chan struct{}
	done chan struct{}
	once sync.Once
}

// start runs the checkpointer on db (a connection pool that is not the
// writer's).
func (c *checkpointer) start(db *sql.DB) {
	c.db = db
	c.kick = make(chan struct{}, 1)
	c.quit = make(chan struct{})
	c.done = make(chan struct{})
	go c.run()
}

// poke asks for a checkpoint after a commit; it never blocks.
func (c *checkpointer) poke() {
	if c.kick == nil {
		return
	}
	select {
	case c.kick <- struct{}{}:
	default: // one is already asked for
	}
}

// stop ends the checkpointer, waiting for a checkpoint under way.
// Closing the database checkpoints what is left.
func (c *checkpointer) stop() {
	if c.kick == nil {
		return
	}
	c.once.Do(func() {
		close(c.quit)
		<-c.done
	})
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.quit:
			return
		case <-c.kick:
			// A failed checkpoint (busy) is retried after the next
			// commit; the data is safe in the WAL meanwhile.
			c.db.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
		}
	}
}
