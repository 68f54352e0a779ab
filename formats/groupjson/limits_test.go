package groupjson

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

func TestLimits(t *testing.T) {
	group := func(name string, subs int) string {
		var b strings.Builder
		b.WriteString(`{"group": {"external_identifier": "G1", "employer": {"organization_name": "` + name + `"}, "subscribers": [`)
		for i := range subs {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`{"external_identifier": "E` + strings.Repeat("1", i+1) + `", "dependents": [{"external_identifier": "D"}]}`)
		}
		b.WriteString("]}}\n")
		return b.String()
	}
	long := strings.Repeat("N", 5000)
	for _, tc := range []struct {
		name     string
		data     string
		limits   Limits
		fileErr  string // a file-level error containing this
		groupErr string // else a group error containing this
	}{
		{"within", group("Acme", 2), Limits{MaxValueBytes: 1024, MaxGroupMembers: 4}, "", ""},
		{"long string", group("Acme", 1) + group(long, 1), Limits{MaxValueBytes: 1024},
			"line 2 holds a value longer than 1024 bytes (max_value_bytes)", ""},
		{"long escaped string", group(strings.Repeat(`\"`, 600), 1), Limits{MaxValueBytes: 1024},
			"line 1 holds a value longer than 1024 bytes", ""},
		{"long number", `{"group": {"external_identifier": "G1", "x": ` + strings.Repeat("9", 2000) + "}}", Limits{MaxValueBytes: 1024},
			"line 1 holds a value longer than 1024 bytes", ""},
		{"no limit", group(long, 1), Limits{}, "", ""},
		{"too many members", group("Acme", 3), Limits{MaxGroupMembers: 5}, "",
			"The group has 6 members, more than the 5 one group may have in a file (max_group_members)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tc.data), "g.jsonl", WithLimits(tc.limits))
			var groupErrs []model.Error
			var err error
			for {
				var sg *model.SourcedGroup
				sg, err = r.Next()
				if err != nil {
					break
				}
				groupErrs = append(groupErrs, sg.Errors...)
			}
			if tc.fileErr != "" {
				var me model.Error
				if !errors.As(err, &me) || me.ErrorType != model.ErrFileInvalid || !strings.Contains(me.Message, tc.fileErr) {
					t.Fatalf("error = %v, want file_invalid containing %q", err, tc.fileErr)
				}
				return
			}
			if !errors.Is(err, io.EOF) {
				t.Fatalf("error = %v", err)
			}
			found := tc.groupErr == ""
			for _, e := range groupErrs {
				if tc.groupErr != "" && strings.Contains(e.Message, tc.groupErr) {
					found = true
				}
			}
			if !found {
				t.Errorf("group errors %v, want one containing %q", groupErrs, tc.groupErr)
			}
		})
	}
}
