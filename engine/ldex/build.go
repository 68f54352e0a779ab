package ldex

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	ldexfmt "github.com/onboard/onboard/formats/ldex"
)

// Limits that keep a bundle a summary: the full history is in `onboard
// history`, the full transmission list in the store.
const (
	// MaxStatusMessages is how many status messages (newest first) a
	// bundle carries.
	MaxStatusMessages = 100
	// MaxFileNames is how many carrier file names (newest first) a bundle
	// carries.
	MaxFileNames = 20
)

// Build assembles the bundle of one group from the store and the
// configuration: the group's current version, its state, its history and
// its transmissions. It leaves BundleID and GeneratedAt empty (the
// Deliverer sets them). A group whose bundle cannot be built yet gives an
// error wrapping a *Blocked that says why; any other error is the store's.
func Build(ctx context.Context, r store.Reader, cfg *config.Config, groupID string) (*ldexfmt.Bundle, error) {
	g, rec, err := r.CurrentGroup(ctx, groupID)
	if err != nil {
		return nil, fmt.Errorf("reading group %s: %w", groupID, err)
	}
	events, err := r.Events(ctx, groupID)
	if err != nil {
		return nil, err
	}
	p := cfg.Partner(rec.PartnerID)
	if p == nil {
		return nil, blockedUnknownPartner(rec)
	}
	c := cfg.Carrier(rec.CarrierID)
	carrierName := rec.CarrierID
	if c != nil && c.Name != "" {
		carrierName = c.Name
	}
	if b := acceptance(rec, g, events, carrierName); b != nil {
		return nil, b
	}
	trs, err := r.GroupTransmissions(ctx, groupID)
	if err != nil {
		return nil, err
	}
	acks, err := r.GroupAcks(ctx, groupID)
	if err != nil {
		return nil, err
	}

	b := &ldexfmt.Bundle{
		BundleVersion: ldexfmt.Version,
		Partner:       ldexfmt.Party{ID: p.ID, Name: p.Name},
		Policy: ldexfmt.Policy{
			Carrier:        ldexfmt.Party{ID: rec.CarrierID},
			PolicyNumber:   rec.PolicyNumber,
			Status:         string(rec.Status),
			StatusDatetime: rec.StatusDatetime,
		},
		Transmission: transmission(rec.ID, trs, acks),
	}
	if c != nil {
		b.Policy.Carrier.Name = c.Name
	}
	b.Transmission.StatusMessages = statusMessages(events)
	if b.Transmission.Events, err = lifeEvents(ctx, r, groupID, g); err != nil {
		return nil, err
	}
	var missing []string
	b.Customer, missing = customer(g)
	enrolment(b, g, c)
	if b.Policy.EffectiveDate == "" {
		missing = append(missing, "coverage start date")
	}
	if len(missing) > 0 {
		return nil, blockedIncomplete(rec, carrierName, missing)
	}
	return b, nil
}

// acceptance says why a group the carrier has not (fully) accepted yet
// cannot have a bundle, or returns nil.
func acceptance(rec *store.GroupRecord, g *model.Group, events []store.Event, carrierName string) *Blocked {
	if rec.PolicyNumber != "" {
		return nil
	}
	everSynced := slices.ContainsFunc(events, func(e store.Event) bool {
		return e.SubscriberID == "" && e.To == model.StatusSynced
	})
	if rec.Status == model.StatusErrors && !everSynced {
		return blockedNeverAccepted(rec, g, carrierName)
	}
	return blockedNoPolicyNumber(rec, carrierName)
}

// customer fills the customer part and lists what it lacks.
func customer(g *model.Group) (ldexfmt.Customer, []string) {
	c := ldexfmt.Customer{
		GroupID:            g.ID,
		ExternalIdentifier: g.ExternalIdentifier,
		OrganizationName:   g.Employer.OrganizationName,
		FEIN:               ldexfmt.MaskFEIN(g.Employer.FEIN),
		LocationsCount:     len(g.Locations()),
		EstablishedDate:    validDate(g.Employer.EstablishedDate),
	}
	var missing []string
	if c.OrganizationName == "" {
		missing = append(missing, "employer organization name")
	}
	if locs := g.Locations(); len(locs) > 0 {
		a := locs[0].EmployerAddress
		c.Address = ldexfmt.Address{AddressLine1: a.AddressLine1, AddressLine2: a.AddressLine2, City: a.City,
			State: a.State, Zip: a.Zip, FIPSCountyCode: a.FIPSCountyCode, CountryCode: a.CountryCode}
	} else {
		missing = append(missing, "primary location address")
	}
	for _, s := range g.Subscribers {
		if !active(&s) {
			continue
		}
		c.SubscriberCount++
		for _, d := range s.Dependents {
			if d.EndDate == "" {
				c.DependentCount++
			}
		}
	}
	return c, missing
}

// active reports whether a subscriber has an open enrollment.
func active(s *model.Subscriber) bool {
	return slices.ContainsFunc(s.Enrollments, func(e model.Enrollment) bool { return e.EndDate == "" })
}

// enrolment fills coverages, plans, rates, the estimated total, the
// effective date and the product lines from the open enrollments of g,
// priced with the carrier's plan catalog (c may be nil: no prices).
//
// An enrollment without a coverage level counts as employee_only (basic
// life and AD&D cover the employee alone); one in a product line or at a
// level the model does not know is left out, as validation refuses them.
func enrolment(b *ldexfmt.Bundle, g *model.Group, c *config.Carrier) {
	coverages := map[string]*ldexfmt.Coverage{}
	plans := map[string]*ldexfmt.Plan{}
	rates := map[string]*ldexfmt.Rate{}
	effective := ""
	for _, s := range g.Subscribers {
		for _, e := range s.Enrollments {
			if d := validDate(e.StartDate); d != "" && (effective == "" || d < effective) {
				effective = d // the earliest start, ended coverage included
			}
			level := e.CoverageLevel
			if level == "" {
				level = model.LevelEmployeeOnly
			}
			if e.EndDate != "" || !slices.Contains(model.ProductLines, e.ProductLine) || !slices.Contains(model.CoverageLevels, level) {
				continue
			}
			cov := coverages[e.ProductLine]
			if cov == nil {
				cov = &ldexfmt.Coverage{ProductLine: e.ProductLine, ByCoverageLevel: map[string]int{}}
				coverages[e.ProductLine] = cov
			}
			cov.Subscribers++
			cov.ByCoverageLevel[level]++
			for _, d := range s.Dependents {
				if d.EndDate == "" && slices.Contains(d.ProductLines, e.ProductLine) {
					cov.Dependents++
				}
			}
			if e.PlanID == "" {
				continue
			}
			pl := plans[e.PlanID]
			if pl == nil {
				pl = &ldexfmt.Plan{PlanID: e.PlanID, ProductLine: e.ProductLine}
				rates[e.PlanID] = &ldexfmt.Rate{PlanID: e.PlanID, MonthlyPremium: map[string]ldexfmt.Money{}, Enrolled: map[string]int{}}
				if cp := catalogPlan(c, e.PlanID); cp != nil {
					pl.Name = cp.Name
					for lvl, dollars := range cp.Rates {
						if slices.Contains(model.CoverageLevels, lvl) {
							rates[e.PlanID].MonthlyPremium[lvl] = ldexfmt.Dollars(dollars)
						}
					}
				}
				plans[e.PlanID] = pl
			}
			pl.Enrolled++
			rates[e.PlanID].Enrolled[level]++
		}
	}
	b.Policy.EffectiveDate = effective
	for _, pl := range model.ProductLines {
		if cov := coverages[pl]; cov != nil {
			b.Coverages = append(b.Coverages, *cov)
			b.Policy.ProductLines = append(b.Policy.ProductLines, pl)
		}
	}
	for _, id := range sortedKeys(plans) {
		b.Plans = append(b.Plans, *plans[id])
		r := rates[id]
		for lvl, n := range r.Enrolled {
			r.MonthlyTotal += r.MonthlyPremium[lvl] * ldexfmt.Money(n)
		}
		b.Rates = append(b.Rates, *r)
		b.EstimatedMonthlyTotal += r.MonthlyTotal
	}
}

func catalogPlan(c *config.Carrier, id string) *config.Plan {
	if c == nil {
		return nil
	}
	return c.Plan(id)
}

// transmission fills the reference ids from the group's transmissions
// (newest first) and acknowledgements (newest first). Only delivered
// transmissions count: a building one is not at the carrier yet.
func transmission(groupID string, trs []store.TransmissionRecord, acks []store.AckRecord) ldexfmt.Transmission {
	t := ldexfmt.Transmission{GroupID: groupID}
	var last *store.TransmissionRecord
	for i := range trs {
		tr := &trs[i]
		if tr.State != store.TransmissionDelivered {
			continue
		}
		if last == nil {
			last = tr
		}
		if len(t.FileNames) < MaxFileNames && tr.FileName != "" {
			t.FileNames = append(t.FileNames, tr.FileName)
		}
	}
	if last != nil {
		t.LastTransmissionID = last.ID
		if last.ISA13 > 0 && last.ISA13 <= 999_999_999 {
			t.ISA13 = fmt.Sprintf("%09d", last.ISA13)
		}
		t.LastAckResult = last.AckState
	}
	if len(acks) > 0 && acks[0].Result != "" {
		t.LastAckResult = acks[0].Result
	}
	return t
}

// validDate returns s when it is a YYYY-MM-DD date, else "".
func validDate(s string) string {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return ""
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// isBlocked returns the *Blocked err wraps, or nil.
func isBlocked(err error) *Blocked {
	var b *Blocked
	if errors.As(err, &b) {
		return b
	}
	return nil
}

// lifeEvents lists the qualifying life events of g (the group's current
// version) with their families' statuses at the carrier.
func lifeEvents(ctx context.Context, r store.Reader, groupID string, g *model.Group) ([]ldexfmt.Event, error) {
	var out []ldexfmt.Event
	var status map[string]model.Status
	for _, s := range g.Subscribers {
		for _, q := range s.QualifyingLifeEvents {
			if status == nil {
				var err error
				if status, err = r.SubscriberStatuses(ctx, groupID); err != nil {
					return nil, err
				}
			}
			out = append(out, q.Summary(s.ExternalIdentifier, status[s.ExternalIdentifier]))
		}
	}
	return out, nil
}
