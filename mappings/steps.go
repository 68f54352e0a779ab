package mappings

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/expr-lang/expr/vm"
)

// Sentinels that cell errors unwrap to: each holds only the predicate.
var (
	ErrRequired    = errors.New("is required")
	ErrNotAccepted = errors.New("is not an accepted value")
	ErrNotDate     = errors.New("is not a valid date")
	ErrNotAmount   = errors.New("is not an amount in dollars")
	ErrNotNumber   = errors.New("is not a number")
	ErrWrongForm   = errors.New("is not in an accepted form")
	ErrExpression  = errors.New("could not be computed by the mapping's expression")
)

// op is a transform kind.
type op uint8

const (
	opTrim op = iota
	opUpper
	opLower
	opDigits
	opCents
	opPad
	opDate
	opValues
	opMatch
	opExpr
)

// transformNames are the transforms a mapping may name, for messages.
var transformNames = []string{"trim", "upper", "lower", "digits", "cents", "pad", "date", "values", "match", "expr"}

var scalarOps = map[string]op{"trim": opTrim, "upper": opUpper, "lower": opLower, "digits": opDigits, "cents": opCents}

// step is one compiled transform. Steps are data: Plan.Map walks them with
// one switch, so a mapping costs no reflection or interface calls per cell.
type step struct {
	op op
	// pad
	width int
	char  string
	left  bool
	// date: Go layouts and how to name them to a partner
	layouts []string
	numeric []numericLayout // per layout: its hand-written parser, or nil
	shown   string
	// values: lookup by exact key, then by lower-case key
	table    map[string]string
	accepted string
	// match: picture patterns
	patterns []string
	// expr
	prog    *vm.Program
	usesRow bool
}

// apply runs the step on a non-blank value (expr also runs on blanks).
func (s *step) apply(v string, p *Plan) (string, error) {
	switch s.op {
	case opTrim:
		return strings.TrimSpace(v), nil
	case opUpper:
		return strings.ToUpper(v), nil
	case opLower:
		return strings.ToLower(v), nil
	case opDigits:
		return digits(v), nil
	case opCents:
		c, ok := dollarsToCents(v)
		if !ok {
			return v, fmt.Errorf("%w; write dollars like 52000 or 52,000.00", ErrNotAmount)
		}
		return c, nil
	case opPad:
		n := utf8.RuneCountInString(v)
		if n >= s.width {
			return v, nil
		}
		fill := strings.Repeat(s.char, s.width-n)
		if s.left {
			return fill + v, nil
		}
		return v + fill, nil
	case opDate:
		for i, l := range s.layouts {
			if i < len(s.numeric) && s.numeric[i] != nil {
				nl := s.numeric[i]
				y, m, d, ok := nl.parse(v)
				switch {
				case !ok:
					continue
				case isISODate(v, y, m, d):
					return v, nil // already canonical: no new string
				}
				var buf [10]byte
				return string(appendISODate(buf[:0], y, m, d)), nil
			}
			if t, err := time.Parse(l, v); err == nil {
				var buf [16]byte
				out := t.AppendFormat(buf[:0], time.DateOnly)
				if string(out) == v {
					return v, nil // already canonical: no new string
				}
				return string(out), nil
			}
		}
		return v, fmt.Errorf("%w; write it as %s", ErrNotDate, s.shown)
	case opValues:
		if c, ok := s.table[v]; ok {
			return c, nil
		}
		if c, ok := s.table[strings.ToLower(v)]; ok {
			return c, nil
		}
		return v, fmt.Errorf("%w; use one of %s", ErrNotAccepted, s.accepted)
	case opMatch:
		for _, pat := range s.patterns {
			if matchPicture(pat, v) {
				return v, nil
			}
		}
		return v, fmt.Errorf("%w; write it as %s", ErrWrongForm, strings.Join(s.patterns, " or "))
	case opExpr:
		return p.eval(s.prog, v)
	}
	return v, nil
}

// digits keeps the ASCII digits of v, without allocating when v is all digits.
func digits(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			b := make([]byte, 0, len(v))
			for j := 0; j < len(v); j++ {
				if v[j] >= '0' && v[j] <= '9' {
					b = append(b, v[j])
				}
			}
			return string(b)
		}
	}
	return v
}

// dollarsToCents turns "52,000.00", "$52000", "-12.5" into whole cents.
func dollarsToCents(v string) (string, bool) {
	neg := false
	if strings.HasPrefix(v, "-") {
		neg, v = true, strings.TrimSpace(v[1:])
	}
	v = strings.TrimSpace(strings.TrimPrefix(v, "$"))
	whole, frac, hasDot := strings.Cut(v, ".")
	if hasDot && (len(frac) == 0 || len(frac) > 2) {
		return "", false
	}
	var cents int64
	n := 0
	for i := 0; i < len(whole); i++ {
		c := whole[i]
		switch {
		case c == ',' && i > 0:
			continue
		case c >= '0' && c <= '9':
			n++
			if n > 15 { // beyond any salary; keeps the arithmetic in int64
				return "", false
			}
			cents = cents*10 + int64(c-'0')
		default:
			return "", false
		}
	}
	if n == 0 {
		return "", false
	}
	cents *= 100
	for i, f := 0, 10; i < len(frac); i, f = i+1, f/10 {
		c := frac[i]
		if c < '0' || c > '9' {
			return "", false
		}
		cents += int64(c-'0') * int64(f)
	}
	if neg {
		cents = -cents
	}
	return strconv.FormatInt(cents, 10), true
}

// matchPicture reports whether v has the form of a picture: '#' is a digit,
// '@' a letter, '*' any character, anything else itself.
func matchPicture(pat, v string) bool {
	for _, pc := range pat {
		if v == "" {
			return false
		}
		c, size := utf8.DecodeRuneInString(v)
		v = v[size:]
		switch pc {
		case '#':
			if c < '0' || c > '9' {
				return false
			}
		case '@':
			if !unicode.IsLetter(c) {
				return false
			}
		case '*':
		default:
			if c != pc {
				return false
			}
		}
	}
	return v == ""
}

// dateLayout turns a layout into a Go layout. "YYYY-MM-DD"-style layouts
// use the tokens YYYY, YY, MMMM (January), MMM (Jan), MM or M, DD or D;
// MM and DD also accept a single digit (partners' spreadsheets drop the
// zero) unless they touch another number. Any other layout is a Go layout
// ("2006-01-02"). A layout must name a year, a month and a day.
func dateLayout(l string) (string, error) {
	if strings.ContainsAny(l, "YD") {
		return tokenLayout(l)
	}
	ref := time.Date(2031, time.November, 23, 0, 0, 0, 0, time.UTC)
	t, err := time.Parse(l, ref.Format(l))
	if err != nil || t.Year() != 2031 || t.Month() != time.November || t.Day() != 23 {
		return "", errors.New("it must name a year, a month and a day, as YYYY-MM-DD, MM/DD/YYYY or a Go layout like 2006-01-02")
	}
	return l, nil
}

type dateToken struct {
	text    string
	numeric bool
	unit    byte // Y, M or D; 0 for a literal
}

func tokenLayout(l string) (string, error) {
	var toks []dateToken
	for i := 0; i < len(l); {
		c := l[i]
		j := i
		for j < len(l) && l[j] == c {
			j++
		}
		run := l[i:j]
		switch c {
		case 'Y':
			if len(run) != 2 && len(run) != 4 {
				return "", fmt.Errorf("%q is not a year: write YYYY or YY", run)
			}
			toks = append(toks, dateToken{text: run, numeric: true, unit: 'Y'})
		case 'M':
			if len(run) > 4 {
				return "", fmt.Errorf("%q is not a month: write MM, M, MMM or MMMM", run)
			}
			toks = append(toks, dateToken{text: run, numeric: len(run) <= 2, unit: 'M'})
		case 'D':
			if len(run) > 2 {
				return "", fmt.Errorf("%q is not a day: write DD or D", run)
			}
			toks = append(toks, dateToken{text: run, numeric: true, unit: 'D'})
		default:
			r, _ := utf8.DecodeRuneInString(l[i:])
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return "", fmt.Errorf("%q is not a date token: use YYYY, YY, MM, M, MMM, MMMM, DD, D and separators", string(r))
			}
			j = i + utf8.RuneLen(r)
			toks = append(toks, dateToken{text: l[i:j]})
		}
		i = j
	}
	var seen [256]int
	for _, t := range toks {
		seen[t.unit]++
	}
	for _, u := range []byte("YMD") {
		if seen[u] != 1 {
			return "", errors.New("it must name the year, the month and the day once each, as in YYYY-MM-DD or MM/DD/YYYY")
		}
	}
	var b strings.Builder
	for i, t := range toks {
		touching := (i > 0 && toks[i-1].numeric) || (i+1 < len(toks) && toks[i+1].numeric)
		switch t.text {
		case "YYYY":
			b.WriteString("2006")
		case "YY":
			b.WriteString("06")
		case "MMMM":
			b.WriteString("January")
		case "MMM":
			b.WriteString("Jan")
		case "MM", "M":
			if touching {
				b.WriteString("01")
			} else {
				b.WriteString("1")
			}
		case "DD", "D":
			if touching {
				b.WriteString("02")
			} else {
				b.WriteString("2")
			}
		default:
			b.WriteString(t.text)
		}
	}
	return b.String(), nil
}

// showLayout names a layout for a partner: token layouts as written, Go
// layouts translated to tokens.
var goLayoutNames = strings.NewReplacer("2006", "YYYY", "January", "MMMM", "Jan", "MMM", "01", "MM", "02", "DD", "06", "YY", "_2", "D", "1", "M", "2", "D")

func showLayout(l string) string {
	if strings.ContainsAny(l, "YD") {
		return l
	}
	return goLayoutNames.Replace(l)
}
