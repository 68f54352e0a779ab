package x12

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/formats/x12/x12guide"
)

// TestWriter834Transliterates: names and addresses in other Latin
// scripts are written in the X12 character set, and the file passes the
// guide (write834 checks it).
func TestWriter834Transliterates(t *testing.T) {
	gc := smallGroup()
	s := &gc.Group.Subscribers[0]
	s.LastName, s.FirstName, s.MiddleName = "Đặng", "Nguyễn Thị", "Ø"
	s.ResidentialAddress.AddressLine1 = "Große Straße 5"
	s.ResidentialAddress.AddressLine2 = "c/o “Æsir” Œuvre"
	s.ResidentialAddress.City = "Łódź\u00a0Town"
	gc.Group.Employer.OrganizationName = "Müller’s Bäckerei"
	out, _ := write834(t, testEnvelope(), testOptions(), gc)
	for _, want := range []string{
		"NM1*IL*1*DANG*NGUYEN THI*O*",
		"N3*GROSSE STRASSE 5*C/O \"AESIR\" OEUVRE~",
		"N4*LODZ TOWN*FL*",
		"N1*P5*MULLER'S BACKEREI*",
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("834 lacks %q", want)
		}
	}
	for i, c := range out {
		if c >= 0x80 {
			t.Fatalf("byte 0x%02X at %d", c, i)
		}
	}
}

// TestWriter834RefusesOtherScripts: a value with characters that have no
// Latin spelling is refused, naming them, and nothing is written.
func TestWriter834RefusesOtherScripts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(g *model.GroupChanges)
		names string
	}{
		{"chinese last name", func(g *model.GroupChanges) { sub(g).LastName = "王" }, "U+738B"},
		{"cyrillic city", func(g *model.GroupChanges) { sub(g).ResidentialAddress.City = "Москва" }, "U+041C"},
		{"caret in a name", func(g *model.GroupChanges) { sub(g).FirstName = "A^B" }, "repetition separator"},
		{"invalid UTF-8", func(g *model.GroupChanges) { sub(g).FirstName = "A\xffB" }, "U+FFFD"},
		{"name too long", func(g *model.GroupChanges) { sub(g).FirstName = strings.Repeat("ß", 18) }, "NM104 holds 1 to 35"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := smallGroup()
			tc.edit(&g)
			var buf bytes.Buffer
			w, err := NewWriter834(&buf, testEnvelope(), testOptions())
			if err != nil {
				t.Fatal(err)
			}
			_, err = w.WriteSet(g, 1)
			var fe *FieldError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.names) {
				t.Fatalf("WriteSet = %v, want a field error naming %q", err, tc.names)
			}
			if bytes.Contains(buf.Bytes(), []byte("NM1")) {
				t.Errorf("the refused set was written:\n%s", buf.String())
			}
		})
	}
}

// sub is the first subscriber of a fixture.
func sub(g *model.GroupChanges) *model.Subscriber { return &g.Group.Subscribers[0] }

// FuzzWriter834Guide: whatever names, addresses and identifiers a partner
// sends, the writer either refuses the set or writes one that passes the
// implementation guide.
func FuzzWriter834Guide(f *testing.F) {
	f.Add("Doe", "Jane", "Q", "100 Main St", "Apt 4", "Orlando", "32801", "E1001", "BC-PPO-500", "Acme Widgets, Inc.")
	f.Add("Đặng", "Nguyễn Thị", "", "Große Straße 5", "c/o “Æsir”", "Łódź", "K1A 0A3", "e-1", "plan 9", "Müller’s")
	f.Add("王", "Иван", "\u200b", "\u00a0", " ", "A", "1", "*", "~", ":")
	f.Add("O`Brien", "^", "ﬁ", "…", "\t", "x\xff", "00000", "a b", "-", "&")
	g, err := x12guide.Default()
	if err != nil {
		if os.Getenv("CI") == "true" {
			f.Fatal(err)
		}
		f.Skip(err)
	}
	opts := x12guide.Options{Set: "834", Deviations: map[string][]string{"HD03": {"AC", "ADD"}}}
	f.Fuzz(func(t *testing.T, last, first, middle, addr1, addr2, city, zip, ext, plan, employer string) {
		gc := smallGroup()
		s := &gc.Group.Subscribers[0]
		s.LastName, s.FirstName, s.MiddleName = last, first, middle
		s.ResidentialAddress.AddressLine1, s.ResidentialAddress.AddressLine2 = addr1, addr2
		s.ResidentialAddress.City, s.ResidentialAddress.Zip = city, zip
		s.ResidentialAddress.FIPSCountyCode = ""
		s.ExternalIdentifier = ext
		s.Enrollments[1].PlanID = plan
		gc.Group.Employer.OrganizationName = employer
		var buf bytes.Buffer
		w, err := NewWriter834(&buf, testEnvelope(), testOptions())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.WriteSet(gc, 1); err != nil {
			return // refused: fine
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		ps, err := g.Validate(buf.Bytes(), opts)
		if err != nil || len(ps) > 0 {
			t.Fatalf("written file fails the guide (err %v):\n%s\n%s", err, x12guide.Format(ps, 20), buf.String())
		}
	})
}
