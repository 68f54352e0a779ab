package x12

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

// write834 writes the given groups as one interchange.
func write834(t *testing.T, env Envelope, opts Options834, groups ...model.GroupChanges) ([]byte, []SetInfo) {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter834(&buf, env, opts)
	if err != nil {
		t.Fatal(err)
	}
	var infos []SetInfo
	for i, gc := range groups {
		info, err := w.WriteSet(gc, int64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		infos = append(infos, info)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	checkGuide(t, buf.Bytes(), opts)
	return buf.Bytes(), infos
}

func TestWriter834Golden(t *testing.T) {
	out, _ := write834(t, testEnvelope(), testOptions(), smallGroup(), secondGroup())
	golden(t, "834-small.golden.x12", out)
}

func TestWriter834RoundTrip(t *testing.T) {
	out, infos := write834(t, testEnvelope(), testOptions(), smallGroup(), secondGroup())

	// Every segment reads back with the tokenizer.
	rd := NewReader(bytes.NewReader(out))
	n := 0
	for {
		seg, err := rd.Next()
		if err != nil {
			if err != io.EOF {
				t.Fatalf("segment %d: %v", n+1, err)
			}
			break
		}
		n++
		if seg.Pos != n {
			t.Errorf("segment %s: Pos %d, want %d", seg.ID, seg.Pos, n)
		}
	}
	if lines := strings.Count(string(out), "\n"); lines != n {
		t.Errorf("%d lines for %d segments", lines, n)
	}
	if isa, _, _ := strings.Cut(string(out), "\n"); len(isa) != ISALength {
		t.Errorf("ISA is %d characters, want %d: %q", len(isa), ISALength, isa)
	}

	ic, err := Read834(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if errs := ic.Validate(); len(errs) > 0 {
		t.Fatalf("envelope errors: %v", errs)
	}
	if ic.Control != 42 || ic.SenderID != "ONBOARD" || ic.ReceiverID != "BLUECROSS" || ic.Usage != "T" {
		t.Errorf("interchange header = %+v", ic)
	}
	if len(ic.Groups) != 1 || ic.Groups[0].Control != 7 || ic.Groups[0].FunctionalID != "BE" || ic.Groups[0].Version != Version834 {
		t.Fatalf("groups = %+v", ic.Groups)
	}
	if got := ic.Trailer.Element(1); got != "1" {
		t.Errorf("IEA01 = %q, want 1", got)
	}
	g := ic.Groups[0]
	if got := g.Trailer.Element(1); got != "2" {
		t.Errorf("GE01 = %q, want 2", got)
	}
	for i, set := range g.Sets {
		info := infos[i]
		if set.Control != info.ST02 || set.Trailer.Element(2) != set.Header.Element(2) {
			t.Errorf("set %d: ST02 %d / SE02 %q, want %d", i, set.Control, set.Trailer.Element(2), info.ST02)
		}
		if set.Segments != info.Segments || set.Trailer.Element(1) != strconv.Itoa(info.Segments) {
			t.Errorf("set %d: read %d segments, SE01 %q, SetInfo %d", i, set.Segments, set.Trailer.Element(1), info.Segments)
		}
		if len(set.Members) != len(info.Members) {
			t.Fatalf("set %d: %d members read, %d written", i, len(set.Members), len(info.Members))
		}
		for j, m := range set.Members {
			p := info.Members[j]
			if m.First != p.First || m.Last != p.Last {
				t.Errorf("set %d member %d: read positions %d-%d, written %d-%d", i, j, m.First, m.Last, p.First, p.Last)
			}
			if m.SubscriberID != strings.ToUpper(p.SubscriberExt) {
				t.Errorf("set %d member %d: REF*0F %q, want %q", i, j, m.SubscriberID, p.SubscriberExt)
			}
			if m.Subscriber != (p.DependentExt == "") {
				t.Errorf("set %d member %d: INS01 subscriber=%v for dependent %q", i, j, m.Subscriber, p.DependentExt)
			}
		}
	}
	s := g.Sets[0]
	if s.Sponsor != "ACME WIDGETS, INC." || s.Payer != "BLUE CROSS EXAMPLE" || s.Action != ActionChange || s.Reference != "0001" {
		t.Errorf("set header = %q %q %q %q", s.Sponsor, s.Payer, s.Action, s.Reference)
	}
	wantMaint := []string{"021", "021", "021", "024", "001"}
	wantRel := []string{"18", "01", "19", "18", "18"}
	for j, m := range s.Members {
		if m.Maintenance != wantMaint[j] || m.Relationship != wantRel[j] {
			t.Errorf("member %d: INS02 %s INS03 %s, want %s %s", j, m.Relationship, m.Maintenance, wantRel[j], wantMaint[j])
		}
	}
	if got := strings.Join(s.Members[0].Coverages, ","); got != "HLT,DEN,AC" {
		t.Errorf("subscriber coverages = %s, want canonical order HLT,DEN,AC", got)
	}
}

func TestSetInfoFind(t *testing.T) {
	_, infos := write834(t, testEnvelope(), testOptions(), smallGroup())
	info := infos[0]
	for _, m := range info.Members {
		for _, pos := range []int{m.First, (m.First + m.Last) / 2, m.Last} {
			got, ok := info.Find(pos)
			if !ok || got != m {
				t.Errorf("Find(%d) = %+v, %v; want %+v", pos, got, ok, m)
			}
		}
	}
	for _, pos := range []int{1, 6, info.Segments, info.Segments + 5} {
		if m, ok := info.Find(pos); ok {
			t.Errorf("Find(%d) = %+v, want no member (header or trailer)", pos, m)
		}
	}
}

func TestWriter834Content(t *testing.T) {
	out, _ := write834(t, testEnvelope(), testOptions(), smallGroup())
	s := string(out)
	for _, want := range []string{
		"ST*834*0001*005010X220A1~",
		"BGN*00*0001*20240506*1345****2~",
		"REF*38*GCM-001~",      // no policy number: the group's id
		"DTP*007*D8*20240506~", // effective date defaults to the envelope's
		"N1*P5*ACME WIDGETS, INC.*FI*123456789~",
		"N1*IN*BLUE CROSS EXAMPLE*94*BLUECROSS~",
		"INS*Y*18*021*28*A***FT~",
		"REF*0F*E1001~\nREF*1L*GCM-001~\nDTP*336*D8*20190301~",
		"NM1*IL*1*DOE*JANE*Q***34*123456789~",
		"N3*100 MAIN ST*APT 4~",
		"N4*ORLANDO*FL*328011234**CY*12095~",
		"DMG*D8*19800412*F~",
		"HD*021**HLT*BC-PPO-500*FAM~\nDTP*348*D8*20240601~",
		"HD*021**AC*BC-LIFE-50K*EMP~",
		"INS*N*01*021*28*A~", // spouse: no INS08
		"NM1*IL*1*DOE*JOHN****34*987654321~",
		"HD*021**HLT*BC-PPO-500~",           // dependents carry no HD05
		"INS*N*19*021*28*A~\nREF*0F*E1001~", // child, subscriber's id
		"DMG*D8*20150720*U~",                // non_binary has no code: U
		"INS*Y*18*024*08*A***PT~\nREF*0F*E1002~\nREF*1L*GCM-001~\nDTP*303*D8*20240630~", // termination of employment, effective
		"DTP*357*D8*20240630~", // eligibility end
		"HD*024**HLT*BC-HMO-250*EMP~\nDTP*348*D8*20230101~\nDTP*349*D8*20240630~",
		"INS*Y*18*001*25*A***AC~\nREF*0F*E1003~\nREF*1L*GCM-001~\nDTP*303*D8*20240506~", // no employment details: active
		"NM1*IL*1*GARCIA*ANA~", // accents folded to ASCII
		"N4*TAMPA*FL*33602~",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("834 lacks %q", want)
		}
	}
	if strings.Contains(s, "HD*001**VIS") || strings.Contains(s, "*VIS*") {
		t.Error("a demographic change carries no HD loop")
	}
	if strings.Contains(s, "N3*") && strings.Count(s, "N3*") != 2 {
		t.Errorf("want N3 only for the two subscribers with addresses, got %d", strings.Count(s, "N3*"))
	}
}

func TestWriter834Options(t *testing.T) {
	opts := testOptions()
	opts.Action = ActionVerify
	opts.ReferenceID = " ref-9 "
	opts.CarrierID = "123456789"
	opts.EffectiveDate = testTime.AddDate(0, 1, 0)
	opts.LevelCodes = map[string]string{model.LevelFamily: "FAM", model.LevelEmployeeOnly: "IND"}
	gc := smallGroup()
	for i := range gc.Members {
		m := gc.Members[i]
		gc.Members[i] = withCoverage(model.MemberChange{Maintenance: model.MaintAudit, Subscriber: m.Subscriber, Dependent: m.Dependent})
	}
	gc.Members = gc.Members[:3]
	gc.Group.Subscribers[0].ResidentialAddress = &model.Address{AddressLine1: "24 Sussex Dr", City: "Ottawa", State: "ON",
		Zip: "K1A 0A3", CountryCode: "ca"}
	env := testEnvelope()
	env.ApplicationSender, env.ApplicationReceiver = "ONBOARD-APP", "BCBS-ENROLL"
	out, _ := write834(t, env, opts, gc)
	s := string(out)
	for _, want := range []string{
		"GS*BE*ONBOARD-APP*BCBS-ENROLL*20240506*1345*7*X*005010X220A1~",
		"N4*OTTAWA*ON*K1A 0A3*CA~", // a foreign postal code as given, with its country
		"BGN*00*REF-9*20240506*1345****4~",
		"DTP*007*D8*20240606~",
		"N1*IN*BLUE CROSS EXAMPLE*FI*123456789~", // 9 digits: a tax id
		"INS*Y*18*030*XN*A***FT~",
		"HD*030**AC*BC-LIFE-50K*IND~", // level code overridden
	} {
		if !strings.Contains(s, want) {
			t.Errorf("834 lacks %q", want)
		}
	}
}

func TestWriter834Errors(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(gc *model.GroupChanges, o *Options834)
		is        error
		parameter string
		element   string
	}{
		{"delimiter in a name", func(gc *model.GroupChanges, o *Options834) {
			gc.Group.Subscribers[0].LastName = "Doe~Smith"
		}, ErrDelimiterInValue, "group.subscribers[E1001].last_name", "NM103"},
		{"component separator in an address", func(gc *model.GroupChanges, o *Options834) {
			gc.Group.Subscribers[2].ResidentialAddress.AddressLine1 = "Unit 4: 9 Palm Ave"
		}, ErrDelimiterInValue, "group.subscribers[E1003].residential_address.address_line_1", "N301"},
		{"repetition separator in a plan", func(gc *model.GroupChanges, o *Options834) {
			gc.Group.Subscribers[0].Enrollments[1].PlanID = "PPO^500"
		}, ErrDelimiterInValue, "group.subscribers[E1001].enrollments[medical].plan_id", "HD04"},
		{"control character", func(gc *model.GroupChanges, o *Options834) {
			gc.Group.Subscribers[0].FirstName = "Ja\nne"
		}, ErrControlCharacter, "group.subscribers[E1001].first_name", "NM104"},
		{"no HD03 code", func(gc *model.GroupChanges, o *Options834) {
			delete(o.ProductCodes, model.ProductLife)
		}, ErrMissingCode, "group.subscribers[E1001].enrollments[basic_life].product_line", "HD03"},
		{"no HD05 code", func(gc *model.GroupChanges, o *Options834) {
			gc.Group.Subscribers[0].Enrollments[0].CoverageLevel = "employee_plus_pets"
		}, ErrMissingCode, "group.subscribers[E1001].enrollments[basic_life].coverage_level", "HD05"},
		{"unknown relationship", func(gc *model.GroupChanges, o *Options834) {
			gc.Group.Subscribers[0].Dependents[0].SubscriberRelationship = "neighbour"
		}, ErrMissingCode, "group.subscribers[E1001].dependents[E1001-2].subscriber_relationship", "INS02"},
		{"SSN not 9 digits", func(gc *model.GroupChanges, o *Options834) {
			gc.Group.Subscribers[0].SocialSecurityNumber = "123-45-678"
		}, ErrInvalid, "group.subscribers[E1001].social_security_number", "NM109"},
		{"FEIN missing", func(gc *model.GroupChanges, o *Options834) {
			gc.Group.Employer.FEIN = ""
		}, ErrRequired, "group.employer.fein", "N104"},
		{"bad birth date", func(gc *model.GroupChanges, o *Options834) {
			gc.Group.Subscribers[0].Dependents[1].BirthDate = "2015-02-30"
		}, ErrInvalid, "group.subscribers[E1001].dependents[E1001-3].birth_date", "DMG02"},
		{"missing last name", func(gc *model.GroupChanges, o *Options834) {
			gc.Group.Subscribers[1].LastName = "  "
		}, ErrRequired, "group.subscribers[E1002].last_name", "NM103"},
		{"coverage ending before it starts", func(gc *model.GroupChanges, o *Options834) {
			gc.Group.Subscribers[1].Enrollments[0].EndDate = "2022-12-31"
		}, ErrInvalid, "group.subscribers[E1002].enrollments[medical].end_date", "DTP03"},
		{"COBRA without its qualifying event", func(gc *model.GroupChanges, o *Options834) {
			gc.Group.Subscribers[0].EmploymentDetails.Status = "cobra"
		}, ErrRequired, "group.subscribers[E1001].employment_details.cobra_event", "INS07"},
		{"termination without end date", func(gc *model.GroupChanges, o *Options834) {
			gc.Members[3].EndDate = ""
			gc.Group.Subscribers[1].Enrollments[0].EndDate = ""
		}, ErrRequired, "group.subscribers[E1002]", "DTP03"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gc, opts := smallGroup(), testOptions()
			tt.edit(&gc, &opts)
			for i, m := range gc.Members { // coverage changes copy the enrollments: again, edited
				if len(m.Coverages) > 0 {
					m.Coverages, m.ProductLines = nil, nil
					gc.Members[i] = withCoverage(m)
				}
			}
			var buf bytes.Buffer
			w, err := NewWriter834(&buf, testEnvelope(), opts)
			if err != nil {
				t.Fatal(err)
			}
			_, err = w.WriteSet(gc, 1)
			if !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Parameter != tt.parameter || fe.Element != tt.element {
				t.Fatalf("err = %v, want a FieldError for %s (%s)", err, tt.parameter, tt.element)
			}
			for _, secret := range []string{"123456789", "123-45-678", "987654321", "3456789"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q leaks an identifier", err)
				}
			}
			// Nothing of the refused set was written; the writer goes on.
			if _, err := w.WriteSet(secondGroup(), 2); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			ic, err := Read834(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if errs := ic.Validate(); len(errs) > 0 {
				t.Fatalf("envelope errors after a refused set: %v", errs)
			}
			if n := len(ic.Groups[0].Sets); n != 1 || ic.Groups[0].Sets[0].Control != 2 {
				t.Fatalf("want only set 0002 written, got %d sets", n)
			}
		})
	}
}

func TestNewWriter834Errors(t *testing.T) {
	tests := []struct {
		name        string
		edit        func(e *Envelope, o *Options834)
		errContains string
	}{
		{"bad action", func(e *Envelope, o *Options834) { o.Action = "X" }, "action (BGN08)"},
		{"no carrier", func(e *Envelope, o *Options834) { o.CarrierID = "" }, "carrier name and id"},
		{"bad carrier qualifier", func(e *Envelope, o *Options834) { o.CarrierIDQualifier = "ZZ" }, "N103"},
		{"sender too long", func(e *Envelope, o *Options834) { e.SenderID = "ABCDEFGHIJKLMNOP" }, "ISA06"},
		{"qualifier length", func(e *Envelope, o *Options834) { e.ReceiverQualifier = "Z" }, "ISA07"},
		{"usage", func(e *Envelope, o *Options834) { e.Usage = "X" }, "ISA15"},
		{"ISA13 range", func(e *Envelope, o *Options834) { e.ISA13 = 1_000_000_000 }, "ISA13"},
		{"GS06 range", func(e *Envelope, o *Options834) { e.GS06 = 0 }, "GS06"},
		{"no time", func(e *Envelope, o *Options834) { e.Time = Envelope{}.Time }, "time"},
		{"delimiter in sender", func(e *Envelope, o *Options834) { e.SenderID = "ON*BOARD" }, "element separator"},
		{"delimiter in a code", func(e *Envelope, o *Options834) { o.ProductCodes["vision"] = "V~S" }, "segment terminator"},
		{"same delimiters", func(e *Envelope, o *Options834) {
			e.Delimiters = Delimiters{Element: '*', Component: '*', Repetition: '^', Segment: '~'}
		}, "both"},
		{"alphanumeric delimiter", func(e *Envelope, o *Options834) {
			e.Delimiters = Delimiters{Element: 'A', Component: ':', Repetition: '^', Segment: '~'}
		}, "letter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, opts := testEnvelope(), testOptions()
			tt.edit(&env, &opts)
			var buf bytes.Buffer
			_, err := NewWriter834(&buf, env, opts)
			if err == nil || !strings.Contains(err.Error(), tt.errContains) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.errContains)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %q despite the error", buf.String())
			}
		})
	}
}

func TestWriter834EmptySetAndClose(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter834(&buf, testEnvelope(), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	gc := smallGroup()
	gc.Members = nil
	if _, err := w.WriteSet(gc, 1); !errors.Is(err, ErrRequired) {
		t.Errorf("empty set: err = %v, want ErrRequired", err)
	}
	if _, err := w.WriteSet(model.GroupChanges{}, 1); !errors.Is(err, ErrRequired) {
		t.Errorf("no group: err = %v, want ErrRequired", err)
	}
	if _, err := w.WriteSet(smallGroup(), 0); !errors.Is(err, ErrBadEnvelope) {
		t.Errorf("ST02 0: err = %v, want ErrBadEnvelope", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := w.WriteSet(smallGroup(), 1); !errors.Is(err, ErrWriterState) {
		t.Errorf("after Close: err = %v, want ErrWriterState", err)
	}
	if !strings.HasSuffix(buf.String(), "GE*0*7~\nIEA*1*000000042~\n") {
		t.Errorf("trailers of an empty group: %q", buf.String())
	}
}
