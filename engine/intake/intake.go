package intake

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/transport"
)

// Opener returns the folder a config names (a pool keeps connections).
type Opener func(ctx context.Context, f config.Folder) (transport.Folder, error)

// Intake runs partner intake passes. It is safe for concurrent passes over
// different partners; passes over one partner must not overlap.
type Intake struct {
	store   store.Store
	cfg     *config.Config
	open    Opener
	log     *slog.Logger
	settled *settler
	staged  *stagedSweep

	// Now and NewID are the clock and id source (tests inject them).
	Now   func() time.Time
	NewID func() string
	// Stopping, when set, is asked before each file: once it says true,
	// the pass takes no further file (the daemon's graceful stop).
	Stopping func() bool
	// Progress, when set, is told how far the copy and the mapping of a
	// large file have come.
	Progress ProgressFunc
}

// New returns an Intake over the store and config.
func New(st store.Store, cfg *config.Config, open Opener, log *slog.Logger) *Intake {
	if log == nil {
		log = slog.Default()
	}
	go buildDigest() // hashes the executable once, beside the first pass's staging
	return &Intake{store: st, cfg: cfg, open: open, log: log, settled: newSettler(), staged: newStagedSweep(), Now: time.Now, NewID: newTimeOrderedID}
}

// newTimeOrderedID returns a UUIDv7: unique like a random UUID, but ids made
// one after another sort one after another, so the store's indexes on them
// grow at one end instead of touching a random page per member (which made
// a large file's intake slower per member the larger it was).
func newTimeOrderedID() string {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString() // the random source failed for the clock bits; a v4 id is still unique
	}
	return id.String()
}

// Summary is what one pass over a partner did.
type Summary struct {
	Files     []FileSummary
	Waiting   int       // files seen but not yet complete
	RecheckAt time.Time // when a waiting file could be complete
	Failed    int       // files that hit an operational error; retried next pass
	LastErr   error
}

// FileSummary is one file's outcome.
type FileSummary struct {
	Name    string
	FileID  string
	Outcome string
	Groups  int
	Errors  int
	Result  string // where the result file went
	// SourceChanged, when set, says why the source was left in the drop
	// folder: it changed while it was processed.
	SourceChanged string
}

// Pass lists a partner's inbound folder once and processes every complete
// file. Operational errors on one file are logged and counted; the file is
// left in place for the next pass.
func (in *Intake) Pass(ctx context.Context, p *config.Partner) (Summary, error) {
	var sum Summary
	inbound, err := in.open(ctx, p.Inbound.Folder)
	if err != nil {
		return sum, fmt.Errorf("opening inbound folder of partner %s: %w", p.ID, err)
	}
	if n := in.staged.sweep(filepath.Join(in.cfg.State.Staging, p.ID)); n > 0 {
		in.log.Info("removed staged copies an interrupted run left", "partner", p.ID, "files", n)
	}
	if err := in.finishMoved(ctx, p, inbound); err != nil {
		sum.LastErr = err
		in.log.Error("finishing files an interruption left; retried next pass", "partner", p.ID, "err", err)
	}
	listing, err := inbound.List(ctx, "")
	if err != nil {
		return sum, fmt.Errorf("listing inbound folder %s: %w", inbound, err)
	}
	markers := map[string]bool{}
	var candidates []transport.FileInfo
	for _, f := range listing {
		if len(f.Name) > 5 && f.Name[len(f.Name)-5:] == ".done" {
			markers[f.Name[:len(f.Name)-5]] = true
		}
		if reserved(f.Name) && ctx.Err() == nil {
			// A file named archive or failed: answered and moved aside,
			// so the folders beside it keep working (reserved.go).
			if fs, err := in.rejectReserved(ctx, p, inbound, f); err != nil {
				sum.Failed++
				sum.LastErr = err
				in.log.Error("file with a reserved name not answered; retried next pass", "partner", p.ID, "file", f.Name, "err", err)
			} else {
				sum.Files = append(sum.Files, fs)
			}
			continue
		}
		if f.Special {
			// A symlink or other special file is never opened: answered
			// and moved to failed/ (special.go).
			if !ignored(f.Name) && ctx.Err() == nil {
				in.passSpecial(ctx, p, inbound, f, &sum)
			}
			continue
		}
		if !ignored(f.Name) {
			candidates = append(candidates, f)
		}
	}
	ready, next := in.settled.observe(p.ID, candidates, p.Inbound.Settle.D(), in.Now())
	sum.RecheckAt = next
	sum.Waiting = len(candidates) - len(ready)
	for _, f := range ready {
		if ctx.Err() != nil || (in.Stopping != nil && in.Stopping()) {
			break // a stop lets the file in progress finish, not the listing
		}
		if p.Inbound.DoneMarker && !markers[f.Name] {
			sum.Waiting++
			continue
		}
		fs, err := in.takeFile(ctx, p, inbound, f, markers[f.Name])
		if errors.Is(err, transport.ErrUnsafeName) {
			// Its name cannot be read or moved: answered once, then left.
			if err = in.rejectUnsafeName(ctx, p, f.Name); err == nil {
				continue
			}
		}
		if errors.Is(err, transport.ErrChanged) && fs.FileID == "" {
			// Nothing was claimed: the file is taken once it settles
			// anew (a partner still writing, or a name swapped for a
			// symlink, which is then answered as one).
			in.settled.forget(p.ID, f.Name)
			sum.Waiting++
			in.log.Warn("file changed while it was opened or read; it is taken once it settles again",
				"partner", p.ID, "file", f.Name, "err", err)
			continue
		}
		if err != nil {
			sum.Failed++
			sum.LastErr = err
			// Either nothing was committed (the file is processed again)
			// or the outcome was and its result or move is what failed
			// (the next pass finishes it without applying it twice).
			in.log.Error("file not finished; it stays in the inbound folder and the next pass takes it up",
				"partner", p.ID, "file", f.Name, "file_id", fs.FileID, "err", err)
			continue
		}
		in.settled.forget(p.ID, f.Name)
		sum.Files = append(sum.Files, fs)
	}
	return sum, ctx.Err()
}

// Once runs passes over a partner until no complete file is left, waiting
// for files that are still settling (at most two settle periods), so that
// `onboard once` right after a drop takes the file.
func (in *Intake) Once(ctx context.Context, p *config.Partner) (Summary, error) {
	var total Summary
	deadline := in.Now().Add(2*p.Inbound.Settle.D() + time.Second)
	for {
		sum, err := in.Pass(ctx, p)
		total.Files = append(total.Files, sum.Files...)
		total.Failed += sum.Failed
		if sum.LastErr != nil {
			total.LastErr = sum.LastErr
		}
		total.Waiting, total.RecheckAt = sum.Waiting, sum.RecheckAt
		if err != nil || sum.RecheckAt.IsZero() || sum.RecheckAt.After(deadline) {
			return total, err
		}
		wait := time.Until(sum.RecheckAt) + 10*time.Millisecond
		select {
		case <-ctx.Done():
			return total, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// errOperational marks failures that are onboard's (disk, store, network),
// not the file's: the file is retried, never rejected for them.
var errOperational = errors.New("operational failure")
