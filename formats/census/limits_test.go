package census

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/mappings"
)

// readLimited reads every group of data with the limits, with an indexing
// or a streaming reader, and returns the groups read and the error that
// ended the reading.
func readLimited(t *testing.T, stream bool, m *mappings.Mapping, data []byte, l Limits) (int, error) {
	t.Helper()
	open := NewReader
	if stream {
		open = NewStreamReader
	}
	r, err := open(bytes.NewReader(data), m, "test.csv", WithLimits(l))
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

func TestLimits(t *testing.T) {
	m := standard(t)
	small, err := os.ReadFile("testdata/census-small.csv")
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Q", 70_000)
	bigCell := bytes.Replace(small, []byte("Defuniak Springs"), []byte(long), 1)
	for _, tc := range []struct {
		name        string
		data        []byte
		limits      Limits
		errContains string
	}{
		{"within the limits", small, Limits{MaxValueBytes: 64 << 10, MaxGroupMembers: 10}, ""},
		{"a cell over max_value_bytes", bigCell, Limits{MaxValueBytes: 64 << 10},
			"line 2, column 10 holds a value of 70000 bytes, and the longest accepted is 65536 bytes (max_value_bytes)"},
		{"no value limit", bigCell, Limits{}, ""},
		{"a group over max_group_members", small, Limits{MaxGroupMembers: 3},
			`group "GCM-001" has more than 3 members in it (max_group_members, reached at line 5)`},
	} {
		for _, stream := range []bool{false, true} {
			name := tc.name
			if stream {
				name += "/stream"
			}
			t.Run(name, func(t *testing.T) {
				n, err := readLimited(t, stream, m, tc.data, tc.limits)
				if tc.errContains == "" {
					if err != nil || n == 0 {
						t.Fatalf("read %d groups, error %v", n, err)
					}
					return
				}
				var me model.Error
				if !errors.As(err, &me) || me.ErrorType != model.ErrFileInvalid || !strings.Contains(me.Message, tc.errContains) {
					t.Fatalf("error = %v, want file_invalid containing %q", err, tc.errContains)
				}
				if strings.Contains(me.Message, "QQQQ") {
					t.Errorf("the message echoes the value: %.200s", me.Message)
				}
			})
		}
	}
}

// TestCROnlyLineEnds: old spreadsheet exports end lines with a bare CR; the
// census reads as the same groups as with LF or CRLF line ends.
func TestCROnlyLineEnds(t *testing.T) {
	m := standard(t)
	lf, err := os.ReadFile("testdata/census-small.csv")
	if err != nil {
		t.Fatal(err)
	}
	want, err := readWith(t, NewReader, m, lf)
	if err != nil {
		t.Fatal(err)
	}
	cr := bytes.ReplaceAll(lf, []byte("\n"), []byte("\r"))
	for _, open := range []func(io.ReadSeeker, *mappings.Mapping, string, ...Option) (*Reader, error){NewReader, NewStreamReader} {
		got, err := readWith(t, open, m, cr)
		if err != nil {
			t.Fatalf("CR-only census: %v", err)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("CR-only census reads differently:\n%s\nwant\n%s", got, want)
		}
	}
}
