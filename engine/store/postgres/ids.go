package postgres

import (
	"context"
	"fmt"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// GroupIDs implements store.Reader. Ordering by external identifier in SQLite
// (BINARY collation, byte order) is the order canonical versions have.
func (r reader) GroupIDs(ctx context.Context, groupID string) (*store.GroupIDs, error) {
	ids := &store.GroupIDs{}
	err := r.each(ctx, func(sc func(...any) error) error {
		var l store.IDRef
		if err := sc(&l.ExternalIdentifier, &l.ID); err != nil {
			return err
		}
		ids.Locations = append(ids.Locations, l)
		return nil
	}, `SELECT external_identifier, id FROM locations WHERE group_id = ? ORDER BY is_primary DESC, external_identifier`, groupID)
	if err != nil {
		return nil, fmt.Errorf("listing location ids: %w", err)
	}
	err = r.each(ctx, func(sc func(...any) error) error {
		var s store.SubscriberIDs
		var status, deps string
		if err := sc(&s.ExternalIdentifier, &s.ID, &status, &deps); err != nil {
			return err
		}
		s.Status = model.Status(status)
		var err error
		if s.Dependents, err = store.ParseDependentIDs(deps); err != nil {
			return fmt.Errorf("subscriber %s: %w", s.ExternalIdentifier, err)
		}
		ids.Subscribers = append(ids.Subscribers, s)
		return nil
	}, `SELECT external_identifier, id, status, dependent_ids FROM subscribers WHERE group_id = ? ORDER BY external_identifier`, groupID)
	if err != nil {
		return nil, fmt.Errorf("listing subscriber ids: %w", err)
	}
	return ids, nil
}

// each runs a query and calls fn with each row's Scan.
func (r reader) each(ctx context.Context, fn func(scan func(...any) error) error, query string, args ...any) error {
	rows, err := r.q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}
