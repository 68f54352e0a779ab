package validate

import (
	"fmt"
	"unicode/utf8"

	"github.com/onboard/onboard/engine/model"
)

// x12Limit is the 834 element a canonical field is written to and that
// element's maximum length (characters), from the 005010X220A1 guide.
type x12Limit struct {
	element string
	max     int
}

// x12LimitOf returns the 834 element a field (by JSON name) is written to.
// A value longer than the element would reach the carrier and be refused
// there (a 999 rejection of the whole transaction set), so it is refused
// here first. A switch, not a map: it runs for every text value.
func x12LimitOf(field string) (x12Limit, bool) {
	switch field {
	case "last_name":
		return x12Limit{"NM103", 60}, true
	case "first_name":
		return x12Limit{"NM104", 35}, true
	case "middle_name":
		return x12Limit{"NM105", 25}, true
	case "address_line_1":
		return x12Limit{"N301", 55}, true
	case "address_line_2":
		return x12Limit{"N302", 55}, true
	case "city":
		return x12Limit{"N401", 30}, true
	case "organization_name":
		return x12Limit{"N102", 60}, true
	case "external_identifier":
		return x12Limit{"REF02", 50}, true
	}
	return x12Limit{}, false
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
	lim, ok := x12LimitOf(a.field)
	if !ok || len(value) <= lim.max || (a.field == "external_identifier" && a.base.isLocation()) {
		return true // no more characters than bytes
	}
	return v.fitsX12Len(a, value, utf8.RuneCountInString(value), k)
}

// fitsX12Len is fitsX12 for a value that the 834 carries as n characters
// (its transliteration: ß is SS).
func (v *checker) fitsX12Len(a at, value string, n int, k kind) bool {
	lim, ok := x12LimitOf(a.field)
	if !ok || n <= lim.max || (a.field == "external_identifier" && a.base.isLocation()) {
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
