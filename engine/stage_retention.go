package engine

import (
	"context"
	"fmt"

	"github.com/onboard/onboard/engine/retention"
)

func init() { jobBuilders["retention"] = retentionJobs }

// RetentionSchedule is how often old partner sources are looked for.
const RetentionSchedule = "@every 1h"

// retentionJobs builds one retention job per partner when
// retention.archive is set.
func retentionJobs(e *Engine) ([]Job, error) {
	maxAge := e.Config.Retention.Archive.D()
	if maxAge <= 0 {
		return nil, nil
	}
	var jobs []Job
	for i := range e.Config.Partners {
		p := &e.Config.Partners[i]
		jobs = append(jobs, Job{Name: "retention:" + p.ID, Stage: "retention", Partner: p.ID, Schedule: RetentionSchedule,
			Run: func(ctx context.Context) error {
				inbound, err := e.Pool.Open(ctx, p.Inbound.Folder)
				if err != nil {
					return fmt.Errorf("opening inbound folder of partner %s: %w", p.ID, err)
				}
				_, err = retention.Sweep(ctx, e.Store, p, inbound, maxAge, e.Now(), e.Log)
				return err
			}})
	}
	return jobs, nil
}
