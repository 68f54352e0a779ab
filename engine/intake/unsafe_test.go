package intake

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

// TestUnsafeFileName: a file whose name holds a control character or a
// backslash cannot be read or moved through a folder. It used to fail
// every pass as an operational error, for ever, with no word to the
// partner (found by engine/reliability's hostile input). Now the partner
// gets a rejected result under a safe name, once, the pass does not fail,
// and the other files are taken.
func TestUnsafeFileName(t *testing.T) {
	data, err := os.ReadFile("testdata/census-small.csv")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, safe string }{
		{"esc\x1b[31mred.csv", "esc_[31mred.csv"},
		{"tab\tand\nnewline.csv", "tab_and_newline.csv"},
		{`back\slash.csv`, "back_slash.csv"},
	}
	for _, tc := range tests {
		t.Run(tc.safe, func(t *testing.T) {
			e := newEnv(t, "full", 1<<30)
			e.drop(tc.name, data)
			e.drop("good.csv", data)
			e.pass() // fails the test on an operational error
			r := e.result(tc.safe)
			if r.Outcome != "rejected" || r.File != tc.name || len(r.Errors) != 1 || r.Errors[0].ErrorType != model.ErrFileInvalid ||
				!strings.Contains(r.Errors[0].Message, tc.safe) {
				t.Errorf("result %+v", r)
			}
			if _, err := os.Stat(filepath.Join(e.outbound, "results", tc.safe+".errors.csv")); err != nil {
				t.Errorf("no errors CSV: %v", err)
			}
			if r := e.result("good.csv"); r.Outcome != "accepted" {
				t.Errorf("good.csv: %s", r.Outcome)
			}
			// Told once: a later pass leaves the result alone.
			res := filepath.Join(e.outbound, "results", tc.safe+".result.json")
			if err := os.WriteFile(res, []byte("told"), 0o600); err != nil {
				t.Fatal(err)
			}
			e.pass()
			if b, _ := os.ReadFile(res); string(b) != "told" {
				t.Errorf("the result was written again: %q", b)
			}
			if _, err := os.Stat(filepath.Join(e.inbound, tc.name)); err != nil {
				t.Errorf("the file left the drop folder: %v", err)
			}
		})
	}
}
