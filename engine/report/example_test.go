package report_test

import (
	"fmt"
	"os"
	"time"

	"github.com/onboard/onboard/engine/report"
)

func ExampleWriteCSV() {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	rows := []report.Row{{
		Partner: "acme", GroupExternalID: "G-1", GroupID: "g1", Employer: "=1+1 Corp",
		Carrier: "bluecross", Status: "pending", StatusSince: now.Add(-27 * time.Hour),
		SubscribersByStatus: map[string]int{"pending": 4},
		PendingAction:       "waiting for the next transmission to carrier bluecross",
	}}
	if err := report.WriteCSV(os.Stdout, rows, now); err != nil {
		fmt.Println(err)
	}
	// Output:
	// partner,group_external_id,group_id,employer,carrier,status,status_since,age_in_status,subscribers_pending,subscribers_submitted,subscribers_synced,subscribers_errors,last_file_received,last_transmission,last_acknowledgement,policy_number,error_count,pending_action
	// acme,G-1,g1,'=1+1 Corp,bluecross,pending,2025-03-09T09:00:00Z,1d 3h,4,0,0,0,,,,,0,waiting for the next transmission to carrier bluecross
}
