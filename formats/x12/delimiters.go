package x12

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/onboard/onboard/formats/x12/charset"
)

// Delimiters are the four separator characters of an interchange, declared
// by its ISA segment, and whether a newline follows each segment terminator
// (for people reading the file; readers ignore it).
type Delimiters struct {
	Element    byte // the byte after "ISA"; default '*'
	Component  byte // ISA16; default ':'
	Repetition byte // ISA11 (version 00501); default '^'; 0 when the interchange declares none
	Segment    byte // the byte after ISA16; default '~'
	Newline    bool // write '\n' after each segment terminator
}

// DefaultDelimiters returns * : ^ ~ with a newline after each segment.
func DefaultDelimiters() Delimiters {
	return Delimiters{Element: '*', Component: ':', Repetition: '^', Segment: '~', Newline: true}
}

// orDefault returns d, or the defaults when d is the zero value.
func (d Delimiters) orDefault() Delimiters {
	if d == (Delimiters{}) {
		return DefaultDelimiters()
	}
	return d
}

// Validate reports whether d can be written: four distinct separators, none
// of them a letter, a digit or a space, and only the segment terminator may
// be a carriage return or a newline.
func (d Delimiters) Validate() error {
	named := []struct {
		name string
		b    byte
	}{
		{"element separator", d.Element},
		{"component separator", d.Component},
		{"repetition separator", d.Repetition},
		{"segment terminator", d.Segment},
	}
	for i, n := range named {
		switch {
		case n.b == 0:
			return fmt.Errorf("%w: the %s is not set", ErrBadDelimiters, n.name)
		case isAlnum(n.b) || n.b == ' ':
			return fmt.Errorf("%w: the %s %q is a letter, digit or space", ErrBadDelimiters, n.name, n.b)
		case (n.b == '\n' || n.b == '\r') && n.name != "segment terminator":
			return fmt.Errorf("%w: the %s cannot be a line break", ErrBadDelimiters, n.name)
		}
		for _, m := range named[:i] {
			if m.b == n.b {
				return fmt.Errorf("%w: the %s and the %s are both %q", ErrBadDelimiters, m.name, n.name, n.b)
			}
		}
	}
	return nil
}

// name returns the name of delimiter byte b, or "" when b is none of them.
func (d Delimiters) name(b byte) string {
	switch b {
	case d.Element:
		return "element separator"
	case d.Component:
		return "component separator"
	case d.Repetition:
		return "repetition separator"
	case d.Segment:
		return "segment terminator"
	}
	return ""
}

// Errors a value can fail CheckValue with.
var (
	// ErrDelimiterInValue: the value holds one of the interchange's delimiters.
	ErrDelimiterInValue = errors.New("value contains a delimiter character")
	// ErrControlCharacter: the value holds a control character (below 0x20 or DEL).
	ErrControlCharacter = errors.New("value contains a control character")
	// ErrCharacterSet: the value holds a character outside the X12 basic
	// and extended character sets (a byte >= 0x80, ^ or `).
	ErrCharacterSet = errors.New("value contains a character outside the X12 character set")
	// ErrBadDelimiters: a Delimiters value cannot be used.
	ErrBadDelimiters = errors.New("invalid delimiters")
)

// CheckValue reports whether s can be written as a data element with d: it
// must contain none of the four delimiters, no control character and
// nothing outside the X12 basic and extended character sets (names and
// addresses are transliterated before, see foldASCII). The error names the
// offending character, never the value (which may be an SSN).
func CheckValue(s string, d Delimiters) error {
	d = d.orDefault()
	for i := 0; i < len(s); i++ {
		b := s[i]
		// In the set and no delimiter: the usual case, decided in one test.
		if charset.Allowed(b) && b != d.Element && b != d.Component && b != d.Repetition && b != d.Segment {
			continue
		}
		if b == 0 {
			return fmt.Errorf("%w (NUL)", ErrControlCharacter)
		}
		if n := d.name(b); n != "" {
			return fmt.Errorf("%w: the %s %q", ErrDelimiterInValue, n, b)
		}
		if b < 0x20 || b == 0x7f {
			return fmt.Errorf("%w (0x%02x)", ErrControlCharacter, b)
		}
		r, _ := utf8.DecodeRuneInString(s[i:])
		return fmt.Errorf("%w: %s", ErrCharacterSet, charset.Describe([]rune{r}))
	}
	return nil
}

func isAlnum(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z'
}
