package engine

import (
	"context"
	"time"

	"github.com/onboard/onboard/engine/transmit"
)

func init() { jobBuilders["transmit"] = transmitJobs }

// transmitJobs builds one transmit job per carrier, on the carrier's
// schedule.
func transmitJobs(e *Engine) ([]Job, error) {
	staging := e.staging()
	var jobs []Job
	for i := range e.Config.Carriers {
		c := &e.Config.Carriers[i]
		tr, err := transmit.New(e.Store, c, e.Pool.Open, staging, e.Log)
		if err != nil {
			return nil, err
		}
		tr.Now = func() time.Time { return e.Now() }
		jobs = append(jobs, Job{Name: "transmit:" + c.ID, Stage: "transmit", Carrier: c.ID, Schedule: c.Schedule,
			Run: func(ctx context.Context) error {
				res, err := tr.Run(ctx)
				e.Metrics.TransmissionsSent(c.ID, len(res.Deliveries))
				if len(res.Deliveries) == 0 && err == nil {
					e.Log.Debug("nothing to transmit", "carrier", c.ID, "groups_advanced", res.Advanced)
				}
				return err
			}})
	}
	return jobs, nil
}
