package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// pgTx implements Tx.
type pgTx struct {
	reader
	tx    querier
	now   func() time.Time
	newID func() string
}

var _ store.Tx = (*pgTx)(nil)

// ClaimFile implements store.Store.
func (s *Store) ClaimFile(ctx context.Context, partnerID, name, sha string, size int64) (*store.FileRecord, store.Claim, error) {
	var rec *store.FileRecord
	var claim store.Claim
	err := s.Update(ctx, func(txi store.Tx) error {
		t := txi.(*pgTx)
		// Daemons may claim one file at once: the insert waits for a
		// concurrent claim of the same content and then yields to it.
		fresh := &store.FileRecord{ID: t.newID(), PartnerID: partnerID, Name: name, SHA256: sha, Size: size, State: store.FileProcessing, ReceivedAt: t.now()}
		var got string
		err := t.tx.QueryRowContext(ctx, `INSERT INTO files (id, partner_id, name, sha256, size, state, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (partner_id, sha256) WHERE duplicate_of = '' AND source = '' DO NOTHING RETURNING id`,
			fresh.ID, partnerID, name, sha, size, store.FileProcessing, fmtTime(fresh.ReceivedAt)).Scan(&got)
		if err == nil {
			rec, claim = fresh, store.ClaimNew
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		f, err := scanFile(t.tx.QueryRowContext(ctx, `SELECT `+fileCols+` FROM files WHERE partner_id = ? AND sha256 = ? AND duplicate_of = '' AND source = ''`, partnerID, sha))
		if err != nil {
			return err
		}
		rec = f
		switch f.State {
		case store.FileProcessing:
			claim = store.ClaimRetry
			if f.Name != name {
				rec.Name = name
				_, err = t.tx.ExecContext(ctx, `UPDATE files SET name = ? WHERE id = ?`, name, f.ID)
			}
			return err
		case store.FileStored:
			claim = store.ClaimFinish
		default:
			claim = store.ClaimDuplicate
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("claiming file %s: %w", name, err)
	}
	return rec, claim, nil
}

// RecordDuplicate implements store.Store. The record stays stored (not done)
// until the caller has delivered its result and moved the file; a retry
// after an interruption reuses it instead of recording the drop twice.
func (s *Store) RecordDuplicate(ctx context.Context, partnerID, name, sha string, size int64, of string) (*store.FileRecord, error) {
	var rec *store.FileRecord
	err := s.Update(ctx, func(txi store.Tx) error {
		t := txi.(*pgTx)
		f, err := scanFile(t.tx.QueryRowContext(ctx, `SELECT `+fileCols+` FROM files
			WHERE partner_id = ? AND name = ? AND sha256 = ? AND duplicate_of != '' AND state = ?`, partnerID, name, sha, store.FileStored))
		if err == nil {
			rec = f
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		now := t.now()
		rec = &store.FileRecord{ID: t.newID(), PartnerID: partnerID, Name: name, SHA256: sha, Size: size, State: store.FileStored,
			Outcome: store.OutcomeDuplicate, Disposition: "failed", DuplicateOf: of, ReceivedAt: now, ProcessedAt: now, ErrorCount: 1}
		_, err = t.tx.ExecContext(ctx, `INSERT INTO files (id, partner_id, name, sha256, size, state, outcome, disposition, error_count, duplicate_of, received_at, processed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, rec.ID, partnerID, name, sha, size, rec.State, rec.Outcome, rec.Disposition, 1, of, fmtTime(now), fmtTime(now))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("recording duplicate file %s: %w", name, err)
	}
	return rec, nil
}

// FileDone implements store.Store.
func (s *Store) FileDone(ctx context.Context, fileID string) error {
	_, err := s.q.ExecContext(ctx, `UPDATE files SET state = ? WHERE id = ? AND state = ?`, store.FileDone, fileID, store.FileStored)
	if err != nil {
		return fmt.Errorf("marking file done: %w", err)
	}
	return nil
}

// ReleaseFile implements store.Store.
func (s *Store) ReleaseFile(ctx context.Context, fileID string) error {
	_, err := s.q.ExecContext(ctx, `DELETE FROM files WHERE id = ? AND state = ?`, fileID, store.FileProcessing)
	if err != nil {
		return fmt.Errorf("releasing file claim: %w", err)
	}
	return nil
}

// ReopenFile implements store.Store.
func (s *Store) ReopenFile(ctx context.Context, fileID string) error {
	return s.Update(ctx, func(txi store.Tx) error {
		f, err := txi.File(ctx, fileID)
		if err != nil {
			return err
		}
		if f.State != store.FileDone || (f.Outcome != store.OutcomeRejected && f.Outcome != store.OutcomeHeld) || f.DuplicateOf != "" {
			return fmt.Errorf("file %s (%s, %s): %w", f.Name, f.State, f.Outcome, store.ErrNotReplayable)
		}
		_, err = txi.(*pgTx).tx.ExecContext(ctx, `UPDATE files SET state = ?, outcome = '', disposition = '' WHERE id = ?`, store.FileProcessing, fileID)
		return err
	})
}

// SetFileResult implements Tx.
func (t *pgTx) SetFileResult(ctx context.Context, fileID string, r store.FileResult) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE files SET state = ?, outcome = ?, disposition = ?, groups_accepted = ?, groups_rejected = ?, error_count = ?, message = ?, processed_at = ? WHERE id = ?`,
		store.FileStored, r.Outcome, r.Disposition, r.GroupsAccepted, r.GroupsRejected, r.ErrorCount, r.Message, fmtTime(t.now()), fileID)
	if err != nil {
		return fmt.Errorf("recording file result: %w", err)
	}
	return nil
}

// stored returns the copy of g that is kept as a version: the partner's data
// and onboard's ids, without statuses (they live in the state tables).
func stored(g *model.Group) *model.Group {
	c := *g
	c.Status, c.StatusDatetime, c.Errors, c.PolicyNumber = "", nil, nil, ""
	c.Subscribers = make([]model.Subscriber, len(g.Subscribers))
	for i, s := range g.Subscribers {
		s.Status, s.StatusDatetime, s.Errors = "", nil, nil
		c.Subscribers[i] = s
	}
	return &c
}

// SaveGroup implements Tx.
func (t *pgTx) SaveGroup(ctx context.Context, g *model.Group, s store.Save) (*store.GroupRecord, error) {
	if g.ID == "" {
		return nil, errors.New("saving group: the group has no id")
	}
	now := t.now()
	data := store.AppendVersion(nil, stored(g))
	prev, err := t.Group(ctx, g.ID)
	isNew := errors.Is(err, store.ErrNotFound)
	if err != nil && !isNew {
		return nil, err
	}
	version := 1
	if isNew {
		var key string
		key, err = t.newGroupKey(ctx, g)
		if err != nil {
			return nil, err
		}
		_, err = t.tx.ExecContext(ctx, `INSERT INTO groups (id, partner_id, external_identifier, carrier_id, organization_name, status, status_datetime, version, content_hash, last_file_id, created_at, updated_at, source_digest, carrier_group_key)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, g.ID, g.PartnerID, g.ExternalIdentifier, g.CarrierID, g.Employer.OrganizationName,
			string(model.StatusPending), fmtTime(now), version, s.ContentHash, s.FileID, fmtTime(now), fmtTime(now), s.SourceDigest, key)
		if err == nil {
			err = t.addEvent(ctx, g.ID, "", "", model.StatusPending, s.Reason, s.Source)
		}
	} else {
		version = prev.Version + 1
		_, err = t.tx.ExecContext(ctx, `UPDATE groups SET carrier_id = ?, organization_name = ?, version = ?, content_hash = ?, errors = '', last_file_id = ?, updated_at = ?, source_digest = ? WHERE id = ?`,
			g.CarrierID, g.Employer.OrganizationName, version, s.ContentHash, s.FileID, fmtTime(now), s.SourceDigest, g.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("saving group %s: %w", g.ExternalIdentifier, err)
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO group_versions (group_id, version, file_id, content_hash, data, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		g.ID, version, s.FileID, s.ContentHash, data, fmtTime(now)); err != nil {
		return nil, fmt.Errorf("saving version %d of group %s: %w", version, g.ExternalIdentifier, err)
	}
	if err := t.project(ctx, g, s, now); err != nil {
		return nil, fmt.Errorf("saving group %s: %w", g.ExternalIdentifier, err)
	}
	if _, err := t.RefreshGroupStatus(ctx, g.ID, s.Reason, s.Source); err != nil {
		return nil, err
	}
	return t.Group(ctx, g.ID)
}

// project replaces the normalized projection of a group with g's content,
// keeping each surviving subscriber's status unless its content changed.
func (t *pgTx) project(ctx context.Context, g *model.Group, s store.Save, now time.Time) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM locations WHERE group_id = ?`, g.ID); err != nil {
		return err
	}
	for i, l := range g.Locations() {
		a := l.EmployerAddress
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO locations (id, group_id, external_identifier, type, is_primary, address_line_1, address_line_2, city, state, zip, fips_county_code)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, l.ID, g.ID, l.ExternalIdentifier, l.Type, i == 0 && g.PrimaryLocation != nil,
			a.AddressLine1, a.AddressLine2, a.City, a.State, a.Zip, a.FIPSCountyCode); err != nil {
			return fmt.Errorf("saving location %s: %w", l.ExternalIdentifier, err)
		}
	}
	old, err := t.Subscribers(ctx, g.ID)
	if err != nil {
		return err
	}
	oldByExt := make(map[string]store.SubscriberRecord, len(old))
	for _, o := range old {
		oldByExt[o.ExternalIdentifier] = o
	}
	// Rows go in multi-row INSERTs (rowBatch); events reference their
	// subscriber, so the subscribers' batch goes first.
	subs := newRowBatch(t, `INSERT INTO subscribers (id, group_id, external_identifier, location_external_identifier, first_name, last_name, birth_date, terminated, content_hash, status, status_datetime, dependent_ids) VALUES`,
		` ON CONFLICT (group_id, external_identifier) DO UPDATE SET location_external_identifier = excluded.location_external_identifier,
			first_name = excluded.first_name, last_name = excluded.last_name, birth_date = excluded.birth_date, terminated = excluded.terminated,
			content_hash = excluded.content_hash, dependent_ids = excluded.dependent_ids`, 12, nil)
	events := newRowBatch(t, `INSERT INTO events (group_id, subscriber_id, at, from_status, to_status, reason, source) VALUES`, "", 7, subs)
	var depIDs []byte

	at := fmtTime(now)
	seen := make(map[string]bool, len(g.Subscribers))
	for _, sub := range g.Subscribers {
		seen[sub.ExternalIdentifier] = true
		hash := s.SubscriberHashes[sub.ExternalIdentifier]
		o, existed := oldByExt[sub.ExternalIdentifier]
		id := sub.ID
		if existed {
			id = o.ID // ids are stable; the intake reuses them, this guards against a mismatch
		}
		depIDs = store.AppendDependentIDs(depIDs[:0], sub.Dependents)
		if err := subs.add(ctx, id, g.ID, sub.ExternalIdentifier, sub.LocationExternalIdentifier, sub.FirstName, sub.LastName,
			sub.BirthDate, sub.Terminated(), hash, string(model.StatusPending), at, string(depIDs)); err != nil {
			return fmt.Errorf("saving subscribers of group %s: %w", g.ExternalIdentifier, err)
		}
		switch {
		case !existed:
			if err := events.add(ctx, g.ID, id, at, "", string(model.StatusPending), s.Reason, s.Source); err != nil {
				return fmt.Errorf("recording event: %w", err)
			}
		case o.ContentHash != hash || hash == "":
			// Events keep the order of the subscribers: the queued ones first.
			if err := events.flush(ctx); err != nil {
				return fmt.Errorf("recording event: %w", err)
			}
			if err := t.setSubscriber(ctx, g.ID, o, model.StatusPending, nil, s.Reason, s.Source); err != nil {
				return err
			}
		}
	}
	for _, b := range []*rowBatch{subs, events} {
		if err := b.flush(ctx); err != nil {
			return fmt.Errorf("saving group %s: %w", g.ExternalIdentifier, err)
		}
	}
	for _, o := range old {
		if !seen[o.ExternalIdentifier] {
			if _, err := t.tx.ExecContext(ctx, `DELETE FROM subscribers WHERE id = ?`, o.ID); err != nil {
				return fmt.Errorf("removing subscriber %s: %w", o.ExternalIdentifier, err)
			}
		}
	}
	return nil
}

func (t *pgTx) addEvent(ctx context.Context, groupID, subscriberID string, from, to model.Status, reason, source string) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO events (group_id, subscriber_id, at, from_status, to_status, reason, source) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		groupID, subscriberID, fmtTime(t.now()), string(from), string(to), reason, source)
	if err != nil {
		return fmt.Errorf("recording event: %w", err)
	}
	return nil
}

func (t *pgTx) setSubscriber(ctx context.Context, groupID string, o store.SubscriberRecord, to model.Status, errs []model.Error, reason, source string) error {
	encoded := store.EncodeErrors(errs)
	if o.Status == to && store.EncodeErrors(o.Errors) == encoded {
		return nil
	}
	q := `UPDATE subscribers SET status = ?, errors = ? WHERE id = ?`
	args := []any{string(to), encoded, o.ID}
	if o.Status != to {
		q = `UPDATE subscribers SET status = ?, errors = ?, status_datetime = ? WHERE id = ?`
		args = []any{string(to), encoded, fmtTime(t.now()), o.ID}
	}
	if _, err := t.tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("setting status of subscriber %s: %w", o.ExternalIdentifier, err)
	}
	if o.Status == to {
		return nil
	}
	return t.addEvent(ctx, groupID, o.ID, o.Status, to, reason, source)
}

// SetSubscriberStatus implements Tx.
func (t *pgTx) SetSubscriberStatus(ctx context.Context, groupID, subscriberExt string, to model.Status, errs []model.Error, reason, source string) error {
	var o store.SubscriberRecord
	var status, errText string
	err := t.tx.QueryRowContext(ctx, `SELECT id, external_identifier, status, errors FROM subscribers WHERE group_id = ? AND external_identifier = ?`, groupID, subscriberExt).
		Scan(&o.ID, &o.ExternalIdentifier, &status, &errText)
	if err != nil {
		return notFound(err, "subscriber "+subscriberExt)
	}
	o.Status = model.Status(status)
	if o.Errors, err = store.DecodeErrors(errText); err != nil {
		return err
	}
	return t.setSubscriber(ctx, groupID, o, to, errs, reason, source)
}

// SetGroupErrors implements Tx.
func (t *pgTx) SetGroupErrors(ctx context.Context, groupID string, errs []model.Error) error {
	if _, err := t.tx.ExecContext(ctx, `UPDATE groups SET errors = ?, updated_at = ? WHERE id = ?`, store.EncodeErrors(errs), fmtTime(t.now()), groupID); err != nil {
		return fmt.Errorf("setting group errors: %w", err)
	}
	return nil
}

// RefreshGroupStatus implements Tx. The store gathers the facts; the rule
// is model.GroupStatus.
func (t *pgTx) RefreshGroupStatus(ctx context.Context, groupID, reason, source string) (model.Status, error) {
	g, err := t.Group(ctx, groupID)
	if err != nil {
		return "", err
	}
	f := model.GroupFacts{HasErrors: len(g.Errors) > 0, Unsent: g.TransmittedVersion < g.Version}
	if f.Subscribers, err = t.distinctSubscriberStatuses(ctx, groupID); err != nil {
		return "", err
	}
	if !f.Unsent {
		if f.Unacknowledged, err = t.hasUnacknowledged(ctx, groupID); err != nil {
			return "", err
		}
	}
	to := model.GroupStatus(f)
	if to == g.Status {
		return to, nil
	}
	if _, err := t.tx.ExecContext(ctx, `UPDATE groups SET status = ?, status_datetime = ?, updated_at = ? WHERE id = ?`,
		string(to), fmtTime(t.now()), fmtTime(t.now()), groupID); err != nil {
		return "", fmt.Errorf("setting group status: %w", err)
	}
	return to, t.addEvent(ctx, groupID, "", g.Status, to, reason, source)
}

// distinctSubscriberStatuses lists the statuses a group's subscribers hold.
func (t *pgTx) distinctSubscriberStatuses(ctx context.Context, groupID string) ([]model.Status, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT DISTINCT status FROM subscribers WHERE group_id = ?`, groupID)
	if err != nil {
		return nil, fmt.Errorf("reading subscriber statuses: %w", err)
	}
	defer rows.Close()
	var subs []model.Status
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("reading subscriber statuses: %w", err)
		}
		subs = append(subs, model.Status(s))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading subscriber statuses: %w", err)
	}
	return subs, nil
}

// hasUnacknowledged reports whether a transmission of the group still
// waits for its final acknowledgement (store.TransmissionRecord.AwaitsAck
// says which do; the query only lists the distinct states).
func (t *pgTx) hasUnacknowledged(ctx context.Context, groupID string) (bool, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT DISTINCT tr.state, tr.ack_state FROM transmissions tr
		JOIN transmission_groups g ON g.transmission_id = tr.id WHERE g.group_id = ?`, groupID)
	if err != nil {
		return false, fmt.Errorf("reading the group's transmissions: %w", err)
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		var tr store.TransmissionRecord
		if err := rows.Scan(&tr.State, &tr.AckState); err != nil {
			return false, fmt.Errorf("reading the group's transmissions: %w", err)
		}
		found = found || tr.AwaitsAck()
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("reading the group's transmissions: %w", err)
	}
	return found, nil
}

// SetSourceDigest implements Tx.
func (t *pgTx) SetSourceDigest(ctx context.Context, groupID, digest string) error {
	if _, err := t.tx.ExecContext(ctx, `UPDATE groups SET source_digest = ? WHERE id = ?`, digest, groupID); err != nil {
		return fmt.Errorf("recording source digest: %w", err)
	}
	return nil
}

// SetPolicyNumber implements Tx.
func (t *pgTx) SetPolicyNumber(ctx context.Context, groupID, policyNumber string) error {
	if _, err := t.tx.ExecContext(ctx, `UPDATE groups SET policy_number = ?, updated_at = ? WHERE id = ?`, policyNumber, fmtTime(t.now()), groupID); err != nil {
		return fmt.Errorf("setting policy number: %w", err)
	}
	return nil
}
