package acks

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// planResult matches a result file to its transmission (the transmission
// column, else the file's name, which begins with the transmission's file
// name) and works out what its rows say: accepted subscribers are synced,
// rejected ones get the carrier's message as a carrier_error, a row
// without a subscriber answers for the group (and for its subscribers
// without a row of their own), and a policy number is the group's. Every
// row must name a group and subscriber the transmission carried.
//
// The answer is final for the transmission when every subscriber it
// carried has an answer (in this file or an earlier one); otherwise the
// carrier is still working on the rest and the transmission keeps
// waiting.
func (a *Acker) planResult(ctx context.Context, r store.Reader, rows []ResultRow, file string) (*plan, error) {
	tr, err := a.matchResult(ctx, r, rows, file)
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
	byExt := map[string]*groupPlan{}
	for _, gp := range groups {
		byExt[fold(gp.rec.ExternalIdentifier)] = gp
	}
	p := &plan{kind: KindResult, tr: tr, groups: groups}
	cols := a.carrier.ResultColumns
	var problems []string
	groupRows := map[*groupPlan][]ResultRow{}
	accepted, rejected := 0, 0
	for _, row := range rows {
		gp := byExt[fold(row.GroupExternalIdentifier)]
		if gp == nil {
			problems = append(problems, fmt.Sprintf("line %d: group %s (%s) was not in transmission %s",
				row.Line, row.GroupExternalIdentifier, colHeader(cols, ColGroup), tr.FileName))
			continue
		}
		if row.PolicyNumber != "" {
			if gp.policy != "" && gp.policy != row.PolicyNumber {
				problems = append(problems, fmt.Sprintf("line %d: group %s has policy number %s here but %s on an earlier line",
					row.Line, row.GroupExternalIdentifier, row.PolicyNumber, gp.policy))
			}
			gp.policy = row.PolicyNumber
		}
		if row.SubscriberExternalIdentifier == "" {
			groupRows[gp] = append(groupRows[gp], row)
			continue
		}
		sub, ok := gp.subs[fold(row.SubscriberExternalIdentifier)]
		if !ok {
			problems = append(problems, fmt.Sprintf("line %d: subscriber %s of group %s was not in transmission %s",
				row.Line, row.SubscriberExternalIdentifier, row.GroupExternalIdentifier, tr.FileName))
			continue
		}
		if row.Result == ResultAccepted {
			accepted++
			gp.accept(sub, fmt.Sprintf("carrier accepted in %s", file))
			continue
		}
		rejected++
		msg := rowMessage(row)
		gp.reject(sub, a.carrierError(msg, model.SubscriberPath(sub), file, row.Line), "carrier rejected: "+msg)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrUnmatched, strings.Join(problems, "; "))
	}
	for _, gp := range groups {
		for _, row := range groupRows[gp] {
			if row.Result == ResultAccepted {
				gp.acceptRest(fmt.Sprintf("carrier accepted in %s", file))
				if gp.accepted == "" {
					gp.accepted = fmt.Sprintf("carrier accepted in %s", file)
				}
				continue
			}
			msg := rowMessage(row)
			reason := "carrier rejected: " + msg
			gp.rejectGroup(a.carrierError(msg, model.PathGroup, file, row.Line), reason)
			gp.rejectRest(a.carrierError(msg+"; the carrier rejected the whole group, so this member was not enrolled", "", file, row.Line), reason)
		}
	}
	final, err := answeredAll(ctx, r, groups)
	if err != nil {
		return nil, err
	}
	p.state = store.AckAccepted
	if final {
		p.state = store.AckFinal
	}
	switch {
	case rejected == 0 && !anyGroupRejected(groups):
		p.result = "accepted"
	case accepted == 0:
		p.result = "rejected"
	default:
		p.result = "partially accepted"
	}
	if accepted+rejected > 0 {
		p.result += fmt.Sprintf(" (%d accepted, %d rejected)", accepted, rejected)
	}
	return p, nil
}

// matchResult finds the transmission a result file answers.
func (a *Acker) matchResult(ctx context.Context, r store.Reader, rows []ResultRow, file string) (*store.TransmissionRecord, error) {
	var names []string
	for _, row := range rows {
		if row.Transmission != "" && !slices.Contains(names, row.Transmission) {
			names = append(names, row.Transmission)
		}
	}
	col := colHeader(a.carrier.ResultColumns, ColTransmission)
	switch len(names) {
	case 0:
		// CARRIER-TIME-ISA13.834.result.csv: try each prefix ending
		// before a dot, longest first.
		for i := len(file) - 1; i > 0; i-- {
			if file[i] != '.' {
				continue
			}
			tr, err := r.TransmissionByFile(ctx, a.carrier.ID, file[:i])
			if err == nil {
				return tr, nil
			}
			if !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
		}
		return nil, fmt.Errorf("%w: the result file's %s column is blank and its name does not begin with the name of a file onboard sent carrier %s",
			ErrUnmatched, col, a.carrier.ID)
	case 1:
		tr, err := r.TransmissionByFile(ctx, a.carrier.ID, names[0])
		if errors.Is(err, store.ErrNotFound) {
			if n, perr := strconv.ParseInt(names[0], 10, 64); perr == nil && n > 0 {
				tr, err = r.TransmissionByISA13(ctx, a.carrier.ID, n)
			}
		}
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%w: the result file answers transmission %s (%s column), but onboard sent carrier %s no file by that name or control number",
				ErrUnmatched, names[0], col, a.carrier.ID)
		}
		return tr, err
	}
	return nil, fmt.Errorf("%w: the result file answers several transmissions (%s); one result file must answer one transmission",
		ErrUnmatched, strings.Join(names, ", "))
}

// rowMessage is a rejected row's message with its error code.
func rowMessage(row ResultRow) string {
	msg := strings.TrimSuffix(strings.TrimSpace(row.Message), ".")
	if msg == "" {
		msg = "the enrollment was rejected without a reason"
	}
	if row.ErrorCode != "" {
		msg += " (carrier error code " + row.ErrorCode + ")"
	}
	return msg
}

// answeredAll reports whether every subscriber the transmission carried
// has an answer: a verdict in this file, or a status from an earlier one.
// A subscriber still submitted waits for one, unless a later transmission
// carried it (its status is about that one) or it left the group.
func answeredAll(ctx context.Context, r store.Reader, groups []*groupPlan) (bool, error) {
	for _, gp := range groups {
		subs, err := r.Subscribers(ctx, gp.rec.ID)
		if err != nil {
			return false, err
		}
		status := make(map[string]model.Status, len(subs))
		for _, s := range subs {
			status[s.ExternalIdentifier] = s.Status
		}
		for _, sub := range gp.order {
			if gp.verdicts[sub] != nil {
				continue
			}
			if status[sub] == model.StatusSubmitted && !gp.newer[sub] {
				return false, nil
			}
		}
	}
	return true, nil
}

func anyGroupRejected(groups []*groupPlan) bool {
	return slices.ContainsFunc(groups, func(gp *groupPlan) bool { return gp.rejected() })
}
