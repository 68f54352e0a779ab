package validate

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/onboard/onboard/engine/model"
)

// stateFIPS maps a US postal state code (the 50 states, DC and the inhabited
// territories) to its 2-digit FIPS state code.
var stateFIPS = map[string]string{
	"AL": "01", "AK": "02", "AZ": "04", "AR": "05", "CA": "06", "CO": "08", "CT": "09",
	"DE": "10", "DC": "11", "FL": "12", "GA": "13", "HI": "15", "ID": "16", "IL": "17",
	"IN": "18", "IA": "19", "KS": "20", "KY": "21", "LA": "22", "ME": "23", "MD": "24",
	"MA": "25", "MI": "26", "MN": "27", "MS": "28", "MO": "29", "MT": "30", "NE": "31",
	"NV": "32", "NH": "33", "NJ": "34", "NM": "35", "NY": "36", "NC": "37", "ND": "38",
	"OH": "39", "OK": "40", "OR": "41", "PA": "42", "RI": "44", "SC": "45", "SD": "46",
	"TN": "47", "TX": "48", "UT": "49", "VT": "50", "VA": "51", "WA": "53", "WV": "54",
	"WI": "55", "WY": "56",
	// Territories.
	"AS": "60", "GU": "66", "MP": "69", "PR": "72", "VI": "78",
}

// StateFIPS returns the 2-digit FIPS code of a US postal state code
// (case-insensitive) and whether the code is known.
func StateFIPS(state string) (string, bool) {
	if len(state) == 2 {
		// Two ASCII letters, in either case: an array index.
		a, b := state[0]|0x20, state[1]|0x20
		if 'a' <= a && a <= 'z' && 'a' <= b && b <= 'z' {
			f := stateByLetters[int(a-'a')*26+int(b-'a')]
			return f, f != ""
		}
	}
	f, ok := stateFIPS[strings.ToUpper(state)]
	return f, ok
}

// stateByLetters is stateFIPS indexed by its codes' letters (AA, AB, ...).
var stateByLetters = func() (t [26 * 26]string) {
	for code, f := range stateFIPS {
		t[int(code[0]-'A')*26+int(code[1]-'A')] = f
	}
	return t
}()

// feinPrefixes are the EIN prefixes the IRS assigns (by campus, including
// the internet and SBA prefixes): 01–06, 10–16, 20–27, 30–48, 50–68, 71–77,
// 80–88, 90–95, 98 and 99. Anything else (00, 07–09, 17–19, 28, 29, 49, 69,
// 70, 78, 79, 89, 96, 97) was never issued.
var feinPrefixes = func() [100]bool {
	var ok [100]bool
	for _, r := range [][2]int{{1, 6}, {10, 16}, {20, 27}, {30, 48}, {50, 68}, {71, 77}, {80, 88}, {90, 95}, {98, 99}} {
		for p := r[0]; p <= r[1]; p++ {
			ok[p] = true
		}
	}
	return ok
}()

// Predicates of field errors; the messages built on them say the rest.
var (
	errFormat = errors.New("has the wrong format")
	errPrefix = errors.New("has a prefix the IRS never assigns")
	errRange  = errors.New("is out of range")
)

// NormalizeFEIN returns the 9 digits of a FEIN written as 9 digits or
// NN-NNNNNNN, or an error saying why it is not a valid FEIN. The error never
// contains the FEIN.
func NormalizeFEIN(s string) (string, error) {
	d := s
	if len(s) == 10 && s[2] == '-' {
		d = s[:2] + s[3:]
	}
	if len(d) != 9 || !allDigits(d) {
		return "", errFormat
	}
	if !feinPrefixes[int(d[0]-'0')*10+int(d[1]-'0')] {
		return "", errPrefix
	}
	return d, nil
}

// NormalizeSSN returns the 9 digits of an SSN written as 9 digits or
// NNN-NN-NNNN, or an error saying why it is not a valid SSN: area 000, 666
// and 900–999, group 00 and serial 0000 are never issued. The error never
// contains the SSN.
func NormalizeSSN(s string) (string, error) {
	d := s
	if len(s) == 11 && s[3] == '-' && s[6] == '-' {
		d = s[:3] + s[4:6] + s[7:]
	}
	if len(d) != 9 || !allDigits(d) {
		return "", errFormat
	}
	area, group, serial := d[:3], d[3:5], d[5:]
	if area == "000" || area == "666" || area[0] == '9' || group == "00" || serial == "0000" {
		return "", errRange
	}
	return d, nil
}

// validZip reports whether s is a 5-digit ZIP code or ZIP+4 (12345-6789),
// other than 00000.
func validZip(s string) bool {
	if len(s) == 10 {
		if s[5] != '-' || !allDigits(s[6:]) {
			return false
		}
		s = s[:5]
	}
	return len(s) == 5 && allDigits(s) && s != "00000"
}

// dateLayout is the one date format of the canonical model.
const dateLayout = "2006-01-02"

// parseDate parses a YYYY-MM-DD calendar date, refusing days that do not
// exist (2017-02-29). It is hand-written because validation parses every
// date of every member, and time.Parse is several times slower.
func parseDate(s string) (time.Time, error) {
	y, m, d, ok := splitDate(s)
	if !ok {
		return time.Time{}, errFormat
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
}

// validDate reports whether parseDate accepts s, without making a time.
func validDate(s string) bool {
	_, _, _, ok := splitDate(s)
	return ok
}

// splitDate returns the year, month and day of a real calendar date
// written YYYY-MM-DD.
func splitDate(s string) (y, m, d int, ok bool) {
	if len(s) != len(dateLayout) || s[4] != '-' || s[7] != '-' ||
		!allDigits(s[:4]) || !allDigits(s[5:7]) || !allDigits(s[8:]) {
		return 0, 0, 0, false
	}
	y, _ = strconv.Atoi(s[:4]) // cannot fail: checked digits
	m = int(s[5]-'0')*10 + int(s[6]-'0')
	d = int(s[8]-'0')*10 + int(s[9]-'0')
	if m < 1 || m > 12 || d < 1 || d > model.DaysIn(y, m) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// age returns the whole years between birth and at.
func age(birth, at time.Time) int {
	n := at.Year() - birth.Year()
	if at.Month() < birth.Month() || (at.Month() == birth.Month() && at.Day() < birth.Day()) {
		n--
	}
	return n
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
