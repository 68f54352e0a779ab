// Package charset is the X12 character set and the transliteration of
// names and addresses into it (DESIGN.md §7): a carrier's translator reads
// the basic and extended sets, which are ASCII, so É is written E, ß SS,
// Đ D, Ø O, a curly quote straight and a non-breaking space a space. What
// has no Latin spelling (Chinese, Cyrillic, Greek …) cannot be written and
// is rejected where the value is validated, naming the characters:
//
//	folded, bad := charset.Fold("Đặng Thị Ngọc")  // "DANG THI NGOC", nil
//	_, bad = charset.Fold("王伟")                   // bad = ['王' '伟']
package charset

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/unicode/norm"
)

// allowed marks the bytes of the X12 basic and extended character sets:
// letters, digits, space and !"&'()*+,-./:;?=%@[]_{}\|<>~#$. A carrier's
// delimiters are among them and are refused separately.
var allowed = func() (t [256]bool) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c], t[c+('a'-'A')] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range []byte(` !"&'()*+,-./:;?=%@[]_{}\|<>~#$`) {
		t[c] = true
	}
	return t
}()

// Allowed reports whether b is in the X12 basic or extended character set.
func Allowed(b byte) bool { return allowed[b] }

// table spells the letters and punctuation that decomposition does not
// reduce to ASCII: letters with a stroke or ligatures (Ø, Đ, Ł, Æ, Œ, ß),
// typographic quotes, dashes and spaces; zero-width characters vanish.
var table = map[rune]string{
	'ß': "SS", 'ẞ': "SS", 'Æ': "AE", 'æ': "AE", 'Œ': "OE", 'œ': "OE",
	'Ø': "O", 'ø': "O", 'Đ': "D", 'đ': "D", 'Ð': "D", 'ð': "D", 'Ł': "L", 'ł': "L",
	'Þ': "TH", 'þ': "TH", 'Ħ': "H", 'ħ': "H", 'Ŧ': "T", 'ŧ': "T", 'ı': "I", 'ĸ': "K",
	'Ŋ': "NG", 'ŋ': "NG", 'Ɖ': "D", 'ɖ': "D", 'Ƒ': "F", 'ƒ': "F",
	'\u2018': "'", '\u2019': "'", '\u201A': "'", '\u201B': "'", '\u2032': "'", '\u00B4': "'", '`': "'", '\u02BC': "'",
	'\u201C': `"`, '\u201D': `"`, '\u201E': `"`, '\u201F': `"`, '\u2033': `"`, '\u00AB': `"`, '\u00BB': `"`,
	'\u00A0': " ", '\u2007': " ", '\u202F': " ", '\u205F': " ", '\u3000': " ",
	'\u2010': "-", '\u2011': "-", '\u2012': "-", '\u2013': "-", '\u2014': "-", '\u2015': "-", '\u2212': "-",
	'\u2026': "...", '\u00B7': ".",
	'\u200B': "", '\u200C': "", '\u200D': "", '\u2060': "", '\uFEFF': "", '\u00AD': "",
}

// marks are the combining (nonspacing) marks decomposition separates.
var marks = runes.In(unicode.Mn)

// stripMarks decomposes r (compatibility: ﬁ is fi, ² is 2) and drops the
// combining marks, leaving base letters: É → E, ặ → a. norm.Form is
// stateless, so this is safe for concurrent use (a transform.Chain is not:
// it keeps buffers between calls).
func stripMarks(r rune) string {
	d := norm.NFKD.String(string(r))
	var b []byte
	for _, c := range d {
		if !marks.Contains(c) {
			b = utf8.AppendRune(b, c)
		}
	}
	return string(b)
}

// Fold returns s upper-cased and transliterated into the X12 character
// set, and the distinct characters (in order of appearance) that could not
// be: those left out of the result. An ASCII value in the set is returned
// as it is, upper-cased, without allocation beyond that.
func Fold(s string) (string, []rune) {
	return fold(s, false)
}

// Transliterate is Fold keeping the characters that cannot be folded as
// they are, for a writer that then refuses the value naming them (never
// dropping a character silently).
func Transliterate(s string) string {
	v, _ := fold(s, true)
	return v
}

func fold(s string, keep bool) (string, []rune) {
	if plain(s) {
		return strings.ToUpper(s), nil
	}
	var b strings.Builder
	b.Grow(len(s))
	var bad []rune
	for _, r := range s {
		if r < utf8.RuneSelf {
			if allowed[r] {
				b.WriteByte(byte(unicode.ToUpper(r)))
			} else if t, ok := table[r]; ok {
				b.WriteString(t)
			} else {
				bad = addRune(bad, r)
				if keep {
					b.WriteRune(r)
				}
			}
			continue
		}
		if t, ok := table[r]; ok {
			b.WriteString(t)
			continue
		}
		if unicode.IsSpace(r) {
			b.WriteByte(' ')
			continue
		}
		folded := stripMarks(r)
		ok := folded != ""
		for i := 0; ok && i < len(folded); i++ {
			c := folded[i]
			ok = c < utf8.RuneSelf && allowed[c] || table[rune(c)] != "" && c < utf8.RuneSelf
		}
		if !ok {
			bad = addRune(bad, r)
			if keep {
				b.WriteRune(r)
			}
			continue
		}
		for i := 0; i < len(folded); i++ {
			if t, isT := table[rune(folded[i])]; isT && !allowed[folded[i]] {
				b.WriteString(t)
			} else {
				b.WriteByte(byte(unicode.ToUpper(rune(folded[i]))))
			}
		}
	}
	return b.String(), bad
}

func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if !allowed[s[i]] {
			return false
		}
	}
	return true
}

func addRune(rs []rune, r rune) []rune {
	for _, x := range rs {
		if x == r {
			return rs
		}
	}
	return append(rs, r)
}

// Describe names characters for a message: 'Ж' (U+0416), '王' (U+738B).
// A control or invisible character is named by its code point alone.
func Describe(rs []rune) string {
	parts := make([]string, 0, len(rs))
	for i, r := range rs {
		if i == 8 {
			parts = append(parts, fmt.Sprintf("and %d more", len(rs)-i))
			break
		}
		if unicode.IsPrint(r) && r != ' ' {
			parts = append(parts, fmt.Sprintf("'%c' (U+%04X)", r, r))
		} else {
			parts = append(parts, fmt.Sprintf("U+%04X", r))
		}
	}
	return strings.Join(parts, ", ")
}
