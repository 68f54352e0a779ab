package x12

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readAckFile(t *testing.T, name string) (*Ack, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return ReadAck(f)
}

func TestReadAckTA1(t *testing.T) {
	tests := []struct {
		file     string
		code     string
		note     string
		rejected bool
		message  string
	}{
		{"ta1-accepted.x12", "A", "000", false, "interchange 000000042 was accepted"},
		{"ta1-rejected.x12", "R", "021", true, "interchange 000000042 was rejected: the number of functional groups (IEA01) is wrong"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			a, err := readAckFile(t, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if a.Kind != KindTA1 || a.InterchangeControl != 42 || a.TA1 == nil {
				t.Fatalf("ack = %+v", a)
			}
			if a.TA1.Code != tt.code || a.TA1.Note != tt.note || a.TA1.Date != "240506" || a.TA1.Time != "1345" {
				t.Errorf("TA1 = %+v", a.TA1)
			}
			if a.Rejected() != tt.rejected {
				t.Errorf("Rejected() = %v", a.Rejected())
			}
			if a.TA1.Message != tt.message {
				t.Errorf("message = %q, want %q", a.TA1.Message, tt.message)
			}
			if a.SenderID != "BLUECROSS" || a.ReceiverID != "ONBOARD" || a.ControlNumber == 0 {
				t.Errorf("ack envelope = %q %q %d", a.SenderID, a.ReceiverID, a.ControlNumber)
			}
		})
	}
}

func TestReadAck999(t *testing.T) {
	type set struct {
		st02     int64
		code     string
		messages []string
	}
	tests := []struct {
		file     string
		kind     string
		ak9      string
		counts   [3]int
		rejected bool
		sets     []set
		groupMsg string
	}{
		{
			file: "999-accepted.x12", kind: Kind999, ak9: "A", counts: [3]int{2, 2, 2},
			sets:     []set{{1, "A", nil}, {2, "A", nil}},
			groupMsg: "functional group 7 was accepted",
		},
		{
			file: "999-accepted-errors.x12", kind: Kind999, ak9: "E", counts: [3]int{1, 1, 1},
			sets: []set{{1, "E", []string{
				"segment DMG at position 34 in loop 2100A: element 3 (gender) has a code value the implementation guide does not use 'U' (subscriber number E1001)",
			}}},
			groupMsg: "functional group 7 was accepted with errors (1 of 1 transaction sets accepted)",
		},
		{
			file: "999-rejected-segment.x12", kind: Kind999, ak9: "R", counts: [3]int{1, 1, 0}, rejected: true,
			sets: []set{{1, "R", []string{
				"segment REF at position 38 in loop 2000 is required but missing (triggered by segment INS at position 37 in loop 2000)",
				"segment ZZZ at position 48 is not a recognized segment",
			}}},
			groupMsg: "functional group 7 was rejected (0 of 1 transaction sets accepted)",
		},
		{
			file: "999-rejected-element.x12", kind: Kind999, ak9: "R", counts: [3]int{1, 1, 0}, rejected: true,
			sets: []set{{1, "R", []string{
				"segment N4 at position 13 in loop 2100A: element 2 (state) has an invalid code value 'XX' (subscriber number E1001)",
				"segment N4 at position 13 in loop 2100A: element 3 (postal code) is too long '3280112345678' (subscriber number E1001)",
				"segment NM1 at position 24 in loop 2100A: element 9 (member identifier) is too short '***-**-4567'",
				"segment HD at position 44 in loop 2300: element 3 (insurance line) has an invalid code value 'XYZ' (triggered by segment INS at position 37 in loop 2000)",
			}}},
		},
		{
			file: "999-partial.x12", kind: Kind999, ak9: "P", counts: [3]int{2, 2, 1},
			sets: []set{
				{1, "R", []string{"segment N4 at position 13 in loop 2100A: element 2 (state) has an invalid code value 'XX'"}},
				{2, "A", nil},
			},
			groupMsg: "functional group 7 was partially accepted (1 of 2 transaction sets accepted)",
		},
		{
			file: "999-group-rejected.x12", kind: Kind999, ak9: "R", counts: [3]int{1, 1, 0}, rejected: true,
			groupMsg: "functional group 7 was rejected (0 of 1 transaction sets accepted): functional group version not supported",
		},
		{
			file: "999-pipes.x12", kind: Kind999, ak9: "R", counts: [3]int{1, 1, 0}, rejected: true,
			sets: []set{{1, "R", []string{
				"segment N4 at position 13 in loop 2100A: component 1 of element 6 (county code) contains an invalid character 'X*X' (subscriber number E1001)",
			}}},
		},
		{
			file: "997-rejected.x12", kind: Kind997, ak9: "R", counts: [3]int{1, 1, 0}, rejected: true,
			sets: []set{{1, "R", []string{"segment N4 at position 13 in loop 2100A: element 2 (state) has an invalid code value 'XX'"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			a, err := readAckFile(t, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if a.Kind != tt.kind || a.GroupControl != 7 || a.FunctionalID != "BE" || a.TA1 != nil {
				t.Fatalf("ack = %+v", a)
			}
			if a.AK9 == nil || a.AK9.Code != tt.ak9 || [3]int{a.AK9.Included, a.AK9.Received, a.AK9.Accepted} != tt.counts {
				t.Fatalf("AK9 = %+v, want %s %v", a.AK9, tt.ak9, tt.counts)
			}
			if tt.groupMsg != "" && a.AK9.Message != tt.groupMsg {
				t.Errorf("group message = %q\nwant %q", a.AK9.Message, tt.groupMsg)
			}
			if a.Rejected() != tt.rejected {
				t.Errorf("Rejected() = %v", a.Rejected())
			}
			if len(a.Sets) != len(tt.sets) {
				t.Fatalf("%d sets, want %d", len(a.Sets), len(tt.sets))
			}
			for i, want := range tt.sets {
				got := a.Sets[i]
				if got.ST02 != want.st02 || got.Code != want.code || got.ID != "834" {
					t.Errorf("set %d = %s %d %s, want 834 %d %s", i, got.ID, got.ST02, got.Code, want.st02, want.code)
				}
				var msgs []string
				for _, e := range got.Errors {
					msgs = append(msgs, e.Message)
				}
				if !reflect.DeepEqual(msgs, want.messages) {
					t.Errorf("set %d messages:\n%s\nwant:\n%s", i, strings.Join(msgs, "\n"), strings.Join(want.messages, "\n"))
				}
			}
		})
	}
}

func TestReadAckErrorFields(t *testing.T) {
	a, err := readAckFile(t, "999-rejected-element.x12")
	if err != nil {
		t.Fatal(err)
	}
	s := a.Sets[0]
	if s.Message != "transaction set 834 0001 was rejected: one or more segments in error" {
		t.Errorf("set message = %q", s.Message)
	}
	if !reflect.DeepEqual(s.SyntaxErrors, []string{"5"}) || s.Accepted() {
		t.Errorf("syntax errors = %q, accepted = %v", s.SyntaxErrors, s.Accepted())
	}
	want := SetError{Segment: "N4", Position: 13, Loop: "2100A", Code: "8", Element: 2, ElementRef: "156",
		ElementCode: "7", BadValue: "XX", Context: []Context{{Name: "SUBSCRIBER NUMBER REF02", Reference: "E1001"}}}
	got := s.Errors[0]
	got.Message = ""
	if !reflect.DeepEqual(got, want) {
		t.Errorf("error 0 =\n%+v\nwant\n%+v", got, want)
	}
	if s.Errors[2].BadValue != "***-**-4567" {
		t.Errorf("NM109 bad value not masked: %q", s.Errors[2].BadValue)
	}
	hd := s.Errors[3]
	if len(hd.Context) != 1 || hd.Context[0] != (Context{Name: "SITUATIONAL TRIGGER", Segment: "INS", Position: 37, Loop: "2000", Element: 3}) {
		t.Errorf("HD context = %+v", hd.Context)
	}
	// The IK3 context is the N4's, not the NM1's.
	if len(s.Errors[2].Context) != 0 {
		t.Errorf("NM1 error inherited a context: %+v", s.Errors[2].Context)
	}

	// Errors map back to the members of the 834 that was sent.
	_, infos := write834(t, testEnvelope(), testOptions(), smallGroup())
	wantMembers := []string{"E1001/", "E1001/", "E1001/E1001-2", "E1002/"}
	for i, e := range s.Errors {
		m, ok := infos[0].Find(e.Position)
		if got := m.SubscriberExt + "/" + m.DependentExt; !ok || got != wantMembers[i] {
			t.Errorf("error %d at position %d maps to %q, want %q", i, e.Position, got, wantMembers[i])
		}
	}
}

func TestReadAckCombined(t *testing.T) {
	a, err := readAckFile(t, "ta1-999.x12")
	if err != nil {
		t.Fatal(err)
	}
	if a.Kind != Kind999 || a.TA1 == nil || a.TA1.Code != "A" || a.InterchangeControl != 42 || a.GroupControl != 7 {
		t.Fatalf("combined ack = %+v", a)
	}
	if len(a.Sets) != 1 || !a.Sets[0].Accepted() || a.Rejected() {
		t.Errorf("sets = %+v", a.Sets)
	}
}

func TestReadAckErrors(t *testing.T) {
	ta1 := func(ctl string) string {
		return isa('*', '^', ':', '~') + "TA1*" + ctl + "*240506*1345*A*000~IEA*0*000000042~"
	}
	body := func(segs ...string) string {
		return isa('*', '^', ':', '~') + "GS*FA*X*Y*20240507*0910*1*X*005010X231A1~ST*999*0001~" + strings.Join(segs, "~") + "~SE*9*0001~GE*1*1~IEA*1*000000042~"
	}
	both, err := os.ReadFile(filepath.Join("testdata", "ta1-accepted.x12"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		input    string
		is       error
		contains string
	}{
		{"garbage", "This is not an acknowledgement.", ErrNoISA, ""},
		{"empty", "", ErrNoISA, ""},
		{"an 834, not an ack", isa('*', '^', ':', '~') + "GS*BE*A*B~ST*834*0001~SE*2*0001~GE*1*1~IEA*1*000000042~", ErrNoAck, ""},
		{"TA101 not a number", ta1("00000004X"), ErrBadAck, "TA101"},
		{"TA104 missing", isa('*', '^', ':', '~') + "TA1*000000042*240506*1345~", ErrBadAck, "TA104"},
		{"AK2 before AK1", body("AK2*834*0001"), ErrBadAck, "AK2 before AK1"},
		{"IK4 without IK3", body("AK1*BE*7", "AK2*834*0001", "IK4*2**7"), ErrBadAck, "without an IK3"},
		{"position not a number", body("AK1*BE*7", "AK2*834*0001", "IK3*N4*X3*2100A*8"), ErrBadAck, "IK302"},
		{"element position not a number", body("AK1*BE*7", "AK2*834*0001", "IK3*N4*13*2100A*8", "IK4*B**7"), ErrBadAck, "IK401"},
		{"AK9 count not a number", body("AK1*BE*7", "AK9*A*one*1*1"), ErrBadAck, "AK902"},
		{"AK1 outside a 999", isa('*', '^', ':', '~') + "AK1*BE*7~", ErrBadAck, "outside a 999"},
		{"two TA1s", string(both) + string(both), ErrMultipleAcks, "ReadAcks"},
		{"truncated", body("AK1*BE*7", "AK2*834*0001")[:150], ErrUnterminated, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadAck(strings.NewReader(tt.input))
			if !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("err = %q, want it to contain %q", err, tt.contains)
			}
		})
	}
}

func TestReadAcksMany(t *testing.T) {
	var all []byte
	for _, f := range []string{"ta1-accepted.x12", "999-accepted.x12", "999-partial.x12"} {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	acks, err := ReadAcks(strings.NewReader(string(all)))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, a := range acks {
		kinds = append(kinds, a.Kind+"/"+ak9Code(a))
	}
	if got := strings.Join(kinds, " "); got != "TA1/ 999/A 999/P" {
		t.Errorf("acks = %s", got)
	}
}

func ak9Code(a *Ack) string {
	if a.AK9 == nil {
		return ""
	}
	return a.AK9.Code
}

func TestDescribeCode(t *testing.T) {
	tests := []struct{ element, code, want string }{
		{"IK304", "8", "Segment Has Data Element Errors"},
		{"AK304", "I6", "Implementation Dependent Segment Missing"},
		{"IK403", "7", "Invalid Code Value"},
		{"IK403", "I12", "Implementation Pattern Match Failure"},
		{"IK501", "E", "Accepted But Errors Were Noted"},
		{"IK502", "4", "Number of Included Segments Does Not Match Actual Count"},
		{"AK901", "P", "Partially Accepted, At Least One Transaction Set Was Rejected"},
		{"AK905", "5", "Number of Included Transaction Sets Does Not Match Actual Count"},
		{"TA104", "R", "The Transmitted Interchange Control Structure Header and Trailer are Rejected Because of Errors"},
		{"TA105", "023", "Improper (Premature) End-of-File (Transmission)"},
		{"TA105", "999", ""},
		{"XX", "1", ""},
	}
	for _, tt := range tests {
		if got := DescribeCode(tt.element, tt.code); got != tt.want {
			t.Errorf("DescribeCode(%s, %s) = %q, want %q", tt.element, tt.code, got, tt.want)
		}
	}
	for code := range ik403Codes {
		if ik403Codes[code].phrase == "" || ik403Codes[code].name == "" {
			t.Errorf("IK403 %s has no text", code)
		}
	}
	if len(ta105Codes) != 32 {
		t.Errorf("%d TA105 codes, want 000..031", len(ta105Codes))
	}
}

func TestUnknownCodeMessage(t *testing.T) {
	e := SetError{Segment: "N4", Position: 13, Element: 2, ElementCode: "99"}
	if got := errorMessage(&e); got != `segment N4 at position 13: element 2 (state) has IK403 code "99"` {
		t.Errorf("message = %q", got)
	}
}

func TestAckRejectedWithoutAK9(t *testing.T) {
	tests := []struct {
		sets []SetAck
		want bool
	}{
		{[]SetAck{{Code: "R"}, {Code: "X"}}, true},
		{[]SetAck{{Code: "R"}, {Code: "E"}}, false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := (&Ack{Kind: Kind999, Sets: tt.sets}).Rejected(); got != tt.want {
			t.Errorf("Rejected(%+v) = %v, want %v", tt.sets, got, tt.want)
		}
	}
	if (&Ack{Kind: Kind999, AK9: &GroupResponse{Code: "P"}, Sets: []SetAck{{Code: "R"}}}).Rejected() {
		t.Error("a partially accepted group is not rejected as a whole")
	}
}
