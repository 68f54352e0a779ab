package api

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/onboard/onboard/engine/report"
	"github.com/onboard/onboard/engine/store"
)

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// portfolioBody is GET /portfolio: the "Onboarding API" summary.
type portfolioBody struct {
	Groups int `json:"groups"`
	// Counts are groups by status; Subscribers subscribers by status.
	Counts      map[string]int `json:"counts"`
	Subscribers map[string]int `json:"subscribers"`
	// PendingActions are what must happen next, oldest first.
	PendingActions []portfolioAction `json:"pending_actions"`
	// OverdueAcknowledgements are deliveries the carrier has not answered
	// within its ack_timeout, oldest first.
	OverdueAcknowledgements []portfolioAction `json:"overdue_acknowledgements"`
	GeneratedAt             time.Time         `json:"generated_at"`
}

type portfolioAction struct {
	GroupID            string    `json:"group_id"`
	ExternalIdentifier string    `json:"external_identifier"`
	PartnerID          string    `json:"partner_id"`
	OrganizationName   string    `json:"organization_name"`
	Status             string    `json:"status"`
	Action             string    `json:"action"`
	Since              time.Time `json:"since"`
}

// portfolio summarises the caller's groups (an analyst's: every
// partner's) from the same rows as the status reports.
func (s *Server) portfolio(ctx context.Context, c *Caller, r *http.Request) (answer, error) {
	now := s.now().UTC()
	rows, err := report.Build(ctx, s.store, s.cfg, now)
	if err != nil {
		return answer{}, err
	}
	if !c.Analyst() {
		rows = report.ForPartner(rows, c.Partner.ID)
	}
	b := portfolioBody{Groups: len(rows), GeneratedAt: now, PendingActions: []portfolioAction{}, OverdueAcknowledgements: []portfolioAction{},
		Counts: map[string]int{}, Subscribers: map[string]int{}}
	for _, st := range statuses {
		b.Counts[st], b.Subscribers[st] = 0, 0
	}
	for _, row := range rows {
		if row.Silent {
			// A partner, not a group: only its pending action counts.
			b.Groups--
			b.PendingActions = append(b.PendingActions, portfolioAction{PartnerID: row.Partner, Status: row.Status,
				Action: row.PendingAction, Since: row.PendingSince.UTC()})
			continue
		}
		b.Counts[row.Status]++
		for st, n := range row.SubscribersByStatus {
			b.Subscribers[st] += n
		}
		if row.PendingAction == "" {
			continue
		}
		a := portfolioAction{GroupID: row.GroupID, ExternalIdentifier: row.GroupExternalID, PartnerID: row.Partner,
			OrganizationName: row.Employer, Status: row.Status, Action: row.PendingAction, Since: row.PendingSince.UTC()}
		b.PendingActions = append(b.PendingActions, a)
		if row.AckOverdue {
			b.OverdueAcknowledgements = append(b.OverdueAcknowledgements, a)
		}
	}
	oldest := func(a, b portfolioAction) int {
		return cmp.Or(a.Since.Compare(b.Since), cmp.Compare(a.GroupID, b.GroupID))
	}
	slices.SortFunc(b.PendingActions, oldest)
	slices.SortFunc(b.OverdueAcknowledgements, oldest)
	return jsonAnswer(http.StatusOK, b)
}
