package postgres

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// testURL returns the PostgreSQL the tests use (ONBOARD_TEST_POSTGRES,
// .ci/postgres.sh starts one). Without it a test skips locally and fails
// under CI=true.
func testURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("ONBOARD_TEST_POSTGRES")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("ONBOARD_TEST_POSTGRES is not set: CI must start PostgreSQL (.ci/postgres.sh)")
		}
		t.Skip("ONBOARD_TEST_POSTGRES is not set (eval \"$(.ci/postgres.sh start)\" starts a throwaway PostgreSQL)")
	}
	return u
}

var schemaSeq atomic.Int64

// freshSchema creates an empty schema for one test, dropped when it ends,
// and returns the URL that uses it.
func freshSchema(t testing.TB) string {
	t.Helper()
	base := testURL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("t%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, schemaSeq.Add(1))
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	return withSearchPath(base, name)
}

// withSearchPath adds search_path to a postgres:// URL.
func withSearchPath(base, schema string) string {
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + url.QueryEscape(schema)
}
