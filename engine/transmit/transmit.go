package transmit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/transport"
)

// Crash points (engine/crash) of a transmission, in the order a run passes
// them. A crash test sets ONBOARD_CRASH_AT to each in turn.
const (
	// CrashRendered: the file is staged, the record not yet committed.
	CrashRendered = "transmit-rendered"
	// CrashRecorded: the transmission is recorded (building), the file not
	// yet in the inbox.
	CrashRecorded = "transmit-recorded"
	// CrashUploaded: the file is in the inbox, the delivery not yet
	// committed.
	CrashUploaded = "transmit-uploaded"
	// CrashCommitted: the delivery is committed, the staged copy not yet
	// removed.
	CrashCommitted = "transmit-committed"
)

// CrashPoints lists the crash points in order.
var CrashPoints = []string{CrashRendered, CrashRecorded, CrashUploaded, CrashCommitted}

// Opener returns the folder a config names (the engine's pool).
type Opener func(ctx context.Context, f config.Folder) (transport.Folder, error)

// ControlSource reserves n consecutive control numbers of a kind (isa13,
// gs06, st02) for a carrier inside tx and returns the first.
type ControlSource func(ctx context.Context, tx store.Tx, carrierID, kind string, n int) (int64, error)

// StoreControls is the default ControlSource: the store's persistent
// counters, which never hand out a number twice.
func StoreControls(ctx context.Context, tx store.Tx, carrierID, kind string, n int) (int64, error) {
	return tx.NextControl(ctx, carrierID, kind, n)
}

// Control number kinds.
const (
	KindISA13 = "isa13"
	KindGS06  = "gs06"
	KindST02  = "st02"
)

// Transmitter sends one carrier the changes of its groups. Runs over one
// carrier must not overlap (the daemon's scheduler skips a run while the
// previous one is going); runs over different carriers may.
type Transmitter struct {
	store   store.Store
	carrier *config.Carrier
	format  format
	open    Opener
	staging string
	log     *slog.Logger

	// Now is the clock; the envelope time is Now truncated to the second.
	Now func() time.Time
	// NewID returns transmission ids.
	NewID func() string
	// Controls reserves control numbers (tests inject fixed ones).
	Controls ControlSource
}

// New returns a Transmitter for carrier c. staging is a local folder where
// files are built before they are uploaded (a sub-folder per carrier is
// used); open opens the carrier's inbox.
func New(st store.Store, c *config.Carrier, open Opener, staging string, log *slog.Logger) (*Transmitter, error) {
	if log == nil {
		log = slog.Default()
	}
	f, err := formatFor(c)
	if err != nil {
		return nil, fmt.Errorf("preparing carrier %s: %w", c.ID, err)
	}
	return &Transmitter{store: st, carrier: c, format: f, open: open, staging: filepath.Join(staging, "transmit", c.ID), log: log,
		Now: time.Now, NewID: uuid.NewString, Controls: StoreControls}, nil
}

// Delivery is one transmission a run put in the carrier's inbox.
type Delivery struct {
	TransmissionID string
	FileName       string
	ISA13          int64
	Groups         int
	Members        int
	// Recovered is true for a transmission an interrupted run had
	// recorded and this run delivered.
	Recovered bool
}

// Skipped is a group left out of a transmission because the carrier's
// format cannot carry it; it stays pending with a pending action.
type Skipped struct {
	GroupID            string
	ExternalIdentifier string
	Err                error
}

// Result is what one run did.
type Result struct {
	// Deliveries are the transmissions delivered: interrupted ones first,
	// then the new one, if any.
	Deliveries []Delivery
	// Advanced counts groups whose new version had no member change: they
	// are marked transmitted without a file.
	Advanced int
	Skipped  []Skipped
}

// Run does one pass for the carrier: it first finishes any transmission an
// interrupted run left building, then records, renders and delivers one
// transmission of every group whose current version was not yet sent.
func (t *Transmitter) Run(ctx context.Context) (Result, error) {
	var res Result
	inbox, err := t.open(ctx, t.carrier.Inbox)
	if err != nil {
		return res, fmt.Errorf("opening inbox of carrier %s: %w", t.carrier.ID, err)
	}
	building, err := t.store.Transmissions(ctx, store.TransmissionFilter{CarrierID: t.carrier.ID, State: store.TransmissionBuilding})
	if err != nil {
		return res, err
	}
	for i := range building {
		d, err := t.recover(ctx, inbox, &building[i])
		if err != nil {
			// New changes wait until the earlier ones are out, so that a
			// group is never in two transmissions at once.
			return res, fmt.Errorf("finishing transmission %s: %w", building[i].FileName, err)
		}
		res.Deliveries = append(res.Deliveries, d)
	}
	if err := t.cleanStaging(); err != nil {
		return res, err
	}

	rec, groups, err := t.record(ctx, &res)
	if err != nil || rec == nil {
		return res, err
	}
	d, err := t.deliver(ctx, inbox, rec, groups)
	if err != nil {
		return res, fmt.Errorf("delivering %s (recorded; the next run delivers it): %w", rec.FileName, err)
	}
	res.Deliveries = append(res.Deliveries, d)
	return res, nil
}

// stagedPath is where a transmission's file is built.
func (t *Transmitter) stagedPath(fileName string) string { return filepath.Join(t.staging, fileName) }

// cleanStaging removes staged files of transmissions that are delivered
// (or were never recorded). It runs when nothing is building.
func (t *Transmitter) cleanStaging() error {
	entries, err := os.ReadDir(t.staging)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading staging folder: %w", err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			if err := os.Remove(filepath.Join(t.staging, e.Name())); err != nil {
				return fmt.Errorf("cleaning staging folder: %w", err)
			}
		}
	}
	return nil
}

// envelopeTime is the time a new transmission carries.
func (t *Transmitter) envelopeTime() time.Time { return t.Now().UTC().Truncate(time.Second) }

// fileName names a transmission's file: carrier, envelope time, ISA13.
func (t *Transmitter) fileName(at time.Time, isa13 int64) string {
	return fmt.Sprintf("%s-%s-%09d.%s", t.carrier.ID, at.UTC().Format("20060102150405"), isa13, t.format.extension())
}

// mode returns the carrier's delivery mode (change unless full).
func (t *Transmitter) mode() string {
	if t.carrier.Mode == config.ModeFull {
		return config.ModeFull
	}
	return config.ModeChange
}

// source is the event source of status changes that have no file.
func (t *Transmitter) source() string { return "transmit:" + t.carrier.ID }
