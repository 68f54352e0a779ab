package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
)

// measurePostgres runs the first drop of a census with the state in
// PostgreSQL, in a schema of its own that is dropped afterwards, so that
// the table sets the shared store beside SQLite (DESIGN.md §12).
func measurePostgres(ctx context.Context, o options, self, src, dir string, groups int) (onboardRun, error) {
	conn, err := pgx.Connect(ctx, o.postgres)
	if err != nil {
		return onboardRun{}, fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	schema := fmt.Sprintf("bench_%d", os.Getpid())
	if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE; CREATE SCHEMA "+schema); err != nil {
		return onboardRun{}, fmt.Errorf("creating schema %s: %w", schema, err)
	}
	defer conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
	if err := newRunDir(dir); err != nil {
		return onboardRun{}, err
	}
	defer func() {
		if !o.keep {
			os.RemoveAll(dir)
		}
	}()
	sep := "?"
	if strings.Contains(o.postgres, "?") {
		sep = "&"
	}
	if err := writeConfig(dir, o.postgres+sep+"search_path="+url.QueryEscape(schema)); err != nil {
		return onboardRun{}, err
	}
	if err := linkOrCopy(src, filepath.Join(dir, "in", "census.csv")); err != nil {
		return onboardRun{}, err
	}
	run, err := runOnboard(ctx, self, o.onboard, dir, "drop")
	if err != nil {
		return run, err
	}
	return run, run.check(dir, groups, "created")
}
