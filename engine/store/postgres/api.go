package postgres

import (
	"context"
	"fmt"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// The store's part of the HTTP API (DESIGN.md §13): requests recorded as
// files, subscribers by id, and Idempotency-Key answers.

// RecordFile implements Tx.
func (t *pgTx) RecordFile(ctx context.Context, f *store.FileRecord) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO files (id, partner_id, name, sha256, size, state, received_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ID, f.PartnerID, f.Name, f.SHA256, f.Size, f.State, fmtTime(f.ReceivedAt), f.Source)
	if err != nil {
		return fmt.Errorf("recording file %s: %w", f.Name, err)
	}
	return nil
}

// MarkFileDone implements Tx.
func (t *pgTx) MarkFileDone(ctx context.Context, fileID string) error {
	if _, err := t.tx.ExecContext(ctx, `UPDATE files SET state = ? WHERE id = ?`, store.FileDone, fileID); err != nil {
		return fmt.Errorf("marking file done: %w", err)
	}
	return nil
}

// GroupExternalIDs implements Reader. It reads only the (partner_id,
// external_identifier) index.
func (r reader) GroupExternalIDs(ctx context.Context, partnerID string) ([]string, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT external_identifier FROM groups WHERE partner_id = ?`, partnerID)
	if err != nil {
		return nil, fmt.Errorf("listing group identifiers: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var ext string
		if err := rows.Scan(&ext); err != nil {
			return nil, fmt.Errorf("listing group identifiers: %w", err)
		}
		out = append(out, ext)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing group identifiers: %w", err)
	}
	return out, nil
}

// Subscriber implements Reader.
func (r reader) Subscriber(ctx context.Context, id string) (*store.SubscriberRecord, error) {
	var s store.SubscriberRecord
	var status, sdt, errs string
	err := r.q.QueryRowContext(ctx, `SELECT id, group_id, external_identifier, first_name, last_name, terminated, content_hash, status, status_datetime, errors
		FROM subscribers WHERE id = ?`, id).Scan(&s.ID, &s.GroupID, &s.ExternalIdentifier, &s.FirstName, &s.LastName, &s.Terminated, &s.ContentHash, &status, &sdt, &errs)
	if err != nil {
		return nil, notFound(err, "subscriber "+id)
	}
	s.Status, s.StatusDatetime = model.Status(status), parseTime(sdt)
	if s.Errors, err = store.DecodeErrors(errs); err != nil {
		return nil, err
	}
	return &s, nil
}

// IdempotentAnswer implements Reader.
func (r reader) IdempotentAnswer(ctx context.Context, caller, key string) (*store.IdempotentAnswer, error) {
	a := store.IdempotentAnswer{Caller: caller, Key: key}
	var created string
	err := r.q.QueryRowContext(ctx, `SELECT request_hash, status, body, created_at FROM idempotency WHERE caller = ? AND key = ?`, caller, key).
		Scan(&a.RequestHash, &a.Status, &a.Body, &created)
	if err != nil {
		return nil, notFound(err, "idempotency key")
	}
	a.CreatedAt = parseTime(created)
	return &a, nil
}

// SaveIdempotentAnswer implements Tx.
func (t *pgTx) SaveIdempotentAnswer(ctx context.Context, a store.IdempotentAnswer) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM idempotency WHERE created_at < ?`, fmtTime(a.CreatedAt.Add(-store.IdempotencyWindow))); err != nil {
		return fmt.Errorf("forgetting old idempotency keys: %w", err)
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO idempotency (caller, key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (caller, key) DO UPDATE SET request_hash = excluded.request_hash, status = excluded.status, body = excluded.body, created_at = excluded.created_at`,
		a.Caller, a.Key, a.RequestHash, a.Status, a.Body, fmtTime(a.CreatedAt))
	if err != nil {
		return fmt.Errorf("storing the answer to an idempotency key: %w", err)
	}
	return nil
}
