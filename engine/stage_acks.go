package engine

import (
	"context"
	"strings"
	"time"

	"github.com/onboard/onboard/engine/acks"
)

func init() { jobBuilders["acks"] = ackJobs }

// ackJobs builds one acknowledgement job per carrier, on the carrier's ack
// schedule.
func ackJobs(e *Engine) ([]Job, error) {
	staging := e.staging()
	var jobs []Job
	for i := range e.Config.Carriers {
		c := &e.Config.Carriers[i]
		ak := acks.New(e.Store, c, e.Pool.Open, staging, e.Log)
		ak.Now = func() time.Time { return e.Now() }
		jobs = append(jobs, Job{Name: "acks:" + c.ID, Stage: "acks", Carrier: c.ID, Schedule: c.Acks.Schedule,
			Run: func(ctx context.Context) error {
				res, err := ak.Run(ctx)
				for _, f := range res.Files {
					switch f.Outcome {
					case acks.OutcomeApplied:
						result, _, _ := strings.Cut(f.Result, " (") // without the counts
						e.Metrics.AcksReceived(c.ID, result, 1)
					case acks.OutcomeFailed, acks.OutcomeDuplicate:
						e.Metrics.AcksReceived(c.ID, f.Outcome, 1)
					}
				}
				if len(res.Files) == 0 && err == nil {
					e.Log.Debug("no acknowledgements", "carrier", c.ID, "overdue", res.Overdue)
				}
				return err
			}})
	}
	return jobs, nil
}
