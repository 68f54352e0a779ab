package acks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/transport"
)

// Sub-folders of a carrier's acks folder where processed files go.
const (
	DirArchive = "archive"
	DirFailed  = "failed"
)

// Kinds of acknowledgement recorded in store.AckRecord.Kind: the X12 kinds
// (x12.KindTA1, x12.Kind999, x12.Kind997) and KindResult.
const KindResult = "result"

// PendingActionKind is the kind of the pending action recorded for each
// group of a transmission that has waited longer than the carrier's
// ack_timeout for its final acknowledgement (report.AckOverdueKind).
const PendingActionKind = "ack_overdue"

// PendingActionCountKind is the kind of the pending action given to every
// group of a transmission whose 999 counts other transaction sets (AK902,
// AK903) than the transmission carried.
const PendingActionCountKind = "ack_count_mismatch"

// Opener returns the folder a config names (the engine's pool).
type Opener func(ctx context.Context, f config.Folder) (transport.Folder, error)

// Acker applies one carrier's acknowledgements. Runs over one carrier must
// not overlap (the daemon's scheduler skips a run while the previous one
// is going); runs over different carriers may.
type Acker struct {
	store   store.Store
	carrier *config.Carrier
	open    Opener
	staging string
	log     *slog.Logger

	// Now is the clock.
	Now func() time.Time
	// NewID returns acknowledgement record ids.
	NewID func() string

	started   time.Time
	sweepOnce sync.Once
}

// New returns an Acker for carrier c. staging is a local folder where
// acknowledgement files are copied while they are read (a sub-folder per
// carrier is used); open opens the carrier's acks folder.
func New(st store.Store, c *config.Carrier, open Opener, staging string, log *slog.Logger) *Acker {
	if log == nil {
		log = slog.Default()
	}
	return &Acker{store: st, carrier: c, open: open, staging: filepath.Join(staging, "acks", c.ID), log: log, started: time.Now(),
		Now: time.Now, NewID: uuid.NewString}
}

// Outcomes of one acknowledgement file.
const (
	OutcomeApplied   = "applied"   // applied and moved to archive/
	OutcomeFinished  = "finished"  // applied by an interrupted run; moved to archive/ now
	OutcomeDuplicate = "duplicate" // the same content was applied before; moved to failed/
	OutcomeFailed    = "failed"    // unreadable or unmatched; moved to failed/
	OutcomeWaiting   = "waiting"   // answers a transmission not yet delivered; left for the next run
)

// FileResult is what a run did with one file of the acks folder.
type FileResult struct {
	Name    string
	Outcome string
	// Kind is the acknowledgement's kind (TA1, 999, 997, result) when it
	// was read.
	Kind string
	// Transmission is the file name of the transmission answered.
	Transmission string
	// Result summarises the answer (accepted, accepted with errors,
	// partially accepted, rejected).
	Result string
	// Err says why the file failed or waits.
	Err error
}

// Result is what one run did.
type Result struct {
	Files []FileResult
	// Overdue counts the transmissions waiting longer than the carrier's
	// ack_timeout after the run.
	Overdue int
}

// Count returns how many files had an outcome.
func (r Result) Count(outcome string) int {
	n := 0
	for _, f := range r.Files {
		if f.Outcome == outcome {
			n++
		}
	}
	return n
}

// Run does one pass over the carrier's acks folder: every file in it
// (names starting with "." or ending in .tmp, .part, .partial or
// .filepart are still being written and are left) is read, matched to its
// transmission and applied, in arrival order (modification time, then
// name), then moved to archive/ or
// failed/. Then the transmissions still unanswered after the carrier's
// ack_timeout get their pending actions. An operational failure (the
// folder or the store unreachable) ends the run with an error; a file
// that cannot be applied is not an operational failure.
func (a *Acker) Run(ctx context.Context) (Result, error) {
	var res Result
	folder, err := a.open(ctx, a.carrier.Acks.Folder)
	if err != nil {
		return res, fmt.Errorf("opening acks folder of carrier %s: %w", a.carrier.ID, err)
	}
	a.sweepStaged()
	files, err := folder.List(ctx, "")
	if err != nil {
		return res, fmt.Errorf("listing acks folder of carrier %s: %w", a.carrier.ID, err)
	}
	// In arrival order: a carrier's TA1 comes before its 999, the 999
	// before the result file, whatever their names.
	slices.SortStableFunc(files, func(x, y transport.FileInfo) int {
		if c := x.ModTime.Compare(y.ModTime); c != 0 {
			return c
		}
		return strings.Compare(x.Name, y.Name)
	})
	var errs []error
	for _, f := range files {
		if ctx.Err() != nil {
			break
		}
		if f.Special || inProgress(f.Name) {
			continue // a symlink or other special file is never opened
		}
		fr, err := a.take(ctx, folder, f)
		if err != nil {
			errs = append(errs, fmt.Errorf("acknowledgement %s: %w", f.Name, err))
			continue
		}
		a.logFile(fr)
		res.Files = append(res.Files, fr)
	}
	if ctx.Err() == nil {
		n, err := a.flagOverdue(ctx)
		if err != nil {
			errs = append(errs, err)
		}
		res.Overdue = n
	}
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	return res, errors.Join(errs...)
}

// inProgress reports whether a name is one a writer is still filling.
func inProgress(name string) bool {
	if strings.HasPrefix(name, ".") {
		return true
	}
	for _, ext := range []string{".tmp", ".part", ".partial", ".filepart"} {
		if strings.HasSuffix(strings.ToLower(name), ext) {
			return true
		}
	}
	return false
}

func (a *Acker) logFile(fr FileResult) {
	switch fr.Outcome {
	case OutcomeApplied, OutcomeFinished:
		a.log.Info("acknowledgement applied", "carrier", a.carrier.ID, "file", fr.Name, "kind", fr.Kind,
			"transmission", fr.Transmission, "result", fr.Result, "outcome", fr.Outcome)
	case OutcomeWaiting:
		a.log.Info("acknowledgement left for the next run", "carrier", a.carrier.ID, "file", fr.Name, "reason", fr.Err)
	default:
		a.log.Warn("acknowledgement moved to failed", "carrier", a.carrier.ID, "file", fr.Name, "outcome", fr.Outcome, "err", fr.Err)
	}
}
