package postgres

import (
	"context"
	"fmt"
	"slices"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// RecordRejectedIntake implements Tx.
func (t *pgTx) RecordRejectedIntake(ctx context.Context, r store.RejectedIntake) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO rejected_intakes (file_id, partner_id, file_name, group_external_id, error_count, at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (file_id, group_external_id) DO UPDATE SET error_count = excluded.error_count, at = excluded.at`,
		r.FileID, r.PartnerID, r.File, r.GroupExternalID, r.ErrorCount, fmtTime(r.At))
	if err != nil {
		return fmt.Errorf("recording rejected intake: %w", err)
	}
	return nil
}

// RejectedIntakes implements Reader. A group that has since been stored
// (a later file was accepted) is no longer listed; of a group rejected
// again and again, the latest rejection is.
func (r reader) RejectedIntakes(ctx context.Context, partnerID string, limit int) ([]store.RejectedIntake, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT ri.partner_id, ri.file_id, ri.file_name, ri.group_external_id, ri.error_count, ri.at
		FROM rejected_intakes ri
		WHERE (? = '' OR ri.partner_id = ?)
		  AND (ri.group_external_id = '' OR NOT EXISTS (SELECT 1 FROM groups g
		       WHERE g.partner_id = ri.partner_id AND g.external_identifier = ri.group_external_id))
		ORDER BY ri.at DESC, ri.file_id, ri.group_external_id`, partnerID, partnerID)
	if err != nil {
		return nil, fmt.Errorf("listing rejected intakes: %w", err)
	}
	defer rows.Close()
	seen := map[[2]string]bool{}
	var out []store.RejectedIntake
	for rows.Next() && (limit <= 0 || len(out) < limit) {
		var ri store.RejectedIntake
		var at string
		if err := rows.Scan(&ri.PartnerID, &ri.FileID, &ri.File, &ri.GroupExternalID, &ri.ErrorCount, &at); err != nil {
			return nil, fmt.Errorf("listing rejected intakes: %w", err)
		}
		key := [2]string{ri.PartnerID, ri.GroupExternalID}
		if ri.GroupExternalID != "" && seen[key] {
			continue
		}
		seen[key] = true
		ri.At = parseTime(at)
		out = append(out, ri)
	}
	return out, rows.Err()
}

// GroupHistory implements Reader.
func (r reader) GroupHistory(ctx context.Context, groupID string, limit int) ([]store.Event, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, at, from_status, to_status, reason, source FROM events
		WHERE group_id = ? AND subscriber_id = '' ORDER BY id DESC LIMIT ?`, groupID, limit)
	if err != nil {
		return nil, fmt.Errorf("listing group history: %w", err)
	}
	defer rows.Close()
	var out []store.Event
	for rows.Next() {
		e := store.Event{GroupID: groupID}
		var at, from, to string
		if err := rows.Scan(&e.ID, &at, &from, &to, &e.Reason, &e.Source); err != nil {
			return nil, fmt.Errorf("listing group history: %w", err)
		}
		e.At, e.From, e.To = parseTime(at), model.Status(from), model.Status(to)
		out = append(out, e)
	}
	slices.Reverse(out)
	return out, rows.Err()
}
