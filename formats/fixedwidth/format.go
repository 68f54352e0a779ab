package fixedwidth

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onboard/onboard/engine/model"
)

// formatter turns a source value into a field's text.
type formatter interface {
	appendValue(dst []byte, v value) ([]byte, error)
	// size is the length of every text the format writes, or -1.
	size() int
	accepts(t srcType) bool
	// needs says what the format accepts, for error messages.
	needs() string
}

// formatNames lists the named formats for error messages.
const formatNames = "upper, digits, dollars, dollars_implied, whole_dollars, or a date layout such as YYYYMMDD or MM/DD/YYYY"

// parseFormat compiles a field's format.
func parseFormat(s string) (formatter, error) {
	switch s {
	case "upper":
		return upperFormat{}, nil
	case "digits":
		return digitsFormat{}, nil
	case "dollars":
		return moneyFormat(moneyDollars), nil
	case "dollars_implied":
		return moneyFormat(moneyImplied), nil
	case "whole_dollars":
		return moneyFormat(moneyWhole), nil
	}
	return parseDateFormat(s)
}

// upperFormat writes text in upper case.
type upperFormat struct{}

func (upperFormat) size() int              { return -1 }
func (upperFormat) accepts(t srcType) bool { return t == tText || t == tDate }
func (upperFormat) needs() string          { return "text" }
func (upperFormat) appendValue(dst []byte, v value) ([]byte, error) {
	s := v.String()
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return append(dst, strings.ToUpper(s)...), nil
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst, nil
}

// digitsFormat keeps only the digits: 123-45-6789 → 123456789.
type digitsFormat struct{}

func (digitsFormat) size() int              { return -1 }
func (digitsFormat) accepts(t srcType) bool { return t == tText || t == tDate }
func (digitsFormat) needs() string          { return "text" }
func (digitsFormat) appendValue(dst []byte, v value) ([]byte, error) {
	s := v.String()
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			dst = append(dst, s[i])
		}
	}
	return dst, nil
}

// moneyFormat writes an amount in cents.
type moneyFormat uint8

const (
	moneyDollars moneyFormat = iota // 5200000 → 52000.00
	moneyImplied                    // 5200000 → 5200000 (two implied decimals)
	moneyWhole                      // 5200050 → 52001 (rounded half away from zero)
)

func (moneyFormat) size() int              { return -1 }
func (moneyFormat) accepts(t srcType) bool { return t == tCents }
func (moneyFormat) needs() string          { return "money in cents" }
func (m moneyFormat) appendValue(dst []byte, v value) ([]byte, error) {
	n := v.n
	if v.kind != kInt {
		var err error
		if n, err = strconv.ParseInt(v.String(), 10, 64); err != nil {
			return dst, fmt.Errorf("value %w: it is not a whole number of cents", ErrInvalidValue)
		}
	}
	switch m {
	case moneyImplied:
		return strconv.AppendInt(dst, n, 10), nil
	case moneyWhole:
		if n < 0 {
			return strconv.AppendInt(dst, -((-n + 50) / 100), 10), nil
		}
		return strconv.AppendInt(dst, (n+50)/100, 10), nil
	}
	if n < 0 {
		dst = append(dst, '-')
		n = -n
	}
	dst = strconv.AppendInt(dst, n/100, 10)
	c := n % 100
	return append(dst, '.', byte('0'+c/10), byte('0'+c%10)), nil
}

// dateFormat writes a date or time in a layout of YYYY, YY, MM, DD, HH, MI,
// SS and separators.
type dateFormat struct {
	parts []datePart
	n     int
}

type datePart struct {
	tok string // "YYYY", "YY", "MM", "DD", "HH", "MI", "SS", or "" for lit
	lit byte
}

var dateTokens = []string{"YYYY", "YY", "MM", "DD", "HH", "MI", "SS"}

const dateSeparators = "/-.: T"

func parseDateFormat(s string) (formatter, error) {
	f := &dateFormat{}
	date := false
	for i := 0; i < len(s); {
		tok := ""
		for _, t := range dateTokens {
			if strings.HasPrefix(s[i:], t) {
				tok = t
				break
			}
		}
		switch {
		case tok != "":
			f.parts = append(f.parts, datePart{tok: tok})
			f.n += len(tok)
			i += len(tok)
			date = true
		case strings.IndexByte(dateSeparators, s[i]) >= 0:
			f.parts = append(f.parts, datePart{lit: s[i]})
			f.n++
			i++
		default:
			return nil, fmt.Errorf("format %q %w: expected %s", s, ErrInvalid, formatNames)
		}
	}
	if !date {
		return nil, fmt.Errorf("format %q %w: expected %s", s, ErrInvalid, formatNames)
	}
	return f, nil
}

func (f *dateFormat) size() int              { return f.n }
func (f *dateFormat) accepts(t srcType) bool { return t == tDate || t == tTime }
func (f *dateFormat) needs() string          { return "a date" }

func (f *dateFormat) appendValue(dst []byte, v value) ([]byte, error) {
	var y, mo, d, h, mi, sec int
	if v.kind == kTime {
		var m time.Month
		y, m, d = v.t.Date()
		mo = int(m)
		h, mi, sec = v.t.Clock()
	} else {
		var ok bool
		if y, mo, d, ok = parseISODate(v.String()); !ok {
			return dst, fmt.Errorf("value %w: it is not a date (YYYY-MM-DD)", ErrInvalidValue)
		}
	}
	if y < 0 || y > 9999 {
		return dst, fmt.Errorf("value %w: its year is not four digits", ErrInvalidValue)
	}
	for _, p := range f.parts {
		switch p.tok {
		case "":
			dst = append(dst, p.lit)
		case "YYYY":
			dst = append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
		case "YY":
			dst = two(dst, y%100)
		case "MM":
			dst = two(dst, mo)
		case "DD":
			dst = two(dst, d)
		case "HH":
			dst = two(dst, h)
		case "MI":
			dst = two(dst, mi)
		case "SS":
			dst = two(dst, sec)
		}
	}
	return dst, nil
}

func two(dst []byte, n int) []byte { return append(dst, byte('0'+n/10), byte('0'+n%10)) }

// parseISODate reads the canonical YYYY-MM-DD.
func parseISODate(s string) (y, m, d int, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	num := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	y, ok1 := num(s[:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > model.DaysIn(y, m) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}
