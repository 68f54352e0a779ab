package validate

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/onboard/onboard/engine/model"
)

// x12Limit is the 834 element a canonical field is written to and that
// element's maximum length (characters), from the 005010X220A1 guide.
type x12Limit struct {
	element string
	max     int
}

// x12Limits maps a field's JSON name to its 834 element. A value longer
// than the element would reach the carrier and be refused there (a 999
// rejection of the whole transaction set), so it is refused here first.
var x12Limits = map[string]x12Limit{
	"last_name":           {"NM103", 60},
	"first_name":          {"NM104", 35},
	"middle_name":         {"NM105", 25},
	"address_line_1":      {"N301", 55},
	"address_line_2":      {"N302", 55},
	"city":                {"N401", 30},
	"organization_name":   {"N102", 60},
	"external_identifier": {"REF02", 50},
}

// countedOnly lists the fields whose length error does not echo the value:
// a person's names are counted, never shown.
var countedOnly = map[string]bool{"first_name": true, "middle_name": true, "last_name": true}

// fitsX12 checks that a present, clean value fits the 834 element it is
// written to, for carriers that take X12 files (those with delimiters). A
// location's external_identifier is not written to the 834, so it has no
// limit here.
func (v *checker) fitsX12(a at, value string, k kind) bool {
	if v.c == nil || v.c.delimiters == "" {
		return true
	}
	lim, ok := x12Limits[a.field]
	if !ok || (a.field == "external_identifier" && isLocationPath(a.base)) {
		return true
	}
	n := utf8.RuneCountInString(value)
	if n <= lim.max {
		return true
	}
	shownValue := ""
	if !countedOnly[a.field] {
		shownValue = shown(clipText(value), k)
	}
	v.add(model.ErrParameterInvalid, a.param(), shownValue, fmt.Sprintf(
		"%s is %d characters; carrier %s's X12 files allow at most %d (%s), so shorten it.",
		a.label(), n, v.c.id, lim.max, lim.element))
	return false
}

// isLocationPath reports whether base is a location's path (see
// model.LocationPath).
func isLocationPath(base string) bool {
	return base == model.LocationPath("", true) || strings.HasPrefix(base, "group.secondary_locations[")
}
