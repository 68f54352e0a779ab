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

// skippedInterchange is an interchange of an X12 file that could not be
// applied (it matches no transmission, or comes from another trading
// partner) while others of the file were.
type skippedInterchange struct {
	index int // 1 for the file's first ISA
	err   error
}

// planX12 matches each interchange of an X12 file to its transmission (a
// TA1 by the ISA13 it acknowledges, a 999 or 997 by the GS06 of the
// functional group it acknowledges and the ST02 of each set) and works out
// what it says. Each interchange stands on its own: one that cannot be
// matched is returned in skipped and the others are planned; only when
// none can be is the file an error.
func (a *Acker) planX12(ctx context.Context, r store.Reader, acks []*x12.Ack, file string) (plans []*plan, skipped []skippedInterchange, err error) {
	var order []int
	byIC := map[int][]*x12.Ack{}
	for _, ack := range acks {
		if _, ok := byIC[ack.Interchange]; !ok {
			order = append(order, ack.Interchange)
		}
		byIC[ack.Interchange] = append(byIC[ack.Interchange], ack)
	}
	for _, ic := range order {
		ps, err := a.planInterchange(ctx, r, byIC[ic], file)
		if errors.Is(err, ErrUnmatched) {
			skipped = append(skipped, skippedInterchange{index: ic, err: err})
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		plans = append(plans, ps...)
	}
	if len(plans) == 0 {
		if len(skipped) == 1 {
			return nil, nil, skipped[0].err
		}
		errs := make([]error, len(skipped))
		for i, sk := range skipped {
			errs[i] = fmt.Errorf("interchange %d: %w", sk.index, sk.err)
		}
		return nil, nil, errors.Join(errs...)
	}
	return plans, skipped, nil
}

// planInterchange plans the acknowledgements of one interchange.
func (a *Acker) planInterchange(ctx context.Context, r store.Reader, acks []*x12.Ack, file string) ([]*plan, error) {
	var plans []*plan
	for _, ack := range acks {
		if err := a.checkParties(ack); err != nil {
			return nil, err
		}
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

// checkParties refuses an acknowledgement that does not come from the
// carrier: its interchange's sender and receiver (ISA05/ISA06,
// ISA07/ISA08) and its functional group's (GS02, GS03) must be those of
// onboard's transmissions to the carrier, reversed. Control numbers are
// small counters; another trading partner's can match ours.
func (a *Acker) checkParties(ack *x12.Ack) error {
	x := a.carrier.X12
	checks := []struct{ what, got, want string }{
		{"ISA06 (interchange sender)", ack.SenderID, x.ReceiverID},
		{"ISA08 (interchange receiver)", ack.ReceiverID, x.SenderID},
		{"ISA05 (sender qualifier)", ack.SenderQualifier, x.ReceiverQualifier},
		{"ISA07 (receiver qualifier)", ack.ReceiverQualifier, x.SenderQualifier},
	}
	if ack.Kind != x12.KindTA1 {
		checks = append(checks,
			struct{ what, got, want string }{"GS02 (application sender)", ack.GroupSender, x.ReceiverID},
			struct{ what, got, want string }{"GS03 (application receiver)", ack.GroupReceiver, x.SenderID})
	}
	for _, c := range checks {
		if c.want == "" {
			continue // not configured (a qualifier left to its default elsewhere)
		}
		if !strings.EqualFold(strings.TrimSpace(c.got), strings.TrimSpace(c.want)) {
			return fmt.Errorf("%w: the %s's %s is %q, but carrier %s's acknowledgements must come from %s %q to %s %q (the transmission's receiver and sender reversed): it is another trading partner's",
				ErrUnmatched, ack.Kind, c.what, c.got, a.carrier.ID, x.ReceiverQualifier, x.ReceiverID, x.SenderQualifier, x.SenderID)
		}
	}
	return nil
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
// Each AK2..IK5 loop answers its own transaction set only: a rejected set
// puts its group and members in errors (an IK3 inside a member's loop, by
// segment position, else by a CTX naming the subscriber, becomes that
// member's error; the set's other members are rejected with it); an
// accepted set keeps its members submitted, or syncs them when the
// carrier is synced on the 999. An AK9 alone (no AK2) answers every set of
// the functional group. A set no AK2 names stays as it was: with one 999
// per set, each 999 speaks for its own. AK902/AK903 are compared with the
// sets sent; a mismatch becomes a pending action.
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
	named := len(ack.Sets) > 0
	syncOn999 := a.carrier.SyncedOn == config.SyncedOn999
	rejectedGroups, answered := 0, 0
	for _, gp := range p.groups {
		s := sets[gp.tg.ST02]
		if named && s == nil {
			continue // no AK2 names its set: it stays as it was
		}
		answered++
		if setRejected(ack, s) {
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
	case answered < len(p.groups):
		// Other sets wait for their own answer; the transmission is
		// answered for good once none of its members is submitted.
		p.state, p.checkFinal = store.AckAccepted, true
	case syncOn999:
		p.state = store.AckFinal
	default:
		p.state = store.AckAccepted
	}
	if g := ack.AK9; g != nil && (g.Included != len(p.groups) || g.Received != len(p.groups)) {
		p.countNote = fmt.Sprintf("carrier %s's %s in %s counts %d transaction sets included and %d received (AK902, AK903) in functional group %d, but %s carried %d: ask the carrier whether the whole file arrived",
			a.carrier.ID, ack.Kind, file, g.Included, g.Received, ack.GroupControl, p.tr.FileName, len(p.groups))
	}
	p.result = result999(ack, rejectedGroups, answered)
	return nil
}

// setRejected reports whether a 999 rejects set s (nil: a 999 without
// AK2 loops, whose AK9 answers the whole group). A set's IK5 decides for
// it; without an IK5 its AK9 does.
func setRejected(ack *x12.Ack, s *x12.SetAck) bool {
	if s != nil && s.Code != "" {
		return !s.Accepted()
	}
	if ack.AK9 != nil {
		switch ack.AK9.Code {
		case "R", "M", "W", "X":
			return true
		}
		return false
	}
	return s != nil // an AK2 with neither IK5 nor AK9: nothing accepted it
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
