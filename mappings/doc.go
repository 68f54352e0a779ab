// Package mappings is the mapping language: YAML files that say how a
// partner's CSV columns become canonical model values (DESIGN.md §4), and
// the built-in mapping census-standard, embedded from census-standard.yaml.
//
// A mapping is declarative data walked by one engine. Compile checks it
// strictly and reports every mistake as "FILE:LINE:COL: message"; Bind
// matches it to a file's header once, giving a Plan that maps each record
// by column index into a Row of values indexed by Target; formats/census
// assembles rows into groups.
//
//	m, err := mappings.Load("census-standard", "")        // or "acme.yaml", configDir
//	plan, err := m.Bind(header)                           // *HeaderError: missing/repeated columns
//	var row mappings.Row
//	plan.Map(record, &row)                                // row.Values[mappings.MemberGender] == "female"
//
// # The file
//
//	name: acme-hr                # optional; defaults to the file name
//	description: ACME's HR export
//	employee: EE                 # the member.relationship value (after its transforms)
//	                             # that marks a subscriber row; default "employee"
//	trim_cells: true             # trim spaces around every cell first; default true
//	columns:
//	  - column: Client Number    # a header: exact, any case, spaces around ignored
//	    target: group.external_identifier   # the group key: rows with one value form one group
//	    required: true           # a blank cell is a row error
//	  - column: Tax ID
//	    target: group.employer.fein
//	    transforms: [{match: ["##-#######", "#########"]}, digits]
//	  - column: Emp ID
//	    target: member.external_identifier  # the member id
//	  - column: Primary ID
//	    target: member.subscriber_external_identifier  # a dependent's subscriber's member id
//	  - column: Rel
//	    target: member.relationship
//	    transforms: [upper, {values: {EE: EE, SP: spouse, CH: child, DP: registered_domestic_partner}}]
//	  - column: Sex
//	    target: member.gender
//	    transforms: [{values: {F: female, M: male}}]
//	  - column: DOB
//	    target: member.birth_date
//	    transforms: [{date: [MM/DD/YYYY, YYYY-MM-DD]}]
//	  - column: Salary
//	    target: subscriber.employment_details.annual_earnings
//	    transforms: [cents]
//	  - column: Site Zip
//	    target: location.employer_address.zip
//	    transforms: [digits, {pad: {width: 5, char: "0"}}]
//	  - column: Medical Plan
//	    target: enrollments[medical].plan_id
//	  - column: Medical Tier
//	    target: enrollments[medical].coverage_level
//	    transforms: [{values: {EE: employee_only, ES: employee_spouse, EC: employee_children, FAM: family}}]
//	  - column: Status
//	    target: subscriber.employment_details.status
//	    transforms: [{expr: 'value != "" ? lower(value) : (row["hours"] >= "30" ? "full_time" : "part_time")'}]
//	    optional: true           # the column may be missing from the header
//	  - constant: US             # a value for every row, from no column
//	    target: location.employer_address.country_code
//
// Every columns entry has a target and either a column or a constant. A
// column must be in the file's header unless optional; columns the mapping
// does not name are ignored. default gives the value of a blank cell (after
// the transforms, used as written).
//
// # Targets
//
// Targets name canonical fields relative to what a row describes:
//
//	group.external_identifier, group.employer.{organization_name, fein, established_date, employer_type, sic_code}
//	location.{external_identifier, type}, location.employer_address.{address_line_1, address_line_2, city, state, zip, fips_county_code, country_code}
//	member.{external_identifier, subscriber_external_identifier, relationship, first_name, middle_name, last_name, social_security_number, birth_date, gender}
//	subscriber.residential_address.{same fields as employer_address}
//	subscriber.employment_details.{start_date, status, annual_earnings, hours_per_week}
//	coverage.{start_date, end_date}
//	enrollments[LINE].{plan_id, coverage_level, start_date, end_date}   LINE: medical, dental, vision, basic_life, accidental_death_dismemberment
//
// A row is a subscriber's when its relationship is the employee value (or,
// without a relationship, when its subscriber reference is blank or its own
// member id), else a dependent's. location.*, subscriber.* and enrollment
// levels and dates are read on subscriber rows only. On a subscriber row a
// non-blank plan makes an enrollment of that product line, and coverage
// dates apply to every enrollment of the row unless enrollments[LINE] dates
// say otherwise; on a dependent row a non-blank plan means the dependent is
// covered under that product line and coverage.end_date is the dependent's
// end date. Group values are repeated on every row (or left blank after the
// first); a different value on a later row of the group is a row error.
//
// # Transforms
//
// Transforms run in order on a non-blank cell (an expr also runs on a blank
// one); the first that fails makes a row error naming the column and what
// it accepts.
//
//	trim              spaces around the value
//	upper, lower      letter case
//	digits            keep only the digits (123-45-6789 → 123456789)
//	cents             dollars to cents (52,000.00 or $52000 → 5200000)
//	pad:    {width: 5, char: "0", side: left}   pad to a width (char " " and side left by default)
//	date:   [YYYY-MM-DD, MM/DD/YYYY]    accepted layouts → YYYY-MM-DD; tokens YYYY YY MM M MMM MMMM DD D,
//	                                    or Go layouts (2006-01-02); MM and DD also accept one digit
//	values: {F: female, M: male}        a table, keys matched without regard to case; an unknown
//	                                    value is an error listing the keys
//	match:  ["##-#######", "#########"] accepted forms: # a digit, @ a letter, * any character
//	expr:   'value == "" ? "physical" : lower(value)'
//	                                    an expr-lang expression returning a string; value is the
//	                                    value so far, row["header"] any cell by lower-case header
//
// Expressions are compiled once, when the mapping is compiled.
package mappings
