package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// SentMember is one member change a transmission carried and where it sits
// in the delivered file. The transmit stage records them per group
// (TransmissionGroup.Members) with EncodeMembers, in a compact text
// form; the acknowledgement stage decodes them with DecodeMembers to turn
// 999 segment positions and carrier result-file rows back into members.
// The JSON tags read the JSON array that earlier versions recorded.
type SentMember struct {
	// Subscriber is the subscriber's external identifier; for a dependent,
	// the subscriber it belongs to.
	Subscriber string `json:"subscriber"`
	// Dependent is the dependent's external identifier, empty when the
	// member is the subscriber.
	Dependent string `json:"dependent,omitempty"`
	// Maintenance is the model.Maintenance sent: add, change, terminate or
	// audit.
	Maintenance string `json:"maintenance"`
	// First and Last locate the member's records. X12: the positions of
	// its first (INS) and last segment in the transaction set, counted
	// from ST = 1 as a 999 IK302 counts them. Layouts: the 1-based line
	// numbers of its record(s) in the file.
	First int `json:"first"`
	Last  int `json:"last"`
}

// The compact form of a group's sent members, version 1: the marker line
// "m1", then a line per member of five comma-separated fields,
//
//	subscriber,dependent,maintenance,first,span
//
// subscriber: "=" when it is the previous member's; dependent: empty for
// the subscriber; maintenance: A, C, T or U for add, change, terminate
// and audit, else "!" and the value; first: empty when it is the previous
// member's Last+1 (the first member's previous Last is 0); span:
// Last-First, in decimal like first. Identifiers escape "%", ",", "=",
// control characters and non-ASCII bytes as %XX, so any identifier
// round-trips and the record is printable ASCII (a TEXT column takes it).
// A typical member takes 10 to 20 bytes against some 80 in JSON, and
// neither form can be taken for the other: JSON starts with '['.
const membersV1 = "m1\n"

// EncodeMembers returns what is recorded for a group's sent members: the
// compact form that DecodeMembers reads.
func EncodeMembers(ms []SentMember) ([]byte, error) {
	b := make([]byte, 0, len(membersV1)+len(ms)*24)
	b = append(b, membersV1...)
	prevSub, prevLast := "", 0
	for i, m := range ms {
		if i > 0 && m.Subscriber == prevSub {
			b = append(b, '=')
		} else {
			b = appendEscaped(b, m.Subscriber)
		}
		b = append(b, ',')
		b = appendEscaped(b, m.Dependent)
		b = append(b, ',')
		if c := maintenanceLetter(m.Maintenance); c != 0 {
			b = append(b, c)
		} else {
			b = append(b, '!')
			b = appendEscaped(b, m.Maintenance)
		}
		b = append(b, ',')
		if m.First != prevLast+1 {
			b = strconv.AppendInt(b, int64(m.First), 10)
		}
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(m.Last-m.First), 10)
		b = append(b, '\n')
		prevSub, prevLast = m.Subscriber, m.Last
	}
	return b, nil
}

// DecodeMembers reads the sent members recorded for a group of a
// transmission (TransmissionGroup.Members): the compact form of
// EncodeMembers, or the JSON array earlier versions recorded. Empty input
// is no members; anything else that is neither is an error.
func DecodeMembers(data []byte) ([]SentMember, error) {
	if len(data) == 0 {
		return nil, nil
	}
	if !bytes.HasPrefix(data, []byte(membersV1)) {
		if data[0] == membersV1[0] {
			return nil, fmt.Errorf("decoding sent members: %w", errVersion)
		}
		var ms []SentMember
		if err := json.Unmarshal(data, &ms); err != nil {
			return nil, fmt.Errorf("decoding sent members: %w", err)
		}
		return ms, nil
	}
	// One string for the whole record: identifiers without escapes are
	// substrings of it, so decoding allocates per group, not per member.
	s := string(data[len(membersV1):])
	ms := make([]SentMember, 0, strings.Count(s, "\n"))
	prevSub, prevLast := "", 0
	for line := 1; s != ""; line++ {
		end := strings.IndexByte(s, '\n')
		if end < 0 {
			return nil, fmt.Errorf("decoding sent members: member %d: %w", line, errNoNewline)
		}
		m, err := decodeMember(s[:end], line == 1, prevSub, prevLast)
		if err != nil {
			return nil, fmt.Errorf("decoding sent members: member %d: %w", line, err)
		}
		ms = append(ms, m)
		prevSub, prevLast = m.Subscriber, m.Last
		s = s[end+1:]
	}
	return ms, nil
}

// Problems of a compact record.
var (
	errVersion   = errors.New("an unknown version of the compact form")
	errNoNewline = errors.New("the record does not end with a newline")
	errFields    = errors.New("a member needs 5 comma-separated fields")
	errDitto     = errors.New("the first member cannot repeat a previous subscriber")
	errMaint     = errors.New("unknown maintenance code")
	errEscape    = errors.New("malformed %XX escape")
	errRawByte   = errors.New("a character that must be escaped")
)

// decodeMember reads one member line (without its newline).
func decodeMember(line string, first bool, prevSub string, prevLast int) (SentMember, error) {
	var f [5]string
	for i := range 4 {
		c := strings.IndexByte(line, ',')
		if c < 0 {
			return SentMember{}, errFields
		}
		f[i], line = line[:c], line[c+1:]
	}
	f[4] = line
	if strings.IndexByte(f[4], ',') >= 0 {
		return SentMember{}, errFields
	}
	var m SentMember
	var err error
	if f[0] == "=" {
		if first {
			return SentMember{}, errDitto
		}
		m.Subscriber = prevSub
	} else if m.Subscriber, err = unescape(f[0]); err != nil {
		return SentMember{}, fmt.Errorf("subscriber: %w", err)
	}
	if m.Dependent, err = unescape(f[1]); err != nil {
		return SentMember{}, fmt.Errorf("dependent: %w", err)
	}
	switch {
	case len(f[2]) == 1 && letterMaintenance(f[2][0]) != "":
		m.Maintenance = letterMaintenance(f[2][0])
	case strings.HasPrefix(f[2], "!"):
		if m.Maintenance, err = unescape(f[2][1:]); err != nil {
			return SentMember{}, fmt.Errorf("maintenance: %w", err)
		}
	default:
		return SentMember{}, errMaint
	}
	m.First = prevLast + 1
	if f[3] != "" {
		if m.First, err = strconv.Atoi(f[3]); err != nil {
			return SentMember{}, fmt.Errorf("first: %w", err)
		}
	}
	span, err := strconv.Atoi(f[4])
	if err != nil {
		return SentMember{}, fmt.Errorf("span: %w", err)
	}
	m.Last = m.First + span
	return m, nil
}

// maintenanceLetter returns the one-letter code of a model.Maintenance, or
// 0 for another value.
func maintenanceLetter(m string) byte {
	switch m {
	case "add":
		return 'A'
	case "change":
		return 'C'
	case "terminate":
		return 'T'
	case "audit":
		return 'U'
	}
	return 0
}

// letterMaintenance is the inverse of maintenanceLetter ("" for none).
func letterMaintenance(c byte) string {
	switch c {
	case 'A':
		return "add"
	case 'C':
		return "change"
	case 'T':
		return "terminate"
	case 'U':
		return "audit"
	}
	return ""
}

// escaped reports whether an identifier's byte c is written as %XX.
func escaped(c byte) bool {
	return c < 0x20 || c >= 0x7f || c == '%' || c == ',' || c == '='
}

const hexDigits = "0123456789ABCDEF"

func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; escaped(c) {
			b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
		} else {
			b = append(b, c)
		}
	}
	return b
}

// unescape reverses appendEscaped; s itself when it has no escape.
func unescape(s string) (string, error) {
	esc := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '%' {
			esc = true
		} else if escaped(c) {
			return "", errRawByte
		}
	}
	if !esc {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b = append(b, s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", errEscape
		}
		hi, lo := unhex(s[i+1]), unhex(s[i+2])
		if hi < 0 || lo < 0 {
			return "", errEscape
		}
		b = append(b, byte(hi<<4|lo))
		i += 2
	}
	return string(b), nil
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

// MemberAt returns the member whose records span the position (an X12
// segment position in its transaction set, or a layout file line), or
// false when the position falls outside every member (an envelope or
// header segment). ms is in file order, as the transmit stage records it
// (members do not overlap), so a look-up is a binary search: an
// acknowledgement rejecting every member of a large group stays linear.
func MemberAt(ms []SentMember, pos int) (SentMember, bool) {
	// The first member starting after pos; the one before it is the only
	// one that can span pos.
	i := sort.Search(len(ms), func(i int) bool { return ms[i].First > pos })
	if i > 0 && pos >= ms[i-1].First && pos <= ms[i-1].Last {
		return ms[i-1], true
	}
	return SentMember{}, false
}
