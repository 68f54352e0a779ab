// Package report renders onboard's status reports (DESIGN.md §1, §6): which
// groups are onboarded, which are waiting, what action is pending and for
// how long. The renderers take plain Rows, so they need no store; Build
// makes the rows from the store and Publish writes every report: all groups
// to the reports dir, and each partner's own groups to reports/ in its
// outbound folder, every file atomically.
//
// WriteCSV writes status.csv for spreadsheets: one line per group, sorted by
// partner and group external id, every cell neutralised against formula
// injection. WriteHTML writes status.html: one self-contained page (inline
// CSS, no scripts, no remote assets) with a status chart in inline SVG, the
// pending actions oldest first, the most frequent errors with the groups
// and members they are on, the recent rejected intakes, a table per partner
// that fits 1440 px without sideways scrolling (cards on a phone), and each
// group's timeline under its anchor (#g-ID); it reloads itself on the
// report schedule.
//
//	err := report.Publish(ctx, st, cfg, pool.Open, time.Now()) // the report stage
//
// or, rendering rows yourself:
//
//	now := time.Now()
//	if err := report.WriteCSV(csvFile, rows, now); err != nil {
//		return err
//	}
//	if err := report.WriteHTML(htmlFile, rows, now, "ACME Benefits — onboarding status", time.Minute); err != nil {
//		return err
//	}
package report
