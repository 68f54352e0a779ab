package validate

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr/vm"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/formats/x12/charset"
)

// Group validates g against shape, reference data and the carrier's catalog and rules.
// now is the clock (for "not in the future"). Errors have ErrorType, Message (a complete
// sentence a partner can act on), Parameter (canonical path, e.g.
// group.subscribers[E1001].dependents[E1001-S].birth_date, built with model's path
// helpers), Value (omitted for SSNs, model.MaskFEIN for FEINs). Source is left nil (the
// caller fills it from model.SourcedGroup.Locate). Sorted deterministically.
//
// c may be nil: then only shape and reference data are checked. Valid values
// are normalised in place: a FEIN or SSN written with dashes becomes its 9
// digits, a state code is upper-cased.
func Group(g *model.Group, c *Carrier, now time.Time) []model.Error {
	if g == nil {
		return []model.Error{{ErrorType: model.ErrParameterRequired, Parameter: model.PathGroup,
			Message: "The group is missing; send one group object."}}
	}
	v := &checker{c: c, today: now.Format(dateLayout)}
	v.env.Today = func() string { return v.today }
	v.group(g)
	model.SortErrors(v.errs)
	return v.errs
}

// checker collects the errors of one group.
type checker struct {
	c     *Carrier
	today string
	errs  []model.Error
	env   env
	vm    vm.VM // reused across rules: a run allocates less
	memo  map[ruleMemoKey]ruleRun
}

// at is where a value lives: its entity's path, its field's JSON name, and
// the entity as a message names it ("The subscriber's"). The parameter path
// and the label are joined only when an error is reported, which keeps a
// clean group (the common case) free of string building.
type at struct {
	base         entity
	field, owner string
}

func (a at) param() string {
	if a.field == "" {
		return a.base.String()
	}
	return a.base.field(a.field)
}

func (a at) label() string {
	if a.field == "fein" {
		return a.owner + " FEIN"
	}
	return a.owner + " " + a.field
}

// kind says how a value may be echoed in an error.
type kind int

const (
	plain  kind = iota
	fein        // masked
	secret      // omitted (SSN)
)

func shown(value string, k kind) string {
	switch k {
	case fein:
		return model.MaskFEIN(value)
	case secret:
		return ""
	}
	return value
}

func (v *checker) add(t model.ErrorType, param, value, msg string) {
	v.errs = append(v.errs, model.Error{ErrorType: t, Parameter: param, Value: value, Message: msg})
}

// maxText bounds every text value (characters). No carrier format has a
// field near it (X12 names take at most 60); it keeps a hostile value of
// megabytes out of the store, the carrier files and the reports.
const maxText = 1000

// clipText is the start of an over-long value, for an error to echo.
func clipText(s string) string {
	n := 0
	for i := range s {
		if n == 40 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// text checks a string field: presence when required, and that it is not
// over-long, holds no control character and none of the carrier's
// delimiters, and fits its X12 element. It reports whether the value is present and clean, so format
// checks can follow.
func (v *checker) text(a at, value string, required bool, k kind) bool {
	if isBlank(value) {
		if required {
			v.add(model.ErrParameterRequired, a.param(), "", a.label()+" is required.")
		}
		return false
	}
	if len(value) > maxText && utf8.RuneCountInString(value) > maxText {
		// Echo the start only: the value itself may be megabytes.
		v.add(model.ErrParameterInvalid, a.param(), shown(clipText(value), k), fmt.Sprintf(
			"%s must be at most %d characters; it has %d.", a.label(), maxText, utf8.RuneCountInString(value)))
		return false
	}
	// One pass finds the first control character and the first of the
	// carrier's (ASCII) delimiters; a control character is reported first
	// wherever it is.
	delims := &noDelimiters
	if v.c != nil {
		delims = &v.c.delimSet
	}
	delim, foreign := -1, false
	for i := 0; i < len(value); i++ {
		b := value[i]
		// Bytes outside the X12 character set: non-ASCII, ^ and `.
		foreign = foreign || b >= utf8.RuneSelf || b == '^' || b == '`'
		if b < 0x20 || b == 0x7f {
			// No carrier format carries them (the X12 writer refuses
			// them), and they garble reports and terminals.
			v.add(model.ErrParameterInvalid, a.param(), shown(value, k), fmt.Sprintf(
				"%s must not contain control characters such as tabs, line breaks or terminal escapes (found 0x%02X); remove them.",
				a.label(), b))
			return false
		}
		if delim < 0 && delims[b] {
			delim = i
		}
	}
	if v.c != nil && v.c.delimiters != "" {
		i := delim
		if !v.c.delimASCII {
			i = strings.IndexAny(value, v.c.delimiters)
		}
		if i >= 0 {
			_, size := utf8.DecodeRuneInString(value[i:])
			v.add(model.ErrParameterInvalid, a.param(), shown(value, k), fmt.Sprintf(
				"%s must not contain the character '%s', which the carrier's X12 files use as a delimiter.",
				a.label(), value[i:i+size]))
			return false
		}
	}
	if foreign && v.c != nil && v.c.delimiters != "" {
		folded, bad := charset.Fold(value)
		if len(bad) > 0 {
			v.add(model.ErrParameterInvalid, a.param(), shown(value, k), fmt.Sprintf(
				"%s contains characters that carrier %s's X12 files cannot carry and that have no Latin spelling: %s; write it in Latin letters.",
				a.label(), v.c.id, charset.Describe(bad)))
			return false
		}
		// The 834 carries the transliteration (ß is SS): its length counts.
		return v.fitsX12Len(a, value, len(folded), k)
	}
	return v.fitsX12(a, value, k) // x12limits.go
}

// noDelimiters is the delimiter set of a carrier without delimiters.
var noDelimiters [256]bool

// isBlank reports whether strings.TrimSpace(s) == "", without trimming
// when s starts with a printable ASCII character.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || (c >= '\t' && c <= '\r'):
		case c < utf8.RuneSelf:
			return false
		default:
			return strings.TrimSpace(s[i:]) == ""
		}
	}
	return true
}

// enum checks a field against its allowed values.
func (v *checker) enum(a at, value string, required bool, allowed []string) bool {
	if !v.text(a, value, required, plain) {
		return false
	}
	if !slices.Contains(allowed, value) {
		v.add(model.ErrParameterInvalid, a.param(), value,
			fmt.Sprintf("%s must be one of %s.", a.label(), strings.Join(allowed, ", ")))
		return false
	}
	return true
}

// date checks a date field and returns it ("" when absent or bad).
func (v *checker) date(a at, value string, required bool) string {
	if !v.text(a, value, required, plain) {
		return ""
	}
	if !validDate(value) {
		v.add(model.ErrParameterInvalid, a.param(), value,
			a.label()+" must be a real calendar date written YYYY-MM-DD, such as 2027-01-01.")
		return ""
	}
	return value
}

// notFuture reports a date after the clock's day. Dates in YYYY-MM-DD
// compare as strings.
func (v *checker) notFuture(a at, value string) bool {
	if value > v.today {
		v.add(model.ErrParameterInvalid, a.param(), value,
			fmt.Sprintf("%s is in the future (today is %s); give the actual date.", a.label(), v.today))
		return false
	}
	return true
}

// birthDate checks a required date of birth: real, not in the future, not
// before 1900.
func (v *checker) birthDate(a at, value string) {
	if d := v.date(a, value, true); d != "" && v.notFuture(a, d) && d < "1900-01-01" {
		v.add(model.ErrParameterInvalid, a.param(), d, a.label()+" is before 1900; check the year.")
	}
}

// ssn checks an optional SSN and normalises it to 9 digits.
func (v *checker) ssn(a at, value *string) {
	if !v.text(a, *value, false, secret) {
		return
	}
	d, err := NormalizeSSN(*value)
	switch err {
	case nil:
		*value = d
	case errFormat:
		v.add(model.ErrParameterInvalid, a.param(), "", a.label()+" must be 9 digits, written 123456789 or 123-45-6789.")
	default:
		v.add(model.ErrParameterInvalid, a.param(), "", a.label()+
			" is not a number the Social Security Administration issues (area 000, 666 or 900-999, group 00 or serial 0000); check it.")
	}
}

// fieldValue returns the value at a dotted path of JSON names below entity
// (a pointer to a model struct) for an error's Value: "" when the path does
// not name a scalar, masked for a FEIN, omitted for an SSN.
func fieldValue(entity any, path string) string {
	if path == "" || strings.ContainsAny(path, "[]") {
		return ""
	}
	rv := reflect.ValueOf(entity)
	names := strings.Split(path, ".")
	for _, name := range names {
		for rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				return ""
			}
			rv = rv.Elem()
		}
		if rv.Kind() != reflect.Struct {
			return ""
		}
		f, ok := fieldByJSON(rv.Type(), name)
		if !ok {
			return ""
		}
		rv = rv.FieldByIndex(f.Index)
	}
	switch names[len(names)-1] {
	case "social_security_number":
		return ""
	case "fein":
		return model.MaskFEIN(rv.String())
	}
	switch rv.Kind() {
	case reflect.String:
		return rv.String()
	case reflect.Int, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10)
	case reflect.Float64:
		return strconv.FormatFloat(rv.Float(), 'f', -1, 64)
	case reflect.Bool:
		return strconv.FormatBool(rv.Bool())
	}
	return ""
}

func fieldByJSON(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}
