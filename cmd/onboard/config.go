package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/onboard/onboard/engine"
	"github.com/onboard/onboard/engine/statelock"
	"github.com/onboard/onboard/engine/store"

	"github.com/onboard/onboard/engine/config"
)

// configCmd is `onboard config check`.
type configCmd struct{}

func (c *configCmd) Run(ctx context.Context, m *Main, args []string) int {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprintln(m.Stderr, "Usage: onboard config check -config F")
		return 2
	}
	fs := m.flagSet("config check", "config check -config F")
	path := fs.String("config", defaultConfig(), "config file")
	if code, ok := parse(fs, args[1:]); !ok {
		return code
	}
	cfg, ok := m.loadConfig(*path)
	if !ok {
		return 1
	}
	for _, n := range cfg.Notes {
		fmt.Fprintln(m.Stdout, n.String())
	}
	fmt.Fprintf(m.Stdout, "%s: ok (%d partners, %d carriers)\n", cfg.Path, len(cfg.Partners), len(cfg.Carriers))
	return 0
}

// loadConfig loads the config, printing every problem when it fails.
func (m *Main) loadConfig(path string) (*config.Config, bool) {
	cfg, err := config.Load(path)
	if err != nil {
		var probs config.Problems
		if errors.As(err, &probs) {
			for _, p := range probs {
				fmt.Fprintln(m.Stderr, p.String())
			}
			fmt.Fprintf(m.Stderr, "%d problem(s) in the configuration\n", len(probs))
		} else {
			fmt.Fprintf(m.Stderr, "onboard: %v\n", err)
		}
		return nil, false
	}
	return cfg, true
}

// openStore loads the config and opens its state store read-only (the
// read-only commands never create or migrate a database), printing what
// went wrong when either fails.
func (m *Main) openStore(ctx context.Context, path string) (*config.Config, store.Store, bool) {
	cfg, ok := m.loadConfig(path)
	if !ok {
		return nil, nil, false
	}
	st, err := engine.OpenStoreReadOnly(ctx, cfg)
	if err != nil {
		fmt.Fprintf(m.Stderr, "onboard: %v\n", err)
		return nil, nil, false
	}
	return cfg, st, true
}

// openEngine loads the config, takes the state lock when lock is set (run
// and once hold it; replay and approve work beside a running daemon) and
// builds the engine, printing what went wrong when any fails. release gives
// the lock up after the engine is closed.
func (m *Main) openEngine(ctx context.Context, path string, log *slog.Logger, lock bool) (e *engine.Engine, release func(), ok bool) {
	return m.openEngineState(ctx, path, log, lock, false)
}

// openEngineState is openEngine for the commands that take -new-state: a
// new database beside folders that show an earlier state is refused
// unless newState, and then its control numbers resume above the highest
// the carrier folders show (engine.CheckFreshState).
func (m *Main) openEngineState(ctx context.Context, path string, log *slog.Logger, lock, newState bool) (e *engine.Engine, release func(), ok bool) {
	cfg, ok := m.loadConfig(path)
	if !ok {
		return nil, nil, false
	}
	var held *statelock.Lock
	var err error
	if lock {
		held, err = lockState(cfg)
	}
	if err != nil {
		fmt.Fprintf(m.Stderr, "onboard: %v\n", err)
		return nil, nil, false
	}
	e, err = newEngine(ctx, cfg, log, newState, false)
	if err != nil {
		held.Release()
		fmt.Fprintf(m.Stderr, "onboard: %v\n", err)
		return nil, nil, false
	}
	return e, func() { held.Release() }, true
}

// newEngine is engine.New behind the fresh-state check: a new database
// beside folders that show an earlier state is refused unless newState;
// with it, control numbers resume above the highest found. quickCheck
// (the daemon's start) also checks the database's integrity first.
func newEngine(ctx context.Context, cfg *config.Config, log *slog.Logger, newState, quickCheck bool) (*engine.Engine, error) {
	hist, err := engine.CheckFreshState(ctx, cfg, newState)
	if err != nil {
		return nil, err
	}
	e, err := engine.New(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	if quickCheck {
		if err := engine.QuickCheck(ctx, e.Store); err != nil {
			e.Close()
			return nil, err
		}
	}
	if hist != nil {
		if err := engine.ResumeControls(ctx, e.Store, hist); err != nil {
			e.Close()
			return nil, err
		}
		log.Warn("started a new state beside folders that show an earlier one (-new-state); control numbers resume above the highest found",
			"signs", strings.Join(hist.Signs, "; "))
	}
	return e, nil
}

// lockState takes the exclusive lock beside the SQLite database (one
// daemon per embedded state, DESIGN.md §12). A PostgreSQL state is shared:
// its daemons take a lease per unit of work instead.
func lockState(cfg *config.Config) (*statelock.Lock, error) {
	if cfg.State.SQLite == "" || cfg.State.Postgres != "" {
		return nil, nil
	}
	if err := os.MkdirAll(filepath.Dir(cfg.State.SQLite), 0o750); err != nil {
		return nil, fmt.Errorf("creating database folder: %w", err)
	}
	return statelock.Acquire(cfg.State.SQLite)
}
