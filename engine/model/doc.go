// Package model is onboard's canonical group model (DESIGN.md §4): the group,
// its locations, subscribers, dependents and enrollments, their statuses, and
// the one Error shape used everywhere (DESIGN.md §5).
//
// JSON field names follow the Ideon Enrollment API's group object, so a
// partner who already speaks that API can drop its JSON unchanged:
//
//	var req struct{ Group model.Group `json:"group"` }
//	err := json.Unmarshal(body, &req)
package model
