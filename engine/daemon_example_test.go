package engine_test

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/onboard/onboard/engine"
	"github.com/onboard/onboard/engine/config"
)

// ExampleDaemon runs every stage on its triggers until SIGTERM or SIGINT,
// with the operations endpoint on.
func ExampleDaemon() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	cfg, err := config.Load("onboard.yaml")
	if err != nil {
		log.Error("loading config", "err", err)
		return
	}
	e, err := engine.New(ctx, cfg, log)
	if err != nil {
		log.Error("starting", "err", err)
		return
	}
	defer e.Close()
	d, err := engine.NewDaemon(e)
	if err != nil {
		log.Error("preparing the daemon", "err", err)
		return
	}
	if cfg.HTTP.Listen != "" {
		srv, err := d.StartHTTP(cfg.HTTP.Listen)
		if err != nil {
			log.Error("serving", "err", err)
			return
		}
		defer srv.Close(context.Background())
	}
	if err := d.Run(ctx); err != nil { // returns after a graceful stop
		log.Error("stopping", "err", err)
	}
}
