package mappings

import (
	"math/rand/v2"
	"testing"
	"time"
)

// numericLayouts are layouts the hand-written date parser takes, as token
// layouts compile them and as Go layouts.
var numericLayouts = []string{"YYYY-MM-DD", "MM/DD/YYYY", "M/D/YYYY", "DD.MM.YYYY", "YYYYMMDD", "MMDDYYYY", "D-M-YYYY",
	"2006-01-02", "01/02/2006", "2/1/2006", "2006.1.2"}

// dateSamples are values around every edge of the layouts above.
func dateSamples() []string {
	out := []string{"", "2016-02-29", "2015-02-29", "2000-02-29", "1900-02-29", "0000-02-29", "9999-12-31", "2016-2-9", "2016-02-9",
		"2016-13-01", "2016-00-10", "2016-01-00", "2016-01-32", "2016-04-31", "2016-04-30", "201-01-01", "20160-01-01", "+016-01-01",
		"-016-01-01", " 2016-01-01", "2016-01-01 ", "2016-01-01x", "2016/01/01", "02/29/2016", "2/9/2016", "02/09/16", "12/31/1999",
		"13/01/2016", "1/1/2016", "01/1/2016", "1/01/2016", "001/01/2016", "09.02.2016", "9.2.2016", "20160209", "02092016", "2016029",
		"9-2-2016", "09-02-2016", "2016.2.9", "2016.02.09", "2016.12.1", "2016-1-31", "2016-11-31", "2016-011-01", "２０１６-01-01"}
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "0123456789-/.+ x0123456789"
	for range 20000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		out = append(out, string(b))
	}
	for range 5000 {
		y, m, d := r.IntN(10000), r.IntN(14), r.IntN(33)
		out = append(out,
			pad(y, 4)+"-"+pad(m, 1+r.IntN(2))+"-"+pad(d, 1+r.IntN(2)),
			pad(m, 1+r.IntN(2))+"/"+pad(d, 1+r.IntN(2))+"/"+pad(y, 4),
			pad(d, 2)+"."+pad(m, 2)+"."+pad(y, 4), pad(y, 4)+pad(m, 2)+pad(d, 2), pad(m, 2)+pad(d, 2)+pad(y, 4))
	}
	return out
}

func pad(n, width int) string {
	b := []byte{}
	for i := 0; i < width || n > 0; i++ {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

// TestNumericDatesMatchTime: the hand-written parser accepts exactly what
// time.Parse accepts, with the same date.
func TestNumericDatesMatchTime(t *testing.T) {
	samples := dateSamples()
	for _, l := range numericLayouts {
		gl, err := dateLayout(l)
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		nl := compileNumeric(gl)
		if nl == nil {
			t.Fatalf("%s (%s): not parsed by hand", l, gl)
		}
		for _, v := range samples {
			checkNumeric(t, gl, nl, v)
		}
	}
}

func checkNumeric(t *testing.T, gl string, nl numericLayout, v string) {
	t.Helper()
	y, m, d, ok := nl.parse(v)
	want, err := time.Parse(gl, v)
	switch {
	case ok != (err == nil):
		t.Errorf("%s %q: hand-written ok=%v, time.Parse %v", gl, v, ok, err)
	case ok && (y != want.Year() || m != int(want.Month()) || d != want.Day()):
		t.Errorf("%s %q: %d-%d-%d, time.Parse %s", gl, v, y, m, d, want.Format(time.DateOnly))
	case ok:
		var buf [10]byte
		if got := string(appendISODate(buf[:0], y, m, d)); got != want.Format(time.DateOnly) {
			t.Errorf("%s %q: formatted %s, want %s", gl, v, got, want.Format(time.DateOnly))
		}
		if isISODate(v, y, m, d) != (v == want.Format(time.DateOnly)) {
			t.Errorf("%s %q: isISODate = %v", gl, v, !(v == want.Format(time.DateOnly)))
		}
	}
}

// TestNumericLayoutsLeftToTime: layouts with names, two-digit years,
// padded days or times are parsed by time.Parse.
func TestNumericLayoutsLeftToTime(t *testing.T) {
	for _, l := range []string{"Jan 2, 2006", "January 2 2006", "02.01.06", "_2/01/2006", "2006-01-02 15:04", "2006-002", "2006 01 02", "2006-01-02-02", "2006-01", ""} {
		if nl := compileNumeric(l); nl != nil {
			t.Errorf("%q: parsed by hand (%v)", l, nl)
		}
	}
}

// TestDateStepUsesBothParsers: a date step with a numeric and a named
// layout takes either form, and refuses a day that does not exist.
func TestDateStepUsesBothParsers(t *testing.T) {
	m, err := Compile([]byte("name: d\ncolumns:\n  - {column: g, target: group.external_identifier}\n  - {column: d, target: member.birth_date, transforms: [{date: [YYYY-MM-DD, MMM D YYYY, MM/DD/YYYY]}]}\n"), "d")
	if err != nil {
		t.Fatal(err)
	}
	var s *step
	for i := range m.fields {
		if m.fields[i].target == MemberBirthDate {
			s = &m.fields[i].steps[0]
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"2016-02-29", "2016-02-29"}, {"Feb 9 2016", "2016-02-09"}, {"02/09/2016", "2016-02-09"}, {"2023-02-30", ""}, {"02/30/2023", ""},
	} {
		got, err := s.apply(tt.in, nil)
		if tt.want == "" {
			if err == nil {
				t.Errorf("%q: accepted as %q", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// FuzzNumericDate: for any value, the hand-written parser agrees with
// time.Parse on every numeric layout.
func FuzzNumericDate(f *testing.F) {
	for _, v := range dateSamples()[:60] {
		f.Add(v)
	}
	var gls []string
	var nls []numericLayout
	for _, l := range numericLayouts {
		gl, _ := dateLayout(l)
		gls, nls = append(gls, gl), append(nls, compileNumeric(gl))
	}
	f.Fuzz(func(t *testing.T, v string) {
		for i := range gls {
			checkNumeric(t, gls[i], nls[i], v)
		}
	})
}
