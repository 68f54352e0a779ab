package api

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/onboard/onboard/engine/intake"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// postSubscriber is POST /groups/{id}/subscribers: {"subscriber": {...}},
// a family (subscriber, dependents, enrollments) added to or updated in
// the group. It is decided as a group document holding the stored group
// and this one family, with only the families present applying, so the
// group's other subscribers are left as they are.
func (s *Server) postSubscriber(ctx context.Context, c *Caller, r *http.Request, body []byte, save saveFunc) (answer, error) {
	id := r.PathValue("id")
	if _, a, err := s.visibleGroup(ctx, c, id); a != nil || err != nil {
		return deref(a), err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return errorAnswer(http.StatusUnprocessableEntity, apiErr{ErrorType: "invalid_request.parameter_invalid", Parameter: "subscriber",
			Message: `The body is not a JSON object; send {"subscriber": {...}}.`}), nil
	}
	var bad []apiErr
	for k := range top {
		if k != "subscriber" {
			bad = append(bad, apiErr{ErrorType: "invalid_request.parameter_invalid", Parameter: k,
				Message: fmt.Sprintf("%q is not a field of the request; remove it or check its spelling.", k)})
		}
	}
	raw := bytes.TrimSpace(top["subscriber"])
	if len(raw) == 0 || raw[0] != '{' {
		bad = append(bad, apiErr{ErrorType: "invalid_request.parameter_required", Parameter: "subscriber",
			Message: `The body has no "subscriber" object; send {"subscriber": {...}}.`})
	}
	if len(bad) > 0 {
		slices.SortFunc(bad, func(a, b apiErr) int { return cmp.Compare(a.Parameter, b.Parameter) })
		return errorAnswer(http.StatusUnprocessableEntity, bad...), nil
	}
	var who struct {
		ExternalIdentifier string `json:"external_identifier"`
	}
	_ = json.Unmarshal(raw, &who) // a wrong kind is reported by the intake, with its parameter

	g, _, err := s.store.CurrentGroup(ctx, id)
	if err != nil {
		return answer{}, err
	}
	doc, err := familyDocument(g, raw)
	if err != nil {
		return answer{}, err
	}
	var a answer
	d, err := s.intake.Submit(ctx, c.Partner, intake.Request{ID: requestID(ctx), Body: doc, Changes: true,
		Answer: func(ctx context.Context, tx store.Tx, d *intake.Decision) error {
			var err error
			if a, err = subscriberAnswer(ctx, tx, d, who.ExternalIdentifier); err != nil {
				return err
			}
			return save(ctx, tx, a)
		}})
	if err != nil {
		return answer{}, err
	}
	if a.status == 0 {
		a = rejected(d.Errors)
	}
	return a, nil
}

// familyDocument is {"group": the stored group without its subscribers,
// plus the family sent}. The family is spliced in as sent, so unknown
// fields and wrong kinds are reported by the intake with their paths.
func familyDocument(g *model.Group, family json.RawMessage) ([]byte, error) {
	c := *g
	c.ID, c.PartnerID, c.CarrierID, c.PolicyNumber = "", "", "", ""
	c.Status, c.StatusDatetime, c.Errors, c.Subscribers = "", nil, nil, nil
	gb, err := json.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("encoding the stored group: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString(`{"group":`)
	buf.Write(gb[:len(gb)-1])
	buf.WriteString(`,"subscribers":[`)
	buf.Write(family)
	buf.WriteString(`]}}`)
	return buf.Bytes(), nil
}

// subscriberAnswer is the answer to a decided family: 201 when the
// subscriber is new to the group, 200 when it was updated or unchanged.
func subscriberAnswer(ctx context.Context, tx store.Tx, d *intake.Decision, ext string) (answer, error) {
	if d.Group == nil || d.Group.Outcome == intake.GroupRejected {
		return rejected(d.Errors), nil
	}
	g, _, err := tx.CurrentGroup(ctx, d.Group.ID)
	if err != nil {
		return answer{}, err
	}
	present(g)
	sub := g.Subscriber(ext)
	if sub == nil {
		return answer{}, fmt.Errorf("subscriber %s is not in group %s after it was stored", ext, d.Group.ID)
	}
	status := http.StatusOK
	if d.Group.Outcome == intake.GroupUpdated && d.Group.Counts.Added > 0 {
		status = http.StatusCreated
	}
	return jsonAnswer(status, subscriberBody{Subscriber: sub, GroupID: g.ID})
}

type subscriberBody struct {
	GroupID    string            `json:"group_id"`
	Subscriber *model.Subscriber `json:"subscriber"`
}

// getSubscriber is GET /subscribers/{id}: a subscriber of a group the
// caller sees, with its status and errors.
func (s *Server) getSubscriber(ctx context.Context, c *Caller, r *http.Request) (answer, error) {
	rec, err := s.store.Subscriber(ctx, r.PathValue("id"))
	if err != nil {
		if isNotFound(err) {
			return notFound("subscriber"), nil
		}
		return answer{}, err
	}
	grec, a, err := s.visibleGroup(ctx, c, rec.GroupID)
	if a != nil || err != nil {
		if a != nil {
			return notFound("subscriber"), nil
		}
		return answer{}, err
	}
	g, _, err := s.store.CurrentGroup(ctx, grec.ID)
	if err != nil {
		return answer{}, err
	}
	present(g)
	sub := g.Subscriber(rec.ExternalIdentifier)
	if sub == nil {
		return notFound("subscriber"), nil
	}
	return jsonAnswer(http.StatusOK, subscriberBody{Subscriber: sub, GroupID: g.ID})
}
