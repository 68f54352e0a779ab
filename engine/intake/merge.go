package intake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/onboard/onboard/engine/config"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// canonicalize orders everything a partner may send in any order, so the
// same content in different bytes hashes the same.
func canonicalize(g *model.Group) {
	slices.SortFunc(g.SecondaryLocations, func(a, b model.Location) int {
		return strings.Compare(a.ExternalIdentifier, b.ExternalIdentifier)
	})
	slices.SortFunc(g.Subscribers, func(a, b model.Subscriber) int {
		return strings.Compare(a.ExternalIdentifier, b.ExternalIdentifier)
	})
	for i := range g.Subscribers {
		s := &g.Subscribers[i]
		slices.SortFunc(s.Dependents, func(a, b model.Dependent) int {
			return strings.Compare(a.ExternalIdentifier, b.ExternalIdentifier)
		})
		for j := range s.Dependents {
			slices.Sort(s.Dependents[j].ProductLines)
		}
		slices.SortFunc(s.Enrollments, func(a, b model.Enrollment) int {
			return slices.Index(model.ProductLines, a.ProductLine) - slices.Index(model.ProductLines, b.ProductLine)
		})
	}
}

// contentHash hashes what the partner said about a group, without the ids
// and statuses onboard adds; subHashes are its subscribers' hashes, in
// order (subscriberHashes).
func contentHash(g *model.Group, subHashes []string) string {
	c := *g
	c.ID, c.Status, c.StatusDatetime, c.Errors, c.PolicyNumber = "", "", nil, nil, ""
	if g.PrimaryLocation != nil {
		p := *g.PrimaryLocation
		p.ID = ""
		c.PrimaryLocation = &p
	}
	c.SecondaryLocations = make([]model.Location, len(g.SecondaryLocations))
	for i, l := range g.SecondaryLocations {
		l.ID = ""
		c.SecondaryLocations[i] = l
	}
	c.Subscribers = nil
	h := sha256.New()
	b, _ := json.Marshal(&c)
	h.Write(b)
	for _, sh := range subHashes {
		h.Write([]byte(sh))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// subscriberHashes returns the hash of each of g's subscribers, in order:
// computed once, used for the group's hash and stored per subscriber.
func subscriberHashes(g *model.Group) []string {
	out := make([]string, len(g.Subscribers))
	var buf []byte
	for i := range g.Subscribers {
		out[i], buf = appendSubscriberHash(buf[:0], &g.Subscribers[i])
	}
	return out
}

// subscriberHash hashes a subscriber's content, dependents included,
// without ids and statuses.
func subscriberHash(s *model.Subscriber) string {
	h, _ := appendSubscriberHash(nil, s)
	return h
}

// appendSubscriberHash is subscriberHash encoding into buf, which it
// returns for reuse. The content is the subscriber's binary encoding as a
// stored version holds it, ids and statuses left out
// (store.AppendSubscriberContent): canonical, and a fifth of the cost of
// its JSON.
func appendSubscriberHash(buf []byte, s *model.Subscriber) (string, []byte) {
	buf = store.AppendSubscriberContent(buf, s)
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:]), buf
}

// merger assigns onboard's ids to a group read from a file and combines it
// with the group's previous version according to the partner's census mode.
type merger struct {
	newID func() string
	// today is the date recorded as the end of coverage of subscribers a
	// full census no longer lists.
	today string
	now   time.Time
	// end is the last day of coverage of members a full census drops: the
	// carrier's termination_policy applied to today (today when unset).
	end  string
	full bool
	// carrier is the partner's carrier: its max_retro_days bound changes.
	carrier *config.Carrier
	// guard, when set, tallies a full census's terminations.
	guard *termGuard
	// events are the partner's events of the group merged last.
	events []model.QualifyingLifeEvent
}

// endDate is the date a dropped member's coverage ends.
func (m *merger) endDate() string {
	if m.end != "" {
		return m.end
	}
	return m.today
}

// memberChanges counts what a new version changes; omitted counts the
// members a full census ends by leaving them out, of active members that
// were active before (the termination guard's tally).
type memberChanges struct{ added, changed, terminated, omitted, active int }

// merge fills g's ids from prev (nil for a new group), carries over what
// the file does not restate, and counts the member changes.
func (m *merger) merge(g, prev *model.Group) memberChanges {
	var mc memberChanges
	m.events = m.events[:0]
	canonicalize(g) // compare like with like: prev was stored canonical
	if prev == nil {
		g.ID = m.newID()
	} else {
		g.ID = prev.ID
	}
	m.mergeLocations(g, prev)

	prevSubs := map[string]*model.Subscriber{}
	if prev != nil {
		for i := range prev.Subscribers {
			prevSubs[prev.Subscribers[i].ExternalIdentifier] = &prev.Subscribers[i]
		}
	}
	present := make(map[string]bool, len(g.Subscribers))
	for i := range g.Subscribers {
		s := &g.Subscribers[i]
		present[s.ExternalIdentifier] = true
		p := prevSubs[s.ExternalIdentifier]
		m.mergeSubscriber(s, p)
		switch {
		case p == nil:
			mc.added++
		case subscriberHash(s) != subscriberHash(p):
			if s.Terminated() && !p.Terminated() {
				mc.terminated++
			} else {
				mc.changed++
			}
		}
	}
	if prev != nil {
		for i := range prev.Subscribers {
			p := prev.Subscribers[i]
			if !p.Terminated() {
				mc.active++
			}
			if present[p.ExternalIdentifier] {
				continue
			}
			// Absent from this file: a full census ends the member's
			// coverage; a change file leaves the member as it was.
			if m.full && !p.Terminated() {
				terminate(&p, m.endDate())
				mc.terminated++
				mc.omitted++
			}
			g.Subscribers = append(g.Subscribers, p)
		}
	}
	canonicalize(g)
	return mc
}

func (m *merger) mergeLocations(g, prev *model.Group) {
	ids := map[string]string{}
	var prevLocs []model.Location
	if prev != nil {
		prevLocs = prev.Locations()
		for _, l := range prevLocs {
			ids[l.ExternalIdentifier] = l.ID
		}
	}
	assign := func(l *model.Location) {
		if id, ok := ids[l.ExternalIdentifier]; ok && id != "" {
			l.ID = id
		} else {
			l.ID = m.newID()
		}
	}
	if g.PrimaryLocation != nil {
		assign(g.PrimaryLocation)
	}
	seen := map[string]bool{}
	for _, l := range g.Locations() {
		seen[l.ExternalIdentifier] = true
	}
	for i := range g.SecondaryLocations {
		assign(&g.SecondaryLocations[i])
	}
	if m.full || prev == nil {
		return
	}
	// A change file keeps the locations it does not mention.
	for _, l := range prevLocs {
		if !seen[l.ExternalIdentifier] {
			if g.PrimaryLocation == nil {
				pl := l
				g.PrimaryLocation = &pl
			} else {
				g.SecondaryLocations = append(g.SecondaryLocations, l)
			}
		}
	}
}

func (m *merger) mergeSubscriber(s, prev *model.Subscriber) {
	deps := map[string]string{}
	if prev == nil {
		s.ID = m.newID()
	} else {
		s.ID = prev.ID
		for _, d := range prev.Dependents {
			deps[d.ExternalIdentifier] = d.ID
		}
	}
	// The partner's events of this family: onboard's id, and who and where
	// from, when the partner left them out.
	for i := range s.QualifyingLifeEvents {
		q := &s.QualifyingLifeEvents[i]
		if q.ID == "" {
			q.ID = m.newID()
		}
		if q.Subscriber == "" {
			q.Subscriber = s.ExternalIdentifier
		}
		if q.Source == "" {
			q.Source = model.EventPartner
		}
		if len(q.Members) == 0 {
			q.Members = []string{s.ExternalIdentifier}
		}
		m.events = append(m.events, *q)
	}
	present := map[string]bool{}
	for i := range s.Dependents {
		d := &s.Dependents[i]
		present[d.ExternalIdentifier] = true
		if id, ok := deps[d.ExternalIdentifier]; ok {
			d.ID = id
		} else {
			d.ID = m.newID()
		}
	}
	if prev == nil || !m.full {
		return
	}
	// A full census that drops a dependent ends the dependent's coverage.
	for _, d := range prev.Dependents {
		if !present[d.ExternalIdentifier] {
			if d.EndDate == "" {
				d.EndDate = m.endDate()
				for _, e := range s.Enrollments {
					if slices.Contains(d.ProductLines, e.ProductLine) && e.StartDate > d.EndDate {
						d.EndDate = e.StartDate // cancelled before it began: dated its start
					}
				}
			}
			s.Dependents = append(s.Dependents, d)
		}
	}
}

// terminate ends every open enrollment and dependent coverage of s on
// date, never before a coverage starts: ending coverage that has not begun
// is a cancellation dated its start (DESIGN.md §4).
func terminate(s *model.Subscriber, date string) {
	first := ""
	for i := range s.Enrollments {
		e := &s.Enrollments[i]
		if e.EndDate == "" {
			e.EndDate = max(date, e.StartDate)
		}
		if first == "" || e.StartDate < first {
			first = e.StartDate
		}
	}
	for i := range s.Dependents {
		if s.Dependents[i].EndDate == "" {
			s.Dependents[i].EndDate = max(date, first)
		}
	}
}
