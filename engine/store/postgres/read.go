package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// reader implements Reader over a connection pool or a transaction.
type reader struct{ q querier }

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return fmt.Errorf("reading %s: %w", what, err)
}

const fileCols = `id, partner_id, name, sha256, size, state, outcome, disposition, groups_accepted, groups_rejected, error_count, duplicate_of, message, received_at, processed_at, source`

func scanFile(sc interface{ Scan(...any) error }) (*store.FileRecord, error) {
	var f store.FileRecord
	var recv, proc string
	err := sc.Scan(&f.ID, &f.PartnerID, &f.Name, &f.SHA256, &f.Size, &f.State, &f.Outcome, &f.Disposition,
		&f.GroupsAccepted, &f.GroupsRejected, &f.ErrorCount, &f.DuplicateOf, &f.Message, &recv, &proc, &f.Source)
	if err != nil {
		return nil, err
	}
	f.ReceivedAt, f.ProcessedAt = parseTime(recv), parseTime(proc)
	return &f, nil
}

// File implements Reader.
func (r reader) File(ctx context.Context, id string) (*store.FileRecord, error) {
	f, err := scanFile(r.q.QueryRowContext(ctx, `SELECT `+fileCols+` FROM files WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "file "+id)
	}
	return f, nil
}

// Files implements Reader. Newest first.
func (r reader) Files(ctx context.Context, ff store.FileFilter) ([]store.FileRecord, error) {
	q := `SELECT ` + fileCols + ` FROM files WHERE 1=1`
	var args []any
	if ff.PartnerID != "" {
		q += ` AND partner_id = ?`
		args = append(args, ff.PartnerID)
	}
	if ff.State != "" {
		q += ` AND state = ?`
		args = append(args, ff.State)
	}
	q += ` ORDER BY received_at DESC, id`
	if ff.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, ff.Limit)
	}
	rows, err := r.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing files: %w", err)
	}
	defer rows.Close()
	var out []store.FileRecord
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, fmt.Errorf("listing files: %w", err)
		}
		out = append(out, *f)
	}
	return out, rows.Err()
}

const groupCols = `id, partner_id, external_identifier, carrier_id, organization_name, status, status_datetime, policy_number, version, transmitted_version, content_hash, errors, last_file_id, created_at, updated_at, source_digest, carrier_group_key, legacy_member_keys`

func scanGroup(sc interface{ Scan(...any) error }) (*store.GroupRecord, error) {
	var g store.GroupRecord
	var status, sdt, errs, created, updated string
	err := sc.Scan(&g.ID, &g.PartnerID, &g.ExternalIdentifier, &g.CarrierID, &g.OrganizationName, &status, &sdt,
		&g.PolicyNumber, &g.Version, &g.TransmittedVersion, &g.ContentHash, &errs, &g.LastFileID, &created, &updated, &g.SourceDigest,
		&g.CarrierGroupKey, &g.LegacyMemberKeys)
	if err != nil {
		return nil, err
	}
	g.Status = model.Status(status)
	g.StatusDatetime, g.CreatedAt, g.UpdatedAt = parseTime(sdt), parseTime(created), parseTime(updated)
	if g.Errors, err = store.DecodeErrors(errs); err != nil {
		return nil, err
	}
	return &g, nil
}

// Group implements Reader.
func (r reader) Group(ctx context.Context, id string) (*store.GroupRecord, error) {
	g, err := scanGroup(r.q.QueryRowContext(ctx, `SELECT `+groupCols+` FROM groups WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "group "+id)
	}
	return g, nil
}

// GroupByExternal implements Reader.
func (r reader) GroupByExternal(ctx context.Context, partnerID, externalID string) (*store.GroupRecord, error) {
	g, err := scanGroup(r.q.QueryRowContext(ctx, `SELECT `+groupCols+` FROM groups WHERE partner_id = ? AND external_identifier = ?`, partnerID, externalID))
	if err != nil {
		return nil, notFound(err, "group "+partnerID+":"+externalID)
	}
	return g, nil
}

// Groups implements Reader. Sorted by partner, then external identifier.
func (r reader) Groups(ctx context.Context, f store.GroupFilter) ([]store.GroupRecord, error) {
	q := `SELECT ` + groupCols + ` FROM groups WHERE 1=1`
	var args []any
	if f.PartnerID != "" {
		q += ` AND partner_id = ?`
		args = append(args, f.PartnerID)
	}
	if f.CarrierID != "" {
		q += ` AND carrier_id = ?`
		args = append(args, f.CarrierID)
	}
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, string(f.Status))
	}
	if f.Untransmitted {
		q += ` AND transmitted_version < version`
	}
	q += ` ORDER BY partner_id, external_identifier`
	rows, err := r.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing groups: %w", err)
	}
	defer rows.Close()
	var out []store.GroupRecord
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, fmt.Errorf("listing groups: %w", err)
		}
		out = append(out, *g)
	}
	return out, rows.Err()
}

// Version implements Reader.
func (r reader) Version(ctx context.Context, groupID string, version int) (*model.Group, error) {
	var data []byte
	err := r.q.QueryRowContext(ctx, `SELECT data FROM group_versions WHERE group_id = ? AND version = ?`, groupID, version).Scan(&data)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("version %d of group %s", version, groupID))
	}
	g, err := store.DecodeVersion(data)
	if err != nil {
		return nil, fmt.Errorf("version %d of group %s: %w", version, groupID, err)
	}
	return g, nil
}

// CurrentGroup implements Reader.
func (r reader) CurrentGroup(ctx context.Context, groupID string) (*model.Group, *store.GroupRecord, error) {
	rec, err := r.Group(ctx, groupID)
	if err != nil {
		return nil, nil, err
	}
	g, err := r.Version(ctx, groupID, rec.Version)
	if err != nil {
		return nil, nil, err
	}
	subs, err := r.Subscribers(ctx, groupID)
	if err != nil {
		return nil, nil, err
	}
	g.ID, g.PartnerID, g.CarrierID = rec.ID, rec.PartnerID, rec.CarrierID
	g.Status, g.Errors, g.PolicyNumber = rec.Status, rec.Errors, rec.PolicyNumber
	g.CarrierGroupKey, g.LegacyMemberKeys = rec.CarrierGroupKey, rec.LegacyMemberKeys
	t := rec.StatusDatetime
	g.StatusDatetime = &t
	byExt := make(map[string]*store.SubscriberRecord, len(subs))
	for i := range subs {
		byExt[subs[i].ExternalIdentifier] = &subs[i]
	}
	for i := range g.Subscribers {
		if s := byExt[g.Subscribers[i].ExternalIdentifier]; s != nil {
			st := s.StatusDatetime
			g.Subscribers[i].Status, g.Subscribers[i].StatusDatetime, g.Subscribers[i].Errors = s.Status, &st, s.Errors
		}
	}
	return g, rec, nil
}

// Subscribers implements Reader. Sorted by external identifier.
func (r reader) Subscribers(ctx context.Context, groupID string) ([]store.SubscriberRecord, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, group_id, external_identifier, first_name, last_name, terminated, content_hash, status, status_datetime, errors
		FROM subscribers WHERE group_id = ? ORDER BY external_identifier`, groupID)
	if err != nil {
		return nil, fmt.Errorf("listing subscribers: %w", err)
	}
	defer rows.Close()
	var out []store.SubscriberRecord
	for rows.Next() {
		var s store.SubscriberRecord
		var status, sdt, errs string
		if err := rows.Scan(&s.ID, &s.GroupID, &s.ExternalIdentifier, &s.FirstName, &s.LastName, &s.Terminated, &s.ContentHash, &status, &sdt, &errs); err != nil {
			return nil, fmt.Errorf("listing subscribers: %w", err)
		}
		s.Status, s.StatusDatetime = model.Status(status), parseTime(sdt)
		if s.Errors, err = store.DecodeErrors(errs); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SubscriberStatuses implements Reader.
func (r reader) SubscriberStatuses(ctx context.Context, groupID string) (map[string]model.Status, error) {
	out := map[string]model.Status{}
	err := r.each(ctx, func(sc func(...any) error) error {
		var ext, status string
		if err := sc(&ext, &status); err != nil {
			return err
		}
		out[ext] = model.Status(status)
		return nil
	}, `SELECT external_identifier, status FROM subscribers WHERE group_id = ?`, groupID)
	if err != nil {
		return nil, fmt.Errorf("listing subscriber statuses: %w", err)
	}
	return out, nil
}

// SubscriberStatusCounts implements Reader.
func (r reader) SubscriberStatusCounts(ctx context.Context, groupID string) (map[model.Status]int, error) {
	out := map[model.Status]int{}
	err := r.each(ctx, func(sc func(...any) error) error {
		var status string
		var n int
		if err := sc(&status, &n); err != nil {
			return err
		}
		out[model.Status(status)] = n
		return nil
	}, `SELECT status, COUNT(*) FROM subscribers WHERE group_id = ? GROUP BY status`, groupID)
	if err != nil {
		return nil, fmt.Errorf("counting subscriber statuses: %w", err)
	}
	return out, nil
}

// Events implements Reader. Oldest first.
func (r reader) Events(ctx context.Context, groupID string) ([]store.Event, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT e.id, e.group_id, e.subscriber_id, COALESCE(s.external_identifier, ''), e.at, e.from_status, e.to_status, e.reason, e.source
		FROM events e LEFT JOIN subscribers s ON s.id = e.subscriber_id WHERE e.group_id = ? ORDER BY e.id`, groupID)
	if err != nil {
		return nil, fmt.Errorf("listing events: %w", err)
	}
	defer rows.Close()
	var out []store.Event
	for rows.Next() {
		var e store.Event
		var at, from, to string
		if err := rows.Scan(&e.ID, &e.GroupID, &e.SubscriberID, &e.Subscriber, &at, &from, &to, &e.Reason, &e.Source); err != nil {
			return nil, fmt.Errorf("listing events: %w", err)
		}
		e.At, e.From, e.To = parseTime(at), model.Status(from), model.Status(to)
		out = append(out, e)
	}
	return out, rows.Err()
}

const transmissionCols = `id, carrier_id, file_name, format, mode, isa13, gs06, state, ack_state, ack_result, created_at, delivered_at, acked_at, members`

func scanTransmission(sc interface{ Scan(...any) error }) (*store.TransmissionRecord, error) {
	var t store.TransmissionRecord
	var c, d, a string
	if err := sc.Scan(&t.ID, &t.CarrierID, &t.FileName, &t.Format, &t.Mode, &t.ISA13, &t.GS06, &t.State, &t.AckState, &t.AckResult, &c, &d, &a, &t.Members); err != nil {
		return nil, err
	}
	t.CreatedAt, t.DeliveredAt, t.AckedAt = parseTime(c), parseTime(d), parseTime(a)
	return &t, nil
}

// Transmission implements Reader.
func (r reader) Transmission(ctx context.Context, id string) (*store.TransmissionRecord, error) {
	t, err := scanTransmission(r.q.QueryRowContext(ctx, `SELECT `+transmissionCols+` FROM transmissions WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "transmission "+id)
	}
	return t, nil
}

// TransmissionByISA13 implements Reader.
func (r reader) TransmissionByISA13(ctx context.Context, carrierID string, isa13 int64) (*store.TransmissionRecord, error) {
	t, err := scanTransmission(r.q.QueryRowContext(ctx, `SELECT `+transmissionCols+` FROM transmissions WHERE carrier_id = ? AND isa13 = ? AND isa13 > 0`, carrierID, isa13))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("transmission with ISA13 %09d", isa13))
	}
	return t, nil
}

// TransmissionByFile implements Reader.
func (r reader) TransmissionByFile(ctx context.Context, carrierID, fileName string) (*store.TransmissionRecord, error) {
	t, err := scanTransmission(r.q.QueryRowContext(ctx, `SELECT `+transmissionCols+` FROM transmissions WHERE carrier_id = ? AND file_name = ?`, carrierID, fileName))
	if err != nil {
		return nil, notFound(err, "transmission "+fileName)
	}
	return t, nil
}

// Transmissions implements Reader. Oldest first.
func (r reader) Transmissions(ctx context.Context, f store.TransmissionFilter) ([]store.TransmissionRecord, error) {
	q := `SELECT ` + transmissionCols + ` FROM transmissions WHERE 1=1`
	var args []any
	if f.CarrierID != "" {
		q += ` AND carrier_id = ?`
		args = append(args, f.CarrierID)
	}
	if f.State != "" {
		q += ` AND state = ?`
		args = append(args, f.State)
	}
	if f.Unacknowledged {
		q += ` AND state = ? AND ack_state IN (?, ?)`
		args = append(args, store.TransmissionDelivered, store.AckNone, store.AckAccepted)
	}
	return r.transmissions(ctx, q+` ORDER BY created_at, id`, args...)
}

func (r reader) transmissions(ctx context.Context, q string, args ...any) ([]store.TransmissionRecord, error) {
	rows, err := r.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing transmissions: %w", err)
	}
	defer rows.Close()
	var out []store.TransmissionRecord
	for rows.Next() {
		t, err := scanTransmission(rows)
		if err != nil {
			return nil, fmt.Errorf("listing transmissions: %w", err)
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// GroupTransmissions implements Reader. Transmissions recorded in the same
// second are listed in the reverse of the order they were recorded (seq),
// not by their random ids.
func (r reader) GroupTransmissions(ctx context.Context, groupID string) ([]store.TransmissionRecord, error) {
	cols := "t." + strings.ReplaceAll(transmissionCols, ", ", ", t.")
	return r.transmissions(ctx, `SELECT `+cols+` FROM transmissions t JOIN transmission_groups g ON g.transmission_id = t.id
		WHERE g.group_id = ? ORDER BY t.created_at DESC, t.seq DESC`, groupID)
}

// TransmissionGroups implements Reader. Ordered by ST02.
func (r reader) TransmissionGroups(ctx context.Context, transmissionID string) ([]store.TransmissionGroup, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT transmission_id, group_id, version, base_version, st02, members
		FROM transmission_groups WHERE transmission_id = ? ORDER BY st02, group_id`, transmissionID)
	if err != nil {
		return nil, fmt.Errorf("listing transmission groups: %w", err)
	}
	defer rows.Close()
	var out []store.TransmissionGroup
	for rows.Next() {
		var g store.TransmissionGroup
		var members string
		if err := rows.Scan(&g.TransmissionID, &g.GroupID, &g.Version, &g.BaseVersion, &g.ST02, &members); err != nil {
			return nil, fmt.Errorf("listing transmission groups: %w", err)
		}
		g.Members = []byte(members)
		out = append(out, g)
	}
	return out, rows.Err()
}

const ackCols = `id, carrier_id, file_name, sha256, kind, transmission_id, result, received_at`

func scanAck(sc interface{ Scan(...any) error }) (*store.AckRecord, error) {
	var a store.AckRecord
	var at string
	if err := sc.Scan(&a.ID, &a.CarrierID, &a.FileName, &a.SHA256, &a.Kind, &a.TransmissionID, &a.Result, &at); err != nil {
		return nil, err
	}
	a.ReceivedAt = parseTime(at)
	return &a, nil
}

// AckBySHA implements Reader.
func (r reader) AckBySHA(ctx context.Context, carrierID, sha string) (*store.AckRecord, error) {
	a, err := scanAck(r.q.QueryRowContext(ctx, `SELECT `+ackCols+` FROM acks WHERE carrier_id = ? AND sha256 = ?`, carrierID, sha))
	if err != nil {
		return nil, notFound(err, "acknowledgement")
	}
	return a, nil
}

// GroupAcks implements Reader.
func (r reader) GroupAcks(ctx context.Context, groupID string) ([]store.AckRecord, error) {
	cols := "a." + strings.ReplaceAll(ackCols, ", ", ", a.")
	rows, err := r.q.QueryContext(ctx, `SELECT `+cols+` FROM acks a JOIN transmission_groups g ON g.transmission_id = a.transmission_id
		WHERE g.group_id = ? ORDER BY a.received_at DESC, a.id DESC`, groupID)
	if err != nil {
		return nil, fmt.Errorf("listing acknowledgements: %w", err)
	}
	defer rows.Close()
	var out []store.AckRecord
	for rows.Next() {
		a, err := scanAck(rows)
		if err != nil {
			return nil, fmt.Errorf("listing acknowledgements: %w", err)
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// LastBundle implements Reader.
func (r reader) LastBundle(ctx context.Context, groupID string) (*store.BundleRecord, error) {
	var b store.BundleRecord
	var at string
	err := r.q.QueryRowContext(ctx, `SELECT id, group_id, content_hash, path, delivered_at FROM bundles WHERE group_id = ? ORDER BY delivered_at DESC, seq DESC LIMIT 1`, groupID).
		Scan(&b.ID, &b.GroupID, &b.ContentHash, &b.Path, &at)
	if err != nil {
		return nil, notFound(err, "bundle of group "+groupID)
	}
	b.DeliveredAt = parseTime(at)
	return &b, nil
}

// PendingActions implements Reader. Oldest first; all groups when groupID is empty.
func (r reader) PendingActions(ctx context.Context, groupID string) ([]store.PendingAction, error) {
	q := `SELECT group_id, kind, message, since FROM pending_actions`
	var args []any
	if groupID != "" {
		q += ` WHERE group_id = ?`
		args = append(args, groupID)
	}
	rows, err := r.q.QueryContext(ctx, q+` ORDER BY since, group_id, kind`, args...)
	if err != nil {
		return nil, fmt.Errorf("listing pending actions: %w", err)
	}
	defer rows.Close()
	var out []store.PendingAction
	for rows.Next() {
		var a store.PendingAction
		var since string
		if err := rows.Scan(&a.GroupID, &a.Kind, &a.Message, &since); err != nil {
			return nil, fmt.Errorf("listing pending actions: %w", err)
		}
		a.Since = parseTime(since)
		out = append(out, a)
	}
	return out, rows.Err()
}

// LastRun implements Reader; the zero time when the schedule never ran.
func (r reader) LastRun(ctx context.Context, name string) (time.Time, error) {
	var at string
	err := r.q.QueryRowContext(ctx, `SELECT last_run FROM schedule_runs WHERE name = ?`, name).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("reading last run of %s: %w", name, err)
	}
	return parseTime(at), nil
}
