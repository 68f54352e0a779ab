package x12guide

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// ErrNotX12 is returned by Validate for data that does not start with an
// ISA segment.
var ErrNotX12 = errors.New("not an X12 interchange")

// delims are one interchange's delimiters, read from its ISA.
type delims struct {
	elem, comp, rep, term byte
	hasRep                bool
}

// rawSegment is one segment of the file.
type rawSegment struct {
	pos   int      // 1-based position in the file
	elems []string // elems[0] is the segment id
	d     delims
}

func (s *rawSegment) id() string { return s.elems[0] }

// value returns element i (1-based), "" when absent.
func (s *rawSegment) value(i int) string {
	if i < len(s.elems) {
		return s.elems[i]
	}
	return ""
}

// isaSeparators are the byte offsets of the element separators in the
// fixed-width ISA (106 bytes, terminator included).
var isaSeparators = []int{3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103}

// tokenizer splits a file into segments, taking each interchange's
// delimiters from its ISA.
type tokenizer struct {
	data []byte
	p    int
	n    int
	d    delims
	have bool // an ISA was read
}

func isSpace(b byte) bool { return b == '\r' || b == '\n' || b == ' ' || b == '\t' }

// next returns the next segment; ok is false at the end. err is a fault
// that stops the reading (a malformed ISA, an unterminated segment).
func (t *tokenizer) next() (seg rawSegment, ok bool, err error) {
	for t.p < len(t.data) && isSpace(t.data[t.p]) {
		t.p++
	}
	if t.p >= len(t.data) {
		return seg, false, nil
	}
	rest := t.data[t.p:]
	if bytes.HasPrefix(rest, []byte("ISA")) {
		if len(rest) < 106 {
			return seg, false, fmt.Errorf("segment %d: ISA is shorter than its fixed 106 bytes", t.n+1)
		}
		d := delims{elem: rest[3], rep: rest[82], comp: rest[104], term: rest[105]}
		for _, i := range isaSeparators {
			if rest[i] != d.elem {
				return seg, false, fmt.Errorf("segment %d: ISA is not fixed-width: byte %d is %q, not the element separator %q", t.n+1, i+1, rest[i], d.elem)
			}
		}
		// ISA11 is the repetition separator from version 00501 on.
		d.hasRep = string(rest[84:89]) >= "00501"
		if isAlnum(d.term) || isAlnum(d.comp) || d.elem == d.term || d.comp == d.term || d.comp == d.elem || (d.hasRep && (isAlnum(d.rep) || d.rep == d.elem || d.rep == d.comp || d.rep == d.term)) {
			return seg, false, fmt.Errorf("segment %d: ISA delimiters %q %q %q %q are not distinct punctuation", t.n+1, d.elem, d.rep, d.comp, d.term)
		}
		t.d, t.have = d, true
	} else if !t.have {
		return seg, false, fmt.Errorf("%w: the file starts with %q, not ISA", ErrNotX12, clip(rest, 10))
	}
	i := bytes.IndexByte(rest, t.d.term)
	if i < 0 {
		return seg, false, fmt.Errorf("segment %d: %q has no segment terminator %q", t.n+1, clip(rest, 20), t.d.term)
	}
	t.n++
	t.p += i + 1
	seg = rawSegment{pos: t.n, elems: strings.Split(string(rest[:i]), string(t.d.elem)), d: t.d}
	return seg, true, nil
}

func isAlnum(b byte) bool {
	return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
}

func clip(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}

// firstSetID returns ST01 of the file's first transaction set, "" if none.
func firstSetID(data []byte) string {
	t := tokenizer{data: data}
	for {
		s, ok, err := t.next()
		if !ok || err != nil {
			return ""
		}
		if s.id() == "ST" {
			return s.value(1)
		}
	}
}
