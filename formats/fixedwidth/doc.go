// Package fixedwidth writes and reads carrier files in a layout declared in
// YAML (DESIGN.md §7, "Layout carriers"): a fixed-width file or a CSV file,
// walked by one engine. Carriers that do not take X12 834 get a layout file
// under mappings/layouts/; the config names it in a carrier's `format`.
//
//	l, err := fixedwidth.LoadLayout("mappings/layouts/example-fixed.yaml")
//	if err != nil {
//		return err // every mistake, one "FILE:LINE:COL: message" a line
//	}
//	w := fixedwidth.NewWriter(f, l, fixedwidth.FileInfo{
//		Name: name, Created: now, CarrierID: "BLUECROSS", SenderID: "ONBOARD", Control: 42,
//	})
//	for _, gc := range changes {
//		if err := w.WriteGroup(gc); err != nil {
//			// a *GroupError: nothing of the group was written; report it
//		}
//	}
//	err = w.Close() // the trailer, with its counts
//
// # Layout files
//
// Top-level keys: kind (fixed-width | csv, required), name (default: the
// file's base name), extension (default txt or csv), line_ending ("\n" or
// "\r\n", also lf or crlf; default "\n"), records (required). Fixed-width
// only: record_width, checked against every record's fields. CSV only:
// delimiter (one character or "tab"; default ","), header_row (default
// true: the first row holds the headers of the member fields).
//
// records holds up to four lists of fields: file_header (once, first),
// group_header (before each group's members; it needs a const field, a
// record type code, so a reader can tell it from a member record), member
// (required; one per model.MemberChange) and trailer (once, last).
//
// Field keys:
//
//	name      required; unique in its record
//	width     fixed-width: required, 1-9999 bytes; csv: optional, a maximum
//	start     fixed-width, optional: the 1-based position, checked against the
//	          widths before it (catches a width copied wrong from a spec)
//	header    csv: the column header (default: name)
//	source    a source path (below); or
//	const     literal text; a field with neither is filler
//	default   text written when the source value is empty
//	values    a table from source values to carrier codes; a value missing
//	          from it is an error. Keys are checked against the source's
//	          values where the model has a fixed list (maintenance, gender,
//	          relationship, coverage level, ...)
//	format    upper | digits (keep only digits: 123-45-6789 → 123456789) |
//	          dollars (cents → 52000.50) | dollars_implied (cents → 5200050,
//	          two implied decimals) | whole_dollars (rounded) | a date layout
//	          of YYYY YY MM DD HH MI SS and / - . : space T, e.g. YYYYMMDD,
//	          MM/DD/YYYY, HHMISS. Checked against the kind of source.
//	align     fixed-width: left (default) | right
//	pad       fixed-width: one printable ASCII character (default " ")
//	truncate  error (default: a value longer than the width fails the group)
//	          | cut
//	required  true: an empty value fails the group
//
// YAML anchors, aliases and merge keys (<<: *anchor) may share definitions.
// Decoding is strict: an unknown key, a wrong type, an unknown source path,
// a source a record cannot use, all are reported together, sorted by line
// and column, as LayoutErrors.
//
// # Source paths
//
// Paths are resolved when the layout is compiled into plain getter
// functions; writing a record uses no reflection.
//
//	file.name, file.created, file.control, file.carrier_id, file.sender_id
//	file.record_count, file.member_count, file.group_count   (trailer only)
//	group.id, group.external_identifier, group.partner_id, group.carrier_id,
//	  group.policy_number, group.status, group.employer.{organization_name,
//	  fein, established_date, employer_type, sic_code},
//	  group.primary_location.{id, external_identifier, type},
//	  group.primary_location.employer_address.{address_line_1, address_line_2,
//	  city, state, zip, fips_county_code, country_code}, group.member_count
//	member.{id, external_identifier, subscriber_external_identifier,
//	  first_name, middle_name, last_name, ssn (= social_security_number),
//	  birth_date, gender, relationship ("self" for the subscriber)}
//	subscriber.{id, external_identifier, location_external_identifier,
//	  first_name, middle_name, last_name, ssn, birth_date, gender, status},
//	  subscriber.residential_address.*, subscriber.employment_details.{
//	  start_date, status, annual_earnings (cents), hours_per_week}
//	change.maintenance (add | change | terminate | audit), change.end_date,
//	  change.product_lines (comma-separated), change.event (the qualifying
//	  life event type: birth, marriage, ...), change.reason (its maintenance
//	  reason code, as X12 INS04: 02, 32, ...), change.effective_date (when
//	  the change takes effect, as X12 DTP*303)
//	enrollment.<product_line>.{plan_id, coverage_level, start_date, end_date}
//
// file.* is available in every record, group.* in the group header and
// member records, the rest in member records only. member.* is the member
// the change is for; subscriber.* is the subscriber, also on a dependent's
// record (a dependent shares its subscriber's address and employment).
// enrollment.* is the subscriber's enrollment in the product line when the
// member is covered under it (a dependent only under the product lines it
// lists), whatever product lines the change touches: a record shows the
// member's whole coverage. Its end_date is the dependent's own end date,
// else the enrollment's, else a termination's end date.
//
// Record counts include the file header and trailer and exclude a CSV header
// row. A group without member changes writes nothing.
//
// # Fixed-width
//
// Every record is exactly its width in bytes, padded or (truncate: cut)
// cut on a UTF-8 character boundary. Widths count bytes, as a carrier's
// positional reader does: a name such as "Zoë" takes one byte more than it
// has letters. A value holding a line break is an error.
//
// # CSV
//
// Quoting follows RFC 4180 (encoding/csv). Cells beginning with = + - or @
// are NOT altered or prefixed: a carrier's loader reads these files, not a
// spreadsheet, and changing a name like "-Smith" or an id like "+44..."
// would corrupt the data. Anyone opening a delivery in a spreadsheet must
// import it as text.
//
// # Reading
//
// A Reader reads records back as field name → text (without padding; dates
// and codes as written): for tests, round trips, and carriers that answer in
// a layout. The first line is the file header and the last the trailer
// when the layout has them; other lines are told apart by their const
// fields. Trailer counts are checked against the records read. CSV member
// columns are found by header (case and surrounding spaces ignored), so a
// carrier may reorder them. A bad line is a *ReadError and reading goes on.
//
// # Errors
//
// Writing errors never hold the value (it may be a social security number):
// a *FieldError names the record, field, member and canonical parameter
// path. Errors unwrap to the Err sentinels for errors.Is.
package fixedwidth
