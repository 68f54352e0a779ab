package acks

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// errWaiting: the acknowledgement answers a transmission that is recorded
// but not yet delivered (the carrier took the file before onboard
// committed the delivery); the next run applies it.
var errWaiting = errors.New("the transmission it answers is not recorded as delivered yet")

// plan is what one acknowledgement says about one transmission, worked
// out before anything is written.
type plan struct {
	kind   string // TA1, 999, 997, result
	tr     *store.TransmissionRecord
	result string // summary: accepted, rejected, ...
	state  string // the transmission's ack state the answer implies
	groups []*groupPlan
	// checkFinal: the answer covers some of the transmission's sets; it
	// is final once none of the transmission's members is submitted.
	checkFinal bool
	// countNote is a pending action for every group of the transmission:
	// the acknowledgement's counts disagree with what was sent.
	countNote string
}

// groupPlan is what an acknowledgement says about one group of the
// transmission.
type groupPlan struct {
	tg   store.TransmissionGroup
	rec  *store.GroupRecord
	sent []store.SentMember
	// subs maps a folded subscriber external identifier to the
	// identifier as sent; order lists them in sending order.
	subs  map[string]string
	order []string
	// verdicts are the subscribers' new statuses, by identifier as sent.
	verdicts map[string]*verdict
	// newer are the subscribers a transmission recorded after this one
	// carried: their status is about that newer change.
	newer map[string]bool
	// groupErrs are carrier errors about the group itself.
	groupErrs []model.Error
	policy    string
	// rejection is the first rejection message (the reason of the
	// group's status change); empty when the carrier accepted.
	rejection string
	accepted  string // the reason of an accepting status change
}

// verdict is a subscriber's new status with its errors and reason.
type verdict struct {
	to     model.Status
	errs   []model.Error
	reason string
}

// loadGroups reads the groups of a transmission with the members each
// carried and those a later transmission carried again.
func loadGroups(ctx context.Context, r store.Reader, tr *store.TransmissionRecord) ([]*groupPlan, error) {
	tgs, err := r.TransmissionGroups(ctx, tr.ID)
	if err != nil {
		return nil, err
	}
	later := laterIndex{r: r, groups: map[string][]store.TransmissionGroup{}}
	out := make([]*groupPlan, 0, len(tgs))
	for _, tg := range tgs {
		rec, err := r.Group(ctx, tg.GroupID)
		if err != nil {
			return nil, fmt.Errorf("reading group %s of transmission %s: %w", tg.GroupID, tr.FileName, err)
		}
		sent, err := store.DecodeMembers(tg.Members)
		if err != nil {
			return nil, fmt.Errorf("reading members of group %s in transmission %s: %w", rec.ExternalIdentifier, tr.FileName, err)
		}
		gp := &groupPlan{tg: tg, rec: rec, sent: sent, subs: map[string]string{}, verdicts: map[string]*verdict{}}
		for _, m := range sent {
			if _, ok := gp.subs[fold(m.Subscriber)]; !ok {
				gp.subs[fold(m.Subscriber)] = m.Subscriber
				gp.order = append(gp.order, m.Subscriber)
			}
		}
		if gp.newer, err = later.subscribers(ctx, rec, tr); err != nil {
			return nil, err
		}
		out = append(out, gp)
	}
	return out, nil
}

// reject gives a subscriber an error (keeping those it already has from
// this acknowledgement).
func (gp *groupPlan) reject(sub string, e model.Error, reason string) {
	v := gp.verdicts[sub]
	if v == nil || v.to != model.StatusErrors {
		v = &verdict{to: model.StatusErrors, reason: reason}
		gp.verdicts[sub] = v
	}
	if !slices.ContainsFunc(v.errs, func(x model.Error) bool { return x.Message == e.Message && x.Parameter == e.Parameter }) {
		v.errs = append(v.errs, e)
	}
	if gp.rejection == "" {
		gp.rejection = reason
	}
}

// accept syncs a subscriber unless this acknowledgement rejected it.
func (gp *groupPlan) accept(sub, reason string) {
	if v := gp.verdicts[sub]; v != nil && v.to == model.StatusErrors {
		return
	}
	gp.verdicts[sub] = &verdict{to: model.StatusSynced, reason: reason}
	if gp.accepted == "" {
		gp.accepted = reason
	}
}

// rejectGroup records a carrier error about the group itself.
func (gp *groupPlan) rejectGroup(e model.Error, reason string) {
	gp.groupErrs = append(gp.groupErrs, e)
	if gp.rejection == "" {
		gp.rejection = reason
	}
}

// rejectRest gives every carried subscriber without a verdict of its own
// the error e (its parameter set to the subscriber).
func (gp *groupPlan) rejectRest(e model.Error, reason string) {
	for _, sub := range gp.order {
		if gp.verdicts[sub] != nil {
			continue
		}
		e := e
		e.Parameter = model.SubscriberPath(sub)
		gp.reject(sub, e, reason)
	}
}

// acceptRest syncs every carried subscriber without a verdict.
func (gp *groupPlan) acceptRest(reason string) {
	for _, sub := range gp.order {
		if gp.verdicts[sub] == nil {
			gp.accept(sub, reason)
		}
	}
}

// rejected reports whether the acknowledgement rejected anything of the
// group.
func (gp *groupPlan) rejected() bool { return gp.rejection != "" }

// ackRank orders ack states: an acknowledgement never takes a transmission
// back from a final answer to a syntax acceptance.
func ackRank(s string) int {
	switch s {
	case store.AckAccepted:
		return 1
	case store.AckRejected, store.AckFinal:
		return 2
	}
	return 0
}

// applyPlan writes what a plan says, in tx: the subscribers' statuses (a
// subscriber with a newer change, pending or carried by a later
// transmission, keeps its status: the answer is about older data), the
// group errors and policy numbers, the transmission's ack state, the
// groups' derived statuses, and the overdue flags of a transmission
// answered for good.
func (a *Acker) applyPlan(ctx context.Context, tx store.Tx, p *plan, file string) error {
	now := a.Now()
	for _, gp := range p.groups {
		subs, err := tx.Subscribers(ctx, gp.rec.ID)
		if err != nil {
			return err
		}
		current := make(map[string]store.SubscriberRecord, len(subs))
		for _, s := range subs {
			current[s.ExternalIdentifier] = s
		}
		for _, sub := range gp.order {
			v := gp.verdicts[sub]
			if v == nil {
				continue
			}
			s, ok := current[sub]
			switch {
			case !ok:
				continue // no longer in the group's current version
			case s.Status == model.StatusPending || gp.newer[sub]:
				a.log.Info("acknowledgement not applied to a subscriber with a newer change", "carrier", a.carrier.ID,
					"file", file, "group", gp.rec.ExternalIdentifier, "subscriber", sub, "answer", v.to)
				continue
			}
			model.SortErrors(v.errs)
			if err := tx.SetSubscriberStatus(ctx, gp.rec.ID, sub, v.to, v.errs, v.reason, file); err != nil {
				return err
			}
		}
		g, err := tx.Group(ctx, gp.rec.ID) // as an earlier answer in the file left it
		if err != nil {
			return err
		}
		if len(gp.groupErrs) > 0 {
			errs := slices.DeleteFunc(slices.Clone(g.Errors), func(e model.Error) bool {
				return slices.ContainsFunc(gp.groupErrs, func(x model.Error) bool { return x.Message == e.Message })
			})
			errs = append(errs, gp.groupErrs...)
			model.SortErrors(errs)
			if err := tx.SetGroupErrors(ctx, gp.rec.ID, errs); err != nil {
				return err
			}
		}
		if gp.policy != "" && gp.policy != g.PolicyNumber {
			if err := tx.SetPolicyNumber(ctx, gp.rec.ID, gp.policy); err != nil {
				return err
			}
		}
	}
	cur, err := tx.Transmission(ctx, p.tr.ID)
	if err != nil {
		return err
	}
	if p.checkFinal {
		final, err := noneSubmitted(ctx, tx, p)
		if err != nil {
			return err
		}
		if final {
			p.state = store.AckFinal
		}
	}
	if p.countNote != "" {
		for _, gp := range p.groups {
			if err := tx.SetPendingAction(ctx, store.PendingAction{GroupID: gp.rec.ID, Kind: PendingActionCountKind,
				Message: p.countNote, Since: now}); err != nil {
				return err
			}
		}
	}
	if ackRank(p.state) >= ackRank(cur.AckState) {
		if err := tx.SetTransmissionAck(ctx, p.tr.ID, p.state, p.result, now); err != nil {
			return err
		}
		cur.AckState = p.state
	}
	for _, gp := range p.groups {
		// A group whose set this acknowledgement does not name is
		// refreshed too: the transmission's answer may have become final.
		reason := gp.accepted
		if gp.rejected() {
			reason = gp.rejection
		}
		if reason == "" {
			reason = fmt.Sprintf("carrier %s answered in %s", a.carrier.ID, file)
		}
		if _, err := tx.RefreshGroupStatus(ctx, gp.rec.ID, reason, file); err != nil {
			return err
		}
		if ackRank(cur.AckState) == 2 {
			waiting, err := stillWaiting(ctx, tx, gp.rec.ID)
			if err != nil {
				return err
			}
			if !waiting {
				if err := tx.ClearPendingAction(ctx, gp.rec.ID, PendingActionKind); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// noneSubmitted reports whether no member the transmission carried is
// still submitted (its answer came, in this acknowledgement or an
// earlier one).
func noneSubmitted(ctx context.Context, tx store.Reader, p *plan) (bool, error) {
	for _, gp := range p.groups {
		subs, err := tx.Subscribers(ctx, gp.rec.ID)
		if err != nil {
			return false, err
		}
		carried := map[string]bool{}
		for _, sub := range gp.order {
			carried[sub] = true
		}
		for _, s := range subs {
			if carried[s.ExternalIdentifier] && s.Status == model.StatusSubmitted && !gp.newer[s.ExternalIdentifier] {
				return false, nil
			}
		}
	}
	return true, nil
}

// laterIndex finds the subscribers of a group that transmissions recorded
// after a given one carried, reading each later transmission's groups
// once.
type laterIndex struct {
	r      store.Reader
	groups map[string][]store.TransmissionGroup // by transmission id
}

// subscribers returns the subscribers of group g that a transmission
// recorded after tr carried.
func (li *laterIndex) subscribers(ctx context.Context, g *store.GroupRecord, tr *store.TransmissionRecord) (map[string]bool, error) {
	trs, err := li.r.GroupTransmissions(ctx, g.ID) // newest first
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, t := range trs {
		if t.ID == tr.ID {
			break
		}
		tgs, ok := li.groups[t.ID]
		if !ok {
			if tgs, err = li.r.TransmissionGroups(ctx, t.ID); err != nil {
				return nil, err
			}
			li.groups[t.ID] = tgs
		}
		for _, tg := range tgs {
			if tg.GroupID != g.ID {
				continue
			}
			ms, err := store.DecodeMembers(tg.Members)
			if err != nil {
				return nil, err
			}
			for _, m := range ms {
				out[m.Subscriber] = true
			}
		}
	}
	return out, nil
}

// stillWaiting reports whether a delivered transmission of the group
// still waits for its final acknowledgement.
func stillWaiting(ctx context.Context, r store.Reader, groupID string) (bool, error) {
	trs, err := r.GroupTransmissions(ctx, groupID)
	if err != nil {
		return false, err
	}
	for _, t := range trs {
		if t.State == store.TransmissionDelivered && ackRank(t.AckState) < 2 {
			return true, nil
		}
	}
	return false, nil
}

// carrierError is a carrier_error about parameter, from file (and line).
func (a *Acker) carrierError(message, parameter, file string, line int) model.Error {
	return model.Error{ErrorType: model.ErrCarrierError, Message: sentence("Carrier " + a.carrier.ID + " reported: " + message),
		Parameter: parameter, Source: &model.Source{File: file, Line: line}}
}

// sentence ends s with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}
