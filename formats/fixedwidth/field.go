package fixedwidth

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// field is one compiled field of a record.
type field struct {
	name   string
	index  int    // in its record
	header string // csv
	width  int    // 0: unlimited (csv only)
	start  int    // fixed-width: 0-based offset in the record
	right  bool   // right-aligned
	pad    byte
	cut    bool // truncate: cut
	req    bool // required

	isConst  bool
	constant string
	padded   string // fixed-width: constant as written, for matching lines

	src        *pathSpec // nil for a const or filler
	srcPath    string
	hasDefault bool
	def        string
	values     map[string]string
	format     formatter
}

// appendText appends the field's text, unpadded, checked against its width.
func (f *field) appendText(dst []byte, e *env, fixed bool) ([]byte, error) {
	start := len(dst)
	switch {
	case f.isConst:
		dst = append(dst, f.constant...)
	case f.src == nil: // filler
	default:
		v := f.src.get(e)
		switch {
		case v.empty():
			if f.hasDefault {
				dst = append(dst, f.def...)
			}
		case f.values != nil:
			key := v.String()
			code, ok := f.values[key]
			if !ok {
				return dst[:start], fmt.Errorf("value %q %w", key, ErrUnmapped)
			}
			dst = append(dst, code...)
		case f.format != nil:
			var err error
			if dst, err = f.format.appendValue(dst, v); err != nil {
				return dst[:start], err
			}
		default:
			dst = v.appendTo(dst)
		}
	}
	txt := dst[start:]
	if f.req && len(txt) == 0 {
		return dst, fmt.Errorf("value %w", ErrRequired)
	}
	if fixed && !f.isConst && hasLineBreak(txt) {
		return dst[:start], fmt.Errorf("value %w: it contains a line break", ErrInvalidValue)
	}
	if f.width > 0 && len(txt) > f.width {
		if !f.cut {
			return dst[:start], fmt.Errorf("value of %d bytes %w %d", len(txt), ErrTooLong, f.width)
		}
		n := f.width
		// Cut on a character boundary, so the text stays valid UTF-8; the
		// padding makes up the width.
		for n > 0 && n < len(txt) && !utf8.RuneStart(txt[n]) {
			n--
		}
		dst = dst[:start+n]
	}
	return dst, nil
}

// appendFixed appends the field's text padded to exactly its width.
func (f *field) appendFixed(dst []byte, e *env) ([]byte, error) {
	start := len(dst)
	dst, err := f.appendText(dst, e, true)
	if err != nil {
		return append(dst[:start], bytes.Repeat([]byte{f.pad}, f.width)...), err
	}
	n := len(dst) - start
	p := f.width - n
	for range p {
		dst = append(dst, f.pad)
	}
	if f.right && p > 0 && n > 0 {
		copy(dst[start+p:], dst[start:start+n])
		for i := start; i < start+p; i++ {
			dst[i] = f.pad
		}
	}
	return dst, nil
}

// hasLineBreak is bytes.ContainsAny(b, "\r\n"), without its set building:
// it runs for every field written.
func hasLineBreak(b []byte) bool {
	for _, c := range b {
		if c == '\n' || c == '\r' {
			return true
		}
	}
	return false
}
