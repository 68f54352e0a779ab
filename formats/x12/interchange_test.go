package x12

import (
	"errors"
	"sort"
	"strings"
	"testing"
)

// envelopeFile is a well-formed interchange with two groups; tests break it.
func envelopeFile() string {
	return isa('*', '^', ':', '~') + "\n" +
		"GS*BE*ONBOARD*BLUECROSS*20240506*1345*7*X*005010X220A1~\n" +
		"ST*834*0001*005010X220A1~\nBGN*00*R1*20240506*1345****2~\nN1*P5*ACME*FI*123456789~\n" +
		"INS*Y*18*021*28*A***FT~\nREF*0F*E1~\nNM1*IL*1*DOE*JANE~\nHD*021**HLT~\nDTP*348*D8*20240601~\n" +
		"INS*N*01*021*28*A~\nREF*0F*E1~\nNM1*IL*1*DOE*JOHN~\nSE*12*0001~\n" +
		"ST*834*0002*005010X220A1~\nBGN*00*R2*20240506*1345****2~\nSE*3*0002~\n" +
		"GE*2*7~\n" +
		"GS*BE*ONBOARD*BLUECROSS*20240506*1345*8*X*005010X220A1~\nST*834*0001*005010X220A1~\nSE*2*0001~\nGE*1*8~\n" +
		"IEA*2*000000042~\n"
}

func TestRead834Members(t *testing.T) {
	ic, err := Read834(strings.NewReader(envelopeFile()))
	if err != nil {
		t.Fatal(err)
	}
	if errs := ic.Validate(); len(errs) != 0 {
		t.Fatalf("errors in a sound file: %v", errs)
	}
	s := ic.Groups[0].Sets[0]
	want := []Member{
		{Subscriber: true, Relationship: "18", Maintenance: "021", Reason: "28", SubscriberID: "E1", LastName: "DOE", FirstName: "JANE", Coverages: []string{"HLT"}, First: 4, Last: 8},
		{Relationship: "01", Maintenance: "021", Reason: "28", SubscriberID: "E1", LastName: "DOE", FirstName: "JOHN", First: 9, Last: 11},
	}
	if len(s.Members) != 2 {
		t.Fatalf("members = %+v", s.Members)
	}
	for i := range want {
		got := s.Members[i]
		if got.Subscriber != want[i].Subscriber || got.Relationship != want[i].Relationship || got.SubscriberID != want[i].SubscriberID ||
			got.FirstName != want[i].FirstName || got.First != want[i].First || got.Last != want[i].Last ||
			strings.Join(got.Coverages, ",") != strings.Join(want[i].Coverages, ",") {
			t.Errorf("member %d = %+v\nwant %+v", i, got, want[i])
		}
	}
	if s.Reference != "R1" || s.Sponsor != "ACME" || s.Segments != 12 {
		t.Errorf("set = %q %q %d", s.Reference, s.Sponsor, s.Segments)
	}
}

func TestInterchangeValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(s string) string
		codes []string // level:code of every error, sorted
	}{
		{"SE01 wrong", func(s string) string { return strings.Replace(s, "SE*12*0001", "SE*11*0001", 1) }, []string{"set:4"}},
		{"SE02 mismatch", func(s string) string { return strings.Replace(s, "SE*3*0002", "SE*3*0003", 1) }, []string{"set:3"}},
		{"SE missing", func(s string) string { return strings.Replace(s, "SE*3*0002~\n", "", 1) }, []string{"set:2"}},
		{"duplicate ST02", func(s string) string {
			return strings.Replace(strings.Replace(s, "ST*834*0002", "ST*834*0001", 1), "SE*3*0002", "SE*3*0001", 1)
		}, []string{"set:23"}},
		{"ST02 not a number", func(s string) string {
			return strings.Replace(strings.Replace(s, "ST*834*0002", "ST*834*00X2", 1), "SE*3*0002", "SE*3*00X2", 1)
		}, []string{"set:7"}},
		{"GE01 wrong", func(s string) string { return strings.Replace(s, "GE*2*7", "GE*3*7", 1) }, []string{"group:5"}},
		{"GE02 mismatch", func(s string) string { return strings.Replace(s, "GE*1*8", "GE*1*9", 1) }, []string{"group:4"}},
		{"GE missing", func(s string) string { return strings.Replace(s, "GE*1*8~\n", "", 1) }, []string{"group:3"}},
		{"duplicate GS06", func(s string) string {
			return strings.Replace(strings.Replace(s, "*8*X*", "*7*X*", 1), "GE*1*8", "GE*1*7", 1)
		}, []string{"group:19"}},
		{"IEA01 wrong", func(s string) string { return strings.Replace(s, "IEA*2*", "IEA*1*", 1) }, []string{"interchange:021"}},
		{"IEA02 mismatch", func(s string) string { return strings.Replace(s, "IEA*2*000000042", "IEA*2*000000043", 1) }, []string{"interchange:001"}},
		{"IEA missing", func(s string) string { return strings.Replace(s, "IEA*2*000000042~\n", "", 1) }, []string{"interchange:023"}},
		{"segment outside a set", func(s string) string { return strings.Replace(s, "GE*1*8~", "REF*0F*X~\nGE*1*8~", 1) }, []string{"interchange:022"}},
		{"ST outside a group", func(s string) string {
			return strings.Replace(s, "IEA*2*", "ST*834*0009~\nSE*2*0009~\nIEA*2*", 1)
		}, []string{"interchange:022", "interchange:022"}},
		{"second interchange", func(s string) string { return s + isa('*', '^', ':', '~') }, nil},
		{"no trailers at all", func(s string) string { s, _, _ = strings.Cut(s, "SE*12"); return s }, []string{"group:3", "interchange:023", "set:2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ic, err := Read834(strings.NewReader(tt.edit(envelopeFile())))
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, err := range ic.Validate() {
				var e *EnvelopeError
				if !errors.As(err, &e) {
					t.Fatalf("%v is not an *EnvelopeError", err)
				}
				if !errors.Is(err, ErrCountMismatch) && !errors.Is(err, ErrControlMismatch) &&
					!errors.Is(err, ErrTrailerMissing) && !errors.Is(err, ErrStructure) {
					t.Errorf("%v wraps no envelope sentinel", err)
				}
				codes = append(codes, e.Level+":"+e.Code)
			}
			sort.Strings(codes)
			if strings.Join(codes, " ") != strings.Join(tt.codes, " ") {
				t.Errorf("codes = %v, want %v (%v)", codes, tt.codes, ic.Validate())
			}
		})
	}
}

func TestEnvelopeErrorMessage(t *testing.T) {
	ic, err := Read834(strings.NewReader(strings.Replace(envelopeFile(), "SE*12*0001", "SE*11*0001", 1)))
	if err != nil {
		t.Fatal(err)
	}
	errs := ic.Validate()
	if len(errs) != 1 {
		t.Fatalf("errors = %v", errs)
	}
	want := `line 14: transaction set 1: count does not match: SE01 is "11" but the set has 12 segments`
	if errs[0].Error() != want {
		t.Errorf("message = %q\nwant %q", errs[0], want)
	}
}

func TestRead834Garbage(t *testing.T) {
	for _, in := range []string{"", "garbage", isa('*', '^', ':', '~') + "GS*BE~\n!!*X~"} {
		if _, err := Read834(strings.NewReader(in)); err == nil {
			t.Errorf("Read834(%q) succeeded", in)
		}
	}
}
