// Package validate checks a canonical group (engine/model) before onboard
// accepts it: required fields, formats and reference data (dates, FEIN
// campus prefixes, SSN ranges, US states with their FIPS codes, ZIP codes,
// county codes), uniqueness of locations and members, references between
// them, and — given a carrier — its plan catalog, the characters its X12
// files reserve, and its business rules written as expr-lang expressions.
//
// A carrier is compiled once, when the configuration loads:
//
//	c, err := validate.NewCarrier(validate.CarrierSpec{
//		ID:         "bluecross",
//		Delimiters: "*:^~",
//		Plans:      []validate.PlanSpec{{ID: "BC-PPO-500", ProductLine: "medical"}},
//		Rules: []validate.RuleSpec{{ID: "first-of-month", On: "enrollment",
//			Expr:      "day(enrollment.start_date) == 1",
//			Message:   "coverage must start on the first day of a month",
//			Parameter: "start_date"}},
//	})
//	if err != nil {
//		return err // errors.Join of *validate.RuleError
//	}
//	errs := validate.Group(g, c, time.Now()) // sorted model.Error values
//
// Rule expressions see the variables group, location, subscriber, dependent
// and enrollment (the model structs, fields by their JSON names) as the
// rule's target allows: every rule sees group; a location rule sees
// location; subscriber, dependent and enrollment rules see subscriber and
// their own entity. Functions: day(date), month(date), year(date),
// age(birth_date, at_date) in whole years, and today() (the validation
// clock's date, YYYY-MM-DD). A rule fails when its expression is false or
// a date it reads is not a real date; a rule reading an empty date is
// skipped, since the required-field checks report the missing value.
package validate
