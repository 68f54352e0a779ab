package acks

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/onboard/onboard/engine/store"
)

// flagOverdue gives every group of a delivered transmission still without
// its final acknowledgement after the carrier's ack_timeout a pending
// action (PendingActionKind), and clears the action of the carrier's
// groups that no longer wait. It returns the number of overdue
// transmissions.
func (a *Acker) flagOverdue(ctx context.Context) (int, error) {
	timeout := a.carrier.AckTimeout.D()
	now := a.Now()
	n := 0
	err := a.store.Update(ctx, func(tx store.Tx) error {
		n = 0
		trs, err := tx.Transmissions(ctx, store.TransmissionFilter{CarrierID: a.carrier.ID, Unacknowledged: true})
		if err != nil {
			return err
		}
		overdue := map[string]store.PendingAction{} // by group; the oldest transmission's
		for i := range trs {
			t := &trs[i]
			if timeout <= 0 || t.DeliveredAt.IsZero() || now.Sub(t.DeliveredAt) <= timeout {
				continue
			}
			n++
			tgs, err := tx.TransmissionGroups(ctx, t.ID)
			if err != nil {
				return err
			}
			for _, tg := range tgs {
				if _, ok := overdue[tg.GroupID]; ok {
					continue // trs is oldest first
				}
				overdue[tg.GroupID] = store.PendingAction{GroupID: tg.GroupID, Kind: PendingActionKind,
					Since: t.DeliveredAt.Add(timeout), Message: a.overdueMessage(t, timeout)}
			}
		}
		all, err := tx.PendingActions(ctx, "")
		if err != nil {
			return err
		}
		for _, pa := range all {
			if pa.Kind != PendingActionKind {
				continue
			}
			if _, ok := overdue[pa.GroupID]; ok {
				continue
			}
			g, err := tx.Group(ctx, pa.GroupID)
			if err != nil || g.CarrierID != a.carrier.ID {
				continue // another carrier's, or a group gone
			}
			if err := tx.ClearPendingAction(ctx, pa.GroupID, PendingActionKind); err != nil {
				return err
			}
		}
		ids := make([]string, 0, len(overdue))
		for id := range overdue {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			if err := tx.SetPendingAction(ctx, overdue[id]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("flagging overdue acknowledgements of carrier %s: %w", a.carrier.ID, err)
	}
	return n, nil
}

// overdueMessage says which transmission waits, since when, and what to do.
func (a *Acker) overdueMessage(t *store.TransmissionRecord, timeout time.Duration) string {
	ref := t.FileName
	if t.ISA13 > 0 {
		ref += fmt.Sprintf(" (ISA13 %09d)", t.ISA13)
	}
	return fmt.Sprintf("awaiting carrier acknowledgement since %s: carrier %s has not answered %s within %s; ask the carrier whether it received the file",
		t.DeliveredAt.UTC().Format(time.RFC3339), a.carrier.ID, ref, timeout)
}
