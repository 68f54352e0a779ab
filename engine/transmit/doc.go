// Package transmit sends each carrier what changed in its groups since the
// last delivery, in the carrier's format, exactly once (DESIGN.md §7).
//
//	tr, err := transmit.New(st, carrier, pool.Open, "var/staging", logger)
//	res, err := tr.Run(ctx) // on the carrier's schedule
//	for _, d := range res.Deliveries {
//		fmt.Println(d.FileName, d.ISA13, d.Members)
//	}
//
// # What is sent
//
// A group is a candidate when its current version is newer than the
// version last transmitted to the carrier (groups.transmitted_version; 0:
// never sent). Changes diffs the two versions member by member and product
// line by product line and gives each member at most one MemberChange: add
// (021) for a member new to the carrier, terminate (024) only when every
// coverage the member had ends, change (001) otherwise, with the coverage
// changes inside (HD*021 added, HD*024 ended, HD*001 a level or date
// change, a plan change as the old plan's end the day before the new
// one's start). A member whose data alone changed is a change without
// coverage changes. Each change carries the qualifying life event inferred
// for its family (or sent by the partner) and its effective date; the
// carrier's Policy (termination_policy, new_hire_window, open_enrollment)
// decides the dates onboard derives, and no coverage ends before it starts.
// README's "What an 834 says" lists the rules. In full mode a group with a
// member change is sent whole: every member with open coverage as an audit
// (030) of its open lines, plus the members whose coverage all ended (024)
// unless the carrier verifies (BGN08 4) or omits them. A group whose new
// version has no member change (an employer address, say) is sent
// nothing: its transmitted version simply advances
// (store.TransmitTx.AdvanceTransmitted).
//
// Changes depends on the recorded versions, the delivery's date and the
// carrier's policy: a transmission re-rendered after a crash under a
// changed policy would differ, and its recorded member positions say so.
//
// # Exactly once
//
// Every run of a carrier goes through the same steps; each step's effects
// are either durable and recorded, or redone identically:
//
//  1. Record and render, in ONE store transaction: reserve ISA13 and GS06
//     (one each) and one ST02 per group from the store's counters, render
//     the file group by group to a local staging file (fsynced), and create
//     the transmission (state building) with its file name
//     (CARRIER-YYYYMMDDhhmmss-ISA13.834, or the layout's extension), the
//     envelope time, and per group the version sent, the base version and
//     the members with their positions (SentMember). A crash before the
//     commit leaves nothing: the numbers were never handed out, the staged
//     file is overwritten or cleaned by the next run, which starts over.
//  2. Upload: Folder.Write puts the staged file in the carrier's inbox
//     under its final name (a temporary name renamed into place, so the
//     carrier never sees half a file).
//  3. Commit, in one transaction: the transmission is delivered, its
//     groups' transmitted versions advance, every subscriber it carried
//     goes from pending to submitted ("sent to carrier C in FILE (ISA13
//     n)"), and the group statuses are derived again.
//
// At the start of every run, before anything new is recorded, each
// transmission the carrier still has building is finished: rendered again
// from its recorded versions, control numbers, mode and time, which gives
// the same bytes (the rendering depends on nothing else, and the
// re-rendered member positions are checked against the recorded ones),
// uploaded under the same name, which replaces any earlier upload, and
// committed. So a crash anywhere between steps 1 and 3 leaves, after the
// restart, exactly one file in the inbox for those changes; nothing new is
// recorded for the carrier until it is out, so a group is never in two
// transmissions for the same version.
//
// One window remains that no local protocol can close: the carrier may
// take the file between our upload (step 2) and our commit (step 3). The
// restart then uploads the same file again. It carries the same ISA13 (and
// GS06, ST02s), which X12 receivers check for duplicates (TA1 note 025,
// "duplicate interchange control number"); a layout file has the same
// name, with the control number in it.
//
// Control numbers come from the store (tx.NextControl), so they are never
// reused and survive restarts; a reservation is lost (a gap) only when
// every group of a run is refused. A layout file takes the ISA13 counter
// as its control number (in its name and file.control) and records each
// group's sequence in the file where an 834 records its ST02.
//
// # Statuses
//
// Subscribers whose change was sent become submitted; a dependent's change
// counts for its subscriber. A subscriber that is pending but had nothing
// the carrier sees (a data change of a member whose coverage had ended)
// gets back the status it held before (or synced). When a newer version
// of a group arrived after the transmission was recorded, subscribers it
// changed again stay pending for the next run. Groups in errors are sent
// only when the partner sent a new version; a rejected transmission is not
// sent again by itself.
//
// # Groups the format cannot carry
//
// The writers check a whole group before writing any of it. A group they
// refuse (a delimiter in a value, a product line without an HD03 code in
// the carrier config, a value wider than its layout field) is left out of
// the file, stays pending, and gets a pending action (kind "transmit")
// naming the field, never the value; the other groups are sent. The next
// run tries it again, so fixing the carrier config is enough.
//
// # Memory
//
// One group (its transmitted and current versions) is in memory at a
// time; the file is streamed to staging and uploaded from there. What
// grows with the delivery is the member list recorded with the
// transmission (about 80 bytes per member).
//
// # Crash points
//
// engine/crash points CrashRendered, CrashRecorded, CrashUploaded and
// CrashCommitted sit after each step; the crash test kills a real onboard
// process at each and checks the restart.
package transmit
