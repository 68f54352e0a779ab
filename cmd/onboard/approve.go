package main

import (
	"context"
	"errors"
	"fmt"
	"path"

	"github.com/onboard/onboard/engine"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/transport"
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
	p := e.Config.Partner(f.PartnerID)
	if p == nil {
		return fmt.Errorf("file %s belongs to partner %s, which is not in the config", fileID, f.PartnerID)
	}
	inbound, err := e.Pool.Open(ctx, p.Inbound.Folder)
	if err != nil {
		return err
	}
	var src string
	for _, cand := range []string{path.Join("held", f.Name), path.Join("held", f.Name+"."+fileID[:min(8, len(fileID))])} {
		if _, err := inbound.Stat(ctx, cand); err == nil {
			src = cand
			break
		}
	}
	if src == "" {
		return fmt.Errorf("file %s is not in %s/held; put it back there to approve it", f.Name, inbound)
	}
	if _, err := inbound.Stat(ctx, f.Name); err == nil {
		return fmt.Errorf("a file named %s is already waiting in %s; let it be processed first", f.Name, inbound)
	} else if !errors.Is(err, transport.ErrNotExist) {
		return err
	}
	if err := e.Intake.Approve(p, f.SHA256); err != nil {
		return err
	}
	if err := e.Store.ReopenFile(ctx, fileID); err != nil {
		return err
	}
	if err := inbound.Rename(ctx, src, f.Name); err != nil {
		return fmt.Errorf("moving %s back to the inbound folder: %w", src, err)
	}
	e.Log.Info("applying a held file an operator approved", "partner", p.ID, "file", f.Name, "file_id", fileID)
	sum, err := e.Intake.Once(ctx, p)
	if err != nil {
		return err
	}
	for _, fs := range sum.Files {
		if fs.FileID == fileID {
			e.Log.Info("approved file applied", "file", fs.Name, "outcome", fs.Outcome, "errors", fs.Errors, "result", fs.Result)
			return nil
		}
	}
	if sum.LastErr != nil {
		return sum.LastErr
	}
	return fmt.Errorf("file %s was not taken again; see the log", f.Name)
}
