// Package ldex delivers LDEx customer bundles (DESIGN.md §6, §8): for each
// group the carrier has answered for, one JSON document in the partner's
// outbound folder at ldex/GROUP_EXTERNAL_ID/BUNDLE_ID.json, built from the
// store and the carrier's plan catalog and written by formats/ldex.
//
//	d := ldex.New(st, cfg, pool.Open, logger)
//	res, err := d.Run(ctx, "acme", ldex.Scope{}) // on the partner's LDEx schedule
//	for _, b := range res.Delivered {
//		fmt.Println(b.ExternalIdentifier, b.Path)
//	}
//
// # When a bundle is written
//
// A group qualifies once its status is synced or errors. Every run builds
// the bundle of every qualifying group and compares its content hash
// (ldex.ContentHash: the bundle without its id and time) with the hash of
// the group's last delivered bundle, kept in the store: a bundle is
// written only when they differ, so an unchanged group never gets the same
// bundle twice, and a change to one subscriber gives exactly one new
// bundle for that group. Pending and submitted groups get nothing until
// the carrier answers. Scope.StatusChanged narrows a run to groups whose
// status changed since their last bundle: the engine runs that after each
// acknowledgement pass, so a group that turns synced or errors gets its
// bundle then rather than at the next LDEx schedule.
//
// The bundle id is a UUID derived from the group id, the previous bundle's
// id and the new content hash (DefaultID): a run that stopped between the
// upload and the store's record writes the same file again instead of a
// second one. Files are written atomically (transport.Folder.Write) with
// mode 0600; a bundle holds no SSN and only a masked FEIN.
//
// # Content
//
// Counts come from the group's current version: a subscriber counts while
// they have an open enrollment (no end date), a dependent while not ended,
// and per product line a dependent counts when covered under it.
// Enrollments without a coverage level count as employee_only. Rates are
// the catalog's monthly premiums by coverage level for each plan in use,
// each plan's total is Σ premium × enrolled subscribers at that level, and
// the estimated monthly total sums them (a level the catalog does not
// price adds nothing). The effective date is the earliest coverage start.
// The transmission part names the last delivered transmission (id, ISA13
// for X12 carriers), the carrier file names (newest first, at most
// MaxFileNames), the last acknowledgement's result and the group's history
// as sentences, newest first (at most MaxStatusMessages).
//
// # When no bundle can be written
//
// Unknown partner, no outbound folder, a group the carrier never accepted,
// no policy number yet, data the bundle needs missing, or an outbound
// folder that cannot be reached: the group gets a pending action (kind
// "ldex", shown by `onboard status` and in the reports) and, where there
// is an outbound folder, a feedback paragraph for a person at the partner
// in feedback/TIMESTAMP-GROUP.txt saying what happened, why and what to
// do. The feedback is written once per cause: a run that finds the same
// pending action recorded writes nothing new. Every run tries again; the
// pending action is cleared when the bundle is delivered or found current,
// and when the group goes back to pending (a new version is on its way to
// the carrier, so whatever blocked the old one is moot).
package ldex
