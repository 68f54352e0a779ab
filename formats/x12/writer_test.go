package x12

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestCheckValue(t *testing.T) {
	d := DefaultDelimiters()
	tests := []struct {
		value string
		is    error
		names string
	}{
		{"PLAIN VALUE 123-45, & CO.", nil, ""},
		{"", nil, ""},
		{"A*B", ErrDelimiterInValue, "element separator"},
		{"A:B", ErrDelimiterInValue, "component separator"},
		{"A^B", ErrDelimiterInValue, "repetition separator"},
		{"A~B", ErrDelimiterInValue, "segment terminator"},
		{"A\nB", ErrControlCharacter, "0x0a"},
		{"A\tB", ErrControlCharacter, "0x09"},
		{"A\x00B", ErrControlCharacter, "NUL"},
		{"A\x7fB", ErrControlCharacter, "0x7f"},
		{"GARCÍA", ErrCharacterSet, "'Í' (U+00CD)"},
		{"王", ErrCharacterSet, "U+738B"},
		{"\xff", ErrCharacterSet, "U+FFFD"},
		{"O`BRIEN", ErrCharacterSet, "'`'"},
	}
	for _, tt := range tests {
		err := CheckValue(tt.value, d)
		if !errors.Is(err, tt.is) || (err == nil) != (tt.is == nil) {
			t.Errorf("CheckValue(%q) = %v, want %v", tt.value, err, tt.is)
			continue
		}
		if err != nil && !strings.Contains(err.Error(), tt.names) {
			t.Errorf("CheckValue(%q) = %q, want it to name %q", tt.value, err, tt.names)
		}
	}
	// Other delimiters make other characters illegal, and '*' legal.
	pipes := Delimiters{Element: '|', Component: '>', Repetition: '!', Segment: '\n'}
	if err := CheckValue("A*B~C:D", pipes); err != nil {
		t.Errorf("with pipes: %v", err)
	}
	// '^' is outside the X12 character set, a delimiter or not.
	if err := CheckValue("D^E", pipes); !errors.Is(err, ErrCharacterSet) {
		t.Errorf("with pipes, '^': %v", err)
	}
	if err := CheckValue("A|B", pipes); !errors.Is(err, ErrDelimiterInValue) {
		t.Errorf("with pipes, '|': %v", err)
	}
}

func TestWriterRefusesDelimiters(t *testing.T) {
	for _, v := range []string{"X*Y", "X:Y", "X^Y", "X~Y", "X\rY"} {
		var buf bytes.Buffer
		w := NewWriter(&buf, Delimiters{})
		if err := w.WriteSegment("NM1", "IL", "1", v); !errors.Is(err, ErrBadSegment) {
			t.Errorf("WriteSegment with %q: err = %v, want ErrBadSegment", v, err)
		} else if !strings.Contains(err.Error(), "NM103") {
			t.Errorf("error %q does not name the element NM103", err)
		}
		if err := w.Flush(); err != nil || buf.Len() != 0 || w.Segments() != 0 {
			t.Errorf("refused segment with %q wrote %q (%d segments)", v, buf.String(), w.Segments())
		}
		if err := w.WriteSegment("N3", "OK"); err != nil {
			t.Errorf("writer unusable after a refusal: %v", err)
		}
	}
}

func TestWriterSegments(t *testing.T) {
	tests := []struct {
		name     string
		d        Delimiters
		write    func(w *Writer) error
		want     string
		errIs    error
		contains string
	}{
		{"trailing empty elements trimmed", Delimiters{}, func(w *Writer) error {
			return w.WriteSegment("NM1", "IL", "1", "DOE", "", "", "")
		}, "NM1*IL*1*DOE~\n", nil, ""},
		{"inner empty elements kept", Delimiters{}, func(w *Writer) error {
			return w.WriteSegment("INS", "Y", "18", "021", "28", "A", "", "", "FT")
		}, "INS*Y*18*021*28*A***FT~\n", nil, ""},
		{"no newline", Delimiters{Element: '*', Component: ':', Repetition: '^', Segment: '~'}, func(w *Writer) error {
			return w.WriteSegment("N3", "A")
		}, "N3*A~", nil, ""},
		{"newline terminator", Delimiters{Element: '|', Component: '>', Repetition: '!', Segment: '\n', Newline: true}, func(w *Writer) error {
			return w.WriteSegment("N3", "A*B")
		}, "N3|A*B\n", nil, ""},
		{"composite", Delimiters{}, func(w *Writer) error {
			return w.WriteSegmentComponents("IK4", []string{"2", "", ""}, []string{"156"}, []string{"7"}, []string{"XX"}, []string{""})
		}, "IK4*2*156*7*XX~\n", nil, ""},
		{"composite with inner component", Delimiters{}, func(w *Writer) error {
			return w.WriteSegmentComponents("CTX", []string{"SUBSCRIBER NUMBER REF02", "E1001"})
		}, "CTX*SUBSCRIBER NUMBER REF02:E1001~\n", nil, ""},
		{"composite refuses a separator in a component", Delimiters{}, func(w *Writer) error {
			return w.WriteSegmentComponents("CTX", []string{"A:B"})
		}, "", ErrDelimiterInValue, "CTX01-1"},
		{"lower-case id", Delimiters{}, func(w *Writer) error { return w.WriteSegment("nm1", "IL") }, "", ErrBadSegment, "upper-case"},
		{"long id", Delimiters{}, func(w *Writer) error { return w.WriteSegment("NAME", "IL") }, "", ErrBadSegment, "2 or 3"},
		{"bad delimiters", Delimiters{Element: '*', Component: '*', Repetition: '^', Segment: '~'}, func(w *Writer) error {
			return w.WriteSegment("N3", "A")
		}, "", ErrBadDelimiters, ""},
		{"set outside a group", Delimiters{}, func(w *Writer) error { return w.BeginSet("834", 1, Version834) }, "", ErrWriterState, ""},
		{"SE without ST", Delimiters{}, func(w *Writer) error { _, err := w.EndSet(); return err }, "", ErrWriterState, ""},
		{"IEA without ISA", Delimiters{}, func(w *Writer) error { return w.EndInterchange() }, "", ErrWriterState, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := NewWriter(&buf, tt.d)
			err := tt.write(w)
			if !errors.Is(err, tt.errIs) || (err == nil) != (tt.errIs == nil) {
				t.Fatalf("err = %v, want %v", err, tt.errIs)
			}
			if err != nil && !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("err = %q, want it to contain %q", err, tt.contains)
			}
			_ = w.Flush()
			if got := buf.String(); got != tt.want {
				t.Errorf("wrote %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWriterEnvelopeCounts(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, Delimiters{Element: '|', Component: '>', Repetition: '!', Segment: '\n'})
	env := testEnvelope()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.BeginInterchange(env))
	for g := int64(1); g <= 2; g++ {
		must(w.BeginGroup("BE", g, Version834))
		for s := int64(1); s <= g; s++ {
			must(w.BeginSet("834", s, Version834))
			for i := 0; i < int(s)+2; i++ {
				must(w.WriteSegment("REF", "0F", "X"))
			}
			if n, err := w.EndSet(); err != nil || n != int(s)+4 {
				t.Fatalf("EndSet = %d, %v; want %d", n, err, s+4)
			}
		}
		must(w.EndGroup())
	}
	must(w.EndInterchange())
	out := buf.String()
	isa, _, _ := strings.Cut(out, "\n")
	if len(isa)+1 != ISALength {
		t.Errorf("ISA is %d bytes with its terminator, want %d", len(isa)+1, ISALength)
	}
	if !strings.Contains(isa, "|!|00501|000000042|0|T|>") {
		t.Errorf("ISA does not declare the delimiters: %q", isa)
	}
	for _, want := range []string{"SE|5|0001\nGE|1|1\n", "SE|6|0002\nGE|2|2\nIEA|2|000000042\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	ic, err := Read834(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if errs := ic.Validate(); len(errs) != 0 {
		t.Errorf("envelope errors: %v", errs)
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterStickyIOError(t *testing.T) {
	w := NewWriter(failWriter{}, Delimiters{})
	_ = w.WriteSegment("N3", "A")
	if err := w.Flush(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Flush = %v, want the I/O error", err)
	}
	if err := w.WriteSegment("N3", "B"); err == nil {
		t.Error("write after an I/O error succeeded")
	}
}

func TestISAFixedWidth(t *testing.T) {
	env := testEnvelope()
	env.SenderQualifier, env.SenderID = "30", "123456789012345" // exactly 15
	env.ReceiverID = "R"
	env.AckRequested = true
	env.Usage = "P"
	env.ISA13 = 999999999
	isa := formatISA(env, DefaultDelimiters())
	want := "ISA*00*          *00*          *30*123456789012345*ZZ*R              *240506*1345*^*00501*999999999*1*P*:~"
	if isa != want || len(isa) != ISALength {
		t.Errorf("ISA =\n%q (%d), want\n%q", isa, len(isa), want)
	}
}
