package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

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
		if s.Dependents, err = parseDependentIDs(deps); err != nil {
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

// appendDependentIDs appends the dependent_ids column of a subscriber with
// these dependents: a JSON array of [external_identifier, id] pairs, as
// migration 5 builds it from the former dependents table, or nothing when
// there are none. Dependents are in a stored version's canonical order.
func appendDependentIDs(dst []byte, deps []model.Dependent) []byte {
	if len(deps) == 0 {
		return dst
	}
	dst = append(dst, '[')
	for i, d := range deps {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '[')
		dst = appendJSONString(dst, d.ExternalIdentifier)
		dst = append(dst, ',')
		dst = appendJSONString(dst, d.ID)
		dst = append(dst, ']')
	}
	return append(dst, ']')
}

// appendJSONString appends s as a JSON string.
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			b, _ := json.Marshal(s) // a string always encodes
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// parseDependentIDs reads a dependent_ids column (appendDependentIDs).
func parseDependentIDs(s string) ([]store.IDRef, error) {
	if s == "" {
		return nil, nil
	}
	out, ok := scanDependentIDs(s)
	if !ok {
		var pairs [][]string
		if err := json.Unmarshal([]byte(s), &pairs); err != nil {
			return nil, fmt.Errorf("reading dependent ids: %w", err)
		}
		out = make([]store.IDRef, len(pairs))
		for i, p := range pairs {
			if len(p) != 2 {
				return nil, fmt.Errorf("reading dependent ids: entry %d has %d values, want 2", i+1, len(p))
			}
			out[i] = store.IDRef{ExternalIdentifier: p[0], ID: p[1]}
		}
	}
	// By external identifier in byte order, as the canonical version has
	// them (a group saved without canonicalizing may list them otherwise).
	slices.SortStableFunc(out, func(a, b store.IDRef) int { return strings.Compare(a.ExternalIdentifier, b.ExternalIdentifier) })
	return out, nil
}

// scanDependentIDs reads the usual dependent_ids column, [["ext","id"],...]
// with no escapes and no spaces, without encoding/json (a re-drop lists
// every subscriber's); ok is false for anything else, which
// parseDependentIDs hands to encoding/json.
func scanDependentIDs(s string) (out []store.IDRef, ok bool) {
	if strings.IndexByte(s, '\\') >= 0 || len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, false
	}
	body := s[1 : len(s)-1]
	str := func() (string, bool) {
		if len(body) < 2 || body[0] != '"' {
			return "", false
		}
		end := strings.IndexByte(body[1:], '"')
		if end < 0 {
			return "", false
		}
		v := body[1 : 1+end]
		body = body[2+end:]
		return v, true
	}
	for {
		if !strings.HasPrefix(body, "[") {
			return nil, false
		}
		body = body[1:]
		ext, ok := str()
		if !ok || !strings.HasPrefix(body, ",") {
			return nil, false
		}
		body = body[1:]
		id, ok := str()
		if !ok || !strings.HasPrefix(body, "]") {
			return nil, false
		}
		body = body[1:]
		out = append(out, store.IDRef{ExternalIdentifier: ext, ID: id})
		if body == "" {
			return out, true
		}
		if body[0] != ',' {
			return nil, false
		}
		body = body[1:]
	}
}
