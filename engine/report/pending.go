package report

import (
	"fmt"
	"time"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// PendingAction says what a person (or onboard) must do next for a group,
// and since when: a recorded action (feedback, an overdue acknowledgement)
// first, else what its status implies. Empty for a synced group.
func PendingAction(g *store.GroupRecord, subs []store.SubscriberRecord, actions []store.PendingAction) (string, time.Time) {
	if len(actions) > 0 {
		a := actions[0] // oldest first
		return a.Message, a.Since
	}
	switch g.Status {
	case model.StatusErrors:
		n := len(g.Errors)
		for _, s := range subs {
			n += len(s.Errors)
		}
		return fmt.Sprintf("partner to fix %d error(s) and send an updated file", n), g.StatusDatetime
	case model.StatusPending:
		return "waiting for the next transmission to carrier " + g.CarrierID, g.StatusDatetime
	case model.StatusSubmitted:
		return "awaiting carrier acknowledgement since " + g.StatusDatetime.UTC().Format(time.RFC3339), g.StatusDatetime
	}
	return "", time.Time{}
}

// NoMembersAction is the pending action of a group with no subscribers
// yet: it stays pending (DESIGN.md §4) and the carrier has nothing to see.
const NoMembersAction = "no members to send yet"

// GroupPendingAction is PendingAction for a group known to have members
// subscribers: a pending group without any has NoMembersAction (unless a
// recorded action says more).
func GroupPendingAction(g *store.GroupRecord, subs []store.SubscriberRecord, members int, actions []store.PendingAction) (string, time.Time) {
	if len(actions) == 0 && members == 0 && g.Status == model.StatusPending {
		return NoMembersAction, g.StatusDatetime
	}
	return PendingAction(g, subs, actions)
}

// countSubscriberStatuses is CountByStatus of store SubscriberStatusCounts.
func countSubscriberStatuses(counts map[model.Status]int) map[string]int {
	out := make(map[string]int, len(model.Statuses))
	for _, s := range model.Statuses {
		out[string(s)] = 0
	}
	for s, n := range counts {
		out[string(s)] += n
	}
	return out
}

// CountByStatus counts subscribers by status, with every status present.
func CountByStatus(subs []store.SubscriberRecord) map[string]int {
	out := make(map[string]int, len(model.Statuses))
	for _, s := range model.Statuses {
		out[string(s)] = 0
	}
	for _, s := range subs {
		out[string(s.Status)]++
	}
	return out
}
