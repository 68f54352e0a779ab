package model

import (
	"encoding/json"
	"iter"
	"strings"
)

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
	// Index, when set, knows the sources of further paths and is asked only
	// when an error needs locating: a census reader records a line and a
	// column index per row instead of a map entry and a path per value.
	// SourceOf, AllSources and the JSON form see Sources and Index as one.
	Index SourceIndex `json:"-"`
	// Errors are problems found while reading (before validation).
	Errors []Error
	// Digest identifies what the group was read from, when the reader can
	// say: a census gives the SHA-256 of its mapping, the header and the
	// group's rows, field by field (not their bytes: line endings and
	// quoting do not count), so the same rows sent again are known.
	Digest []byte `json:"-"`
}

// SourceIndex is a compact record of where a group's values came from.
type SourceIndex interface {
	// Source returns the source of exactly path (no ancestor), if recorded.
	Source(path string) (Source, bool)
	// All yields every recorded path and its source.
	All() iter.Seq2[string, Source]
}

// source returns the source recorded for exactly path.
func (s *SourcedGroup) source(path string) (Source, bool) {
	if src, ok := s.Sources[path]; ok {
		return src, true
	}
	if s.Index != nil {
		return s.Index.Source(path)
	}
	return Source{}, false
}

// SourceOf returns where param came from: the entry for the path itself or,
// failing that, for its nearest ancestor; else the group's first line.
func (s *SourcedGroup) SourceOf(param string) *Source {
	for p := param; p != ""; {
		if src, ok := s.source(p); ok {
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

// AllSources returns every recorded source by path: Sources and Index's
// entries in one map. Without an Index it is Sources itself (do not modify
// it); with one it is built on each call, for inspection and tests.
func (s *SourcedGroup) AllSources() map[string]Source {
	if s.Index == nil {
		return s.Sources
	}
	all := make(map[string]Source, len(s.Sources))
	for p, src := range s.Index.All() {
		all[p] = src
	}
	for p, src := range s.Sources {
		all[p] = src
	}
	return all
}

// MarshalJSON writes the group with Sources holding AllSources, so the
// JSON form does not depend on how the reader recorded them.
func (s SourcedGroup) MarshalJSON() ([]byte, error) {
	type plain SourcedGroup // without this method
	p := plain(s)
	p.Sources = s.AllSources()
	return json.Marshal(p)
}

// Locate fills in the Source of each error that has none.
func (s *SourcedGroup) Locate(errs []Error) {
	for i := range errs {
		if errs[i].Source == nil {
			errs[i].Source = s.SourceOf(errs[i].Parameter)
		}
	}
}
