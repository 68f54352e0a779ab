package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// Row is one group's line in a status report: where it stands, since when,
// what happened last and what is waiting. The renderers read rows only, so
// they need no store; the caller fills them.
type Row struct {
	// Partner is the partner id; PartnerName its display name.
	Partner, PartnerName string
	// GroupExternalID is the partner's key for the group; GroupID onboard's.
	GroupExternalID, GroupID string
	// Employer is the organization name; Carrier the carrier id or name.
	Employer, Carrier string
	// Status is the group's status (pending, submitted, synced, errors)
	// and StatusSince when it took it.
	Status      string
	StatusSince time.Time
	// SubscribersByStatus counts the group's subscribers by status
	// (pending, submitted, synced, errors); missing keys count as zero.
	SubscribersByStatus map[string]int
	// LastFileReceived, LastTransmission and LastAck name the last partner
	// file, carrier delivery and acknowledgement; the matching *At fields
	// say when. Both may be empty/zero.
	LastFileReceived, LastTransmission, LastAck string
	LastFileAt, LastTransmissionAt, LastAckAt   time.Time
	// PolicyNumber is assigned by the carrier; empty until then.
	PolicyNumber string
	// ErrorCount counts the group's outstanding errors.
	ErrorCount int
	// PendingAction says what must happen next and PendingSince since
	// when; empty for a group with nothing waiting.
	PendingAction string
	PendingSince  time.Time
	// AckOverdue: the pending action is a delivery the carrier has not
	// acknowledged within its ack_timeout.
	AckOverdue bool
	// TopErrors holds the messages of the group's outstanding errors, one
	// per error (repeats count), for the "most frequent errors" summary.
	TopErrors []string
	// AckCounts says what the last acknowledgement came to for this
	// group's own members ("3 accepted · 1 rejected"), never the whole
	// transmission's; empty without an acknowledgement.
	AckCounts string
	// ErrorDetails are the outstanding errors with the member each is on
	// (Member empty for the group's own), in the order of TopErrors.
	ErrorDetails []ErrorDetail
	// History is the group's status timeline (latest entries, oldest
	// first), shown under the group's anchor in the HTML report.
	History []HistoryEntry
	// Rejected marks a rejected intake (DESIGN.md §6): a group that a
	// file's rejection kept out of the store, or a file rejected before
	// any group was read (GroupExternalID empty). LastFileReceived names
	// the file, StatusSince when; Status is "rejected".
	Rejected bool
	// Silent marks a partner that has sent no file for longer than its
	// expect.every (engine/silence): a row for the partner, no group;
	// Status is "silent", LastFileAt its last file.
	Silent bool
}

// ErrorDetail is one outstanding error and the member it is on.
type ErrorDetail struct {
	Member, Message string
}

// HistoryEntry is one status change of a group.
type HistoryEntry struct {
	At               time.Time
	From, To, Reason string
}

// maxHistory is how many of a group's latest status changes the HTML
// report shows.
const maxHistory = 12

// StatusSilent is the status the reports show for a silent partner.
const StatusSilent = "silent"

// StatusRejected is the status the reports show for a rejected intake.
const StatusRejected = "rejected"

// maxRejected is how many recent rejected intakes a report lists.
const maxRejected = 200

// RejectedRow is the report row of a rejected intake.
func RejectedRow(ri store.RejectedIntake, partnerName string) Row {
	action := fmt.Sprintf("partner to fix %s in %s and send it again", plural(ri.ErrorCount, "error"), ri.File)
	return Row{Partner: ri.PartnerID, PartnerName: partnerName, GroupExternalID: ri.GroupExternalID,
		Status: StatusRejected, StatusSince: ri.At, LastFileReceived: ri.File, LastFileAt: ri.At,
		ErrorCount: ri.ErrorCount, PendingAction: action, PendingSince: ri.At, Rejected: true,
		SubscribersByStatus: map[string]int{}}
}

// sortRows returns a copy of rows sorted by partner, then group external id
// (then group id, so equal keys still sort the same way every time).
func sortRows(rows []Row) []Row {
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b Row) int {
		return cmp.Or(
			cmp.Compare(a.Partner, b.Partner),
			cmp.Compare(a.GroupExternalID, b.GroupExternalID),
			cmp.Compare(a.GroupID, b.GroupID),
		)
	})
	return out
}

// statusOrder lists the statuses in lifecycle order, as the reports show them.
func statusOrder() []string {
	out := make([]string, len(model.Statuses))
	for i, s := range model.Statuses {
		out[i] = string(s)
	}
	return out
}

// formatAge says how long it is from since to now, in the two largest units:
// "3d 4h", "4h 12m", "12m". A zero since gives ""; a since after now "0m".
func formatAge(since, now time.Time) string {
	if since.IsZero() {
		return ""
	}
	d := now.Sub(since)
	if d < 0 {
		d = 0
	}
	days := int64(d / (24 * time.Hour))
	hours := int64(d/time.Hour) % 24
	mins := int64(d/time.Minute) % 60
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case hours > 0:
		return fmt.Sprintf("%dh %dm", hours, mins)
	default:
		return fmt.Sprintf("%dm", mins)
	}
}

// timeLayout is how the reports show a time to a person; always in UTC.
const timeLayout = "2006-01-02 15:04 UTC"

// humanTime formats t for people, or "" for the zero time.
func humanTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// describe joins a name and its time: "acme-census.csv (2025-03-01 09:30 UTC)".
func describe(name string, at time.Time) string {
	when := humanTime(at)
	switch {
	case name == "":
		return when
	case when == "":
		return name
	}
	return name + " (" + when + ")"
}

// topError is one message of the "most frequent errors" summary.
type topError struct {
	Message string
	Count   int // occurrences across every row
	Groups  int // rows that have it at least once
	// Where lists the groups it is on, each with its members
	// ("G-1002: E1, E2"), at most maxWhere of them.
	Where []errorPlace
	// More counts the groups left out of Where.
	More int
}

// errorPlace is a group an error is on and the members it is on there.
type errorPlace struct {
	Group, GroupID, Partner string
	Members                 string // "E1, E2", or "" for the group's own error
}

// maxWhere is how many groups the summary names for one message.
const maxWhere = 5

// maxTopErrors is how many messages the summary lists.
const maxTopErrors = 10

// topErrors counts the rows' error messages, most frequent first (ties by
// message), at most maxTopErrors. Surrounding space is ignored and blank
// messages are skipped.
func topErrors(rows []Row) []topError {
	byMsg := map[string]*topError{}
	for _, r := range rows {
		seen := map[string]bool{}
		members := map[string][]string{} // message → the members it is on in this row
		for _, d := range r.ErrorDetails {
			if m := strings.TrimSpace(d.Message); d.Member != "" && !slices.Contains(members[m], d.Member) {
				members[m] = append(members[m], d.Member)
			}
		}
		for _, m := range r.TopErrors {
			m = strings.TrimSpace(m)
			if m == "" {
				continue
			}
			e := byMsg[m]
			if e == nil {
				e = &topError{Message: m}
				byMsg[m] = e
			}
			e.Count++
			if !seen[m] {
				seen[m] = true
				e.Groups++
				if len(e.Where) < maxWhere {
					e.Where = append(e.Where, errorPlace{Group: r.GroupExternalID, GroupID: r.GroupID, Partner: r.Partner,
						Members: strings.Join(members[m], ", ")})
				} else {
					e.More++
				}
			}
		}
	}
	out := make([]topError, 0, len(byMsg))
	for _, e := range byMsg {
		out = append(out, *e)
	}
	slices.SortFunc(out, func(a, b topError) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Message, b.Message))
	})
	if len(out) > maxTopErrors {
		out = out[:maxTopErrors]
	}
	return out
}

// pendingRows returns the rows with a pending action, oldest first; an
// action without a time goes last. Ties keep the report's row order.
func pendingRows(sorted []Row) []Row {
	var out []Row
	for _, r := range sorted {
		if strings.TrimSpace(r.PendingAction) != "" {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b Row) int {
		switch {
		case a.PendingSince.IsZero() && b.PendingSince.IsZero():
			return 0
		case a.PendingSince.IsZero():
			return 1
		case b.PendingSince.IsZero():
			return -1
		}
		return a.PendingSince.Compare(b.PendingSince)
	})
	return out
}
