package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/crash"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/silence"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/transport"
)

// File names of the reports, in the reports dir and in each partner's
// outbound reports/ folder.
const (
	CSVName  = "status.csv"
	HTMLName = "status.html"
	// PartnerDir is the folder of a partner's own reports in its outbound.
	PartnerDir = "reports"
)

// File modes: the reports hold employer names, counts and error messages,
// never SSNs or FEINs. The local copy is readable by the operator's group;
// the partner's copy, like everything onboard puts in an outbound folder,
// by its owner only.
const (
	LocalMode   = 0o640
	PartnerMode = 0o600
)

// AckOverdueKind is the kind of the pending action Build adds for a group
// whose transmission has waited longer than the carrier's ack_timeout.
const AckOverdueKind = "ack_overdue"

// Opener returns the folder a config names (the engine's pool).
type Opener func(ctx context.Context, f config.Folder) (transport.Folder, error)

// Build returns one Row per group in the store, every partner's, in the
// store's order (partner, then external identifier), then the recent
// rejected intakes (Row.Rejected), newest first. Partner and carrier
// names come from cfg; a group whose partner left the configuration still
// has its row. The pending action is the group's oldest recorded one, else
// an overdue acknowledgement (a delivered transmission unanswered after
// the carrier's ack_timeout, measured to now), else what its status
// implies (see PendingAction).
func Build(ctx context.Context, r store.Reader, cfg *config.Config, now time.Time) ([]Row, error) {
	groups, err := r.Groups(ctx, store.GroupFilter{})
	if err != nil {
		return nil, fmt.Errorf("building status report: %w", err)
	}
	all, err := r.PendingActions(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("building status report: %w", err)
	}
	actions := map[string][]store.PendingAction{} // oldest first, as listed
	for _, a := range all {
		actions[a.GroupID] = append(actions[a.GroupID], a)
	}
	files := map[string]*store.FileRecord{}
	rows := make([]Row, 0, len(groups))
	for i := range groups {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		row, err := buildRow(ctx, r, cfg, &groups[i], actions[groups[i].ID], files, now)
		if err != nil {
			return nil, fmt.Errorf("building status report row of group %s: %w", groups[i].ExternalIdentifier, err)
		}
		rows = append(rows, row)
	}
	rejected, err := r.RejectedIntakes(ctx, "", maxRejected)
	if err != nil {
		return nil, fmt.Errorf("building status report: %w", err)
	}
	for _, ri := range rejected {
		name := ""
		if p := cfg.Partner(ri.PartnerID); p != nil {
			name = p.Name
		}
		rows = append(rows, RejectedRow(ri, name))
	}
	quiet, err := silence.Quiet(ctx, r, cfg, now)
	if err != nil {
		return nil, fmt.Errorf("building status report: %w", err)
	}
	for _, q := range quiet {
		rows = append(rows, Row{Partner: q.PartnerID, PartnerName: q.PartnerName, Status: StatusSilent, StatusSince: q.Since,
			LastFileAt: q.LastFile, PendingAction: q.Action, PendingSince: q.Since, Silent: true, SubscribersByStatus: map[string]int{}})
	}
	return rows, nil
}

func buildRow(ctx context.Context, r store.Reader, cfg *config.Config, g *store.GroupRecord, actions []store.PendingAction,
	files map[string]*store.FileRecord, now time.Time) (Row, error) {
	// Counts need only statuses; errors are read only for a group in
	// errors (a subscriber's outstanding errors put its group there).
	counts, err := r.SubscriberStatusCounts(ctx, g.ID)
	if err != nil {
		return Row{}, err
	}
	var subs []store.SubscriberRecord
	if g.Status == model.StatusErrors {
		if subs, err = r.Subscribers(ctx, g.ID); err != nil {
			return Row{}, err
		}
	}
	trs, err := r.GroupTransmissions(ctx, g.ID)
	if err != nil {
		return Row{}, err
	}
	acks, err := r.GroupAcks(ctx, g.ID)
	if err != nil {
		return Row{}, err
	}
	row := Row{
		Partner: g.PartnerID, GroupExternalID: g.ExternalIdentifier, GroupID: g.ID,
		Employer: g.OrganizationName, Carrier: g.CarrierID,
		Status: string(g.Status), StatusSince: g.StatusDatetime,
		SubscribersByStatus: countSubscriberStatuses(counts),
		PolicyNumber:        g.PolicyNumber,
	}
	if p := cfg.Partner(g.PartnerID); p != nil {
		row.PartnerName = p.Name
	}
	if g.LastFileID != "" {
		f, ok := files[g.LastFileID]
		if !ok {
			f, err = r.File(ctx, g.LastFileID)
			if errors.Is(err, store.ErrNotFound) {
				f, err = nil, nil
			}
			if err != nil {
				return Row{}, err
			}
			files[g.LastFileID] = f
		}
		if f != nil {
			row.LastFileReceived, row.LastFileAt = f.Name, f.ReceivedAt
		}
	}
	for _, t := range trs { // newest first
		if t.State == store.TransmissionDelivered {
			row.LastTransmission, row.LastTransmissionAt = t.FileName, t.DeliveredAt
			break
		}
	}
	if len(acks) > 0 {
		// The acknowledgement's own summary counts the whole transmission
		// (every group it carried): the report says what it came to for
		// this group's members.
		a := acks[0]
		kind := a.Kind
		if kind == "result" {
			kind = "result file"
		}
		row.LastAck, row.LastAckAt = kind, a.ReceivedAt
		row.AckCounts = ackCounts(counts)
	}
	for _, e := range g.Errors {
		row.TopErrors = append(row.TopErrors, e.Message)
		row.ErrorDetails = append(row.ErrorDetails, ErrorDetail{Message: e.Message})
	}
	for _, s := range subs {
		for _, e := range s.Errors {
			row.TopErrors = append(row.TopErrors, e.Message)
			row.ErrorDetails = append(row.ErrorDetails, ErrorDetail{Member: s.ExternalIdentifier, Message: e.Message})
		}
	}
	hist, err := r.GroupHistory(ctx, g.ID, maxHistory)
	if err != nil {
		return Row{}, err
	}
	for _, e := range hist {
		row.History = append(row.History, HistoryEntry{At: e.At, From: string(e.From), To: string(e.To), Reason: e.Reason})
	}
	row.ErrorCount = len(row.TopErrors)
	if len(actions) == 0 {
		if a := overdue(g, trs, cfg.Carrier(g.CarrierID), now); a != nil {
			actions = []store.PendingAction{*a}
			row.AckOverdue = true
		}
	}
	members := 0
	for _, n := range counts {
		members += n
	}
	row.PendingAction, row.PendingSince = GroupPendingAction(g, subs, members, actions)
	return row, nil
}

// ackCounts says where a group's members stand after an acknowledgement:
// accepted (synced), rejected (errors), awaiting the carrier's answer
// (submitted), and not sent yet (pending), only the non-zero ones.
func ackCounts(counts map[model.Status]int) string {
	var parts []string
	for _, c := range []struct {
		st   model.Status
		word string
	}{{model.StatusSynced, "accepted"}, {model.StatusErrors, "rejected"}, {model.StatusSubmitted, "awaiting answer"}, {model.StatusPending, "not sent yet"}} {
		if n := counts[c.st]; n > 0 || c.st == model.StatusSynced || c.st == model.StatusErrors {
			parts = append(parts, fmt.Sprintf("%d %s", n, c.word))
		}
	}
	return strings.Join(parts, " · ")
}

// overdue returns the pending action of the group's oldest transmission
// still waiting for its final acknowledgement after the carrier's
// ack_timeout, or nil.
func overdue(g *store.GroupRecord, trs []store.TransmissionRecord, c *config.Carrier, now time.Time) *store.PendingAction {
	if c == nil || c.AckTimeout.D() <= 0 {
		return nil
	}
	var late *store.TransmissionRecord
	for i := range trs {
		t := &trs[i]
		waiting := t.State == store.TransmissionDelivered && (t.AckState == store.AckNone || t.AckState == store.AckAccepted)
		if waiting && !t.DeliveredAt.IsZero() && now.Sub(t.DeliveredAt) > c.AckTimeout.D() {
			late = t // trs is newest first: the last one found is the oldest
		}
	}
	if late == nil {
		return nil
	}
	ref := late.FileName
	if late.ISA13 > 0 {
		ref += fmt.Sprintf(" (ISA13 %09d)", late.ISA13)
	}
	return &store.PendingAction{GroupID: g.ID, Kind: AckOverdueKind, Since: late.DeliveredAt.Add(c.AckTimeout.D()),
		Message: fmt.Sprintf("carrier %s has not acknowledged %s within %s: ask the carrier whether it received the file",
			c.ID, ref, c.AckTimeout.D())}
}

// ForPartner returns the rows of one partner, in order.
func ForPartner(rows []Row, partnerID string) []Row {
	var out []Row
	for _, r := range rows {
		// A silent partner's alarm is the operator's to act on.
		if r.Partner == partnerID && !r.Silent {
			out = append(out, r)
		}
	}
	return out
}

// CrashWritten is the crash point (engine/crash) after each report file
// is written: a crash leaves status.csv new and status.html old until the
// next report run writes both again.
const CrashWritten = "report-written"

// WriteFiles renders rows as status.csv and status.html in dir of f ("" for
// its root). Each file is rendered in memory first and written atomically
// (a temporary name renamed into place), so a reader sees the old report
// or the new one, never half of one.
// refresh is how often the page reloads itself (the report schedule's
// interval; 0 for never).
func WriteFiles(ctx context.Context, f transport.Folder, dir string, rows []Row, now time.Time, title string, perm uint32, refresh time.Duration) error {
	for _, file := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{CSVName, func(w io.Writer) error { return WriteCSV(w, rows, now) }},
		{HTMLName, func(w io.Writer) error { return WriteHTML(w, rows, now, title, refresh) }},
	} {
		name := file.name
		if dir != "" {
			name = path.Join(dir, file.name)
		}
		// Rendered straight into the folder's atomic write, not into a
		// buffer first: a report of thousands of groups is megabytes. A
		// failed rendering fails the write, which leaves nothing visible.
		pr, pw := io.Pipe()
		go func() {
			// A panic here would not reach the job's recovery (another
			// goroutine): it fails this write instead of the daemon.
			defer func() {
				if r := recover(); r != nil {
					pw.CloseWithError(fmt.Errorf("rendering %s: panic: %v", file.name, r))
				}
			}()
			pw.CloseWithError(file.write(pw))
		}()
		err := f.Write(ctx, name, pr, perm)
		pr.CloseWithError(errors.New("report write ended")) // unblocks the renderer if the write stopped early
		if err != nil {
			return fmt.Errorf("writing %s to %s: %w", name, f, err)
		}
		crash.Point(CrashWritten)
	}
	return nil
}

// Publish builds the rows and writes every report: all groups to the
// reports dir (cfg.Reports.Dir, skipped when empty) and each partner's own
// groups to reports/ in its outbound folder (partners without one are
// skipped). A folder that fails does not stop the others; the failures are
// returned together.
func Publish(ctx context.Context, r store.Reader, cfg *config.Config, open Opener, now time.Time) error {
	rows, err := Build(ctx, r, cfg, now)
	if err != nil {
		return err
	}
	refresh := Interval(cfg.Reports.Schedule, now)
	var errs []error
	if cfg.Reports.Dir != "" {
		f, err := open(ctx, config.Folder{Dir: cfg.Reports.Dir})
		if err == nil {
			err = WriteFiles(ctx, f, "", rows, now, "onboard — onboarding status", LocalMode, refresh)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("writing status reports: %w", err))
		}
	}
	for i := range cfg.Partners {
		p := &cfg.Partners[i]
		if p.Outbound.Dir == "" && p.Outbound.SFTP == nil {
			continue
		}
		name := p.Name
		if name == "" {
			name = p.ID
		}
		f, err := open(ctx, p.Outbound)
		if err == nil {
			err = WriteFiles(ctx, f, PartnerDir, ForPartner(rows, p.ID), now, name+" — onboarding status", PartnerMode, refresh)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("writing status reports of partner %s: %w", p.ID, err))
		}
	}
	return errors.Join(errs...)
}

// Interval is the time between two runs of a report schedule after now
// (a cron spec or "@every D"), or 0 when spec is empty or unreadable: the
// page then does not reload itself.
func Interval(spec string, now time.Time) time.Duration {
	if spec == "" {
		return 0
	}
	s, err := config.ParseSchedule(spec)
	if err != nil {
		return 0
	}
	next := s.Next(now)
	if next.IsZero() {
		return 0
	}
	return s.Next(next).Sub(next)
}
