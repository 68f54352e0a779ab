package census

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/mappings"
)

func TestListNames(t *testing.T) {
	tests := []struct {
		names []string
		want  string
	}{
		{[]string{"a"}, "a"},
		{[]string{"a", "b", "a"}, "a, b"},
		{strings.Split("a b c d e f g h i j k l", " "), "a, b, c, d, e, f, g, h, i, j and 2 more"},
	}
	for _, tc := range tests {
		if got := listNames(tc.names); got != tc.want {
			t.Errorf("listNames(%q) = %q, want %q", tc.names, got, tc.want)
		}
	}
}

// TestHeaderOfManyColumns: a hostile header naming one filler column a
// million times gave a file error message of 3 MB listing every repeat
// (found by engine/reliability's hostile input); the message stays one
// short line, and never echoes a cell the mapping does not name (it may
// be data). (200,000 columns: a million make a line over maxLine.)
func TestHeaderOfManyColumns(t *testing.T) {
	data, err := os.ReadFile("testdata/census-small.csv")
	if err != nil {
		t.Fatal(err)
	}
	header, rest, _ := strings.Cut(string(data), "\n")
	hostile := header + strings.Repeat(",c", 200_000) + "\n" + rest
	m, err := mappings.Load("census-standard", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewReader(strings.NewReader(hostile), m, "hostile.csv")
	var me model.Error
	var mp *model.Error
	switch {
	case errors.As(err, &me):
	case errors.As(err, &mp):
		me = *mp
	default:
		t.Fatalf("NewReader: %v, want a file error", err)
	}
	if len(me.Message) > 300 || !strings.Contains(me.Message, "repeats 1 other header cell (not shown") {
		t.Errorf("message of %d bytes: %.300s", len(me.Message), me.Message)
	}
}

// TestLongLines: a line of 10 MB, or a header of a million columns, was
// read as one CSV record, taking memory tens of times its size (a 10 MB
// header row took 600 MB; found by engine/reliability's hostile input), so
// a large enough file could take the daemon down. A line longer than
// maxLine is now a file error, read no further; lines up to it are fine.
func TestLongLines(t *testing.T) {
	data, err := os.ReadFile("testdata/census-small.csv")
	if err != nil {
		t.Fatal(err)
	}
	header, rest, _ := strings.Cut(string(data), "\n")
	m, err := mappings.Load("census-standard", "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		file     string
		wantLine int // 0: no error
	}{
		{"header of a million columns", header + strings.Repeat(",c", 1_000_000) + "\n" + rest, 1},
		{"a 10 MB row", header + "\n" + strings.Repeat("A", 10<<20) + "\n", 2},
		{"a row after good ones", string(data) + strings.Repeat("A", maxLine+1), 11},
		{"a long but bearable row", header + "\n" + strings.Repeat("A", maxLine-1) + "\n" + rest, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tc.file), m, "long.csv")
			var me model.Error
			var mp *model.Error
			switch {
			case errors.As(err, &me):
			case errors.As(err, &mp):
				me = *mp
			}
			isLong := strings.Contains(me.Message, "is longer than")
			if tc.wantLine == 0 {
				if isLong {
					t.Fatalf("a line under the limit was refused: %v", err)
				}
				return
			}
			if !isLong || me.Source == nil || me.Source.Line != tc.wantLine {
				t.Fatalf("error %v (%+v), want a long-line error at line %d", err, me.Source, tc.wantLine)
			}
		})
	}
}
