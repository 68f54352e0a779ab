package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/onboard/onboard/engine/store"
)

// maxControl is the largest X12 control number (nine digits).
const maxControl = 999_999_999

// NextControl implements Tx.
func (t *pgTx) NextControl(ctx context.Context, carrierID, kind string, n int) (int64, error) {
	if n < 1 {
		return 0, fmt.Errorf("reserving control numbers: count %d", n)
	}
	var next int64
	err := t.tx.QueryRowContext(ctx, `INSERT INTO counters (carrier_id, name, value) VALUES (?, ?, ?)
		ON CONFLICT (carrier_id, name) DO UPDATE SET value = counters.value + ? RETURNING value`, carrierID, kind, n, n).Scan(&next)
	if err != nil {
		return 0, fmt.Errorf("reserving %s control numbers: %w", kind, err)
	}
	if next > maxControl {
		return 0, fmt.Errorf("reserving %s control numbers for carrier %s: the nine-digit range is exhausted", kind, carrierID)
	}
	return next - int64(n) + 1, nil
}

// CreateTransmission implements Tx.
func (t *pgTx) CreateTransmission(ctx context.Context, tr store.TransmissionRecord, groups []store.TransmissionGroup) error {
	if tr.CreatedAt.IsZero() {
		tr.CreatedAt = t.now()
	}
	if tr.State == "" {
		tr.State = store.TransmissionBuilding
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO transmissions (id, carrier_id, file_name, format, mode, isa13, gs06, state, created_at, members)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, tr.ID, tr.CarrierID, tr.FileName, tr.Format, tr.Mode, tr.ISA13, tr.GS06, tr.State, fmtTime(tr.CreatedAt), tr.Members)
	if err != nil {
		return fmt.Errorf("recording transmission %s: %w", tr.FileName, err)
	}
	if err := t.AddTransmissionGroups(ctx, tr.ID, groups...); err != nil {
		return fmt.Errorf("recording transmission %s: %w", tr.FileName, err)
	}
	return nil
}

// MarkDelivered implements Tx.
func (t *pgTx) MarkDelivered(ctx context.Context, transmissionID string, at time.Time) error {
	if _, err := t.tx.ExecContext(ctx, `UPDATE transmissions SET state = ?, delivered_at = ? WHERE id = ?`, store.TransmissionDelivered, fmtTime(at), transmissionID); err != nil {
		return fmt.Errorf("marking transmission delivered: %w", err)
	}
	_, err := t.tx.ExecContext(ctx, `UPDATE groups SET transmitted_version = tg.version, updated_at = ?
		FROM (SELECT group_id, version FROM transmission_groups WHERE transmission_id = ?) AS tg
		WHERE groups.id = tg.group_id AND groups.transmitted_version < tg.version`, fmtTime(at), transmissionID)
	if err != nil {
		return fmt.Errorf("marking transmitted versions: %w", err)
	}
	return nil
}

// SetTransmissionAck implements Tx.
func (t *pgTx) SetTransmissionAck(ctx context.Context, transmissionID, ackState, result string, at time.Time) error {
	if _, err := t.tx.ExecContext(ctx, `UPDATE transmissions SET ack_state = ?, ack_result = ?, acked_at = ? WHERE id = ?`, ackState, result, fmtTime(at), transmissionID); err != nil {
		return fmt.Errorf("recording acknowledgement of transmission: %w", err)
	}
	return nil
}

// RecordAck implements Tx.
func (t *pgTx) RecordAck(ctx context.Context, a store.AckRecord) error {
	if a.ReceivedAt.IsZero() {
		a.ReceivedAt = t.now()
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO acks (id, carrier_id, file_name, sha256, kind, transmission_id, result, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.CarrierID, a.FileName, a.SHA256, a.Kind, a.TransmissionID, a.Result, fmtTime(a.ReceivedAt))
	if err != nil {
		return fmt.Errorf("recording acknowledgement %s: %w", a.FileName, err)
	}
	return nil
}

// RecordBundle implements Tx.
func (t *pgTx) RecordBundle(ctx context.Context, b store.BundleRecord) error {
	if b.DeliveredAt.IsZero() {
		b.DeliveredAt = t.now()
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO bundles (id, group_id, content_hash, path, delivered_at) VALUES (?, ?, ?, ?, ?)`,
		b.ID, b.GroupID, b.ContentHash, b.Path, fmtTime(b.DeliveredAt))
	if err != nil {
		return fmt.Errorf("recording bundle: %w", err)
	}
	return nil
}

// SetPendingAction implements Tx. An existing action of the same kind
// keeps its original time.
func (t *pgTx) SetPendingAction(ctx context.Context, a store.PendingAction) error {
	if a.Since.IsZero() {
		a.Since = t.now()
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO pending_actions (group_id, kind, message, since) VALUES (?, ?, ?, ?)
		ON CONFLICT (group_id, kind) DO UPDATE SET message = excluded.message`, a.GroupID, a.Kind, a.Message, fmtTime(a.Since))
	if err != nil {
		return fmt.Errorf("recording pending action: %w", err)
	}
	return nil
}

// ClearPendingAction implements Tx.
func (t *pgTx) ClearPendingAction(ctx context.Context, groupID, kind string) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM pending_actions WHERE group_id = ? AND kind = ?`, groupID, kind); err != nil {
		return fmt.Errorf("clearing pending action: %w", err)
	}
	return nil
}

// SetLastRun implements Tx.
func (t *pgTx) SetLastRun(ctx context.Context, name string, at time.Time) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO schedule_runs (name, last_run) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET last_run = excluded.last_run`, name, fmtTime(at))
	if err != nil {
		return fmt.Errorf("recording last run of %s: %w", name, err)
	}
	return nil
}
