package store

import (
	"context"
	"fmt"

	"github.com/onboard/onboard/engine/model"
)

// GroupIDs are the ids onboard assigned within a group's current version,
// with each subscriber's status, in the version's canonical order: the
// primary location first, then secondary locations, subscribers and each
// subscriber's dependents by external identifier.
type GroupIDs struct {
	Locations   []IDRef
	Subscribers []SubscriberIDs
}

// IDRef pairs a partner's external identifier with onboard's id.
type IDRef struct {
	ExternalIdentifier string
	ID                 string
}

// SubscriberIDs are a subscriber's ids and status.
type SubscriberIDs struct {
	ExternalIdentifier string
	ID                 string
	Status             model.Status
	Dependents         []IDRef
}

// IDReader lists a group's ids from the projection of its current version,
// without decoding the version: the intake answers an unchanged group
// with them. The SQLite store and its transactions implement it; a caller
// asserts it and falls back to Version.
type IDReader interface {
	GroupIDs(ctx context.Context, groupID string) (*GroupIDs, error)
}

var (
	_ IDReader = (*SQLite)(nil)
	_ IDReader = (*sqliteTx)(nil)
)

// GroupIDs implements IDReader. Ordering by external identifier in SQLite
// (BINARY collation, byte order) is the order canonical versions have.
func (r reader) GroupIDs(ctx context.Context, groupID string) (*GroupIDs, error) {
	ids := &GroupIDs{}
	err := r.each(ctx, func(sc func(...any) error) error {
		var l IDRef
		if err := sc(&l.ExternalIdentifier, &l.ID); err != nil {
			return err
		}
		ids.Locations = append(ids.Locations, l)
		return nil
	}, `SELECT external_identifier, id FROM locations WHERE group_id = ? ORDER BY is_primary DESC, external_identifier`, groupID)
	if err != nil {
		return nil, fmt.Errorf("listing location ids: %w", err)
	}
	index := map[string]int{}
	err = r.each(ctx, func(sc func(...any) error) error {
		var s SubscriberIDs
		var status string
		if err := sc(&s.ExternalIdentifier, &s.ID, &status); err != nil {
			return err
		}
		s.Status = model.Status(status)
		index[s.ID] = len(ids.Subscribers)
		ids.Subscribers = append(ids.Subscribers, s)
		return nil
	}, `SELECT external_identifier, id, status FROM subscribers WHERE group_id = ? ORDER BY external_identifier`, groupID)
	if err != nil {
		return nil, fmt.Errorf("listing subscriber ids: %w", err)
	}
	err = r.each(ctx, func(sc func(...any) error) error {
		var d IDRef
		var sub string
		if err := sc(&sub, &d.ExternalIdentifier, &d.ID); err != nil {
			return err
		}
		i, ok := index[sub]
		if !ok {
			return fmt.Errorf("dependent %s names no subscriber of the group", d.ExternalIdentifier)
		}
		ids.Subscribers[i].Dependents = append(ids.Subscribers[i].Dependents, d)
		return nil
	}, `SELECT subscriber_id, external_identifier, id FROM dependents WHERE group_id = ? ORDER BY external_identifier`, groupID)
	if err != nil {
		return nil, fmt.Errorf("listing dependent ids: %w", err)
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
