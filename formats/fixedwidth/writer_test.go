package fixedwidth

import (
	"bytes"
	"strings"
	"testing"
)

func TestExampleFixedGolden(t *testing.T) {
	l := loadLayout(t, exampleFixed)
	got := writeAll(t, l, testChanges())
	golden(t, "example-fixed.golden", got)

	lines := strings.Split(string(got), "\r\n")
	if last := lines[len(lines)-1]; last != "" {
		t.Fatalf("delivery does not end with CRLF: %q", last)
	}
	lines = lines[:len(lines)-1]
	// header, 2 group headers, 8 members, trailer
	if len(lines) != 12 {
		t.Fatalf("got %d records, want 12", len(lines))
	}
	for i, line := range lines {
		if len(line) != 200 {
			t.Errorf("record %d is %d bytes, want 200: %q", i+1, len(line), line)
		}
	}
	if want := "TRL000000012000000008000000002000000042"; !strings.HasPrefix(lines[11], want) {
		t.Errorf("trailer = %q, want prefix %q", lines[11], want)
	}
}

func TestExampleCSVGolden(t *testing.T) {
	l := loadLayout(t, exampleCSV)
	got := writeAll(t, l, testChanges())
	golden(t, "example-csv.golden", got)
	if !bytes.HasPrefix(got, []byte("Action,Group Number,Employer,")) {
		t.Errorf("no header row: %q", got[:40])
	}
}
