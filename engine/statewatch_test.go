package engine

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
)

// TestStagesStopWhenTheDatabaseGoes: the database deleted under a running
// daemon went unnoticed (/readyz said ready and intake went on). Now
// /readyz answers 503 saying so, and a job is not run.
func TestStagesStopWhenTheDatabaseGoes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "onboard.db")
	st := openStore(t, path)
	t.Cleanup(func() { st.Close() })
	var c counting
	e := &Engine{Config: &config.Config{}, Store: st, Pool: NewPool(), Log: testLogger(), Now: time.Now, Jobs: []Job{c.job("intake:acme", "intake", "")}}
	t.Cleanup(func() { e.Pool.Close() })
	d := mustDaemon(t, e)
	d.workCtx = t.Context()
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()

	if code, _ := readyz(t, srv); code != http.StatusOK {
		t.Fatalf("readyz before: %d", code)
	}
	d.execute(d.runnerOf("intake:acme"), "test")
	if c.runs() != 1 {
		t.Fatalf("the job ran %d times before, want 1", c.runs())
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
	code, rd := readyz(t, srv)
	if code != http.StatusServiceUnavailable || rd.Store.OK || !strings.Contains(rd.Store.Error, "was deleted") {
		t.Errorf("readyz after the deletion: %d, store %+v", code, rd.Store)
	}
	d.execute(d.runnerOf("intake:acme"), "test")
	if c.runs() != 1 {
		t.Errorf("the job ran on a deleted database")
	}
}
