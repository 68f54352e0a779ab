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

// replayCmd is `onboard replay`: reprocess a rejected file from failed/
// after the cause was fixed (a mapping, the carrier's plan catalog, ...).
type replayCmd struct{}

func (c *replayCmd) Run(ctx context.Context, m *Main, args []string) int {
	fs := m.flagSet("replay", "replay -config F FILE_ID   (the file_id of its result file)")
	path := fs.String("config", defaultConfig(), "config file")
	if code, ok := parseOneArg(fs, args); !ok {
		return code
	}
	log := m.logger()
	e, release, ok := m.openEngine(ctx, *path, log, false)
	if !ok {
		return 1
	}
	defer release()
	defer e.Close()
	if err := replay(ctx, e, fs.Arg(0)); err != nil {
		fmt.Fprintf(m.Stderr, "onboard: %v\n", err)
		return 1
	}
	return 0
}

func replay(ctx context.Context, e *engine.Engine, fileID string) error {
	f, err := e.Store.File(ctx, fileID)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no file %s: give the file_id from its result file", fileID)
	}
	if err != nil {
		return err
	}
	p := e.Config.Partner(f.PartnerID)
	if p == nil {
		return fmt.Errorf("file %s belongs to partner %s, which is not in the config", fileID, f.PartnerID)
	}
	inbound, err := e.Pool.Open(ctx, p.Inbound.Folder)
	if err != nil {
		return err
	}
	// The file sits in failed/ under its name, or its name plus the
	// file id's first characters when an older file had the name.
	var src string
	for _, cand := range []string{path.Join("failed", f.Name), path.Join("failed", f.Name+"."+fileID[:min(8, len(fileID))])} {
		if _, err := inbound.Stat(ctx, cand); err == nil {
			src = cand
			break
		}
	}
	if src == "" {
		return fmt.Errorf("file %s is not in %s/failed; put it back there to replay it", f.Name, inbound)
	}
	if _, err := inbound.Stat(ctx, f.Name); err == nil {
		return fmt.Errorf("a file named %s is already waiting in %s; let it be processed first", f.Name, inbound)
	} else if !errors.Is(err, transport.ErrNotExist) {
		return err
	}
	if err := e.Store.ReopenFile(ctx, fileID); err != nil {
		return err
	}
	if err := inbound.Rename(ctx, src, f.Name); err != nil {
		return fmt.Errorf("moving %s back to the inbound folder: %w", src, err)
	}
	e.Log.Info("replaying file", "partner", p.ID, "file", f.Name, "file_id", fileID)
	sum, err := e.Intake.Once(ctx, p)
	if err != nil {
		return err
	}
	for _, fs := range sum.Files {
		if fs.FileID == fileID {
			e.Log.Info("file replayed", "file", fs.Name, "outcome", fs.Outcome, "errors", fs.Errors, "result", fs.Result)
			return nil
		}
	}
	return sum.LastErr
}
