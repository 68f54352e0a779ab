package engine

import (
	"cmp"
	"context"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/report"
)

func init() { jobBuilders["report"] = reportJobs }

// reportJobs builds the one report job, on the report schedule: status.csv
// and status.html in the reports dir, and each partner's own in its
// outbound reports/ folder. Being last in the pass order, it also ends
// `onboard once`.
func reportJobs(e *Engine) ([]Job, error) {
	return []Job{{Name: "report", Stage: "report",
		Schedule: cmp.Or(e.Config.Reports.Schedule, config.DefaultReportsSchedule),
		Run: func(ctx context.Context) error {
			return report.Publish(ctx, e.Store, e.Config, e.Pool.Open, e.Now())
		}}}, nil
}
