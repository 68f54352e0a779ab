package x12guide_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onboard/onboard/formats/x12/x12guide"
)

// lifeADD are the companion-guide HD03 codes the golden 834's carrier
// declares for basic life and AD&D.
var lifeADD = x12guide.Options{Deviations: map[string][]string{"HD03": {"AC", "ADD"}}}

func guides(t *testing.T) *x12guide.Guides {
	t.Helper()
	g, err := x12guide.Default()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return g
}

func readSegments(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	var segs []string
	for _, s := range strings.Split(string(data), "~") {
		if s = strings.TrimSpace(s); s != "" {
			segs = append(segs, s)
		}
	}
	return segs
}

func join(segs []string) []byte { return []byte(strings.Join(segs, "~\n") + "~\n") }

// find returns the index of the n-th (0-based) segment starting with prefix.
func find(t *testing.T, segs []string, prefix string, n int) int {
	t.Helper()
	for i, s := range segs {
		if strings.HasPrefix(s, prefix) {
			if n == 0 {
				return i
			}
			n--
		}
	}
	t.Fatalf("no segment %q", prefix)
	return -1
}

func TestValidGoldenFilesPass(t *testing.T) {
	g := guides(t)
	for _, c := range []struct {
		file string
		opts x12guide.Options
	}{
		{"834-small.golden.x12", lifeADD},
		{"999-accepted.x12", x12guide.Options{}},
		{"999-group-rejected.x12", x12guide.Options{}},
		{"ta1-999.x12", x12guide.Options{}},
		{"ta1-accepted.x12", x12guide.Options{}},
	} {
		data := join(readSegments(t, c.file))
		ps, err := g.Validate(data, c.opts)
		if err != nil || len(ps) > 0 {
			t.Errorf("%s: err %v, problems:\n%s", c.file, err, x12guide.Format(ps, 0))
		}
	}
}

// TestMutationsAreCaught breaks a valid 834 (or 999) one way at a time
// and expects exactly the kind of problem the break is, on the segment
// broken.
func TestMutationsAreCaught(t *testing.T) {
	g := guides(t)
	cases := []struct {
		name    string
		file    string
		mutate  func(t *testing.T, segs []string) []string
		kind    x12guide.Kind
		element string // the reference designator expected, "" for a segment problem
		segment string // the segment id expected
	}{
		{"HD03 code no carrier declared", "834-small.golden.x12", func(t *testing.T, s []string) []string { return s }, x12guide.InvalidCode, "HD03", "HD"},
		{"wrong code INS02", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "INS*Y*18", 0)
			s[i] = strings.Replace(s[i], "*18*", "*99*", 1)
			return s
		}, x12guide.InvalidCode, "INS02", "INS"},
		{"wrong code HD05", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "HD*021**HLT*BC-PPO-500*FAM", 0)
			s[i] = strings.Replace(s[i], "FAM", "FAMILY", 1)
			return s
		}, x12guide.InvalidCode, "HD05", "HD"},
		{"wrong code state N402", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "N4*ORLANDO", 0)
			s[i] = strings.Replace(s[i], "*FL*", "*XX*", 1)
			return s
		}, x12guide.InvalidCode, "N402", "N4"},
		{"out-of-order segment DMG before N3", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			n3, dmg := find(t, s, "N3*100 MAIN", 0), find(t, s, "DMG*D8*19800412", 0)
			d := s[dmg]
			copy(s[n3+1:dmg+1], s[n3:dmg])
			s[n3] = d
			return s
		}, x12guide.UnexpectedSegment, "", "N3"},
		{"out-of-order REF*1L before REF*0F", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "REF*0F*E1001", 0)
			s[i], s[i+1] = s[i+1], s[i]
			return s
		}, x12guide.UnexpectedSegment, "", "REF"},
		{"missing required segment REF*0F", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "REF*0F*E1002", 0)
			s = append(s[:i], s[i+1:]...)
			i = find(t, s, "SE*56", 0)
			s[i] = "SE*55*0001"
			return s
		}, x12guide.MissingSegment, "", "REF"},
		{"missing required loop 1000B", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "N1*IN", 0)
			s = append(s[:i], s[i+1:]...)
			i = find(t, s, "SE*56", 0)
			s[i] = "SE*55*0001"
			return s
		}, x12guide.MissingSegment, "", "N1"},
		{"too-long value NM103", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "NM1*IL*1*DOE*JANE", 0)
			s[i] = strings.Replace(s[i], "*DOE*", "*"+strings.Repeat("D", 61)+"*", 1)
			return s
		}, x12guide.TooLong, "NM103", "NM1"},
		{"too-short value N403", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "N4*TAMPA", 0)
			s[i] = strings.Replace(s[i], "33602", "33", 1)
			return s
		}, x12guide.TooShort, "N403", "N4"},
		{"wrong SE01", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "SE*56", 0)
			s[i] = "SE*57*0001"
			return s
		}, x12guide.SetTrailer, "SE01", "SE"},
		{"wrong SE02", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "SE*14", 0)
			s[i] = "SE*14*0003"
			return s
		}, x12guide.SetTrailer, "SE02", "SE"},
		{"wrong GE01", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "GE*", 0)
			s[i] = "GE*3*7"
			return s
		}, x12guide.GroupTrailer, "GE01", "GE"},
		{"wrong IEA02", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "IEA*", 0)
			s[i] = "IEA*1*000000043"
			return s
		}, x12guide.InterchangeTrailer, "IEA02", "IEA"},
		{"duplicate ST02", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "ST*834*0002", 0)
			s[i] = "ST*834*0001*005010X220A1"
			i = find(t, s, "SE*14", 0)
			s[i] = "SE*14*0001"
			return s
		}, x12guide.DuplicateControl, "ST02", "ST"},
		{"missing required element NM103", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "NM1*IL*1*PARK", 0)
			s[i] = "NM1*IL*1**LEE"
			return s
		}, x12guide.MissingElement, "NM103", "NM1"},
		{"not-used element HD02", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "HD*024**HLT", 0)
			s[i] = "HD*024*X*HLT*BC-HMO-250*EMP"
			return s
		}, x12guide.NotUsedElement, "HD02", "HD"},
		{"invalid date DMG02", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "DMG*D8*19900228", 0)
			s[i] = "DMG*D8*19900230*F"
			return s
		}, x12guide.InvalidDate, "DMG02", "DMG"},
		{"invalid time BGN04", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "BGN*00*0001", 0)
			s[i] = strings.Replace(s[i], "*1345*", "*2561*", 1)
			return s
		}, x12guide.InvalidTime, "BGN04", "BGN"},
		{"non-ASCII name", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "NM1*IL*1*GARCIA", 0)
			s[i] = "NM1*IL*1*GARCÍA*ANA"
			return s
		}, x12guide.InvalidCharacter, "NM103", "NM1"},
		{"segment repeated beyond max use", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "DMG*D8*20150720", 0)
			s = append(s[:i+1], s[i:]...)
			i = find(t, s, "SE*56", 0)
			s[i] = "SE*57*0001"
			return s
		}, x12guide.SegmentRepeats, "", "DMG"},
		{"too many elements", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "DTP*348*D8*20240701", 0)
			s[i] += "*X"
			return s
		}, x12guide.TooManyElements, "DTP04", "DTP"},
		{"trailing element separator", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "REF*38*POL-778", 0)
			s[i] += "*"
			return s
		}, x12guide.TrailingSeparator, "", "REF"},
		{"paired syntax rule N1 P0304", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "N1*P5", 0)
			s[i] = "N1*P5*ACME WIDGETS, INC.*FI"
			return s
		}, x12guide.MissingElement, "N104", "N1"},
		{"numeric with letters ISA13", "834-small.golden.x12", func(t *testing.T, s []string) []string {
			s[0] = strings.Replace(s[0], "000000042", "00000004A", 1)
			i := find(t, s, "IEA*", 0)
			s[i] = "IEA*1*00000004A"
			return s
		}, x12guide.InvalidCharacter, "ISA13", "ISA"},
		{"999 wrong AK9 code", "999-accepted.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "AK9*", 0)
			s[i] = "AK9*Z*2*2*2"
			return s
		}, x12guide.InvalidCode, "AK901", "AK9"},
		{"999 missing IK5", "999-accepted.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "IK5*A", 0)
			s = append(s[:i], s[i+1:]...)
			i = find(t, s, "SE*8", 0)
			s[i] = "SE*7*0001"
			return s
		}, x12guide.MissingSegment, "", "IK5"},
		{"999 wrong SE01", "999-accepted.x12", func(t *testing.T, s []string) []string {
			i := find(t, s, "SE*8", 0)
			s[i] = "SE*9*0001"
			return s
		}, x12guide.SetTrailer, "SE01", "SE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := lifeADD
			if strings.HasPrefix(c.name, "HD03 code") {
				opts = x12guide.Options{}
			}
			data := join(c.mutate(t, readSegments(t, c.file)))
			ps, err := g.Validate(data, opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				if p.Kind == c.kind && p.Element == c.element && p.SegmentID == c.segment {
					return
				}
			}
			t.Errorf("want a %s problem on %s %s; got:\n%s", c.kind, c.segment, c.element, x12guide.Format(ps, 0))
		})
	}
}

func TestCRLFAndOtherDelimiters(t *testing.T) {
	g := guides(t)
	segs := readSegments(t, "999-accepted.x12")
	// Same interchange with | elements, ! repetition, > components and CRLF.
	var out []string
	for _, s := range segs {
		s = strings.ReplaceAll(s, "*", "|")
		if strings.HasPrefix(s, "ISA") {
			s = strings.Replace(s, "|^|", "|!|", 1)
			s = strings.TrimSuffix(s, ":") + ">"
		}
		out = append(out, s)
	}
	data := []byte(strings.Join(out, "~\r\n") + "~\r\n")
	ps, err := g.Validate(data, x12guide.Options{})
	if err != nil || len(ps) > 0 {
		t.Fatalf("err %v, problems:\n%s", err, x12guide.Format(ps, 0))
	}
}

func TestNotX12(t *testing.T) {
	g := guides(t)
	if _, err := g.Validate([]byte("transmission,result\n1,accepted\n"), x12guide.Options{}); err == nil {
		t.Fatal("a CSV passed as X12")
	}
	if _, err := g.Validate([]byte("ISA*00*short~"), x12guide.Options{}); err == nil {
		t.Fatal("a short ISA passed")
	}
}

// TestCheckFailsTheTest checks that Check reports problems through t.
func TestCheckFailsTheTest(t *testing.T) {
	guides(t)
	rec := &recorder{}
	x12guide.Check(rec, join(readSegments(t, "834-small.golden.x12")), x12guide.Options{})
	if !rec.failed || !strings.Contains(rec.msg, "HD03") {
		t.Fatalf("Check did not fail on an undeclared HD03 code: %q", rec.msg)
	}
	rec = &recorder{}
	x12guide.Check(rec, join(readSegments(t, "834-small.golden.x12")), lifeADD)
	if rec.failed {
		t.Fatalf("Check failed a valid file: %s", rec.msg)
	}
}

type recorder struct {
	failed bool
	msg    string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Errorf(f string, a ...any) { r.failed = true; r.msg += fmtS(f, a...) }
func (r *recorder) Fatalf(f string, a ...any) { r.failed = true; r.msg += fmtS(f, a...) }
func (r *recorder) Skipf(f string, a ...any)  { r.msg += fmtS(f, a...) }

func fmtS(f string, a ...any) string { return fmt.Sprintf(f, a...) }

// TestCheckWithoutMaps: missing maps skip a test locally and fail it under
// CI=true.
func TestCheckWithoutMaps(t *testing.T) {
	t.Setenv(x12guide.MapsEnv, filepath.Join(t.TempDir(), "nowhere"))
	t.Setenv("CI", "true")
	rec := &recorder{}
	x12guide.Check(rec, []byte("ISA"), x12guide.Options{})
	if !rec.failed {
		t.Fatalf("missing maps did not fail under CI=true: %q", rec.msg)
	}
	t.Setenv("CI", "")
	rec = &recorder{}
	x12guide.Check(rec, []byte("ISA"), x12guide.Options{})
	if rec.failed || !strings.Contains(rec.msg, "nowhere") {
		t.Fatalf("missing maps outside CI: failed %v, %q", rec.failed, rec.msg)
	}
}

// TestEmbeddedMapsAreTheShared: the copy the binary carries is the
// shared maps, byte for byte.
func TestEmbeddedMapsAreTheShared(t *testing.T) {
	g := guides(t)
	for _, f := range []string{x12guide.Map834, x12guide.Map999, "dataele.xml", "codes.xml", "LICENSE.txt"} {
		shared, err := os.ReadFile(filepath.Join(g.Dir, f))
		if err != nil {
			t.Fatal(err)
		}
		copied, err := os.ReadFile(filepath.Join("maps", f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(shared, copied) {
			t.Errorf("maps/%s differs from %s: copy the shared maps again", f, filepath.Join(g.Dir, f))
		}
	}
	e, err := x12guide.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	ps, err := e.Validate(join(readSegments(t, "834-small.golden.x12")), x12guide.Options{})
	if err != nil || len(ps) == 0 {
		t.Errorf("the embedded maps found no problem in a file with undeclared HD03 codes (err %v)", err)
	}
}

// TestTestsReadTheSharedMaps: every test that checks an 834 or a 999 goes
// through Default, which must load the implementation guide from
// ../shared/x12-maps beside the repository (not the binary's embedded
// copy), so the files the tests write are held to the standard itself.
func TestTestsReadTheSharedMaps(t *testing.T) {
	if os.Getenv(x12guide.MapsEnv) != "" {
		t.Skipf("%s names other maps", x12guide.MapsEnv)
	}
	g := guides(t)
	// This package is formats/x12/x12guide: the repository root is three up.
	want, err := filepath.Abs(filepath.Join("..", "..", "..", "../shared/x12-maps"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := filepath.Abs(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("the tests' guide maps come from %s, want ../shared/x12-maps (%s)", got, want)
	}
	for _, f := range []string{x12guide.Map834, x12guide.Map999} {
		if _, err := os.Stat(filepath.Join(want, f)); err != nil {
			t.Errorf("../shared/x12-maps/%s: %v", f, err)
		}
	}
}
