package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/onboard/onboard/engine/api"
	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/intake"
	"github.com/onboard/onboard/engine/silence"
	"github.com/onboard/onboard/engine/store"
)

// Engine holds the store, the folders and the stages' jobs.
type Engine struct {
	Config *config.Config
	Store  store.Store
	Pool   *Pool
	Log    *slog.Logger
	Intake *intake.Intake
	// API is the partner and analyst HTTP API; nil when no key is
	// configured (it is served beside the operations endpoint).
	API *api.Server
	// Now is the clock.
	Now func() time.Time
	// Metrics are the daemon's metrics; stage wiring counts transmissions,
	// acks and bundles through it (its methods are safe on nil).
	Metrics *Metrics
	// Jobs are every stage's work, in pass order: intake per partner, then
	// transmit per carrier, acks per carrier, LDEx per partner, reports.
	Jobs []Job

	// lease takes a unit of work's lease on a shared store; nil on the
	// embedded one (see underLease).
	lease leaseFunc
}

// Job is one unit of scheduled work: a stage for one partner or carrier.
type Job struct {
	// Name identifies the job in logs, metrics and last-run bookkeeping
	// ("intake:acme", "transmit:bluecross").
	Name string
	// Stage is the stage name (intake, transmit, acks, ldex, report).
	Stage string
	// Partner or Carrier is the job's subject, when it has one.
	Partner, Carrier string
	// Schedule is the job's cron spec.
	Schedule string
	// Run does one pass.
	Run func(ctx context.Context) error
}

// Stage order in a pass.
var stageOrder = []string{"intake", "transmit", "acks", "ldex", "push", "report", "retention"}

// jobBuilders add the jobs of the stages after intake; each stage's wiring
// file in this package registers its builder in init.
var jobBuilders = map[string]func(e *Engine) ([]Job, error){}

// New opens the store and builds every stage's jobs for cfg.
func New(ctx context.Context, cfg *config.Config, log *slog.Logger) (*Engine, error) {
	if log == nil {
		log = slog.Default()
	}
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	e := &Engine{Config: cfg, Store: st, Pool: NewPool(), Log: log, Now: time.Now, Metrics: NewMetrics(), lease: leaseOf(st)}
	e.Intake = intake.New(st, cfg, e.Pool.Open, log)
	if api.Enabled(cfg) {
		if e.API, err = api.New(api.Options{Config: cfg, Store: st, Intake: e.Intake, Log: log}); err != nil {
			e.Close()
			return nil, fmt.Errorf("preparing the API: %w", err)
		}
	}
	for i := range cfg.Partners {
		p := &cfg.Partners[i]
		e.Jobs = append(e.Jobs, Job{Name: "intake:" + p.ID, Stage: "intake", Partner: p.ID, Schedule: p.Inbound.Schedule,
			Run: func(ctx context.Context) error { return e.intakePass(ctx, p, false) }})
	}
	for _, stage := range stageOrder[1:] {
		build, ok := jobBuilders[stage]
		if !ok {
			continue
		}
		jobs, err := build(e)
		if err != nil {
			e.Close()
			return nil, fmt.Errorf("building %s stage: %w", stage, err)
		}
		e.Jobs = append(e.Jobs, jobs...)
	}
	return e, nil
}

// intakePass runs intake over one partner; once waits for settling files.
func (e *Engine) intakePass(ctx context.Context, p *config.Partner, once bool) error {
	pass := e.Intake.Pass
	if once {
		pass = e.Intake.Once
	}
	if werr := silence.Watch(ctx, e.Store, p, e.Now()); werr != nil {
		e.Log.Warn("recording when files were first expected", "partner", p.ID, "err", werr)
	}
	sum, err := pass(ctx, p)
	if sum.Waiting > 0 && once {
		e.Log.Info("files still arriving were left for the next pass", "partner", p.ID, "files", sum.Waiting)
	}
	if err == nil && sum.LastErr != nil {
		err = sum.LastErr
	}
	return err
}

// Once runs every job once in pass order, ignoring schedules. Rejected
// files are not failures; an operational failure of any job is returned
// after all have run.
func (e *Engine) Once(ctx context.Context) error {
	var errs []error
	for _, j := range e.Jobs {
		if ctx.Err() != nil {
			break
		}
		run := j.Run
		if j.Stage == "intake" {
			p := e.Config.Partner(j.Partner)
			run = func(ctx context.Context) error { return e.intakePass(ctx, p, true) }
		}
		err := e.underLease(ctx, j.Name, run)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", j.Name, err))
		}
	}
	if ctx.Err() != nil {
		errs = append(errs, ctx.Err())
	}
	return errors.Join(errs...)
}

// staging is the local folder where stages keep files while they work
// (config.Load sets it; an engine built from a hand-made config falls back
// to the database's folder).
func (e *Engine) staging() string {
	if e.Config.State.Staging != "" {
		return e.Config.State.Staging
	}
	return filepath.Join(filepath.Dir(e.Config.State.SQLite), "staging")
}

// Close releases the folders and the store.
func (e *Engine) Close() error {
	return errors.Join(e.Pool.Close(), e.Store.Close())
}
