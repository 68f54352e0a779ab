package engine

import (
	"context"
	"fmt"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/store/sqlite"
)

// OpenStore opens the state store the configuration names. It is the one
// place above engine/store that knows the implementations; stages and
// commands see only store.Store.
func OpenStore(ctx context.Context, cfg *config.Config) (store.Store, error) {
	st, err := sqlite.Open(ctx, cfg.State.SQLite)
	if err != nil {
		return nil, fmt.Errorf("opening state store %s: %w", cfg.State.SQLite, err)
	}
	return st, nil
}

// OpenStoreReadOnly opens the configured state store for reading only (the
// read-only commands: status, history): it never creates or migrates it.
func OpenStoreReadOnly(ctx context.Context, cfg *config.Config) (store.Store, error) {
	return sqlite.OpenReadOnly(ctx, cfg.State.SQLite)
}
