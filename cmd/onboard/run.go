package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/onboard/onboard/engine"
	"github.com/onboard/onboard/engine/config"
)

// exitNow ends the process at a second stop signal (a variable so tests
// can see it called).
var exitNow = os.Exit

// runCmd is `onboard run`: the daemon.
type runCmd struct{}

func (c *runCmd) Run(ctx context.Context, m *Main, args []string) int {
	fs := m.flagSet("run", "run -config F [-new-state]")
	path := fs.String("config", defaultConfig(), "config file")
	newState := fs.Bool("new-state", false, "start on a new, empty state although the folders show an earlier one (control numbers resume above the highest found)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	cfg, ok := m.loadConfig(*path)
	if !ok {
		return 1
	}
	log := m.logger()
	stopSecond := watchSecondSignal(ctx, log)
	defer stopSecond()

	lock, err := lockState(cfg)
	if err != nil {
		log.Error("taking the state lock", "err", err)
		return 1
	}
	defer lock.Release()
	e, err := newEngine(ctx, cfg, log, *newState, true)
	if err != nil {
		log.Error("starting the engine", "err", err)
		return 1
	}
	code := runDaemon(ctx, e, cfg, log)
	if err := e.Close(); err != nil {
		log.Error("closing the store and folders", "err", err)
		code = 1
	}
	return code
}

// runDaemon runs the daemon and the operations endpoint until ctx is
// cancelled; it returns the exit code.
func runDaemon(ctx context.Context, e *engine.Engine, cfg *config.Config, log *slog.Logger) int {
	d, err := engine.NewDaemon(e)
	if err != nil {
		log.Error("preparing the daemon", "err", err)
		return 1
	}
	logOutputs(log, cfg)
	if cfg.HTTP.Listen != "" {
		srv, err := d.StartHTTP(cfg.HTTP.Listen)
		if err != nil {
			log.Error("starting the operations endpoint", "addr", cfg.HTTP.Listen, "err", err)
			return 1
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := srv.Close(sctx); err != nil {
				log.Warn("stopping the operations endpoint", "err", err)
			}
		}()
	}
	if err := d.Run(ctx); err != nil {
		if errors.Is(err, engine.ErrShutdownTimeout) {
			log.Error("stopped after the shutdown timeout; interrupted work is redone at the next start", "err", err)
		} else {
			log.Error("daemon stopped with an error", "err", err)
		}
		return 1
	}
	return 0
}

// watchSecondSignal exits at once (status 130) at the second stop
// signal; the first one cancels ctx (main's signal.NotifyContext) and
// starts the graceful stop. The store's transactions and the atomic writes
// make stopping anywhere safe. The returned func stops watching.
func watchSecondSignal(ctx context.Context, log *slog.Logger) (stop func()) {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	seen := 0
	if ctx.Err() != nil {
		seen = 1 // the first signal came before this watch began
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-ch:
				seen++
				if seen < 2 {
					continue
				}
				log.Error("second stop signal: exiting at once", "signal", s.String())
				exitNow(130)
				return
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

// logOutputs says at start where onboard reads and writes.
func logOutputs(log *slog.Logger, cfg *config.Config) {
	log.Info("state", "config", cfg.Path, "store", engine.StoreName(cfg), "staging", cfg.State.Staging)
	for _, p := range cfg.Partners {
		log.Info("partner folders", "partner", p.ID,
			"inbound", engine.FolderString(p.Inbound.Folder), "schedule", p.Inbound.Schedule,
			"outbound", engine.FolderString(p.Outbound))
	}
	for _, c := range cfg.Carriers {
		log.Info("carrier folders", "carrier", c.ID,
			"inbox", engine.FolderString(c.Inbox), "acks", engine.FolderString(c.Acks.Folder))
	}
	if cfg.Reports.Dir != "" {
		log.Info("reports", "dir", cfg.Reports.Dir, "schedule", cfg.Reports.Schedule)
	}
}
