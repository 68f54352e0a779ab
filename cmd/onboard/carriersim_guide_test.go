package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/acks"
	"github.com/onboard/onboard/formats/x12"
	"github.com/onboard/onboard/formats/x12/x12guide"
)

// strictOptions are a strict carrier's: its translator checks each set
// against the implementation guide, and its answers carry its own
// control numbers from 700.
func strictOptions(t *testing.T) simOptions {
	t.Helper()
	g, err := x12guide.Default()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	n := int64(699)
	return simOptions{Guide: g, NextControl: func() int64 { n++; return n }}
}

// TestStrictCarrierRejectsSetsThatBreakTheGuide: set 0002 of the 834 has
// a gender code the guide does not know; the carrier's 999 accepts set
// 0001 and rejects set 0002 with IK3/IK4 detail pointing at the DMG, and
// the result file answers set 0001's subscribers only.
func TestStrictCarrierRejectsSetsThatBreakTheGuide(t *testing.T) {
	data := sim834(t, false)
	i := bytes.Index(data, []byte("ST*834*0002"))
	j := bytes.Index(data[i:], []byte("DMG*D8*19800102*F"))
	if i < 0 || j < 0 {
		t.Fatalf("fixture changed:\n%s", data)
	}
	pos := bytes.Count(data[i:i+j], []byte("~")) + 1 // the DMG's position in set 0002
	bad := bytes.Clone(data)
	copy(bad[i+j:], "DMG*D8*19800102*Q")

	files, summary := answer834("f.834", bad, strictOptions(t), simNow)
	got := answers(t, files) // each X12 answer passes the 999 map
	ack, err := x12.ReadAck(bytes.NewReader(got["f.834.999"]))
	if err != nil {
		t.Fatalf("%v (%s)", err, summary)
	}
	if ack.AK9 == nil || ack.AK9.Code != "P" || len(ack.Sets) != 2 || ack.Sets[0].Code != "A" || ack.Sets[1].Code != "R" {
		t.Fatalf("999: %+v (%s)\n%s", ack, summary, got["f.834.999"])
	}
	errs := ack.Sets[1].Errors
	if len(errs) != 1 || errs[0].Segment != "DMG" || errs[0].Position != pos || errs[0].Loop != "2100" ||
		errs[0].Element != 3 || errs[0].ElementRef != "1068" || errs[0].ElementCode != "7" {
		t.Errorf("IK3/IK4 detail: %+v, want DMG at %d, element 3 (1068) code 7\n%s", errs, pos, got["f.834.999"])
	}
	if !strings.Contains(string(got["f.834.999"]), "IK5*R*5~") {
		t.Errorf("IK5 lacks code 5 (segments in error):\n%s", got["f.834.999"])
	}
	rows, err := acks.ReadResults(bytes.NewReader(got["f.834.result.csv"]), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.GroupExternalIdentifier != "G-1" {
			t.Errorf("a subscriber of the rejected set has a result row: %+v", r)
		}
	}
}

// TestStrictCarrierControlNumbersAndTA1: the answers carry the carrier's
// own control numbers (not the 834's 42), and the TA1 echoes the 834's
// ISA13, ISA09 and ISA10.
func TestStrictCarrierControlNumbersAndTA1(t *testing.T) {
	data := sim834(t, true)
	files, _ := answer834("f.834", data, strictOptions(t), simNow)
	got := answers(t, files)
	ta1, err := x12.ReadAck(bytes.NewReader(got["f.834.ta1"]))
	if err != nil {
		t.Fatal(err)
	}
	isa09, isa10 := simNow.Add(-time.Hour).Format("060102"), simNow.Add(-time.Hour).Format("1504")
	if ta1.ControlNumber != 700 || ta1.TA1 == nil || ta1.TA1.InterchangeControl != 42 || ta1.TA1.Date != isa09 || ta1.TA1.Time != isa10 {
		t.Errorf("TA1: control %d, %+v; want 700 answering 42 of %s %s", ta1.ControlNumber, ta1.TA1, isa09, isa10)
	}
	fa, err := x12.ReadAck(bytes.NewReader(got["f.834.999"]))
	if err != nil {
		t.Fatal(err)
	}
	if fa.ControlNumber != 701 || fa.GroupControl != 42 || !strings.Contains(string(got["f.834.999"]), "GS*FA*BLUECROSS*ONBOARD*") ||
		!strings.Contains(string(got["f.834.999"]), "*701*X*005010X231A1~") {
		t.Errorf("999: ISA13 %d answering group %d\n%s", fa.ControlNumber, fa.GroupControl, got["f.834.999"])
	}
}
