package model

import "strings"

// Canonical parameter paths (DESIGN.md §5). Subscribers and dependents are
// addressed by external identifier, not index:
// group.subscribers[E1001].dependents[E1001-2].birth_date.

// PathGroup is the root of every parameter path.
const PathGroup = "group"

// SubscriberPath returns the path of a subscriber.
func SubscriberPath(subscriberExt string) string {
	return "group.subscribers[" + subscriberExt + "]"
}

// DependentPath returns the path of a dependent of a subscriber.
func DependentPath(subscriberExt, dependentExt string) string {
	return SubscriberPath(subscriberExt) + ".dependents[" + dependentExt + "]"
}

// EnrollmentPath returns the path of a subscriber's enrollment in a product line.
func EnrollmentPath(subscriberExt, productLine string) string {
	return SubscriberPath(subscriberExt) + ".enrollments[" + productLine + "]"
}

// LocationPath returns the path of a location: the primary one, or a
// secondary one by external identifier.
func LocationPath(locationExt string, primary bool) string {
	if primary {
		return "group.primary_location"
	}
	return "group.secondary_locations[" + locationExt + "]"
}

// SourcedGroup is a group as read from a partner file, with where each value
// came from, so validation errors can name the line and column.
type SourcedGroup struct {
	Group *Group
	// File is the partner's file name; Line the first line of the group.
	File string
	Line int
	// Sources maps a canonical parameter path to where it was read.
	Sources map[string]Source
	// Errors are problems found while reading (before validation).
	Errors []Error
}

// SourceOf returns where param came from: the entry for the path itself or,
// failing that, for its nearest ancestor; else the group's first line.
func (s *SourcedGroup) SourceOf(param string) *Source {
	for p := param; p != ""; {
		if src, ok := s.Sources[p]; ok {
			return &src
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			break
		}
		p = p[:i]
	}
	if s.Line > 0 || s.File != "" {
		return &Source{File: s.File, Line: s.Line}
	}
	return nil
}

// Locate fills in the Source of each error that has none.
func (s *SourcedGroup) Locate(errs []Error) {
	for i := range errs {
		if errs[i].Source == nil {
			errs[i].Source = s.SourceOf(errs[i].Parameter)
		}
	}
}
