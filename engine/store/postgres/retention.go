package postgres

import (
	"context"
	"fmt"

	"github.com/onboard/onboard/engine/store"
)

// Retention deletions (store.Deletions, store.DeletionTx): migration 3's
// deletions, the SQLite store's migration 11.

// Deletions implements store.Deletions.
func (r reader) Deletions(ctx context.Context, partnerID string) ([]store.Deletion, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT partner_id, name, mod_time, size, at, reason FROM deletions
		WHERE ? = '' OR partner_id = ? ORDER BY id`, partnerID, partnerID)
	if err != nil {
		return nil, fmt.Errorf("reading deletions: %w", err)
	}
	defer rows.Close()
	var out []store.Deletion
	for rows.Next() {
		var d store.Deletion
		var mod, at string
		if err := rows.Scan(&d.PartnerID, &d.Name, &mod, &d.Size, &at, &d.Reason); err != nil {
			return nil, fmt.Errorf("reading deletions: %w", err)
		}
		d.ModTime, d.At = parseTime(mod), parseTime(at)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading deletions: %w", err)
	}
	return out, nil
}

// RecordDeletion implements store.DeletionTx.
func (t *pgTx) RecordDeletion(ctx context.Context, d store.Deletion) error {
	if d.At.IsZero() {
		d.At = t.now()
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO deletions (partner_id, name, mod_time, size, at, reason) VALUES (?, ?, ?, ?, ?, ?)`,
		d.PartnerID, d.Name, fmtTime(d.ModTime), d.Size, fmtTime(d.At), d.Reason)
	if err != nil {
		return fmt.Errorf("recording deletion of %s: %w", d.Name, err)
	}
	return nil
}
