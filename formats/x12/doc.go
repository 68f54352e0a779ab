// Package x12 reads and writes the X12 EDI that onboard exchanges with
// carriers: 834 enrollment files (005010X220A1) out, TA1 and 999
// (005010X231A1) acknowledgements in. It knows X12 and nothing of folders,
// stores or configuration: everything carrier-specific (ids, control
// numbers, delimiters, HD03/HD05 codes) is passed in.
//
// The layers:
//
//   - Delimiters are data. Writer writes segments with any delimiters,
//     refusing (and writing nothing for) a value that contains one, and
//     keeps the envelope counts: ISA is written fixed-width (106 bytes),
//     SE01, GE01 and IEA01 count what was written. CheckValue lets callers
//     validate values ahead of time.
//   - Reader tokenizes any interchange, taking its delimiters from the ISA.
//     Malformed input is a *SyntaxError, never a panic.
//   - Writer834 streams an 834: one functional group, one transaction set
//     per employer group, each member's loop positions returned so that a
//     999 error position leads back to the member.
//   - ReadAck/ReadAcks turn TA1 and 999 (or 997) into Acks whose errors
//     carry sentences built from the implementation guide's code tables.
//   - Read834, Interchange.Validate, Write999 and WriteTA1 are what a
//     carrier simulator needs to answer an 834.
//
// Writing an 834:
//
//	env := x12.Envelope{SenderQualifier: "ZZ", SenderID: "ONBOARD", ReceiverQualifier: "ZZ",
//		ReceiverID: "BLUECROSS", Usage: "T", ISA13: isa13, GS06: gs06, Time: now}
//	w, err := x12.NewWriter834(f, env, x12.Options834{CarrierName: "Blue Cross", CarrierID: "BLUECROSS",
//		ProductCodes: map[string]string{"basic_life": "AC", "accidental_death_dismemberment": "ADD"}})
//	for _, gc := range changes { // one model.GroupChanges per employer group
//		info, err := w.WriteSet(gc, nextST02())
//		// remember info.Members to map 999 errors back to members
//	}
//	err = w.Close() // GE and IEA with exact counts
//
// Reading an acknowledgement:
//
//	ack, err := x12.ReadAck(f)
//	for _, set := range ack.Sets {
//		for _, e := range set.Errors {
//			m, ok := info.Find(e.Position) // the member at fault
//			log.Print(e.Message) // segment N4 at position 14 in loop 2100A: element 2 (state) has an invalid code value 'XX'
//		}
//	}
//
// Choices the implementation guide leaves to the sender:
//
//   - every value is trimmed, upper-cased and transliterated into the X12
//     character set (García becomes GARCIA, Straße STRASSE, Đặng DANG; see
//     package charset); a value with characters that have no Latin
//     spelling, or with a delimiter, is refused (ErrCharacterSet,
//     ErrDelimiterInValue), never written;
//   - INS04 is the member change's event (model.MemberChange.Event: 02
//     birth, 32 marriage, 08 termination of employment, ...), else 28
//     (initial enrollment) for an add, AI (no reason given) for a change,
//     07 (termination of benefits) for a termination and XN (notification
//     only) for a full-file audit;
//   - INS05 is A, or C when the subscriber's employment status is cobra,
//     always with INS07, the COBRA qualifying event (a COBRA member
//     without one is refused); INS08 (subscribers only) maps full_time FT,
//     part_time PT, retired RT, terminated and cobra TE, others AC;
//   - DTP*303 (maintenance effective) is in loop 2000 of every 001 and 024,
//     and in the 2300 loop of an HD*001;
//   - DMG03 is F, M, or U for every other gender (the guide has no
//     non-binary code);
//   - HD04 carries the plan id; dependents' 2300 loops carry no HD05: the
//     coverage level describes the subscriber's contract;
//   - N3/N4 are written for subscribers only (dependents share the
//     subscriber's residence); N4 names the county as CY plus its FIPS
//     code;
//   - the 2300 loops are the change's coverage changes, HD01 their
//     maintenance; an ended coverage's DTP*349 is never before its DTP*348
//     (the writer refuses it).
package x12
