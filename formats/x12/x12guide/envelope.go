package x12guide

import (
	"fmt"
	"strconv"
	"strings"
)

// envelope follows the control segments to check their counts and
// control numbers: SE01 counts the set's segments, ST and SE included;
// GE01 the group's sets; IEA01 the interchange's groups; SE02, GE02 and
// IEA02 repeat ST02, GS06 and ISA13.
type envelope struct {
	isa13  string
	groups int
	gs06   string
	gsSeen map[string]bool // GS06 in the interchange
	sets   int
	stSeen map[string]bool // ST02 in the group
	inSet  bool
	st02   string
	// setSegs counts the open set's segments so far, ST included.
	setSegs int
}

func (v *validator) envelopeOpen(s *rawSegment) {
	e := &v.env
	switch s.id() {
	case "ISA":
		e.isa13 = strings.TrimSpace(s.value(13))
		e.groups = 0
		e.gsSeen = map[string]bool{}
	case "GS":
		e.groups++
		e.gs06 = s.value(6)
		if e.gsSeen[e.gs06] {
			v.add(Problem{Kind: DuplicateControl, Element: "GS06", Position: 6, Message: fmt.Sprintf("group control number %q is used twice in the interchange", e.gs06)})
		}
		e.gsSeen[e.gs06] = true
		e.sets = 0
		e.stSeen = map[string]bool{}
	case "ST":
		e.sets++
		e.inSet = true
		e.st02 = s.value(2)
		e.setSegs = 0
		if e.stSeen[e.st02] {
			v.add(Problem{Kind: DuplicateControl, Element: "ST02", Position: 2, InSet: 1, SetID: e.st02, Message: fmt.Sprintf("transaction set control number %q is used twice in the group", e.st02)})
		}
		if e.stSeen != nil {
			e.stSeen[e.st02] = true
		}
	}
	if e.inSet {
		e.setSegs++
	}
}

func (v *validator) envelopeClose(s *rawSegment) {
	e := &v.env
	switch s.id() {
	case "SE":
		if n, err := strconv.Atoi(s.value(1)); err != nil || n != e.setSegs {
			v.add(Problem{Kind: SetTrailer, Element: "SE01", Position: 1, Message: fmt.Sprintf("says %q segments; the set has %d (ST and SE included)", s.value(1), e.setSegs)})
		}
		if s.value(2) != e.st02 {
			v.add(Problem{Kind: SetTrailer, Element: "SE02", Position: 2, Message: fmt.Sprintf("is %q; the set's ST02 is %q", s.value(2), e.st02)})
		}
		e.inSet = false
	case "GE":
		if n, err := strconv.Atoi(s.value(1)); err != nil || n != e.sets {
			v.add(Problem{Kind: GroupTrailer, Element: "GE01", Position: 1, Message: fmt.Sprintf("says %q transaction sets; the group has %d", s.value(1), e.sets)})
		}
		if s.value(2) != e.gs06 {
			v.add(Problem{Kind: GroupTrailer, Element: "GE02", Position: 2, Message: fmt.Sprintf("is %q; the group's GS06 is %q", s.value(2), e.gs06)})
		}
	case "IEA":
		if n, err := strconv.Atoi(s.value(1)); err != nil || n != e.groups {
			v.add(Problem{Kind: InterchangeTrailer, Element: "IEA01", Position: 1, Message: fmt.Sprintf("says %q functional groups; the interchange has %d", s.value(1), e.groups)})
		}
		if s.value(2) != e.isa13 {
			v.add(Problem{Kind: InterchangeTrailer, Element: "IEA02", Position: 2, Message: fmt.Sprintf("is %q; the interchange's ISA13 is %q", s.value(2), e.isa13)})
		}
	}
}
