package engine

import (
	"cmp"
	"context"
	"time"

	"github.com/onboard/onboard/engine/ldex"
)

func init() { jobBuilders["ldex"] = ldexJobs }

// ldexJobs builds one LDEx job per partner, on the partner's LDEx schedule
// (ldex.DefaultSchedule when it sets none). The first partner's job also
// records why the groups of partners no longer in the configuration get no
// bundle.
//
// A group should have its bundle when it turns synced or errors, not at the
// next LDEx schedule, so each acknowledgement job built before this one is
// followed by a status pass (ldex.Scope.StatusChanged) over the partners
// whose groups that carrier holds. Its failures are logged, not charged to
// the acknowledgement job: the partner's own job retries them. The
// Deliverer serialises runs over a partner, so the two never deliver the
// same bundle twice.
func ldexJobs(e *Engine) ([]Job, error) {
	d := ldex.New(e.Store, e.Config, e.Pool.Open, e.Log)
	d.Now = func() time.Time { return e.Now() }
	var jobs []Job
	for i := range e.Config.Partners {
		p := &e.Config.Partners[i]
		sweep := i == 0
		jobs = append(jobs, Job{Name: "ldex:" + p.ID, Stage: "ldex", Partner: p.ID,
			Schedule: cmp.Or(p.LDEx.Schedule, ldex.DefaultSchedule),
			Run: func(ctx context.Context) error {
				res, err := d.Run(ctx, p.ID, ldex.Scope{})
				e.Metrics.BundlesDelivered(p.ID, len(res.Delivered))
				if err == nil && sweep {
					err = sweepUnconfigured(ctx, e, d)
				}
				return err
			}})
	}
	for i := range e.Jobs {
		j := &e.Jobs[i]
		if j.Stage != "acks" || j.Carrier == "" {
			continue
		}
		run, carrier := j.Run, j.Carrier
		j.Run = func(ctx context.Context) error {
			err := run(ctx)
			if ctx.Err() == nil {
				ldexAfterAcks(ctx, e, d, carrier)
			}
			return err
		}
	}
	return jobs, nil
}

// ldexAfterAcks delivers the bundles of the carrier's groups whose status
// changed, for every partner sending to it.
func ldexAfterAcks(ctx context.Context, e *Engine, d *ldex.Deliverer, carrierID string) {
	for i := range e.Config.Partners {
		p := &e.Config.Partners[i]
		var res ldex.Result
		err := e.underLease(ctx, "ldex:"+p.ID, func(ctx context.Context) error {
			var err error
			res, err = d.Run(ctx, p.ID, ldex.Scope{CarrierID: carrierID, StatusChanged: true})
			return err
		})
		e.Metrics.BundlesDelivered(p.ID, len(res.Delivered))
		if err != nil {
			e.Log.Warn("LDEx bundles after acknowledgements failed; the partner's LDEx job retries", "partner", p.ID, "carrier", carrierID, "err", err)
		}
	}
}

// sweepUnconfigured gives the groups of partners missing from the
// configuration their pending action.
func sweepUnconfigured(ctx context.Context, e *Engine, d *ldex.Deliverer) error {
	gone, err := d.UnconfiguredPartners(ctx)
	if err != nil {
		return err
	}
	for _, id := range gone {
		res, err := d.Run(ctx, id, ldex.Scope{})
		if err != nil {
			return err
		}
		if len(res.Problems) > 0 {
			e.Log.Warn("groups of a partner missing from the configuration get no LDEx bundle", "partner", id, "groups", len(res.Problems))
		}
	}
	return nil
}
