// Package report renders onboard's status reports (DESIGN.md §1, §6): which
// groups are onboarded, which are waiting, what action is pending and for
// how long. The renderers take plain Rows, so they need no store; building
// the rows from the store is the caller's job.
//
// WriteCSV writes status.csv for spreadsheets: one line per group, sorted by
// partner and group external id, every cell neutralised against formula
// injection. WriteHTML writes status.html: one self-contained page (inline
// CSS, no scripts, no remote assets) with a status chart in inline SVG, the
// pending actions oldest first, the most frequent errors and a table per
// partner, readable on a phone.
//
//	now := time.Now()
//	if err := report.WriteCSV(csvFile, rows, now); err != nil {
//		return err
//	}
//	if err := report.WriteHTML(htmlFile, rows, now, "ACME Benefits — onboarding status"); err != nil {
//		return err
//	}
package report
