package ldex

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// Cause names why a group's bundle could not be built or delivered.
type Cause string

// Causes.
const (
	// CauseUnknownPartner: the group's partner is not in the configuration.
	CauseUnknownPartner Cause = "unknown_partner"
	// CauseNoOutbound: the partner has no outbound folder configured.
	CauseNoOutbound Cause = "no_outbound"
	// CauseNeverAccepted: the carrier rejected the group and never
	// accepted it.
	CauseNeverAccepted Cause = "never_accepted"
	// CauseNoPolicyNumber: the carrier has not assigned a policy number.
	CauseNoPolicyNumber Cause = "no_policy_number"
	// CauseIncomplete: the group lacks data a bundle needs (an address,
	// a coverage start date), or the bundle would not match the schema.
	CauseIncomplete Cause = "incomplete"
	// CauseUnreachable: the partner's outbound folder could not be
	// opened or written.
	CauseUnreachable Cause = "outbound_unreachable"
)

// Blocked says why a group has no bundle yet, once for the operator and
// once for a person at the partner.
type Blocked struct {
	Cause Cause
	// Action is the pending action shown by `onboard status` and in the
	// reports. It is stable for a cause, so comparing it with the
	// recorded action tells whether the partner was already told.
	Action string
	// Feedback is the paragraph written to the partner's
	// feedback/TIMESTAMP-GROUP.txt: what happened, why, what to do.
	Feedback string
}

// Error names the cause; Action and Feedback say it to people.
func (b *Blocked) Error() string { return "building LDEx bundle: blocked (" + string(b.Cause) + ")" }

// who names a group in feedback: "group G-1 (ACME Corp)".
func who(rec *store.GroupRecord) string {
	if rec.OrganizationName == "" {
		return "group " + rec.ExternalIdentifier
	}
	return fmt.Sprintf("group %s (%s)", rec.ExternalIdentifier, rec.OrganizationName)
}

func blockedUnknownPartner(rec *store.GroupRecord) *Blocked {
	return &Blocked{Cause: CauseUnknownPartner,
		Action: fmt.Sprintf("LDEx bundle not sent: partner %q is not in the configuration; add it back or retire its groups", rec.PartnerID)}
}

func blockedNoOutbound(rec *store.GroupRecord) *Blocked {
	return &Blocked{Cause: CauseNoOutbound,
		Action: fmt.Sprintf("LDEx bundle not sent: partner %q has no outbound folder; configure partners[].outbound", rec.PartnerID)}
}

func blockedUnreachable(rec *store.GroupRecord) *Blocked {
	return &Blocked{Cause: CauseUnreachable,
		Action: "LDEx bundle not delivered: the partner's outbound folder could not be reached; onboard retries on every run",
		Feedback: fmt.Sprintf("onboard could not deliver the LDEx customer bundle for %s because your outbound folder "+
			"could not be written when it tried. Nothing is needed from you if the folder is working again: onboard "+
			"tries again on every run and delivers the bundle as soon as it can. If you changed the folder or its "+
			"permissions, please tell the onboard operators.", who(rec))}
}

func blockedNoPolicyNumber(rec *store.GroupRecord, carrierName string) *Blocked {
	return &Blocked{Cause: CauseNoPolicyNumber,
		Action: fmt.Sprintf("LDEx bundle waiting: carrier %s has not assigned a policy number", carrierName),
		Feedback: fmt.Sprintf("onboard has not sent the LDEx customer bundle for %s yet because carrier %s has not "+
			"assigned the group a policy number. Nothing is needed from you now: onboard checks again on every run "+
			"and sends the bundle as soon as the carrier reports the policy number. If this lasts more than a few "+
			"business days, please ask the carrier about group %s.", who(rec), carrierName, rec.ExternalIdentifier)}
}

func blockedNeverAccepted(rec *store.GroupRecord, g *model.Group, carrierName string) *Blocked {
	n, first := len(g.Errors), firstMessage(g.Errors)
	for _, s := range g.Subscribers {
		n += len(s.Errors)
		if first == "" {
			first = firstMessage(s.Errors)
		}
	}
	example := ""
	if first != "" {
		example = fmt.Sprintf(", for example: %q", first)
	}
	return &Blocked{Cause: CauseNeverAccepted,
		Action: fmt.Sprintf("LDEx bundle waiting: carrier %s has not accepted the group (%d error(s) to fix)", carrierName, n),
		Feedback: fmt.Sprintf("onboard cannot send the LDEx customer bundle for %s because carrier %s has not "+
			"accepted the group: it reported %d error(s)%s. Please correct them (your status report lists every one) "+
			"and send an updated file for the group; onboard sends the bundle once the carrier accepts it.",
			who(rec), carrierName, n, example)}
}

func blockedIncomplete(rec *store.GroupRecord, carrierName string, missing []string) *Blocked {
	list := strings.Join(missing, " and no ")
	return &Blocked{Cause: CauseIncomplete,
		Action: "LDEx bundle cannot be built: the group has no " + list,
		Feedback: fmt.Sprintf("onboard cannot build the LDEx customer bundle for %s, which carrier %s holds, because "+
			"the group has no %s. Please send an updated file for the group that includes it; onboard builds the "+
			"bundle on its next run after that.", who(rec), carrierName, list)}
}

// blockedInvalid is a bundle that would not match the published schema:
// the data behind it is at fault, and the log has the details.
func blockedInvalid(rec *store.GroupRecord, carrierName string) *Blocked {
	return &Blocked{Cause: CauseIncomplete,
		Action: "LDEx bundle cannot be built: the group's data does not fit the bundle schema (see the log)",
		Feedback: fmt.Sprintf("onboard cannot build the LDEx customer bundle for %s, which carrier %s holds, because "+
			"some of the group's data (such as an address, a date or a plan) is not in the form the bundle needs. "+
			"The onboard operators have been told and will contact you if a corrected file is needed.", who(rec), carrierName)}
}

// maxExample bounds an error message quoted in feedback.
const maxExample = 200

func firstMessage(errs []model.Error) string {
	for _, e := range errs {
		if m := strings.TrimSpace(e.Message); m != "" {
			if len(m) > maxExample {
				cut := maxExample
				for cut > 0 && !utf8.RuneStart(m[cut]) {
					cut--
				}
				m = m[:cut] + "…"
			}
			return m
		}
	}
	return ""
}
