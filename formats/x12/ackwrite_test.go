package x12

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/onboard/onboard/formats/x12/x12guide"
)

// carrierEnvelope is the envelope of a carrier's acknowledgement.
func carrierEnvelope() Envelope {
	return Envelope{SenderQualifier: "ZZ", SenderID: "BLUECROSS", ReceiverQualifier: "ZZ", ReceiverID: "ONBOARD",
		Usage: "T", ISA13: 900, GS06: 900, Time: testTime.Add(20 * 3600e9)}
}

func TestWrite999RoundTrip(t *testing.T) {
	sets := []SetAck{
		{ST02: 1, Code: "R", SyntaxErrors: []string{"5"}, Errors: []SetError{
			{Segment: "N4", Position: 13, Loop: "2100A", Code: "8", Element: 2, ElementRef: "156", ElementCode: "7", BadValue: "XX",
				Context: []Context{{Name: "SUBSCRIBER NUMBER REF02", Reference: "E1001"}}},
			{Segment: "N4", Position: 13, Loop: "2100A", Code: "8", Element: 6, Component: 1, ElementRef: "310", ElementCode: "6", BadValue: "1?095",
				Context: []Context{{Name: "SUBSCRIBER NUMBER REF02", Reference: "E1001"}}},
			{Segment: "REF", Position: 38, Loop: "2000", Code: "3",
				Context: []Context{{Name: "SITUATIONAL TRIGGER", Segment: "INS", Position: 37, Loop: "2000", Element: 3}}},
		}},
		{ST02: 2},            // accepted
		{ST02: 3, Code: "E"}, // accepted with errors
	}
	for _, d := range []Delimiters{{}, {Element: '|', Component: '>', Repetition: '!', Segment: '\n'}} {
		env := carrierEnvelope()
		env.Delimiters = d
		var buf bytes.Buffer
		if err := Write999(&buf, env, 7, sets); err != nil {
			t.Fatal(err)
		}
		x12guide.Check(t, buf.Bytes(), x12guide.Options{})
		ic, err := Read834(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if errs := ic.Validate(); len(errs) != 0 {
			t.Errorf("999 envelope errors: %v\n%s", errs, buf.String())
		}
		if g := ic.Groups[0]; g.FunctionalID != "FA" || g.Version != Version999 || g.Sets[0].ID != "999" {
			t.Errorf("999 group = %+v", g)
		}
		a, err := ReadAck(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if a.Kind != Kind999 || a.GroupControl != 7 || a.Version != Version834 || a.ControlNumber != 900 {
			t.Errorf("ack = %+v", a)
		}
		if a.AK9 == nil || a.AK9.Code != "P" || a.AK9.Included != 3 || a.AK9.Accepted != 2 {
			t.Errorf("AK9 = %+v, want P with 2 of 3 accepted", a.AK9)
		}
		if len(a.Sets) != 3 || a.Sets[1].Code != "A" || a.Sets[2].Code != "E" || a.Sets[0].ID != "834" {
			t.Fatalf("sets = %+v", a.Sets)
		}
		got := a.Sets[0]
		for i := range got.Errors {
			got.Errors[i].Message = ""
		}
		want := slices.Clone(sets[0].Errors)
		for i := range want {
			want[i].Loop = strings.TrimSuffix(want[i].Loop, "A") // IK303 is at most 4 characters
		}
		if !reflect.DeepEqual(got.Errors, want) || !reflect.DeepEqual(got.SyntaxErrors, sets[0].SyntaxErrors) {
			t.Errorf("errors read back:\n%+v\nwant\n%+v\n%s", got.Errors, want, buf.String())
		}
		if n := strings.Count(buf.String(), "IK3"); n != 2 {
			t.Errorf("%d IK3 segments, want 2 (the N4 errors share one)", n)
		}
	}
}

func TestWrite999AK9(t *testing.T) {
	tests := []struct {
		name string
		sets []SetAck
		want string
	}{
		{"all accepted", []SetAck{{ST02: 1}, {ST02: 2}}, "AK9*A*2*2*2~"},
		{"accepted with errors", []SetAck{{ST02: 1}, {ST02: 2, Code: "E"}}, "AK9*E*2*2*2~"},
		{"partially", []SetAck{{ST02: 1}, {ST02: 2, SyntaxErrors: []string{"4"}}}, "AK9*P*2*2*1~"},
		{"all rejected", []SetAck{{ST02: 1, Errors: []SetError{{Segment: "DMG", Position: 9, Code: "8", Element: 2, ElementCode: "8"}}}}, "AK9*R*1*1*0~"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write999(&buf, carrierEnvelope(), 7, tt.sets); err != nil {
				t.Fatal(err)
			}
			x12guide.Check(t, buf.Bytes(), x12guide.Options{})
			if !strings.Contains(buf.String(), tt.want) {
				t.Errorf("999 lacks %q:\n%s", tt.want, buf.String())
			}
		})
	}
}

func TestWrite999Errors(t *testing.T) {
	var buf bytes.Buffer
	err := Write999(&buf, carrierEnvelope(), 7, []SetAck{{ST02: 1, Errors: []SetError{
		{Segment: "N4", Position: 13, Element: 2, ElementCode: "7", BadValue: "X~Y"}}}})
	if !errors.Is(err, ErrDelimiterInValue) {
		t.Errorf("bad value with a terminator: err = %v", err)
	}
	if err := Write999(&buf, carrierEnvelope(), 0, nil); !errors.Is(err, ErrBadEnvelope) {
		t.Errorf("group control 0: err = %v", err)
	}
}

func TestWriteTA1(t *testing.T) {
	var buf bytes.Buffer
	// TA102/TA103 echo the answered interchange's ISA09/ISA10, not the
	// TA1's own time.
	ref := InterchangeRef{Control: 42, Date: "240506", Time: "1345"}
	if err := WriteTA1(&buf, carrierEnvelope(), ref, "R", "022"); err != nil {
		t.Fatal(err)
	}
	x12guide.Check(t, buf.Bytes(), x12guide.Options{})
	out := buf.String()
	if !strings.Contains(out, "\nTA1*000000042*240506*1345*R*022~\nIEA*0*000000900~\n") {
		t.Errorf("TA1 interchange:\n%s", out)
	}
	a, err := ReadAck(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if a.Kind != KindTA1 || a.InterchangeControl != 42 || !a.Rejected() ||
		a.TA1.Message != "interchange 000000042 was rejected: the envelope structure is invalid" {
		t.Errorf("ack = %+v, TA1 = %+v", a, a.TA1)
	}
	for _, bad := range [][2]string{{"X", "000"}, {"A", "99"}} {
		if err := WriteTA1(&buf, carrierEnvelope(), ref, bad[0], bad[1]); err == nil {
			t.Errorf("WriteTA1(%q, %q) succeeded", bad[0], bad[1])
		}
	}
	if err := WriteTA1(&buf, carrierEnvelope(), InterchangeRef{Control: 42, Date: "2024-05-06", Time: "1345"}, "A", "000"); !errors.Is(err, ErrBadEnvelope) {
		t.Errorf("a date that is not YYMMDD: %v", err)
	}
}
