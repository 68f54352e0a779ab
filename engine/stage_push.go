package engine

import (
	"context"
	"time"

	"github.com/onboard/onboard/engine/ldex"
)

func init() { jobBuilders["push"] = pushJobs }

// PushSchedule is how often a partner's push outbox is looked at; an entry
// waits there for its own retry time (ldex.Deliverer.Push).
const PushSchedule = "@every 30s"

// pushJobs builds one push job per partner with push:, after the LDEx
// jobs in a pass, so `onboard once` pushes the bundles it just built.
func pushJobs(e *Engine) ([]Job, error) {
	d := ldex.New(e.Store, e.Config, e.Pool.Open, e.Log)
	d.Now = func() time.Time { return e.Now() }
	var jobs []Job
	for i := range e.Config.Partners {
		p := &e.Config.Partners[i]
		if p.Push == nil {
			continue
		}
		jobs = append(jobs, Job{Name: "push:" + p.ID, Stage: "push", Partner: p.ID, Schedule: PushSchedule,
			Run: func(ctx context.Context) error {
				_, err := d.Push(ctx, p.ID)
				return err
			}})
	}
	return jobs, nil
}
