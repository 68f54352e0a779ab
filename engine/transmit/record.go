package transmit

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/crash"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// PendingActionKind is the kind of pending action recorded for a group the
// carrier's format cannot carry.
const PendingActionKind = "transmit"

// record finds the groups with an unsent version, advances those without
// a member change, and in the same transaction reserves the control
// numbers, renders the others to the staging file and records the
// transmission (building). It returns nil when there is nothing to send.
func (t *Transmitter) record(ctx context.Context, res *Result) (*store.TransmissionRecord, []store.TransmissionGroup, error) {
	var (
		rec    *store.TransmissionRecord
		groups []store.TransmissionGroup
		fb     *fileBuild
	)
	defer func() {
		if fb != nil {
			fb.abort()
		}
	}()
	var advanced int
	var skipped []Skipped
	err := t.store.Update(ctx, func(tx store.Tx) error {
		cands, err := tx.Groups(ctx, store.GroupFilter{CarrierID: t.carrier.ID, Untransmitted: true})
		if err != nil {
			return err
		}
		at := t.envelopeTime()
		full := t.mode() == config.ModeFull
		today := at.UTC().Format(time.DateOnly)
		pf := startPrefetch(ctx, t.store, cands)
		defer pf.stop()
		var st02 int64 // reserved and not yet used
		for i := range cands {
			if err := ctx.Err(); err != nil {
				return err
			}
			g := &cands[i]
			vp, err := pf.next(ctx)
			if err != nil {
				return err
			}
			gc := Changes(vp.base, vp.cur, PolicyFor(t.carrier, full, today))
			carrierFacing(gc.Group, g)
			if len(gc.Members) == 0 {
				if err := t.advance(ctx, tx, g); err != nil {
					return err
				}
				advanced++
				continue
			}
			if fb == nil {
				if fb, err = t.startFile(ctx, tx, at); err != nil {
					return err
				}
			}
			switch {
			case st02 != 0:
			case t.format.controlled():
				if st02, err = t.Controls(ctx, tx, t.carrier.ID, KindST02, 1); err != nil {
					return err
				}
			default:
				// A layout file has no ST02; the number keeps the groups'
				// order in the file for a re-render.
				st02 = int64(len(groups) + 1)
			}
			members, err := fb.r.group(gc, st02)
			var refused *refusedError
			if errors.As(err, &refused) {
				skipped = append(skipped, Skipped{GroupID: g.ID, ExternalIdentifier: g.ExternalIdentifier, Err: refused.err})
				if err := tx.SetPendingAction(ctx, store.PendingAction{GroupID: g.ID, Kind: PendingActionKind,
					Message: fmt.Sprintf("correct the group's data (partner) or carrier %s's configuration: the group cannot be written in the carrier's format (%v)",
						t.carrier.ID, refused.err)}); err != nil {
					return err
				}
				continue // the number is used by the next group
			}
			if err != nil {
				return fmt.Errorf("writing group %s: %w", g.ExternalIdentifier, err)
			}
			data, err := store.EncodeMembers(members)
			if err != nil {
				return err
			}
			// Each group is recorded as it is written, so the members of
			// a large delivery are never all in memory: the transmission
			// row comes with its first group, its member count at the end.
			if len(groups) == 0 {
				if err := tx.CreateTransmission(ctx, *fb.rec, nil); err != nil {
					return err
				}
			}
			tg := store.TransmissionGroup{TransmissionID: fb.rec.ID, GroupID: g.ID, Version: g.Version, BaseVersion: g.TransmittedVersion, ST02: st02, Members: data}
			if err := tx.AddTransmissionGroups(ctx, fb.rec.ID, tg); err != nil {
				return err
			}
			tg.Members = nil // markSent reads them back group by group
			groups = append(groups, tg)
			fb.rec.Members += len(members)
			st02 = 0
			if err := tx.ClearPendingAction(ctx, g.ID, PendingActionKind); err != nil {
				return err
			}
		}
		if fb == nil {
			return nil
		}
		if len(groups) == 0 {
			// Every group was refused: no file, nothing recorded (the
			// reserved ISA13 and GS06 are left unused).
			fb.abort()
			fb = nil
			return nil
		}
		if err := fb.finish(); err != nil {
			return err
		}
		if err := tx.SetTransmissionMembers(ctx, fb.rec.ID, fb.rec.Members); err != nil {
			return err
		}
		rec = fb.rec
		crash.Point(CrashRendered)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("recording transmission for carrier %s: %w", t.carrier.ID, err)
	}
	fb = nil // committed: the staged file is the transmission's
	res.Advanced += advanced
	res.Skipped = append(res.Skipped, skipped...)
	for _, s := range skipped {
		t.log.Error("group left out of the transmission: the carrier's format cannot carry it", "carrier", t.carrier.ID,
			"group", s.ExternalIdentifier, "group_id", s.GroupID, "err", s.Err)
	}
	if advanced > 0 {
		t.log.Info("groups with no member change marked transmitted without a file", "carrier", t.carrier.ID, "groups", advanced)
	}
	if rec != nil {
		crash.Point(CrashRecorded)
	}
	return rec, groups, nil
}

// changesOf reads a group's transmitted and current versions and diffs them.
func changesOf(ctx context.Context, r store.Reader, groupID string, base, version int, p Policy) (model.GroupChanges, error) {
	var bg *model.Group
	if base > 0 {
		var err error
		if bg, err = r.Version(ctx, groupID, base); err != nil {
			return model.GroupChanges{}, err
		}
	}
	cur, err := r.Version(ctx, groupID, version)
	if err != nil {
		return model.GroupChanges{}, err
	}
	return Changes(bg, cur, p), nil
}

// advance marks a group's version transmitted without a file: the carrier
// needs nothing of it.
func (t *Transmitter) advance(ctx context.Context, tx store.Tx, g *store.GroupRecord) error {
	moved, err := tx.AdvanceTransmitted(ctx, g.ID, g.Version)
	if err != nil || !moved {
		return err
	}
	reason := fmt.Sprintf("version %d has no member change for carrier %s: nothing to send", g.Version, t.carrier.ID)
	if err := settlePending(ctx, tx, g.ID, nil, reason, t.source()); err != nil {
		return err
	}
	if err := tx.ClearPendingAction(ctx, g.ID, PendingActionKind); err != nil {
		return err
	}
	_, err = tx.RefreshGroupStatus(ctx, g.ID, reason, t.source())
	return err
}

// settlePending gives the subscribers of a group that are pending but were
// not sent (their change is nothing the carrier sees, such as a data
// change of a member whose coverage had already ended) the status they
// held before, or synced when they never held one: nothing of theirs
// waits for the carrier.
func settlePending(ctx context.Context, tx store.Tx, groupID string, sent map[string]bool, reason, source string) error {
	pending, err := tx.PendingSubscribers(ctx, groupID)
	if err != nil {
		return err
	}
	var submitted, synced []string
	for ext, before := range pending {
		switch {
		case sent[ext]:
		case before == model.StatusSubmitted:
			submitted = append(submitted, ext)
		default:
			synced = append(synced, ext)
		}
	}
	for _, to := range []struct {
		status model.Status
		exts   []string
	}{{model.StatusSubmitted, submitted}, {model.StatusSynced, synced}} {
		slices.Sort(to.exts) // events in subscriber order
		if err := tx.SetSubscribersStatus(ctx, groupID, to.exts, to.status, reason, source); err != nil {
			return err
		}
	}
	return nil
}

// fileBuild is a transmission being rendered to its staging file.
type fileBuild struct {
	rec  *store.TransmissionRecord
	path string
	f    *os.File
	bw   *bufio.Writer
	r    renderer
}

// startFile reserves the interchange's control numbers and opens the
// staging file and its renderer.
func (t *Transmitter) startFile(ctx context.Context, tx store.Tx, at time.Time) (*fileBuild, error) {
	isa13, err := t.Controls(ctx, tx, t.carrier.ID, KindISA13, 1)
	if err != nil {
		return nil, err
	}
	var gs06 int64
	if t.format.controlled() {
		if gs06, err = t.Controls(ctx, tx, t.carrier.ID, KindGS06, 1); err != nil {
			return nil, err
		}
	}
	rec := &store.TransmissionRecord{ID: t.NewID(), CarrierID: t.carrier.ID, FileName: t.fileName(at, isa13), Format: t.format.name(),
		Mode: t.mode(), ISA13: isa13, GS06: gs06, State: store.TransmissionBuilding, CreatedAt: at}
	return t.openBuild(rec)
}

// openBuild creates (or truncates) a transmission's staging file and starts
// rendering into it.
func (t *Transmitter) openBuild(rec *store.TransmissionRecord) (*fileBuild, error) {
	if err := os.MkdirAll(t.staging, 0o700); err != nil {
		return nil, fmt.Errorf("creating staging folder: %w", err)
	}
	path := t.stagedPath(rec.FileName)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("creating staged file: %w", err)
	}
	fb := &fileBuild{rec: rec, path: path, f: f, bw: bufio.NewWriterSize(f, 256<<10)}
	fb.r, err = t.format.open(fb.bw, header{ISA13: rec.ISA13, GS06: rec.GS06, Time: rec.CreatedAt, Full: rec.Mode == config.ModeFull, FileName: rec.FileName})
	if err != nil {
		fb.abort()
		return nil, fmt.Errorf("starting %s: %w", rec.FileName, err)
	}
	return fb, nil
}

// finish writes the trailers and closes the staged file.
func (fb *fileBuild) finish() error {
	if err := fb.r.close(); err != nil {
		return fmt.Errorf("finishing %s: %w", fb.rec.FileName, err)
	}
	if err := fb.bw.Flush(); err != nil {
		return fmt.Errorf("writing staged file: %w", err)
	}
	// Not synced: an interrupted transmission is always rendered again
	// from what was recorded (recover), never taken from staging; what
	// must be durable is the copy in the carrier's inbox, which the
	// folder's atomic write syncs before the delivery is committed.
	if err := fb.f.Close(); err != nil {
		return fmt.Errorf("writing staged file: %w", err)
	}
	fb.f = nil
	return nil
}

// abort drops an unfinished staged file.
func (fb *fileBuild) abort() {
	if fb.f != nil {
		fb.f.Close()
		fb.f = nil
	}
	os.Remove(fb.path)
}

// carrierFacing gives the group the carrier sees its carrier group key
// and whether its members keep legacy keys, from the state (DESIGN.md
// §7); a version holds neither (they are not the partner's). Layouts name
// them (group.carrier_group_key, member.carrier_member_key). The policy
// number is left as the version has it: the acknowledgements still match
// a group by what the 834 writer puts in REF*38.
func carrierFacing(g *model.Group, rec *store.GroupRecord) {
	if g == nil {
		return
	}
	g.CarrierGroupKey, g.LegacyMemberKeys = rec.CarrierGroupKey, rec.LegacyMemberKeys
}
