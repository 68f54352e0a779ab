package postgres

import (
	"context"
	"fmt"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// AdvanceTransmitted implements store.Tx.
func (t *pgTx) AdvanceTransmitted(ctx context.Context, groupID string, version int) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE groups SET transmitted_version = ?, updated_at = ? WHERE id = ? AND transmitted_version < ? AND version >= ?`,
		version, fmtTime(t.now()), groupID, version, version)
	if err != nil {
		return false, fmt.Errorf("advancing transmitted version: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("advancing transmitted version: %w", err)
	}
	return n > 0, nil
}

// PendingSubscribers implements store.Tx. Each subscriber's newest event
// to pending is found by the events_subscriber index.
func (t *pgTx) PendingSubscribers(ctx context.Context, groupID string) (map[string]model.Status, error) {
	out := map[string]model.Status{}
	pending := string(model.StatusPending)
	err := t.each(ctx, func(sc func(...any) error) error {
		var ext, from string
		if err := sc(&ext, &from); err != nil {
			return err
		}
		out[ext] = model.Status(from)
		return nil
	}, `SELECT s.external_identifier, COALESCE((SELECT e.from_status FROM events e
			WHERE e.subscriber_id = s.id AND e.to_status = ? ORDER BY e.id DESC LIMIT 1), '')
		FROM subscribers s WHERE s.group_id = ? AND s.status = ?`, pending, groupID, pending)
	if err != nil {
		return nil, fmt.Errorf("reading status history of pending subscribers: %w", err)
	}
	return out, nil
}

// AddTransmissionGroups implements store.Tx.
func (t *pgTx) AddTransmissionGroups(ctx context.Context, transmissionID string, groups ...store.TransmissionGroup) error {
	for _, g := range groups {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO transmission_groups (transmission_id, group_id, version, base_version, st02, members) VALUES (?, ?, ?, ?, ?, ?)`,
			transmissionID, g.GroupID, g.Version, g.BaseVersion, g.ST02, string(g.Members)); err != nil {
			return fmt.Errorf("recording group of transmission: %w", err)
		}
	}
	return nil
}

// SetTransmissionMembers implements store.Tx.
func (t *pgTx) SetTransmissionMembers(ctx context.Context, transmissionID string, members int) error {
	if _, err := t.tx.ExecContext(ctx, `UPDATE transmissions SET members = ? WHERE id = ?`, members, transmissionID); err != nil {
		return fmt.Errorf("recording member count of transmission: %w", err)
	}
	return nil
}

// TransmissionGroupMembers implements store.Tx.
func (t *pgTx) TransmissionGroupMembers(ctx context.Context, transmissionID, groupID string) ([]byte, error) {
	var members string
	err := t.tx.QueryRowContext(ctx, `SELECT members FROM transmission_groups WHERE transmission_id = ? AND group_id = ?`, transmissionID, groupID).Scan(&members)
	if err != nil {
		return nil, notFound(err, "group "+groupID+" of transmission "+transmissionID)
	}
	return []byte(members), nil
}

// SetSubscribersStatus implements store.Tx. The events come first, in the
// order listed, from the statuses before the update.
func (t *pgTx) SetSubscribersStatus(ctx context.Context, groupID string, exts []string, to model.Status, reason, source string) error {
	if len(exts) == 0 {
		return nil
	}
	now := fmtTime(t.now())
	// The listed order is each identifier's first place in the list.
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO events (group_id, subscriber_id, at, from_status, to_status, reason, source)
		SELECT s.group_id, s.id, ?, s.status, ?, ?, ? FROM subscribers s
		JOIN (SELECT ext, MIN(pos) AS pos FROM unnest(?::text[]) WITH ORDINALITY AS u(ext, pos) GROUP BY ext) l ON l.ext = s.external_identifier
		WHERE s.group_id = ? AND s.status != ? ORDER BY l.pos`,
		now, string(to), reason, source, exts, groupID, string(to)); err != nil {
		return fmt.Errorf("recording events: %w", err)
	}
	if _, err := t.tx.ExecContext(ctx, `UPDATE subscribers SET status_datetime = CASE WHEN status != ? THEN ? ELSE status_datetime END, status = ?, errors = ''
		WHERE group_id = ? AND external_identifier = ANY(?::text[]) AND (status != ? OR errors != '')`,
		string(to), now, string(to), groupID, exts, string(to)); err != nil {
		return fmt.Errorf("setting subscriber statuses: %w", err)
	}
	return nil
}
