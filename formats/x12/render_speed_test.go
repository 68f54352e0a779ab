package x12

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// referenceD8 is how dates were read before appendD8: time.Parse with
// each accepted layout. appendD8 must agree with it on every input.
func referenceD8(s string) (string, bool) {
	for _, layout := range []string{"2006-01-02", "20060102", "01/02/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("20060102"), true
		}
	}
	return "", false
}

// dateSeeds are dates and near-dates: every layout, leap days, bounds,
// signs, short fields and stray characters.
var dateSeeds = []string{
	"2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "2024-04-31", "2024-06-30", "2024-12-31", "2024-13-01",
	"2024-00-10", "2024-01-00", "0000-01-01", "9999-12-31", "20240131", "20240230", "01/31/2024", "02/29/2000",
	"02/29/1900", "12/31/1999", "13/01/2024", "2024-1-01", "2024-01-1", "+024-01-01", "-024-01-01", "2024-+1-01",
	"2024/01/01", "2024-01-01x", "2024-01-01 ", " 2024-01-01", "abcd-ef-gh", "2024_01_01", "1/2/2024", "01-02-2024",
	"", "2024", "202401011", "２０２４-01-01", "2024-01-01T00:00:00Z", "20241301", "00000000", "0001-01-01",
}

func TestAppendD8MatchesTimeParse(t *testing.T) {
	for _, s := range dateSeeds {
		checkD8(t, s)
	}
	// Every day of a leap and a common year, in each layout.
	for _, year := range []int{1900, 2023, 2024} {
		for d := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == year; d = d.AddDate(0, 0, 1) {
			for _, layout := range []string{"2006-01-02", "20060102", "01/02/2006"} {
				checkD8(t, d.Format(layout))
			}
		}
	}
	// Day 00 to 39 of every month, for the days a month lacks.
	for m := 0; m <= 13; m++ {
		for day := 0; day < 40; day++ {
			checkD8(t, fmt.Sprintf("2023-%02d-%02d", m, day))
			checkD8(t, fmt.Sprintf("2024%02d%02d", m, day))
		}
	}
}

func checkD8(t *testing.T, s string) {
	t.Helper()
	want, wantOK := referenceD8(s)
	got, ok := appendD8([]byte("x"), s)
	if ok != wantOK || ok && string(got) != "x"+want || !ok && string(got) != "x" {
		t.Errorf("appendD8(%q) = %q, %v; time.Parse reads %q, %v", s, got, ok, want, wantOK)
	}
}

// FuzzAppendD8 checks the date reader against time.Parse.
func FuzzAppendD8(f *testing.F) {
	for _, s := range dateSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkD8(t, s) })
}

// valueSeeds are element values: case, accents, non-ASCII spaces (which
// strings.TrimSpace trims), control characters and delimiters.
var valueSeeds = []string{
	"", " ", "Jane", "  jane q  ", "JANE", "García", "Łódź", "ærø", "Ω", "\u00a0Ann\u00a0", "\u2003Bo", "x\ty", "\tTab\t",
	"\vV\f", "a*b", "a~b", "a:b", "a^b", "x\x00y", "x\x7fy", "ß", "straße", "\xff\xfe", "K\u212a", "ǅ", "ﬀ", "100 Main St.",
}

func TestAppendNormalizedMatchesVal(t *testing.T) {
	for _, s := range valueSeeds {
		checkNormalized(t, s)
	}
}

func checkNormalized(t *testing.T, s string) {
	t.Helper()
	want := foldASCII(strings.ToUpper(strings.TrimSpace(s)))
	if got := appendNormalized([]byte("x"), s); string(got) != "x"+want {
		t.Errorf("appendNormalized(%q) = %q, want x%q", s, got, want)
	}
	b := &setBuilder{}
	b.reset(DefaultDelimiters())
	if b.plain(s) && s != want {
		t.Errorf("plain(%q) but val makes it %q", s, want)
	}
}

// FuzzAppendNormalized checks the element normalizer against the
// string functions it stands for.
func FuzzAppendNormalized(f *testing.F) {
	for _, s := range valueSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkNormalized(t, s) })
}

// TestSetBuilderRefusesDelimiters keeps the security rule: no element
// that holds a delimiter or a control character is ever built, whether
// it comes from the model (val) or from code (el).
func TestSetBuilderRefusesDelimiters(t *testing.T) {
	d := Delimiters{Element: '|', Component: '>', Repetition: '!', Segment: '\n'}
	tests := []struct {
		name        string
		build       func(b *setBuilder)
		is          error
		errContains string
	}{
		{"code with the element separator", func(b *setBuilder) { b.begin("REF"); b.el("0F"); b.el("A|B") }, ErrDelimiterInValue, "REF02"},
		{"code with a control character", func(b *setBuilder) { b.begin("REF"); b.el("A\tB") }, ErrControlCharacter, "REF01"},
		{"value with the component separator", func(b *setBuilder) {
			b.begin("NM1")
			b.val(param{sub: "E1", field: "last_name"}, "NM103", "Doe>Smith")
		}, ErrDelimiterInValue, "group.subscribers[E1].last_name (NM103)"},
		{"value with the segment terminator", func(b *setBuilder) {
			b.begin("N3")
			b.val(param{sub: "E1", field: "residential_address.address_line_1"}, "N301", "1 Main\nSt")
		}, ErrDelimiterInValue, "address_line_1 (N301)"},
		{"value with the repetition separator", func(b *setBuilder) {
			b.begin("HD")
			b.val(param{sub: "E1", line: "medical", field: "plan_id"}, "HD04", "PLAN!1")
		}, ErrDelimiterInValue, "enrollments[medical].plan_id (HD04)"},
		{"missing required value", func(b *setBuilder) {
			b.begin("REF")
			b.required(param{sub: "E1", field: "external_identifier"}, "REF02", "  ")
		}, ErrRequired, "external_identifier (REF02)"},
		{"bad date", func(b *setBuilder) {
			b.begin("DMG")
			b.date(param{sub: "E1", field: "birth_date"}, "DMG02", "2023-02-29")
		}, ErrInvalid, "birth_date (DMG02)"},
		{"SSN of 8 digits", func(b *setBuilder) {
			b.begin("NM1")
			b.digits(param{sub: "E1", field: "social_security_number"}, "NM109", "123-45-678", 9)
		}, ErrInvalid, "must be 9 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &setBuilder{}
			b.reset(d)
			tt.build(b)
			err := b.end()
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.errContains) {
				t.Fatalf("err = %v, want %v mentioning %q", err, tt.is, tt.errContains)
			}
			if strings.Contains(err.Error(), "123") {
				t.Errorf("error %q shows the value", err)
			}
			if b.SetSegments() != 1 {
				t.Errorf("a refused segment was counted: %d segments", b.SetSegments())
			}
		})
	}
}

func TestSetBuilderSegments(t *testing.T) {
	b := &setBuilder{}
	b.reset(DefaultDelimiters())
	for _, seg := range [][]string{{"N1", "P5", "", ""}, {"INS", "Y", "18", "", "", "A", "", "", "FT"}, {"REF", ""}, {"DTP", "348", "D8", "20240601"}} {
		if err := b.segment(seg[0], seg[1:]...); err != nil {
			t.Fatal(err)
		}
	}
	b.begin("NM1")
	b.el("IL")
	b.val(param{}, "NM103", " doe ")
	b.val(param{}, "NM104", "")
	b.skip()
	if err := b.end(); err != nil {
		t.Fatal(err)
	}
	want := "N1*P5~\nINS*Y*18***A***FT~\nREF~\nDTP*348*D8*20240601~\nNM1*IL*DOE~\n"
	if string(b.buf) != want || b.SetSegments() != 6 {
		t.Errorf("built %q (%d segments), want %q (6)", b.buf, b.SetSegments(), want)
	}
}

// TestWriter834Delimiters writes the golden groups with other delimiters
// and no newlines: the file is the golden one with the delimiters
// swapped, byte for byte.
func TestWriter834Delimiters(t *testing.T) {
	def := DefaultDelimiters()
	other := Delimiters{Element: '|', Component: '>', Repetition: '!', Segment: '\n'}
	env := testEnvelope()
	want, _ := write834(t, env, testOptions(), smallGroup(), secondGroup())
	env.Delimiters = other
	got, infos := write834(t, env, testOptions(), smallGroup(), secondGroup())
	swap := strings.NewReplacer(string(def.Segment)+"\n", string(other.Segment), string(def.Element), string(other.Element),
		string(def.Component), string(other.Component), string(def.Repetition), string(other.Repetition))
	if s := swap.Replace(string(want)); s != string(got) {
		t.Errorf("with %+v:\n%s\nwant:\n%s", other, got, s)
	}
	if len(infos) != 2 || len(infos[0].Members) != 5 || infos[0].Members[4].Last != infos[0].Segments-1 {
		t.Errorf("set infos = %+v", infos)
	}
	// The writer keeps nothing of a refused set and goes on.
	var buf bytes.Buffer
	w, err := NewWriter834(&buf, env, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	bad := smallGroup()
	bad.Group.Subscribers[2].LastName = "O|Neil"
	if _, err := w.WriteSet(bad, 1); !errors.Is(err, ErrDelimiterInValue) {
		t.Fatalf("err = %v, want ErrDelimiterInValue", err)
	}
	if _, err := w.WriteSet(smallGroup(), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteSet(secondGroup(), 2); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if buf.String() != string(got) {
		t.Errorf("after a refused set:\n%s\nwant:\n%s", buf.String(), got)
	}
}
