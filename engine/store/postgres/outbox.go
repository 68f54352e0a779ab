package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/onboard/onboard/engine/store"
)

// The push outbox (store.Outbox, store.OutboxTx): migration 9's push_outbox.

var (
	_ store.Outbox   = (*Store)(nil)
	_ store.OutboxTx = (*pgTx)(nil)
)

const pushColumns = `id, partner_id, group_id, body, state, attempts, next_attempt, last_error, created_at, done_at`

// DuePushes implements store.Outbox.
func (r reader) DuePushes(ctx context.Context, partnerID string, now time.Time, limit int) ([]store.PushRecord, error) {
	return r.pushes(ctx, `SELECT `+pushColumns+` FROM push_outbox WHERE partner_id = ? AND state = ? AND next_attempt <= ?
		ORDER BY created_at, id LIMIT ?`, partnerID, store.PushPending, fmtTime(now), limit)
}

// Pushes implements store.Outbox.
func (r reader) Pushes(ctx context.Context, partnerID string) ([]store.PushRecord, error) {
	return r.pushes(ctx, `SELECT `+pushColumns+` FROM push_outbox WHERE ? = '' OR partner_id = ? ORDER BY created_at, id`, partnerID, partnerID)
}

func (r reader) pushes(ctx context.Context, q string, args ...any) ([]store.PushRecord, error) {
	rows, err := r.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("reading push outbox: %w", err)
	}
	defer rows.Close()
	var out []store.PushRecord
	for rows.Next() {
		var p store.PushRecord
		var next, created, done string
		if err := rows.Scan(&p.ID, &p.PartnerID, &p.GroupID, &p.Body, &p.State, &p.Attempts, &next, &p.LastError, &created, &done); err != nil {
			return nil, fmt.Errorf("reading push outbox: %w", err)
		}
		p.NextAttempt, p.CreatedAt, p.DoneAt = parseTime(next), parseTime(created), parseTime(done)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading push outbox: %w", err)
	}
	return out, nil
}

// EnqueuePush implements store.OutboxTx.
func (t *pgTx) EnqueuePush(ctx context.Context, p store.PushRecord) error {
	if p.CreatedAt.IsZero() {
		p.CreatedAt = t.now()
	}
	if p.NextAttempt.IsZero() {
		p.NextAttempt = p.CreatedAt
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO push_outbox (`+pushColumns+`) VALUES (?, ?, ?, ?, ?, 0, ?, '', ?, '')
		ON CONFLICT (id) DO NOTHING`, p.ID, p.PartnerID, p.GroupID, p.Body, store.PushPending, fmtTime(p.NextAttempt), fmtTime(p.CreatedAt))
	if err != nil {
		return fmt.Errorf("queueing push of bundle %s: %w", p.ID, err)
	}
	return nil
}

// SetPushAttempt implements store.OutboxTx.
func (t *pgTx) SetPushAttempt(ctx context.Context, id string, attempts int, next time.Time, lastErr string) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE push_outbox SET attempts = ?, next_attempt = ?, last_error = ? WHERE id = ? AND state = ?`,
		attempts, fmtTime(next), lastErr, id, store.PushPending)
	if err != nil {
		return fmt.Errorf("recording push attempt of bundle %s: %w", id, err)
	}
	return nil
}

// FinishPush implements store.OutboxTx. The event keeps the group's
// status (from and to alike): a push changes no status, it is history.
func (t *pgTx) FinishPush(ctx context.Context, id, state string, attempts int, at time.Time, lastErr, reason string) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE push_outbox SET state = ?, attempts = ?, done_at = ?, last_error = ? WHERE id = ? AND state = ?`,
		state, attempts, fmtTime(at), lastErr, id, store.PushPending)
	if err != nil {
		return fmt.Errorf("finishing push of bundle %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("finishing push of bundle %s: %w", id, store.ErrNotFound)
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO events (group_id, subscriber_id, at, from_status, to_status, reason, source)
		SELECT g.id, '', ?, g.status, g.status, ?, ? FROM push_outbox p JOIN groups g ON g.id = p.group_id WHERE p.id = ?`,
		fmtTime(at), reason, store.PushEventSource, id)
	if err != nil {
		return fmt.Errorf("recording push event of bundle %s: %w", id, err)
	}
	return nil
}
