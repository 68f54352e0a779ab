package acks

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/formats/x12"
)

// planX12 matches each acknowledgement of an X12 file to its transmission
// (a TA1 by the ISA13 it acknowledges, a 999 or 997 by the GS06 of the
// functional group it acknowledges and the ST02 of each set) and works out
// what it says.
func (a *Acker) planX12(ctx context.Context, r store.Reader, acks []*x12.Ack, file string) ([]*plan, error) {
	var plans []*plan
	for _, ack := range acks {
		tr, err := a.matchX12(ctx, r, ack)
		if err != nil {
			return nil, err
		}
		if tr.State != store.TransmissionDelivered {
			return nil, fmt.Errorf("%s: %w", tr.FileName, errWaiting)
		}
		groups, err := loadGroups(ctx, r, tr)
		if err != nil {
			return nil, err
		}
		p := &plan{kind: ack.Kind, tr: tr, groups: groups}
		if ack.Kind == x12.KindTA1 {
			a.planTA1(p, ack.TA1, file)
		} else if err := a.plan999(p, ack, file); err != nil {
			return nil, err
		}
		plans = append(plans, p)
	}
	return plans, nil
}

// matchX12 finds the transmission an acknowledgement answers.
func (a *Acker) matchX12(ctx context.Context, r store.Reader, ack *x12.Ack) (*store.TransmissionRecord, error) {
	if ack.Kind == x12.KindTA1 {
		tr, err := r.TransmissionByISA13(ctx, a.carrier.ID, ack.InterchangeControl)
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%w: the TA1 acknowledges interchange %09d, but onboard sent carrier %s no interchange with that control number (ISA13)",
				ErrUnmatched, ack.InterchangeControl, a.carrier.ID)
		}
		return tr, err
	}
	if ack.FunctionalID != "" && ack.FunctionalID != "BE" {
		return nil, fmt.Errorf("%w: the %s acknowledges a functional group of type %s (AK101), but onboard sends carriers only 834s (BE)",
			ErrUnmatched, ack.Kind, ack.FunctionalID)
	}
	trs, err := r.Transmissions(ctx, store.TransmissionFilter{CarrierID: a.carrier.ID})
	if err != nil {
		return nil, err
	}
	for i := range trs {
		// GS06 comes from a per-carrier counter that never repeats, so
		// at most one transmission has it.
		if trs[i].GS06 == ack.GroupControl && trs[i].GS06 > 0 {
			if ack.InterchangeControl > 0 && ack.InterchangeControl != trs[i].ISA13 {
				return nil, fmt.Errorf("%w: the %s acknowledges functional group %d of transmission %s but a TA1 in the same file names interchange %09d, not %09d",
					ErrUnmatched, ack.Kind, ack.GroupControl, trs[i].FileName, ack.InterchangeControl, trs[i].ISA13)
			}
			return &trs[i], nil
		}
	}
	return nil, fmt.Errorf("%w: the %s acknowledges functional group %d (AK102), but onboard sent carrier %s no functional group with that control number (GS06)",
		ErrUnmatched, ack.Kind, ack.GroupControl, a.carrier.ID)
}

// planTA1 works out an interchange acknowledgement: A or E accept the
// envelope (the answer about the content comes later); R rejects
// everything the interchange carried.
func (a *Acker) planTA1(p *plan, t *x12.TA1, file string) {
	switch t.Code {
	case "A":
		p.result, p.state = "accepted", store.AckAccepted
	case "E":
		p.result, p.state = "accepted with errors", store.AckAccepted
	default:
		p.result, p.state = "rejected", store.AckRejected
		reason := "carrier rejected: " + t.Message
		for _, gp := range p.groups {
			gp.rejectGroup(a.carrierError(t.Message+"; nothing in "+p.tr.FileName+" was enrolled", model.PathGroup, file, 0), reason)
			gp.rejectRest(a.carrierError(fmt.Sprintf("the whole file %s was rejected (%s), so this member was not enrolled",
				p.tr.FileName, t.Message), "", file, 0), reason)
		}
	}
	if p.state == store.AckAccepted {
		for _, gp := range p.groups {
			gp.accepted = fmt.Sprintf("carrier %s accepted the interchange in %s", a.carrier.ID, file)
		}
	}
}

// plan999 works out an implementation (or functional) acknowledgement.
// A rejected set puts its group and members in errors: an IK3 inside a
// member's loop (by segment position, else by a CTX naming the
// subscriber) becomes that member's error; the set's other members are
// rejected with it. An accepted set keeps its members submitted, or syncs
// them when the carrier is synced on the 999.
func (a *Acker) plan999(p *plan, ack *x12.Ack, file string) error {
	sets := map[int64]*x12.SetAck{}
	for i := range ack.Sets {
		s := &ack.Sets[i]
		if !carried(p.groups, s.ST02) {
			return fmt.Errorf("%w: the %s answers transaction set %04d of functional group %d, but transmission %s carried no such set",
				ErrUnmatched, ack.Kind, s.ST02, ack.GroupControl, p.tr.FileName)
		}
		sets[s.ST02] = s
	}
	all := ack.Rejected()
	syncOn999 := a.carrier.SyncedOn == config.SyncedOn999
	rejectedGroups := 0
	for _, gp := range p.groups {
		s := sets[gp.tg.ST02]
		if all || (s != nil && !s.Accepted()) {
			rejectedGroups++
			a.rejectSet(gp, ack, s, file)
			continue
		}
		reason := fmt.Sprintf("carrier accepted in %s", file)
		if s != nil && s.Code == "E" {
			var msgs []string
			for _, e := range s.Errors {
				msgs = append(msgs, e.Message)
				a.log.Warn("carrier accepted a transaction set with errors", "carrier", a.carrier.ID, "file", file,
					"group", gp.rec.ExternalIdentifier, "error", e.Message)
			}
			reason = fmt.Sprintf("carrier accepted with errors in %s", file)
			if len(msgs) > 0 {
				reason += ": " + strings.Join(msgs, "; ")
			}
		}
		gp.accepted = reason
		if syncOn999 {
			gp.acceptRest(reason)
		}
	}
	switch {
	case rejectedGroups == len(p.groups):
		p.state = store.AckRejected
	case syncOn999:
		p.state = store.AckFinal
	default:
		p.state = store.AckAccepted
	}
	p.result = result999(ack, rejectedGroups, len(p.groups))
	return nil
}

// rejectSet rejects a group whose set (s, nil when the acknowledgement
// rejects the whole functional group without naming it) was rejected.
func (a *Acker) rejectSet(gp *groupPlan, ack *x12.Ack, s *x12.SetAck, file string) {
	what := ""
	switch {
	case s != nil && !s.Accepted():
		what = s.Message
	case ack.AK9 != nil:
		what = ack.AK9.Message
	default:
		what = fmt.Sprintf("functional group %d was rejected", ack.GroupControl)
	}
	reason := "carrier rejected: " + what
	if gp.rejection == "" {
		gp.rejection = reason // the group's reason; members get their own
	}
	if s != nil {
		for _, e := range s.Errors {
			if sub, param, ok := memberOf(gp, e); ok {
				gp.reject(sub, a.carrierError(e.Message, param, file, 0), "carrier rejected: "+e.Message)
				continue
			}
			gp.rejectGroup(a.carrierError(e.Message, model.PathGroup, file, 0), "carrier rejected: "+e.Message)
		}
	}
	gp.rejectGroup(a.carrierError(what, model.PathGroup, file, 0), reason)
	gp.rejectRest(a.carrierError(what+", so this member was not enrolled; correct the errors reported for the group and send an updated file",
		"", file, 0), reason)
}

// memberOf finds the member an IK3 points at: the member whose loop holds
// its segment position, else the subscriber a CTX names. param is the
// member's canonical path.
func memberOf(gp *groupPlan, e x12.SetError) (sub, param string, ok bool) {
	if m, found := store.MemberAt(gp.sent, e.Position); found {
		if m.Dependent != "" {
			return m.Subscriber, model.DependentPath(m.Subscriber, m.Dependent), true
		}
		return m.Subscriber, model.SubscriberPath(m.Subscriber), true
	}
	for _, c := range e.Context {
		if sub, found := gp.subs[fold(c.Reference)]; found && c.Reference != "" {
			return sub, model.SubscriberPath(sub), true
		}
	}
	return "", "", false
}

// carried reports whether a transmission's groups include set st02.
func carried(groups []*groupPlan, st02 int64) bool {
	for _, gp := range groups {
		if gp.tg.ST02 == st02 {
			return true
		}
	}
	return false
}

// result999 summarises a 999: its AK9 code when it has one.
func result999(ack *x12.Ack, rejected, total int) string {
	if ack.AK9 != nil {
		switch ack.AK9.Code {
		case "A":
			return "accepted"
		case "E":
			return "accepted with errors"
		case "P":
			return "partially accepted"
		default:
			return "rejected"
		}
	}
	switch {
	case rejected == total:
		return "rejected"
	case rejected > 0:
		return "partially accepted"
	}
	return "accepted"
}
