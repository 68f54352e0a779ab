package x12

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Envelope is what an interchange says about itself: who sends it to whom,
// its control numbers and its time. Everything here is carrier-specific and
// comes from the caller; control numbers are allocated by the caller (they
// must never be reused for a trading partner).
type Envelope struct {
	// SenderQualifier and ReceiverQualifier are ISA05/ISA07 (2 characters,
	// e.g. ZZ mutually defined, 30 federal tax id).
	SenderQualifier, SenderID     string // ISA06: at most 15 characters
	ReceiverQualifier, ReceiverID string // ISA08: at most 15 characters
	// ApplicationSender and ApplicationReceiver are GS02/GS03; empty means
	// the interchange sender and receiver ids.
	ApplicationSender, ApplicationReceiver string
	Usage                                  string // ISA15: T (test) or P (production)
	AckRequested                           bool   // ISA14: ask the receiver for a TA1
	ISA13, GS06                            int64  // control numbers, 1..999999999
	Time                                   time.Time
	// Delimiters; the zero value means DefaultDelimiters().
	Delimiters Delimiters
}

// ISALength is the length of an ISA segment including its terminator (and
// excluding any newline after it).
const ISALength = 106

// maxControl is the largest control number that fits ISA13 (9 digits).
const maxControl = 999999999

// validateEnvelope checks what the ISA and GS need from env.
func validateEnvelope(env Envelope) error {
	d := env.Delimiters.orDefault()
	if err := d.Validate(); err != nil {
		return err
	}
	for _, f := range []struct {
		name, v  string
		min, max int
	}{
		{"sender qualifier (ISA05)", env.SenderQualifier, 2, 2},
		{"sender id (ISA06)", env.SenderID, 1, 15},
		{"receiver qualifier (ISA07)", env.ReceiverQualifier, 2, 2},
		{"receiver id (ISA08)", env.ReceiverID, 1, 15},
		{"application sender (GS02)", env.appSender(), 2, 15},
		{"application receiver (GS03)", env.appReceiver(), 2, 15},
	} {
		v := strings.TrimSpace(f.v)
		if len(v) < f.min || len(v) > f.max {
			if f.min == f.max {
				return fmt.Errorf("%w: %s must be %d characters", ErrBadEnvelope, f.name, f.min)
			}
			return fmt.Errorf("%w: %s must be %d to %d characters", ErrBadEnvelope, f.name, f.min, f.max)
		}
		if err := CheckValue(v, d); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrBadEnvelope, f.name, err)
		}
	}
	if env.Usage != "T" && env.Usage != "P" {
		return fmt.Errorf("%w: usage indicator (ISA15) must be T or P", ErrBadEnvelope)
	}
	for _, q := range []struct{ elem, v string }{{"ISA05", env.SenderQualifier}, {"ISA07", env.ReceiverQualifier}} {
		if !GuideAllows(q.elem, strings.TrimSpace(q.v)) {
			return fmt.Errorf("%w: interchange id qualifier (%s) %q %w", ErrBadEnvelope, q.elem, q.v, ErrCodeOutsideGuide)
		}
	}
	if err := checkControl("interchange control number (ISA13)", env.ISA13); err != nil {
		return err
	}
	if env.Time.IsZero() {
		return fmt.Errorf("%w: the interchange time is not set", ErrBadEnvelope)
	}
	return nil
}

func (env Envelope) appSender() string {
	if env.ApplicationSender != "" {
		return env.ApplicationSender
	}
	return env.SenderID
}

func (env Envelope) appReceiver() string {
	if env.ApplicationReceiver != "" {
		return env.ApplicationReceiver
	}
	return env.ReceiverID
}

func checkControl(name string, n int64) error {
	if n < 1 || n > maxControl {
		return fmt.Errorf("%w: %s %d is outside 1..999999999", ErrBadEnvelope, name, n)
	}
	return nil
}

// formatISA returns the fixed-width ISA segment (ISALength bytes, no newline).
// The caller has validated env.
func formatISA(env Envelope, d Delimiters) string {
	ack := "0"
	if env.AckRequested {
		ack = "1"
	}
	fields := []string{
		"00",                          // ISA01 authorization information qualifier: none
		pad("", 10),                   // ISA02
		"00",                          // ISA03 security information qualifier: none
		pad("", 10),                   // ISA04
		pad(env.SenderQualifier, 2),   // ISA05
		pad(env.SenderID, 15),         // ISA06
		pad(env.ReceiverQualifier, 2), // ISA07
		pad(env.ReceiverID, 15),       // ISA08
		env.Time.Format("060102"),     // ISA09 YYMMDD
		env.Time.Format("1504"),       // ISA10 HHMM
		string(d.Repetition),          // ISA11 repetition separator (00501)
		"00501",                       // ISA12 version
		control9(env.ISA13),           // ISA13
		ack,                           // ISA14
		env.Usage,                     // ISA15
		string(d.Component),           // ISA16
	}
	var b strings.Builder
	b.Grow(ISALength)
	b.WriteString("ISA")
	for _, f := range fields {
		b.WriteByte(d.Element)
		b.WriteString(f)
	}
	b.WriteByte(d.Segment)
	return b.String()
}

// pad left-justifies s (trimmed) in a field of width n.
func pad(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) >= n {
		return s[:n]
	}
	return s + strings.Repeat(" ", n-len(s))
}

// control9 formats an interchange control number as ISA13/IEA02/TA101 do:
// nine digits, zero-padded.
func control9(n int64) string {
	return fmt.Sprintf("%09d", n)
}

// controlST formats a transaction set control number (ST02/SE02/AK202):
// at least four digits.
func controlST(n int64) string {
	return fmt.Sprintf("%04d", n)
}

// parseControl parses a control number element.
func parseControl(name, v string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s %q is not a control number", name, v)
	}
	return n, nil
}
