package main

import (
	"context"
	"errors"
	"fmt"
	"path"

	"github.com/onboard/onboard/engine"
	"github.com/onboard/onboard/engine/config"
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
	return retake(ctx, e, f, retakeFrom{dir: "failed", verb: "replay", logMsg: "replaying file"})
}

// retakeFrom says where a file to take again waits and what to do first.
type retakeFrom struct {
	dir    string // the inbound subfolder: failed or held
	verb   string // replay or approve, for messages
	logMsg string
	// before runs once the file is found, before it is moved back.
	before func(p *config.Partner) error
}

// retake moves a file that ended in the partner's inbound dir back into
// the inbound folder, reopens its record and takes it again at once
// (onboard replay and onboard approve).
func retake(ctx context.Context, e *engine.Engine, f *store.FileRecord, from retakeFrom) error {
	p := e.Config.Partner(f.PartnerID)
	if p == nil {
		return fmt.Errorf("file %s belongs to partner %s, which is not in the config", f.ID, f.PartnerID)
	}
	inbound, err := e.Pool.Open(ctx, p.Inbound.Folder)
	if err != nil {
		return err
	}
	// The file sits in dir under its name, or its name plus the file
	// id's first characters when an older file had the name.
	var src string
	for _, cand := range []string{path.Join(from.dir, f.Name), path.Join(from.dir, f.Name+"."+f.ID[:min(8, len(f.ID))])} {
		if _, err := inbound.Stat(ctx, cand); err == nil {
			src = cand
			break
		}
	}
	if src == "" {
		return fmt.Errorf("file %s is not in %s/%s; put it back there to %s it", f.Name, inbound, from.dir, from.verb)
	}
	if _, err := inbound.Stat(ctx, f.Name); err == nil {
		return fmt.Errorf("a file named %s is already waiting in %s; let it be processed first", f.Name, inbound)
	} else if !errors.Is(err, transport.ErrNotExist) {
		return err
	}
	if from.before != nil {
		if err := from.before(p); err != nil {
			return err
		}
	}
	if err := e.Store.ReopenFile(ctx, f.ID); err != nil {
		return err
	}
	if err := inbound.Rename(ctx, src, f.Name); err != nil {
		return fmt.Errorf("moving %s back to the inbound folder: %w", src, err)
	}
	e.Log.Info(from.logMsg, "partner", p.ID, "file", f.Name, "file_id", f.ID)
	sum, err := e.Intake.Once(ctx, p)
	if err != nil {
		return err
	}
	for _, fs := range sum.Files {
		if fs.FileID == f.ID {
			e.Log.Info("file taken again", "verb", from.verb, "file", fs.Name, "outcome", fs.Outcome, "errors", fs.Errors, "result", fs.Result)
			return nil
		}
	}
	if sum.LastErr != nil {
		return sum.LastErr
	}
	return fmt.Errorf("file %s was not taken again; see the log", f.Name)
}
