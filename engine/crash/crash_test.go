//go:build unix

package crash

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
)

// TestHelperProcess is run as a child by TestPoint: it passes the point
// "other", then calls the point the parent named.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("CRASH_HELPER") != "1" {
		t.Skip("helper process")
	}
	Point("other")
	os.Stdout.WriteString("passed other\n")
	Point("here")
	os.Stdout.WriteString("passed here\n")
}

func TestPoint(t *testing.T) {
	tests := []struct {
		at         string
		wantKilled bool
		wantOut    string
	}{
		{at: "", wantOut: "passed other\npassed here\n"},
		{at: "elsewhere", wantOut: "passed other\npassed here\n"},
		{at: "here", wantKilled: true, wantOut: "passed other\n"},
	}
	for _, tc := range tests {
		t.Run("at="+tc.at, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
			cmd.Env = append(os.Environ(), "CRASH_HELPER=1", Env+"="+tc.at)
			out, err := cmd.Output()
			var ee *exec.ExitError
			killed := errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL
			if killed != tc.wantKilled {
				t.Fatalf("killed = %v (err %v), want %v", killed, err, tc.wantKilled)
			}
			if !tc.wantKilled && err != nil {
				t.Fatalf("helper failed: %v\n%s", err, out)
			}
			// go test prints PASS after a test that returns; compare the prefix.
			if got := string(out); len(got) < len(tc.wantOut) || got[:len(tc.wantOut)] != tc.wantOut {
				t.Fatalf("output %q, want prefix %q", got, tc.wantOut)
			}
			if tc.wantKilled && string(out) != tc.wantOut {
				t.Fatalf("killed process wrote %q after the point", out)
			}
		})
	}
}
