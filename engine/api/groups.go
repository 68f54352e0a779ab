package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/onboard/onboard/engine/intake"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// postGroup is POST /groups: Ideon's {"group": {...}}, decided as a
// dropped file. 201 with the stored copy when created, 200 when updated
// or unchanged, 422 with the errors when rejected.
func (s *Server) postGroup(ctx context.Context, c *Caller, r *http.Request, body []byte, save saveFunc) (answer, error) {
	var a answer
	d, err := s.intake.Submit(ctx, c.Partner, intake.Request{ID: requestID(ctx), Body: body,
		Answer: func(ctx context.Context, tx store.Tx, d *intake.Decision) error {
			var err error
			if a, err = groupAnswer(ctx, tx, d); err != nil {
				return err
			}
			return save(ctx, tx, a)
		}})
	if err != nil {
		return answer{}, err
	}
	if a.status == 0 { // refused before deciding: nothing was recorded
		a = rejected(d.Errors)
	}
	return a, nil
}

// groupAnswer is the answer to a decided group: the stored copy, every
// id filled in, or the errors.
func groupAnswer(ctx context.Context, tx store.Tx, d *intake.Decision) (answer, error) {
	if d.Group == nil || d.Group.Outcome == intake.GroupRejected {
		return rejected(d.Errors), nil
	}
	g, _, err := tx.CurrentGroup(ctx, d.Group.ID)
	if err != nil {
		return answer{}, err
	}
	status := http.StatusOK
	if d.Group.Outcome == intake.GroupCreated {
		status = http.StatusCreated
	}
	return jsonAnswer(status, groupBody{Group: present(g)})
}

// rejected is the 422 answer for a document's errors.
func rejected(errs []model.Error) answer {
	out := make([]apiErr, 0, len(errs))
	for _, e := range errs {
		out = append(out, apiErr{ErrorType: string(e.ErrorType), Message: e.Message, Parameter: e.Parameter})
	}
	if len(out) == 0 {
		out = append(out, apiError("invalid_request", "The request holds no group."))
	}
	return errorAnswer(http.StatusUnprocessableEntity, out...)
}

type groupBody struct {
	Group *model.Group `json:"group"`
}

// present prepares a stored group for an answer: SSNs masked (never
// echoed), slices empty rather than null where the document says arrays.
func present(g *model.Group) *model.Group {
	for i := range g.Subscribers {
		s := &g.Subscribers[i]
		if s.SocialSecurityNumber != "" {
			s.SocialSecurityNumber = model.MaskSSN(s.SocialSecurityNumber)
		}
		for j := range s.Dependents {
			if d := &s.Dependents[j]; d.SocialSecurityNumber != "" {
				d.SocialSecurityNumber = model.MaskSSN(d.SocialSecurityNumber)
			}
		}
		s.Errors = clean(s.Errors)
	}
	g.Errors = clean(g.Errors)
	return g
}

// statusBody is GET /groups/{id}: Ideon's status document.
type statusBody struct {
	Status         model.Status  `json:"status"`
	StatusDatetime time.Time     `json:"status_datetime"`
	Errors         []model.Error `json:"errors"`
	Group          *model.Group  `json:"group"`
}

// visibleGroup returns a group the caller may see, or a 404 answer.
func (s *Server) visibleGroup(ctx context.Context, c *Caller, id string) (*store.GroupRecord, *answer, error) {
	rec, err := s.store.Group(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !c.sees(rec.PartnerID)) {
		a := notFound("group")
		return nil, &a, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return rec, nil, nil
}

func (s *Server) getGroup(ctx context.Context, c *Caller, r *http.Request) (answer, error) {
	if _, a, err := s.visibleGroup(ctx, c, r.PathValue("id")); a != nil || err != nil {
		return deref(a), err
	}
	g, rec, err := s.store.CurrentGroup(ctx, r.PathValue("id"))
	if err != nil {
		return answer{}, err
	}
	errs := append([]model.Error{}, rec.Errors...)
	for _, sub := range g.Subscribers {
		errs = append(errs, sub.Errors...)
	}
	errs = clean(errs)
	return jsonAnswer(http.StatusOK, statusBody{Status: rec.Status, StatusDatetime: rec.StatusDatetime.UTC(), Errors: errs, Group: present(g)})
}

// clean drops where in onboard's own record of a request an error was
// found (a file name the caller never sent).
func clean(errs []model.Error) []model.Error {
	if errs == nil {
		return nil
	}
	out := make([]model.Error, len(errs))
	for i, e := range errs {
		e.Source = nil
		out[i] = e
	}
	return out
}

func deref(a *answer) answer {
	if a == nil {
		return answer{}
	}
	return *a
}

// groupSummary is one group in GET /groups.
type groupSummary struct {
	ID                 string       `json:"id"`
	ExternalIdentifier string       `json:"external_identifier"`
	PartnerID          string       `json:"partner_id"`
	CarrierID          string       `json:"carrier_id"`
	OrganizationName   string       `json:"organization_name"`
	Status             model.Status `json:"status"`
	StatusDatetime     time.Time    `json:"status_datetime"`
	PolicyNumber       string       `json:"policy_number,omitempty"`
}

// Paging defaults of GET /groups.
const (
	defaultPerPage = 25
	maxPerPage     = 100
)

var statuses = []string{string(model.StatusPending), string(model.StatusSubmitted), string(model.StatusSynced), string(model.StatusErrors)}

// listGroups is GET /groups?status=&page=&per_page=: the caller's groups
// (an analyst's: every partner's, or one partner's with partner_id), a
// page at a time, with RFC 5988 Link and Total headers.
func (s *Server) listGroups(ctx context.Context, c *Caller, r *http.Request) (answer, error) {
	q := r.URL.Query()
	var bad []apiErr
	intParam := func(name string, def, hi int) int {
		v := q.Get(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > hi {
			bad = append(bad, apiErr{ErrorType: "invalid_request.parameter_invalid", Parameter: name,
				Message: fmt.Sprintf("%s must be a whole number from 1 to %d.", name, hi)})
			return def
		}
		return n
	}
	page := intParam("page", 1, 1<<30)
	perPage := intParam("per_page", defaultPerPage, maxPerPage)
	f := store.GroupFilter{Status: model.Status(q.Get("status"))}
	if f.Status != "" && !slices.Contains(statuses, string(f.Status)) {
		bad = append(bad, apiErr{ErrorType: "invalid_request.parameter_invalid", Parameter: "status",
			Message: "status must be pending, submitted, synced or errors."})
	}
	if c.Analyst() {
		f.PartnerID = q.Get("partner_id")
	} else {
		f.PartnerID = c.Partner.ID
	}
	if len(bad) > 0 {
		return errorAnswer(http.StatusUnprocessableEntity, bad...), nil
	}
	groups, err := s.store.Groups(ctx, f)
	if err != nil {
		return answer{}, err
	}
	total := len(groups)
	lo := min((page-1)*perPage, total)
	hi := min(lo+perPage, total)
	out := make([]groupSummary, 0, hi-lo)
	for _, g := range groups[lo:hi] {
		out = append(out, groupSummary{ID: g.ID, ExternalIdentifier: g.ExternalIdentifier, PartnerID: g.PartnerID, CarrierID: g.CarrierID,
			OrganizationName: g.OrganizationName, Status: g.Status, StatusDatetime: g.StatusDatetime.UTC(), PolicyNumber: g.PolicyNumber})
	}
	a, err := jsonAnswer(http.StatusOK, map[string]any{"groups": out})
	a.header = pageHeaders(r.URL, page, perPage, total)
	return a, err
}

// pageHeaders are the Total and Link headers of a page.
func pageHeaders(u *url.URL, page, perPage, total int) http.Header {
	h := http.Header{}
	h.Set("Total", strconv.Itoa(total))
	last := max((total+perPage-1)/perPage, 1)
	link := func(p int, rel string) string {
		q := u.Query()
		q.Set("page", strconv.Itoa(p))
		q.Set("per_page", strconv.Itoa(perPage))
		return fmt.Sprintf(`<%s?%s>; rel="%s"`, u.Path, q.Encode(), rel)
	}
	links := []string{link(1, "first")}
	if page > 1 {
		links = append(links, link(min(page-1, last), "prev"))
	}
	if page < last {
		links = append(links, link(page+1, "next"))
	}
	links = append(links, link(last, "last"))
	for _, l := range links {
		h.Add("Link", l)
	}
	return h
}

// historyEvent is one status change in GET /groups/{id}/history.
type historyEvent struct {
	At         time.Time    `json:"datetime"`
	Subscriber string       `json:"subscriber_external_identifier,omitempty"`
	From       model.Status `json:"from,omitempty"`
	To         model.Status `json:"to"`
	Reason     string       `json:"reason"`
	Source     string       `json:"source,omitempty"`
}

func (s *Server) groupHistory(ctx context.Context, c *Caller, r *http.Request) (answer, error) {
	id := r.PathValue("id")
	if _, a, err := s.visibleGroup(ctx, c, id); a != nil || err != nil {
		return deref(a), err
	}
	evs, err := s.store.Events(ctx, id)
	if err != nil {
		return answer{}, err
	}
	out := make([]historyEvent, 0, len(evs))
	for _, e := range evs {
		out = append(out, historyEvent{At: e.At.UTC(), Subscriber: e.Subscriber, From: e.From, To: e.To, Reason: e.Reason, Source: e.Source})
	}
	return jsonAnswer(http.StatusOK, map[string]any{"group_id": id, "events": out})
}
