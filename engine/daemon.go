package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/store"
)

// Defaults of a Daemon's knobs.
const (
	// DefaultDebounce is how long a path must be quiet before its folder
	// event wakes the partner's intake.
	DefaultDebounce = 200 * time.Millisecond
	// DefaultShutdownTimeout bounds a graceful stop when the config sets none.
	DefaultShutdownTimeout = 30 * time.Second
	// cancelGrace is how long cancelled work may take to unwind (remove
	// temporary files, roll back) after the shutdown timeout.
	cancelGrace = 5 * time.Second
)

// ErrShutdownTimeout is returned by Daemon.Run when work in progress did
// not finish within the shutdown timeout and was cancelled. Cancelled work
// is safe (transactions roll back, temporary files are removed) and is
// redone at the next start.
var ErrShutdownTimeout = errors.New("work in progress did not finish within the shutdown timeout and was cancelled")

// Daemon runs an Engine's jobs on their triggers until stopped (`onboard
// run`). The triggers are:
//
//   - each job's cron schedule (Job.Schedule, CRON_TZ= accepted), wrapped in
//     a Recover and SkipIfStillRunning chain;
//   - at start, every job whose schedule came due while the daemon was down
//     (judged from the last run persisted in the store under Job.Name; a job
//     that never ran counts as due), once, and every partner's intake, so
//     files dropped while the daemon was down are taken at once;
//   - fsnotify events in local inbound folders, debounced per path, which
//     wake that partner's intake (an event overflow wakes every partner);
//   - the time an intake pass says a settling file could be complete.
//
// A job never runs twice at once: triggers arriving while it runs coalesce
// into one more pass after it. Different jobs run concurrently, so one
// partner's slow SFTP server never delays another partner's files.
//
// Intake jobs whose partner is configured run Engine.Intake.Pass directly
// (rather than Job.Run) so the daemon sees the pass's Summary: files are
// counted in the metrics and a settling file is rechecked when it can be
// complete. Every other job runs through Job.Run, so stages added later
// need nothing from the daemon.
type Daemon struct {
	// Debounce is how long a path must be quiet before its folder event
	// wakes the partner's intake (default DefaultDebounce).
	Debounce time.Duration
	// ShutdownTimeout bounds how long work in progress may take after the
	// stop (default: the config's shutdown.timeout, else
	// DefaultShutdownTimeout).
	ShutdownTimeout time.Duration
	// Now is the clock of schedule bookkeeping (default Engine.Now).
	Now func() time.Time

	e       *Engine
	log     *slog.Logger
	metrics *Metrics
	runners []*runner

	mu       sync.Mutex // guards started, stopped and the inflight Add
	started  bool
	stopped  bool
	inflight sync.WaitGroup // job passes in progress
	loops    sync.WaitGroup // wake loops and the watcher
	quit     chan struct{}  // closed at stop: loops return

	// workCtx is every job pass's context: it outlives the stop signal and
	// is cancelled only when the shutdown timeout passes.
	workCtx    context.Context
	cancelWork context.CancelFunc

	cron  *cron.Cron
	watch *watcher
}

// runner is one job with its schedule, its run lock and its last pass.
type runner struct {
	job     Job
	run     func(ctx context.Context) error
	sched   cron.Schedule // nil: no schedule
	partner *config.Partner

	mu   sync.Mutex    // held during a pass: a job never overlaps itself
	wake chan struct{} // capacity 1: triggers coalesce

	recheckMu sync.Mutex
	recheck   *time.Timer

	stateMu sync.Mutex
	state   jobState
}

// jobState is what the last passes of a job did.
type jobState struct {
	running     bool
	lastStart   time.Time
	lastEnd     time.Time
	lastErr     error
	lastSuccess time.Time
	runs        int
}

// NewDaemon prepares a daemon over e's jobs. It fails when a job's
// schedule does not parse. e.Metrics is created when nil.
func NewDaemon(e *Engine) (*Daemon, error) {
	if e.Metrics == nil {
		e.Metrics = NewMetrics()
	}
	log := e.Log
	if log == nil {
		log = slog.Default()
	}
	d := &Daemon{e: e, log: log, metrics: e.Metrics, Debounce: DefaultDebounce, Now: e.Now, quit: make(chan struct{})}
	if e.Intake != nil {
		e.Intake.Stopping = d.stopping
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if e.Config != nil {
		d.ShutdownTimeout = e.Config.Shutdown.Timeout.D()
	}
	if d.ShutdownTimeout <= 0 {
		d.ShutdownTimeout = DefaultShutdownTimeout
	}
	var partners, carriers []string
	if e.Config != nil {
		for _, p := range e.Config.Partners {
			partners = append(partners, p.ID)
		}
		for _, c := range e.Config.Carriers {
			carriers = append(carriers, c.ID)
		}
	}
	d.metrics.declare(partners, carriers)
	if e.Store != nil {
		if err := d.metrics.watchGroups(e.Store, partners); err != nil {
			return nil, fmt.Errorf("registering group metrics: %w", err)
		}
		if err := d.metrics.watchSilence(e.Store, e.Config, e.Now); err != nil {
			return nil, fmt.Errorf("registering silence metrics: %w", err)
		}
	}
	seen := map[string]bool{}
	for _, j := range e.Jobs {
		if seen[j.Name] {
			return nil, fmt.Errorf("job %s is registered twice", j.Name)
		}
		seen[j.Name] = true
		r := &runner{job: j, run: j.Run, wake: make(chan struct{}, 1)}
		if j.Schedule != "" {
			s, err := parseSchedule(j.Schedule)
			if err != nil {
				return nil, fmt.Errorf("job %s: %w", j.Name, err)
			}
			r.sched = s
		}
		if j.Stage == "intake" && e.Config != nil {
			r.partner = e.Config.Partner(j.Partner)
			if r.partner != nil && e.Intake != nil {
				r.run = d.intakeRun(r)
			}
		}
		if r.run == nil {
			return nil, fmt.Errorf("job %s has nothing to run", j.Name)
		}
		d.runners = append(d.runners, r)
	}
	return d, nil
}

// Run starts every trigger and blocks until ctx is cancelled, then stops
// gracefully: no new pass starts, passes in progress finish (bounded by
// ShutdownTimeout, after which they are cancelled and ErrShutdownTimeout
// is returned). The caller closes the Engine afterwards. Run may be called
// once.
func (d *Daemon) Run(ctx context.Context) error {
	d.mu.Lock()
	if d.started {
		d.mu.Unlock()
		return errors.New("daemon already ran")
	}
	d.started = true
	d.mu.Unlock()

	d.workCtx, d.cancelWork = context.WithCancel(context.WithoutCancel(ctx))
	defer d.cancelWork()

	now := d.Now()
	due := d.dueAtStart(ctx, now)
	// Watch before the first passes list the folders, so a file dropped
	// between the listing and the watch is not missed.
	d.watch = d.startWatcher(ctx)
	for _, r := range d.runners {
		d.loops.Add(1)
		go d.loop(r)
	}
	d.startCron(now)
	for _, r := range d.runners {
		switch {
		case r.job.Stage == "intake":
			d.kick(r)
		case due[r]:
			d.jobLog(r).Info("running a schedule missed while the daemon was down")
			d.kick(r)
		}
	}
	d.log.Info("daemon started", "jobs", len(d.runners), "watched_folders", d.watch.count(),
		"shutdown_timeout", d.ShutdownTimeout.String())

	<-ctx.Done()
	return d.stop()
}

// stop ends the triggers and waits for the work in progress.
func (d *Daemon) stop() error {
	d.log.Info("stopping: no new work starts; waiting for work in progress", "timeout", d.ShutdownTimeout.String())
	d.mu.Lock()
	d.stopped = true
	d.mu.Unlock()
	var cronDone context.Context
	if d.cron != nil {
		cronDone = d.cron.Stop()
	}
	d.watch.close()
	for _, r := range d.runners {
		r.setRecheck(time.Time{}, nil)
	}
	close(d.quit)

	done := make(chan struct{})
	go func() {
		d.inflight.Wait()
		d.loops.Wait()
		if cronDone != nil {
			<-cronDone.Done()
		}
		close(done)
	}()
	timer := time.NewTimer(d.ShutdownTimeout)
	defer timer.Stop()
	select {
	case <-done:
		d.log.Info("stopped cleanly")
		return nil
	case <-timer.C:
	}
	d.log.Warn("shutdown timeout passed: cancelling work in progress", "timeout", d.ShutdownTimeout.String())
	d.cancelWork()
	select {
	case <-done:
	case <-time.After(cancelGrace):
		d.log.Error("work in progress did not stop after cancellation", "grace", cancelGrace.String())
	}
	return ErrShutdownTimeout
}

// loop runs a job each time it is woken, until the stop.
func (d *Daemon) loop(r *runner) {
	defer d.loops.Done()
	for {
		select {
		case <-d.quit:
			return
		case <-r.wake:
			select {
			case <-d.quit:
				return
			default:
			}
			d.execute(r, "trigger")
		}
	}
}

// kick wakes a job; a wake while one is pending is merged into it.
func (d *Daemon) kick(r *runner) {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// enter registers a pass in progress, unless the daemon is stopping.
func (d *Daemon) enter() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return false
	}
	d.inflight.Add(1)
	return true
}

func (d *Daemon) stopping() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stopped
}

// execute runs one pass of a job, never two at once, and records it.
func (d *Daemon) execute(r *runner, trigger string) {
	if !d.enter() {
		return
	}
	defer d.inflight.Done()
	r.mu.Lock()
	defer r.mu.Unlock()
	if d.stopping() {
		return
	}
	log := d.jobLog(r).With("trigger", trigger)
	start := d.Now()
	r.begin(start)
	t0 := time.Now()
	err := d.stateUsable()
	if err == nil {
		err = d.call(r, log)
	}
	dur := time.Since(t0)
	r.end(start, dur, err)
	d.metrics.observeRun(&r.job, start, dur, err)
	interrupted := d.workCtx.Err() != nil
	switch {
	case err != nil && interrupted:
		log.Warn("job interrupted by the shutdown; it runs again at the next start", "duration", dur.String(), "err", err)
	case err != nil:
		log.Error("job failed", "duration", dur.String(), "err", err)
	default:
		log.Debug("job finished", "duration", dur.String())
	}
	if interrupted {
		return // not a complete pass: leave the last run as it was
	}
	if err := d.saveLastRun(r.job.Name, start); err != nil {
		log.Error("recording the job's last run", "err", err)
	}
}

// stateUsable checks the store before a job: a database deleted, replaced
// or damaged under the running daemon stops every stage (and /readyz says
// 503) instead of taking files into a state nobody will read.
func (d *Daemon) stateUsable() error {
	if d.e.Store == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(d.workCtx, checkTimeout)
	defer cancel()
	if err := d.e.Store.Ping(ctx); err != nil {
		return fmt.Errorf("the state store is not usable; the job did not run: %w", err)
	}
	return nil
}

// call runs the job, turning a panic into an error.
func (d *Daemon) call(r *runner, log *slog.Logger) (err error) {
	defer func() {
		if v := recover(); v != nil {
			log.Error("job panicked", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			err = fmt.Errorf("job panicked: %v", v)
		}
	}()
	return d.e.underLease(d.workCtx, r.job.Name, r.run)
}

// saveLastRun persists a job's last run (through the store's one writer).
func (d *Daemon) saveLastRun(name string, at time.Time) error {
	if d.e.Store == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(d.workCtx, 10*time.Second)
	defer cancel()
	return d.e.Store.Update(ctx, func(tx store.Tx) error { return tx.SetLastRun(ctx, name, at) })
}

// jobLog is the logger of a job, with its subject as attributes.
func (d *Daemon) jobLog(r *runner) *slog.Logger {
	attrs := []any{"job", r.job.Name, "stage", r.job.Stage}
	if r.job.Partner != "" {
		attrs = append(attrs, "partner", r.job.Partner)
	}
	if r.job.Carrier != "" {
		attrs = append(attrs, "carrier", r.job.Carrier)
	}
	return d.log.With(attrs...)
}

// intakeRun is an intake job's pass as the daemon runs it: it counts the
// files, rechecks settling files when they can be complete, and restores a
// lost folder watch.
func (d *Daemon) intakeRun(r *runner) func(ctx context.Context) error {
	p := r.partner
	return func(ctx context.Context) error {
		sum, err := d.e.Intake.Pass(ctx, p) // intake logs each file with where its result went
		d.metrics.observeIntake(p.ID, sum)
		if sum.Waiting > 0 {
			d.log.Debug("files still arriving; rechecking when they can be complete", "partner", p.ID,
				"files", sum.Waiting, "recheck_at", sum.RecheckAt)
		}
		r.setRecheck(sum.RecheckAt, func() { d.kick(r) })
		d.watch.retry(r)
		if err == nil && sum.LastErr != nil {
			err = sum.LastErr
		}
		return err
	}
}

// setRecheck arranges for wake to be called at t (replacing an earlier
// arrangement); a zero t only cancels.
func (r *runner) setRecheck(t time.Time, wake func()) {
	r.recheckMu.Lock()
	defer r.recheckMu.Unlock()
	if r.recheck != nil {
		r.recheck.Stop()
		r.recheck = nil
	}
	if t.IsZero() || wake == nil {
		return
	}
	// A little past t, so the settle check sees the full duration.
	r.recheck = time.AfterFunc(time.Until(t)+20*time.Millisecond, wake)
}

func (r *runner) begin(at time.Time) {
	r.stateMu.Lock()
	defer r.stateMu.Unlock()
	r.state.running = true
	r.state.lastStart = at
}

func (r *runner) end(start time.Time, d time.Duration, err error) {
	r.stateMu.Lock()
	defer r.stateMu.Unlock()
	r.state.running = false
	r.state.lastEnd = start.Add(d)
	r.state.lastErr = err
	r.state.runs++
	if err == nil {
		r.state.lastSuccess = r.state.lastEnd
	}
}

func (r *runner) snapshot() jobState {
	r.stateMu.Lock()
	defer r.stateMu.Unlock()
	return r.state
}
