package engine

import (
	"context"
	"fmt"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/store/postgres"
	"github.com/onboard/onboard/engine/store/sqlite"
)

// OpenStore opens the state store the configuration names: PostgreSQL
// when state.postgres is set, else the SQLite file. It is the one place
// above engine/store that knows the implementations; stages and commands
// see only store.Store.
func OpenStore(ctx context.Context, cfg *config.Config) (store.Store, error) {
	var st store.Store
	var err error
	if cfg.State.Postgres != "" {
		st, err = postgres.Open(ctx, cfg.State.Postgres.Reveal())
	} else {
		st, err = sqlite.Open(ctx, cfg.State.SQLite)
	}
	if err != nil {
		return nil, fmt.Errorf("opening state store %s: %w", StoreName(cfg), err)
	}
	return st, nil
}

// OpenStoreReadOnly opens the configured state store for reading only (the
// read-only commands: status, history): it never creates or migrates it.
func OpenStoreReadOnly(ctx context.Context, cfg *config.Config) (store.Store, error) {
	if cfg.State.Postgres != "" {
		return postgres.OpenReadOnly(ctx, cfg.State.Postgres.Reveal())
	}
	return sqlite.OpenReadOnly(ctx, cfg.State.SQLite)
}

// leaseOf returns the leases of a store shared by several daemons, nil for
// the embedded one.
func leaseOf(st store.Store) leaseFunc {
	if pg, ok := st.(*postgres.Store); ok {
		return pg.Lease
	}
	return nil
}

// StoreName names the configured store for messages and logs, without a
// password.
func StoreName(cfg *config.Config) string {
	if cfg.State.Postgres != "" {
		return "postgres " + cfg.State.Postgres.String()
	}
	return cfg.State.SQLite
}
