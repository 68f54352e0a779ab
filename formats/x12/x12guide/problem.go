package x12guide

import (
	"fmt"
	"strings"
)

// Kind is the kind of a Problem. Each maps to the code a 999 reports it
// with (IK304 for a segment, IK403 for an element, IK502 for a set).
type Kind string

// The kinds of problem Validate finds.
const (
	UnexpectedSegment  Kind = "unexpected_segment"   // IK304 2: not allowed here, or out of order
	MissingSegment     Kind = "missing_segment"      // IK304 3: a required segment or loop is absent
	LoopRepeats        Kind = "loop_repeats"         // IK304 4: a loop occurs more often than allowed
	SegmentRepeats     Kind = "segment_repeats"      // IK304 5: a segment occurs more often than allowed
	MissingElement     Kind = "missing_element"      // IK403 1
	ConditionalMissing Kind = "conditional_missing"  // IK403 2: a syntax rule (P, C, L, R) is broken
	TooManyElements    Kind = "too_many_elements"    // IK403 3
	TooShort           Kind = "too_short"            // IK403 4
	TooLong            Kind = "too_long"             // IK403 5
	InvalidCharacter   Kind = "invalid_character"    // IK403 6: outside the type or the X12 character set
	InvalidCode        Kind = "invalid_code"         // IK403 7
	InvalidDate        Kind = "invalid_date"         // IK403 8
	InvalidTime        Kind = "invalid_time"         // IK403 9
	ExclusionViolated  Kind = "exclusion_violated"   // IK403 10: syntax rule E
	TooManyRepeats     Kind = "too_many_repetitions" // IK403 12
	TooManyComponents  Kind = "too_many_components"  // IK403 13
	NotUsedElement     Kind = "not_used_element"     // IK403 I10: the guide marks it not used
	TrailingSeparator  Kind = "trailing_separator"   // IK304 8: an empty element ends the segment
	SetTrailer         Kind = "set_trailer"          // IK502 3/4: SE01 count or SE02 control number
	GroupTrailer       Kind = "group_trailer"        // AK905 4/5: GE01 count or GE02 control number
	InterchangeTrailer Kind = "interchange_trailer"  // TA105 001/021: IEA01 count or IEA02 control number
	DuplicateControl   Kind = "duplicate_control"    // IK502 23 / AK905 19
)

// Problem is one place where a file departs from the implementation guide.
type Problem struct {
	Segment   int    // the segment's position in the file, 1-based
	InSet     int    // its position in its transaction set (ST is 1), 0 outside a set
	SetID     string // ST02 of the set it is in, "" outside a set
	SegmentID string // e.g. HD
	Loop      string // the map's loop, e.g. 2300
	Element   string // reference designator (HD03, IK401-01), "" for a segment problem
	// DataElement is the element's number in the dictionary (1204 for
	// HD03), as IK402 reports it; "" for a segment or composite problem.
	DataElement string
	Position    int // the element's position in the segment (IK401), 0 for a segment problem
	Component   int // the component's position in a composite, 0 for a simple element
	Kind        Kind
	Message     string
}

// String is the problem with its place: "segment 14 HD (set 0001 position 12, loop 2300): HD03 ...".
func (p Problem) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "segment %d %s", p.Segment, p.SegmentID)
	var in []string
	if p.InSet > 0 {
		in = append(in, fmt.Sprintf("set %s position %d", p.SetID, p.InSet))
	}
	if p.Loop != "" {
		in = append(in, "loop "+p.Loop)
	}
	if len(in) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(in, ", "))
	}
	b.WriteString(": ")
	if p.Element != "" {
		b.WriteString(p.Element + " ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// SegmentCode is the IK304 code for a segment-level problem, "" for the
// others.
func (p Problem) SegmentCode() string {
	switch p.Kind {
	case UnexpectedSegment:
		return "2"
	case MissingSegment:
		return "3"
	case LoopRepeats:
		return "4"
	case SegmentRepeats:
		return "5"
	case TrailingSeparator:
		return "8"
	}
	return ""
}

// ElementCode is the IK403 code for an element-level problem, "" for the
// others.
func (p Problem) ElementCode() string {
	switch p.Kind {
	case MissingElement:
		return "1"
	case ConditionalMissing:
		return "2"
	case TooManyElements:
		return "3"
	case TooShort:
		return "4"
	case TooLong:
		return "5"
	case InvalidCharacter:
		return "6"
	case InvalidCode:
		return "7"
	case InvalidDate:
		return "8"
	case InvalidTime:
		return "9"
	case ExclusionViolated:
		return "10"
	case TooManyRepeats:
		return "12"
	case TooManyComponents:
		return "13"
	case NotUsedElement:
		return "I10"
	}
	return ""
}
