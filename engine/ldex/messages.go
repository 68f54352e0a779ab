package ldex

import (
	"strings"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	ldexfmt "github.com/onboard/onboard/formats/ldex"
)

// statusMessages turns the group's history (oldest first, as the store
// lists it) into at most MaxStatusMessages sentences, newest first. Events
// recorded at the same instant keep their reverse recording order, so the
// list is the same on every run.
func statusMessages(events []store.Event) []ldexfmt.StatusMessage {
	out := make([]ldexfmt.StatusMessage, 0, min(len(events), MaxStatusMessages))
	for i := len(events) - 1; i >= 0 && len(out) < MaxStatusMessages; i-- {
		e := events[i]
		if !e.To.Valid() || e.Source == store.PushEventSource {
			continue // a push is not news to the partner it reached
		}
		out = append(out, ldexfmt.StatusMessage{At: e.At, Status: string(e.To), Message: sentence(e)})
	}
	return out
}

// sentence says what one event means: "Subscriber E1001 moved from
// pending to submitted: sent to carrier bluecross in F.834."
func sentence(e store.Event) string {
	var b strings.Builder
	switch {
	case e.SubscriberID == "":
		b.WriteString("The group")
	case e.Subscriber != "":
		b.WriteString("Subscriber " + e.Subscriber)
	default:
		b.WriteString("A former subscriber")
	}
	if e.From == "" || !e.From.Valid() {
		b.WriteString(" became " + string(e.To))
	} else {
		b.WriteString(" moved from " + string(e.From) + " to " + string(e.To))
	}
	if reason := strings.TrimSpace(e.Reason); reason != "" {
		b.WriteString(": " + reason)
	}
	s := b.String()
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// qualifies reports whether a group in this status gets a bundle: the
// carrier has answered (synced) or something needs action (errors).
func qualifies(s model.Status) bool {
	return s == model.StatusSynced || s == model.StatusErrors
}
