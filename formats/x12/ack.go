package x12

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/onboard/onboard/engine/model"
)

// Kinds of acknowledgement.
const (
	KindTA1 = "TA1" // interchange acknowledgement
	Kind999 = "999" // implementation acknowledgement (005010X231A1)
	Kind997 = "997" // functional acknowledgement (older carriers); read like a 999
)

// Ack is one acknowledgement: a TA1 (about an interchange), a 999/997
// (about a functional group), or both when they share an interchange.
type Ack struct {
	Kind string // KindTA1, or Kind999/Kind997 when the ack holds one
	// The acknowledgement's own interchange.
	SenderQualifier, ReceiverQualifier string // ISA05, ISA07
	SenderID, ReceiverID               string // ISA06, ISA08 (trimmed)
	ControlNumber                      int64  // ISA13
	// Interchange is the interchange's place in the file (1 for the
	// first ISA): a file may hold several, each answering on its own.
	Interchange int
	// GroupSender and GroupReceiver are GS02 and GS03 of the functional
	// group holding a 999 or 997; empty for a TA1.
	GroupSender, GroupReceiver string

	// InterchangeControl is TA101: the ISA13 of the interchange
	// acknowledged; 0 without a TA1.
	InterchangeControl int64
	TA1                *TA1 // nil without a TA1

	FunctionalID string         // AK101 (BE for an 834)
	GroupControl int64          // AK102: the GS06 acknowledged
	Version      string         // AK103 (005010X220A1)
	Sets         []SetAck       // one per AK2
	AK9          *GroupResponse // nil when the AK9 is missing
}

// TA1 is an interchange acknowledgement.
type TA1 struct {
	InterchangeControl int64  // TA101
	Date, Time         string // TA102 (YYMMDD), TA103 (HHMM) of the interchange acknowledged
	Code               string // TA104: A accepted, E accepted with errors, R rejected
	Note               string // TA105 note code (000 no error)
	Message            string
}

// GroupResponse is the AK9 functional group response trailer.
type GroupResponse struct {
	Code     string   // AK901: A, E, P (partially accepted), R, M, W, X
	Included int      // AK902: transaction sets included
	Received int      // AK903
	Accepted int      // AK904
	Errors   []string // AK905..AK909 functional group syntax error codes
	Message  string
}

// SetAck is the response for one transaction set (AK2..IK5).
type SetAck struct {
	ID           string   // AK201 (834)
	ST02         int64    // AK202: the ST02 acknowledged
	Version      string   // AK203
	Code         string   // IK501: A, E, M, R, W, X
	SyntaxErrors []string // IK502..IK506 transaction set syntax error codes
	Errors       []SetError
	Message      string
}

// SetError is one error in a transaction set: an IK3 (segment) and, when
// the error is in an element, one of its IK4s; an IK3 with several IK4s
// gives several SetErrors.
type SetError struct {
	Segment     string // IK301 segment id
	Position    int    // IK302 position in the set (ST = 1)
	Loop        string // IK303 loop id (2100A)
	Code        string // IK304 segment syntax error code
	Element     int    // IK401-1 element position; 0 for a segment-level error
	Component   int    // IK401-2 component position; 0 if none
	Repetition  int    // IK401-3 repetition position; 0 if none
	ElementRef  string // IK402 data element reference number
	ElementCode string // IK403 element syntax error code
	// BadValue is IK404, the copy of the bad element; masked (***-**-6789)
	// when the element holds an SSN or a FEIN.
	BadValue string
	Context  []Context // CTX segments of the IK3 and of the IK4
	Message  string
}

// Context is a CTX segment: either a business unit identifier (Name such
// as "SUBSCRIBER NUMBER REF02" with the value in Reference) or a segment
// context (Name "SITUATIONAL TRIGGER" with the segment that triggered the
// rule).
type Context struct {
	Name      string // CTX01-1
	Reference string // CTX01-2
	Segment   string // CTX02
	Position  int    // CTX03
	Loop      string // CTX04
	Element   int    // CTX05-1
}

// Accepted reports whether the set's syntax was accepted (IK501 A or E).
func (s SetAck) Accepted() bool { return s.Code == "A" || s.Code == "E" }

// Rejected reports whether the acknowledgement rejects everything it
// answers: a TA1 R, an AK9 R (or M, W, X), or, without an AK9, sets none
// of which was accepted. A partially accepted group (AK9 P) is not
// rejected: look at each set.
func (a *Ack) Rejected() bool {
	if a.TA1 != nil && a.TA1.Code == "R" {
		return true
	}
	if a.AK9 != nil {
		switch a.AK9.Code {
		case "R", "M", "W", "X":
			return true
		}
		return false
	}
	for _, s := range a.Sets {
		if s.Accepted() {
			return false
		}
	}
	return len(a.Sets) > 0
}

// ReadAck reads an acknowledgement file holding a TA1, a 999 (or 997), or
// a TA1 and a 999 in the same interchange, with any delimiters its ISA
// declares. A file acknowledging more than one interchange or functional
// group is an ErrMultipleAcks error: use ReadAcks.
func ReadAck(r io.Reader) (*Ack, error) {
	acks, err := ReadAcks(r)
	if err != nil {
		return nil, err
	}
	var ta1, fa *Ack
	for _, a := range acks {
		p := &fa
		if a.Kind == KindTA1 {
			p = &ta1
		}
		if *p != nil {
			return nil, fmt.Errorf("reading acknowledgement: %w: %d acknowledgements; read them with ReadAcks", ErrMultipleAcks, len(acks))
		}
		*p = a
	}
	if fa == nil {
		return ta1, nil
	}
	if ta1 != nil {
		fa.TA1, fa.InterchangeControl = ta1.TA1, ta1.InterchangeControl
	}
	return fa, nil
}

// ReadAcks reads every acknowledgement of r: one Ack per TA1 and one per
// acknowledged functional group (AK1), in file order.
func ReadAcks(r io.Reader) ([]*Ack, error) {
	p := ackParser{rd: NewReader(r)}
	for {
		seg, err := p.rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading acknowledgement: %w", err)
		}
		if err := p.segment(seg); err != nil {
			return nil, fmt.Errorf("reading acknowledgement: line %d: %s: %w", seg.Line, seg.ID, err)
		}
	}
	if len(p.acks) == 0 {
		return nil, fmt.Errorf("reading acknowledgement: %w", ErrNoAck)
	}
	for _, a := range p.acks {
		describe(a)
	}
	return p.acks, nil
}

// ackParser folds the segments of acknowledgement interchanges into Acks.
type ackParser struct {
	rd       *Reader
	acks     []*Ack
	sender   string
	receiver string
	sendQ    string
	recvQ    string
	isa      int // interchanges read
	gsSender string
	gsRecv   string
	control  int64
	kind     string // ST01 of the open set when it is a 999 or 997
	cur      *Ack   // the open functional group response
	set      *SetAck
	ik3      *SetError // segment-level template of the open IK3
	ik3First int       // index in set.Errors of the IK3's first error
	ik4      int       // index of the last IK4's error, -1 before any
}

func (p *ackParser) segment(seg Segment) error {
	var err error
	switch seg.ID {
	case "ISA":
		p.sender, p.receiver = strings.TrimSpace(seg.Element(6)), strings.TrimSpace(seg.Element(8))
		p.sendQ, p.recvQ = strings.TrimSpace(seg.Element(5)), strings.TrimSpace(seg.Element(7))
		p.isa++
		p.gsSender, p.gsRecv = "", ""
		if p.control, err = parseControl("ISA13", seg.Element(13)); err != nil {
			return fmt.Errorf("%w: %w", ErrBadAck, err)
		}
		p.kind, p.cur, p.set, p.ik3 = "", nil, nil, nil
	case "TA1":
		t := &TA1{Date: seg.Element(2), Time: seg.Element(3), Code: seg.Element(4), Note: seg.Element(5)}
		if t.InterchangeControl, err = parseControl("TA101", seg.Element(1)); err != nil {
			return fmt.Errorf("%w: %w", ErrBadAck, err)
		}
		if t.Code == "" {
			return fmt.Errorf("%w: TA104 (acknowledgment code) is missing", ErrBadAck)
		}
		p.acks = append(p.acks, &Ack{Kind: KindTA1, SenderQualifier: p.sendQ, ReceiverQualifier: p.recvQ, SenderID: p.sender, ReceiverID: p.receiver,
			ControlNumber: p.control, Interchange: p.isa, InterchangeControl: t.InterchangeControl, TA1: t})
	case "GS":
		p.gsSender, p.gsRecv = strings.TrimSpace(seg.Element(2)), strings.TrimSpace(seg.Element(3))
	case "ST":
		p.kind, p.cur, p.set, p.ik3 = "", nil, nil, nil
		if id := seg.Element(1); id == Kind999 || id == Kind997 {
			p.kind = id
		}
	case "SE":
		p.kind, p.cur, p.set, p.ik3 = "", nil, nil, nil
	case "AK1":
		if p.kind == "" {
			return fmt.Errorf("%w: AK1 outside a 999 or 997 transaction set", ErrBadAck)
		}
		p.cur = &Ack{Kind: p.kind, SenderQualifier: p.sendQ, ReceiverQualifier: p.recvQ, SenderID: p.sender, ReceiverID: p.receiver,
			ControlNumber: p.control, Interchange: p.isa, GroupSender: p.gsSender, GroupReceiver: p.gsRecv,
			FunctionalID: seg.Element(1), Version: seg.Element(3)}
		if p.cur.GroupControl, err = parseControl("AK102", seg.Element(2)); err != nil {
			return fmt.Errorf("%w: %w", ErrBadAck, err)
		}
		p.acks = append(p.acks, p.cur)
		p.set, p.ik3 = nil, nil
	case "AK2":
		if p.cur == nil {
			return fmt.Errorf("%w: AK2 before AK1", ErrBadAck)
		}
		s := SetAck{ID: seg.Element(1), Version: seg.Element(3)}
		if s.ST02, err = parseControl("AK202", seg.Element(2)); err != nil {
			return fmt.Errorf("%w: %w", ErrBadAck, err)
		}
		p.cur.Sets = append(p.cur.Sets, s)
		p.set, p.ik3 = &p.cur.Sets[len(p.cur.Sets)-1], nil
	case "IK3", "AK3":
		if p.set == nil {
			return fmt.Errorf("%w: %s outside a transaction set response (AK2)", ErrBadAck, seg.ID)
		}
		e := SetError{Segment: seg.Element(1), Loop: seg.Element(3), Code: seg.Element(4)}
		if e.Position, err = atoiElement(seg, 2); err != nil {
			return err
		}
		p.set.Errors = append(p.set.Errors, e)
		p.ik3, p.ik3First, p.ik4 = &e, len(p.set.Errors)-1, -1
	case "CTX":
		if p.ik3 == nil {
			return fmt.Errorf("%w: CTX outside an error (IK3)", ErrBadAck)
		}
		c, err := p.context(seg)
		if err != nil {
			return err
		}
		if p.ik4 >= 0 {
			p.set.Errors[p.ik4].Context = append(p.set.Errors[p.ik4].Context, c)
		} else {
			p.ik3.Context = append(p.ik3.Context, c)
			p.set.Errors[p.ik3First].Context = slices.Clone(p.ik3.Context)
		}
	case "IK4", "AK4":
		if p.ik3 == nil {
			return fmt.Errorf("%w: %s without an IK3", ErrBadAck, seg.ID)
		}
		e := *p.ik3
		e.Context = slices.Clone(e.Context)
		pos := p.rd.Delimiters().Components(seg.Element(1))
		nums := make([]int, 3)
		for i := 0; i < len(pos) && i < 3; i++ {
			if pos[i] == "" {
				continue
			}
			if nums[i], err = strconv.Atoi(pos[i]); err != nil {
				return fmt.Errorf("%w: %s01 %q is not an element position", ErrBadAck, seg.ID, seg.Element(1))
			}
		}
		e.Element, e.Component, e.Repetition = nums[0], nums[1], nums[2]
		e.ElementRef, e.ElementCode, e.BadValue = seg.Element(2), seg.Element(3), seg.Element(4)
		if p.ik4 < 0 {
			p.set.Errors[p.ik3First] = e
			p.ik4 = p.ik3First
		} else {
			p.set.Errors = append(p.set.Errors, e)
			p.ik4 = len(p.set.Errors) - 1
		}
	case "IK5", "AK5":
		if p.set == nil {
			return fmt.Errorf("%w: %s outside a transaction set response (AK2)", ErrBadAck, seg.ID)
		}
		p.set.Code = seg.Element(1)
		p.set.SyntaxErrors = nonEmpty(seg.Elements[min(1, len(seg.Elements)):])
		p.set, p.ik3 = nil, nil
	case "AK9":
		if p.cur == nil {
			return fmt.Errorf("%w: AK9 before AK1", ErrBadAck)
		}
		g := &GroupResponse{Code: seg.Element(1), Errors: nonEmpty(seg.Elements[min(4, len(seg.Elements)):])}
		for i, n := range []*int{&g.Included, &g.Received, &g.Accepted} {
			if *n, err = atoiElement(seg, i+2); err != nil {
				return err
			}
		}
		p.cur.AK9 = g
		p.set, p.ik3 = nil, nil
	}
	return nil
}

// context parses a CTX segment.
func (p *ackParser) context(seg Segment) (Context, error) {
	d := p.rd.Delimiters()
	id := d.Components(d.Repetitions(seg.Element(1))[0])
	c := Context{Name: id[0], Segment: seg.Element(2), Loop: seg.Element(4)}
	if len(id) > 1 {
		c.Reference = id[1]
	}
	var err error
	if c.Position, err = atoiElement(seg, 3); err != nil {
		return c, err
	}
	if el := d.Components(seg.Element(5))[0]; el != "" {
		if c.Element, err = strconv.Atoi(el); err != nil {
			return c, fmt.Errorf("%w: CTX05 %q is not an element position", ErrBadAck, seg.Element(5))
		}
	}
	return c, nil
}

// atoiElement parses element n of seg as a count or position; an absent
// element is 0.
func atoiElement(seg Segment, n int) (int, error) {
	v := strings.TrimSpace(seg.Element(n))
	if v == "" {
		return 0, nil
	}
	i, err := strconv.Atoi(v)
	if err != nil || i < 0 {
		return 0, fmt.Errorf("%w: %s%02d %q is not a number", ErrBadAck, seg.ID, n, v)
	}
	return i, nil
}

func nonEmpty(s []string) []string {
	var out []string
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// sensitive reports whether an element holds an SSN or a FEIN, whose
// value is masked in BadValue and messages.
func sensitive(segment string, element int) func(string) string {
	switch {
	case segment == "NM1" && element == 9:
		return model.MaskSSN
	case segment == "N1" && element == 4:
		return model.MaskFEIN
	}
	return nil
}
