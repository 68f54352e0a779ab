package x12

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Interchange is the envelope structure of one interchange as read by
// Read834: its functional groups and transaction sets, with the members of
// every 834 set. Reading is lenient about envelopes (a missing trailer or a
// wrong count is kept, not fatal); Validate reports those problems.
type Interchange struct {
	Delimiters        Delimiters
	Header            Segment  // ISA
	Trailer           *Segment // IEA; nil when missing
	SenderQualifier   string   // ISA05
	SenderID          string   // ISA06, trimmed
	ReceiverQualifier string   // ISA07
	ReceiverID        string   // ISA08, trimmed
	Date, Time        string   // ISA09 (YYMMDD), ISA10 (HHMM)
	Control           int64    // ISA13
	AckRequested      bool     // ISA14 = 1
	Usage             string   // ISA15
	Groups            []*FunctionalGroup

	problems []error // structure problems found while reading
}

// FunctionalGroup is a GS..GE envelope.
type FunctionalGroup struct {
	Header       Segment  // GS
	Trailer      *Segment // GE; nil when missing
	FunctionalID string   // GS01 (BE for 834)
	SenderCode   string   // GS02
	ReceiverCode string   // GS03
	Control      int64    // GS06
	Version      string   // GS08
	Sets         []*TransactionSet
}

// TransactionSet is an ST..SE envelope. For an 834 it also lists the
// header's reference and sponsor and the members.
type TransactionSet struct {
	Header   Segment  // ST
	Trailer  *Segment // SE; nil when missing
	ID       string   // ST01 (834)
	Control  int64    // ST02
	Version  string   // ST03
	Segments int      // segments actually read, ST and SE included

	Reference string // BGN02
	Action    string // BGN08
	Sponsor   string // N1*P5 N102
	Payer     string // N1*IN N102
	Members   []Member
}

// Member is one 2000 loop of an 834: enough for a carrier simulator to
// accept or reject members. It holds no SSN.
type Member struct {
	Subscriber   bool     // INS01 = Y
	Relationship string   // INS02
	Maintenance  string   // INS03
	Reason       string   // INS04
	SubscriberID string   // REF*0F
	LastName     string   // NM103 of the 2100A NM1
	FirstName    string   // NM104
	Coverages    []string // HD03 of each 2300 loop
	First, Last  int      // positions of the loop's first (INS) and last segment in the set (ST = 1)
}

// Read834 reads one interchange (the first of r) with its groups, sets and,
// for 834 sets, their members. Tokenizer errors (no ISA, garbage) are
// returned; envelope problems are left for Validate. Members are kept in
// memory: this reader is for carrier simulators and tests, not for
// million-member files.
func Read834(r io.Reader) (*Interchange, error) {
	rd := NewReader(r)
	isa, err := rd.Next()
	if err != nil {
		return nil, fmt.Errorf("reading interchange: %w", err)
	}
	ic := &Interchange{
		Delimiters:        rd.Delimiters(),
		Header:            isa,
		SenderQualifier:   isa.Element(5),
		SenderID:          strings.TrimSpace(isa.Element(6)),
		ReceiverQualifier: isa.Element(7),
		ReceiverID:        strings.TrimSpace(isa.Element(8)),
		Date:              isa.Element(9),
		Time:              isa.Element(10),
		AckRequested:      isa.Element(14) == "1",
		Usage:             isa.Element(15),
	}
	if ic.Control, err = parseControl("ISA13", isa.Element(13)); err != nil {
		ic.problem(isa, LevelInterchange, 0, "018", ErrControlMismatch, err.Error())
	}
	var (
		g   *FunctionalGroup
		set *TransactionSet
		m   *Member // the open 2000 loop
	)
	for {
		seg, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading interchange: %w", err)
		}
		if set != nil && seg.ID != "ISA" && seg.ID != "GS" && seg.ID != "GE" && seg.ID != "IEA" && seg.ID != "ST" {
			set.Segments++
		}
		switch seg.ID {
		case "ISA":
			ic.problem(seg, LevelInterchange, ic.Control, "022", ErrStructure, "a second interchange begins before this one ends")
			return ic, nil
		case "IEA":
			s := seg
			ic.Trailer = &s
			return ic, nil
		case "GS":
			if g != nil {
				ic.problem(seg, LevelGroup, g.Control, "3", ErrTrailerMissing, "GS before the GE of the previous group")
			}
			g = &FunctionalGroup{Header: seg, FunctionalID: seg.Element(1), SenderCode: seg.Element(2),
				ReceiverCode: seg.Element(3), Version: seg.Element(8)}
			if g.Control, err = parseControl("GS06", seg.Element(6)); err != nil {
				ic.problem(seg, LevelGroup, 0, "6", ErrControlMismatch, err.Error())
			}
			ic.Groups = append(ic.Groups, g)
			set, m = nil, nil
		case "GE":
			if g == nil {
				ic.problem(seg, LevelInterchange, ic.Control, "022", ErrStructure, "GE outside a functional group")
				continue
			}
			s := seg
			g.Trailer = &s
			g, set, m = nil, nil, nil
		case "ST":
			if g == nil {
				ic.problem(seg, LevelInterchange, ic.Control, "022", ErrStructure, "ST outside a functional group")
				continue
			}
			set = &TransactionSet{Header: seg, ID: seg.Element(1), Version: seg.Element(3), Segments: 1}
			if set.Control, err = parseControl("ST02", seg.Element(2)); err != nil {
				ic.problem(seg, LevelSet, 0, "7", ErrControlMismatch, err.Error())
			}
			g.Sets = append(g.Sets, set)
			m = nil
		case "SE":
			if set == nil {
				ic.problem(seg, LevelInterchange, ic.Control, "022", ErrStructure, "SE outside a transaction set")
				continue
			}
			s := seg
			set.Trailer = &s
			set, m = nil, nil
		default:
			if set == nil {
				ic.problem(seg, LevelInterchange, ic.Control, "022", ErrStructure, seg.ID+" outside a transaction set")
				continue
			}
			if set.ID == "834" {
				m = read834Segment(set, m, seg)
			}
		}
	}
	return ic, nil
}

// read834Segment folds one 834 body segment into set and returns the open
// member.
func read834Segment(set *TransactionSet, m *Member, seg Segment) *Member {
	switch {
	case seg.ID == "INS":
		set.Members = append(set.Members, Member{
			Subscriber: seg.Element(1) == "Y", Relationship: seg.Element(2),
			Maintenance: seg.Element(3), Reason: seg.Element(4), First: seg.SetPos, Last: seg.SetPos,
		})
		return &set.Members[len(set.Members)-1]
	case m == nil:
		switch {
		case seg.ID == "BGN":
			set.Reference, set.Action = seg.Element(2), seg.Element(8)
		case seg.ID == "N1" && seg.Element(1) == "P5":
			set.Sponsor = seg.Element(2)
		case seg.ID == "N1" && seg.Element(1) == "IN":
			set.Payer = seg.Element(2)
		}
		return nil
	}
	m.Last = seg.SetPos
	switch {
	case seg.ID == "REF" && seg.Element(1) == "0F" && m.SubscriberID == "":
		m.SubscriberID = seg.Element(2)
	case seg.ID == "NM1" && (seg.Element(1) == "IL" || seg.Element(1) == "74") && m.LastName == "":
		m.LastName, m.FirstName = seg.Element(3), seg.Element(4)
	case seg.ID == "HD":
		m.Coverages = append(m.Coverages, seg.Element(3))
	}
	return m
}

func (ic *Interchange) problem(seg Segment, level string, control int64, code string, err error, detail string) {
	ic.problems = append(ic.problems, &EnvelopeError{Level: level, Control: control, Code: code,
		Segment: seg.ID, Line: seg.Line, Err: err, Detail: detail})
}

// Validate checks the envelopes: every header has its trailer, IEA01, GE01
// and SE01 equal what they count, trailer control numbers equal their
// header's, and group and set control numbers are unique where they must
// be. Each problem is an *EnvelopeError carrying the code a TA1 or 999
// would report it with; nil means the envelopes are sound.
func (ic *Interchange) Validate() []error {
	errs := append([]error(nil), ic.problems...)
	add := func(seg Segment, level string, control int64, code string, err error, format string, args ...any) {
		errs = append(errs, &EnvelopeError{Level: level, Control: control, Code: code, Segment: seg.ID,
			Line: seg.Line, Err: err, Detail: fmt.Sprintf(format, args...)})
	}
	if t := ic.Trailer; t == nil {
		add(ic.Header, LevelInterchange, ic.Control, "023", ErrTrailerMissing, "the IEA segment is missing")
	} else {
		if n, err := strconv.Atoi(t.Element(1)); err != nil || n != len(ic.Groups) {
			add(*t, LevelInterchange, ic.Control, "021", ErrCountMismatch,
				"IEA01 is %q but the interchange has %d functional groups", t.Element(1), len(ic.Groups))
		}
		if c, err := parseControl("IEA02", t.Element(2)); err != nil || c != ic.Control {
			add(*t, LevelInterchange, ic.Control, "001", ErrControlMismatch,
				"IEA02 is %q but ISA13 is %q", t.Element(2), ic.Header.Element(13))
		}
	}
	groupSeen := map[int64]bool{}
	for _, g := range ic.Groups {
		if groupSeen[g.Control] {
			add(g.Header, LevelGroup, g.Control, "19", ErrControlMismatch, "GS06 %d is used twice in the interchange", g.Control)
		}
		groupSeen[g.Control] = true
		if t := g.Trailer; t == nil {
			add(g.Header, LevelGroup, g.Control, "3", ErrTrailerMissing, "the GE segment is missing")
		} else {
			if n, err := strconv.Atoi(t.Element(1)); err != nil || n != len(g.Sets) {
				add(*t, LevelGroup, g.Control, "5", ErrCountMismatch,
					"GE01 is %q but the group has %d transaction sets", t.Element(1), len(g.Sets))
			}
			if c, err := parseControl("GE02", t.Element(2)); err != nil || c != g.Control {
				add(*t, LevelGroup, g.Control, "4", ErrControlMismatch,
					"GE02 is %q but GS06 is %q", t.Element(2), g.Header.Element(6))
			}
		}
		setSeen := map[int64]bool{}
		for _, s := range g.Sets {
			if setSeen[s.Control] {
				add(s.Header, LevelSet, s.Control, "23", ErrControlMismatch, "ST02 %d is used twice in the group", s.Control)
			}
			setSeen[s.Control] = true
			t := s.Trailer
			if t == nil {
				add(s.Header, LevelSet, s.Control, "2", ErrTrailerMissing, "the SE segment is missing")
				continue
			}
			if n, err := strconv.Atoi(t.Element(1)); err != nil || n != s.Segments {
				add(*t, LevelSet, s.Control, "4", ErrCountMismatch,
					"SE01 is %q but the set has %d segments", t.Element(1), s.Segments)
			}
			if t.Element(2) != s.Header.Element(2) {
				add(*t, LevelSet, s.Control, "3", ErrControlMismatch,
					"SE02 is %q but ST02 is %q", t.Element(2), s.Header.Element(2))
			}
		}
	}
	return errs
}
