package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/onboard/onboard/engine/model"
)

// TransmitTx is what the transmit stage needs from a write transaction
// beyond Tx. The SQLite transaction implements it; the stage asserts it
// (tx.(store.TransmitTx)), so a store without it fails loudly.
type TransmitTx interface {
	Tx
	// AdvanceTransmitted records that a version of a group needs nothing
	// sent to its carrier (no member change): the group's transmitted
	// version moves to version without a transmission. It reports whether
	// it moved; false when the group was already at or past version.
	AdvanceTransmitted(ctx context.Context, groupID string, version int) (bool, error)
	// StatusBeforePending returns the status a subscriber of a group held
	// before it last became pending, or "" when it has been pending since
	// it was created.
	StatusBeforePending(ctx context.Context, groupID, subscriberExt string) (model.Status, error)
}

var _ TransmitTx = (*sqliteTx)(nil)

// AdvanceTransmitted implements TransmitTx.
func (t *sqliteTx) AdvanceTransmitted(ctx context.Context, groupID string, version int) (bool, error) {
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

// StatusBeforePending implements TransmitTx.
func (t *sqliteTx) StatusBeforePending(ctx context.Context, groupID, subscriberExt string) (model.Status, error) {
	var from string
	err := t.tx.QueryRowContext(ctx, `SELECT e.from_status FROM events e JOIN subscribers s ON s.id = e.subscriber_id
		WHERE s.group_id = ? AND s.external_identifier = ? AND e.to_status = ? ORDER BY e.id DESC LIMIT 1`,
		groupID, subscriberExt, string(model.StatusPending)).Scan(&from)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading status history of subscriber %s: %w", subscriberExt, err)
	}
	return model.Status(from), nil
}
