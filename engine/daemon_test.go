package engine

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/store/sqlite"
)

func testLogger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func openStore(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// newTestEngine is an Engine over a fresh store with the given jobs, no
// intake (so intake jobs run their own Run), and the clock now.
func newTestEngine(t *testing.T, cfg *config.Config, now func() time.Time, jobs ...Job) *Engine {
	t.Helper()
	st := openStore(t, filepath.Join(t.TempDir(), "onboard.db"))
	pool := NewPool()
	t.Cleanup(func() { pool.Close(); st.Close() })
	if cfg == nil {
		cfg = &config.Config{}
	}
	if now == nil {
		now = time.Now
	}
	return &Engine{Config: cfg, Store: st, Pool: pool, Log: testLogger(), Now: now, Jobs: jobs}
}

// start runs the daemon in the background; the returned func stops it and
// returns Run's error.
func start(t *testing.T, d *Daemon) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- d.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-errc:
			case <-time.After(10 * time.Second):
				t.Fatal("the daemon did not stop")
			}
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// counting is a job that counts its runs.
type counting struct{ n atomic.Int32 }

func (c *counting) job(name, stage, schedule string) Job {
	return Job{Name: name, Stage: stage, Schedule: schedule, Run: func(context.Context) error {
		c.n.Add(1)
		return nil
	}}
}

func (c *counting) runs() int { return int(c.n.Load()) }

func mustDaemon(t *testing.T, e *Engine) *Daemon {
	t.Helper()
	d, err := NewDaemon(e)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (d *Daemon) runnerOf(name string) *runner {
	for _, r := range d.runners {
		if r.job.Name == name {
			return r
		}
	}
	return nil
}

func TestMissed(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	day := func(d, h, m int) time.Time { return time.Date(2026, 1, d, h, m, 0, 0, time.UTC) }
	tests := []struct {
		name      string
		spec      string
		last, now time.Time
		want      bool
	}{
		{"never ran", "@every 1h", time.Time{}, day(10, 12, 0), true},
		{"every hour, last 30m ago", "@every 1h", day(10, 11, 30), day(10, 12, 0), false},
		{"every hour, last exactly 1h ago", "@every 1h", day(10, 11, 0), day(10, 12, 0), true},
		{"every hour, last 5h ago", "@every 1h", day(10, 7, 0), day(10, 12, 0), true},
		{"daily utc, before the next 06:00", "CRON_TZ=UTC 0 6 * * *", day(10, 6, 0), day(11, 5, 59), false},
		{"daily utc, past the next 06:00", "CRON_TZ=UTC 0 6 * * *", day(10, 6, 0), day(11, 6, 1), true},
		{"daily new york, 10:59Z is 05:59 there", "CRON_TZ=America/New_York 0 6 * * *", day(10, 11, 0), day(11, 10, 59), false},
		{"daily new york, 11:01Z is 06:01 there", "CRON_TZ=America/New_York 0 6 * * *", day(10, 11, 0), day(11, 11, 1), true},
		{"daily new york, last run in local time", "CRON_TZ=America/New_York 0 6 * * *", time.Date(2026, 1, 10, 6, 0, 0, 0, ny), day(11, 11, 1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := parseSchedule(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := missed(s, tt.last, tt.now); got != tt.want {
				t.Fatalf("missed(%q, %v, %v) = %v, want %v", tt.spec, tt.last, tt.now, got, tt.want)
			}
		})
	}
}

func TestNewDaemonRefusesBadJobs(t *testing.T) {
	var c counting
	tests := []struct {
		name        string
		jobs        []Job
		errContains string
	}{
		{"bad spec", []Job{c.job("transmit:bc", "transmit", "every hour")}, `job transmit:bc: parsing schedule "every hour"`},
		{"unknown zone", []Job{c.job("ldex:acme", "ldex", "CRON_TZ=Nowhere/City 0 6 * * *")}, "job ldex:acme"},
		{"twice", []Job{c.job("report", "report", "@every 1h"), c.job("report", "report", "@every 1h")}, "registered twice"},
		{"nothing to run", []Job{{Name: "acks:bc", Stage: "acks"}}, "nothing to run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewDaemon(newTestEngine(t, nil, nil, tt.jobs...))
			if err == nil || !strings.Contains(err.Error(), tt.errContains) {
				t.Fatalf("err %v, want it to contain %q", err, tt.errContains)
			}
		})
	}
}

// TestMissedRunExecutedOnceAfterRestart stops the daemon, lets schedules
// pass while it is down, and restarts it: the missed run happens once.
func TestMissedRunExecutedOnceAfterRestart(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "onboard.db")
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var c counting
	// run one daemon life at the given clock, long enough for start work.
	life := func(now time.Time, wantRuns int) {
		t.Helper()
		st := openStore(t, dbPath)
		defer st.Close()
		e := &Engine{Config: &config.Config{}, Store: st, Pool: NewPool(), Log: testLogger(),
			Now: func() time.Time { return now }, Jobs: []Job{c.job("transmit:bc", "transmit", "@every 1h")}}
		d := mustDaemon(t, e)
		stop := start(t, d)
		waitFor(t, "the start runs", func() bool { return c.runs() >= wantRuns })
		time.Sleep(150 * time.Millisecond) // no further run may follow
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		if c.runs() != wantRuns {
			t.Fatalf("at %v: %d runs in all, want %d", now, c.runs(), wantRuns)
		}
		last, err := st.LastRun(context.Background(), "transmit:bc")
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("at %v: last run %v", now, last)
	}
	life(t0, 1)                                 // never ran: runs at start
	life(t0.Add(30*time.Minute), 1)             // next activation (10:00) not reached: nothing
	life(t0.Add(3*time.Hour+10*time.Minute), 2) // 10:00, 11:00, 12:00 missed: one run
	life(t0.Add(3*time.Hour+20*time.Minute), 2) // caught up: nothing

	st := openStore(t, dbPath)
	defer st.Close()
	last, err := st.LastRun(context.Background(), "transmit:bc")
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(3*time.Hour + 10*time.Minute); !last.Equal(want) {
		t.Fatalf("persisted last run %v, want %v", last, want)
	}
}

func TestJobNeverOverlapsItself(t *testing.T) {
	var running, maxRunning, runs atomic.Int32
	release := make(chan struct{})
	job := Job{Name: "transmit:bc", Stage: "transmit", Run: func(context.Context) error {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := maxRunning.Load()
			if n <= m || maxRunning.CompareAndSwap(m, n) {
				break
			}
		}
		runs.Add(1)
		<-release
		return nil
	}}
	d := mustDaemon(t, newTestEngine(t, nil, nil, job))
	start(t, d)
	r := d.runnerOf("transmit:bc")
	d.kick(r)
	waitFor(t, "the first pass", func() bool { return running.Load() == 1 })
	for range 10 {
		d.kick(r) // coalesce into one more pass
	}
	scheduled := make(chan struct{})
	go func() { d.execute(r, "schedule"); close(scheduled) }() // as the cron would
	time.Sleep(50 * time.Millisecond)
	if runs.Load() != 1 {
		t.Fatalf("%d passes started while the first one runs", runs.Load())
	}
	close(release)
	<-scheduled
	waitFor(t, "the coalesced passes", func() bool { return runs.Load() == 3 })
	time.Sleep(50 * time.Millisecond)
	if runs.Load() != 3 || maxRunning.Load() != 1 {
		t.Fatalf("runs %d (want 3: first, one coalesced wake, the schedule), max concurrent %d (want 1)", runs.Load(), maxRunning.Load())
	}
}

func TestSlowPartnerDoesNotDelayAnother(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	slowStarted := make(chan struct{})
	var fast counting
	slow := Job{Name: "intake:slow", Stage: "intake", Partner: "slow", Run: func(context.Context) error {
		close(slowStarted)
		<-release
		return nil
	}}
	d := mustDaemon(t, newTestEngine(t, nil, nil, slow, fast.job("intake:fast", "intake", "")))
	start(t, d)
	<-slowStarted
	waitFor(t, "the fast partner's pass", func() bool { return fast.runs() == 1 })
	d.kick(d.runnerOf("intake:fast"))
	waitFor(t, "the fast partner's second pass", func() bool { return fast.runs() == 2 })
}

func TestStopLetsWorkInProgressFinish(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	var cancelled atomic.Bool
	var c counting
	job := Job{Name: "transmit:bc", Stage: "transmit", Schedule: "@every 1h", Run: func(ctx context.Context) error {
		close(started)
		<-release
		cancelled.Store(ctx.Err() != nil)
		return nil
	}}
	e := newTestEngine(t, nil, nil, job, c.job("acks:bc", "acks", ""))
	d := mustDaemon(t, e)
	stop := start(t, d)
	<-started
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	select {
	case err := <-stopped:
		t.Fatalf("Run returned (%v) while a pass was in progress", err)
	case <-time.After(100 * time.Millisecond):
	}
	waitFor(t, "the stop to begin", d.stopping)
	d.kick(d.runnerOf("acks:bc")) // new work after the stop: refused
	close(release)
	if err := <-stopped; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if cancelled.Load() {
		t.Fatal("the pass in progress saw its context cancelled before the shutdown timeout")
	}
	if c.runs() != 0 {
		t.Fatalf("a job started after the stop (%d runs)", c.runs())
	}
	last, err := e.Store.LastRun(context.Background(), "transmit:bc")
	if err != nil || last.IsZero() {
		t.Fatalf("the finished pass's last run was not recorded: %v %v", last, err)
	}
}

func TestShutdownTimeoutCancelsWork(t *testing.T) {
	started := make(chan struct{})
	job := Job{Name: "transmit:bc", Stage: "transmit", Schedule: "@every 1h", Run: func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}}
	e := newTestEngine(t, &config.Config{Shutdown: config.Shutdown{Timeout: config.Duration(100 * time.Millisecond)}}, nil, job)
	d := mustDaemon(t, e)
	if d.ShutdownTimeout != 100*time.Millisecond {
		t.Fatalf("shutdown timeout %v, want the config's 100ms", d.ShutdownTimeout)
	}
	stop := start(t, d)
	<-started
	t0 := time.Now()
	if err := stop(); !errors.Is(err, ErrShutdownTimeout) {
		t.Fatalf("Run: %v, want ErrShutdownTimeout", err)
	}
	if el := time.Since(t0); el > 2*time.Second {
		t.Fatalf("stop took %v", el)
	}
	// The interrupted pass is not a run: it happens again at the next start.
	last, err := e.Store.LastRun(context.Background(), "transmit:bc")
	if err != nil || !last.IsZero() {
		t.Fatalf("interrupted pass recorded as last run: %v %v", last, err)
	}
}

func TestPanickingJobIsRecordedAndDaemonGoesOn(t *testing.T) {
	var n atomic.Int32
	job := Job{Name: "report", Stage: "report", Run: func(context.Context) error {
		if n.Add(1) == 1 {
			panic("boom")
		}
		return nil
	}}
	d := mustDaemon(t, newTestEngine(t, nil, nil, job))
	start(t, d)
	r := d.runnerOf("report")
	d.kick(r)
	waitFor(t, "the panicking pass", func() bool { return r.snapshot().runs == 1 })
	if st := r.snapshot(); st.lastErr == nil || !strings.Contains(st.lastErr.Error(), "panicked: boom") {
		t.Fatalf("last error %v, want the panic", st.lastErr)
	}
	d.kick(r)
	waitFor(t, "the next pass", func() bool { return r.snapshot().runs == 2 })
	if st := r.snapshot(); st.lastErr != nil || st.lastSuccess.IsZero() {
		t.Fatalf("second pass: %+v", st)
	}
}

func TestScheduleRunsTheJob(t *testing.T) {
	var c counting
	e := newTestEngine(t, nil, nil, c.job("acks:bc", "acks", "@every 1s"))
	ctx := context.Background()
	ranAt := time.Now()
	// It ran just now, so nothing is due at start: only the cron runs it.
	if err := e.Store.Update(ctx, func(tx store.Tx) error { return tx.SetLastRun(ctx, "acks:bc", ranAt) }); err != nil {
		t.Fatal(err)
	}
	d := mustDaemon(t, e)
	start(t, d)
	waitFor(t, "the scheduled run", func() bool { return c.runs() >= 1 })
	waitFor(t, "its last run recorded", func() bool {
		last, err := e.Store.LastRun(ctx, "acks:bc")
		return err == nil && last.After(ranAt)
	})
}
