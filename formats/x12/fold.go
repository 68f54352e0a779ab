package x12

import (
	"fmt"
	"strings"

	"github.com/onboard/onboard/formats/x12/charset"
)

// foldASCII transliterates s into the X12 character set (É → E, ß → SS,
// Đ → D, curly quotes straight, a non-breaking space a space), upper-cased
// and trimmed. A character with no Latin spelling is kept as it is, so that
// the value's check refuses it by name (ErrCharacterSet) rather than
// losing it.
func foldASCII(s string) string { return strings.Trim(charset.Transliterate(s), " ") }

// ErrLength: a value is shorter or longer than its element allows.
var ErrLength = fmt.Errorf("%w: value length outside the element's bounds", ErrInvalid)

// textLengths are the minimum and maximum lengths (005010X220A1, from the
// element dictionary) of the 834 elements written from partner text.
var textLengths = map[string][2]int{
	"N102": {1, 60}, "NM103": {1, 60}, "NM104": {1, 35}, "NM105": {1, 25},
	"N301": {1, 55}, "N302": {1, 55}, "N401": {2, 30}, "N403": {3, 15}, "N404": {2, 3}, "N406": {1, 30},
	"REF02": {1, 50}, "HD04": {1, 50},
}

// checkLength refuses a non-empty value of n bytes that its element elem
// cannot hold: the carrier's translator would reject the whole set.
func checkLength(elem string, n int) error {
	lim, ok := textLengths[elem]
	if !ok || n == 0 || n >= lim[0] && n <= lim[1] {
		return nil
	}
	return fmt.Errorf("%w: %s holds %d to %d characters; this value has %d", ErrLength, elem, lim[0], lim[1], n)
}
