package x12

import (
	"fmt"
	"strings"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/formats/x12/charset"
)

// setBuilder builds the segments of one transaction set in memory, so a
// set is built once and written only when every value passed: a set with
// a bad value writes nothing. Each element is checked against the
// delimiters as it is appended (a table lookup per byte); the first
// problem sticks, as in fields, and end returns it.
//
// Elements are appended straight into buf: no string per element, no
// []string per segment. An element that fails its check leaves garbage in
// buf, which is harmless: the set is thrown away with its error.
type setBuilder struct {
	fields
	bad      [256]bool // bytes no element may hold: the delimiters and those outside the X12 character set
	buf      []byte
	n        int    // segments built, ST included (ST counts as 1)
	id       string // the open segment's id
	segStart int    // where the open segment starts in buf
	elems    int    // elements of the open segment so far
	segErr   error  // first element of the open segment that failed the check
	lines    []string
}

// reset readies b for a set written with delimiters d, keeping buf's
// memory.
func (b *setBuilder) reset(d Delimiters) {
	for c := range b.bad {
		b.bad[c] = !charset.Allowed(byte(c))
	}
	for _, c := range []byte{d.Element, d.Component, d.Repetition, d.Segment} {
		b.bad[c] = true
	}
	b.fields = fields{d: d}
	b.buf = b.buf[:0]
	b.n = 1 // the ST segment
	b.segErr = nil
}

// SetSegments returns the segments built so far, ST included: the next
// segment's position in the set is SetSegments()+1.
func (b *setBuilder) SetSegments() int { return b.n }

// clean reports whether v holds no delimiter and no control character
// (CheckValue's rule, by table).
func (b *setBuilder) clean(v []byte) bool {
	for _, c := range v {
		if b.bad[c] {
			return false
		}
	}
	return true
}

// begin opens a segment.
func (b *setBuilder) begin(id string) {
	b.segStart = len(b.buf)
	b.buf = append(b.buf, id...)
	b.id, b.elems, b.segErr = id, 0, nil
}

// next starts the open segment's next element and returns where its value
// begins in buf.
func (b *setBuilder) next() int {
	b.elems++
	b.buf = append(b.buf, b.d.Element)
	return len(b.buf)
}

// el appends an element written as given (a code or a value made
// elsewhere); it is checked like any other.
func (b *setBuilder) el(v string) {
	at := b.next()
	b.buf = append(b.buf, v...)
	if b.segErr == nil && !b.clean(b.buf[at:]) {
		b.segErr = fmt.Errorf("%w: %s%02d: %w", ErrBadSegment, b.id, b.elems, CheckValue(v, b.d))
	}
}

// skip appends an empty element.
func (b *setBuilder) skip() { b.next() }

// val appends s as fields.val returns it: trimmed, upper-cased, folded to
// ASCII and checked. It returns where the value begins in buf.
func (b *setBuilder) val(p param, elem, s string) int {
	at := b.next()
	if b.err != nil {
		return at
	}
	b.buf = appendNormalized(b.buf, s)
	if !b.clean(b.buf[at:]) {
		b.fail(p, elem, CheckValue(string(b.buf[at:]), b.d))
	} else if n := len(b.buf) - at; n < 3 || n > 15 { // textLengths' bounds lie outside 3..15
		if err := checkLength(elem, n); err != nil {
			b.fail(p, elem, err)
		}
	}
	return at
}

// required is val for a value that must not be empty.
func (b *setBuilder) required(p param, elem, s string) {
	if at := b.val(p, elem, s); b.err == nil && len(b.buf) == at {
		b.fail(p, elem, ErrRequired)
	}
}

// requiredValue returns s as fields.required does, without its work when
// s is already as val would make it (the usual case for dates and codes).
func (b *setBuilder) requiredValue(p param, elem, s string) string {
	if b.err == nil && s != "" && b.plain(s) {
		return s
	}
	return b.fields.required(p, elem, s)
}

// plain reports whether val would return s unchanged: printable ASCII
// without lower-case letters, delimiters or spaces at either end.
func (b *setBuilder) plain(s string) bool {
	if len(s) > 0 && (s[0] == ' ' || s[len(s)-1] == ' ') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c >= 'a' && c <= 'z' || b.bad[c] {
			return false
		}
	}
	return true
}

// digits appends the digits of s, which must number n (as fields.digits).
// Digits are never delimiters (Delimiters.Validate).
func (b *setBuilder) digits(p param, elem, s string, n int) {
	at := b.next()
	if b.err != nil {
		return
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			b.buf = append(b.buf, c)
		}
	}
	if len(b.buf)-at != n {
		b.fail(p, elem, digitsProblem(s, n))
	}
}

// date appends a date as CCYYMMDD (as fields.date).
func (b *setBuilder) date(p param, elem, s string) {
	b.next()
	if b.err != nil {
		return
	}
	var ok bool
	if b.buf, ok = appendD8(b.buf, strings.TrimSpace(s)); !ok {
		b.fail(p, elem, errNotDate)
	}
}

// end closes the open segment and returns the first problem of the set so
// far: a field's (a *FieldError), else an element that failed the check.
// Trailing empty elements are dropped, as Writer.WriteSegment drops them.
func (b *setBuilder) end() error {
	if b.err != nil {
		return b.err
	}
	if b.segErr != nil {
		return b.segErr
	}
	// A value never holds the element separator (it was checked), so the
	// separators ending the segment are those of empty elements.
	i := len(b.buf)
	for i > b.segStart+len(b.id) && b.buf[i-1] == b.d.Element {
		i--
	}
	b.buf = append(b.buf[:i], b.d.Segment)
	if b.d.Newline && b.d.Segment != '\n' {
		b.buf = append(b.buf, '\n')
	}
	b.n++
	return nil
}

// segment writes a whole segment of values made elsewhere.
func (b *setBuilder) segment(id string, elements ...string) error {
	b.begin(id)
	for _, e := range elements {
		b.el(e)
	}
	return b.end()
}

// appendNormalized appends foldASCII(strings.ToUpper(strings.TrimSpace(s)))
// to dst without the intermediate strings when s is ASCII with nothing to
// transliterate.
func appendNormalized(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] == '`' {
			return append(dst, foldASCII(strings.ToUpper(strings.TrimSpace(s)))...)
		}
	}
	// strings.TrimSpace trims these bytes from an ASCII string.
	for len(s) > 0 && asciiSpace[s[0]] {
		s = s[1:]
	}
	for len(s) > 0 && asciiSpace[s[len(s)-1]] {
		s = s[:len(s)-1]
	}
	at := len(dst)
	dst = append(dst, s...)
	for i := at; i < len(dst); i++ {
		if c := dst[i]; c >= 'a' && c <= 'z' {
			dst[i] = c - ('a' - 'A')
		}
	}
	return dst
}

var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// errNotDate is the problem of a value that is no date in a form
// appendD8 reads.
var errNotDate = fmt.Errorf("%w: not a date (YYYY-MM-DD)", ErrInvalid)

// appendD8 appends the date s as CCYYMMDD. It reads exactly what
// time.Parse reads with the layouts 2006-01-02, 20060102 and 01/02/2006
// (four-digit year, two-digit month and day, a day that exists in its
// month), without time.Parse's cost, and reports false for anything else.
func appendD8(dst []byte, s string) ([]byte, bool) {
	var y, m, d string
	switch {
	case len(s) == 10 && s[4] == '-' && s[7] == '-': // 2006-01-02
		y, m, d = s[0:4], s[5:7], s[8:10]
	case len(s) == 8: // 20060102
		y, m, d = s[0:4], s[4:6], s[6:8]
	case len(s) == 10 && s[2] == '/' && s[5] == '/': // 01/02/2006
		m, d, y = s[0:2], s[3:5], s[6:10]
	default:
		return dst, false
	}
	year, ok1 := number(y)
	month, ok2 := number(m)
	day, ok3 := number(d)
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > model.DaysIn(year, month) {
		return dst, false
	}
	return append(append(append(dst, y...), m...), d...), true
}

// number reads s, which must be all ASCII digits.
func number(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
