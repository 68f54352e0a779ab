package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/onboard/onboard/engine"
	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/store"
)

// approveCmd is `onboard approve`: apply a file the termination guard
// held, as if it had just arrived, its terminations included.
type approveCmd struct{}

func (c *approveCmd) Run(ctx context.Context, m *Main, args []string) int {
	fs := m.flagSet("approve", "approve -config F FILE_ID   (the file_id of the held file's result)")
	path := fs.String("config", defaultConfig(), "config file")
	if code, ok := parseOneArg(fs, args); !ok {
		return code
	}
	log := m.logger()
	e, release, ok := m.openEngine(ctx, *path, log, false) // beside a running daemon, as replay
	if !ok {
		return 1
	}
	defer release()
	defer e.Close()
	if err := approve(ctx, e, fs.Arg(0)); err != nil {
		fmt.Fprintf(m.Stderr, "onboard: %v\n", err)
		return 1
	}
	return 0
}

func approve(ctx context.Context, e *engine.Engine, fileID string) error {
	f, err := e.Store.File(ctx, fileID)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no file %s: give the file_id from the held file's result", fileID)
	}
	if err != nil {
		return err
	}
	if f.Outcome != store.OutcomeHeld {
		return fmt.Errorf("file %s (%s) is %s, not held by the termination guard", fileID, f.Name, f.Outcome)
	}
	return retake(ctx, e, f, retakeFrom{dir: "held", verb: "approve", logMsg: "applying a held file an operator approved",
		before: func(p *config.Partner) error { return e.Intake.Approve(p, f.SHA256) }})
}
