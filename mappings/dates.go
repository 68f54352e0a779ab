package mappings

import (
	"time"

	"github.com/onboard/onboard/engine/model"
)

// numericLayout is a Go date layout made only of the numeric elements 2006,
// 01, 1, 02 and 2 and single separators ('-', '/', '.'), as the token
// layouts YYYY-MM-DD, MM/DD/YYYY, D.M.YYYY or YYYYMMDD compile to. Such a
// layout is parsed by hand, exactly as time.Parse parses it, without its
// allocations (every failed layout costs time.Parse an error value, and a
// census has several dates per row).
type numericLayout []dateElem

type dateElem struct {
	kind  byte // 'Y', 'M', 'D', or 0 for a separator
	fixed bool // two digits required (01, 02)
	sep   byte
}

// compileNumeric returns the numeric form of a Go layout, or nil when the
// layout has other elements (then time.Parse is used).
func compileNumeric(layout string) numericLayout {
	var out numericLayout
	var seen [256]bool
	for i := 0; i < len(layout); {
		var e dateElem
		switch rest := layout[i:]; {
		case len(rest) >= 4 && rest[:4] == "2006":
			e, i = dateElem{kind: 'Y'}, i+4
		case len(rest) >= 2 && rest[:2] == "01":
			e, i = dateElem{kind: 'M', fixed: true}, i+2
		case len(rest) >= 2 && rest[:2] == "02":
			e, i = dateElem{kind: 'D', fixed: true}, i+2
		case rest[0] == '1' && (len(rest) == 1 || !isDigit(rest[1])):
			e, i = dateElem{kind: 'M'}, i+1
		case rest[0] == '2' && (len(rest) == 1 || !isDigit(rest[1])):
			e, i = dateElem{kind: 'D'}, i+1
		case rest[0] == '-' || rest[0] == '/' || rest[0] == '.':
			e, i = dateElem{sep: rest[0]}, i+1
		default:
			return nil
		}
		if e.kind != 0 {
			if seen[e.kind] {
				return nil
			}
			seen[e.kind] = true
		}
		out = append(out, e)
	}
	if !seen['Y'] || !seen['M'] || !seen['D'] {
		return nil
	}
	// Check the reading against time's own on dates that tell the
	// elements apart; any difference, and time.Parse is used.
	for _, d := range []time.Time{
		time.Date(2031, time.November, 23, 0, 0, 0, 0, time.UTC),
		time.Date(1999, time.February, 3, 0, 0, 0, 0, time.UTC),
		time.Date(2024, time.February, 29, 0, 0, 0, 0, time.UTC),
	} {
		y, m, day, ok := out.parse(d.Format(layout))
		if !ok || y != d.Year() || m != int(d.Month()) || day != d.Day() {
			return nil
		}
	}
	return out
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// parse reads v as time.Parse(layout, v) would: a year of exactly 4
// digits, a month of 1 or 2 digits (2 when fixed) from 1 to 12, a day of 1
// or 2 digits that exists in that month, the separators as written, and
// nothing after.
func (l numericLayout) parse(v string) (year, month, day int, ok bool) {
	for _, e := range l {
		switch e.kind {
		case 0:
			if v == "" || v[0] != e.sep {
				return 0, 0, 0, false
			}
			v = v[1:]
		case 'Y':
			if len(v) < 4 || !isDigit(v[0]) || !isDigit(v[1]) || !isDigit(v[2]) || !isDigit(v[3]) {
				return 0, 0, 0, false
			}
			year = int(v[0]-'0')*1000 + int(v[1]-'0')*100 + int(v[2]-'0')*10 + int(v[3]-'0')
			v = v[4:]
		default:
			if v == "" || !isDigit(v[0]) {
				return 0, 0, 0, false
			}
			n := int(v[0] - '0')
			switch {
			case len(v) > 1 && isDigit(v[1]):
				n, v = n*10+int(v[1]-'0'), v[2:]
			case e.fixed:
				return 0, 0, 0, false
			default:
				v = v[1:]
			}
			if e.kind == 'M' {
				if n < 1 || n > 12 {
					return 0, 0, 0, false
				}
				month = n
			} else {
				day = n
			}
		}
	}
	if v != "" || day < 1 || day > model.DaysIn(year, month) {
		return 0, 0, 0, false
	}
	return year, month, day, true
}

// appendISODate appends YYYY-MM-DD (year 0 to 9999).
func appendISODate(b []byte, year, month, day int) []byte {
	return append(b, byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+month/10), byte('0'+month%10), '-', byte('0'+day/10), byte('0'+day%10))
}

// isISODate reports whether v is already year, month and day as YYYY-MM-DD.
func isISODate(v string, year, month, day int) bool {
	return len(v) == 10 && v[4] == '-' && v[7] == '-' &&
		v[0] == byte('0'+year/1000) && v[1] == byte('0'+year/100%10) && v[2] == byte('0'+year/10%10) && v[3] == byte('0'+year%10) &&
		v[5] == byte('0'+month/10) && v[6] == byte('0'+month%10) && v[8] == byte('0'+day/10) && v[9] == byte('0'+day%10)
}
