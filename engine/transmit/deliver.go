package transmit

import (
	"time"

	"context"
	"fmt"
	"os"
	"reflect"
	"slices"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/crash"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/transport"
)

// deliver uploads a recorded transmission's staged file to the inbox under
// its final name (the folder writes a temporary name and renames it, and a
// second upload under the same name replaces the first), then commits the
// delivery: the transmission is delivered, its groups' versions are the
// transmitted ones and its members are submitted.
func (t *Transmitter) deliver(ctx context.Context, inbox transport.Folder, rec *store.TransmissionRecord, groups []store.TransmissionGroup) (Delivery, error) {
	d := Delivery{TransmissionID: rec.ID, FileName: rec.FileName, ISA13: rec.ISA13, Groups: len(groups), Members: rec.Members}
	path := t.stagedPath(rec.FileName)
	f, err := os.Open(path)
	if err != nil {
		return d, fmt.Errorf("opening staged file: %w", err)
	}
	err = t.upload(ctx, inbox, rec.FileName, f)
	f.Close()
	if err != nil {
		return d, fmt.Errorf("uploading to %s: %w", inbox, err)
	}
	crash.Point(CrashUploaded)
	if err := t.commit(ctx, rec, groups); err != nil {
		return d, err
	}
	crash.Point(CrashCommitted)
	os.Remove(path) // a leftover is cleaned at the start of the next run
	t.log.Info("transmission delivered", "carrier", t.carrier.ID, "file", rec.FileName, "isa13", rec.ISA13,
		"groups", len(groups), "members", rec.Members, "inbox", inbox.String())
	return d, nil
}

// commit records a delivery in one transaction.
func (t *Transmitter) commit(ctx context.Context, rec *store.TransmissionRecord, groups []store.TransmissionGroup) error {
	now := t.Now()
	reason := fmt.Sprintf("sent to carrier %s in %s (ISA13 %09d)", t.carrier.ID, rec.FileName, rec.ISA13)
	err := t.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.Transmission(ctx, rec.ID)
		if err != nil {
			return err
		}
		if cur.State == store.TransmissionDelivered {
			return nil
		}
		if err := tx.MarkDelivered(ctx, rec.ID, now); err != nil {
			return err
		}
		for i := range groups {
			if err := markSent(ctx, tx, &groups[i], reason, rec.FileName); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("recording delivery of %s: %w", rec.FileName, err)
	}
	return nil
}

// markSent moves the subscribers a group's part of a transmission carried
// (a dependent counts for its subscriber) to submitted, settles the
// group's other pending subscribers, and refreshes the group's status.
//
// When a newer version of the group arrived after the transmission was
// recorded, a subscriber that version changed again stays pending (the
// next run sends it), and no one is settled.
func markSent(ctx context.Context, tx store.Tx, tg *store.TransmissionGroup, reason, source string) error {
	data := tg.Members
	if data == nil {
		// Not kept in memory since it was recorded (a new transmission).
		var err error
		if data, err = tx.TransmissionGroupMembers(ctx, tg.TransmissionID, tg.GroupID); err != nil {
			return err
		}
	}
	members, err := store.DecodeMembers(data)
	if err != nil {
		return err
	}
	g, err := tx.Group(ctx, tg.GroupID)
	if err != nil {
		return err
	}
	unchanged := func(string) bool { return true }
	if g.Version != tg.Version {
		sentV, err := tx.Version(ctx, g.ID, tg.Version)
		if err != nil {
			return err
		}
		curV, err := tx.Version(ctx, g.ID, g.Version)
		if err != nil {
			return err
		}
		unchanged = func(ext string) bool {
			a, b := sentV.Subscriber(ext), curV.Subscriber(ext)
			return a != nil && b != nil && reflect.DeepEqual(a, b)
		}
	}
	sent := make(map[string]bool, len(members))
	var order []string
	for _, m := range members {
		if !sent[m.Subscriber] {
			sent[m.Subscriber] = true
			order = append(order, m.Subscriber)
		}
	}
	slices.Sort(order)
	submitted := order[:0]
	for _, ext := range order {
		if unchanged(ext) {
			submitted = append(submitted, ext)
		}
	}
	// One statement pair for the group; a subscriber no longer listed in
	// the current version is skipped.
	if err := tx.SetSubscribersStatus(ctx, g.ID, submitted, model.StatusSubmitted, reason, source); err != nil {
		return err
	}
	if g.Version == tg.Version {
		settled := fmt.Sprintf("version %d holds no change for the carrier for this subscriber", tg.Version)
		if err := settlePending(ctx, tx, g.ID, sent, settled, source); err != nil {
			return err
		}
	}
	_, err = tx.RefreshGroupStatus(ctx, g.ID, reason, source)
	return err
}

// recover finishes a transmission an interrupted run recorded: it renders
// the file again from the recorded versions, control numbers and time
// (byte for byte the file the interrupted run built), delivers it under
// the same name and commits the delivery.
func (t *Transmitter) recover(ctx context.Context, inbox transport.Folder, rec *store.TransmissionRecord) (Delivery, error) {
	if rec.Format != t.format.name() {
		return Delivery{}, fmt.Errorf("it was recorded in format %s but carrier %s is now configured for %s; restore the carrier's format until it is delivered",
			rec.Format, t.carrier.ID, t.format.name())
	}
	groups, err := t.store.TransmissionGroups(ctx, rec.ID)
	if err != nil {
		return Delivery{}, err
	}
	fb, err := t.openBuild(rec)
	if err != nil {
		return Delivery{}, err
	}
	defer fb.abort()
	full := rec.Mode == config.ModeFull
	for i := range groups {
		tg := &groups[i]
		gc, err := changesOf(ctx, t.store, tg.GroupID, tg.BaseVersion, tg.Version, PolicyFor(t.carrier, full, rec.CreatedAt.UTC().Format(time.DateOnly)))
		if err != nil {
			return Delivery{}, err
		}
		members, err := fb.r.group(gc, tg.ST02)
		if err != nil {
			return Delivery{}, fmt.Errorf("writing group %s again: %w", gc.Group.ExternalIdentifier, err)
		}
		recorded, err := store.DecodeMembers(tg.Members)
		if err != nil {
			return Delivery{}, err
		}
		if !slices.Equal(members, recorded) {
			return Delivery{}, fmt.Errorf("writing group %s again does not reproduce the members recorded for it "+
				"(the carrier's configuration changed since); restore the configuration it was recorded with until it is delivered",
				gc.Group.ExternalIdentifier)
		}
	}
	if err := fb.finish(); err != nil {
		return Delivery{}, err
	}
	t.log.Warn("finishing a transmission an interrupted run recorded", "carrier", t.carrier.ID, "file", rec.FileName, "isa13", rec.ISA13)
	d, err := t.deliver(ctx, inbox, rec, groups)
	d.Recovered = true
	return d, err
}
