package x12

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxSegmentLength bounds one segment (terminator included), so that
// garbage without a terminator cannot exhaust memory.
const MaxSegmentLength = 1 << 20

// Segment is one segment as read: its id, its data elements and where it
// was found.
type Segment struct {
	ID string
	// Elements holds the data elements after the id: Elements[0] is XX01.
	// Composite and repeated elements are left joined; split them with
	// Delimiters.Components and Delimiters.Repetitions.
	Elements []string
	Pos      int   // 1-based position in the interchange (ISA = 1)
	SetPos   int   // 1-based position in the transaction set (ST = 1); 0 outside a set
	Line     int   // 1-based line where the segment begins
	Offset   int64 // byte offset where the segment begins
}

// Element returns data element n (1-based: Element(3) of an NM1 is NM103),
// or "" when the segment has fewer elements.
func (s Segment) Element(n int) string {
	if n < 1 || n > len(s.Elements) {
		return ""
	}
	return s.Elements[n-1]
}

// Components splits a composite element value.
func (d Delimiters) Components(v string) []string {
	return strings.Split(v, string(d.Component))
}

// Repetitions splits a repeated element value; with no repetition
// separator the value is one repetition.
func (d Delimiters) Repetitions(v string) []string {
	if d.Repetition == 0 {
		return []string{v}
	}
	return strings.Split(v, string(d.Repetition))
}

// Reader reads the segments of X12 interchanges. It takes the delimiters
// from each ISA segment (so any delimiters work, and several interchanges
// may follow each other), tolerates a UTF-8 byte-order mark and whitespace
// (CR, LF, ...) between segments, and reports malformed input as a
// *SyntaxError; it never panics.
type Reader struct {
	br      *bufio.Reader
	d       Delimiters
	started bool
	pos     int
	setPos  int
	line    int
	offset  int64
	buf     []byte
	err     error
}

// NewReader returns a Reader of r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10), line: 1}
}

// Delimiters returns the delimiters of the current interchange (the zero
// value before the first ISA).
func (r *Reader) Delimiters() Delimiters { return r.d }

// Next returns the next segment, or io.EOF after the last one. Any other
// error is final: later calls return it again.
func (r *Reader) Next() (Segment, error) {
	if r.err != nil {
		return Segment{}, r.err
	}
	seg, err := r.next()
	if err != nil {
		r.err = err
	}
	return seg, err
}

func (r *Reader) next() (Segment, error) {
	if err := r.skipSpace(); err != nil {
		if err == io.EOF && !r.started {
			return Segment{}, r.syntax(ErrNoISA, "the input is empty")
		}
		return Segment{}, err
	}
	if !r.started {
		return r.readISA()
	}
	if p, _ := r.br.Peek(3); string(p) == "ISA" {
		return r.readISA()
	}
	line, offset := r.line, r.offset
	raw, err := r.readRaw()
	if err != nil {
		return Segment{}, err
	}
	if r.d.Segment == '\n' {
		raw = bytes.TrimSuffix(raw, []byte{'\r'})
	}
	s := string(raw)
	i := strings.IndexByte(s, r.d.Element)
	id, rest := s, ""
	if i >= 0 {
		id, rest = s[:i], s[i+1:]
	}
	if err := checkID(id); err != nil {
		detail := fmt.Sprintf("a %d-character id", len(id))
		if len(id) <= 8 {
			detail = fmt.Sprintf("%q", id)
		}
		return Segment{}, &SyntaxError{Line: line, Offset: offset, Pos: r.pos + 1, Err: ErrBadSegmentID, Detail: detail}
	}
	seg := Segment{ID: id, Line: line, Offset: offset}
	if i >= 0 {
		seg.Elements = strings.Split(rest, string(r.d.Element))
	}
	r.pos++
	seg.Pos = r.pos
	switch id {
	case "ST":
		r.setPos = 1
	case "GS", "GE", "IEA":
		r.setPos = 0
	default:
		if r.setPos > 0 {
			r.setPos++
		}
	}
	seg.SetPos = r.setPos
	if id == "SE" {
		r.setPos = 0
	}
	return seg, nil
}

// skipSpace consumes a byte-order mark (at the start) and whitespace
// before a segment; it returns io.EOF when only whitespace remains.
func (r *Reader) skipSpace() error {
	if !r.started && r.offset == 0 {
		if p, _ := r.br.Peek(3); bytes.Equal(p, []byte{0xEF, 0xBB, 0xBF}) {
			_, _ = r.br.Discard(3)
			r.offset = 3
		}
	}
	for {
		b, err := r.br.ReadByte()
		if err != nil {
			if err == io.EOF {
				return io.EOF
			}
			return fmt.Errorf("reading X12: %w", err)
		}
		switch b {
		case '\n':
			r.line++
		case '\r', ' ', '\t', '\f', '\v':
		default:
			_ = r.br.UnreadByte()
			return nil
		}
		r.offset++
	}
}

// readRaw reads up to and including the segment terminator and returns
// the segment without it.
func (r *Reader) readRaw() ([]byte, error) {
	line, offset := r.line, r.offset
	r.buf = r.buf[:0]
	for {
		chunk, err := r.br.ReadSlice(r.d.Segment)
		r.buf = append(r.buf, chunk...)
		if len(r.buf) > MaxSegmentLength {
			return nil, &SyntaxError{Line: line, Offset: offset, Pos: r.pos + 1, Err: ErrSegmentTooLong,
				Detail: fmt.Sprintf("no segment terminator %q within %d bytes", r.d.Segment, MaxSegmentLength)}
		}
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == io.EOF {
			return nil, &SyntaxError{Line: line, Offset: offset, Pos: r.pos + 1, Err: ErrUnterminated,
				Detail: fmt.Sprintf("no segment terminator %q before the end", r.d.Segment)}
		}
		return nil, fmt.Errorf("reading X12: %w", err)
	}
	r.offset += int64(len(r.buf))
	r.line += bytes.Count(r.buf, []byte{'\n'})
	return r.buf[:len(r.buf)-1], nil
}

// isaSeparators are the offsets of the 16 element separators of a
// fixed-width ISA segment.
var isaSeparators = [16]int{3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103}

// maxISA bounds the search for the end of an ISA whose fields are not
// padded to their fixed widths.
const maxISA = 512

// readISA reads an ISA segment and takes the interchange's delimiters from
// it: the element separator is the byte after "ISA", the repetition
// separator ISA11, the component separator ISA16 and the segment
// terminator the byte after ISA16 (byte 105 of a fixed-width ISA). An ISA
// whose fields are not padded is accepted by counting separators.
func (r *Reader) readISA() (Segment, error) {
	line, offset := r.line, r.offset
	p, _ := r.br.Peek(maxISA)
	if len(p) < 4 || string(p[:3]) != "ISA" {
		return Segment{}, &SyntaxError{Line: line, Offset: offset, Err: ErrNoISA}
	}
	sep := p[3]
	if isAlnum(sep) || sep == ' ' || sep == '\r' || sep == '\n' || sep == 0 {
		return Segment{}, &SyntaxError{Line: line, Offset: offset, Pos: 1, Err: ErrBadISA,
			Detail: fmt.Sprintf("element separator %q is not usable", sep)}
	}
	// Separator offsets: the fixed-width ones when they hold, else counted.
	var seps [16]int
	fixed := len(p) >= ISALength
	for i, at := range isaSeparators {
		if !fixed || p[at] != sep {
			fixed = false
			break
		}
		seps[i] = at
	}
	if !fixed {
		n := 0
		for i := 3; i < len(p) && n < 16; i++ {
			if p[i] == sep {
				seps[n] = i
				n++
			}
		}
		if n < 16 || seps[15]+2 >= len(p) {
			return Segment{}, &SyntaxError{Line: line, Offset: offset, Pos: 1, Err: ErrBadISA,
				Detail: "fewer than 16 elements"}
		}
	}
	end := seps[15] + 2 // index of the segment terminator
	comp, term := p[end-1], p[end]
	switch {
	case isAlnum(comp) || comp == ' ' || comp == '\r' || comp == '\n' || comp == 0 || comp == sep:
		return Segment{}, &SyntaxError{Line: line, Offset: offset, Pos: 1, Err: ErrBadISA,
			Detail: fmt.Sprintf("component separator (ISA16) %q is not usable", comp)}
	case isAlnum(term) || term == ' ' || term == 0 || term == sep || term == comp:
		return Segment{}, &SyntaxError{Line: line, Offset: offset, Pos: 1, Err: ErrBadISA,
			Detail: fmt.Sprintf("segment terminator %q is not usable", term)}
	}
	elems := make([]string, 16)
	for i := range seps {
		stop := end
		if i < 15 {
			stop = seps[i+1]
		}
		elems[i] = string(p[seps[i]+1 : stop])
	}
	d := Delimiters{Element: sep, Component: comp, Segment: term}
	if rep := elems[10]; len(rep) == 1 && !isAlnum(rep[0]) && rep[0] != ' ' && rep[0] != 0 &&
		rep[0] != '\r' && rep[0] != '\n' &&
		rep[0] != sep && rep[0] != comp && rep[0] != term {
		d.Repetition = rep[0]
	}
	if term != '\n' && term != '\r' && end+1 < len(p) && (p[end+1] == '\n' || p[end+1] == '\r') {
		d.Newline = true
	}
	consumed := end + 1
	r.line += bytes.Count(p[:consumed], []byte{'\n'})
	r.offset += int64(consumed)
	_, _ = r.br.Discard(consumed)
	r.d, r.started, r.pos, r.setPos = d, true, 1, 0
	return Segment{ID: "ISA", Elements: elems, Pos: 1, Line: line, Offset: offset}, nil
}

func (r *Reader) syntax(err error, detail string) *SyntaxError {
	return &SyntaxError{Line: r.line, Offset: r.offset, Err: err, Detail: detail}
}
