// Package acks applies carriers' acknowledgements: it reads each file a
// carrier drops in its acks folder, matches it to the transmission it
// answers, and moves the groups and subscribers that transmission carried
// along their status lifecycle (DESIGN.md §4, §7).
//
//	ak := acks.New(st, carrier, pool.Open, "var/staging", logger)
//	res, err := ak.Run(ctx) // on the carrier's ack schedule
//	for _, f := range res.Files {
//		fmt.Println(f.Name, f.Outcome, f.Kind, f.Result) // 999 applied 999 accepted
//	}
//
// # What a file is
//
// A file whose content begins with ISA, in any case (after an optional
// byte-order mark and white space), is X12: TA1 and 999 (or 997)
// acknowledgements, read by formats/x12, several interchanges in one file
// allowed, each applied on its own: one that matches nothing goes to
// failed/ alone (NAME.interchange-N with its .error.txt) while the others
// are applied. Anything else is read as a
// carrier result file (ReadResults): CSV with the columns transmission,
// group_external_identifier, subscriber_external_identifier, result
// (accepted or rejected), error_code, message and policy_number, which a
// carrier may rename (result_columns in its configuration).
//
// # Matching
//
// An X12 acknowledgement must come from the carrier: its ISA05/ISA06,
// ISA07/ISA08 and GS02/GS03 are the transmissions' receiver and sender
// reversed, else it matches nothing (control numbers alone are small
// counters another trading partner's may share). A TA1 answers the
// transmission whose ISA13 it names (TA101); a 999 answers the
// transmission whose GS06 it names (AK102), and each of its set responses
// (AK202) must name a set that transmission carried (ST02).
// A result file names its transmission in the transmission column (the
// file name onboard delivered, or its ISA13) or, when that column is
// blank, by its own name, which begins with the delivered file's name
// (bluecross-20270115093000-000000001.834.result.csv). Groups and
// subscribers are matched by external identifier without regard to case
// (the 834 writer upper-cases values). A file that matches nothing, names
// a group or subscriber the transmission did not carry, or cannot be read
// moves to failed/ with NAME.error.txt beside it saying why and what to
// do, and nothing of it is applied. A file whose content (sha256) was
// already applied changes nothing and goes to failed/ too; applied files
// move to archive/. A name already taken there gets the content's hash
// appended.
//
// # What an answer does
//
//   - TA1 A or E: the interchange's envelope is accepted; statuses stay.
//   - TA1 R: every group and member of the transmission goes to errors with
//     a carrier_error saying the whole file was rejected.
//   - A 999 answers the sets its AK2 loops name, each by its own IK5 (its
//     AK9 when the IK5 is missing); a 999 without AK2 answers every set of
//     the group by its AK9. A set no 999 names stays submitted: with one
//     999 per set, each speaks for its own. AK902/AK903 that differ from
//     the sets sent become a pending action (PendingActionCountKind) on
//     the transmission's groups.
//   - 999 set rejected: the set's group and members go to errors. Each IK3 inside a member's loop (by
//     segment position, else by a CTX naming the subscriber) becomes that
//     member's error, with parameter group.subscribers[E1001] or
//     group.subscribers[E1001].dependents[E1001-S]; an IK3 outside every
//     member (a header segment) and the set's own message become group
//     errors; the set's other members are rejected with it.
//   - 999 set accepted (IK5 A or E, AK9 A, E or P): members stay submitted
//     until the result file, or become synced when the carrier has
//     synced_on: "999".
//   - Result file: each subscriber row syncs its subscriber or puts it in
//     errors with the carrier's message and error code; a row without a
//     subscriber answers for the whole group; a policy number is stored on
//     the group.
//
// Group statuses are then derived again (store.Tx.RefreshGroupStatus). A
// subscriber with a newer change (pending, or carried by a later
// transmission) keeps its status: the answer is about older data. Every
// status change is an event whose source is the acknowledgement file and
// whose reason says what the carrier said ("carrier rejected: ...",
// "carrier accepted in FILE"). All changes of one file, and the record of
// the file itself, are one store transaction, committed before the file
// moves; a crash in between moves it on the next run without applying it
// again.
//
// A transmission's acknowledgement state only moves forward: accepted (a
// TA1 or a 999 that accepted syntax), then final (a result file that
// answered every member carried, or an accepting 999 under synced_on
// "999") or rejected. A late TA1 never takes a final transmission back.
//
// # Overdue
//
// After each run, every group of a delivered transmission without a final
// or rejecting acknowledgement older than the carrier's ack_timeout gets a
// pending action of kind ack_overdue ("awaiting carrier acknowledgement
// since ..."), shown by onboard status and the reports; it is cleared when
// the final answer arrives.
package acks
