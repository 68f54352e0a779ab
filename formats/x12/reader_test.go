package x12

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// isa builds a fixed-width ISA with the given delimiters.
func isa(elem, rep, comp, term byte) string {
	d := Delimiters{Element: elem, Component: comp, Repetition: rep, Segment: term}
	return formatISA(testEnvelope(), d)
}

// readAll returns every segment of s, or the first error.
func readAll(s string) ([]Segment, Delimiters, error) {
	rd := NewReader(strings.NewReader(s))
	var segs []Segment
	for {
		seg, err := rd.Next()
		if err == io.EOF {
			return segs, rd.Delimiters(), nil
		}
		if err != nil {
			return segs, rd.Delimiters(), err
		}
		segs = append(segs, seg)
	}
}

func TestReaderDelimiters(t *testing.T) {
	tests := []struct {
		name  string
		input string
		d     Delimiters
		ids   string // the segment ids, space-separated
		check func(t *testing.T, segs []Segment)
	}{
		{
			name:  "default delimiters, newlines",
			input: isa('*', '^', ':', '~') + "\nGS*BE*A*B~\nST*834*0001~\nHD*021**HLT~\nSE*3*0001~\nGE*1*7~\nIEA*1*000000042~\n",
			d:     Delimiters{Element: '*', Component: ':', Repetition: '^', Segment: '~', Newline: true},
			ids:   "ISA GS ST HD SE GE IEA",
		},
		{
			name:  "CRLF and a BOM",
			input: "\xEF\xBB\xBF" + isa('*', '^', ':', '~') + "\r\nGS*BE~\r\nIEA*0*1~\r\n\r\n",
			d:     Delimiters{Element: '*', Component: ':', Repetition: '^', Segment: '~', Newline: true},
			ids:   "ISA GS IEA",
			check: func(t *testing.T, segs []Segment) {
				if segs[1].Line != 2 || segs[2].Line != 3 || segs[1].Offset != 3+ISALength+2 {
					t.Errorf("GS at line %d offset %d, IEA at line %d", segs[1].Line, segs[1].Offset, segs[2].Line)
				}
			},
		},
		{
			name:  "one line",
			input: isa('*', '^', ':', '~') + "GS*BE~ST*999*1~AK1*BE*7~SE*3*1~",
			d:     Delimiters{Element: '*', Component: ':', Repetition: '^', Segment: '~'},
			ids:   "ISA GS ST AK1 SE",
			check: func(t *testing.T, segs []Segment) {
				if segs[3].Line != 1 || segs[3].SetPos != 2 || segs[3].Pos != 4 || segs[4].SetPos != 3 {
					t.Errorf("AK1: line %d pos %d setpos %d; SE setpos %d", segs[3].Line, segs[3].Pos, segs[3].SetPos, segs[4].SetPos)
				}
			},
		},
		{
			name:  "pipes and newline terminator",
			input: isa('|', '!', '>', '\n') + "GS|BE|A|B\r\nST|834|0001\nNM1|IL|1|O*BRIEN|A~B\nCTX|SITUATIONAL TRIGGER>X|INS|2\n",
			d:     Delimiters{Element: '|', Component: '>', Repetition: '!', Segment: '\n'},
			ids:   "ISA GS ST NM1 CTX",
			check: func(t *testing.T, segs []Segment) {
				if got := segs[3].Element(3); got != "O*BRIEN" {
					t.Errorf("NM103 = %q", got)
				}
				if got := segs[1].Element(3); got != "B" {
					t.Errorf("GS03 = %q: the CR before the newline terminator was kept", got)
				}
				if c := DefaultDelimiters(); c.Components("A:B")[1] != "B" {
					t.Error("Components")
				}
				d := Delimiters{Component: '>'}
				if got := d.Components(segs[4].Element(1)); len(got) != 2 || got[1] != "X" {
					t.Errorf("CTX01 components = %q", got)
				}
			},
		},
		{
			name:  "caret element separator",
			input: isa('^', '{', '}', '\'') + "GS^BE'IEA^0^000000042'",
			d:     Delimiters{Element: '^', Component: '}', Repetition: '{', Segment: '\''},
			ids:   "ISA GS IEA",
		},
		{
			name:  "non-printable delimiters",
			input: isa(0x1d, 0x1e, 0x1f, 0x1c) + "GS\x1dBE\x1dA\x1cIEA\x1d0\x1d000000042\x1c",
			d:     Delimiters{Element: 0x1d, Component: 0x1f, Repetition: 0x1e, Segment: 0x1c},
			ids:   "ISA GS IEA",
			check: func(t *testing.T, segs []Segment) {
				if segs[1].Element(2) != "A" {
					t.Errorf("GS02 = %q", segs[1].Element(2))
				}
			},
		},
		{
			name: "version 00401: ISA11 is U, no repetition separator",
			input: strings.Replace(isa('*', 'U', ':', '~'), "00501", "00401", 1) +
				"\nGS*BE~\nIEA*0*1~",
			d:   Delimiters{Element: '*', Component: ':', Segment: '~', Newline: true},
			ids: "ISA GS IEA",
		},
		{
			name:  "unpadded ISA",
			input: "ISA*00**00**ZZ*ME*ZZ*YOU*240506*1345*^*00501*1*0*T*:~GS*BE~",
			d:     Delimiters{Element: '*', Component: ':', Repetition: '^', Segment: '~'},
			ids:   "ISA GS",
			check: func(t *testing.T, segs []Segment) {
				if segs[0].Element(6) != "ME" || segs[0].Element(16) != ":" {
					t.Errorf("ISA elements = %q", segs[0].Elements)
				}
			},
		},
		{
			name: "two interchanges with different delimiters",
			input: isa('*', '^', ':', '~') + "\nIEA*0*000000042~\n" +
				isa('|', '!', '>', '\n') + "\nTA1|000000001|240506|1345|A|000\nIEA|0|000000042\n",
			d:   Delimiters{Element: '|', Component: '>', Repetition: '!', Segment: '\n'},
			ids: "ISA IEA ISA TA1 IEA",
			check: func(t *testing.T, segs []Segment) {
				if segs[2].Pos != 1 || segs[3].Pos != 2 || segs[3].Element(4) != "A" {
					t.Errorf("second interchange: ISA pos %d, TA1 pos %d %q", segs[2].Pos, segs[3].Pos, segs[3].Elements)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			segs, d, err := readAll(tt.input)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, s := range segs {
				ids = append(ids, s.ID)
			}
			if got := strings.Join(ids, " "); got != tt.ids {
				t.Fatalf("ids = %s, want %s", got, tt.ids)
			}
			if d != tt.d {
				t.Errorf("delimiters = %+v, want %+v", d, tt.d)
			}
			if segs[0].ID != "ISA" || len(segs[0].Elements) != 16 {
				t.Errorf("ISA has %d elements", len(segs[0].Elements))
			}
			if tt.check != nil {
				tt.check(t, segs)
			}
		})
	}
}

func TestReaderErrors(t *testing.T) {
	tests := []struct {
		name     string
		input    string
		is       error
		contains string
	}{
		{"empty", "", ErrNoISA, "empty"},
		{"whitespace only", " \r\n\n", ErrNoISA, "empty"},
		{"not X12", "hello, world", ErrNoISA, "line 1"},
		{"GS first", "GS*BE*A*B~", ErrNoISA, ""},
		{"truncated ISA", "ISA*00*          *00*", ErrBadISA, "fewer than 16"},
		{"letter as separator", "ISAX00X", ErrBadISA, "element separator"},
		{"terminator equals separator", strings.Replace(isa('*', '^', ':', '~'), "~", "*", 1) + "GS*BE*", ErrBadISA, "terminator"},
		{"alphanumeric component separator", strings.Replace(isa('*', '^', ':', '~'), ":~", "A~", 1), ErrBadISA, "ISA16"},
		{"unterminated last segment", isa('*', '^', ':', '~') + "\nGS*BE*A\n", ErrUnterminated, "line 2"},
		{"bad segment id", isa('*', '^', ':', '~') + "\nGS*BE~\n??*X~", ErrBadSegmentID, `"??"`},
		{"empty segment", isa('*', '^', ':', '~') + "GS*BE~~", ErrBadSegmentID, `""`},
		{"long id not quoted", isa('*', '^', ':', '~') + "123456789012*X~", ErrBadSegmentID, "12-character"},
		{"segment too long", isa('*', '^', ':', '~') + "NTE*" + strings.Repeat("A", MaxSegmentLength+10), ErrSegmentTooLong, "within"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readAll(tt.input)
			if !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Errorf("err %T is not a *SyntaxError", err)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("err = %q, want it to contain %q", err, tt.contains)
			}
		})
	}
}

func TestReaderErrorIsFinal(t *testing.T) {
	rd := NewReader(strings.NewReader(isa('*', '^', ':', '~') + "??~GS*BE~"))
	if _, err := rd.Next(); err != nil {
		t.Fatal(err)
	}
	_, err1 := rd.Next()
	_, err2 := rd.Next()
	if err1 == nil || err1 != err2 {
		t.Errorf("errors = %v, %v; want the same error twice", err1, err2)
	}
}

func TestSegmentElement(t *testing.T) {
	s := Segment{ID: "NM1", Elements: []string{"IL", "1", "DOE"}}
	for n, want := range map[int]string{0: "", 1: "IL", 3: "DOE", 4: "", -1: ""} {
		if got := s.Element(n); got != want {
			t.Errorf("Element(%d) = %q, want %q", n, got, want)
		}
	}
	if got := (Delimiters{}).Repetitions("A^B"); len(got) != 1 {
		t.Errorf("Repetitions without a separator = %q", got)
	}
	if got := DefaultDelimiters().Repetitions("A^B"); len(got) != 2 {
		t.Errorf("Repetitions = %q", got)
	}
}
