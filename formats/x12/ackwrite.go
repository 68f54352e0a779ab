package x12

import (
	"fmt"
	"io"
	"strconv"
)

// Write999 writes a 999 implementation acknowledgement interchange for
// functional group groupControl (an 834 group, AK1*BE): one AK2..IK5 per
// set, then an AK9 computed from the sets (A when all were accepted, E
// when all were accepted and some with errors, P when some were rejected,
// R when none was accepted). env is the 999's own envelope (the carrier
// as sender). A set with an empty Code is A without errors, else R; an
// empty ID is 834 and an empty Version 005010X220A1. Errors sharing
// segment, position, loop and code form one IK3 with an IK4 per element;
// the first error's Context is written after the IK3. Messages are not
// written.
func Write999(w io.Writer, env Envelope, groupControl int64, sets []SetAck) error {
	if err := checkControl("acknowledged group control number (AK102)", groupControl); err != nil {
		return err
	}
	wr := NewWriter(w, env.Delimiters)
	if err := wr.BeginInterchange(env); err != nil {
		return fmt.Errorf("writing 999: %w", err)
	}
	if err := wr.BeginGroup("FA", env.GS06, Version999); err != nil {
		return fmt.Errorf("writing 999: %w", err)
	}
	if err := wr.BeginSet(Kind999, 1, Version999); err != nil {
		return fmt.Errorf("writing 999: %w", err)
	}
	if err := wr.WriteSegment("AK1", "BE", strconv.FormatInt(groupControl, 10), Version834); err != nil {
		return fmt.Errorf("writing 999: %w", err)
	}
	accepted, withErrors := 0, false
	for i := range sets {
		s := sets[i]
		if s.ID == "" {
			s.ID = "834"
		}
		if s.Version == "" {
			s.Version = Version834
		}
		if s.Code == "" {
			s.Code = "A"
			if len(s.Errors) > 0 || len(s.SyntaxErrors) > 0 {
				s.Code = "R"
			}
		}
		if s.Accepted() {
			accepted++
		}
		withErrors = withErrors || s.Code == "E"
		if err := writeSetAck(wr, s); err != nil {
			return fmt.Errorf("writing 999: set %s: %w", controlST(s.ST02), err)
		}
	}
	code := "A"
	switch {
	case accepted == 0 && len(sets) > 0:
		code = "R"
	case accepted < len(sets):
		code = "P"
	case withErrors:
		code = "E"
	}
	n := strconv.Itoa(len(sets))
	if err := wr.WriteSegment("AK9", code, n, n, strconv.Itoa(accepted)); err != nil {
		return fmt.Errorf("writing 999: %w", err)
	}
	if _, err := wr.EndSet(); err != nil {
		return fmt.Errorf("writing 999: %w", err)
	}
	if err := wr.EndGroup(); err != nil {
		return fmt.Errorf("writing 999: %w", err)
	}
	if err := wr.EndInterchange(); err != nil {
		return fmt.Errorf("writing 999: %w", err)
	}
	return nil
}

func writeSetAck(wr *Writer, s SetAck) error {
	if err := wr.WriteSegment("AK2", s.ID, controlST(s.ST02), s.Version); err != nil {
		return err
	}
	var open *SetError // the error whose IK3 was written last
	for i := range s.Errors {
		e := &s.Errors[i]
		if open == nil || e.Segment != open.Segment || e.Position != open.Position || e.Loop != open.Loop || e.Code != open.Code {
			code := e.Code
			if code == "" {
				code = "8" // segment has data element errors
			}
			if err := wr.WriteSegment("IK3", e.Segment, strconv.Itoa(e.Position), loopCode(e.Loop), code); err != nil {
				return err
			}
			for _, c := range e.Context {
				if err := writeContext(wr, c); err != nil {
					return err
				}
			}
			open = e
		}
		if e.Element > 0 {
			pos := []string{strconv.Itoa(e.Element), "", ""}
			if e.Component > 0 {
				pos[1] = strconv.Itoa(e.Component)
			}
			if e.Repetition > 0 {
				pos[2] = strconv.Itoa(e.Repetition)
			}
			if err := wr.WriteSegmentComponents("IK4", pos, []string{e.ElementRef}, []string{e.ElementCode},
				[]string{e.BadValue}); err != nil {
				return err
			}
		}
	}
	return wr.WriteSegment("IK5", append([]string{s.Code}, s.SyntaxErrors...)...)
}

// loopCode is a loop id as IK303 and CTX04 carry it: data element 447 is
// at most 4 characters, so the 834's 2100A is written 2100.
func loopCode(loop string) string {
	if len(loop) > 4 {
		return loop[:4]
	}
	return loop
}

// writeContext writes a CTX: a business unit identifier (name and
// reference) or a segment context.
func writeContext(wr *Writer, c Context) error {
	if c.Segment == "" {
		return wr.WriteSegmentComponents("CTX", []string{c.Name, c.Reference})
	}
	pos, el := "", ""
	if c.Position > 0 {
		pos = strconv.Itoa(c.Position)
	}
	if c.Element > 0 {
		el = strconv.Itoa(c.Element)
	}
	return wr.WriteSegmentComponents("CTX", []string{c.Name, c.Reference}, []string{c.Segment}, []string{pos},
		[]string{loopCode(c.Loop)}, []string{el})
}

// InterchangeRef names the interchange a TA1 answers as its ISA did:
// ISA13, ISA09 (YYMMDD) and ISA10 (HHMM), which TA101..TA103 echo.
type InterchangeRef struct {
	Control    int64
	Date, Time string
}

// WriteTA1 writes a TA1 interchange acknowledgement interchange (ISA, TA1,
// IEA*0) answering the interchange ref: code A, E or R and a TA105 note
// code (000 for no error). TA101..TA103 echo ref's ISA13, ISA09 and ISA10.
// env is the TA1's own envelope.
func WriteTA1(w io.Writer, env Envelope, ref InterchangeRef, code, note string) error {
	if _, ok := ta104Codes[code]; !ok {
		return fmt.Errorf("writing TA1: acknowledgment code %q is not A, E or R", code)
	}
	if _, ok := ta105Codes[note]; !ok {
		return fmt.Errorf("writing TA1: note code %q is not a TA105 code", note)
	}
	if ref.Control < 0 || ref.Control > maxControl {
		return fmt.Errorf("writing TA1: %w: interchange control number %d is outside 0..999999999", ErrBadEnvelope, ref.Control)
	}
	if !allDigits(ref.Date, 6) || !allDigits(ref.Time, 4) {
		return fmt.Errorf("writing TA1: %w: the interchange date and time %q %q are not YYMMDD and HHMM", ErrBadEnvelope, ref.Date, ref.Time)
	}
	wr := NewWriter(w, env.Delimiters)
	if err := wr.BeginInterchange(env); err != nil {
		return fmt.Errorf("writing TA1: %w", err)
	}
	if err := wr.WriteSegment("TA1", control9(ref.Control), ref.Date, ref.Time, code, note); err != nil {
		return fmt.Errorf("writing TA1: %w", err)
	}
	if err := wr.EndInterchange(); err != nil {
		return fmt.Errorf("writing TA1: %w", err)
	}
	return nil
}

func allDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < n; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
