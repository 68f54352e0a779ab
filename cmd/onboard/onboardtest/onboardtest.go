// Package onboardtest serves tests that run the real onboard binary (end
// to end, crash and reliability tests): it builds cmd/onboard once per test
// process, however many tests ask for it.
//
//	func TestMain(m *testing.M) { os.Exit(onboardtest.Main(m)) }
//
//	func TestFlow(t *testing.T) {
//		bin := onboardtest.Binary(t)
//		out, err := exec.Command(bin, "once", "-config", cfg).CombinedOutput()
//	}
package onboardtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	once   sync.Once
	dir    string
	path   string
	out    []byte
	buildE error
)

// Binary returns the path of the onboard binary, building it on first use.
// A build failure fails the test with the compiler's output.
func Binary(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		if dir, buildE = os.MkdirTemp("", "onboard-bin-"); buildE != nil {
			return
		}
		path = filepath.Join(dir, "onboard")
		out, buildE = exec.Command("go", "build", "-ldflags=-s -w", "-o", path, "github.com/onboard/onboard/cmd/onboard").CombinedOutput()
	})
	if buildE != nil {
		t.Fatalf("building onboard: %v\n%s", buildE, out)
	}
	return path
}

// Main runs the tests and then removes the binary; use it from TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	return code
}
