package fixedwidth

import (
	"errors"
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	at := time.Date(2025, 1, 15, 9, 30, 5, 0, time.UTC)
	tests := []struct {
		format string
		in     value
		want   string
		err    error
	}{
		{"YYYYMMDD", text("1985-03-14"), "19850314", nil},
		{"MM/DD/YYYY", text("1985-03-14"), "03/14/1985", nil},
		{"MMDDYY", text("2009-12-01"), "120109", nil},
		{"YYYY-MM-DD", text("2020-02-29"), "2020-02-29", nil},
		{"YYYYMMDDHHMISS", value{kind: kTime, t: at}, "20250115093005", nil},
		{"HH:MI", value{kind: kTime, t: at}, "09:30", nil},
		{"YYYYMMDD", text("03/14/1985"), "", ErrInvalidValue},
		{"YYYYMMDD", text("1985-13-01"), "", ErrInvalidValue},
		{"dollars", value{kind: kInt, n: 5200050}, "52000.50", nil},
		{"dollars", value{kind: kInt, n: 7}, "0.07", nil},
		{"dollars", value{kind: kInt, n: -1234}, "-12.34", nil},
		{"dollars_implied", value{kind: kInt, n: 5200050}, "5200050", nil},
		{"whole_dollars", value{kind: kInt, n: 5200050}, "52001", nil},
		{"whole_dollars", value{kind: kInt, n: 5200049}, "52000", nil},
		{"dollars", text("12x"), "", ErrInvalidValue},
		{"upper", text("o'Brien-smith"), "O'BRIEN-SMITH", nil},
		{"upper", text("zoë"), "ZOË", nil},
		{"digits", text("123-45-6789"), "123456789", nil},
	}
	for _, tt := range tests {
		f, err := parseFormat(tt.format)
		if err != nil {
			t.Fatalf("parseFormat(%q): %v", tt.format, err)
		}
		got, err := f.appendValue(nil, tt.in)
		if !errors.Is(err, tt.err) {
			t.Errorf("%s(%v): err = %v, want %v", tt.format, tt.in, err, tt.err)
			continue
		}
		if err == nil && string(got) != tt.want {
			t.Errorf("%s(%v) = %q, want %q", tt.format, tt.in, got, tt.want)
		}
	}
}

func TestParseFormatRejects(t *testing.T) {
	for _, s := range []string{"", "lower", "YYYYMMDX", "//", "yyyymmdd", "dollars:2"} {
		if _, err := parseFormat(s); !errors.Is(err, ErrInvalid) {
			t.Errorf("parseFormat(%q) err = %v, want ErrInvalid", s, err)
		}
	}
}
